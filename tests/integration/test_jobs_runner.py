"""The housekeeping runner: runs each job in a transaction, survives a failing run."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from backend.config import Settings
from backend.core.db import create_engine, session_factory
from backend.core.jobs import Job, run_forever
from tests.conftest import settings_for
from tests.support.identity import FakeClock


class TickingClock(FakeClock):
    """A clock a second further on at every look, so every job is always due again."""

    def now(self) -> dt.datetime:
        self.advance(dt.timedelta(seconds=1))
        return self.current


async def test_a_failing_run_is_retried_and_the_runner_keeps_going(
    database_url: str, tmp_path: Path
) -> None:
    calls: list[dt.datetime] = []
    second_run = asyncio.Event()

    async def flaky(db: AsyncSession, settings: Settings, now: dt.datetime) -> int:
        calls.append(now)
        if len(calls) == 1:
            raise RuntimeError("the first run fails")
        second_run.set()
        return 1

    clock = TickingClock()
    engine = create_engine(database_url)
    job = Job("flaky", "* * * * * *", flaky)  # every second
    runner = asyncio.create_task(
        run_forever([job], session_factory(engine), settings_for(database_url, tmp_path), clock)
    )
    try:
        await asyncio.wait_for(second_run.wait(), timeout=30)
    finally:
        runner.cancel()
        await engine.dispose()
    assert len(calls) >= 2
