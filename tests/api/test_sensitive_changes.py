"""Sensitive account changes (DESIGN.md §5; decision 0014): adding a passkey (issuing a link),
removing one and replacing the recovery codes need a user-verified passkey assertion from the
last five minutes, so a stolen session cookie changes nothing that lasts; a passkey that came
by a link or a recovery cannot remove older passkeys or replace the recovery codes for 72
hours, while an older one removes it. The account page lists what happened."""

from __future__ import annotations

import datetime as dt
from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient

from backend.config import Settings
from tests.support.identity import FakeClock, Person, audit_rows, device, inbox, token_of

Client = AsyncTestClient[Litestar]
LINKS = "/api/v1/account/passkey-links"
CODES = "/api/v1/account/recovery-codes"
PASSKEYS = "/api/v1/account/passkeys"
COOKIE = "motcua_session"


def assert_problem(response: Any, status: int, problem_type: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    problem: dict[str, Any] = response.json()
    assert problem["type"] == f"urn:motcua:problem:{problem_type}"
    assert problem["detail"]
    return problem


async def test_a_stolen_session_cookie_cannot_take_the_account_over(
    client: Client, clock: FakeClock
) -> None:
    """Finding 9: with only the cookie, a thief could add their passkey, remove the owner's
    and replace the recovery codes. Now each needs the passkey again."""
    owner = Person(client)
    await owner.sign_up()
    await owner.reverify_response()  # (no such step before: hence not asserted here)
    codes = (await client.post(CODES)).json()["codes"]
    clock.advance(dt.timedelta(minutes=6))  # the owner's re-verification is long past
    stolen = client.cookies.get(COOKIE)
    assert stolen
    async with device(client) as thief_pc:
        thief_pc.cookies.set(COOKIE, stolen)
        assert (await thief_pc.get("/api/v1/auth/me")).status_code == 200  # a session...
        [owners_passkey] = (await thief_pc.get(PASSKEYS)).json()
        # ...that changes nothing sensitive.
        for response in (
            await thief_pc.post(LINKS),
            await thief_pc.post(CODES),
            await thief_pc.delete(f"{PASSKEYS}/{owners_passkey['id']}"),
        ):
            assert_problem(response, 403, "fresh-passkey-required")
        # The thief's own passkey cannot re-verify the owner's session.
        thief = Person(thief_pc)
        thief.authenticator.create(
            {
                "challenge": "AAAA",
                "rp": {"id": "localhost", "name": "x"},
                "user": {"id": "AAAA", "name": "x", "displayName": "x"},
                "pubKeyCredParams": [{"type": "public-key", "alg": -7}],
            }
        )
        [thiefs_passkey] = thief.authenticator.credentials
        refused = await thief.reverify_response(credential_id=thiefs_passkey)
        assert assert_problem(refused, 400, "passkey-refused")["reason"] == "unknown_passkey"
        assert_problem(await thief_pc.post(LINKS), 403, "fresh-passkey-required")
    # The owner's passkey and codes still work.
    assert len((await client.get(PASSKEYS)).json()) == 1
    await client.post("/api/v1/auth/sign-out")
    assert (await owner.sign_in())["id"] == owner.me["id"]
    redeemed = await client.post("/api/v1/auth/recovery-codes/redeem", json={"code": codes[0]})
    assert redeemed.status_code == 200


async def test_a_re_verification_opens_sensitive_changes_for_five_minutes(
    client: Client, clock: FakeClock
) -> None:
    owner = Person(client)
    await owner.sign_up()
    # Signing up (or in) is not enough: the cookie that follows may be what was stolen.
    assert_problem(await client.post(LINKS), 403, "fresh-passkey-required")
    await owner.reverify()
    assert (await client.post(LINKS)).status_code == 201
    clock.advance(dt.timedelta(minutes=5, seconds=1))
    assert_problem(await client.post(CODES), 403, "fresh-passkey-required")
    await owner.reverify()
    assert (await client.post(CODES)).status_code == 201


async def test_the_re_verification_ceremony_asks_for_the_accounts_passkeys(
    client: Client, settings: Settings
) -> None:
    owner = Person(client)
    me = await owner.sign_up()
    response = await client.post("/api/v1/account/verification/options", json={})
    options = response.json()["publicKey"]
    [stored] = (await client.get(PASSKEYS)).json()
    assert [c["id"] for c in options["allowCredentials"]] == [stored["id"]]
    assert options["userVerification"] == "required"
    assert options["rpId"] == "localhost"
    answer = owner.authenticator.get(options)
    body = {"ceremonyId": response.json()["ceremonyId"], "credential": answer}
    verified = await client.post("/api/v1/account/verification/verify", json=body)
    assert verified.status_code == 200, verified.text
    assert set(verified.json()) == {"verifiedAt", "freshUntil"}
    [event] = await audit_rows(settings, "session.reverified")
    assert (event.subject_id, event.detail["passkey"]) == (me["id"], stored["id"])
    # The challenge works once.
    replay = await client.post("/api/v1/account/verification/verify", json=body)
    assert assert_problem(replay, 400, "passkey-refused")["reason"] == "challenge_unusable"


async def test_a_re_verification_without_user_verification_is_refused(client: Client) -> None:
    owner = Person(client)
    await owner.sign_up()
    refused = await owner.reverify_response(user_verified=False)
    assert assert_problem(refused, 400, "passkey-refused")["reason"] == "verification_failed"
    assert_problem(await client.post(LINKS), 403, "fresh-passkey-required")


async def test_a_re_verification_challenge_belongs_to_its_session(client: Client) -> None:
    async with device(client) as phone, device(client) as laptop:
        owner = Person(phone)
        await owner.sign_up()
        await Person(laptop, authenticator=owner.authenticator).sign_in()
        options = (await phone.post("/api/v1/account/verification/options", json={})).json()
        answer = owner.authenticator.get(options["publicKey"])
        # Answered from the laptop's session: proves nothing about it.
        refused = await laptop.post(
            "/api/v1/account/verification/verify",
            json={"ceremonyId": options["ceremonyId"], "credential": answer},
        )
        assert assert_problem(refused, 400, "passkey-refused")["reason"] == "challenge_unusable"
        assert_problem(await laptop.post(LINKS), 403, "fresh-passkey-required")
        assert_problem(await phone.post(LINKS), 403, "fresh-passkey-required")


async def test_another_accounts_passkey_cannot_re_verify(client: Client) -> None:
    async with device(client) as a_pc, device(client) as b_pc:
        a, b = Person(a_pc), Person(b_pc)
        await a.sign_up()
        await b.sign_up()
        options = (await a_pc.post("/api/v1/account/verification/options", json={})).json()
        [b_credential] = b.authenticator.credentials
        answer = b.authenticator.get(options["publicKey"], credential_id=b_credential)
        refused = await a_pc.post(
            "/api/v1/account/verification/verify",
            json={"ceremonyId": options["ceremonyId"], "credential": answer},
        )
        assert assert_problem(refused, 400, "passkey-refused")["reason"] == "unknown_passkey"
        assert_problem(await a_pc.post(LINKS), 403, "fresh-passkey-required")


async def test_a_passkey_from_a_link_cannot_remove_older_ones_for_72_hours(
    client: Client, clock: FakeClock, settings: Settings
) -> None:
    owner = Person(client)
    me = await owner.sign_up()
    await owner.reverify()
    link = (await client.post(LINKS)).json()
    async with device(client) as phone_b:
        newcomer = Person(phone_b)
        assert (await newcomer.enroll(token_of(link["url"]))).status_code == 200
        old, new = (await phone_b.get(PASSKEYS)).json()
        assert (old.get("enrolledVia"), old.get("restrictedUntil")) == ("sign_up", None)
        assert new["enrolledVia"] == "add_passkey"
        assert new["current"] is True
        until = dt.datetime.fromisoformat(new["restrictedUntil"])
        assert until == clock.now() + dt.timedelta(hours=72)

        await newcomer.reverify()
        refused = await phone_b.delete(f"{PASSKEYS}/{old['id']}", headers={"accept-language": "en"})
        problem = assert_problem(refused, 403, "passkey-restricted")
        assert problem["reason"] == "remove_older_passkey"
        assert "cannot remove older passkeys" in problem["detail"]
        codes = await phone_b.post(CODES)
        assert assert_problem(codes, 403, "passkey-restricted")["reason"] == (
            "replace_recovery_codes"
        )
        assert [
            e.detail["reason"] for e in await audit_rows(settings, "account.change_refused")
        ] == [
            "remove_older_passkey",
            "replace_recovery_codes",
        ]
        assert len((await phone_b.get(PASSKEYS)).json()) == 2
        # Adding is not what the limit is about: another link still works.
        assert (await phone_b.post(LINKS)).status_code == 201

        # The owner's older passkey removes the new one, and its session ends with it.
        await owner.reverify()
        assert (await client.delete(f"{PASSKEYS}/{new['id']}")).status_code == 204
        assert not await newcomer.is_signed_in()
        assert [p["id"] for p in (await client.get(PASSKEYS)).json()] == [old["id"]]
    notices = [n["template"] for n in await inbox(client)]
    assert notices == [
        "account.passkey_added_by_link",
        "account.passkey_removed",
    ]
    [removed] = await audit_rows(settings, "passkey.removed")
    assert removed.subject_id == me["id"]
    assert (removed.detail["passkey"], removed.detail["sessions_ended"]) == (new["id"], 1)


async def test_after_72_hours_the_new_passkey_has_every_right(
    client: Client, clock: FakeClock
) -> None:
    owner = Person(client)
    await owner.sign_up()
    await owner.reverify()
    link = (await client.post(LINKS)).json()
    async with device(client) as phone_b:
        newcomer = Person(phone_b)
        await newcomer.enroll(token_of(link["url"]))
        old, _new = (await phone_b.get(PASSKEYS)).json()
        clock.advance(dt.timedelta(hours=72))
        _, new = (await phone_b.get(PASSKEYS)).json()
        assert "restrictedUntil" not in new
        await newcomer.reverify()
        assert (await phone_b.post(CODES)).status_code == 201
        assert (await phone_b.delete(f"{PASSKEYS}/{old['id']}")).status_code == 204
        # The removed passkey's own session (the owner's) ended with it.
        assert not await owner.is_signed_in()
        assert await newcomer.is_signed_in()


async def test_removing_the_passkey_of_this_session_keeps_it_but_asks_again(
    client: Client,
) -> None:
    owner = Person(client)
    await owner.sign_up()
    await owner.reverify()
    link = (await client.post(LINKS)).json()
    async with device(client) as phone_b:
        await Person(phone_b).enroll(token_of(link["url"]))
    mine, _theirs = (await client.get(PASSKEYS)).json()
    assert mine["current"] is True
    assert (await client.delete(f"{PASSKEYS}/{mine['id']}")).status_code == 204
    assert await owner.is_signed_in()
    [left] = (await client.get(PASSKEYS)).json()
    assert "current" not in left
    assert_problem(await client.post(CODES), 403, "fresh-passkey-required")


async def test_the_account_lists_its_recent_activity_in_its_own_words(
    client: Client, clock: FakeClock
) -> None:
    owner = Person(client)
    await owner.sign_up()
    await owner.reverify()
    link = (await client.post(LINKS)).json()
    clock.advance(dt.timedelta(minutes=1))
    async with device(client) as phone_b, device(client) as stranger_pc:
        await Person(phone_b).enroll(token_of(link["url"]))
        clock.advance(dt.timedelta(minutes=1))
        await owner.reverify()
        await client.post(CODES)
        await Person(stranger_pc).sign_up()  # someone else's account: not in the list
        activity = (await client.get("/api/v1/account/activity")).json()
    kinds = [(a["kind"], a.get("how")) for a in activity]
    assert kinds == [
        ("recovery_codes_replaced", None),
        ("signed_in", None),  # the new phone's first session
        ("passkey_added", "add_passkey"),
        ("passkey_link_created", None),
        ("signed_in", None),
        ("account_created", "sign_up"),
    ]
    assert activity[2]["passkeyName"] == "Passkey 2"
    assert [a["at"] for a in activity] == sorted((a["at"] for a in activity), reverse=True)
    assert all("ip" not in a for a in activity)
