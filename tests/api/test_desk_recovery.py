"""Desk-assisted recovery that cannot be abused (issue 11, finding 1): only a one-stop desk,
only with the account's own CCCD (recorded first, with an officer's attestation, when the
account has none; then by another officer or after 72 hours), every attempt audited, the
citizen told at once in the inbox and on the account page, and the recovered passkey unable
to remove the older ones for 72 hours. Desk look-ups are audited too."""

from __future__ import annotations

import datetime as dt
from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient

from backend.config import Settings
from backend.models import EnrollmentToken
from tests.support.identity import (
    FakeClock,
    Person,
    audit_rows,
    count_rows,
    device,
    inbox,
    new_cccd,
    staff_member,
    token_of,
)

Client = AsyncTestClient[Litestar]
SERVICE_CENTRE = "000.00.01.H19"  # the province's one-stop desk
SERVICE_CENTRE_NAME = "Trung tâm Phục vụ hành chính công tỉnh Đồng Nai"
A_COMMUNE = "000.05.30.H19"  # a commune's people's committee: a one-stop desk too
JUSTICE_DEPARTMENT = "000.00.07.H19"  # not a one-stop desk
PASSKEYS = "/api/v1/account/passkeys"


def recovery(account_id: str) -> str:
    return f"/api/v1/desk/accounts/{account_id}/recovery"


def checked(number: str, document_type: str = "cccd") -> dict[str, str]:
    return {"documentType": document_type, "documentNumber": number, "note": "Đối chiếu thẻ"}


def field_problem(response: Any) -> tuple[str, str]:
    assert response.status_code == 422, response.text
    [error] = response.json()["errors"]
    assert error["message"]
    return error["field"], error["code"]


async def desk_recoveries(settings: Settings) -> int:
    return await count_rows(settings, EnrollmentToken, EnrollmentToken.purpose == "desk_recovery")


async def test_a_commune_desk_cannot_recover_an_account_without_a_cccd_by_any_number(
    client: Client, settings: Settings
) -> None:
    """Finding 1, as reported: an account with no CCCD, the number "000000"."""
    citizen = Person(client)
    me = await citizen.sign_up()
    async with device(client) as counter:
        officer = await staff_member(settings, counter, "Lý Văn Xã", f"desk@{A_COMMUNE}")
        [found] = (await counter.get("/api/v1/desk/accounts", params={"phone": me["phone"]})).json()
        assert "cccdMasked" not in found
        refused = await counter.post(recovery(me["id"]), json=checked("000000"))
    assert field_problem(refused) == ("documentNumber", "account_has_no_cccd")
    assert await desk_recoveries(settings) == 0
    [attempt] = await audit_rows(settings, "recovery.desk_refused")
    assert (attempt.actor_id, attempt.subject_id) == (officer.me["id"], me["id"])
    assert attempt.detail["reason"] == "account_has_no_cccd"
    assert attempt.detail["agency_code"] == A_COMMUNE


async def test_a_document_number_that_is_not_the_accounts_cccd_issues_nothing(
    client: Client, settings: Settings
) -> None:
    citizen = Person(client)
    cccd = new_cccd()
    me = await citizen.sign_up(cccd=cccd)
    async with device(client) as counter:
        await staff_member(settings, counter, "Lý Văn Xã", f"desk@{A_COMMUNE}")
        for wrong in ("000000", cccd[:-1] + str((int(cccd[-1]) + 1) % 10), cccd + "0", ""):
            refused = await counter.post(
                recovery(me["id"]), json=checked(wrong), headers={"accept-language": "en"}
            )
            assert field_problem(refused) == ("documentNumber", "does_not_match_account")
    assert "does not match" in refused.json()["errors"][0]["message"]
    assert await desk_recoveries(settings) == 0
    attempts = await audit_rows(settings, "recovery.desk_refused")
    assert [a.detail["reason"] for a in attempts] == ["does_not_match_account"] * 4
    assert cccd not in str([a.detail for a in attempts])
    assert await inbox(client) == []  # nothing happened to the account
    assert len((await client.get(PASSKEYS)).json()) == 1


async def test_only_a_one_stop_desk_recovers_accounts(client: Client, settings: Settings) -> None:
    citizen = Person(client)
    cccd = new_cccd()
    me = await citizen.sign_up(cccd=cccd)
    async with device(client) as office:
        await staff_member(settings, office, "Đỗ Thị Quầy", f"desk@{JUSTICE_DEPARTMENT}")
        refused = await office.post(recovery(me["id"]), json=checked(cccd))
        assert refused.status_code == 403
        assert refused.json()["reason"] == "not_a_one_stop_desk"
        record = await office.post(
            f"/api/v1/desk/accounts/{me['id']}/cccd", json={"cccd": cccd, "attested": True}
        )
        assert record.status_code == 403
    assert await desk_recoveries(settings) == 0


async def test_a_desk_recovery_tells_the_citizen_at_once(
    client: Client, settings: Settings, clock: FakeClock
) -> None:
    citizen = Person(client)
    cccd = new_cccd()
    me = await citizen.sign_up(cccd=cccd)
    async with device(client) as counter, device(client) as new_phone:
        officer = await staff_member(settings, counter, "Trần Văn Bình", f"desk@{SERVICE_CENTRE}")
        issued = await counter.post(recovery(me["id"]), json=checked(f" {cccd} ", "vneid"))
        assert issued.status_code == 201, issued.text
        # The citizen's phone learns of it before the QR is even used.
        [notice] = await inbox(client)
        assert notice["template"] == "account.desk_recovery_issued"
        assert SERVICE_CENTRE_NAME in notice["content"]["vi"]["body"]
        assert notice["content"]["en"]["title"]
        clock.advance(dt.timedelta(minutes=1))
        assert (await Person(new_phone).enroll(token_of(issued.json()["url"]))).status_code == 200
    notices = [n["template"] for n in await inbox(client)]
    assert notices == ["account.desk_recovery_issued", "account.passkey_added_at_desk"]
    activity = (await client.get("/api/v1/account/activity")).json()
    assert [(a["kind"], a.get("how"), a.get("agencyName")) for a in activity[:3]] == [
        ("signed_in", None, None),
        ("passkey_added", "desk_recovery", SERVICE_CENTRE_NAME),
        ("desk_recovery_issued", None, SERVICE_CENTRE_NAME),
    ]
    [event] = await audit_rows(settings, "recovery.desk_issued")
    assert (event.actor_id, event.subject_id) == (officer.me["id"], me["id"])
    assert event.detail["document_type"] == "vneid"
    assert event.detail["agency_code"] == SERVICE_CENTRE


async def test_the_recovered_passkey_cannot_take_the_account_over_and_the_owner_removes_it(
    client: Client, settings: Settings
) -> None:
    """Finding 1's takeover: the passkey from a desk recovery removed the owner's. Now it is
    limited for 72 hours, and the owner's older passkey removes it and its sessions."""
    owner = Person(client)
    cccd = new_cccd()
    me = await owner.sign_up(cccd=cccd)
    await owner.reverify_response()  # (no such step before: the asserts below tell)
    codes = (await client.post("/api/v1/account/recovery-codes")).json()["codes"]
    async with device(client) as counter, device(client) as other_phone:
        await staff_member(settings, counter, "Lý Văn Xã", f"desk@{A_COMMUNE}")
        issued = await counter.post(recovery(me["id"]), json=checked(cccd))
        assert issued.status_code == 201
        recovered = Person(other_phone)
        assert (await recovered.enroll(token_of(issued.json()["url"]))).status_code == 200
        owners, new = (await other_phone.get(PASSKEYS)).json()

        # Its session re-verified (or the refusals below would be for freshness instead).
        await recovered.reverify_response()
        removal = await other_phone.delete(f"{PASSKEYS}/{owners['id']}")
        assert removal.status_code == 403
        assert removal.json()["type"].endswith("passkey-restricted")
        replace = await other_phone.post("/api/v1/account/recovery-codes")
        assert replace.status_code == 403
        assert replace.json()["type"].endswith("passkey-restricted")
        assert (new["enrolledVia"], new["current"]) == ("desk_recovery", True)
        assert new["restrictedUntil"]

        await owner.reverify()
        assert (await client.delete(f"{PASSKEYS}/{new['id']}")).status_code == 204
        assert not await recovered.is_signed_in()
    await client.post("/api/v1/auth/sign-out")
    assert (await owner.sign_in())["id"] == me["id"]
    still = await client.post("/api/v1/auth/recovery-codes/redeem", json={"code": codes[0]})
    assert still.status_code == 200


async def test_the_desk_records_a_cccd_and_another_officer_recovers_from_it(
    client: Client, settings: Settings, clock: FakeClock
) -> None:
    citizen = Person(client)
    me = await citizen.sign_up()
    cccd = new_cccd()
    record = f"/api/v1/desk/accounts/{me['id']}/cccd"
    async with device(client) as counter_a, device(client) as counter_b:
        officer_a = await staff_member(settings, counter_a, "Lý Văn Xã", f"desk@{A_COMMUNE}")
        await staff_member(settings, counter_b, "Trần Văn Bình", f"desk@{SERVICE_CENTRE}")

        unattested = await counter_a.post(record, json={"cccd": cccd})
        assert field_problem(unattested) == ("attested", "attestation_required")
        malformed = await counter_a.post(record, json={"cccd": "12345", "attested": True})
        assert field_problem(malformed) == ("cccd", "cccd_format")
        recorded = await counter_a.post(record, json={"cccd": cccd, "attested": True})
        assert recorded.status_code == 200, recorded.text
        assert recorded.json()["cccdMasked"].endswith(cccd[-3:])
        again = await counter_a.post(record, json={"cccd": new_cccd(), "attested": True})
        assert again.status_code == 409
        assert again.json()["type"].endswith("cccd-already-recorded")

        # The officer who wrote the number may not recover from it: another officer must.
        own = await counter_a.post(recovery(me["id"]), json=checked(cccd))
        assert own.status_code == 403
        assert own.json()["type"].endswith("desk-recovery-second-officer")
        assert await desk_recoveries(settings) == 0
        by_another = await counter_b.post(recovery(me["id"]), json=checked(cccd))
        assert by_another.status_code == 201
        # ...or 72 hours must pass (the citizen has been told meanwhile).
        clock.advance(dt.timedelta(hours=71, minutes=59))
        await officer_a.sign_in()  # a new working day
        assert (await counter_a.post(recovery(me["id"]), json=checked(cccd))).status_code == 403
        clock.advance(dt.timedelta(minutes=1))
        assert (await counter_a.post(recovery(me["id"]), json=checked(cccd))).status_code == 201
    [event] = await audit_rows(settings, "account.cccd_recorded")
    assert (event.actor_id, event.subject_id) == (officer_a.me["id"], me["id"])
    assert event.detail["attested"] is True
    assert cccd not in str(event.detail)
    notices = [n["template"] for n in await inbox(client)]
    assert notices[0] == "account.cccd_recorded"
    refused = await audit_rows(settings, "recovery.desk_refused")
    assert [r.detail["reason"] for r in refused] == ["cccd_recorded_by_same_officer"] * 2


async def test_a_cccd_of_another_account_cannot_be_recorded(
    client: Client, settings: Settings
) -> None:
    taken = new_cccd()
    async with device(client) as first, device(client) as second, device(client) as counter:
        await Person(first).sign_up(cccd=taken)
        me = await Person(second).sign_up()
        await staff_member(settings, counter, "Lý Văn Xã", f"desk@{A_COMMUNE}")
        response = await counter.post(
            f"/api/v1/desk/accounts/{me['id']}/cccd", json={"cccd": taken, "attested": True}
        )
    assert response.status_code == 409
    assert response.json()["type"].endswith("account-exists")


async def test_desk_look_ups_are_audited(client: Client, settings: Settings) -> None:
    citizen = Person(client)
    cccd = new_cccd()
    me = await citizen.sign_up(cccd=cccd)
    async with device(client) as counter:
        officer = await staff_member(settings, counter, "Trần Văn Bình", f"desk@{SERVICE_CENTRE}")
        await counter.get("/api/v1/desk/accounts", params={"phone": me["phone"]})
        await counter.get("/api/v1/desk/accounts", params={"cccd": cccd})
        await counter.get("/api/v1/desk/accounts", params={"phone": "0999999999"})
    searches = await audit_rows(settings, "desk.accounts_searched")
    assert [(s.actor_id, s.subject_id, s.detail["found"]) for s in searches] == [
        (officer.me["id"], me["id"], 1),
        (officer.me["id"], me["id"], 1),
        (officer.me["id"], None, 0),
    ]
    assert searches[0].detail["phone"].endswith(me["phone"][-3:])
    assert me["phone"] not in str(searches[0].detail)
    assert cccd not in str(searches[1].detail)
