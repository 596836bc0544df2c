"""Migration 0011 gives the passkeys that already exist their origin from the audit row
written with them, limits one that came by a recovery less than 72 hours ago, and goes back
down with the rows in place. A database of its own, stopped at revision 0010 (SQLite, and
PostgreSQL too when `MOTCUA_TEST_POSTGRES_URL` names a server)."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy.engine import make_url

from backend.core.db import create_engine
from backend.core.migrations import alembic_config, upgrade
from backend.models.base import UTCDateTime
from tests.conftest import POSTGRES_URL

ACCOUNT = "00000000-0000-4000-8000-0000000000aa"
WHEN = UTCDateTime(timezone=True)


async def _admin(sql: str) -> None:
    engine = create_engine(POSTGRES_URL).execution_options(isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            await connection.execute(sa.text(sql))
    finally:
        await engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'old.db'}"
        return
    if not POSTGRES_URL:
        pytest.skip("PostgreSQL: set MOTCUA_TEST_POSTGRES_URL")
    name = f"motcua_m_{uuid.uuid4().hex[:12]}"
    asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def _run(url: str, sql: str, rows: list[dict[str, Any]] | None = None) -> list[Any]:
    """Run `sql` on its own (times bound and read as the app's UTC type)."""
    statement: Any = sa.text(sql).bindparams(
        *(sa.bindparam(n, type_=WHEN) for n in ("at", "created_at") if f":{n}" in sql)
    )
    if "restricted_until FROM" in sql:
        statement = statement.columns(
            sa.column("id", sa.String()),
            sa.column("enrolled_via", sa.String()),
            sa.column("restricted_until", WHEN),
        )
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            if rows is not None:
                await connection.execute(statement, rows)
                return []
            return list((await connection.execute(statement)).all())
    finally:
        await engine.dispose()


def test_existing_passkeys_get_their_origin_and_recent_recoveries_their_limit(
    empty_database: str,
) -> None:
    url = empty_database
    upgrade(url, "0010")
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    signed_up, by_code, at_desk = (
        now - dt.timedelta(days=30),
        now - dt.timedelta(days=5),
        now - dt.timedelta(hours=1),
    )
    asyncio.run(
        _run(
            url,
            "INSERT INTO account (id, kind, full_name, phone, user_handle, created_at) "
            "VALUES (:id, 'citizen', 'Nguyễn Văn An', '0912345678', 'handle', :created_at)",
            [{"id": ACCOUNT, "created_at": signed_up}],
        )
    )
    asyncio.run(
        _run(
            url,
            "INSERT INTO passkey (id, account_id, public_key, sign_count, name, backed_up, "
            "transports, created_at) VALUES (:id, :account, :key, 0, :id, false, '[]', "
            ":created_at)",
            [
                {"id": passkey_id, "account": ACCOUNT, "key": b"\0", "created_at": created}
                for passkey_id, created in (
                    ("first", signed_up),
                    ("by-code", by_code),
                    ("at-desk", at_desk),
                    ("unknown", now),
                )
            ],
        )
    )
    asyncio.run(
        _run(
            url,
            "INSERT INTO audit_event (at, action, subject_id, detail) "
            "VALUES (:at, :action, :subject, :detail)",
            [
                {"at": at, "action": action, "subject": ACCOUNT, "detail": json.dumps(detail)}
                for action, at, detail in (
                    ("account.created", signed_up, {"kind": "citizen"}),
                    ("passkey.added", by_code, {"purpose": "recovery_code"}),
                    ("passkey.added", at_desk, {"purpose": "desk_recovery"}),
                )
            ],
        )
    )

    upgrade(url)

    rows = asyncio.run(
        _run(url, "SELECT id, enrolled_via, restricted_until FROM passkey ORDER BY id")
    )
    origins = {passkey_id: origin for passkey_id, origin, _ in rows}
    limits = {passkey_id: until for passkey_id, _, until in rows}
    assert origins == {
        "first": "sign_up",
        "by-code": "recovery_code",
        "at-desk": "desk_recovery",
        "unknown": None,  # nothing in the trail tells
    }
    assert limits["first"] is None
    assert limits["by-code"] is None  # its 72 hours are over
    assert limits["unknown"] is None
    assert limits["at-desk"] == at_desk + dt.timedelta(hours=72)

    command.downgrade(alembic_config(url), "0010")
    [(count,)] = asyncio.run(_run(url, "SELECT count(*) FROM passkey"))
    assert count == 4
