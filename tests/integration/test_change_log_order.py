"""The change log's seq follows commit order, so a pull never skips a change that commits
late. On PostgreSQL this is the counter row held until commit; SQLite has one writer."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend.core.auth import Principal
from backend.core.db import create_engine, is_sqlite, session_factory
from backend.features.sync import changelog, service
from backend.models import Account, SyncClient
from sync import PROTOCOL_VERSION
from sync.messages import PullRequest, PullResponse, decode, encode
from sync.records import DraftRecord
from tests.conftest import settings_for
from tests.support.identity import FakeClock

NOW = dt.datetime(2026, 11, 22, 3, 0, tzinfo=dt.UTC)


async def make_citizen(sessions: async_sessionmaker[AsyncSession]) -> tuple[Principal, str]:
    account_id, client_id = str(uuid.uuid4()), str(uuid.uuid4())
    async with sessions() as db, db.begin():
        db.add(
            Account(
                id=account_id,
                kind="citizen",
                full_name="Test",
                phone="0900000999",
                email=None,
                cccd=None,
                user_handle=uuid.uuid4().hex,
                created_at=NOW,
                disabled_at=None,
            )
        )
        await db.flush()
        db.add(
            SyncClient(
                id=client_id,
                account_id=account_id,
                last_mutation_id=0,
                created_at=NOW,
                last_seen_at=NOW,
            )
        )
    return Principal(account_id, "citizen", (), "session"), client_id


def change(account_id: str, n: int) -> changelog.PendingChange:
    draft_id = f"{n:08d}-0000-4000-8000-000000000000"
    record = DraftRecord(
        id=draft_id,
        procedure_code="1.001193",
        variant_key=None,
        fields={"n": n},
        version=1,
        updated_at=NOW.isoformat(),
    )
    return changelog.PendingChange(
        changelog.account_scope(account_id), "draft", draft_id, "put", record, 1
    )


class Puller:
    """A client pulling in a loop, remembering every change it received and every page."""

    def __init__(
        self, ctx: service.SyncContext, sessions: async_sessionmaker[AsyncSession], client_id: str
    ) -> None:
        self.ctx, self.sessions, self.client_id = ctx, sessions, client_id
        self.cursor: str | None = None
        self.received: list[int] = []

    async def pull(self) -> None:
        async with self.sessions() as db:
            if self.cursor is None:  # start from the (empty) snapshot, like a new phone
                page = await service.pull(
                    db,
                    self.ctx,
                    PullRequest(
                        client_id=self.client_id, protocol_version=PROTOCOL_VERSION, cursor=None
                    ),
                )
                self.cursor = page.cursor
                return
            while True:
                page = await service.pull(
                    db,
                    self.ctx,
                    PullRequest(
                        client_id=self.client_id,
                        protocol_version=PROTOCOL_VERSION,
                        cursor=self.cursor,
                        limit=3,
                    ),
                )
                assert page.reset_required is None
                page = decode(encode(page), PullResponse)  # as the client reads it
                self.received += [
                    c.data.fields["n"] for c in page.changes if isinstance(c.data, DraftRecord)
                ]
                self.cursor = page.cursor
                if not page.has_more:
                    return


async def waiting_for_a_lock(sessions: async_sessionmaker[AsyncSession]) -> None:
    """Until some backend of this database waits on a lock (checked, not slept on)."""
    async with sessions() as db:
        while True:
            waiting = (
                await db.execute(
                    text(
                        "SELECT count(*) FROM pg_stat_activity "
                        "WHERE datname = current_database() AND wait_event_type = 'Lock'"
                    )
                )
            ).scalar_one()
            if waiting:
                return
            await db.rollback()
            await asyncio.sleep(0)  # yield to the writers between checks


async def test_a_late_commit_is_not_skipped(database_url: str, tmp_path: Path) -> None:
    if is_sqlite(database_url):
        pytest.skip("SQLite has one writer: transactions cannot commit out of order")
    engine = create_engine(database_url)
    sessions = session_factory(engine)
    try:
        principal, client_id = await make_citizen(sessions)
        ctx = service.SyncContext(settings_for(database_url, tmp_path), FakeClock(NOW), principal)
        puller = Puller(ctx, sessions, client_id)
        await puller.pull()

        first = sessions()
        await first.begin()
        await changelog.append(first, [change(principal.account_id, 1)], NOW)  # takes seq n+1

        async def second_writer() -> None:
            async with sessions() as db, db.begin():
                await changelog.append(db, [change(principal.account_id, 2)], NOW)

        second = asyncio.create_task(second_writer())
        # Either the second writer waits for the first (seq order = commit order), or — with
        # a seq taken from a sequence — it commits first, and the pull below would move the
        # cursor past the first writer's seq.
        blocked = asyncio.create_task(waiting_for_a_lock(sessions))
        await asyncio.wait({second, blocked}, return_when=asyncio.FIRST_COMPLETED)
        blocked.cancel()
        await puller.pull()
        assert puller.received in ([], [2])

        await first.commit()
        await first.close()
        await second
        await puller.pull()
        assert puller.received == [1, 2]
    finally:
        await engine.dispose()


async def test_many_concurrent_writers_and_a_puller_see_every_change_once(
    database_url: str, tmp_path: Path
) -> None:
    engine = create_engine(database_url)
    sessions = session_factory(engine)
    try:
        principal, client_id = await make_citizen(sessions)
        ctx = service.SyncContext(settings_for(database_url, tmp_path), FakeClock(NOW), principal)
        puller = Puller(ctx, sessions, client_id)
        await puller.pull()
        start = asyncio.Event()
        writers_done = asyncio.Event()

        async def writer(n: int) -> None:
            await start.wait()
            async with sessions() as db, db.begin():
                await changelog.append(db, [change(principal.account_id, n)], NOW)

        async def keep_pulling() -> None:
            while not writers_done.is_set():
                await puller.pull()
            await puller.pull()

        tasks = [asyncio.create_task(writer(n)) for n in range(1, 31)]
        pulling = asyncio.create_task(keep_pulling())
        start.set()
        await asyncio.gather(*tasks)
        writers_done.set()
        await pulling
        assert sorted(puller.received) == list(range(1, 31))
        assert len(puller.received) == 30  # none twice, none skipped
    finally:
        await engine.dispose()
