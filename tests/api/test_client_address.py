"""The client address the rate limits and the audit trail see: behind one of our proxies
(here 10.0.0.0/8) the client it reports, whatever the client claimed before it; from anyone
else the socket peer, whatever its headers say; an IPv6 client as its whole /64."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import select

from backend.app import create_app
from backend.config import Settings
from backend.core.db import create_engine, session_factory
from backend.features.identity.guard import RATE_LIMITS
from backend.models import AuditEvent, Session
from tests.conftest import settings_for
from tests.support.addresses import Client, from_address
from tests.support.identity import ORIGIN, FakeClock, Person

SIGN_IN = "/api/v1/auth/sign-in/options"
BUDGET = RATE_LIMITS["sign_in"].requests
PROXY = "10.0.0.2"
claims = (f"192.0.2.{n % 250}" for n in itertools.count())  # what clients say they are


@pytest.fixture
def proxied_settings(database_url: str, tmp_path: Path) -> Settings:
    return settings_for(database_url, tmp_path, trusted_proxies=("10.0.0.0/8",))


@pytest.fixture
async def proxied(proxied_settings: Settings, clock: FakeClock) -> AsyncIterator[Client]:
    """The app, deployed behind our proxies (MOTCUA_TRUSTED_PROXIES=10.0.0.0/8)."""
    app = create_app(proxied_settings, clock=clock)
    async with AsyncTestClient(app, base_url=ORIGIN) as client:
        yield client


async def stored(settings: Settings, model: Any, *where: Any) -> list[Any]:
    engine = create_engine(settings.resolved_database_url)
    try:
        async with session_factory(engine)() as db:
            return list((await db.execute(select(model).where(*where))).scalars())
    finally:
        await engine.dispose()


async def sign_in_options(client: Client, peer: str, forwarded_for: str | None = None) -> int:
    headers = {"x-forwarded-for": forwarded_for} if forwarded_for is not None else None
    async with from_address(client, peer, headers) as http:
        return (await http.post(SIGN_IN, json={})).status_code


async def test_behind_our_proxy_each_client_it_reports_has_its_own_budget(
    proxied: Client,
) -> None:
    client = proxied
    # Whatever the client puts before the address our proxy appends counts for nothing.
    for _ in range(BUDGET):
        assert await sign_in_options(client, PROXY, f"{next(claims)}, 198.51.100.1") == 200
    assert await sign_in_options(client, PROXY, f"{next(claims)}, 198.51.100.1") == 429
    # Another client behind the same proxy is someone else; so is one through two proxies.
    assert await sign_in_options(client, PROXY, "198.51.100.2") == 200
    assert await sign_in_options(client, PROXY, "198.51.100.3, 10.9.9.9") == 200
    assert await sign_in_options(client, PROXY, f"{next(claims)}, 198.51.100.1, 10.9.9.9") == 429


async def test_from_anyone_else_the_headers_say_nothing(proxied: Client) -> None:
    client = proxied
    for _ in range(BUDGET):
        assert await sign_in_options(client, "203.0.113.5", next(claims)) == 200
    assert await sign_in_options(client, "203.0.113.5", next(claims)) == 429
    assert await sign_in_options(client, "203.0.113.5", "10.0.0.3") == 429
    assert await sign_in_options(client, "203.0.113.6", next(claims)) == 200


async def test_an_ipv6_client_counts_as_its_whole_64(client: Client) -> None:
    # The default deployment, no proxies: the socket's peer.
    for n in range(1, BUDGET + 1):
        assert await sign_in_options(client, f"2001:db8:1:2::{n:x}") == 200
    assert await sign_in_options(client, "2001:db8:1:2:ffff:ffff:ffff:ffff") == 429
    assert await sign_in_options(client, "2001:db8:1:3::1") == 200  # the next /64


async def test_the_audit_trail_records_the_client_our_proxy_reports(
    proxied: Client, proxied_settings: Settings
) -> None:
    settings = proxied_settings
    async with from_address(proxied, PROXY, {"x-forwarded-for": "6.6.6.6, 198.51.100.20"}) as http:
        me = await Person(http).sign_up()
    [session] = await stored(settings, Session)
    assert session.ip == "198.51.100.20"
    events = await stored(settings, AuditEvent, AuditEvent.actor_id == me["id"])
    assert sorted((event.action, event.ip) for event in events) == [
        ("account.created", "198.51.100.20"),
        ("session.opened", "198.51.100.20"),
    ]
