"""The people an authorization test needs, each signed in from a browser of their own on the
same running app: a citizen who owns dossiers, another citizen, the desk officer, handler,
approver, field officer and admin of the commune that holds the dossiers, the same roles at
another commune, a postal worker, and the province's admin — plus someone not signed in.

`cast` is a fixture (tests/conftest.py loads this module as a plugin); the people are made
through the real endpoints: citizens sign up with a software authenticator, staff are created
as the operator creates them and enroll their passkey from the one-time link.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from typing import Final, Literal, get_args

import httpx
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import select

from backend.config import Settings
from backend.core.db import create_engine, session_factory
from backend.models import Agency
from tests.support.identity import Person, device, new_phone, operator_creates_staff

Client = AsyncTestClient[Litestar]
PROVINCE: Final = "000.00.00.H19"  # the province's people's committee: the tree's root
POSTAL_UNIT: Final = "BD-DONGNAI-01"

Name = Literal[
    "anonymous",
    "owner",
    "other_citizen",
    "desk",
    "handler",
    "approver",
    "field",
    "postal",
    "admin",
    "desk_elsewhere",
    "handler_elsewhere",
    "approver_elsewhere",
    "field_elsewhere",
    "admin_elsewhere",
    "province_admin",
]
NAMES: Final[tuple[Name, ...]] = get_args(Name)
CITIZENS: Final[frozenset[Name]] = frozenset({"owner", "other_citizen"})
STAFF_ROLES: Final = ("desk", "handler", "approver", "field", "admin")
OWNER_CCCD: Final = "075190007777"


@dataclass
class Cast:
    """Everyone, by name, with the two communes' people's committees: `holding` (where the
    owner's dossiers go) and `elsewhere`."""

    holding: str
    elsewhere: str
    commune: str
    people: dict[Name, Person] = field(default_factory=dict)

    def http(self, name: Name) -> httpx.AsyncClient:
        client = self.people[name].client
        assert isinstance(client, httpx.AsyncClient)
        return client

    def id_of(self, name: Name) -> str:
        return str(self.people[name].me["id"])


async def commune_committees(settings: Settings) -> list[Agency]:
    """The communes' people's committees, in code order."""
    engine = create_engine(settings.resolved_database_url)
    try:
        async with session_factory(engine)() as db:
            query = (
                select(Agency)
                .where(Agency.kind == "commune_people_committee")
                .order_by(Agency.unit_code)
            )
            return list((await db.execute(query)).scalars())
    finally:
        await engine.dispose()


async def staff_member(
    settings: Settings, http: httpx.AsyncClient, full_name: str, role: str, place: str
) -> Person:
    grant = {"role": role, "postal_unit": place} if role == "postal" else {"role": role}
    if role != "postal":
        grant["agency_code"] = place
    token = await operator_creates_staff(settings, full_name, [grant])
    person = Person(http)
    response = await person.enroll(token)
    assert response.status_code == 200, response.text
    return person


@pytest.fixture
async def cast(client: Client, settings: Settings) -> AsyncIterator[Cast]:
    """Everyone in `NAMES`, signed in (but `anonymous`), for one test."""
    # The first two communes by code: the holding one is the one the applications' addresses
    # name (tests/support/applications.py uses the first commune).
    first, second = (await commune_committees(settings))[:2]
    assert first.unit_code is not None
    found = Cast(holding=first.code, elsewhere=second.code, commune=first.unit_code)
    async with AsyncExitStack() as stack:
        for name in NAMES:
            http = await stack.enter_async_context(device(client))
            if name == "anonymous":
                found.people[name] = Person(http)
            elif name in CITIZENS:
                person = Person(http)
                particulars = {"cccd": OWNER_CCCD} if name == "owner" else {}
                await person.sign_up(fullName=f"Công dân {name}", phone=new_phone(), **particulars)
                found.people[name] = person
            elif name == "postal":
                found.people[name] = await staff_member(
                    settings, http, "Nhân viên bưu điện", "postal", POSTAL_UNIT
                )
            elif name == "province_admin":
                found.people[name] = await staff_member(
                    settings, http, "Quản trị tỉnh", "admin", PROVINCE
                )
            else:
                role, _, where = name.partition("_")
                agency = found.elsewhere if where == "elsewhere" else found.holding
                found.people[name] = await staff_member(
                    settings, http, f"Cán bộ {name}", role, agency
                )
        yield found
