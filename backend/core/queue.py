"""The job queue at scale: SAQ on Redis (docs/decisions/0017). `python -m backend worker`
runs the housekeeping jobs (`backend.core.jobs.Job`, the same definitions the app runs in
process by default) as SAQ cron jobs; the app processes then run none.

Several job workers may run, on several hosts. SAQ gives each cron job one key
(`cron:<job name>`), so while a time's run is waiting or running no worker enqueues another,
and a queued run is taken by one worker only. A worker that computed the next time just before
another finished that time's run could still enqueue it once more; so each run first claims its
(job, time) in Redis (SET NX), and a second run of the same time does nothing. A run that fails
or is cancelled gives its claim back. The job's own next time comes around as usual.

Every run is written down in Redis (`RedisRunLog`, the last `RUNS_KEPT` of each job, for a
week): which time, who ran it, what it handled. The app's in-process runner writes there too
when Redis is configured with `MOTCUA_JOBS=app`.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import socket
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import msgspec
from redis.asyncio import Redis
from saq import CronJob, Queue, Worker
from saq.types import Context
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend.config import Settings
from backend.core.clock import Clock, SystemClock
from backend.core.db import create_engine, session_factory
from backend.core.jobs import Job, check_schedules, run_once, schedule_of

log = logging.getLogger("motcua.queue")
QUEUE = "motcua"
PREFIX = "motcua:jobs:"
# A run that takes longer is cancelled by SAQ (its default is 10 s, too short for pruning a
# month of change log or checking a backlog of uploads).
RUN_TIMEOUT = 600
# Runs at once in one worker; housekeeping jobs are few and mostly wait on the database.
CONCURRENCY = 4
CLAIM_KEPT = dt.timedelta(days=1)
RUNS_KEPT = 200
RUN_LOG_KEPT = dt.timedelta(days=7)
_MS = dt.timedelta(milliseconds=1)


def redis_client(url: str) -> Redis:
    """A client (and its connection pool) for `MOTCUA_REDIS_URL`; connects on first use."""
    client: Redis = Redis.from_url(url)
    return client


class JobRun(msgspec.Struct, frozen=True):
    """One run of a job, as the run log keeps it."""

    scheduled: dt.datetime
    by: str
    handled: int
    finished: dt.datetime


class RedisRunLog:
    """Claims of (job, time) and the runs of each job, in Redis."""

    def __init__(self, redis: Redis, runner: str, *, clock: Clock | None = None) -> None:
        self.redis = redis
        self.runner = runner
        self.clock = clock or SystemClock()

    @staticmethod
    def _claim_key(job: str, scheduled: dt.datetime) -> str:
        return f"{PREFIX}claim:{job}:{int(scheduled.timestamp())}"

    async def claim(self, job: str, scheduled: dt.datetime) -> bool:
        """Take the run of `job` at `scheduled`; False when another run has it."""
        key = self._claim_key(job, scheduled)
        return bool(await self.redis.set(key, self.runner, nx=True, px=CLAIM_KEPT // _MS))

    async def release(self, job: str, scheduled: dt.datetime) -> None:
        """Give a claim back (the run failed), so a retry of that time may run."""
        await self.redis.delete(self._claim_key(job, scheduled))

    async def ran(self, job: str, scheduled: dt.datetime, handled: int) -> None:
        run = JobRun(
            scheduled=scheduled, by=self.runner, handled=handled, finished=self.clock.now()
        )
        key = f"{PREFIX}runs:{job}"
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.rpush(key, msgspec.json.encode(run))
            pipe.ltrim(key, -RUNS_KEPT, -1)
            pipe.pexpire(key, RUN_LOG_KEPT // _MS)
            await pipe.execute()

    async def runs(self, job: str) -> list[JobRun]:
        """The runs of `job` kept, oldest first."""
        found: Awaitable[list[bytes]] = self.redis.lrange(f"{PREFIX}runs:{job}", 0, -1)  # type: ignore[assignment]
        return [msgspec.json.decode(raw, type=JobRun) for raw in await found]


def runner_name(kind: str) -> str:
    """Who runs: `worker@host:pid`, `app@host:pid`."""
    return f"{kind}@{socket.gethostname()}:{os.getpid()}"


@dataclass(frozen=True)
class Running:
    sessions: async_sessionmaker[AsyncSession]
    settings: Settings
    clock: Clock
    runs: RedisRunLog


def task_of(job: Job, running: Running) -> Callable[[Context], Awaitable[int]]:
    """The SAQ function of a job: claim its time, run it in its transaction, write it down."""

    async def run(ctx: Context) -> int:
        queued = ctx.get("job")
        scheduled = (
            dt.datetime.fromtimestamp(queued.scheduled, dt.UTC)
            if queued is not None and queued.scheduled
            else running.clock.now()
        )
        if not await running.runs.claim(job.name, scheduled):
            log.info("%s at %s: already run", job.name, scheduled.isoformat())
            return 0
        try:
            handled = await run_once(job, running.sessions, running.settings, running.clock)
        except BaseException:
            await asyncio.shield(running.runs.release(job.name, scheduled))
            raise
        log.info("%s at %s: %d handled", job.name, scheduled.isoformat(), handled)
        await running.runs.ran(job.name, scheduled, handled)
        return handled

    # SAQ knows a function, and a cron job's key, by its qualified name.
    run.__qualname__ = run.__name__ = job.name
    return run


def cron_jobs(jobs: Sequence[Job], running: Running) -> list[CronJob[Context]]:
    return [
        CronJob(
            task_of(job, running),
            cron=schedule_of(job, running.settings),
            unique=True,
            timeout=RUN_TIMEOUT,
            retries=1,  # a failed run is not repeated: the job's next time comes soon enough
        )
        for job in jobs
    ]


async def run_worker(settings: Settings, jobs: Sequence[Job]) -> None:
    """A job worker: run `jobs` from the queue until SIGINT or SIGTERM."""
    check_schedules(jobs, settings)
    engine = create_engine(settings.resolved_database_url)
    redis = redis_client(settings.redis_url)
    runner = runner_name("worker")
    running = Running(session_factory(engine), settings, SystemClock(), RedisRunLog(redis, runner))
    queue = Queue.from_url(settings.redis_url, name=QUEUE)

    async def announce(ctx: Context) -> None:
        names = ", ".join(job.name for job in jobs)
        print(f"MotCua job worker {runner} on queue {QUEUE}: {names}", flush=True)

    worker = Worker(
        queue,
        functions=[],
        cron_jobs=cron_jobs(jobs, running),
        cron_tz=ZoneInfo(settings.timezone),
        concurrency=CONCURRENCY,
        startup=announce,
        id=runner,
    )
    try:
        await queue.connect()
        await worker.start()
    finally:
        await queue.disconnect()
        await redis.aclose()
        await engine.dispose()
