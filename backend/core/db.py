"""Database engine and the per-request transaction.

SQLite is the embedded default (WAL, foreign keys, busy timeout); PostgreSQL is reached through
`MOTCUA_DATABASE_URL` with asyncpg. Use cases never commit: the request (or job) that called
them commits once at the end, or rolls everything back on an error.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import msgspec
from litestar.datastructures import State
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from backend.core.errors import DomainError

# How long a writer waits for SQLite's one write lock before "database is locked". SQLite's
# busy handler polls (sleeps of up to 100 ms) rather than queueing, so under load a writer
# can lose the lock to newcomers for seconds while every holder keeps it for milliseconds:
# 16 citizens uploading and submitting at once (bench/upload_load.py) saw waits past 5 s
# and answered 503s at 5000 ms, none at this value (slowest request about 9 s).
# Transactions stay deferred: pysqlite begins one at its first write, so a read never has
# to upgrade to a write, and BEGIN IMMEDIATE everywhere would make reads queue for the
# write lock too.
SQLITE_BUSY_TIMEOUT_MS = 30_000
# JSON columns hold forms and fee lists: msgspec reads and writes them several times faster.
JSON_CODEC: dict[str, Any] = {
    "json_serializer": lambda value: msgspec.json.encode(value).decode(),
    "json_deserializer": msgspec.json.decode,
}


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def create_engine(url: str, *, echo: bool = False) -> AsyncEngine:
    """An async engine for `url`; creates the SQLite file's folder when needed."""
    if is_sqlite(url):
        database = make_url(url).database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(url, echo=echo, **JSON_CODEC)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    return create_async_engine(url, echo=echo, pool_pre_ping=True, **JSON_CODEC)


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


async def provide_db(state: State) -> AsyncIterator[AsyncSession]:
    """One transaction per request: commit when the handler returns, roll back when it raises."""
    factory: async_sessionmaker[AsyncSession] = state.db_sessions
    async with factory() as session:
        try:
            yield session
        except DomainError as error:
            if error.keeps_changes:
                await session.commit()
            else:
                await session.rollback()
            raise
        except BaseException:
            await session.rollback()
            raise
        else:
            await session.commit()
