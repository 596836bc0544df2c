"""Attachments (photos and scans a client registers, then uploads) and their upload sessions."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy import BigInteger, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.models.base import Base, JSONValue, UTCDateTime

if TYPE_CHECKING:
    from backend.models.dossiers import Dossier

AttachmentStatus = Literal["pending", "available", "rejected"]


class Attachment(Base):
    """A file announced by `attachment.register` (id chosen by the client). Its bytes arrive
    by a resumable upload; once they verify it is stored, re-encoded, as a content-addressed
    blob (`stored_sha256`)."""

    __tablename__ = "attachment"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("account.id"), index=True)
    # The draft it belongs to; the draft may not have reached the server yet, so no key.
    draft_id: Mapped[str | None] = mapped_column(String(36), index=True)
    # The dossier it was submitted with; an attachment serves one dossier only.
    dossier_id: Mapped[str | None] = mapped_column(ForeignKey("dossier.id"), index=True)
    # Never loaded (`dossier_id` is what code reads); declared so that a flush writes a new
    # dossier before the documents bound to it in the same transaction.
    dossier: Mapped[Dossier | None] = relationship(lazy="raise")
    slot_key: Mapped[str] = mapped_column(String(64))
    sha256: Mapped[str] = mapped_column(String(64))
    bytes: Mapped[int] = mapped_column(BigInteger)
    media_type: Mapped[str] = mapped_column(String(127))
    status: Mapped[AttachmentStatus] = mapped_column(String(16))
    reject_reason: Mapped[str | None] = mapped_column(String(64))
    stored_sha256: Mapped[str | None] = mapped_column(String(64))
    stored_bytes: Mapped[int | None] = mapped_column(BigInteger)
    version: Mapped[int] = mapped_column(Integer)
    capture: Mapped[dict[str, Any]] = mapped_column(JSONValue)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    available_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class UploadSession(Base):
    """One tus upload of an attachment's bytes: where the partial file is and how far it got.
    The id is the unguessable token in the upload URL."""

    __tablename__ = "upload_session"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    attachment_id: Mapped[str] = mapped_column(
        ForeignKey("attachment.id", ondelete="CASCADE"), index=True
    )
    length: Mapped[int] = mapped_column(BigInteger)
    offset: Mapped[int] = mapped_column(BigInteger)
    temp_path: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
