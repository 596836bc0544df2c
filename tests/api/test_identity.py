"""Passkey sign-up and sign-in, and every way a ceremony must be refused."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import select

from backend.config import Settings
from backend.core.db import create_engine, session_factory
from backend.models import Account, AuditEvent, Passkey
from tests.support.authenticator import b64url_decode
from tests.support.identity import ORIGIN, FakeClock, Person

Client = AsyncTestClient[Litestar]


@pytest.fixture
async def person(client: Client) -> Person:
    return Person(client)


async def rows(settings: Settings, model: Any, *where: Any) -> list[Any]:
    engine = create_engine(settings.resolved_database_url)
    try:
        async with session_factory(engine)() as db:
            return list((await db.execute(select(model).where(*where))).scalars())
    finally:
        await engine.dispose()


def assert_refused(response: Any, reason: str) -> None:
    assert response.status_code == 400, response.text
    problem = response.json()
    assert response.headers["content-type"].startswith("application/problem+json")
    assert problem["type"].endswith("passkey-refused")
    assert problem["reason"] == reason
    assert problem["detail"]
    assert "set-cookie" not in response.headers


async def test_sign_up_signs_in_and_sign_in_needs_no_username(
    person: Person, settings: Settings
) -> None:
    me = await person.sign_up(fullName="  Trần   Thị Bình ", email="binh@example.vn")
    assert me["fullName"] == "Trần Thị Bình"
    assert me["kind"] == "citizen"
    assert me["roles"] == []
    assert await person.is_signed_in()
    [stored] = await rows(settings, Passkey, Passkey.account_id == me["id"])
    assert b64url_decode(stored.id) in person.authenticator.credentials

    assert (await person.client.post("/api/v1/auth/sign-out")).status_code == 204
    assert not await person.is_signed_in()

    options = (await person.client.post("/api/v1/auth/sign-in/options", json={})).json()
    assert options["publicKey"]["allowCredentials"] == []  # nothing typed, nothing named
    assert options["publicKey"]["userVerification"] == "required"
    assert (await person.sign_in())["id"] == me["id"]
    assert await person.is_signed_in()


async def test_sign_up_options_ask_for_a_discoverable_verified_passkey(client: Client) -> None:
    response = await client.post(
        "/api/v1/auth/sign-up/options", json={"fullName": "Lê Văn Cường", "phone": "0987654321"}
    )
    options = response.json()["publicKey"]
    assert options["rp"]["id"] == "localhost"
    assert options["authenticatorSelection"]["residentKey"] == "required"
    assert options["authenticatorSelection"]["userVerification"] == "required"
    assert options["user"]["name"] == "0987654321"
    assert "0987654321" not in options["user"]["id"]


@pytest.mark.parametrize(
    ("particulars", "field", "code"),
    [
        ({"phone": "0212345678"}, "phone", "phone"),
        ({"phone": "12345"}, "phone", "phone"),
        ({"fullName": "A"}, "fullName", "too_short"),
        ({"email": "not-an-email"}, "email", "email"),
        ({"cccd": "12345"}, "cccd", "cccd_format"),
        ({"cccd": "075527000001"}, "cccd", "cccd_century"),
    ],
)
async def test_bad_particulars_are_refused_with_field_detail(
    client: Client, particulars: dict[str, str], field: str, code: str
) -> None:
    body = {"fullName": "Nguyễn Văn An", "phone": "0912345678", **particulars}
    response = await client.post(
        "/api/v1/auth/sign-up/options", json=body, headers={"accept-language": "en"}
    )
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert (error["field"], error["code"]) == (field, code)
    assert error["message"]


async def test_a_phone_number_has_one_account(person: Person, client: Client) -> None:
    me = await person.sign_up()
    response = await client.post(
        "/api/v1/auth/sign-up/options", json={"fullName": "Someone Else", "phone": me["phone"]}
    )
    assert response.status_code == 409
    assert response.json()["type"].endswith("account-exists")


async def test_a_replayed_challenge_is_refused(person: Person, settings: Settings) -> None:
    await person.sign_up()
    await person.client.post("/api/v1/auth/sign-out")
    options = (await person.client.post("/api/v1/auth/sign-in/options", json={})).json()
    credential = person.authenticator.get(options["publicKey"])
    body = {"ceremonyId": options["ceremonyId"], "credential": credential}
    assert (await person.client.post("/api/v1/auth/sign-in/verify", json=body)).status_code == 200
    await person.client.post("/api/v1/auth/sign-out")

    replay = await person.client.post("/api/v1/auth/sign-in/verify", json=body)
    assert_refused(replay, "challenge_unusable")
    assert not await person.is_signed_in()


async def test_a_challenge_expires_after_five_minutes(person: Person, clock: FakeClock) -> None:
    await person.sign_up()
    await person.client.post("/api/v1/auth/sign-out")
    options = (await person.client.post("/api/v1/auth/sign-in/options", json={})).json()
    credential = person.authenticator.get(options["publicKey"])
    clock.advance(dt.timedelta(minutes=5, seconds=1))
    response = await person.client.post(
        "/api/v1/auth/sign-in/verify",
        json={"ceremonyId": options["ceremonyId"], "credential": credential},
    )
    assert_refused(response, "challenge_unusable")
    assert not await person.is_signed_in()


@pytest.mark.parametrize(
    "forgery",
    [
        {"origin": "https://motcua.evil.example"},
        {"rp_id": "evil.example"},
        {"user_verified": False},
    ],
    ids=["wrong-origin", "wrong-rp-id", "no-user-verification"],
)
async def test_forged_sign_ins_are_refused(person: Person, forgery: dict[str, Any]) -> None:
    await person.sign_up()
    await person.client.post("/api/v1/auth/sign-out")
    assert_refused(await person.sign_in_response(**forgery), "verification_failed")
    assert not await person.is_signed_in()


@pytest.mark.parametrize(
    "forgery",
    [
        {"origin": "https://motcua.evil.example"},
        {"rp_id": "evil.example"},
        {"user_verified": False},
    ],
    ids=["wrong-origin", "wrong-rp-id", "no-user-verification"],
)
async def test_forged_sign_ups_create_nothing(
    client: Client, settings: Settings, forgery: dict[str, Any]
) -> None:
    person = Person(client)
    body = {"fullName": "Đinh Văn Khải", "phone": "0933333333"}
    ceremony = (await client.post("/api/v1/auth/sign-up/options", json=body)).json()
    credential = person.authenticator.create(ceremony["publicKey"], **forgery)
    response = await client.post(
        "/api/v1/auth/sign-up/verify",
        json={"ceremonyId": ceremony["ceremonyId"], "credential": credential},
    )
    assert_refused(response, "verification_failed")
    assert await rows(settings, Account, Account.phone == "0933333333") == []
    assert not await person.is_signed_in()


async def test_a_sign_count_regression_is_refused_recorded_and_blocks_the_passkey(
    person: Person, settings: Settings
) -> None:
    me = await person.sign_up()
    cloned = person.authenticator.clone()
    await person.client.post("/api/v1/auth/sign-out")
    await person.sign_in()  # the genuine authenticator counts 1, then 2
    await person.client.post("/api/v1/auth/sign-out")
    await person.sign_in()
    await person.client.post("/api/v1/auth/sign-out")

    impostor = Person(person.client, authenticator=cloned)  # its counter says 1
    assert_refused(await impostor.sign_in_response(), "sign_count_regression")
    assert not await person.is_signed_in()
    [event] = await rows(settings, AuditEvent, AuditEvent.action == "passkey.sign_count_regression")
    assert event.subject_id == me["id"]
    assert (event.detail["stored"], event.detail["presented"]) == (2, 1)
    [passkey] = await rows(settings, Passkey, Passkey.account_id == me["id"])
    assert passkey.flagged_at is not None
    # Which of the two is genuine cannot be known: the passkey stays blocked for both.
    assert_refused(await person.sign_in_response(), "passkey_flagged")


async def test_an_unknown_passkey_is_refused(client: Client) -> None:
    stranger = Person(client)
    # A passkey made for this site but never registered with it.
    stranger.authenticator.create(
        {
            "challenge": "AAAA",
            "rp": {"id": "localhost", "name": "x"},
            "user": {"id": "AAAA", "name": "x", "displayName": "x"},
            "pubKeyCredParams": [{"type": "public-key", "alg": -7}],
        }
    )
    assert_refused(await stranger.sign_in_response(), "unknown_passkey")


async def test_ceremony_requests_are_validated_at_the_edge(client: Client) -> None:
    response = await client.post("/api/v1/auth/sign-in/verify", json={"ceremonyId": 5})
    assert response.status_code == 400
    assert response.json()["type"].endswith("invalid-request")


async def test_origin_of_the_test_client_is_the_configured_origin(settings: Settings) -> None:
    assert settings.origin == ORIGIN
