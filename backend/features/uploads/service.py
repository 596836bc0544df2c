"""Attachments: registered by a sync mutation, their bytes uploaded with tus 1.0, verified,
cleaned and stored (DESIGN.md §4 "Attachments").

A client registers a file (`attachment.register`: id, sha256, bytes, media type), then uploads
it in chunks it can resume from the offset the server reports. The last chunk triggers the
checks: the whole file's SHA-256 against the declared one, magic bytes and polyglots, then
images are re-encoded without metadata and the result stored content-addressed. The
attachment becomes `available`, or `rejected` with a reason; either way the owner's clients
hear of it through the change log.

The checks take seconds for a big scan, so they run with no transaction open: a chunk and
its offset commit first (transaction 1), the whole file is checked and stored (no
transaction: no database lock is held, other citizens' writes go on), then the outcome and
its change-log entry commit (transaction 2). An upload is therefore in one of these states:

  receiving      offset < length                        PATCH appends, HEAD tells the offset
  check pending  offset == length, attachment pending   every byte is committed, no outcome
                                                        is: the check is running, or the
                                                        process died before transaction 2
  available      offset == length, attachment available HEAD tells the full offset
  rejected       no session, attachment rejected        HEAD is a 404; the reason came with
                                                        the last PATCH's 422 and the log

A check pending is finished by whoever next asks: the next HEAD or PATCH of the upload (so
HEAD never reports the full offset of a file that is not available: tus clients take that
as success) or the `finish-upload-checks` job. Finishing is idempotent: the outcome is
claimed with a conditional UPDATE on the still pending attachment, so two finishers (a retry
racing the first request, two processes) store one outcome; within a process a second
finisher waits for the first instead of decoding the same photo twice.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import datetime as dt
import hashlib
import re
import secrets
import weakref
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend.config import Settings
from backend.core.auth import Principal
from backend.core.errors import Conflict, DomainError, NotFound, Refused, TransientFailure
from backend.core.mutations import MutationContext, mutation
from backend.core.text import text_problem
from backend.features.sync import changelog
from backend.features.uploads import repository
from backend.features.uploads.blobs import BlobStore
from backend.features.uploads.images import UnreadableImage, reencode
from backend.features.uploads.inspect import PDF, inspect_file
from backend.models import Attachment, Draft, UploadSession
from sync.messages import UUID_PATTERN, AttachmentRegister
from sync.records import AttachmentRecord

MAX_BYTES = 10_000_000
MEDIA_TYPES = ("image/jpeg", "image/png", "image/webp", "application/pdf")
CHUNK_BYTES = 1_000_000
UPLOAD_LIFETIME = dt.timedelta(hours=24)
CHECKSUM_ALGORITHMS = ("sha256",)
# A tus length or offset: ASCII digits only (str.isdigit also takes "²" and "٣"), and no
# more of them than any file we could take needs.
_HEADER_INTEGER = re.compile(r"[0-9]{1,15}")
UUID = re.compile(UUID_PATTERN.strip("^$"))


class UploadNotFound(NotFound):
    problem_type = "upload-not-found"


class UploadExpired(DomainError):
    problem_type = "upload-expired"


class OffsetMismatch(Conflict):
    problem_type = "upload-offset-mismatch"


class ChecksumMismatch(DomainError):
    problem_type = "upload-checksum-mismatch"


class UploadInvalid(DomainError):
    """A malformed tus request (missing or bad header); `reason` says which."""

    problem_type = "upload-invalid"


class UploadTooLarge(DomainError):
    problem_type = "upload-too-large"


class AttachmentNotPending(Conflict):
    problem_type = "attachment-not-pending"


class UploadRefused(DomainError):
    """The finished file failed a check: the attachment is now `rejected` (kept)."""

    problem_type = "upload-refused"
    keeps_changes = True


@dataclass(frozen=True)
class UploadContext:
    settings: Settings
    principal: Principal
    now: dt.datetime
    blobs: BlobStore
    temp_dir: Path


def attachment_data(attachment: Attachment) -> AttachmentRecord:
    """The attachment as its owner's phones hold it: where its upload stands."""
    return AttachmentRecord(
        id=attachment.id,
        status=attachment.status,
        slot_key=attachment.slot_key,
        sha256=attachment.sha256,
        bytes=attachment.bytes,
        media_type=attachment.media_type,
        draft_id=attachment.draft_id or None,
        dossier_id=attachment.dossier_id or None,
        reject_reason=attachment.reject_reason or None,
    )


async def _log(db: AsyncSession, attachment: Attachment, now: dt.datetime) -> None:
    await db.flush()
    await changelog.append(
        db,
        [
            changelog.PendingChange(
                changelog.account_scope(attachment.account_id),
                "attachment",
                attachment.id,
                "put",
                attachment_data(attachment),
                attachment.version,
            )
        ],
        now,
    )


@mutation("attachment.register")
async def register_attachment(
    db: AsyncSession, ctx: MutationContext, args: AttachmentRegister
) -> dict[str, Any]:
    """Announce a file the client will upload: a pending attachment owned by the pusher.
    Refused when over the size limit or of a type we do not take; idempotent per id."""
    account_id = ctx.principal.account_id
    existing = await repository.find_own_attachment(db, args.attachment_id, account_id)
    if existing is not None:
        return {"status": existing.status}
    if await db.get(Attachment, args.attachment_id) is not None:  # someone else's id
        raise NotFound()
    if args.draft_id is not None:
        draft = await db.get(Draft, args.draft_id)
        if draft is not None and draft.account_id != account_id:
            raise NotFound()
    if args.media_type not in MEDIA_TYPES:
        raise Refused(reason="unsupported_type", mediaTypes=",".join(MEDIA_TYPES))
    if args.bytes > MAX_BYTES:
        raise Refused(reason="too_large", limit=MAX_BYTES)
    attachment = Attachment(
        id=args.attachment_id,
        account_id=account_id,
        draft_id=args.draft_id,
        slot_key=args.slot_key,
        sha256=args.sha256,
        bytes=args.bytes,
        media_type=args.media_type,
        status="pending",
        reject_reason=None,
        stored_sha256=None,
        stored_bytes=None,
        version=1,
        capture={},
        created_at=ctx.now,
        available_at=None,
    )
    db.add(attachment)
    await _log(db, attachment, ctx.now)
    return {"status": attachment.status}


async def snapshot(db: AsyncSession, account_id: str) -> list[Attachment]:
    """Every attachment of the account, for a client starting from no cursor."""
    return await repository.attachments_of(db, account_id)


# ---------------------------------------------------------------------------------------------
# tus: creation, status, chunks, termination, expiration


def parse_metadata(header: str | None) -> dict[str, str]:
    """`Upload-Metadata`: comma-separated `key base64value` pairs (a value may be absent).
    Headers do not pass the JSON edge, so their values meet the text policy here."""
    metadata: dict[str, str] = {}
    for pair in (header or "").split(","):
        pair = pair.strip()
        if not pair:
            continue
        key, _, encoded = pair.partition(" ")
        try:
            value = base64.b64decode(encoded.strip(), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            raise UploadInvalid(reason="metadata") from None
        if text_problem(value) is not None:
            raise UploadInvalid(reason="metadata")
        metadata[key] = value
    return metadata


def parse_length(value: str | None, reason: str) -> int:
    """A tus header integer (`Upload-Length`, `Upload-Offset`); anything else is a 400."""
    if value is None or not _HEADER_INTEGER.fullmatch(value):
        raise UploadInvalid(reason=reason)
    return int(value)


def _remove(path: str) -> None:
    Path(path).unlink(missing_ok=True)


async def create_upload(
    db: AsyncSession, ctx: UploadContext, *, length: int, metadata: dict[str, str]
) -> UploadSession:
    """Start an upload of a registered, still pending attachment of the caller; its length
    must be the registered size. A new upload replaces the attachment's earlier ones."""
    if length > MAX_BYTES:
        raise UploadTooLarge(limit=MAX_BYTES)
    attachment_id = metadata.get("attachmentId")
    if not attachment_id or not UUID.fullmatch(attachment_id):
        raise UploadInvalid(reason="attachment_id")
    attachment = await repository.find_own_attachment(db, attachment_id, ctx.principal.account_id)
    if attachment is None:
        raise NotFound()
    if attachment.status != "pending":
        raise AttachmentNotPending(status=attachment.status)
    if length != attachment.bytes:
        raise UploadInvalid(reason="length_mismatch", declared=attachment.bytes)
    for earlier in await repository.uploads_of(db, attachment.id):
        await asyncio.to_thread(_remove, earlier.temp_path)
        await db.delete(earlier)
    token = secrets.token_urlsafe(32)
    temp_path = ctx.temp_dir / token
    await asyncio.to_thread(_create_empty, temp_path)
    upload = UploadSession(
        id=token,
        attachment_id=attachment.id,
        length=length,
        offset=0,
        temp_path=str(temp_path),
        created_at=ctx.now,
        expires_at=ctx.now + UPLOAD_LIFETIME,
    )
    db.add(upload)
    await db.flush()
    return upload


def _create_empty(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600)


async def get_upload(
    db: AsyncSession, ctx: UploadContext, upload_id: str, *, for_update: bool = False
) -> tuple[UploadSession, Attachment]:
    """The caller's live upload; another account's does not exist, an expired one is gone."""
    found = await repository.find_own_upload(
        db, upload_id, ctx.principal.account_id, for_update=for_update
    )
    if found is None:
        raise UploadNotFound()
    if found[0].expires_at <= ctx.now:
        raise UploadExpired()
    return found


def check_chunk_checksum(header: str | None, chunk: bytes) -> None:
    """`Upload-Checksum: sha256 <base64 digest>` of this chunk, when the client sent one."""
    if header is None:
        return
    algorithm, _, encoded = header.strip().partition(" ")
    if algorithm.lower() not in CHECKSUM_ALGORITHMS:
        raise UploadInvalid(reason="checksum_algorithm")
    try:
        expected = base64.b64decode(encoded.strip(), validate=True)
    except binascii.Error:
        raise UploadInvalid(reason="checksum") from None
    if hashlib.sha256(chunk).digest() != expected:
        raise ChecksumMismatch()


def _write_at(path: str, offset: int, chunk: bytes) -> None:
    # Overwrite from `offset` and cut what follows: bytes left by a write whose transaction
    # did not commit must not survive.
    with open(path, "r+b") as file:
        file.seek(offset)
        file.write(chunk)
        file.truncate()


Sessions = async_sessionmaker[AsyncSession]


@asynccontextmanager
async def _database_busy_is_transient() -> AsyncIterator[None]:
    """A database that stays locked or drops the connection: a 503 the client retries."""
    try:
        yield
    except DBAPIError as exc:
        text = str(exc.orig or exc).lower()
        if exc.connection_invalidated or any(
            word in text for word in ("locked", "busy", "deadlock", "serialize", "connection")
        ):
            raise TransientFailure(retry_after=2) from exc
        raise


async def append_chunk(
    sessions: Sessions,
    ctx: UploadContext,
    upload_id: str,
    *,
    offset: int,
    chunk: bytes,
    checksum: str | None,
) -> UploadSession:
    """Write the chunk at `offset` (which must be the upload's offset) and commit it; the
    last one then has the file checked, outside any transaction (see the module doc), and
    makes the attachment available or rejected. An empty chunk at the end of a complete
    upload whose check is pending finishes that check."""
    async with _database_busy_is_transient(), sessions() as db:
        async with db.begin():
            upload, attachment = await get_upload(db, ctx, upload_id, for_update=True)
            if offset != upload.offset:
                raise OffsetMismatch(offset=upload.offset)
            if offset + len(chunk) > upload.length:
                raise UploadInvalid(reason="beyond_length", length=upload.length)
            check_chunk_checksum(checksum, chunk)
            if chunk:
                await _claim_and_write(db, upload, offset, chunk)
        if upload.offset < upload.length or attachment.status != "pending":
            return upload
        return await finish_check(db, ctx, upload.id)


async def _claim_and_write(
    db: AsyncSession, upload: UploadSession, offset: int, chunk: bytes
) -> None:
    # Claim the offset first: the row stays locked until commit, so two writers of the same
    # upload cannot both write at this offset. The bytes are written before the commit, so
    # a committed offset has its bytes in the file (a power cut may still lose them from the
    # page cache: the check then finds the file short and rewinds).
    claimed = await db.execute(
        update(UploadSession)
        .where(UploadSession.id == upload.id, UploadSession.offset == offset)
        .values(offset=offset + len(chunk))
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        raise OffsetMismatch(offset=upload.offset)
    await asyncio.to_thread(_write_at, upload.temp_path, offset, chunk)
    await db.refresh(upload)


async def upload_offset(sessions: Sessions, ctx: UploadContext, upload_id: str) -> UploadSession:
    """The upload as HEAD reports it. A complete upload whose check is pending is finished
    first, so a full offset always means the file is available."""
    async with _database_busy_is_transient(), sessions() as db:
        async with db.begin():
            upload, attachment = await get_upload(db, ctx, upload_id)
        if upload.offset < upload.length or attachment.status != "pending":
            return upload
        return await finish_check(db, ctx, upload.id)


@dataclass(frozen=True)
class Verified:
    stored: bytes
    capture: dict[str, Any]


def verify_content(data: bytes, attachment: Attachment) -> Verified | str:
    """The cleaned bytes to store, or the reason they are refused (CPU-bound: run in a thread)."""
    if hashlib.sha256(data).hexdigest() != attachment.sha256:
        return "checksum_mismatch"
    return clean_content(data, attachment.media_type)


def clean_content(data: bytes, media_type: str) -> Verified | str:
    """`data` checked against its declared `media_type` (magic bytes, polyglots, active
    content) and, for an image, decoded and saved again without metadata: the bytes to store,
    or the reason they are refused. CPU-bound: run in a thread."""
    inspection = inspect_file(data, media_type)
    if inspection.refusal is not None:
        return inspection.refusal
    if media_type == PDF:
        return Verified(data, {})
    try:
        image = reencode(data, media_type)
    except UnreadableImage:
        return "malformed"
    return Verified(image.data, {"width": image.width, "height": image.height})


# One lock per upload being finished in this process (gone with its last holder).
_FINISHING: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()


def _finishing_lock(upload_id: str) -> asyncio.Lock:
    lock = _FINISHING.get(upload_id)
    if lock is None:
        lock = _FINISHING[upload_id] = asyncio.Lock()
    return lock


def is_being_finished(upload_id: str) -> bool:
    lock = _FINISHING.get(upload_id)
    return lock is not None and lock.locked()


async def finish_check(db: AsyncSession, ctx: UploadContext, upload_id: str) -> UploadSession:
    """Check a complete upload's file and commit the outcome (see the module doc). `db`
    must have no transaction open: none is while the file is read, checked and stored.
    Raises UploadRefused when the file fails a check."""
    return await _finish(
        db,
        upload_id,
        account_id=ctx.principal.account_id,
        now=ctx.now,
        blobs=ctx.blobs,
    )


async def _finish(
    db: AsyncSession, upload_id: str, *, account_id: str, now: dt.datetime, blobs: BlobStore
) -> UploadSession:
    async with _finishing_lock(upload_id):
        db.expunge_all()  # read the rows as they are now, not as this session last saw them
        async with db.begin():  # what is there to finish, now that we hold the lock
            found = await repository.find_own_upload(db, upload_id, account_id)
        if found is None:
            raise UploadNotFound()  # rejected, replaced or terminated meanwhile
        upload, attachment = found
        if attachment.status != "pending" or upload.offset < upload.length:
            return upload  # someone finished it while we waited
        seen_version = attachment.version
        try:
            data = await asyncio.to_thread(Path(upload.temp_path).read_bytes)
        except FileNotFoundError:
            raise UploadNotFound() from None  # a new upload of the attachment replaced it
        if len(data) < upload.length:  # the bytes did not survive a crash: send them again
            async with db.begin():
                await _rewind(db, upload, len(data))
            return upload
        outcome = await asyncio.to_thread(verify_content, data, attachment)
        del data
        stored_sha256 = None
        if not isinstance(outcome, str):
            stored_sha256 = await asyncio.to_thread(blobs.put, outcome.stored)
        async with db.begin():
            if not await _claim_outcome(db, attachment, seen_version):
                return upload  # another process stored its outcome first
            await db.refresh(attachment)
            if isinstance(outcome, str):
                attachment.status = "rejected"
                attachment.reject_reason = outcome
                await db.delete(upload)
            else:
                attachment.status = "available"
                attachment.stored_sha256 = stored_sha256
                attachment.stored_bytes = len(outcome.stored)
                attachment.capture = outcome.capture
                attachment.available_at = now
            await _log(db, attachment, now)
    # The finished session stays until it expires, so a client that lost the last answer
    # asks HEAD and learns the upload is complete; its partial file is no longer needed.
    await asyncio.to_thread(_remove, upload.temp_path)
    if isinstance(outcome, str):
        raise UploadRefused(reason=outcome)
    return upload


async def _claim_outcome(db: AsyncSession, attachment: Attachment, seen_version: int) -> bool:
    """Take the right to store the outcome: the attachment must still be pending at the
    version we checked (single use, like a token)."""
    claimed = await db.execute(
        update(Attachment)
        .where(
            Attachment.id == attachment.id,
            Attachment.status == "pending",
            Attachment.version == seen_version,
        )
        .values(version=seen_version + 1)
        .execution_options(synchronize_session=False)
    )
    return bool(claimed.rowcount == 1)  # type: ignore[attr-defined]


async def _rewind(db: AsyncSession, upload: UploadSession, offset: int) -> None:
    await db.execute(
        update(UploadSession)
        .where(UploadSession.id == upload.id)
        .values(offset=offset)
        .execution_options(synchronize_session=False)
    )
    await db.refresh(upload)


async def finish_pending_checks(sessions: Sessions, blobs: BlobStore, now: dt.datetime) -> int:
    """Finish the checks a crash left pending (complete uploads of pending attachments);
    each in its own short transactions, none held while checking. Uploads being finished
    in this process are left to their request. Returns how many were finished."""
    async with sessions() as db:
        async with db.begin():
            pending = await repository.complete_uploads_of_pending_attachments(db, now)
        finished = 0
        for upload, attachment in pending:
            if is_being_finished(upload.id):
                continue
            # Refused or gone meanwhile: an outcome all the same.
            with suppress(UploadRefused, UploadNotFound):
                await _finish(db, upload.id, account_id=attachment.account_id, now=now, blobs=blobs)
            finished += 1
    return finished


async def terminate_upload(db: AsyncSession, ctx: UploadContext, upload_id: str) -> None:
    """Abandon an upload: its partial file and session go; the attachment stays pending."""
    upload, _ = await get_upload(db, ctx, upload_id, for_update=True)
    await db.delete(upload)
    await db.flush()
    await asyncio.to_thread(_remove, upload.temp_path)


async def expire_uploads(db: AsyncSession, now: dt.datetime) -> int:
    """Remove uploads past their expiry (abandoned or finished) and their partial files.
    A job; the caller commits. Returns how many went."""
    expired = await repository.expired_uploads(db, now)
    for upload in expired:
        await asyncio.to_thread(_remove, upload.temp_path)
        await db.delete(upload)
    await db.flush()
    return len(expired)
