"""Attachment and upload-session queries; each takes the acting account, so another account's
attachment or upload simply does not exist for it."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.models import Attachment, UploadSession


async def find_own_attachment(
    db: AsyncSession, attachment_id: str, account_id: str
) -> Attachment | None:
    query = select(Attachment).where(
        Attachment.id == attachment_id, Attachment.account_id == account_id
    )
    return (await db.execute(query)).scalar_one_or_none()


async def attachments_of(db: AsyncSession, account_id: str) -> list[Attachment]:
    query = (
        select(Attachment)
        .where(Attachment.account_id == account_id)
        .order_by(Attachment.created_at, Attachment.id)
    )
    return list((await db.execute(query)).scalars())


async def find_own_upload(
    db: AsyncSession, upload_id: str, account_id: str, *, for_update: bool = False
) -> tuple[UploadSession, Attachment] | None:
    query = (
        select(UploadSession, Attachment)
        .join(Attachment, Attachment.id == UploadSession.attachment_id)
        .where(UploadSession.id == upload_id, Attachment.account_id == account_id)
    )
    if for_update:
        query = query.with_for_update(of=UploadSession)
    row = (await db.execute(query)).one_or_none()
    return (row[0], row[1]) if row else None


async def uploads_of(db: AsyncSession, attachment_id: str) -> list[UploadSession]:
    query = select(UploadSession).where(UploadSession.attachment_id == attachment_id)
    return list((await db.execute(query)).scalars())


async def expired_uploads(db: AsyncSession, now: dt.datetime) -> list[UploadSession]:
    query = select(UploadSession).where(UploadSession.expires_at <= now)
    return list((await db.execute(query)).scalars())


async def complete_uploads_of_pending_attachments(
    db: AsyncSession, now: dt.datetime
) -> list[tuple[UploadSession, Attachment]]:
    """Live uploads holding every byte whose attachment has no outcome yet: checks a crash
    left pending (or running right now). For the housekeeping job, across accounts."""
    query = (
        select(UploadSession, Attachment)
        .join(Attachment, Attachment.id == UploadSession.attachment_id)
        .where(
            UploadSession.offset == UploadSession.length,
            UploadSession.expires_at > now,
            Attachment.status == "pending",
        )
        .order_by(UploadSession.created_at)
    )
    return [(row[0], row[1]) for row in await db.execute(query)]
