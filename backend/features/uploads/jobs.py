"""Uploads housekeeping: abandoned (and finished) upload sessions past their expiry go,
with their partial files."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.ext.asyncio import AsyncSession

from backend.config import Settings
from backend.core.jobs import Job
from backend.features.uploads.service import expire_uploads


async def remove_expired_uploads(db: AsyncSession, settings: Settings, now: dt.datetime) -> int:
    return await expire_uploads(db, now)


JOBS = [Job("expire-uploads", dt.timedelta(minutes=30), remove_expired_uploads)]
