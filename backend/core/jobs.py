"""Periodic jobs inside the app process (the embedded default; at scale the same functions
run in worker processes). Each run is one transaction; a failing run is logged and retried
at the next tick, never taking the app down."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend.config import Settings
from backend.core.clock import Clock

log = logging.getLogger("motcua.jobs")
JobFunction = Callable[[AsyncSession, Settings, dt.datetime], Awaitable[int]]


@dataclass(frozen=True)
class Job:
    name: str
    every: dt.timedelta
    run: JobFunction


async def run_once(
    job: Job, sessions: async_sessionmaker[AsyncSession], settings: Settings, clock: Clock
) -> int:
    """Run a job in its own transaction; what it reports (rows handled)."""
    async with sessions() as db, db.begin():
        return await job.run(db, settings, clock.now())


async def run_forever(
    jobs: list[Job], sessions: async_sessionmaker[AsyncSession], settings: Settings, clock: Clock
) -> None:
    """Run every job at its interval until cancelled (the app's shutdown)."""
    due = {job.name: clock.now() for job in jobs}
    while True:
        for job in jobs:
            if clock.now() < due[job.name]:
                continue
            try:
                handled = await run_once(job, sessions, settings, clock)
                if handled:
                    log.info("%s: %d", job.name, handled)
            except Exception:  # a job must never take the app down; it runs again later
                log.exception("job %s failed", job.name)
            due[job.name] = clock.now() + job.every
        await asyncio.sleep(min(job.every for job in jobs).total_seconds() / 4)
