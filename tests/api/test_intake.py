"""Walk-in intake puts each dossier in its applicant's own account (issue 11, finding 10): an
existing account is used only when the phone and the name (or the CCCD) agree; a phone or
CCCD of another person is a conflict the desk resolves by choosing; blank names are refused;
and an account opened at the counter is made, audited and greeted like any other."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select

from backend.config import Settings
from backend.models import Account, AuditEvent, Dossier, Notification
from tests.api.test_dossiers import a_commune
from tests.api.test_one_stop import LAND_TRANSFER, SERVICE_CENTRE, counter_photos, staff
from tests.api.test_sync import database
from tests.support.applications import valid_fields
from tests.support.identity import Person, device, new_phone

Client = AsyncTestClient[Litestar]
INTAKE = "/api/v1/work/dossiers/intake"


async def intake_request(
    client: Client, settings: Settings, desk_pc: httpx.AsyncClient, applicant: dict[str, Any]
) -> dict[str, Any]:
    """A complete walk-in application at the service centre for `applicant`."""
    form = (await client.get(f"/api/v1/procedures/{LAND_TRANSFER}")).json()["variants"][0]["form"]
    _, documents = await counter_photos(desk_pc, form)
    return {
        "dossierId": str(uuid.uuid4()),
        "agencyCode": SERVICE_CENTRE,
        "procedureCode": LAND_TRANSFER,
        "fields": valid_fields(form, await a_commune(settings)),
        "documents": documents,
        "applicant": applicant,
    }


def refusal(response: httpx.Response) -> tuple[int, str, str | None]:
    body = response.json()
    return response.status_code, body["type"].rsplit(":", 1)[-1], body.get("reason")


async def dossiers_owned_by(settings: Settings, account_id: str) -> int:
    query = select(func.count()).select_from(Dossier).where(Dossier.owner_account_id == account_id)
    return int((await database(settings, query)).scalar_one())


async def test_a_phone_of_another_person_is_not_their_account(
    client: Client, settings: Settings
) -> None:
    citizen = await Person(client).sign_up(fullName="Nguyễn Thị Hoa", phone=new_phone())
    async with device(client) as desk_pc:
        await staff(settings, desk_pc, "Trần Văn Bình", ("desk", SERVICE_CENTRE))
        walk_in = {"fullName": "Lê Văn Tám", "phone": citizen["phone"]}
        request = await intake_request(client, settings, desk_pc, walk_in)
        refused = await desk_pc.post(INTAKE, json=request, headers={"accept-language": "en"})
        assert refusal(refused) == (409, "applicant-mismatch", "phone_of_another_person")
        assert "another person" in refused.json()["detail"]
    assert await dossiers_owned_by(settings, citizen["id"]) == 0
    query = select(Dossier).where(Dossier.id == request["dossierId"])
    assert (await database(settings, query)).scalar_one_or_none() is None


async def test_the_same_phone_and_name_is_the_citizens_own_account(
    client: Client, settings: Settings
) -> None:
    citizen = await Person(client).sign_up(fullName="Nguyễn Thị Hoa", phone=new_phone())
    async with device(client) as desk_pc:
        await staff(settings, desk_pc, "Trần Văn Bình", ("desk", SERVICE_CENTRE))
        # Typed at the counter without marks and in capitals: the same person.
        request = await intake_request(
            client, settings, desk_pc, {"fullName": "NGUYEN THI  HOA", "phone": citizen["phone"]}
        )
        made = await desk_pc.post(INTAKE, json=request)
        assert made.status_code == 201, made.text
    assert await dossiers_owned_by(settings, citizen["id"]) == 1


async def test_a_cccd_held_by_another_account_is_a_conflict_that_says_so(
    client: Client, settings: Settings
) -> None:
    holder = await Person(client).sign_up(fullName="Phạm Văn Lâm", cccd="075190004321")
    async with device(client) as desk_pc:
        await staff(settings, desk_pc, "Trần Văn Bình", ("desk", SERVICE_CENTRE))
        walk_in = {"fullName": "Phạm Văn Lâm", "phone": new_phone(), "cccd": "075190004321"}
        request = await intake_request(client, settings, desk_pc, walk_in)
        refused = await desk_pc.post(INTAKE, json=request)
        assert refusal(refused) == (409, "applicant-mismatch", "cccd_of_another_account")
        assert "CCCD" in refused.json()["detail"]
    assert await dossiers_owned_by(settings, holder["id"]) == 0
    query = select(func.count()).select_from(Account).where(Account.phone == walk_in["phone"])
    assert (await database(settings, query)).scalar_one() == 0


async def test_blank_names_are_refused(client: Client, settings: Settings) -> None:
    async with device(client) as desk_pc:
        await staff(settings, desk_pc, "Trần Văn Bình", ("desk", SERVICE_CENTRE))
        request = await intake_request(
            client, settings, desk_pc, {"fullName": "   ", "phone": new_phone()}
        )
        refused = await desk_pc.post(INTAKE, json=request)
        assert refused.status_code == 422
        assert [(e["field"], e["code"]) for e in refused.json()["errors"]] == [
            ("applicant.fullName", "too_short")
        ]


async def test_an_account_opened_at_the_counter_is_audited_and_greeted_like_any_other(
    client: Client, settings: Settings
) -> None:
    async with device(client) as desk_pc:
        desk = await staff(settings, desk_pc, "Trần Văn Bình", ("desk", SERVICE_CENTRE))
        phone = new_phone()
        request = await intake_request(
            client, settings, desk_pc, {"fullName": "Đỗ Thị Quầy", "phone": phone}
        )
        assert (await desk_pc.post(INTAKE, json=request)).status_code == 201
    account = (await database(settings, select(Account).where(Account.phone == phone))).scalar_one()
    [created] = (
        await database(
            settings,
            select(AuditEvent).where(
                AuditEvent.action == "account.created", AuditEvent.subject_id == account.id
            ),
        )
    ).scalars()
    assert created.actor_id == desk.me["id"]
    assert created.detail == {"kind": "citizen", "channel": "counter", "agency": SERVICE_CENTRE}
    templates = (
        await database(
            settings,
            select(Notification.template).where(Notification.account_id == account.id),
        )
    ).scalars()
    assert sorted(templates) == ["account.created_at_counter", "dossier.received"]
