"""Sync throughput against the raw database floor, on SQLite and PostgreSQL.

- pull: 10,000 changes of one account read through `service.pull` in pages of 1,000 and
  encoded to JSON, against the floor: the same rows read with the raw driver (sqlite3 /
  asyncpg) and encoded with msgspec.
- push: 1,000 `draft.save` mutations through `service.push` (each in its own transaction),
  against the floor: the same rows (draft, revision, change, outcome, counters) written with
  the raw driver, one transaction per mutation.
Both run in-process, so the figures compare the database path, not HTTP.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import sqlite3
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import asyncpg
import msgspec
from sqlalchemy.engine import make_url

from backend.config import Settings
from backend.core.auth import Principal
from backend.core.db import create_engine, is_sqlite, session_factory
from backend.core.migrations import upgrade
from backend.features.catalogue.index import CatalogueIndex
from backend.features.sync import changelog, service
from backend.models import Account, SyncClient
from bench.catalogue import throwaway_postgres
from sync import PROTOCOL_VERSION
from sync.cursor import Cursor, encode_cursor, scope_hash
from sync.messages import DecodedPush, DraftSave, DraftSaveMutation, PullRequest, encode
from sync.records import DraftRecord

CHANGES = 10_000
MUTATIONS = 1_000
ROUNDS = 3
NOW = dt.datetime(2026, 11, 22, 3, 0, tzinfo=dt.UTC)


class FixedClock:
    def now(self) -> dt.datetime:
        return NOW


def settings_for(url: str, var: Path) -> Settings:
    return Settings(database_url=url, var_dir=var, secret_key="bench-" + "x" * 40)


async def _prepare(url: str, var: Path) -> tuple[service.SyncContext, Any, str]:
    engine = create_engine(url)
    sessions = session_factory(engine)
    account_id, client_id = str(uuid.uuid4()), str(uuid.uuid4())
    async with sessions() as db, db.begin():
        db.add(
            Account(
                id=account_id,
                kind="citizen",
                full_name="Bench",
                phone="0900000001",
                email=None,
                cccd=None,
                user_handle=uuid.uuid4().hex,
                created_at=NOW,
                disabled_at=None,
            )
        )
        await db.flush()
        db.add(
            SyncClient(
                id=client_id,
                account_id=account_id,
                last_mutation_id=0,
                created_at=NOW,
                last_seen_at=NOW,
            )
        )
    principal = Principal(account_id, "citizen", (), "bench")
    # As in the app: the catalogue index is loaded (a running server keeps it) and consulted.
    catalogue = await CatalogueIndex().fresh(sessions)
    ctx = service.SyncContext(settings_for(url, var), FixedClock(), principal, catalogue)
    return ctx, engine, client_id


def _draft_change(account_id: str, n: int) -> changelog.PendingChange:
    draft_id = str(uuid.uuid4())
    record = DraftRecord(
        id=draft_id,
        procedure_code="1.001193",
        variant_key=None,
        fields={"name": f"Nguyễn Văn {n}", "note": "x" * 40},
        version=1,
        updated_at=NOW.isoformat(),
    )
    return changelog.PendingChange(
        changelog.account_scope(account_id), "draft", draft_id, "put", record, 1
    )


async def _fill_log(engine: Any, account_id: str) -> None:
    sessions = session_factory(engine)
    for start in range(0, CHANGES, 1000):
        async with sessions() as db, db.begin():
            await changelog.append(
                db,
                [_draft_change(account_id, n) for n in range(start, start + 1000)],
                NOW,
            )


async def app_pull(ctx: service.SyncContext, engine: Any, client_id: str) -> float:
    sessions = session_factory(engine)
    # Read the whole log from seq 0 (a snapshot would hold no drafts: the log has them).
    async with sessions() as db:
        epoch = await changelog.epoch(db)
    cursor = encode_cursor(
        Cursor(epoch, scope_hash(changelog.scope_description(ctx.principal)), PROTOCOL_VERSION, 0),
        key=service.cursor_key(ctx.settings),
    )
    started = time.perf_counter()
    received = 0
    async with sessions() as db:
        while True:
            page = await service.pull(
                db,
                ctx,
                PullRequest(
                    client_id=client_id,
                    protocol_version=PROTOCOL_VERSION,
                    cursor=cursor,
                    limit=1000,
                ),
            )
            encode(page)
            received += len(page.changes)
            cursor = page.cursor
            if not page.has_more:
                break
    assert received == CHANGES, received
    return time.perf_counter() - started


async def floor_pull(url: str, scope: str) -> float:
    query = (
        "SELECT seq, entity, entity_id, op, data, version FROM change_log "
        "WHERE scope = {p} AND seq > {q} ORDER BY seq LIMIT 1001"
    )
    if is_sqlite(url):
        connection = sqlite3.connect(make_url(url).database or "")

        async def fetch(seq: int) -> list[Any]:
            return connection.execute(query.format(p="?", q="?"), (scope, seq)).fetchall()

        close: Any = connection.close
    else:
        dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        pg = await asyncpg.connect(dsn)

        async def fetch(seq: int) -> list[Any]:
            return list(await pg.fetch(query.format(p="$1", q="$2"), scope, seq))

        close = pg.close
    started = time.perf_counter()
    received, seq = 0, 0
    while True:
        rows = await fetch(seq)
        page = [
            {
                "entity": r[1],
                "id": r[2],
                "op": r[3],
                "data": msgspec.json.decode(r[4]),
                "version": r[5],
            }
            for r in rows[:1000]
        ]
        msgspec.json.encode({"changes": page})
        received += len(page)
        if len(rows) <= 1000:
            break
        seq = rows[999][0]
    elapsed = time.perf_counter() - started
    result = close()
    if asyncio.iscoroutine(result):
        await result
    assert received == CHANGES, received
    return elapsed


def _mutations(first_id: int) -> list[Any]:
    return [
        DraftSaveMutation(
            mutation_id=first_id + n,
            client_time="2026-11-22T10:00:00+07:00",
            args=DraftSave(
                draft_id=str(uuid.uuid4()),
                procedure_code="1.001193",
                fields={"name": f"An {n}"},
                base_version=None,
            ),
        )
        for n in range(MUTATIONS)
    ]


async def app_push(ctx: service.SyncContext, engine: Any, client_id: str, first_id: int) -> float:
    sessions = session_factory(engine)
    mutations = _mutations(first_id)
    started = time.perf_counter()
    for start in range(0, MUTATIONS, 100):
        response = await service.push(
            sessions,
            ctx,
            DecodedPush(
                client_id=client_id,
                protocol_version=PROTOCOL_VERSION,
                mutations=mutations[start : start + 100],
            ),
        )
        assert all(r.status == "applied" for r in response.results)
    return time.perf_counter() - started


FLOOR_STATEMENTS = [
    "UPDATE sync_client SET last_mutation_id = {0}, last_seen_at = {1} "
    "WHERE id = {2} AND last_mutation_id = {3}",
    "INSERT INTO draft (id, account_id, procedure_code, variant_key, fields, version, "
    "created_at, updated_at) VALUES ({0}, {1}, {2}, NULL, {3}, 1, {4}, {4})",
    "INSERT INTO draft_revision (draft_id, version, fields) VALUES ({0}, 1, {1})",
    "UPDATE sync_counter SET value = value + 1 WHERE name = 'change_seq' RETURNING value",
    "INSERT INTO change_log (seq, scope, entity, entity_id, op, data, version, created_at) "
    "VALUES ({0}, {1}, 'draft', {2}, 'put', {3}, 1, {4})",
    "INSERT INTO sync_mutation (client_id, mutation_id, name, status, reason, result, "
    "client_time, applied_at) VALUES ({0}, {1}, 'draft.save', 'applied', NULL, {2}, {3}, {4})",
]


async def floor_push(url: str, account_id: str, client_id: str, first_id: int) -> float:
    """The same rows as a draft.save, written by hand with the raw driver."""
    mutations = _mutations(first_id)
    scope = changelog.account_scope(account_id)
    now = NOW.isoformat()
    started = time.perf_counter()
    if is_sqlite(url):
        connection = sqlite3.connect(make_url(url).database or "", isolation_level=None)
        p = ["?"] * 8
        for m in mutations:
            fields = msgspec.json.encode(m.args.fields).decode()
            data = msgspec.json.encode({"id": m.args.draft_id, "fields": m.args.fields}).decode()
            connection.execute("BEGIN IMMEDIATE")
            connection.execute(
                FLOOR_STATEMENTS[0].format(*p), (m.mutation_id, now, client_id, m.mutation_id - 1)
            )
            connection.execute(
                FLOOR_STATEMENTS[1].format(*p),
                (m.args.draft_id, account_id, "1.001193", fields, now, now),
            )
            connection.execute(FLOOR_STATEMENTS[2].format(*p), (m.args.draft_id, fields))
            seq = connection.execute(FLOOR_STATEMENTS[3]).fetchone()[0]
            connection.execute(
                FLOOR_STATEMENTS[4].format(*p), (seq, scope, m.args.draft_id, data, now)
            )
            connection.execute(
                FLOOR_STATEMENTS[5].format(*p),
                (client_id, m.mutation_id, '{"version":1}', m.client_time, now),
            )
            connection.execute("COMMIT")
        connection.close()
    else:
        dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        connection = await asyncpg.connect(dsn)
        stamp = NOW
        for m in mutations:
            fields = msgspec.json.encode(m.args.fields).decode()
            data = msgspec.json.encode({"id": m.args.draft_id, "fields": m.args.fields}).decode()
            async with connection.transaction():
                await connection.execute(
                    FLOOR_STATEMENTS[0].format("$1", "$2", "$3", "$4"),
                    m.mutation_id,
                    stamp,
                    client_id,
                    m.mutation_id - 1,
                )
                await connection.execute(
                    FLOOR_STATEMENTS[1].format("$1", "$2", "$3", "$4", "$5"),
                    m.args.draft_id,
                    account_id,
                    "1.001193",
                    fields,
                    stamp,
                )
                await connection.execute(
                    FLOOR_STATEMENTS[2].format("$1", "$2"), m.args.draft_id, fields
                )
                seq = await connection.fetchval(FLOOR_STATEMENTS[3])
                await connection.execute(
                    FLOOR_STATEMENTS[4].format("$1", "$2", "$3", "$4", "$5"),
                    seq,
                    scope,
                    m.args.draft_id,
                    data,
                    stamp,
                )
                await connection.execute(
                    FLOOR_STATEMENTS[5].format("$1", "$2", "$3", "$4", "$5"),
                    client_id,
                    m.mutation_id,
                    '{"version":1}',
                    m.client_time,
                    stamp,
                )
        await connection.close()
    return time.perf_counter() - started


async def _measure(url: str, var: Path) -> dict[str, Any]:
    upgrade_sync = asyncio.to_thread(upgrade, url)
    await upgrade_sync
    from backend.__main__ import seed_demo

    await seed_demo(settings_for(url, var))
    ctx, engine, client_id = await _prepare(url, var)
    try:
        await _fill_log(engine, ctx.principal.account_id)
        scope = changelog.account_scope(ctx.principal.account_id)
        # This machine is shared: the best of a few alternating rounds of app and floor.
        pull_app = pull_floor = float("inf")
        for _ in range(ROUNDS):
            pull_app = min(pull_app, await app_pull(ctx, engine, client_id))
            pull_floor = min(pull_floor, await floor_pull(url, scope))
        push_app = push_floor = float("inf")
        for round_ in range(ROUNDS):
            first_id = 2 * round_ * MUTATIONS + 1
            push_app = min(push_app, await app_push(ctx, engine, client_id, first_id))
            push_floor = min(
                push_floor,
                await floor_push(url, ctx.principal.account_id, client_id, first_id + MUTATIONS),
            )
    finally:
        await engine.dispose()
    return {
        "pull_changes_per_s": round(CHANGES / pull_app),
        "pull_floor_changes_per_s": round(CHANGES / pull_floor),
        "pull_ratio_to_floor": round(pull_floor / pull_app, 3),
        "push_mutations_per_s": round(MUTATIONS / push_app),
        "push_floor_mutations_per_s": round(MUTATIONS / push_floor),
        "push_ratio_to_floor": round(push_floor / push_app, 3),
    }


def run() -> dict[str, Any]:
    result: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as var:
        result["sqlite"] = asyncio.run(
            _measure(f"sqlite+aiosqlite:///{Path(var) / 'bench.db'}", Path(var))
        )
        with throwaway_postgres() as url:
            result["postgresql"] = asyncio.run(_measure(url, Path(var))) if url else None
    result["method"] = (
        f"in-process; pull {CHANGES} changes in pages of 1,000 through service.pull + JSON "
        f"encoding vs the raw driver reading and msgspec-encoding the same rows; push "
        f"{MUTATIONS} draft.save mutations of new drafts (batches of 100, one transaction "
        "each) through service.push with the catalogue index loaded, as in a running server, "
        "vs the same rows written with the raw driver, one transaction each; pull and push "
        f"figures are the best of {ROUNDS} alternating rounds of each"
    )
    return result
