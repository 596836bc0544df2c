"""The citizen's in-app inbox: notifications made in the same transaction as the change they
announce, and synced to the phone like other records, so they are readable offline. The
sending channels (Web Push, Zalo, SMS) deliver from this table in a later feature."""

from __future__ import annotations

import datetime as dt

import msgspec
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.core.ids import uuid7
from backend.features.notifications.templates import TEMPLATES, render
from backend.features.sync import changelog
from backend.models import Notification
from sync.records import NotificationContent, NotificationRecord


def notification_data(notification: Notification) -> NotificationRecord:
    """The notice as the account's phones hold it, in both languages."""
    return NotificationRecord(
        id=notification.id,
        dossier_id=notification.dossier_id,
        template=notification.template,
        content=msgspec.convert(notification.content, NotificationContent),
        created_at=notification.created_at.isoformat(),
        read_at=notification.read_at.isoformat() if notification.read_at else None,
    )


async def notify(
    db: AsyncSession,
    account_id: str,
    template: str,
    params: dict[str, str],
    now: dt.datetime,
    *,
    dossier_id: str | None = None,
) -> changelog.PendingChange:
    """Put a notification in the account's inbox; returns the change that syncs it (the
    caller appends it with its own changes, last in the transaction).

    The inbox is the only channel so far. Web Push (VAPID), Zalo ZNS and SMS are not built
    yet: their senders will read this row as the transactional outbox after commit (DESIGN
    §9) with the citizen's preferences; nothing here pretends to send them."""
    notification = Notification(
        id=uuid7(now),
        account_id=account_id,
        dossier_id=dossier_id,
        template=template,
        template_version=TEMPLATES[template].version,
        params=params,
        content=render(template, params),
        created_at=now,
        read_at=None,
        version=1,
    )
    db.add(notification)
    return changelog.PendingChange(
        changelog.account_scope(account_id),
        "notification",
        notification.id,
        "put",
        notification_data(notification),
        notification.version,
    )


async def snapshot(db: AsyncSession, account_id: str) -> list[Notification]:
    """The account's inbox, for a client starting from no cursor."""
    query = (
        select(Notification)
        .where(Notification.account_id == account_id)
        .order_by(Notification.created_at)
    )
    return list((await db.execute(query)).scalars())
