"""One-stop processing through the API: a land transfer received at the province's one-stop
desk, handed between the land registration office and the tax office, paid at the counter,
approved and returned — each action by the right person at the right step, each step's due
time and outcome on the process-control sheet, the citizen told at every status."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Any

import httpx
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import select

from backend.config import Settings
from backend.core.db import create_engine, session_factory
from backend.features.dossiers.handling import mark_overdue
from backend.models import Account, Attachment, Dossier
from tests.api.test_dossiers import a_commune, only_result, uploaded
from tests.api.test_sync import Installation, database, signed_in_installation
from tests.support.applications import required_slots, submit_args, valid_fields
from tests.support.documents import attach_result
from tests.support.identity import FakeClock, Person, device, operator_creates_staff

Client = AsyncTestClient[Litestar]
LAND_TRANSFER = "1.013831"
SERVICE_CENTRE = "000.00.01.H19"
LAND_OFFICE = "000.00.05.H19"
TAX_OFFICE = "000.00.06.H19"


async def staff(
    settings: Settings, http: httpx.AsyncClient, name: str, *roles: tuple[str, str]
) -> Person:
    token = await operator_creates_staff(
        settings, name, [{"role": role, "agency_code": agency} for role, agency in roles]
    )
    person = Person(http)
    assert (await person.enroll(token)).status_code == 200
    return person


async def apply(client: Client, settings: Settings, procedure: str) -> tuple[Installation, str]:
    phone = await signed_in_installation(client)
    detail = (await client.get(f"/api/v1/procedures/{procedure}")).json()
    form = detail["variants"][0]["form"]
    documents = {
        slot: [await uploaded(phone, seed)] for seed, slot in enumerate(required_slots(form), 40)
    }
    args = submit_args(procedure, valid_fields(form, await a_commune(settings)), documents)
    result = await only_result(await phone.push(phone.mutation("dossier.submit", args)))
    assert result["status"] == "applied", result
    return phone, args["dossierId"]


async def work(http: httpx.AsyncClient) -> list[dict[str, Any]]:
    response = await http.get("/api/v1/work/dossiers")
    assert response.status_code == 200, response.text
    return list(response.json())


async def take(
    http: httpx.AsyncClient, dossier_id: str, action: str, note: str | None = None
) -> httpx.Response:
    body = {"action": action, **({"note": note} if note else {})}
    return await http.post(f"/api/v1/work/dossiers/{dossier_id}/actions", json=body)


async def test_a_land_transfer_crosses_three_agencies_to_its_return(
    client: Client, settings: Settings
) -> None:
    phone, dossier_id = await apply(client, settings, LAND_TRANSFER)
    async with (
        device(client) as desk_pc,
        device(client) as land_pc,
        device(client) as tax_pc,
        device(client) as approver_pc,
    ):
        await staff(settings, desk_pc, "Trần Văn Bình", ("desk", SERVICE_CENTRE))
        await staff(settings, land_pc, "Lê Thị Đất", ("handler", LAND_OFFICE))
        await staff(settings, tax_pc, "Phạm Văn Thuế", ("handler", TAX_OFFICE))
        await staff(settings, approver_pc, "Võ Minh Duyệt", ("approver", LAND_OFFICE))

        [incoming] = await work(desk_pc)
        assert (incoming["id"], incoming["status"], incoming["actions"]) == (
            dossier_id,
            "submitted",
            ["receive", "refuse", "request_supplement"],
        )
        assert incoming["step"]["agencyCode"] == SERVICE_CENTRE
        assert await work(land_pc) == []  # not at the land office yet
        # Only the step's role at the step's agency may act; others do not see it.
        assert (await take(land_pc, dossier_id, "receive")).status_code == 404
        assert (await take(desk_pc, dossier_id, "approve")).status_code == 409
        assert (await take(desk_pc, dossier_id, "refuse")).status_code == 422  # reasons needed

        received = (await take(desk_pc, dossier_id, "receive")).json()
        assert received["status"] == "received"
        assert re.fullmatch(rf"{re.escape(SERVICE_CENTRE)}-\d{{6}}-0001", received["code"])
        assert received["dueAt"] is not None
        assert received["step"]["key"] == "land_check"
        assert received["step"]["agencyCode"] == LAND_OFFICE
        assert await work(desk_pc) == []

        [at_land] = await work(land_pc)
        assert at_land["actions"] == ["forward", "request_supplement"]
        assert (await take(tax_pc, dossier_id, "forward")).status_code == 404
        moved = (await take(land_pc, dossier_id, "forward")).json()
        assert (moved["status"], moved["step"]["agencyCode"]) == ("processing", TAX_OFFICE)
        assert await work(land_pc) == []

        taxed = (await take(tax_pc, dossier_id, "forward")).json()
        assert taxed["status"] == "awaiting_payment"
        assert (taxed["step"]["kind"], taxed["step"]["agencyCode"]) == ("payment", SERVICE_CENTRE)
        assert taxed["step"].get("dueAt") is None  # the agencies' clock waits for the citizen

        paid = (await take(desk_pc, dossier_id, "pay", "Nộp tiền mặt tại quầy")).json()
        assert (paid["status"], paid["step"]["key"]) == ("processing", "land_update")
        updated = (await take(land_pc, dossier_id, "forward")).json()
        assert updated["step"]["key"] == "approval"
        assert (await take(land_pc, dossier_id, "approve")).status_code == 404  # not an approver
        # The approver attaches the signed result document, then approves with it.
        assert (await attach_result(approver_pc, dossier_id)).status_code == 201
        approved = (await take(approver_pc, dossier_id, "approve")).json()
        assert (approved["status"], approved["step"]["key"]) == ("result_ready", "return")
        returned = (await take(desk_pc, dossier_id, "return_result")).json()
        assert returned["status"] == "returned"
        assert returned.get("step") is None

    sheet = returned["sheet"]
    assert [(row["action"], row.get("stepKey"), row.get("toStepKey")) for row in sheet] == [
        ("submit", None, None),
        ("receive", "reception", "land_check"),
        ("forward", "land_check", "tax"),
        ("forward", "tax", "payment"),
        ("pay", "payment", "land_update"),
        ("forward", "land_update", "approval"),
        ("approve", "approval", "return"),
        ("return_result", "return", None),
    ]
    agencies = {row.get("agencyCode") for row in sheet} - {None}
    assert agencies == {SERVICE_CENTRE, LAND_OFFICE, TAX_OFFICE}
    timed = [row for row in sheet if row.get("stepDueAt")]
    assert {row["outcome"] for row in timed} <= {"early", "on_time"}  # all done at once
    assert len(timed) >= 5

    dossier = (
        await database(settings, select(Dossier).where(Dossier.id == dossier_id))
    ).scalar_one()
    assert dossier.status == "returned"
    assert dossier.finished_at is not None
    assert dossier.lookup_token is not None
    changes = (await phone.pull(cursor=None))["changes"]
    [synced] = [c["data"] for c in changes if c["entity"] == "dossier"]
    assert synced["code"] == received["code"]
    assert synced["lookupPath"] == f"/lookup/{dossier.lookup_token}"  # the receipt's QR
    assert [step["status"] for step in synced["timeline"]] == [
        "submitted",
        "received",
        "processing",
        "awaiting_payment",
        "processing",
        "processing",
        "result_ready",
        "returned",
    ]
    notices = sorted(c["data"]["template"] for c in changes if c["entity"] == "notification")
    assert notices == sorted(
        [
            "dossier.submitted",
            "dossier.received",
            "dossier.processing",
            "dossier.awaiting_payment",
            "dossier.processing",
            "dossier.result_ready",
            "dossier.returned",
        ]
    )


async def test_a_late_dossier_is_flagged_gets_one_apology_and_its_step_is_recorded_late(
    client: Client, settings: Settings, clock: FakeClock
) -> None:
    phone, dossier_id = await apply(client, settings, LAND_TRANSFER)
    async with device(client) as desk_pc, device(client) as land_pc, device(client) as chief_pc:
        await staff(settings, desk_pc, "Trần Văn Bình", ("desk", SERVICE_CENTRE))
        handler = await staff(settings, land_pc, "Lê Thị Đất", ("handler", LAND_OFFICE))
        chief = await staff(settings, chief_pc, "Võ Minh Duyệt", ("approver", LAND_OFFICE))
        received = (await take(desk_pc, dossier_id, "receive")).json()
        assert (await land_pc.get("/api/v1/work/dossiers/late")).status_code == 403  # leaders
        assert (await chief_pc.get("/api/v1/work/dossiers/late?withinHours=0")).json() == []
        due_at = dt.datetime.fromisoformat(received["dueAt"])
        new_due_at = due_at + dt.timedelta(days=30)
        apology = {"newDueAt": new_due_at.isoformat(), "reason": "Chờ xác minh ranh giới"}
        refused = await land_pc.post(f"/api/v1/work/dossiers/{dossier_id}/apology", json=apology)
        assert (refused.status_code, refused.json()["type"].rsplit(":", 1)[-1]) == (
            409,
            "dossier-apology-refused",
        )

        clock.current = due_at + dt.timedelta(minutes=1)  # nobody touched it till it was due
        engine = create_engine(settings.resolved_database_url)
        try:
            async with session_factory(engine)() as db, db.begin():
                assert await mark_overdue(db, settings, clock.now()) == 1
            async with session_factory(engine)() as db, db.begin():
                assert await mark_overdue(db, settings, clock.now()) == 0  # flagged once
        finally:
            await engine.dispose()
        flagged = (await phone.pull(cursor=None))["changes"]
        [synced] = [c["data"] for c in flagged if c["entity"] == "dossier"]
        assert synced["isOverdue"] is True  # the citizen's phone knows
        for person in (handler, chief):  # staff sessions last hours, not days
            await person.sign_in()
        [late] = (await chief_pc.get("/api/v1/work/dossiers/late")).json()
        assert (late["id"], late["isOverdue"], late["apologized"]) == (dossier_id, True, False)
        assert late["dueAt"] == received["dueAt"]

        too_early = {**apology, "newDueAt": received["dueAt"]}
        response = await land_pc.post(f"/api/v1/work/dossiers/{dossier_id}/apology", json=too_early)
        assert response.status_code == 422
        issued = await land_pc.post(f"/api/v1/work/dossiers/{dossier_id}/apology", json=apology)
        assert issued.status_code == 200, issued.text
        assert issued.json()["apologized"] is True
        again = await land_pc.post(f"/api/v1/work/dossiers/{dossier_id}/apology", json=apology)
        assert again.status_code == 409  # once

        forwarded = (await take(land_pc, dossier_id, "forward")).json()
        [closed] = [
            row
            for row in forwarded["sheet"]
            if row.get("stepKey") == "land_check" and row["action"] == "forward"
        ]
        assert closed["outcome"] == "late"
        apologized = [row for row in forwarded["sheet"] if row["action"] == "apologize"]
        assert [(row["agencyCode"], row["note"]) for row in apologized] == [
            (LAND_OFFICE, "Chờ xác minh ranh giới")
        ]

    changes = (await phone.pull(cursor=None))["changes"]
    [synced] = [c["data"] for c in changes if c["entity"] == "dossier"]
    assert synced["isOverdue"] is False  # the new date is ahead
    assert synced["apologizedAt"] is not None
    assert dt.datetime.fromisoformat(synced["dueAt"]) == new_due_at
    notices = [c["data"]["template"] for c in changes if c["entity"] == "notification"]
    assert notices.count("dossier.apology") == 1


async def counter_photos(
    desk_pc: httpx.AsyncClient, form: dict[str, Any]
) -> tuple[Installation, dict[str, list[str]]]:
    """The desk officer's device photographs the citizen's papers (its own uploads)."""
    counter = Installation(desk_pc)
    assert (await counter.register()).status_code == 200
    documents = {
        slot: [await uploaded(counter, seed)] for seed, slot in enumerate(required_slots(form), 70)
    }
    return counter, documents


async def test_walk_in_intake_makes_a_received_dossier_owned_by_the_citizen(
    client: Client, settings: Settings
) -> None:
    detail = (await client.get(f"/api/v1/procedures/{LAND_TRANSFER}")).json()
    form = detail["variants"][0]["form"]
    fields = valid_fields(form, await a_commune(settings))
    async with device(client) as desk_pc, device(client) as land_pc:
        await staff(settings, desk_pc, "Trần Văn Bình", ("desk", SERVICE_CENTRE))
        await staff(settings, land_pc, "Lê Thị Đất", ("handler", LAND_OFFICE))
        counter, documents = await counter_photos(desk_pc, form)
        photographed = {
            c["id"] for c in (await counter.pull())["changes"] if c["entity"] == "attachment"
        }
        assert photographed == {i for ids in documents.values() for i in ids}
        request = {
            "dossierId": str(uuid.uuid4()),
            "agencyCode": SERVICE_CENTRE,
            "procedureCode": LAND_TRANSFER,
            "fields": fields,
            "documents": documents,
            "applicant": {"fullName": "Đỗ Thị Quầy", "phone": "0987 654 321"},
        }
        wrong = await desk_pc.post(
            "/api/v1/work/dossiers/intake", json={**request, "fields": {**fields, "x": 1}}
        )
        assert wrong.status_code == 422
        assert {e["field"] for e in wrong.json()["errors"]} == {"x"}
        elsewhere = {**request, "agencyCode": LAND_OFFICE}
        assert (
            await desk_pc.post("/api/v1/work/dossiers/intake", json=elsewhere)
        ).status_code == 403
        assert (await land_pc.post("/api/v1/work/dossiers/intake", json=request)).status_code == 403

        made = await desk_pc.post("/api/v1/work/dossiers/intake", json=request)
        assert made.status_code == 201, made.text
        body = made.json()
        assert body["status"] == "received"
        assert re.fullmatch(rf"{re.escape(SERVICE_CENTRE)}-\d{{6}}-\d{{4}}", body["code"])
        assert (body["step"]["key"], body["step"]["agencyCode"]) == ("land_check", LAND_OFFICE)
        assert [row["action"] for row in body["sheet"]] == ["intake"]
        [waiting] = await work(land_pc)  # on to the land office like any received dossier
        assert waiting["id"] == request["dossierId"]
        again = await desk_pc.post("/api/v1/work/dossiers/intake", json=request)
        assert again.status_code == 409  # the same dossier id is not received twice
        # The photos are the citizen's now: they leave the office computer's synced records.
        gone = [
            (c["id"], c["op"])
            for c in (await counter.pull())["changes"]
            if c["entity"] == "attachment"
        ]
        assert sorted(gone) == sorted((i, "remove") for i in photographed)

    dossier = (
        await database(settings, select(Dossier).where(Dossier.id == request["dossierId"]))
    ).scalar_one()
    citizen = (
        await database(settings, select(Account).where(Account.phone == "0987654321"))
    ).scalar_one()
    assert (dossier.owner_account_id, dossier.applicant_account_id) == (citizen.id, citizen.id)
    assert (citizen.kind, citizen.full_name) == ("citizen", "Đỗ Thị Quầy")
    assert dossier.channel == "counter"
    owners = (
        (
            await database(
                settings, select(Attachment.account_id).where(Attachment.dossier_id == dossier.id)
            )
        )
        .scalars()
        .all()
    )
    assert set(owners) == {citizen.id}
    assert len(owners) == sum(len(ids) for ids in documents.values())


LOCAL = dt.timezone(dt.timedelta(hours=7))


async def test_a_supplement_pauses_the_clock_until_the_citizen_answers_from_the_phone(
    client: Client, settings: Settings, clock: FakeClock
) -> None:
    clock.current = dt.datetime(2026, 11, 23, 9, 0, tzinfo=LOCAL)  # a Monday morning
    phone, dossier_id = await apply(client, settings, LAND_TRANSFER)
    async with device(client) as desk_pc, device(client) as land_pc:
        await staff(settings, desk_pc, "Trần Văn Bình", ("desk", SERVICE_CENTRE))
        handler = await staff(settings, land_pc, "Lê Thị Đất", ("handler", LAND_OFFICE))
        received = (await take(desk_pc, dossier_id, "receive")).json()
        due = dt.datetime.fromisoformat(received["dueAt"])
        # 8 working days; 24 November (Vietnamese Culture Day) is a holiday from 2026.
        assert due == dt.datetime(2026, 12, 4, 9, 0, tzinfo=LOCAL)
        step_due = dt.datetime.fromisoformat(received["step"]["dueAt"])
        assert step_due == dt.datetime(2026, 11, 26, 9, 0, tzinfo=LOCAL)  # 16 working hours

        clock.current = dt.datetime(2026, 11, 25, 10, 0, tzinfo=LOCAL)
        await handler.sign_in()  # staff sessions last hours
        ask = {"action": "request_supplement", "items": ["Hợp đồng chuyển nhượng bản rõ nét"]}
        url = f"/api/v1/work/dossiers/{dossier_id}/actions"
        assert (await land_pc.post(url, json=ask)).status_code == 422  # a deadline is needed
        asked = await land_pc.post(url, json={**ask, "deadline": "2026-12-10"})
        assert asked.status_code == 200, asked.text
        assert asked.json()["status"] == "supplement_requested"
        assert (await take(land_pc, dossier_id, "forward")).status_code == 409  # waits

        changes = (await phone.pull(cursor=None))["changes"]
        [synced] = [c["data"] for c in changes if c["entity"] == "dossier"]
        assert synced["statusCode"] == 5
        assert synced["supplement"] == {
            "items": ["Hợp đồng chuyển nhượng bản rõ nét"],
            "deadline": "2026-12-10",
        }
        assert synced["allowedActions"] == ["supplement"]
        [notice] = [
            c["data"]
            for c in changes
            if c["entity"] == "notification"
            and c["data"]["template"] == "dossier.supplement_requested"
        ]
        assert "Hợp đồng chuyển nhượng bản rõ nét" in notice["content"]["vi"]["body"]

        # Two working days later the citizen sends a clearer photo from the phone.
        clock.current = dt.datetime(2026, 11, 27, 10, 0, tzinfo=LOCAL)
        clearer = await uploaded(phone, 90)
        answer = {
            "dossierId": dossier_id,
            "documents": {"transferContract": [clearer]},
            "note": "Đã chụp lại",
        }
        stranger = await phone.push(
            phone.mutation("dossier.supplement", {**answer, "documents": {"nope": [clearer]}})
        )
        assert (await only_result(stranger))["reason"] == "invalid_form"
        result = await only_result(await phone.push(phone.mutation("dossier.supplement", answer)))
        assert result["status"] == "applied", result
        again = await only_result(await phone.push(phone.mutation("dossier.supplement", answer)))
        assert again["reason"] == "no_supplement_requested"

        await handler.sign_in()
        [waiting] = await work(land_pc)
        assert waiting["status"] == "received"  # where it was when asked
        # Paused Wednesday 10:00 to Friday 10:00: 16 working hours given back, over a weekend.
        assert dt.datetime.fromisoformat(waiting["dueAt"]) == dt.datetime(
            2026, 12, 8, 9, 0, tzinfo=LOCAL
        )
        assert dt.datetime.fromisoformat(waiting["step"]["dueAt"]) == dt.datetime(
            2026, 11, 30, 9, 0, tzinfo=LOCAL
        )
        moved = (await take(land_pc, dossier_id, "forward")).json()
        assert moved["status"] == "processing"

    dossier = (
        await database(settings, select(Dossier).where(Dossier.id == dossier_id))
    ).scalar_one()
    assert (dossier.paused_at, dossier.supplement) == (None, {})
    contract = (
        await database(settings, select(Attachment).where(Attachment.id == clearer))
    ).scalar_one()
    assert (contract.dossier_id, contract.slot_key) == (dossier_id, "transferContract")


async def test_leaders_read_what_their_agency_holds_without_acting_on_it(
    client: Client, settings: Settings
) -> None:
    _, dossier_id = await apply(client, settings, LAND_TRANSFER)
    async with (
        device(client) as desk_pc,
        device(client) as leader_pc,
        device(client) as tax_leader_pc,
    ):
        await staff(settings, desk_pc, "Trần Văn Bình", ("desk", SERVICE_CENTRE))
        await staff(settings, leader_pc, "Hoàng Thị Em", ("approver", LAND_OFFICE))
        await staff(settings, tax_leader_pc, "Ngô Văn Thuế", ("approver", TAX_OFFICE))
        path = f"/api/v1/work/dossiers/{dossier_id}"
        # At the desk's step, the land office's leader has nothing to read.
        assert (await leader_pc.get(path)).status_code == 404
        assert (await take(desk_pc, dossier_id, "receive")).status_code == 200

        # At the land office's handler step: its leader reads it, with no action to take.
        read = await leader_pc.get(path)
        assert read.status_code == 200, read.text
        shown = read.json()
        assert (shown["step"]["key"], shown["actions"]) == ("land_check", [])
        assert [row["action"] for row in shown["sheet"]] == ["submit", "receive"]
        [document, *_] = shown["documents"]
        assert (await leader_pc.get(document["href"])).status_code == 200
        assert (await take(leader_pc, dossier_id, "forward")).status_code == 404
        assert dossier_id not in {item["id"] for item in await work(leader_pc)}

        # Another agency's leader: no such dossier.
        assert (await tax_leader_pc.get(path)).status_code == 404
        assert (await tax_leader_pc.get(document["href"])).status_code == 404
