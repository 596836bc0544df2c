"""Catalogue search throughput, as a ratio to a bare Litestar endpoint in the same run."""

from __future__ import annotations

import sys
import tempfile
from typing import Any

from bench.http_load import bare_server_command, running, throughput

SEARCHES = [
    "/api/v1/procedures?q=khai+sinh",
    "/api/v1/procedures?q=dang+ky",
    "/api/v1/procedures?q=%C4%91%E1%BA%A5t",
    "/api/v1/procedures?level=commune&limit=20",
]


def run() -> dict[str, Any]:
    with running(bare_server_command(), {}) as bare:
        bare_rps = throughput(bare, ["/bare"])
    with (
        tempfile.TemporaryDirectory() as var,
        running(
            [sys.executable, "-m", "backend", "serve", "--port", "0"], {"MOTCUA_VAR_DIR": var}
        ) as app,
    ):
        search_rps = throughput(app, SEARCHES)
        detail_rps = throughput(app, ["/api/v1/procedures/1.001193"])
    return {
        "bare_litestar_rps": round(bare_rps),
        "catalogue_search_rps": round(search_rps),
        "procedure_detail_rps": round(detail_rps),
        "search_ratio_to_bare": round(search_rps / bare_rps, 3),
        "detail_ratio_to_bare": round(detail_rps / bare_rps, 3),
        "method": "uvicorn, 1 worker, SQLite demo data; 3000 requests over 16 keep-alive "
        "connections from an httpx client on the same 2-core machine, best of 3",
    }
