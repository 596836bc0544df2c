"""Catalogue search throughput, as a ratio to a bare Litestar endpoint in the same run,
on SQLite and (when a server answers) on PostgreSQL."""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import make_url

from backend.core.db import create_engine
from bench.http_load import bare_server_command, kept_alive, load, running

SEARCHES = [
    "/api/v1/procedures?q=khai+sinh",
    "/api/v1/procedures?q=dang+ky",
    "/api/v1/procedures?q=%C4%91%E1%BA%A5t",
    "/api/v1/procedures?level=commune&limit=20",
]
DETAIL = ["/api/v1/procedures/1.001193"]
POSTGRES_URL = os.environ.get(
    "MOTCUA_BENCH_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)


async def _admin(sql: str) -> None:
    engine = create_engine(POSTGRES_URL).execution_options(isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            await connection.execute(text(sql))
    finally:
        await engine.dispose()


@contextmanager
def throwaway_postgres() -> Iterator[str | None]:
    name = f"motcua_bench_{uuid.uuid4().hex[:8]}"
    try:
        asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    except (OSError, Exception):  # no server here: PostgreSQL is simply not measured
        yield None
        return
    try:
        yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def measure_app(env: dict[str, str], bare_rps: float) -> dict[str, Any]:
    with running([sys.executable, "-m", "backend", "serve", "--port", "0"], env) as app:
        search = load(app, SEARCHES)
        detail = load(app, DETAIL)
        health = kept_alive(app, "/api/health")
    return {
        "catalogue_search_rps": round(search["rps"]),
        "procedure_detail_rps": round(detail["rps"]),
        "search_ratio_to_bare": round(search["rps"] / bare_rps, 3),
        "detail_ratio_to_bare": round(detail["rps"] / bare_rps, 3),
        "search_latency_ms": {k: v for k, v in search.items() if k != "rps"},
        "detail_latency_ms": {k: v for k, v in detail.items() if k != "rps"},
        "health_on_one_connection_ms": health,
    }


def run() -> dict[str, Any]:
    with running(bare_server_command(), {}) as bare:
        bare_load = load(bare, ["/bare"])
        bare_kept_alive = kept_alive(bare, "/bare")
    bare_rps = bare_load["rps"]
    result: dict[str, Any] = {
        "bare_litestar_rps": round(bare_rps),
        "bare_latency_ms": {k: v for k, v in bare_load.items() if k != "rps"},
        "bare_on_one_connection_ms": bare_kept_alive,
        "load_average": [round(n, 2) for n in os.getloadavg()],
    }
    with tempfile.TemporaryDirectory() as var:
        result["sqlite"] = measure_app({"MOTCUA_VAR_DIR": var}, bare_rps)
        with throwaway_postgres() as url:
            result["postgresql"] = (
                measure_app({"MOTCUA_VAR_DIR": var, "MOTCUA_DATABASE_URL": url}, bare_rps)
                if url
                else None
            )
    result["method"] = (
        "the app's runner (uvicorn with uvloop and httptools, backend/core/runner.py) for the "
        "app and the bare reference alike, 1 worker, demo data; wrk, 1 thread, 16 keep-alive "
        "connections for 5 s on the same 2-core machine, best of 3 rounds; latencies are "
        "wrk's percentiles of that round; ten GETs on one kept-alive connection, each timed"
    )
    return result
