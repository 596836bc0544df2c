"""Sync bookkeeping: installations, the mutations they pushed, and the commit-ordered change
log that pulls read. See DESIGN.md §4 and docs/decisions/0006."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from backend.models.base import Base, JSONValue, UTCDateTime


class SyncClient(Base):
    """One installation of the app, bound to the account that registered it."""

    __tablename__ = "sync_client"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("account.id"), index=True)
    last_mutation_id: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class SyncMutation(Base):
    """The outcome of each pushed mutation, so a retried push gets the same answer."""

    __tablename__ = "sync_mutation"

    client_id: Mapped[str] = mapped_column(ForeignKey("sync_client.id"), primary_key=True)
    mutation_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    status: Mapped[Literal["applied", "rejected"]] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(String(64))
    result: Mapped[dict[str, Any]] = mapped_column(JSONValue)
    client_time: Mapped[str | None] = mapped_column(String(64))
    applied_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class ChangeLogEntry(Base):
    """A change a scope's clients must pull. `seq` comes from the counter row, taken as the
    last act of the writing transaction, so seq order is commit order."""

    __tablename__ = "change_log"
    __table_args__ = (Index("ix_change_log_scope_seq", "scope", "seq"),)

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    scope: Mapped[str] = mapped_column(String(80))
    entity: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[str] = mapped_column(String(36))
    op: Mapped[Literal["put", "remove"]] = mapped_column(String(8))
    data: Mapped[dict[str, Any] | None] = mapped_column(JSONValue)
    version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)


class SyncCounter(Base):
    """Named counters: `change_seq` (the change log's last seq) and `oldest_seq` (changes at
    or before it were pruned: older cursors must reset). `epoch` lives in `SyncEpoch`."""

    __tablename__ = "sync_counter"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger)


class SyncEpoch(Base):
    """The database's identity for cursors: rotated when a backup is restored."""

    __tablename__ = "sync_epoch"

    id: Mapped[int] = mapped_column(primary_key=True)
    epoch: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
