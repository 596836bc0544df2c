"""A bounded HTTP load generator on loopback: N requests over C keep-alive connections."""

from __future__ import annotations

import asyncio
import itertools
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
LISTENING = re.compile(r"listening on http://[^:]+:(\d+)")


@contextmanager
def running(command: Sequence[str], env: dict[str, str]) -> Iterator[str]:
    """Start a server that prints `... listening on http://host:port` and yield its base URL."""
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    port = None
    for line in process.stdout:
        if match := LISTENING.search(line):
            port = match.group(1)
            break
    if port is None:
        process.wait()
        raise RuntimeError(f"{command} exited with {process.returncode} before listening")
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=15)


async def _load(base: str, paths: Sequence[str], requests: int, concurrency: int) -> float:
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    cycle = itertools.cycle(paths)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:
        for path in paths:  # warm up every path once
            (await client.get(path)).raise_for_status()
        remaining = iter(range(requests))

        async def worker() -> None:
            for _ in remaining:
                response = await client.get(next(cycle))
                response.raise_for_status()

        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return requests / (time.perf_counter() - start)


def throughput(
    base: str, paths: Sequence[str], requests: int = 3000, concurrency: int = 16
) -> float:
    """Requests per second, best of three rounds."""
    return max(asyncio.run(_load(base, paths, requests, concurrency)) for _ in range(3))


def bare_server_command() -> list[str]:
    script = (
        "import socket, sys, uvicorn\n"
        "from bench.bare_app import app\n"
        "s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen(128)\n"
        "print('bare listening on http://127.0.0.1:%d' % s.getsockname()[1], flush=True)\n"
        "uvicorn.Server(uvicorn.Config(app, log_level='warning')).run(sockets=[s])\n"
    )
    return [sys.executable, "-c", script]
