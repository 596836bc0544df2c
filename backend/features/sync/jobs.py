"""Sync housekeeping: tombstones and changes older than the retention window are dropped
(clients with older cursors reset), and expired WebAuthn ceremonies are removed."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.ext.asyncio import AsyncSession

from backend.config import Settings
from backend.core.jobs import Job
from backend.features.identity.repository import delete_ceremonies_before
from backend.features.sync import changelog

RETENTION = dt.timedelta(days=30)


async def prune_change_log(db: AsyncSession, settings: Settings, now: dt.datetime) -> int:
    return await changelog.prune(db, older_than=now - RETENTION)


async def remove_expired_ceremonies(db: AsyncSession, settings: Settings, now: dt.datetime) -> int:
    return await delete_ceremonies_before(db, now)


JOBS = [
    # Hourly, at a minute no other job starts on.
    Job("prune-change-log", "7 * * * *", prune_change_log),
    Job("remove-expired-ceremonies", "*/15 * * * *", remove_expired_ceremonies),
]
