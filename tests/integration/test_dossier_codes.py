"""Dossier codes stay unique when many dossiers are received at once: the agency's counter
row for the day is incremented in the receiving transaction (and on PostgreSQL stays locked
until it commits), so no two desks ever give the same number."""

from __future__ import annotations

import asyncio
import datetime as dt
import re

from sqlalchemy import select

from backend.config import Settings
from backend.core.db import create_engine, session_factory
from backend.features.dossiers.handling import next_code
from backend.models import Agency

DAY = dt.date(2026, 11, 23)
RECEIPTS = 30


async def test_codes_received_at_once_are_unique_and_consecutive(settings: Settings) -> None:
    engine = create_engine(settings.resolved_database_url)
    sessions = session_factory(engine)
    try:
        async with sessions() as db:
            agency = (
                await db.execute(select(Agency).where(Agency.code == "000.00.01.H19"))
            ).scalar_one()
            other = (
                await db.execute(select(Agency).where(Agency.code == "000.00.05.H19"))
            ).scalar_one()

        async def receive(at: Agency) -> str:
            async with sessions() as db, db.begin():
                return await next_code(db, at, DAY)

        codes = await asyncio.gather(
            *(receive(agency) for _ in range(RECEIPTS)), receive(other), receive(other)
        )
    finally:
        await engine.dispose()
    ours = sorted(code for code in codes if code.startswith(agency.code))
    assert ours == [f"000.00.01.H19-261123-{n:04d}" for n in range(1, RECEIPTS + 1)]
    theirs = sorted(code for code in codes if code.startswith(other.code))
    assert theirs == ["000.00.05.H19-261123-0001", "000.00.05.H19-261123-0002"]
    assert all(re.fullmatch(r"[0-9A-Z.]+-\d{6}-\d{4}", code) for code in codes)
