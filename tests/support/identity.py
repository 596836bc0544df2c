"""Identity helpers for API tests: a movable clock, and people who sign up and sign in with
the software authenticator through the real endpoints."""

from __future__ import annotations

import datetime as dt
import itertools
import secrets
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select

from backend.config import Settings
from backend.core.db import create_engine, session_factory
from backend.features.identity import schemas, service
from backend.models import AuditEvent
from tests.support.authenticator import SoftwareAuthenticator

ORIGIN = "http://localhost:8000"
Client = AsyncTestClient[Litestar]
_phones = itertools.count(1)


class FakeClock:
    """The app's clock, moved by the test."""

    def __init__(self, now: dt.datetime | None = None) -> None:
        self.current = now or dt.datetime.now(dt.UTC)

    def now(self) -> dt.datetime:
        return self.current

    def advance(self, delta: dt.timedelta) -> None:
        self.current += delta


@asynccontextmanager
async def device(client: Client) -> AsyncIterator[httpx.AsyncClient]:
    """Another browser on the same running server: its own cookie jar over the test
    client's transport, so the app runs once, on one event loop. The transport stays the
    test client's to close."""
    yield httpx.AsyncClient(transport=client._transport, base_url=ORIGIN)


def new_phone() -> str:
    return f"09{next(_phones):08d}"


@dataclass
class Person:
    """Someone with a phone (a software authenticator) and a browser (a test client)."""

    client: Client | httpx.AsyncClient
    authenticator: SoftwareAuthenticator = field(
        default_factory=lambda: SoftwareAuthenticator(origin=ORIGIN)
    )
    me: dict[str, Any] = field(default_factory=dict)

    async def sign_up(self, **particulars: Any) -> dict[str, Any]:
        body = {"fullName": "Nguyễn Văn An", "phone": new_phone(), **particulars}
        options = await self.client.post("/api/v1/auth/sign-up/options", json=body)
        assert options.status_code == 200, options.text
        ceremony = options.json()
        credential = self.authenticator.create(ceremony["publicKey"])
        response = await self.client.post(
            "/api/v1/auth/sign-up/verify",
            json={"ceremonyId": ceremony["ceremonyId"], "credential": credential},
        )
        assert response.status_code == 201, response.text
        self.me = response.json()
        return self.me

    async def sign_in_response(self, **forgery: Any) -> Any:
        options = (await self.client.post("/api/v1/auth/sign-in/options", json={})).json()
        credential = self.authenticator.get(options["publicKey"], **forgery)
        return await self.client.post(
            "/api/v1/auth/sign-in/verify",
            json={"ceremonyId": options["ceremonyId"], "credential": credential},
        )

    async def sign_in(self) -> dict[str, Any]:
        response = await self.sign_in_response()
        assert response.status_code == 200, response.text
        self.me = response.json()
        return self.me

    async def enroll(self, token: str) -> Any:
        """Follow a one-time enrollment link: create a passkey and sign in."""
        options = await self.client.post("/api/v1/auth/enrollment/options", json={"token": token})
        if options.status_code != 200:
            return options
        ceremony = options.json()
        credential = self.authenticator.create(ceremony["publicKey"])
        response = await self.client.post(
            "/api/v1/auth/enrollment/verify",
            json={"token": token, "ceremonyId": ceremony["ceremonyId"], "credential": credential},
        )
        if response.status_code == 200:
            self.me = response.json()
        return response

    async def is_signed_in(self) -> bool:
        return (await self.client.get("/api/v1/auth/me")).status_code == 200

    async def reverify_response(self, **forgery: Any) -> Any:
        """The re-verification ceremony sensitive changes need: a user-verified assertion by
        one of the account's passkeys this authenticator holds."""
        options = await self.client.post("/api/v1/account/verification/options", json={})
        if options.status_code != 200:
            return options
        ceremony = options.json()
        credential = self.authenticator.get(ceremony["publicKey"], **forgery)
        return await self.client.post(
            "/api/v1/account/verification/verify",
            json={"ceremonyId": ceremony["ceremonyId"], "credential": credential},
        )

    async def reverify(self) -> None:
        response = await self.reverify_response()
        assert response.status_code == 200, response.text


def token_of(url: str) -> str:
    return url.split("#token=", 1)[1]


async def operator_creates_staff(
    settings: Settings, full_name: str, roles: list[dict[str, str]]
) -> str:
    """What the operator's command line does for a first admin: a staff account with roles
    and its one-time enrollment token."""
    request = schemas.StaffCreate(
        full_name=full_name,
        phone=new_phone(),
        roles=[schemas.RoleIn(**role) for role in roles],  # type: ignore[arg-type]
    )
    engine = create_engine(settings.resolved_database_url)
    try:
        async with session_factory(engine)() as db, db.begin():
            ctx = service.Context(settings=settings, now=dt.datetime.now(dt.UTC))
            _, link = await service.enroll_staff(db, ctx, request, created_by=None)
    finally:
        await engine.dispose()
    return token_of(link.url)


def new_cccd() -> str:
    """A well-formed CCCD number no other test uses (born in 1990 in province 075)."""
    return f"0751900{next(_cccds):05d}"


_cccds = itertools.count(int.from_bytes(secrets.token_bytes(2)))


async def inbox(client: Client | httpx.AsyncClient) -> list[dict[str, Any]]:
    """What the account's phone syncs into its inbox: a new installation's first pull."""
    client_id = str(uuid.uuid4())
    registered = await client.post(
        "/api/v1/sync/clients", json={"clientId": client_id, "protocolVersion": 1}
    )
    assert registered.status_code in (200, 201), registered.text
    page = await client.post(
        "/api/v1/sync/pull",
        json={"clientId": client_id, "protocolVersion": 1, "limit": 500, "cursor": None},
    )
    assert page.status_code == 200, page.text
    return [c["data"] for c in page.json()["changes"] if c["entity"] == "notification"]


async def staff_member(
    settings: Settings, http: Client | httpx.AsyncClient, full_name: str, *roles: str
) -> Person:
    """A staff account the operator creates (roles as `role@AGENCY`, or `postal@UNIT`),
    enrolled and signed in on `http`."""
    grants = [
        {"role": role, ("postal_unit" if role == "postal" else "agency_code"): where}
        for role, where in (r.split("@", 1) for r in roles)
    ]
    token = await operator_creates_staff(settings, full_name, grants)
    member = Person(http)
    response = await member.enroll(token)
    assert response.status_code == 200, response.text
    return member


async def audit_rows(settings: Settings, action: str) -> list[AuditEvent]:
    """The audit trail's rows of one action, oldest first."""
    engine = create_engine(settings.resolved_database_url)
    try:
        async with session_factory(engine)() as db:
            query = select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
            return list((await db.execute(query)).scalars())
    finally:
        await engine.dispose()


async def count_rows(settings: Settings, model: Any, *where: Any) -> int:
    engine = create_engine(settings.resolved_database_url)
    try:
        async with session_factory(engine)() as db:
            query = select(func.count()).select_from(model).where(*where)
            return int((await db.execute(query)).scalar_one())
    finally:
        await engine.dispose()
