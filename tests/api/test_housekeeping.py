"""Housekeeping jobs: expired ceremonies removed, old changes pruned (cursors then reset)."""

from __future__ import annotations

import datetime as dt
import uuid

from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select

from backend.config import Settings
from backend.core.db import create_engine, session_factory
from backend.core.jobs import run_once
from backend.features.sync.jobs import JOBS, RETENTION
from backend.models import WebAuthnCeremony
from tests.api.test_sync import save, signed_in_installation
from tests.support.identity import FakeClock

Client = AsyncTestClient[Litestar]
JOB = {job.name: job for job in JOBS}


async def run(settings: Settings, clock: FakeClock, name: str) -> int:
    engine = create_engine(settings.resolved_database_url)
    try:
        return await run_once(JOB[name], session_factory(engine), settings, clock)
    finally:
        await engine.dispose()


async def ceremonies(settings: Settings) -> int:
    engine = create_engine(settings.resolved_database_url)
    try:
        async with session_factory(engine)() as db:
            return int((await db.execute(select(func.count(WebAuthnCeremony.id)))).scalar_one())
    finally:
        await engine.dispose()


async def test_expired_ceremonies_are_removed(
    client: Client, settings: Settings, clock: FakeClock
) -> None:
    for _ in range(3):
        await client.post("/api/v1/auth/sign-in/options", json={})
    assert await ceremonies(settings) == 3
    assert await run(settings, clock, "remove-expired-ceremonies") == 0  # still usable
    clock.advance(dt.timedelta(minutes=6))
    assert await run(settings, clock, "remove-expired-ceremonies") == 3
    assert await ceremonies(settings) == 0


async def test_changes_past_retention_are_pruned_and_old_cursors_reset(
    client: Client, settings: Settings, clock: FakeClock
) -> None:
    phone = await signed_in_installation(client)
    await phone.pull()
    await phone.push(phone.mutation("draft.save", save(str(uuid.uuid4()), {"a": 1})))
    assert await run(settings, clock, "prune-change-log") == 0
    # The job runs a retention window later (the phone, meanwhile, stays signed in).
    later = FakeClock(clock.now() + RETENTION + dt.timedelta(minutes=1))
    assert await run(settings, later, "prune-change-log") == 1
    assert (await phone.pull())["resetRequired"] == "expired"
