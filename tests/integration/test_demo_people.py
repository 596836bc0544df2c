"""Demo people: a citizen and staff for every role, enrolled from printed one-time links."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import func, select

from backend.core.auth import ROLES
from backend.core.db import create_engine, session_factory
from backend.features.identity import repository
from backend.features.identity.demo import seed_demo_people
from backend.features.identity.service import Context
from backend.models import Account
from tests.conftest import settings_for


async def test_demo_people_cover_every_role_and_get_fresh_links(
    database_url: str, tmp_path: Path
) -> None:
    settings = settings_for(database_url, tmp_path)
    engine = create_engine(database_url)
    sessions = session_factory(engine)
    try:
        ctx = Context(settings=settings, now=dt.datetime.now(dt.UTC))
        async with sessions() as db, db.begin():
            first = await seed_demo_people(db, ctx)
        async with sessions() as db, db.begin():
            second = await seed_demo_people(db, ctx)
        async with sessions() as db:
            count = (await db.execute(select(func.count(Account.id)))).scalar_one()
            staff = (await db.execute(select(Account).where(Account.kind == "staff"))).scalars()
            roles = {g.role for a in staff for g, _ in await repository.role_grants(db, a.id)}
    finally:
        await engine.dispose()
    assert count == 8  # one citizen and seven staff, created once
    assert roles == set(ROLES)
    assert len(first) == len(second) == 8  # no passkeys yet: a link for everyone, each run
    assert {name for name, _ in first} == {name for name, _ in second}
    assert all("/enroll#token=" in url for _, url in first)
    assert {url for _, url in first}.isdisjoint(url for _, url in second)
