"""Applications through sync: `dossier.submit` creates one dossier with its documents, its
first event and an acknowledgement in the inbox, or refuses with reasons and creates nothing;
`dossier.withdraw` works until the desk receives the dossier."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select

from backend.config import Settings
from backend.core.auth import Principal
from backend.core.clock import Clock
from backend.core.db import create_engine, session_factory
from backend.features.dossiers import handling
from backend.features.dossiers.service import dossier_reference
from backend.models import (
    Account,
    AdministrativeUnit,
    Attachment,
    Dossier,
    DossierEvent,
    Draft,
    Notification,
    RoleAssignment,
)
from tests.api.test_sync import Installation, database, signed_in_installation
from tests.api.test_uploads import Upload, photo
from tests.support.identity import device, new_phone

Client = AsyncTestClient[Litestar]
BIRTH = "1.001193"


async def a_commune(settings: Settings) -> str:
    query = select(AdministrativeUnit.code).where(AdministrativeUnit.level == "commune").limit(1)
    return str((await database(settings, query)).scalar_one())


def birth_fields(commune: str, **changes: Any) -> dict[str, Any]:
    residence = {"communeCode": commune, "detail": "Số 12, ấp Bình Thạnh"}
    fields: dict[str, Any] = {
        "childFullName": "Nguyễn Thị Bình An",
        "childSex": "female",
        "childDateOfBirth": (dt.date.today() - dt.timedelta(days=20)).isoformat(),
        "childPlaceOfBirth": "Bệnh viện Đa khoa Đồng Nai",
        "childEthnicity": "Kinh",
        "childNationality": "Việt Nam",
        "motherFullName": "Trần Thị Mai",
        "motherEthnicity": "Kinh",
        "motherNationality": "Việt Nam",
        "motherResidence": residence,
        "declarantFullName": "Trần Thị Mai",
        "declarantCccd": "075190001234",
        "declarantPhone": "0912345678",
        "declarantRelationship": "mother",
        "declarantResidence": residence,
    }
    fields.update(changes)
    return {k: v for k, v in fields.items() if v is not None}


async def uploaded(phone: Installation, seed: int) -> str:
    """A photo registered and uploaded in full: an available attachment of the phone's owner."""
    upload = Upload(phone, photo(seed))
    assert (await upload.register())["status"] == "applied"
    assert (await upload.create()).status_code == 201
    assert (await upload.send_all(chunk_bytes=1 << 20)).status_code == 204
    return upload.attachment_id


def submit_args(
    fields: dict[str, Any], documents: dict[str, list[str]], **extra: Any
) -> dict[str, Any]:
    return {
        "dossierId": str(uuid.uuid4()),
        "procedureCode": BIRTH,
        "fields": fields,
        "documents": documents,
        **extra,
    }


async def only_result(response: Any) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    [result] = response.json()["results"]
    return dict(result)


async def count(settings: Settings, model: Any, *where: Any) -> int:
    query = select(func.count()).select_from(model).where(*where)
    return int((await database(settings, query)).scalar_one())


async def test_a_valid_application_becomes_one_dossier_with_its_documents_and_a_notice(
    client: Client, settings: Settings
) -> None:
    phone = await signed_in_installation(client)
    commune = await a_commune(settings)
    draft = str(uuid.uuid4())
    saved = phone.mutation(
        "draft.save",
        {"draftId": draft, "procedureCode": BIRTH, "fields": {}, "baseVersion": None},
    )
    assert (await only_result(await phone.push(saved)))["status"] == "applied"
    certificate, identity = await uploaded(phone, 1), await uploaded(phone, 2)
    args = submit_args(
        birth_fields(commune),
        {"birthCertificate": [certificate], "declarantIdentity": [identity]},
        draftId=draft,
        returnMethod="post",
    )
    submit = phone.mutation("dossier.submit", args)

    result = await only_result(await phone.push(submit))
    reference = dossier_reference(args["dossierId"])
    assert result == {
        "mutationId": submit["mutationId"],
        "status": "applied",
        "result": {"dossierId": args["dossierId"], "reference": reference, "status": "submitted"},
    }
    # Sent again (a lost response): the stored result, and still one dossier.
    again = await only_result(await phone.push(submit))
    assert again["status"] == "duplicate"
    assert again["result"] == result["result"]
    assert await count(settings, Dossier) == 1

    dossier = (await database(settings, select(Dossier))).scalar_one()
    assert (dossier.status, dossier.channel, dossier.return_method) == (
        "submitted",
        "online",
        "post",
    )
    assert dossier.form_data == args["fields"]
    documents = (
        (await database(settings, select(Attachment).where(Attachment.dossier_id == dossier.id)))
        .scalars()
        .all()
    )
    assert {(d.id, d.slot_key) for d in documents} == {
        (certificate, "birthCertificate"),
        (identity, "declarantIdentity"),
    }
    [event] = (await database(settings, select(DossierEvent))).scalars().all()
    assert (event.action, event.status_from, event.status_to, event.actor_role) == (
        "submit",
        None,
        "submitted",
        "citizen",
    )
    assert await count(settings, Draft, Draft.id == draft) == 0  # the draft is done with

    changes = {(c["entity"], c["id"]): c for c in (await phone.pull(cursor=None))["changes"]}
    synced = changes[("dossier", dossier.id)]["data"]
    assert synced["status"] == "submitted"
    assert synced["statusCode"] == 1
    assert synced["reference"] == reference
    assert synced["code"] is None  # assigned by the desk on reception
    assert synced["documents"] == {
        "birthCertificate": [certificate],
        "declarantIdentity": [identity],
    }
    assert [step["status"] for step in synced["timeline"]] == ["submitted"]
    assert synced["allowedActions"] == ["withdraw"]
    [notice] = [c["data"] for (entity, _), c in changes.items() if entity == "notification"]
    assert notice["dossierId"] == dossier.id
    assert reference in notice["content"]["vi"]["title"]
    assert "Đăng ký khai sinh" in notice["content"]["vi"]["body"]
    assert reference in notice["content"]["en"]["title"]
    assert ("draft", draft) not in changes


async def test_the_log_brings_a_running_client_the_dossier_the_notice_and_the_draft_removal(
    client: Client, settings: Settings
) -> None:
    phone = await signed_in_installation(client)
    draft = str(uuid.uuid4())
    await phone.push(
        phone.mutation(
            "draft.save",
            {"draftId": draft, "procedureCode": BIRTH, "fields": {}, "baseVersion": None},
        )
    )
    files = {
        "birthCertificate": [await uploaded(phone, 3)],
        "declarantIdentity": [await uploaded(phone, 4)],
    }
    await phone.pull(cursor=None)
    args = submit_args(birth_fields(await a_commune(settings)), files, draftId=draft)
    await phone.push(phone.mutation("dossier.submit", args))
    page = await phone.pull()
    ops = {(c["entity"], c["op"]) for c in page["changes"]}
    assert {("dossier", "put"), ("notification", "put"), ("draft", "remove")} <= ops
    assert ("attachment", "put") in ops  # now naming its dossier
    attachments = [c["data"] for c in page["changes"] if c["entity"] == "attachment"]
    assert {a["dossierId"] for a in attachments} == {args["dossierId"]}
    assert page["lastMutationId"] == phone.next_id - 1


async def nothing_created(settings: Settings) -> None:
    assert await count(settings, Dossier) == 0
    assert await count(settings, DossierEvent) == 0
    assert await count(settings, Notification) == 0
    assert await count(settings, Attachment, Attachment.dossier_id.is_not(None)) == 0


async def test_an_invalid_application_is_refused_field_by_field_and_creates_nothing(
    client: Client, settings: Settings
) -> None:
    phone = await signed_in_installation(client)
    commune = await a_commune(settings)
    certificate = await uploaded(phone, 5)
    fields = birth_fields(
        commune,
        childFullName="A",
        declarantPhone="12345",
        motherResidence={"communeCode": "99999", "detail": "x"},
        childSex=None,
        favouriteColour="blue",
    )
    result = await only_result(
        await phone.push(
            phone.mutation(
                "dossier.submit",
                submit_args(fields, {"birthCertificate": [certificate], "selfie": []}),
            )
        )
    )
    assert result["status"] == "rejected"
    assert result["reason"] == "invalid_form"
    errors = {(e["field"], e["code"]) for e in result["detail"]["errors"]}
    assert errors == {
        ("favouriteColour", "unknown_field"),
        ("childFullName", "too_short"),
        ("childSex", "required"),
        ("motherResidence", "address_commune"),
        ("declarantPhone", "phone"),
        ("documents.selfie", "unknown_slot"),
        ("documents.declarantIdentity", "required"),
    }
    await nothing_created(settings)


async def test_documents_must_be_the_applicants_own_arrived_and_unused(
    client: Client, settings: Settings
) -> None:
    phone = await signed_in_installation(client)
    fields = birth_fields(await a_commune(settings))
    mine = await uploaded(phone, 6)
    waiting = Upload(phone, photo(7))
    assert (await waiting.register())["status"] == "applied"  # registered, never uploaded
    async with device(client) as other_http:
        other = await signed_in_installation(other_http)
        theirs = await uploaded(other, 8)

    result = await only_result(
        await phone.push(
            phone.mutation(
                "dossier.submit",
                submit_args(
                    fields,
                    {"birthCertificate": [theirs, waiting.attachment_id], "declarantIdentity": []},
                ),
            )
        )
    )
    errors = {(e["field"], e["code"]) for e in result["detail"]["errors"]}
    assert errors == {
        ("documents.birthCertificate", "file_not_found"),  # another account's file
        ("documents.birthCertificate", "file_not_available"),
        ("documents.declarantIdentity", "required"),
    }
    await nothing_created(settings)

    first = submit_args(fields, {"birthCertificate": [mine], "declarantIdentity": [mine]})
    result = await only_result(await phone.push(phone.mutation("dossier.submit", first)))
    assert ("documents.declarantIdentity", "file_repeated") in {
        (e["field"], e["code"]) for e in result["detail"]["errors"]
    }
    second_photo = await uploaded(phone, 9)
    files = {"birthCertificate": [mine], "declarantIdentity": [second_photo]}
    applied = await phone.push(phone.mutation("dossier.submit", submit_args(fields, files)))
    assert (await only_result(applied))["status"] == "applied"
    reused = await phone.push(phone.mutation("dossier.submit", submit_args(fields, files)))
    result = await only_result(reused)
    assert {e["code"] for e in result["detail"]["errors"]} == {"file_in_use"}
    assert await count(settings, Dossier) == 1


async def submitted(phone: Installation, settings: Settings, seed: int) -> str:
    files = {
        "birthCertificate": [await uploaded(phone, seed)],
        "declarantIdentity": [await uploaded(phone, seed + 1)],
    }
    args = submit_args(birth_fields(await a_commune(settings)), files)
    assert (await only_result(await phone.push(phone.mutation("dossier.submit", args))))[
        "status"
    ] == "applied"
    return str(args["dossierId"])


async def receive(settings: Settings, dossier_id: str, clock: Clock) -> None:
    """A desk officer of the dossier's receiving desk receives it (the real use case; the
    desk's screens are tested with one-stop processing)."""
    engine = create_engine(settings.resolved_database_url)
    try:
        async with session_factory(engine)() as db, db.begin():
            dossier = await db.get(Dossier, dossier_id)
            assert dossier is not None
            officer = Account(
                id=str(uuid.uuid4()),
                kind="staff",
                full_name="Lê Văn Tiếp Nhận",
                phone=new_phone(),
                user_handle=uuid.uuid4().hex,
                created_at=clock.now(),
            )
            db.add(officer)
            await db.flush()
            db.add(
                RoleAssignment(
                    account_id=officer.id,
                    role="desk",
                    agency_id=dossier.step_agency_id,
                    created_at=clock.now(),
                )
            )
            desk = Principal(account_id=officer.id, kind="staff", roles=(), session_id="desk")
            await handling.act(
                db, handling.StaffContext(settings, desk, clock.now()), dossier_id, "receive"
            )
    finally:
        await engine.dispose()


async def test_withdrawal_works_before_reception_and_is_refused_after_it(
    client: Client, settings: Settings, clock: Clock
) -> None:
    phone = await signed_in_installation(client)
    early = await submitted(phone, settings, 10)
    result = await only_result(
        await phone.push(
            phone.mutation("dossier.withdraw", {"dossierId": early, "reason": "Nộp nhầm"})
        )
    )
    assert result["status"] == "applied"
    dossier = (await database(settings, select(Dossier).where(Dossier.id == early))).scalar_one()
    assert dossier.status == "withdrawn"
    assert dossier.finished_at is not None
    events = (
        (await database(settings, select(DossierEvent).where(DossierEvent.dossier_id == early)))
        .scalars()
        .all()
    )
    assert [(e.action, e.status_to, e.note) for e in events] == [
        ("submit", "submitted", None),
        ("withdraw", "withdrawn", "Nộp nhầm"),
    ]
    changes = (await phone.pull(cursor=None))["changes"]
    [data] = [c["data"] for c in changes if c["entity"] == "dossier" and c["id"] == early]
    assert data["status"] == "withdrawn"
    assert data["statusCode"] == 7
    assert data["allowedActions"] == []
    templates = sorted(c["data"]["template"] for c in changes if c["entity"] == "notification")
    assert templates == ["dossier.submitted", "dossier.withdrawn"]

    late = await submitted(phone, settings, 12)
    await receive(settings, late, clock)
    result = await only_result(
        await phone.push(phone.mutation("dossier.withdraw", {"dossierId": late}))
    )
    assert (result["status"], result["reason"]) == ("rejected", "not_withdrawable")
    assert result["detail"] == {"status": "received"}
    dossier = (await database(settings, select(Dossier).where(Dossier.id == late))).scalar_one()
    assert dossier.status == "received"
    assert await count(settings, DossierEvent, DossierEvent.dossier_id == late) == 2


async def test_a_citizen_neither_sees_nor_withdraws_another_citizens_dossier(
    client: Client, settings: Settings
) -> None:
    phone = await signed_in_installation(client)
    dossier_id = await submitted(phone, settings, 14)
    async with device(client) as other_http:
        other = await signed_in_installation(other_http)
        result = await only_result(
            await other.push(other.mutation("dossier.withdraw", {"dossierId": dossier_id}))
        )
        assert (result["status"], result["reason"]) == ("rejected", "not_found")
        page = await other.pull(cursor=None)
        assert [c for c in page["changes"] if c["entity"] in ("dossier", "notification")] == []
        # Not even by choosing the same id for an application of their own.
        taken = submit_args(birth_fields(await a_commune(settings)), {}, dossierId=dossier_id)
        result = await only_result(await other.push(other.mutation("dossier.submit", taken)))
        assert result["reason"] == "already_exists"
    status = (await database(settings, select(Dossier.status))).scalar_one()
    assert status == "submitted"


def test_the_reference_is_the_ids_random_tail() -> None:
    assert dossier_reference("0190f5c2-7a3b-7c4d-8e5f-6a7b8c9d0e1f") == "8C9D-0E1F"
