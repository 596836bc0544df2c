"""The job workers' side of a run (backend/core/queue.py): each scheduled time of a job is
claimed once in Redis, so two workers handed the same time run it once; a run that fails gives
its claim back, so a retry of that time may run; every run is written down."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import pytest
from redis.asyncio import Redis
from saq.types import Context
from sqlalchemy.ext.asyncio import AsyncSession

from backend.config import Settings
from backend.core.db import create_engine, session_factory
from backend.core.jobs import Job
from backend.core.queue import RedisRunLog, Running, task_of
from tests.conftest import settings_for
from tests.support.identity import FakeClock

pytestmark = pytest.mark.scale
AT = dt.datetime(2026, 12, 4, 8, 30, tzinfo=dt.UTC)


@dataclass
class Queued:
    """What SAQ hands a function as ctx["job"]: here, only the time it was scheduled for."""

    scheduled: int


@pytest.fixture
async def running(database_url: str, tmp_path: Path, redis_url: str) -> AsyncIterator[Running]:
    engine = create_engine(database_url)
    redis = Redis.from_url(redis_url)
    try:
        yield Running(
            session_factory(engine),
            settings_for(database_url, tmp_path),
            FakeClock(AT),
            RedisRunLog(redis, "worker@test:1", clock=FakeClock(AT)),
        )
    finally:
        await redis.aclose()
        await engine.dispose()


def handed(scheduled: dt.datetime) -> Context:
    return cast(Context, {"job": Queued(int(scheduled.timestamp()))})


async def test_two_workers_handed_the_same_time_run_it_once(running: Running) -> None:
    calls: list[dt.datetime] = []
    both_started = asyncio.Barrier(2)

    async def count(db: AsyncSession, settings: Settings, now: dt.datetime) -> int:
        calls.append(now)
        return 1

    job = Job("probe", "*/5 * * * *", count)
    first, second = task_of(job, running), task_of(job, running)

    async def worker(task: Any) -> int:
        await both_started.wait()
        return int(await task(handed(AT)))

    assert sorted(await asyncio.gather(worker(first), worker(second))) == [0, 1]
    assert len(calls) == 1
    # The next time is a time of its own.
    assert await first(handed(AT + dt.timedelta(minutes=5))) == 1
    runs = await running.runs.runs("probe")
    assert [(run.scheduled, run.by, run.handled) for run in runs] == [
        (AT, "worker@test:1", 1),
        (AT + dt.timedelta(minutes=5), "worker@test:1", 1),
    ]


async def test_a_failed_run_gives_its_time_back(running: Running) -> None:
    outcomes = iter([RuntimeError("the database went away"), 3])

    async def flaky(db: AsyncSession, settings: Settings, now: dt.datetime) -> int:
        outcome = next(outcomes)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    task = task_of(Job("flaky", "*/5 * * * *", flaky), running)
    with pytest.raises(RuntimeError):
        await task(handed(AT))
    assert await running.runs.runs("flaky") == []  # not written down: it did not run
    assert await task(handed(AT)) == 3  # SAQ's retry of the same time
    assert [run.handled for run in await running.runs.runs("flaky")] == [3]
