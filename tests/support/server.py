"""The real server, `python -m backend serve`, in a subprocess on a free port of 127.0.0.1,
for tests that need what only it does (uvicorn, its socket, its timeouts); and the real job
worker, `python -m backend worker`."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).parents[2]
LISTENING = re.compile(r"MotCua listening on http://[^:]+:(\d+)")
WORKING = re.compile(r"MotCua job worker (\S+) on queue")


@contextmanager
def served(
    database_url: str | None, var_dir: Path, *, port: int = 0, **env: str
) -> Iterator[httpx.Client]:
    """The real server on 127.0.0.1 (a free port, or `port`), and a client to it; with no
    database URL, on a new SQLite database in `var_dir`. No other MOTCUA_ setting of the
    caller's leaks in. With MOTCUA_PUBLIC_URL among `env` the server says that address, not
    the one it listens on: give it a `port` (`free_port()`)."""
    settings = {"MOTCUA_VAR_DIR": str(var_dir), "MOTCUA_BACKGROUND_JOBS": "0", **env}
    if database_url is not None:
        settings["MOTCUA_DATABASE_URL"] = database_url
    serve = ["serve", "--no-demo", "--port", str(port)]
    with (
        _running(serve, settings, LISTENING) as said,
        httpx.Client(base_url=f"http://127.0.0.1:{port or said}", timeout=30) as client,
    ):
        yield client


def free_port() -> int:
    """A port of 127.0.0.1 free just now (the server binds it with SO_REUSEADDR)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def job_worker(database_url: str, **env: str) -> Iterator[str]:
    """The real job worker (it needs MOTCUA_REDIS_URL among `env`), once it is running; its
    name, as its runs are written down."""
    with _running(["worker"], {"MOTCUA_DATABASE_URL": database_url, **env}, WORKING) as name:
        yield name


@contextmanager
def _running(command: list[str], settings: dict[str, str], ready: re.Pattern[str]) -> Iterator[str]:
    """`python -m backend COMMAND` until the line `ready` matches (its first group)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "backend", *command],
        env={**{k: v for k, v in os.environ.items() if not k.startswith("MOTCUA_")}, **settings},
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    output: list[str] = []
    found = None
    for line in process.stdout:
        output.append(line)
        if match := ready.search(line):
            found = match.group(1)
            break
    try:
        if found is None:
            process.wait()
            raise AssertionError(f"{command[0]} exited before it was ready:\n{''.join(output)}")
        threading.Thread(target=output.extend, args=(process.stdout,), daemon=True).start()
        yield found
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
