"""Attachments through the API: registered by a sync mutation, uploaded with tus 1.0 in
resumable chunks, checked, cleaned, stored, and announced to the owner's clients."""

from __future__ import annotations

import base64
import hashlib
import io
import random
import uuid
from pathlib import Path
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from PIL import Image
from sqlalchemy import select

from backend.config import Settings
from backend.core.db import create_engine, session_factory
from backend.features.uploads import service
from backend.features.uploads.blobs import FileSystemBlobStore
from backend.models import Attachment, UploadSession
from tests.api.test_sync import Installation, database, signed_in_installation
from tests.support import pdfs
from tests.support.identity import FakeClock, device

Client = AsyncTestClient[Litestar]
TUS = {"Tus-Resumable": "1.0.0"}
ZERO_ID = "00000000-0000-7000-8000-000000000000"
GPS_IFD = 0x8825


def photo(seed: int = 0, size: tuple[int, int] = (160, 120), **save: Any) -> bytes:
    """A JPEG of noise (so it does not compress to nothing), different for each seed."""
    rng = random.Random(seed)
    image = Image.frombytes("RGB", size, rng.randbytes(size[0] * size[1] * 3))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=95, **save)
    return out.getvalue()


def b64(value: str | bytes) -> str:
    raw = value.encode() if isinstance(value, str) else value
    return base64.b64encode(raw).decode()


def checksum(chunk: bytes) -> str:
    return "sha256 " + b64(hashlib.sha256(chunk).digest())


class Upload:
    """One file on the phone: registered through sync, then sent with tus."""

    def __init__(self, phone: Installation, data: bytes, media_type: str = "image/jpeg") -> None:
        self.phone = phone
        self.data = data
        self.media_type = media_type
        self.attachment_id = str(uuid.uuid4())
        self.url = ""

    async def register(self, *, sha256: str | None = None, size: int | None = None) -> Any:
        args = {
            "attachmentId": self.attachment_id,
            "slotKey": "birth-certificate-photo",
            "sha256": sha256 or hashlib.sha256(self.data).hexdigest(),
            "bytes": size or len(self.data),
            "mediaType": self.media_type,
        }
        response = await self.phone.push(self.phone.mutation("attachment.register", args))
        assert response.status_code == 200, response.text
        [result] = response.json()["results"]
        return result

    async def create(self, length: int | None = None, **headers: str) -> Any:
        metadata = ",".join(
            [
                f"attachmentId {b64(self.attachment_id)}",
                f"filename {b64('giay-chung-sinh.jpg')}",
                f"filetype {b64(self.media_type)}",
            ]
        )
        response = await self.phone.http.post(
            "/api/v1/uploads",
            headers={
                **TUS,
                "Upload-Length": str(len(self.data) if length is None else length),
                "Upload-Metadata": metadata,
                **headers,
            },
        )
        if response.status_code == 201:
            self.url = response.headers["location"]
        return response

    async def head(self, http: Any = None) -> Any:
        return await (http or self.phone.http).head(self.url, headers=TUS)

    async def patch(
        self, offset: int, chunk: bytes, *, sum: str | None = "right", http: Any = None
    ) -> Any:
        headers = {
            **TUS,
            "Content-Type": "application/offset+octet-stream",
            "Upload-Offset": str(offset),
        }
        if sum == "right":
            headers["Upload-Checksum"] = checksum(chunk)
        elif sum is not None:
            headers["Upload-Checksum"] = sum
        return await (http or self.phone.http).patch(self.url, content=chunk, headers=headers)

    async def send_all(self, chunk_bytes: int = 4096) -> Any:
        offset = 0
        response = None
        while offset < len(self.data):
            chunk = self.data[offset : offset + chunk_bytes]
            response = await self.patch(offset, chunk)
            if response.status_code != 204:
                return response
            offset = int(response.headers["upload-offset"])
        return response


async def registered_upload(http: Any, data: bytes, media_type: str = "image/jpeg") -> Upload:
    upload = Upload(await signed_in_installation(http), data, media_type)
    assert (await upload.register())["status"] == "applied"
    created = await upload.create()
    assert created.status_code == 201, created.text
    return upload


async def stored_attachment(settings: Settings, attachment_id: str) -> Attachment:
    result = await database(settings, select(Attachment).where(Attachment.id == attachment_id))
    attachment: Attachment = result.scalar_one()
    return attachment


def temp_files(settings: Settings) -> list[Path]:
    folder = settings.var_dir / "uploads"
    return sorted(folder.iterdir()) if folder.exists() else []


async def test_limits_are_published(client: Client) -> None:
    response = await client.get("/api/v1/config")
    assert response.status_code == 200
    assert response.json() == {
        "uploads": {
            "maxBytes": 10_000_000,
            "mediaTypes": ["image/jpeg", "image/png", "image/webp", "application/pdf"],
            "chunkBytes": 1_000_000,
            "tusEndpoint": "/api/v1/uploads",
        },
        "protocolVersion": 1,
    }


async def test_options_advertise_the_tus_capabilities(client: Client) -> None:
    response = await client.options("/api/v1/uploads")
    assert response.status_code == 204
    assert response.headers["tus-version"] == "1.0.0"
    assert response.headers["tus-resumable"] == "1.0.0"
    assert set(response.headers["tus-extension"].split(",")) == {
        "creation",
        "checksum",
        "expiration",
        "termination",
    }
    assert response.headers["tus-max-size"] == "10000000"
    assert response.headers["tus-checksum-algorithm"] == "sha256"


async def test_uploads_need_a_signed_in_owner_and_tus_1(client: Client) -> None:
    anonymous = await client.post("/api/v1/uploads", headers={**TUS, "Upload-Length": "10"})
    assert anonymous.status_code == 401
    assert anonymous.headers["tus-resumable"] == "1.0.0"
    upload = Upload(await signed_in_installation(client), photo())
    await upload.register()
    old = await upload.create(**{"Tus-Resumable": "0.2.2"})
    assert old.status_code == 412
    assert old.headers["tus-version"] == "1.0.0"
    unregistered = Upload(upload.phone, photo(1))
    assert (await unregistered.create()).status_code == 404
    wrong_length = await upload.create(length=len(upload.data) - 1)
    assert wrong_length.status_code == 400
    assert wrong_length.json()["reason"] == "length_mismatch"
    too_big = await upload.create(length=10_000_001)
    assert too_big.status_code == 413
    assert too_big.headers["tus-resumable"] == "1.0.0"


async def test_a_photo_uploads_in_checked_chunks_and_becomes_available(
    client: Client, settings: Settings
) -> None:
    phone = await signed_in_installation(client)
    await phone.pull(cursor=None)
    upload = Upload(phone, photo(size=(320, 240)))
    assert len(upload.data) > 5 * 4096  # several chunks
    result = await upload.register()
    assert result == {"mutationId": 1, "status": "applied", "result": {"status": "pending"}}
    created = await upload.create()
    assert created.status_code == 201
    assert created.headers["tus-resumable"] == "1.0.0"
    assert created.headers["upload-expires"].endswith("GMT")
    assert upload.url.startswith("/api/v1/uploads/")
    head = await upload.head()
    assert head.status_code == 200
    assert (head.headers["upload-offset"], head.headers["upload-length"]) == (
        "0",
        str(len(upload.data)),
    )
    assert head.headers["cache-control"] == "no-store"

    last = await upload.send_all(chunk_bytes=4096)
    assert last.status_code == 204, last.text
    assert last.headers["upload-offset"] == str(len(upload.data))
    assert last.headers["tus-resumable"] == "1.0.0"

    attachment = await stored_attachment(settings, upload.attachment_id)
    assert attachment.status == "available"
    assert attachment.stored_sha256
    stored = FileSystemBlobStore(settings.var_dir / "blobs").get(attachment.stored_sha256)
    assert hashlib.sha256(stored).hexdigest() == attachment.stored_sha256
    assert (settings.var_dir / "blobs" / attachment.stored_sha256[:2]).is_dir()
    assert Image.open(io.BytesIO(stored)).size == (320, 240)
    assert temp_files(settings) == []  # the partial file went with the finished upload
    done = await upload.head()  # a client that lost the last answer learns it is complete
    assert done.headers["upload-offset"] == str(len(upload.data))

    changes = [c for c in (await phone.pull())["changes"] if c["entity"] == "attachment"]
    assert [(c["id"], c["data"]["status"], c["version"]) for c in changes] == [
        (upload.attachment_id, "pending", 1),
        (upload.attachment_id, "available", 2),
    ]
    assert changes[-1]["data"] == {
        "id": upload.attachment_id,
        "status": "available",
        "slotKey": "birth-certificate-photo",
        "sha256": hashlib.sha256(upload.data).hexdigest(),
        "bytes": len(upload.data),
        "mediaType": "image/jpeg",
    }
    again = Upload(phone, upload.data)
    again.attachment_id = upload.attachment_id
    assert (await again.create()).status_code == 409  # nothing left to upload


async def test_registering_twice_is_idempotent_and_another_account_cannot_take_the_id(
    client: Client, settings: Settings
) -> None:
    upload = Upload(await signed_in_installation(client), photo())
    await upload.register()
    assert (await upload.register())["result"] == {"status": "pending"}
    async with device(client) as other:
        thief = Upload(await signed_in_installation(other), photo())
        thief.attachment_id = upload.attachment_id
        result = await thief.register()
        assert (result["status"], result["reason"]) == ("rejected", "not_found")
    attachment = await stored_attachment(settings, upload.attachment_id)
    assert attachment.version == 1


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
async def test_resuming_after_interruptions_sends_every_byte_once(
    client: Client, settings: Settings, seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    written: list[int] = []
    write_at = service._write_at

    def counting_write(path: str, offset: int, chunk: bytes) -> None:
        written.append(len(chunk))
        write_at(path, offset, chunk)

    monkeypatch.setattr(service, "_write_at", counting_write)
    rng = random.Random(seed)
    upload = await registered_upload(client, photo(seed, size=(200, 150)))
    size = len(upload.data)
    cuts = sorted(rng.sample(range(1, size), 4))
    chunk_bytes = rng.choice([1500, 4096, 7000])
    sent = 0
    offset = 0
    while offset < size:
        end = min(offset + chunk_bytes, size)
        cut = next((c for c in cuts if offset < c < end), None)
        if cut is not None:
            # The connection drops after `cut` bytes reached the server; the app restarts,
            # knowing only the upload URL, and asks where to continue.
            cuts.remove(cut)
            response = await upload.patch(offset, upload.data[offset:cut], sum=None)
            assert response.status_code == 204
            sent += cut - offset
            head = await upload.head()
            offset = int(head.headers["upload-offset"])
            assert offset == cut
            continue
        response = await upload.patch(offset, upload.data[offset:end])
        assert response.status_code == 204, response.text
        sent += end - offset
        offset = int(response.headers["upload-offset"])
    assert sent == size
    assert sum(written) == size  # the server wrote each byte once
    assert (await stored_attachment(settings, upload.attachment_id)).status == "available"


async def test_a_damaged_chunk_is_discarded_and_a_wrong_offset_refused(
    client: Client, settings: Settings
) -> None:
    upload = await registered_upload(client, photo())
    assert (await upload.patch(0, upload.data[:1000])).status_code == 204
    damaged = await upload.patch(1000, upload.data[1000:2000], sum=checksum(b"other bytes"))
    assert damaged.status_code == 460
    assert damaged.headers["tus-resumable"] == "1.0.0"
    assert damaged.json()["type"].endswith("upload-checksum-mismatch")
    assert (await upload.head()).headers["upload-offset"] == "1000"
    [partial] = temp_files(settings)
    assert partial.stat().st_size == 1000
    unknown = await upload.patch(1000, upload.data[1000:2000], sum="md5 " + b64(b"x" * 16))
    assert unknown.status_code == 400

    behind = await upload.patch(0, upload.data[:1000])
    assert behind.status_code == 409
    assert behind.json()["type"].endswith("upload-offset-mismatch")
    ahead = await upload.patch(2000, upload.data[2000:3000])
    assert ahead.status_code == 409
    wrong_type = await upload.phone.http.patch(
        upload.url,
        content=upload.data[1000:2000],
        headers={**TUS, "Upload-Offset": "1000", "Content-Type": "application/octet-stream"},
    )
    assert wrong_type.status_code == 415
    beyond = await upload.patch(1000, upload.data[1000:] + b"extra")
    assert beyond.status_code == 400
    assert (await upload.head()).headers["upload-offset"] == "1000"
    assert (await upload.patch(1000, upload.data[1000:])).status_code == 204


async def refused(
    client: Client, settings: Settings, data: bytes, media_type: str = "image/jpeg", **kw: Any
) -> tuple[Any, Attachment]:
    upload = Upload(await signed_in_installation(client), data, media_type)
    await upload.register(**kw)
    assert (await upload.create()).status_code == 201
    response = await upload.send_all()
    attachment = await stored_attachment(settings, upload.attachment_id)
    return response, attachment


async def test_a_file_other_than_registered_is_refused(client: Client, settings: Settings) -> None:
    data = photo()
    response, attachment = await refused(
        client, settings, data, sha256=hashlib.sha256(b"another photo").hexdigest()
    )
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["reason"] == "checksum_mismatch"
    assert (attachment.status, attachment.reject_reason) == ("rejected", "checksum_mismatch")
    assert temp_files(settings) == []


@pytest.mark.parametrize(
    ("data", "media_type", "reason"),
    [
        (
            b"MZ\x90\x00" + b"\x00" * 500 + b"This program cannot be run in DOS mode",
            "image/jpeg",
            "unsupported_type",
        ),
        (b"Just some text pretending to be a photo\n" * 20, "image/jpeg", "unsupported_type"),
        (photo() + b"PK\x03\x04\x14\x00\x00\x00payload.js", "image/jpeg", "polyglot"),
        (
            photo() + b"<html><script>alert(document.cookie)</script></html>",
            "image/jpeg",
            "polyglot",
        ),
        (
            b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /OpenAction << /S /JavaScript "
            b"/JS (app.alert(1)) >> >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n",
            "application/pdf",
            "active_content",
        ),
        (photo(), "image/png", "type_mismatch"),
    ],
    ids=["exe", "text", "jpeg-zip", "jpeg-html", "pdf-javascript", "jpeg-as-png"],
)
async def test_bad_content_is_refused_with_a_clear_problem(
    client: Client, settings: Settings, data: bytes, media_type: str, reason: str
) -> None:
    response, attachment = await refused(client, settings, data, media_type)
    assert response.status_code == 422
    problem = response.json()
    assert problem["type"] == "urn:motcua:problem:upload-refused"
    assert problem["reason"] == reason
    assert problem["detail"]  # Vietnamese by default
    assert (attachment.status, attachment.reject_reason) == ("rejected", reason)
    assert attachment.stored_sha256 is None


@pytest.mark.parametrize(
    "build",
    [pdfs.open_action_in_hex_object_stream, pdfs.open_action_behind_predictor],
    ids=["ascii-hex-object-stream", "flate-png-predictor-object-stream"],
)
async def test_a_pdf_hiding_javascript_in_an_object_stream_is_refused(
    client: Client, settings: Settings, build: Any
) -> None:
    """Audit finding 5: these were accepted and served inline."""
    response, attachment = await refused(client, settings, build(), "application/pdf")
    assert response.status_code == 422, response.text
    assert response.json()["reason"] == "active_content"
    assert (attachment.status, attachment.reject_reason) == ("rejected", "active_content")
    assert attachment.stored_sha256 is None


async def test_a_clean_pdf_becomes_available_unchanged(client: Client, settings: Settings) -> None:
    upload = await registered_upload(client, pdfs.fpdf2_document(pages=3), "application/pdf")
    assert (await upload.send_all()).status_code == 204
    attachment = await stored_attachment(settings, upload.attachment_id)
    assert attachment.status == "available"
    assert attachment.stored_sha256 == attachment.sha256  # PDFs are stored as sent


async def test_the_problem_speaks_english_when_asked(client: Client, settings: Settings) -> None:
    upload = Upload(await signed_in_installation(client), photo() + b"<script>x</script>")
    await upload.register()
    await upload.create()
    response = await upload.phone.http.patch(
        upload.url,
        content=upload.data,
        headers={
            **TUS,
            "Content-Type": "application/offset+octet-stream",
            "Upload-Offset": "0",
            "Accept-Language": "en",
        },
    )
    assert response.status_code == 422
    assert (
        response.json()["detail"] == "The file hides data of another file type and may be unsafe."
    )


async def test_oversized_and_unsupported_registrations_are_rejected(client: Client) -> None:
    phone = await signed_in_installation(client)
    big = Upload(phone, b"x")
    result = await big.register(size=10_000_001)
    assert (result["status"], result["reason"]) == ("rejected", "too_large")
    exe = Upload(phone, b"MZ", media_type="application/x-msdownload")
    result = await exe.register()
    assert (result["status"], result["reason"]) == ("rejected", "unsupported_type")
    assert (await big.create(length=1)).status_code == 404  # nothing was registered


async def test_gps_is_removed_from_stored_photos(client: Client, settings: Settings) -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate to display
    exif[0x010F] = "PhoneMaker"
    gps = exif.get_ifd(GPS_IFD)
    gps.update({1: "N", 2: (10.0, 45.0, 30.0), 3: "E", 4: (106.0, 40.0, 0.0)})
    data = photo(7, size=(120, 80), exif=exif.tobytes())
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(GPS_IFD)
    upload = await registered_upload(client, data)
    assert (await upload.send_all()).status_code == 204
    attachment = await stored_attachment(settings, upload.attachment_id)
    assert attachment.status == "available"
    assert attachment.stored_sha256 != attachment.sha256
    assert attachment.capture == {"width": 80, "height": 120}
    assert attachment.stored_sha256 is not None
    stored = FileSystemBlobStore(settings.var_dir / "blobs").get(attachment.stored_sha256)
    with Image.open(io.BytesIO(stored)) as image:
        assert not image.getexif().get_ifd(GPS_IFD)
        assert not image.getexif()
        assert image.size == (80, 120)
    assert b"PhoneMaker" not in stored


async def test_another_account_cannot_see_or_touch_an_upload(client: Client) -> None:
    upload = await registered_upload(client, photo())
    async with device(client) as other:
        await signed_in_installation(other)
        assert (await upload.head(http=other)).status_code == 404
        assert (await upload.patch(0, upload.data[:100], http=other)).status_code == 404
        assert (await other.delete(upload.url, headers=TUS)).status_code == 404
        stranger = Upload(Installation(other), upload.data)
        stranger.attachment_id = upload.attachment_id
        assert (await stranger.create()).status_code == 404
    assert (await upload.head()).headers["upload-offset"] == "0"


async def test_termination_removes_the_upload(client: Client, settings: Settings) -> None:
    upload = await registered_upload(client, photo())
    await upload.patch(0, upload.data[:500])
    assert len(temp_files(settings)) == 1
    response = await upload.phone.http.delete(upload.url, headers=TUS)
    assert response.status_code == 204
    assert response.headers["tus-resumable"] == "1.0.0"
    assert temp_files(settings) == []
    assert (await upload.head()).status_code == 404
    assert (await upload.patch(500, upload.data[500:1000])).status_code == 404
    # The attachment is still pending: the phone may start again.
    assert (await upload.create()).status_code == 201
    assert (await upload.send_all()).status_code == 204


async def test_abandoned_uploads_expire(
    client: Client, settings: Settings, clock: FakeClock
) -> None:
    upload = await registered_upload(client, photo())
    await upload.patch(0, upload.data[:500])
    clock.advance(service.UPLOAD_LIFETIME + service.dt.timedelta(minutes=1))
    gone = await upload.head()
    assert gone.status_code == 410
    assert gone.headers["tus-resumable"] == "1.0.0"
    assert (await upload.patch(500, upload.data[500:1000])).status_code == 410

    engine = create_engine(settings.resolved_database_url)
    try:
        async with session_factory(engine)() as db, db.begin():
            assert await service.expire_uploads(db, clock.now()) == 1
        async with session_factory(engine)() as db:
            assert (await db.execute(select(UploadSession))).scalars().all() == []
    finally:
        await engine.dispose()
    assert temp_files(settings) == []
    assert (await upload.head()).status_code == 404


async def test_a_live_upload_is_not_expired(
    client: Client, settings: Settings, clock: FakeClock
) -> None:
    upload = await registered_upload(client, photo())
    clock.advance(service.UPLOAD_LIFETIME / 2)
    engine = create_engine(settings.resolved_database_url)
    try:
        async with session_factory(engine)() as db, db.begin():
            assert await service.expire_uploads(db, clock.now()) == 0
    finally:
        await engine.dispose()
    assert (await upload.send_all()).status_code == 204


async def test_an_attachment_cannot_hang_on_another_accounts_draft(client: Client) -> None:
    owner = await signed_in_installation(client)
    draft = str(uuid.uuid4())
    saved = await owner.push(
        owner.mutation(
            "draft.save",
            {"draftId": draft, "procedureCode": "1.001193", "fields": {}, "baseVersion": None},
        )
    )
    assert saved.json()["results"][0]["status"] == "applied"
    async with device(client) as other:
        phone = await signed_in_installation(other)
        args = {
            "attachmentId": str(uuid.uuid4()),
            "slotKey": "photo",
            "sha256": "0" * 64,
            "bytes": 10,
            "mediaType": "image/jpeg",
            "draftId": draft,
        }
        [result] = (await phone.push(phone.mutation("attachment.register", args))).json()["results"]
        assert (result["status"], result["reason"]) == ("rejected", "not_found")


@pytest.mark.parametrize(
    "attachment_id",
    ["\x00", "00000000-0000-7000-8000-00000000000\x00", "not-an-id", "\u202e" + ZERO_ID],
)
async def test_metadata_that_cannot_name_an_attachment_is_a_400(
    client: Client, attachment_id: str
) -> None:
    """Headers do not pass the JSON edge: a NUL in the attachment id was a 500 on PostgreSQL."""
    await signed_in_installation(client)
    response = await client.post(
        "/api/v1/uploads",
        headers={
            **TUS,
            "Upload-Length": "10",
            "Upload-Metadata": f"attachmentId {b64(attachment_id)}",
        },
    )
    assert response.status_code == 400, response.text
    assert response.json()["type"].endswith("upload-invalid")
