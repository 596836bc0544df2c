"""The change log that pulls read, and the scopes that decide who reads what.

Use cases append their changes as the last act of their transaction. The counter row is
updated then (`UPDATE ... RETURNING`), so on PostgreSQL it stays locked until commit: a later
transaction cannot take a seq before an earlier one commits, and seq order is commit order. On
SQLite the single writer gives the same. A reader therefore never sees seq n+1 without n.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from backend.core.auth import Principal
from backend.models import ChangeLogEntry, SyncCounter, SyncEpoch

CHANGE_SEQ = "change_seq"
OLDEST_SEQ = "oldest_seq"


@dataclass(frozen=True)
class PendingChange:
    scope: str
    entity: str
    entity_id: str
    op: Literal["put", "remove"]
    data: dict[str, Any] | None
    version: int


def account_scope(account_id: str) -> str:
    """The scope of what belongs to one account (its drafts, dossiers, inbox)."""
    return f"account:{account_id}"


def scopes_for(principal: Principal) -> list[str]:
    """The change-log scopes a principal's clients receive, computed from the account and its
    roles (the client never names its scope). Staff scopes arrive with the features that
    need them (agency queues, field and postal tasks)."""
    return [account_scope(principal.account_id)]


def scope_description(principal: Principal) -> list[str]:
    """What the cursor's scope hash covers: the scopes and the roles behind them, so that an
    officer reassigned to another agency starts again from a clean copy."""
    roles = [
        f"role:{grant.role}:{grant.agency_code or grant.postal_unit or ''}"
        for grant in principal.roles
    ]
    return scopes_for(principal) + sorted(roles)


async def append(db: AsyncSession, changes: list[PendingChange], now: dt.datetime) -> None:
    """Give `changes` the next seqs and log them. Call last in the transaction."""
    if not changes:
        return
    last = (
        await db.execute(
            update(SyncCounter)
            .where(SyncCounter.name == CHANGE_SEQ)
            .values(value=SyncCounter.value + len(changes))
            .returning(SyncCounter.value)
        )
    ).scalar_one()
    first = last - len(changes) + 1
    db.add_all(
        ChangeLogEntry(
            seq=first + index,
            scope=change.scope,
            entity=change.entity,
            entity_id=change.entity_id,
            op=change.op,
            data=change.data,
            version=change.version,
            created_at=now,
        )
        for index, change in enumerate(changes)
    )
    await db.flush()


async def changes_after(
    db: AsyncSession, scopes: list[str], seq: int, limit: int
) -> list[ChangeLogEntry]:
    query = (
        select(ChangeLogEntry)
        .where(ChangeLogEntry.scope.in_(scopes), ChangeLogEntry.seq > seq)
        .order_by(ChangeLogEntry.seq)
        .limit(limit)
    )
    return list((await db.execute(query)).scalars())


async def counter(db: AsyncSession, name: str) -> int:
    query = select(SyncCounter.value).where(SyncCounter.name == name)
    return int((await db.execute(query)).scalar_one())


async def epoch(db: AsyncSession) -> str:
    query = select(SyncEpoch.epoch).order_by(SyncEpoch.id.desc()).limit(1)
    return str((await db.execute(query)).scalar_one())


async def prune(db: AsyncSession, older_than: dt.datetime) -> int:
    """Drop changes (tombstones included) logged before `older_than`; cursors from before the
    oldest kept change must then reset. Returns how many were dropped."""
    newest_dropped = (
        await db.execute(
            select(func.max(ChangeLogEntry.seq)).where(ChangeLogEntry.created_at < older_than)
        )
    ).scalar_one()
    if newest_dropped is None:
        return 0
    result = await db.execute(delete(ChangeLogEntry).where(ChangeLogEntry.seq <= newest_dropped))
    await db.execute(
        update(SyncCounter).where(SyncCounter.name == OLDEST_SEQ).values(value=newest_dropped + 1)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]
