"""Housekeeping jobs, defined once (`Job`: a name, a cron schedule, a function) and run in one
of two ways (docs/decisions/0017):

- inside the app process (`run_forever`), the embedded default: no Redis, one process;
- by the job workers, `python -m backend worker`, from the SAQ queue on Redis
  (backend/core/queue.py), once `MOTCUA_JOBS=queue`; the app processes then run none.

Each run is one transaction (`run_once`); a failing run is logged and the job runs again at
its next time, never taking its process down. Schedules are cron expressions in the
province's time zone (`Settings.timezone`); a sixth field counts seconds.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Protocol
from zoneinfo import ZoneInfo

from croniter import croniter
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend.config import ConfigurationError, Settings
from backend.core.clock import Clock

log = logging.getLogger("motcua.jobs")
JobFunction = Callable[[AsyncSession, Settings, dt.datetime], Awaitable[int]]
# The in-process runner looks at the clock at least this often, so a clock that jumps (a
# suspended laptop, a test's clock) is noticed.
LONGEST_NAP = dt.timedelta(minutes=1)


@dataclass(frozen=True)
class Job:
    """One housekeeping job: `run` (the rows it handled) at every time `cron` names."""

    name: str
    cron: str
    run: JobFunction


class RunLog(Protocol):
    """Where runs are written down, when somewhere is (Redis, once configured)."""

    async def ran(self, job: str, scheduled: dt.datetime, handled: int) -> None: ...


def schedule_of(job: Job, settings: Settings) -> str:
    """The job's cron expression: its own, or the one `MOTCUA_JOB_SCHEDULES` gives it."""
    return dict(settings.job_schedules).get(job.name, job.cron)


def check_schedules(jobs: Sequence[Job], settings: Settings) -> None:
    """Refuse `MOTCUA_JOB_SCHEDULES` entries naming no job (a typo would go unnoticed)."""
    known = {job.name for job in jobs}
    unknown = sorted({name for name, _ in settings.job_schedules} - known)
    if unknown:
        raise ConfigurationError(
            f"MOTCUA_JOB_SCHEDULES names no such job: {', '.join(unknown)} "
            f"(jobs: {', '.join(sorted(known))})"
        )


def next_time(cron: str, after: dt.datetime, timezone: str) -> dt.datetime:
    """The first time after `after` that `cron` names, read in `timezone`; in UTC."""
    local = after.astimezone(ZoneInfo(timezone))
    found: dt.datetime = croniter(cron, local).get_next(dt.datetime)
    return found.astimezone(dt.UTC)


def next_run(job: Job, settings: Settings, after: dt.datetime) -> dt.datetime:
    """When `job` runs next after `after`, by its schedule."""
    return next_time(schedule_of(job, settings), after, settings.timezone)


async def run_once(
    job: Job, sessions: async_sessionmaker[AsyncSession], settings: Settings, clock: Clock
) -> int:
    """Run a job in its own transaction; what it reports (rows handled)."""
    async with sessions() as db, db.begin():
        return await job.run(db, settings, clock.now())


async def run_forever(
    jobs: Sequence[Job],
    sessions: async_sessionmaker[AsyncSession],
    settings: Settings,
    clock: Clock,
    *,
    runs: RunLog | None = None,
) -> None:
    """Run every job at the times its schedule names until cancelled (the app's shutdown).
    A time missed while the process was busy or asleep is run once, late, not caught up."""
    check_schedules(jobs, settings)
    started = clock.now()
    due = {job.name: next_run(job, settings, started) for job in jobs}
    while True:
        for job in jobs:
            scheduled = due[job.name]
            if clock.now() < scheduled:
                continue
            try:
                handled = await run_once(job, sessions, settings, clock)
                if handled:
                    log.info("%s: %d", job.name, handled)
                if runs is not None:
                    await runs.ran(job.name, scheduled, handled)
            except Exception:  # a job must never take the app down; it runs again later
                log.exception("job %s failed", job.name)
            due[job.name] = next_run(job, settings, clock.now())
        nap = min(min(due.values()) - clock.now(), LONGEST_NAP)
        await asyncio.sleep(max(nap.total_seconds(), 0.0))
