"""Uploads housekeeping: checks a crash left pending are finished, and abandoned (and
finished) upload sessions past their expiry go, with their partial files."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from backend.config import Settings
from backend.core.db import session_factory
from backend.core.jobs import Job
from backend.features.uploads.blobs import blob_store_for
from backend.features.uploads.service import expire_uploads, finish_pending_checks


async def remove_expired_uploads(db: AsyncSession, settings: Settings, now: dt.datetime) -> int:
    return await expire_uploads(db, now)


async def finish_upload_checks(db: AsyncSession, settings: Settings, now: dt.datetime) -> int:
    """Checks run in short transactions of their own (none open while a file is decoded),
    so this job leaves the transaction it was given unused."""
    engine = db.bind
    assert isinstance(engine, AsyncEngine)
    return await finish_pending_checks(session_factory(engine), blob_store_for(settings), now)


JOBS = [
    Job("finish-upload-checks", "*/5 * * * *", finish_upload_checks),
    Job("expire-uploads", "*/30 * * * *", remove_expired_uploads),
]
