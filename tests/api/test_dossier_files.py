"""What staff see and do on a dossier (issue 6): who applied, the answers and documents as
handed in, where the dossier goes next; the documents downloaded by the staff at its step and
by its owner only; and the result document, attached by the approver at the approval step,
required to approve, fixed by the approval, and downloaded by the owner from the phone."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from PIL import Image
from sqlalchemy import func, select

from backend.config import Settings
from backend.features.uploads.blobs import FileSystemBlobStore
from backend.features.uploads.service import MAX_BYTES
from backend.models import Attachment, Dossier, DossierEvent, DossierResult, Notification
from tests.api.test_dossiers import a_commune, only_result, uploaded
from tests.api.test_one_stop import (
    LAND_OFFICE,
    LAND_TRANSFER,
    SERVICE_CENTRE,
    TAX_OFFICE,
    staff,
    take,
)
from tests.api.test_sync import Installation, database, signed_in_installation
from tests.api.test_uploads import photo
from tests.support.applications import required_slots, submit_args, valid_fields
from tests.support.documents import attach_result, result_pdf
from tests.support.identity import Person, device
from tests.support.pdf import text_of

Client = AsyncTestClient[Litestar]
WORK = "/api/v1/work/dossiers"
CENTRE_NAME = "Trung tâm Phục vụ hành chính công tỉnh Đồng Nai"
LAND_NAME = "Văn phòng Đăng ký đất đai tỉnh Đồng Nai"
TAX_NAME = "Thuế tỉnh Đồng Nai"
PROBLEM = "urn:motcua:problem:"


@dataclass
class Application:
    phone: Installation
    dossier_id: str
    fields: dict[str, Any]
    documents: dict[str, list[str]]


async def apply(http: Client | httpx.AsyncClient, settings: Settings) -> Application:
    """A land transfer applied for by someone new, from their phone (`http`)."""
    phone = await signed_in_installation(http)
    form = (await http.get(f"/api/v1/procedures/{LAND_TRANSFER}")).json()["variants"][0]["form"]
    documents = {
        slot: [await uploaded(phone, seed)] for seed, slot in enumerate(required_slots(form), 20)
    }
    args = submit_args(LAND_TRANSFER, valid_fields(form, await a_commune(settings)), documents)
    result = await only_result(await phone.push(phone.mutation("dossier.submit", args)))
    assert result["status"] == "applied", result
    return Application(phone, args["dossierId"], args["fields"], documents)


@dataclass
class Office:
    desk: httpx.AsyncClient
    land: httpx.AsyncClient
    tax: httpx.AsyncClient
    approver: httpx.AsyncClient


@asynccontextmanager
async def office(client: Client, settings: Settings) -> AsyncIterator[Office]:
    """The staff a land transfer passes through, each signed in on their own computer."""
    async with (
        device(client) as desk,
        device(client) as land,
        device(client) as tax,
        device(client) as approver,
    ):
        await staff(settings, desk, "Trần Văn Bình", ("desk", SERVICE_CENTRE))
        await staff(settings, land, "Lê Thị Đất", ("handler", LAND_OFFICE))
        await staff(settings, tax, "Phạm Văn Thuế", ("handler", TAX_OFFICE))
        await staff(settings, approver, "Võ Minh Duyệt", ("approver", LAND_OFFICE))
        yield Office(desk, land, tax, approver)


async def walk_to_approval(staff_of: Office, dossier_id: str) -> None:
    for http, action in (
        (staff_of.desk, "receive"),
        (staff_of.land, "forward"),
        (staff_of.tax, "forward"),
        (staff_of.desk, "pay"),
        (staff_of.land, "forward"),
    ):
        response = await take(http, dossier_id, action)
        assert response.status_code == 200, response.text
    assert (await take(staff_of.approver, dossier_id, "stop")).status_code == 422  # at approval


async def detail(http: httpx.AsyncClient, dossier_id: str) -> dict[str, Any]:
    response = await http.get(f"{WORK}/{dossier_id}")
    assert response.status_code == 200, response.text
    return dict(response.json())


def problem(response: httpx.Response) -> tuple[int, str]:
    return response.status_code, response.json()["type"].removeprefix(PROBLEM)


def blob_files(settings: Settings) -> set[Path]:
    root = settings.var_dir / "blobs"
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


async def stored_result(settings: Settings, dossier_id: str) -> DossierResult | None:
    query = select(DossierResult).where(DossierResult.dossier_id == dossier_id)
    found: DossierResult | None = (await database(settings, query)).scalar_one_or_none()
    return found


def assert_private_file(response: httpx.Response, media_type: str, disposition: str) -> None:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == media_type
    assert response.headers["content-disposition"] == disposition
    assert response.headers["cache-control"] == "private, no-store"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["content-security-policy"] == "sandbox"  # never a page of ours
    assert response.headers["content-length"] == str(len(response.content))
    assert "content-encoding" not in response.headers  # served as stored, not gzipped


# ---------------------------------------------------------------------------------------------
# The work detail


async def test_the_work_detail_shows_the_applicant_answers_documents_and_the_next_stop(
    client: Client, settings: Settings
) -> None:
    applied = await apply(client, settings)
    async with office(client, settings) as staff_of:
        [listed] = (await staff_of.desk.get(WORK)).json()
        assert listed["step"]["agencyName"] == CENTRE_NAME
        seen = await detail(staff_of.desk, applied.dossier_id)
        assert seen["applicant"] == {
            "fullName": "Nguyễn Văn An",
            "phone": seen["applicant"]["phone"],
        }
        assert re.fullmatch(r"09\d{8}", seen["applicant"]["phone"])
        assert seen["fields"] == applied.fields  # the answers as submitted
        attachments = {
            a.id: a
            for a in (
                await database(
                    settings, select(Attachment).where(Attachment.dossier_id == applied.dossier_id)
                )
            ).scalars()
        }
        assert sorted(seen["documents"], key=lambda d: d["slotKey"]) == seen["documents"]
        assert {(d["id"], d["slotKey"]) for d in seen["documents"]} == {
            (attachment_id, slot)
            for slot, ids in applied.documents.items()
            for attachment_id in ids
        }
        for document in seen["documents"]:
            stored = attachments[document["id"]]
            assert document == {
                "id": stored.id,
                "slotKey": stored.slot_key,
                "mediaType": "image/jpeg",
                "bytes": stored.stored_bytes,
                "href": f"{WORK}/{applied.dossier_id}/documents/{stored.id}",
            }
        assert seen["step"]["agencyName"] == CENTRE_NAME
        # Receiving hands the dossier to the land office: the screen can say where.
        assert seen["nextStep"] == {
            "key": "land_check",
            "name": seen["nextStep"]["name"],
            "nameEn": seen["nextStep"]["nameEn"],
            "role": "handler",
            "kind": "process",
            "agencyCode": LAND_OFFICE,
            "agencyName": LAND_NAME,
        }
        assert "resultDocument" not in seen
        assert [row["action"] for row in seen["sheet"]] == ["submit"]

        received = (await take(staff_of.desk, applied.dossier_id, "receive")).json()
        assert received["step"]["agencyName"] == LAND_NAME
        at_land = await detail(staff_of.land, applied.dossier_id)
        assert (at_land["step"]["agencyName"], at_land["step"]["dueAt"]) == (
            LAND_NAME,
            received["step"]["dueAt"],
        )
        assert (at_land["nextStep"]["agencyCode"], at_land["nextStep"]["agencyName"]) == (
            TAX_OFFICE,
            TAX_NAME,
        )
        assert "dueAt" not in at_land["nextStep"]  # its clock starts when it gets there
        # The desk that received it still reads it, to answer the citizen at the counter, with
        # nothing to do there; the tax office has not got it yet and does not see it.
        at_desk = await detail(staff_of.desk, applied.dossier_id)
        assert (at_desk["step"]["agencyCode"], at_desk["actions"]) == (LAND_OFFICE, [])
        assert problem(await staff_of.tax.get(f"{WORK}/{applied.dossier_id}")) == (404, "not-found")


async def test_the_applicants_cccd_shows_when_the_account_has_one(
    client: Client, settings: Settings
) -> None:
    async with device(client) as desk_pc:
        await staff(settings, desk_pc, "Trần Văn Bình", ("desk", SERVICE_CENTRE))
        form = (await client.get(f"/api/v1/procedures/{LAND_TRANSFER}")).json()["variants"][0][
            "form"
        ]
        counter = Installation(desk_pc)
        assert (await counter.register()).status_code == 200
        documents = {
            slot: [await uploaded(counter, seed)]
            for seed, slot in enumerate(required_slots(form), 60)
        }
        request = {
            **submit_args(LAND_TRANSFER, valid_fields(form, await a_commune(settings)), documents),
            "agencyCode": SERVICE_CENTRE,
            "applicant": {"fullName": "Đỗ Thị Quầy", "phone": "0987654321", "cccd": "075190009999"},
        }
        made = await desk_pc.post(f"{WORK}/intake", json=request)
        assert made.status_code == 201, made.text
        async with device(client) as land_pc:
            await staff(settings, land_pc, "Lê Thị Đất", ("handler", LAND_OFFICE))
            seen = await detail(land_pc, request["dossierId"])
    assert seen["applicant"] == {
        "fullName": "Đỗ Thị Quầy",
        "phone": "0987654321",
        "cccd": "075190009999",
    }


# ---------------------------------------------------------------------------------------------
# Documents


async def test_documents_download_for_the_staff_at_the_step_and_the_owner_only(
    client: Client, settings: Settings
) -> None:
    async with device(client) as other_phone:
        other = await apply(other_phone, settings)  # someone else's dossier
    applied = await apply(client, settings)
    blobs = FileSystemBlobStore(settings.var_dir / "blobs")
    async with office(client, settings) as staff_of, device(client) as stranger_pc:
        await Person(stranger_pc).sign_up(fullName="Lê Văn Khác")
        [document, *_] = (await detail(staff_of.desk, applied.dossier_id))["documents"]
        stored = (
            await database(settings, select(Attachment).where(Attachment.id == document["id"]))
        ).scalar_one()
        assert stored.stored_sha256 is not None
        expected = blobs.get(stored.stored_sha256)
        name = f'inline; filename="{stored.slot_key}-{stored.id[:8]}.jpg"'

        by_desk = await staff_of.desk.get(document["href"])
        assert_private_file(by_desk, "image/jpeg", name)
        assert by_desk.content == expected
        own = f"/api/v1/dossiers/{applied.dossier_id}/documents/{document['id']}"
        by_owner = await client.get(own)
        assert_private_file(by_owner, "image/jpeg", name)
        assert by_owner.content == expected

        # Anyone else: the same 404, whether the dossier, the file or the right is missing.
        [elsewhere] = other.documents[next(iter(other.documents))]
        misses = [
            await staff_of.land.get(document["href"]),  # not at the land office yet
            await staff_of.approver.get(document["href"]),
            await stranger_pc.get(own),
            await staff_of.desk.get(own),  # staff use the work route
            await client.get(f"/api/v1/dossiers/{applied.dossier_id}/documents/{elsewhere}"),
            await staff_of.desk.get(f"{WORK}/{applied.dossier_id}/documents/{elsewhere}"),
            await client.get(f"/api/v1/dossiers/{applied.dossier_id}/documents/nope"),
        ]
        for miss in misses:
            assert problem(miss) == (404, "not-found")
            assert miss.headers["content-type"] == "application/problem+json"
        async with device(client) as anonymous:
            assert (await anonymous.get(own)).status_code == 401
        assert (await stranger_pc.get(document["href"])).status_code == 403  # not staff

        # The documents follow the dossier: once received, the land office reads them, and
        # the desk that received it still does (to answer the citizen at the counter).
        assert (await take(staff_of.desk, applied.dossier_id, "receive")).status_code == 200
        assert (await staff_of.desk.get(document["href"])).content == expected
        assert (await staff_of.land.get(document["href"])).content == expected
        assert (await client.get(own)).content == expected


# ---------------------------------------------------------------------------------------------
# The result document


async def test_approving_without_a_result_document_is_refused_and_changes_nothing(
    client: Client, settings: Settings
) -> None:
    applied = await apply(client, settings)
    async with office(client, settings) as staff_of:
        await walk_to_approval(staff_of, applied.dossier_id)
        before = (
            await database(settings, select(Dossier).where(Dossier.id == applied.dossier_id))
        ).scalar_one()
        events = select(func.count()).where(DossierEvent.dossier_id == applied.dossier_id)
        notices = select(func.count()).where(Notification.dossier_id == applied.dossier_id)
        counts = [(await database(settings, q)).scalar_one() for q in (events, notices)]
        pulled = len((await applied.phone.pull(cursor=None))["changes"])

        for language, title in (
            ("vi", "Chưa đính kèm văn bản kết quả"),
            ("en", "The result document is missing"),
        ):
            refused = await staff_of.approver.post(
                f"{WORK}/{applied.dossier_id}/actions",
                json={"action": "approve"},
                headers={"accept-language": language},
            )
            assert problem(refused) == (409, "dossier-result-missing")
            assert refused.json()["title"] == title
            assert refused.headers["content-type"] == "application/problem+json"

        after = (
            await database(settings, select(Dossier).where(Dossier.id == applied.dossier_id))
        ).scalar_one()
        assert (after.status, after.current_step, after.version) == (
            before.status,
            "approval",
            before.version,
        )
        assert [(await database(settings, q)).scalar_one() for q in (events, notices)] == counts
        assert len((await applied.phone.pull(cursor=None))["changes"]) == pulled
        assert (await detail(staff_of.approver, applied.dossier_id))["actions"] == [
            "approve",
            "stop",
        ]


async def test_only_the_approver_at_the_approval_step_attaches_the_result(
    client: Client, settings: Settings
) -> None:
    applied = await apply(client, settings)
    dossier_id = applied.dossier_id
    async with office(client, settings) as staff_of:
        assert (await take(staff_of.desk, dossier_id, "receive")).status_code == 200
        # At the land office's check: the approver does not hold it, the handler's step is
        # not an approval.
        assert problem(await attach_result(staff_of.approver, dossier_id)) == (404, "not-found")
        assert problem(await attach_result(staff_of.desk, dossier_id)) == (404, "not-found")
        assert problem(await attach_result(staff_of.land, dossier_id)) == (
            409,
            "dossier-step-action",
        )
        assert (await attach_result(client, dossier_id)).status_code == 403  # the citizen
        async with device(client) as anonymous:
            assert (await attach_result(anonymous, dossier_id)).status_code == 401
        assert await stored_result(settings, dossier_id) is None

        for http, action in (
            (staff_of.land, "forward"),
            (staff_of.tax, "forward"),
            (staff_of.desk, "pay"),
            (staff_of.land, "forward"),
        ):
            assert (await take(http, dossier_id, action)).status_code == 200
        for outsider in (staff_of.land, staff_of.tax, staff_of.desk):
            assert problem(await attach_result(outsider, dossier_id)) == (404, "not-found")
        unknown = "00000000-0000-7000-8000-000000000000"
        assert problem(await attach_result(staff_of.approver, unknown)) == (404, "not-found")
        assert await stored_result(settings, dossier_id) is None

        attached = await attach_result(staff_of.approver, dossier_id)
        assert attached.status_code == 201, attached.text
        assert (await stored_result(settings, dossier_id)) is not None


def webp() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(out, "WEBP")
    return out.getvalue()


def padded_pdf(size: int) -> bytes:
    return b"%PDF-1.4\n" + b"0" * (size - 9)


BAD_FILES = [
    pytest.param(lambda: b"hello", "text/plain", "notes.txt", 422, "result_type", id="text"),
    pytest.param(webp, "image/webp", "a.webp", 422, "result_type", id="webp"),
    pytest.param(
        lambda: photo(1), "application/pdf", "scan.pdf", 422, "type_mismatch", id="jpeg-as-pdf"
    ),
    pytest.param(result_pdf, "image/png", "scan.png", 422, "type_mismatch", id="pdf-as-png"),
    pytest.param(
        lambda: photo(2)[:-600], "image/jpeg", "cut.jpg", 422, "malformed", id="truncated"
    ),
    pytest.param(
        lambda: (
            b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /OpenAction << /S /JavaScript "
            b"/JS (app.alert(1)) >> >>\nendobj\n%%EOF\n"
        ),
        "application/pdf",
        "active.pdf",
        422,
        "active_content",
        id="pdf-javascript",
    ),
    pytest.param(
        lambda: photo(3) + b"PK\x03\x04payload",
        "image/jpeg",
        "zip.jpg",
        422,
        "polyglot",
        id="polyglot",
    ),
    pytest.param(
        lambda: padded_pdf(MAX_BYTES + 1), "application/pdf", "big.pdf", 413, None, id="just-over"
    ),
    pytest.param(
        lambda: padded_pdf(MAX_BYTES + 200_000),
        "application/pdf",
        "huge.pdf",
        413,
        None,
        id="over-the-body-limit",
    ),
]


@pytest.mark.parametrize(("make", "media_type", "name", "status", "reason"), BAD_FILES)
async def test_a_bad_result_file_is_refused_with_a_problem_and_nothing_is_stored(
    client: Client,
    settings: Settings,
    make: Callable[[], bytes],
    media_type: str,
    name: str,
    status: int,
    reason: str | None,
) -> None:
    applied = await apply(client, settings)
    async with office(client, settings) as staff_of:
        await walk_to_approval(staff_of, applied.dossier_id)
        blobs = blob_files(settings)
        refused = await attach_result(
            staff_of.approver,
            applied.dossier_id,
            make(),
            name,
            media_type,
            **{"accept-language": "en"},
        )
        assert refused.status_code == status, refused.text
        assert refused.headers["content-type"] == "application/problem+json"
        body = refused.json()
        if status == 413:
            assert body["type"] == f"{PROBLEM}upload-too-large"
            assert body["detail"] == f"The file is larger than the {MAX_BYTES}-byte limit."
        else:
            assert (body["type"], body["reason"]) == (f"{PROBLEM}upload-refused", reason)
            assert body["title"] == "File refused"
            assert body["detail"]
        assert await stored_result(settings, applied.dossier_id) is None
        assert blob_files(settings) == blobs
        refused = await take(staff_of.approver, applied.dossier_id, "approve")
        assert problem(refused) == (409, "dossier-result-missing")


async def test_a_result_upload_without_its_file_part_is_a_bad_request(
    client: Client, settings: Settings
) -> None:
    applied = await apply(client, settings)
    async with office(client, settings) as staff_of:
        await walk_to_approval(staff_of, applied.dossier_id)
        url = f"{WORK}/{applied.dossier_id}/result"
        for response in (
            await staff_of.approver.post(url, files={"document": ("a.pdf", result_pdf())}),
            await staff_of.approver.post(url, data={"file": "not a file"}),
            await staff_of.approver.post(url, json={"file": "x"}),
        ):
            assert problem(response) == (400, "invalid-request")
        assert await stored_result(settings, applied.dossier_id) is None


async def test_the_result_is_replaced_until_approval_then_issued_to_the_owners_phone(
    client: Client, settings: Settings
) -> None:
    applied = await apply(client, settings)
    dossier_id = applied.dossier_id
    pdf = result_pdf("GIAY CHUNG NHAN quyen su dung dat")
    name = "Giấy chứng nhận quyền sử dụng đất.PDF"
    owner_url = f"/api/v1/dossiers/{dossier_id}/result"
    async with office(client, settings) as staff_of, device(client) as stranger_pc:
        await Person(stranger_pc).sign_up(fullName="Lê Văn Khác")
        await walk_to_approval(staff_of, dossier_id)

        # A photo first (cleaned like any upload), then the PDF that replaces it.
        first = await attach_result(
            staff_of.approver, dossier_id, photo(5), "ảnh chụp.jpeg", "image/jpeg"
        )
        assert first.status_code == 201, first.text
        first_doc = first.json()
        assert first_doc["fileName"] == "ảnh chụp.jpg"
        assert first_doc["mediaType"] == "image/jpeg"
        shown = await staff_of.approver.get(first_doc["href"])
        assert_private_file(
            shown,
            "image/jpeg",
            "inline; filename=\"anh chup.jpg\"; filename*=UTF-8''%E1%BA%A3nh%20ch%E1%BB%A5p.jpg",
        )
        assert Image.open(io.BytesIO(shown.content)).format == "JPEG"
        assert len(shown.content) == first_doc["bytes"]

        replaced = await attach_result(staff_of.approver, dossier_id, pdf, f"C:\\scans\\{name}")
        assert replaced.status_code == 201, replaced.text
        document = replaced.json()
        assert set(document) == {"id", "fileName", "mediaType", "bytes", "uploadedAt", "href"}
        assert document["id"] != first_doc["id"]
        assert (document["fileName"], document["mediaType"], document["bytes"]) == (
            "Giấy chứng nhận quyền sử dụng đất.pdf",
            "application/pdf",
            len(pdf),
        )
        assert document["href"] == f"{WORK}/{dossier_id}/result"
        assert dt.datetime.fromisoformat(document["uploadedAt"]).tzinfo is not None
        seen = await detail(staff_of.approver, dossier_id)
        assert seen["resultDocument"] == document
        assert (seen["nextStep"]["key"], seen["nextStep"]["agencyName"]) == ("return", CENTRE_NAME)
        assert (await staff_of.approver.get(document["href"])).content == pdf
        # Not the owner's yet: not on the phone, not downloadable.
        assert problem(await client.get(owner_url)) == (404, "not-found")
        changes = (await applied.phone.pull(cursor=None))["changes"]
        [synced] = [c["data"] for c in changes if c["entity"] == "dossier"]
        assert synced["result"] is None

        approved = await take(staff_of.approver, dossier_id, "approve")
        assert approved.status_code == 200, approved.text
        assert approved.json()["status"] == "result_ready"

        # Issued: fixed from now on.
        assert problem(await attach_result(staff_of.approver, dossier_id)) == (404, "not-found")
        assert problem(await attach_result(staff_of.desk, dossier_id)) == (
            409,
            "dossier-result-issued",
        )
        at_return = await detail(staff_of.desk, dossier_id)
        assert at_return["resultDocument"] == document
        assert "nextStep" not in at_return  # the last step
        desk_copy = await staff_of.desk.get(document["href"])
        ascii_name = "Giay chung nhan quyen su dung dat.pdf"
        disposition = (
            f"inline; filename=\"{ascii_name}\"; filename*=UTF-8''"
            "Gi%E1%BA%A5y%20ch%E1%BB%A9ng%20nh%E1%BA%ADn%20quy%E1%BB%81n%20s%E1%BB%AD"
            "%20d%E1%BB%A5ng%20%C4%91%E1%BA%A5t.pdf"
        )
        assert_private_file(desk_copy, "application/pdf", disposition)
        assert desk_copy.content == pdf
        # The agencies it went through still read what they handled.
        for earlier in (staff_of.approver, staff_of.land, staff_of.tax):
            assert (await earlier.get(document["href"])).content == pdf

        # The owner's phone learns of it and downloads exactly the bytes attached.
        changes = (await applied.phone.pull(cursor=None))["changes"]
        [synced] = [c["data"] for c in changes if c["entity"] == "dossier"]
        assert synced["result"] == {
            "fileName": "Giấy chứng nhận quyền sử dụng đất.pdf",
            "mediaType": "application/pdf",
            "bytes": len(pdf),
            "href": owner_url,
        }
        result_ids = {first_doc["id"], document["id"]}
        assert not [c for c in changes if c["entity"] == "attachment" and c["id"] in result_ids]
        downloaded = await client.get(synced["result"]["href"])
        assert_private_file(downloaded, "application/pdf", disposition)
        assert downloaded.content == pdf
        assert "GIAY CHUNG NHAN" in text_of(downloaded.content)
        for someone_else in (stranger_pc, staff_of.desk, staff_of.approver):
            assert problem(await someone_else.get(owner_url)) == (404, "not-found")

        returned = await take(staff_of.desk, dossier_id, "return_result")
        assert returned.json()["status"] == "returned"
        # Returned, it is still the desk's to answer questions about.
        assert (await staff_of.desk.get(document["href"])).content == pdf
        assert (await client.get(owner_url)).content == pdf

    [event] = (
        await database(
            settings,
            select(DossierEvent).where(
                DossierEvent.dossier_id == dossier_id, DossierEvent.action == "approve"
            ),
        )
    ).scalars()
    assert event.detail["result"]["id"] == document["id"]
    stored = await stored_result(settings, dossier_id)
    assert stored is not None
    assert stored.issued_at is not None
    assert (stored.id, stored.bytes) == (document["id"], len(pdf))
