"""A dossier's files, for the people who may read them: the documents handed in with it and
its result document.

Staff read them when they may read the dossier (`access`: their agency holds or has held
it, they lead an agency that does, or it waits at their step); the owner reads their own
dossier's documents, and its result once issued. To anyone else the file does not exist:
every refusal is the same 404, whether the dossier, the file or the right to see it is
missing.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.core.auth import Principal
from backend.core.errors import NotFound
from backend.features.dossiers import access, results
from backend.models import Attachment, DossierResult


@dataclass(frozen=True)
class StoredFile:
    """A blob to serve, with its type, size and the name to show."""

    sha256: str
    media_type: str
    bytes: int
    file_name: str


def document_href(dossier_id: str, attachment_id: str, *, staff: bool) -> str:
    base = "/api/v1/work/dossiers" if staff else "/api/v1/dossiers"
    return f"{base}/{dossier_id}/documents/{attachment_id}"


def document_name(attachment: Attachment) -> str:
    """Attachments keep no name of their own: their slot and a piece of their id."""
    extension = results.EXTENSIONS.get(attachment.media_type, "bin")
    return f"{attachment.slot_key}-{attachment.id[:8]}.{extension}"


async def available_documents(db: AsyncSession, dossier_id: str) -> list[Attachment]:
    """The documents bound to the dossier that can be read, by slot, oldest first (the caller
    found the dossier through `access`)."""
    query = (
        select(Attachment)
        .where(
            Attachment.dossier_id == dossier_id,
            Attachment.status == "available",
            Attachment.stored_sha256.is_not(None),
        )
        .order_by(Attachment.slot_key, Attachment.created_at, Attachment.id)
    )
    return list((await db.execute(query)).scalars())


async def _document(db: AsyncSession, dossier_id: str, attachment_id: str) -> StoredFile:
    query = select(Attachment).where(
        Attachment.id == attachment_id,
        Attachment.dossier_id == dossier_id,
        Attachment.status == "available",
    )
    attachment = (await db.execute(query)).scalar_one_or_none()
    if attachment is None or attachment.stored_sha256 is None:
        raise NotFound()
    return StoredFile(
        attachment.stored_sha256,
        attachment.media_type,
        attachment.stored_bytes or 0,
        document_name(attachment),
    )


def _result_file(result: DossierResult | None) -> StoredFile:
    if result is None:
        raise NotFound()
    return StoredFile(result.stored_sha256, result.media_type, result.bytes, result.file_name)


async def staff_document(
    db: AsyncSession, principal: Principal, dossier_id: str, attachment_id: str
) -> StoredFile:
    """A document of a dossier the person may read."""
    await access.get_readable(db, principal, dossier_id)
    return await _document(db, dossier_id, attachment_id)


async def owner_document(
    db: AsyncSession, principal: Principal, dossier_id: str, attachment_id: str
) -> StoredFile:
    """A document of the person's own dossier."""
    await access.get_owned(db, principal, dossier_id)
    return await _document(db, dossier_id, attachment_id)


async def staff_result(db: AsyncSession, principal: Principal, dossier_id: str) -> StoredFile:
    """The result document of a dossier the person may read: the approver sees what they
    attached, the return desk what it hands over, leaders what their agencies hold."""
    await access.get_readable(db, principal, dossier_id)
    return _result_file(await results.find_result(db, dossier_id))


async def owner_result(db: AsyncSession, principal: Principal, dossier_id: str) -> StoredFile:
    """The result document of the person's own dossier, once issued by its approval."""
    await access.get_owned(db, principal, dossier_id)
    result = await results.find_result(db, dossier_id)
    return _result_file(result if result is not None and result.issued_at else None)
