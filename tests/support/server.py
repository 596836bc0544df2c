"""The real server, `python -m backend serve`, in a subprocess on a free port of 127.0.0.1,
for tests that need what only it does (uvicorn, its socket, its timeouts)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).parents[2]
LISTENING = re.compile(r"MotCua listening on http://[^:]+:(\d+)")


@contextmanager
def served(database_url: str | None, var_dir: Path, **env: str) -> Iterator[httpx.Client]:
    """The real server on 127.0.0.1 (a free port), and a client to it; with no database URL,
    on a new SQLite database in `var_dir`. No other MOTCUA_ setting of the caller's leaks in."""
    settings = {"MOTCUA_VAR_DIR": str(var_dir), "MOTCUA_BACKGROUND_JOBS": "0", **env}
    if database_url is not None:
        settings["MOTCUA_DATABASE_URL"] = database_url
    server = subprocess.Popen(
        [sys.executable, "-m", "backend", "serve", "--no-demo", "--port", "0"],
        env={**{k: v for k, v in os.environ.items() if not k.startswith("MOTCUA_")}, **settings},
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert server.stdout is not None
    output: list[str] = []
    port = None
    for line in server.stdout:
        output.append(line)
        if match := LISTENING.search(line):
            port = match.group(1)
            break
    try:
        if port is None:
            server.wait()
            raise AssertionError(f"the server exited before listening:\n{''.join(output)}")
        threading.Thread(target=output.extend, args=(server.stdout,), daemon=True).start()
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
            yield client
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
