"""The last chunk's check runs with no transaction open (audit finding 6): other citizens'
writes go on while a photo is decoded, and a check a crash left pending is finished by the
next HEAD or PATCH, or by the housekeeping job, never reported as done before it is.

Timing is controlled with events, not sleeps: the check is made to wait, inside its worker
thread, until the test has done what it wants to do meanwhile. The test client answers one
request at a time on the test's event loop (it blocks on the app's portal), so a request
meant to be in flight meanwhile is sent from a thread of its own."""

from __future__ import annotations

import asyncio
import json
import os
import threading
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import select

from backend.config import Settings
from backend.core.db import create_engine, session_factory
from backend.features.uploads import jobs, service
from backend.features.uploads.blobs import blob_store_for
from backend.models import Attachment, UploadSession
from tests.api.test_sync import database, signed_in_installation
from tests.api.test_uploads import Upload, photo, registered_upload, stored_attachment
from tests.support.identity import ORIGIN, FakeClock, device

Client = AsyncTestClient[Litestar]
WAIT = 30  # seconds: only reached when the code under test is broken
TUS_BYTES = {"tus-resumable": b"1.0.0"}


class GatedCheck:
    """`service.verify_content` made to stop once it has started, until `release()`."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.started = threading.Event()
        self.released = threading.Event()
        real = service.verify_content

        def gated(data: bytes, attachment: Attachment) -> Any:
            self.started.set()
            assert self.released.wait(WAIT), "the test never released the check"
            return real(data, attachment)

        monkeypatch.setattr(service, "verify_content", gated)

    async def wait_started(self) -> None:
        assert await asyncio.to_thread(self.started.wait, WAIT), "the check never started"

    def release(self) -> None:
        self.released.set()


@pytest.fixture
def gate(monkeypatch: pytest.MonkeyPatch) -> Iterator[GatedCheck]:
    gated = GatedCheck(monkeypatch)
    yield gated
    gated.release()  # a failing test must not leave the worker thread waiting


def in_flight(client: Client, upload: Upload, send: Callable[[Upload, Any], Any]) -> Any:
    """Send `send(upload, http)` from another thread, over the same app and the uploader's
    cookies; await the returned future for its response."""

    async def request() -> Any:
        # Like tests.support.identity.device: the transport stays the test client's to close.
        http = httpx.AsyncClient(
            transport=client._transport, base_url=ORIGIN, cookies=upload.phone.http.cookies
        )
        return await send(upload, http)

    worker = ThreadPoolExecutor(max_workers=1)
    future = asyncio.wrap_future(worker.submit(asyncio.run, request()))
    worker.shutdown(wait=False)
    return future


def draft_save() -> dict[str, Any]:
    return {
        "draftId": str(uuid.uuid4()),
        "procedureCode": "1.001193",
        "fields": {"childName": "An"},
        "baseVersion": None,
    }


async def test_other_citizens_write_while_an_upload_is_checked(
    client: Client, settings: Settings, gate: GatedCheck
) -> None:
    upload = await registered_upload(client, photo(size=(320, 240)))
    async with device(client) as other:
        neighbour = await signed_in_installation(other)
        finishing = in_flight(client, upload, lambda up, http: up.patch(0, up.data, http=http))
        await gate.wait_started()  # the last chunk is committed, its file being checked

        saved = await neighbour.push(neighbour.mutation("draft.save", draft_save()))
        assert saved.status_code == 200, saved.text  # was a 503 after 5.4 s
        assert saved.json()["results"][0]["status"] == "applied"
        second = Upload(neighbour, photo(9))
        assert (await second.register())["status"] == "applied"
        created = await second.create()
        assert created.status_code == 201, created.text  # was a 500 "database is locked"
        sent = await second.patch(0, second.data[:1000])
        assert sent.status_code == 204, sent.text
        # Meanwhile the upload being checked is not reported available.
        assert (await stored_attachment(settings, upload.attachment_id)).status == "pending"

        gate.release()
        finished = await finishing
    assert finished.status_code == 204, finished.text
    assert finished.headers["upload-offset"] == str(len(upload.data))
    assert (await stored_attachment(settings, upload.attachment_id)).status == "available"


async def test_a_head_during_the_check_waits_for_its_outcome(
    client: Client, settings: Settings, gate: GatedCheck, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A client that lost the connection asks HEAD while the first request still checks:
    it gets the full offset only once the file is available, and the photo is checked
    once."""
    waiting = threading.Event()  # set on the app's event loop, in the portal's thread
    takers: list[str] = []
    real_lock = service._finishing_lock

    def spied_lock(upload_id: str) -> asyncio.Lock:
        takers.append(upload_id)
        if len(takers) == 2:  # the HEAD is about to wait for the PATCH's check
            waiting.set()
        return real_lock(upload_id)

    monkeypatch.setattr(service, "_finishing_lock", spied_lock)
    upload = await registered_upload(client, photo())
    finishing = in_flight(client, upload, lambda up, http: up.patch(0, up.data, http=http))
    await gate.wait_started()
    asking = in_flight(client, upload, lambda up, http: up.head(http=http))
    assert await asyncio.to_thread(waiting.wait, WAIT)
    assert not asking.done()
    gate.release()
    assert (await finishing).status_code == 204
    head = await asking
    assert (head.status_code, head.headers["upload-offset"]) == (200, str(len(upload.data)))
    assert (await stored_attachment(settings, upload.attachment_id)).version == 2  # one outcome


async def pending_check(http: Any, monkeypatch: pytest.MonkeyPatch, data: bytes) -> Upload:
    """An upload whose last chunk committed and whose process then died: the check never
    ran (its answer never reached the phone either)."""

    async def died(db: Any, ctx: Any, upload_id: str) -> Any:
        found = await service.repository.find_own_upload(db, upload_id, ctx.principal.account_id)
        assert found is not None
        return found[0]

    with monkeypatch.context() as patched:
        patched.setattr(service, "finish_check", died)
        upload = await registered_upload(http, data)
        assert (await upload.patch(0, upload.data)).status_code == 204
    return upload


async def session_of(settings: Settings, upload: Upload) -> UploadSession | None:
    token = upload.url.rsplit("/", 1)[1]
    result = await database(settings, select(UploadSession).where(UploadSession.id == token))
    found: UploadSession | None = result.scalar_one_or_none()
    return found


async def test_head_finishes_a_check_a_crash_left_pending(
    client: Client, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    upload = await pending_check(client, monkeypatch, photo())
    upload_session = await session_of(settings, upload)
    assert upload_session is not None
    assert upload_session.offset == upload_session.length  # every byte is committed...
    assert (await stored_attachment(settings, upload.attachment_id)).status == "pending"

    head = await upload.head()  # ...but HEAD reports them only once they are checked
    assert (head.status_code, head.headers["upload-offset"]) == (200, str(len(upload.data)))
    attachment = await stored_attachment(settings, upload.attachment_id)
    assert (attachment.status, attachment.version) == ("available", 2)
    assert attachment.stored_sha256 is not None
    assert (await upload.head()).status_code == 200  # and again, without checking again


async def test_head_reports_a_refusal_a_crash_left_pending(
    client: Client, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    upload = await pending_check(client, monkeypatch, photo() + b"<script>x</script>")
    head = await upload.head()
    assert head.status_code == 422  # final for tus clients, never taken as complete
    attachment = await stored_attachment(settings, upload.attachment_id)
    assert (attachment.status, attachment.reject_reason) == ("rejected", "polyglot")
    assert await session_of(settings, upload) is None
    assert (await upload.head()).status_code == 404


async def test_an_empty_patch_at_the_end_finishes_a_pending_check(
    client: Client, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    upload = await pending_check(client, monkeypatch, photo())
    response = await upload.patch(len(upload.data), b"")
    assert response.status_code == 204
    assert (await stored_attachment(settings, upload.attachment_id)).status == "available"


async def test_bytes_lost_in_a_crash_are_asked_for_again(
    client: Client, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The offset committed but the machine went down before the page cache reached the
    disk: the check finds the file short and rewinds, instead of rejecting the attachment."""
    upload = await pending_check(client, monkeypatch, photo())
    upload_session = await session_of(settings, upload)
    assert upload_session is not None
    os.truncate(upload_session.temp_path, 1000)
    head = await upload.head()
    assert (head.status_code, head.headers["upload-offset"]) == (200, "1000")
    assert (await stored_attachment(settings, upload.attachment_id)).status == "pending"
    assert (await upload.patch(1000, upload.data[1000:])).status_code == 204
    assert (await stored_attachment(settings, upload.attachment_id)).status == "available"


async def test_the_housekeeping_job_finishes_pending_checks(
    client: Client, settings: Settings, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with device(client) as first, device(client) as second, device(client) as third:
        good = await pending_check(first, monkeypatch, photo(1))
        bad = await pending_check(second, monkeypatch, photo(2) + b"PK\x03\x04zip")
        receiving = await registered_upload(third, photo(3))
        assert (await receiving.patch(0, receiving.data[:500])).status_code == 204
        await finish_by_job(settings, clock)
        assert (await good.head()).headers["upload-offset"] == str(len(good.data))
    assert (await stored_attachment(settings, good.attachment_id)).status == "available"
    assert (await stored_attachment(settings, bad.attachment_id)).reject_reason == "polyglot"
    assert (await stored_attachment(settings, receiving.attachment_id)).status == "pending"


async def finish_by_job(settings: Settings, clock: FakeClock) -> None:
    engine = create_engine(settings.resolved_database_url)
    try:
        async with session_factory(engine)() as db, db.begin():
            assert await jobs.finish_upload_checks(db, settings, clock.now()) == 2
        async with session_factory(engine)() as db, db.begin():
            assert await jobs.finish_upload_checks(db, settings, clock.now()) == 0
    finally:
        await engine.dispose()


async def test_two_finishers_store_one_outcome(
    client: Client, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two processes (here: two sessions with no shared lock) finish the same pending check:
    one outcome, one change-log entry."""
    upload = await pending_check(client, monkeypatch, photo())
    await upload.phone.pull(cursor=None)  # the phone is up to date: pending
    monkeypatch.setattr(service, "_finishing_lock", lambda upload_id: asyncio.Lock())
    engine = create_engine(settings.resolved_database_url)
    sessions = session_factory(engine)
    blobs = blob_store_for(settings)
    try:
        token = upload.url.rsplit("/", 1)[1]
        account = (await stored_attachment(settings, upload.attachment_id)).account_id
        now = FakeClock().now()

        async def finish() -> Any:
            async with sessions() as db:
                return await service._finish(db, token, account_id=account, now=now, blobs=blobs)

        results = await asyncio.gather(finish(), finish(), return_exceptions=True)
    finally:
        await engine.dispose()
    assert not [r for r in results if isinstance(r, BaseException)], results
    attachment = await stored_attachment(settings, upload.attachment_id)
    assert (attachment.status, attachment.version) == ("available", 2)
    changes = [c for c in (await upload.phone.pull())["changes"] if c["entity"] == "attachment"]
    assert [c["data"]["status"] for c in changes] == ["available"]


async def raw_request(
    client: Client, method: str, path: str, headers: dict[str, bytes], http: Any
) -> tuple[int, dict[str, Any]]:
    """One request handed to the app as a server hands it over: header bytes as they came
    (the test client re-encodes header values as UTF-8, so a lone 0xB2 never arrives)."""
    cookie = "; ".join(f"{name}={value}" for name, value in http.cookies.items())
    raw = [(b"host", b"localhost:8000"), (b"cookie", cookie.encode())]
    raw += [(name.lower().encode(), value) for name, value in headers.items()]
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": raw,
        "client": ("127.0.0.1", 50000),
        "server": ("localhost", 8000),
    }
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"abc", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    async def call() -> None:
        await client.app(scope, receive, send)  # type: ignore[arg-type]

    client.blocking_portal.call(call)
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return sent[0]["status"], json.loads(body) if body else {}


@pytest.mark.parametrize(
    "value",
    ["²".encode("latin-1"), "1³".encode("latin-1"), b"1" * 40, b"-1", b"1e3", b"0x10", b""],
    ids=[
        "superscript-two",
        "superscript-three",
        "forty-digits",
        "negative",
        "float",
        "hex",
        "none",
    ],
)
async def test_header_integers_are_ascii_digits_or_a_400(client: Client, value: bytes) -> None:
    """Headers arrive as Latin-1: `str.isdigit` took "²" (0xB2), then `int()` failed: a 500."""
    upload = Upload(await signed_in_installation(client), photo())
    await upload.register()
    status, problem = await raw_request(
        client, "POST", "/api/v1/uploads", {**TUS_BYTES, "upload-length": value}, client
    )
    assert (status, problem.get("reason")) == (400, "upload_length"), problem
    upload = await registered_upload(client, photo(1))
    headers = {
        **TUS_BYTES,
        "content-type": b"application/offset+octet-stream",
        "upload-offset": value,
    }
    status, problem = await raw_request(client, "PATCH", upload.url, headers, client)
    assert (status, problem.get("reason")) == (400, "upload_offset"), problem


async def test_options_is_documented_as_the_204_without_content_it_is(client: Client) -> None:
    response = await client.options("/api/v1/uploads")
    assert (response.status_code, response.content) == (204, b"")
    document = (await client.get("/api/docs/openapi.json")).json()
    answer = document["paths"]["/api/v1/uploads"]["options"]["responses"]["204"]
    assert "content" not in answer
    assert {"Tus-Version", "Tus-Extension", "Tus-Max-Size"} <= set(answer["headers"])
