"""Shared fixtures: a database built by the real Alembic migrations and seeded once per test
run (a template), then copied fresh for every test — on SQLite by default, on PostgreSQL when
`MOTCUA_TEST_POSTGRES_URL` names a server (the `tests_postgres` nox session sets it).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import text
from sqlalchemy.engine import make_url

from backend.__main__ import seed_demo
from backend.app import create_app
from backend.config import Settings
from backend.core.db import create_engine
from backend.core.migrations import upgrade
from tests.support.identity import FakeClock

pytest_plugins = ["tests.support.identities"]

POSTGRES_URL = os.environ.get("MOTCUA_TEST_POSTGRES_URL", "")
TEST_SECRET = "test-secret-" + "x" * 40


def pytest_report_header() -> str:
    return f"database: {'PostgreSQL ' + POSTGRES_URL if POSTGRES_URL else 'SQLite'}"


async def _postgres_admin(sql: str) -> None:
    engine = create_engine(POSTGRES_URL).execution_options(isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            await connection.execute(text(sql))
    finally:
        await engine.dispose()


def _postgres_url(database: str) -> str:
    return make_url(POSTGRES_URL).set(database=database).render_as_string(hide_password=False)


class TemplateDatabase:
    """A migrated, seeded database that each test gets its own copy of."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.name = f"motcua_tpl_{uuid.uuid4().hex[:10]}"
        self.sqlite_path = root / "template.db"

    @property
    def url(self) -> str:
        if POSTGRES_URL:
            return _postgres_url(self.name)
        return f"sqlite+aiosqlite:///{self.sqlite_path}"

    def build(self) -> None:
        if POSTGRES_URL:
            asyncio.run(_postgres_admin(f'CREATE DATABASE "{self.name}"'))
        upgrade(self.url)
        asyncio.run(seed_demo(settings_for(self.url, self.root)))

    def copy(self, workdir: Path) -> str:
        if POSTGRES_URL:
            name = f"motcua_t_{uuid.uuid4().hex[:12]}"
            asyncio.run(_postgres_admin(f'CREATE DATABASE "{name}" TEMPLATE "{self.name}"'))
            return _postgres_url(name)
        target = workdir / "motcua.db"
        shutil.copyfile(self.sqlite_path, target)
        return f"sqlite+aiosqlite:///{target}"

    def drop(self, url: str) -> None:
        if POSTGRES_URL:
            name = make_url(url).database
            asyncio.run(_postgres_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def settings_for(url: str, var_dir: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "mode": "development",
        "database_url": url,
        "secret_key": TEST_SECRET,
        "var_dir": var_dir,
        "pwa_dir": var_dir / "no-pwa",
        "background_jobs": False,  # the jobs' functions are tested directly
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def template_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TemplateDatabase]:
    template = TemplateDatabase(tmp_path_factory.mktemp("template"))
    template.build()
    yield template
    if POSTGRES_URL:
        asyncio.run(_postgres_admin(f'DROP DATABASE IF EXISTS "{template.name}" WITH (FORCE)'))


@pytest.fixture
def database_url(template_database: TemplateDatabase, tmp_path: Path) -> Iterator[str]:
    """A fresh copy of the seeded database for this test."""
    url = template_database.copy(tmp_path)
    yield url
    template_database.drop(url)


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return settings_for(database_url, tmp_path)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def app(settings: Settings, clock: FakeClock) -> Litestar:
    return create_app(settings, clock=clock)


@pytest.fixture
async def client(app: Litestar) -> AsyncIterator[AsyncTestClient[Litestar]]:
    async with AsyncTestClient(app, base_url="http://localhost:8000") as client:
        yield client
