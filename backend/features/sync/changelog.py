"""The change log that pulls read, and the scopes that decide who reads what.

Use cases append their changes as the last act of their transaction. The counter row is
updated then (`UPDATE ... RETURNING`), so on PostgreSQL it stays locked until commit: a later
transaction cannot take a seq before an earlier one commits, and seq order is commit order. On
SQLite the single writer gives the same. A reader therefore never sees seq n+1 without n.
Every push mutation appends, so this is written in Core, and on PostgreSQL the counter update
and the log insert are one statement.

A change's record is logged as plain JSON (`msgspec.to_builtins` of its struct), so a pull
reads it back as the very JSON to send, and sends it without decoding it into a struct again
(`logged_change`).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import msgspec
from sqlalchemy import (
    Insert,
    Row,
    Table,
    bindparam,
    delete,
    func,
    insert,
    select,
    union_all,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from backend.core.auth import Principal
from backend.models import ChangeLogEntry, SyncCounter, SyncEpoch
from sync.messages import CHANGE_TYPES, RECORD_TYPES, Change
from sync.records import SyncedRecord

CHANGE_SEQ = "change_seq"
OLDEST_SEQ = "oldest_seq"

_COUNTERS: Table = SyncCounter.__table__  # type: ignore[assignment]
_LOG: Table = ChangeLogEntry.__table__  # type: ignore[assignment]
_COLUMNS = ("scope", "entity", "entity_id", "op", "data", "version", "created_at")
_TAKE_SEQS = (
    update(_COUNTERS)
    .where(_COUNTERS.c.name == CHANGE_SEQ)
    .values(value=_COUNTERS.c.value + bindparam("count"))
    .returning(_COUNTERS.c.value)
)
_LOG_CHANGES = insert(_LOG)


@dataclass(frozen=True)
class PendingChange:
    """A change a use case logs for one scope: the entity's record (``put``) or nothing
    (``remove``). The record is one of the protocol's (`sync.records`), the one of its entity;
    anything else is refused here, in the use case, rather than on some phone later."""

    scope: str
    entity: str
    entity_id: str
    op: Literal["put", "remove"]
    data: SyncedRecord | None
    version: int

    def __post_init__(self) -> None:
        kind = RECORD_TYPES.get(self.entity)
        if kind is None:
            raise ValueError(f"{self.entity!r} is not an entity of the sync protocol")
        if (self.op == "remove") != (self.data is None) or (
            self.data is not None and type(self.data) is not kind
        ):
            raise TypeError(f"a {self.op} of a {self.entity} carries {type(self.data).__name__}")

    def to_change(self) -> Change:
        """The change as a pull sends it."""
        make: Callable[..., Change] = CHANGE_TYPES[self.entity]
        return make(id=self.entity_id, op=self.op, data=self.data, version=self.version)


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
    if db.new or db.dirty or db.deleted:
        await db.flush()  # the use case's own writes first: taking the seqs stays the last act
    rows = [
        {
            "scope": change.scope,
            "entity": change.entity,
            "entity_id": change.entity_id,
            "op": change.op,
            "data": None if change.data is None else msgspec.to_builtins(change.data),
            "version": change.version,
            "created_at": now,
        }
        for change in changes
    ]
    if db.get_bind().dialect.name == "postgresql":
        params = {
            f"{key}_{index}": value for index, row in enumerate(rows) for key, value in row.items()
        }
        await db.execute(_take_seqs_and_log(len(rows)), params)
        return
    last = (await db.execute(_TAKE_SEQS, {"count": len(rows)})).scalar_one()
    for index, row in enumerate(rows):
        row["seq"] = last - len(rows) + 1 + index
    await db.execute(_LOG_CHANGES, rows if len(rows) > 1 else rows[0])


@functools.cache
def _take_seqs_and_log(count: int) -> Insert:
    """PostgreSQL: `WITH taken AS (UPDATE sync_counter ... RETURNING value) INSERT INTO
    change_log SELECT ... FROM taken` for `count` changes, one round trip instead of two."""
    taken = (
        update(_COUNTERS)
        .where(_COUNTERS.c.name == CHANGE_SEQ)
        .values(value=_COUNTERS.c.value + count)
        .returning(_COUNTERS.c.value.label("last"))
        .cte("taken")
    )
    rows = [
        select(
            taken.c.last - (count - 1 - index),
            *(bindparam(f"{key}_{index}", type_=_LOG.c[key].type) for key in _COLUMNS),
        )
        for index in range(count)
    ]
    return (
        insert(_LOG)
        .from_select(["seq", *_COLUMNS], union_all(*rows) if count > 1 else rows[0])
        .add_cte(taken)
    )


def logged_change(entity: str, entity_id: str, op: str, data: Any, version: int) -> Change:
    """A logged change as a pull sends it. Its record stays the JSON the log holds: the server
    logged it from the entity's struct, and msgspec encodes the dict as it did the struct, so
    a pull of thousands of changes decodes none of them."""
    make: Callable[..., Change] = CHANGE_TYPES[entity]
    return make(id=entity_id, op=op, data=data, version=version)


async def changes_after(
    db: AsyncSession, scopes: list[str], seq: int, limit: int
) -> list[Row[tuple[int, str, str, str, dict[str, Any] | None, int]]]:
    """Up to `limit` changes of `scopes` after `seq`, in seq order, as plain rows (seq,
    entity, entity_id, op, data, version): a pull reads thousands, so no ORM objects."""
    log = ChangeLogEntry.__table__.c
    query = (
        select(log.seq, log.entity, log.entity_id, log.op, log.data, log.version)
        .where(log.scope.in_(scopes), log.seq > seq)
        .order_by(log.seq)
        .limit(limit)
    )
    return list((await db.execute(query)).all())


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
