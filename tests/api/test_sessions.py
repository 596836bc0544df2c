"""Sessions: cookie flags, rotation, devices, revoke, idle and absolute expiry, the
cross-site request defence and rate limits."""

from __future__ import annotations

import datetime as dt
from http.cookies import SimpleCookie

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from backend.app import create_app
from backend.config import Settings
from tests.support.identity import FakeClock, Person, device

Client = AsyncTestClient[Litestar]


def session_cookie(response: object) -> SimpleCookie:
    headers = response.headers  # type: ignore[attr-defined]
    cookie: SimpleCookie = SimpleCookie()
    cookie.load(headers["set-cookie"])
    return cookie


async def test_cookie_flags(client: Client) -> None:
    person = Person(client)
    body = {"fullName": "Nguyễn Văn An", "phone": "0911111111"}
    ceremony = (await client.post("/api/v1/auth/sign-up/options", json=body)).json()
    credential = person.authenticator.create(ceremony["publicKey"])
    response = await client.post(
        "/api/v1/auth/sign-up/verify",
        json={"ceremonyId": ceremony["ceremonyId"], "credential": credential},
    )
    morsel = session_cookie(response)["motcua_session"]
    assert morsel["httponly"] is True
    assert morsel["samesite"].lower() == "lax"
    assert morsel["path"] == "/"
    assert not morsel["secure"]  # plain http on localhost, in development only
    assert int(morsel["max-age"]) == 30 * 24 * 3600
    assert len(morsel.value) >= 40


async def test_cookies_are_secure_and_host_only_over_https(
    settings: Settings, clock: FakeClock
) -> None:
    https = Settings(
        **{
            **{f: getattr(settings, f) for f in settings.__struct_fields__},
            "public_url": "https://dichvucong.dongnai.example",
        }
    )
    async with AsyncTestClient(
        create_app(https, clock=clock), base_url="https://dichvucong.dongnai.example"
    ) as client:
        person = Person(client)
        person.authenticator = type(person.authenticator)(origin=https.public_url)
        body = {"fullName": "Nguyễn Văn An", "phone": "0911111112"}
        ceremony = (await client.post("/api/v1/auth/sign-up/options", json=body)).json()
        credential = person.authenticator.create(ceremony["publicKey"])
        response = await client.post(
            "/api/v1/auth/sign-up/verify",
            json={"ceremonyId": ceremony["ceremonyId"], "credential": credential},
        )
    assert response.status_code == 201, response.text
    morsel = session_cookie(response)["__Host-motcua_session"]
    assert morsel["secure"] is True
    assert morsel["httponly"] is True
    assert not morsel["domain"]


async def test_sign_in_rotates_the_session(client: Client) -> None:
    person = Person(client)
    await person.sign_up()
    first = client.cookies.get("motcua_session")
    await person.sign_in()  # signing in again, even while signed in, makes a new session
    second = client.cookies.get("motcua_session")
    assert first
    assert second
    assert first != second
    sessions = (await client.get("/api/v1/account/sessions")).json()
    assert [s["current"] for s in sessions].count(True) == 1
    assert len(sessions) == 2


async def test_devices_list_and_revoke(client: Client) -> None:
    async with device(client) as phone, device(client) as laptop:
        owner = Person(phone)
        await owner.sign_up()
        other = Person(laptop, authenticator=owner.authenticator)
        await other.sign_in()
        sessions = (await phone.get("/api/v1/account/sessions")).json()
        assert len(sessions) == 2
        laptop_session = next(s for s in sessions if not s["current"])
        revoked = await phone.delete(f"/api/v1/account/sessions/{laptop_session['id']}")
        assert revoked.status_code == 204
        assert not await other.is_signed_in()
        assert await owner.is_signed_in()
        missing = await phone.delete(f"/api/v1/account/sessions/{laptop_session['id']}")
        assert missing.status_code == 404


async def test_a_session_of_another_account_cannot_be_revoked(client: Client) -> None:
    async with device(client) as a_client, device(client) as b_client:
        a, b = Person(a_client), Person(b_client)
        await a.sign_up()
        await b.sign_up()
        [b_session] = (await b_client.get("/api/v1/account/sessions")).json()
        refused = await a_client.delete(f"/api/v1/account/sessions/{b_session['id']}")
        assert refused.status_code == 404
        assert await b.is_signed_in()


async def test_sign_out_everywhere(client: Client) -> None:
    async with device(client) as phone, device(client) as laptop:
        owner = Person(phone)
        await owner.sign_up()
        other = Person(laptop, authenticator=owner.authenticator)
        await other.sign_in()
        assert (await laptop.post("/api/v1/account/sign-out-everywhere")).status_code == 204
        assert not await owner.is_signed_in()
        assert not await other.is_signed_in()


async def test_citizen_session_idle_expiry(client: Client, clock: FakeClock) -> None:
    person = Person(client)
    await person.sign_up()
    clock.advance(dt.timedelta(days=13))
    assert await person.is_signed_in()  # use keeps it alive...
    clock.advance(dt.timedelta(days=13))
    assert await person.is_signed_in()
    clock.advance(dt.timedelta(days=14, minutes=1))  # ...14 days unused ends it
    assert not await person.is_signed_in()


async def test_citizen_session_absolute_expiry(client: Client, clock: FakeClock) -> None:
    person = Person(client)
    await person.sign_up()
    for _ in range(3):
        clock.advance(dt.timedelta(days=9, hours=23))
        assert await person.is_signed_in()
    clock.advance(dt.timedelta(hours=3))  # 30 days after sign-in, whatever the use
    response = await client.get("/api/v1/auth/me")
    assert response.status_code == 401
    assert response.json()["type"].endswith("unauthorized")


async def test_expiry_is_configurable_per_kind(settings: Settings, clock: FakeClock) -> None:
    short = Settings(
        **{
            **{f: getattr(settings, f) for f in settings.__struct_fields__},
            "citizen_session_idle": dt.timedelta(hours=2),
        }
    )
    async with AsyncTestClient(
        create_app(short, clock=clock), base_url="http://localhost:8000"
    ) as c:
        person = Person(c)
        await person.sign_up()
        clock.advance(dt.timedelta(hours=2, seconds=1))
        assert not await person.is_signed_in()


async def test_a_signed_out_cookie_is_dead(client: Client) -> None:
    person = Person(client)
    await person.sign_up()
    token = client.cookies.get("motcua_session")
    await client.post("/api/v1/auth/sign-out")
    client.cookies.set("motcua_session", token or "")
    assert not await person.is_signed_in()


@pytest.mark.parametrize(
    ("headers", "allowed"),
    [
        ({"origin": "http://localhost:8000"}, True),
        ({"sec-fetch-site": "same-origin"}, True),
        ({}, True),  # not a browser: no ambient credentials to abuse
        ({"origin": "https://evil.example"}, False),
        ({"origin": "null"}, False),
        ({"sec-fetch-site": "cross-site"}, False),
        ({"sec-fetch-site": "same-site"}, False),
    ],
)
async def test_cross_site_unsafe_requests_are_refused(
    client: Client, headers: dict[str, str], allowed: bool
) -> None:
    person = Person(client)
    await person.sign_up()
    await person.reverify()
    response = await client.post("/api/v1/account/recovery-codes", headers=headers)
    if allowed:
        assert response.status_code == 201
    else:
        assert response.status_code == 403
        assert response.json()["type"].endswith("cross-site-request")
        # ...and it changed nothing: a same-site call still works, the session is intact.
        assert await person.is_signed_in()


async def test_cross_site_reads_are_harmless_and_allowed(client: Client) -> None:
    response = await client.get(
        "/api/v1/procedures",
        headers={"origin": "https://evil.example", "sec-fetch-site": "cross-site"},
    )
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/v1/auth/sign-in/options", {}),
        ("/api/v1/auth/sign-up/options", {"fullName": "A B", "phone": "0911111113"}),
        ("/api/v1/auth/recovery-codes/redeem", {"code": "AAAA-BBBB-CCCC"}),
        ("/api/v1/auth/enrollment/options", {"token": "not-a-token"}),
    ],
)
async def test_rate_limits_answer_429_with_retry_after(
    client: Client, clock: FakeClock, path: str, body: dict[str, str]
) -> None:
    statuses = [(await client.post(path, json=body)).status_code for _ in range(80)]
    assert 429 in statuses
    first = statuses.index(429)
    assert all(s == 429 for s in statuses[first:])
    limited = await client.post(path, json=body, headers={"accept-language": "en"})
    assert limited.status_code == 429
    retry_after = int(limited.headers["retry-after"])
    assert 0 < retry_after <= 15 * 60
    assert str(retry_after) in limited.json()["detail"]
    clock.advance(dt.timedelta(seconds=retry_after))
    assert (await client.post(path, json=body)).status_code != 429
