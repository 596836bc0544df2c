"""The audit trail: one row per identity or authorization event, written in the same
transaction as the change it records."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from backend.models import AuditEvent


def record(
    db: AsyncSession,
    action: str,
    *,
    at: dt.datetime,
    actor_id: str | None = None,
    subject_id: str | None = None,
    ip: str | None = None,
    **detail: Any,
) -> None:
    db.add(
        AuditEvent(
            at=at, action=action, actor_id=actor_id, subject_id=subject_id, ip=ip, detail=detail
        )
    )
