"""Bounded HTTP load on loopback with wrk, against servers this module starts."""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
LISTENING = re.compile(r"listening on http://[^:]+:(\d+)")


@contextmanager
def running(command: Sequence[str], env: dict[str, str], cwd: Path | None = None) -> Iterator[str]:
    """Start a server that prints `... listening on http://host:port` and yield its base URL
    (run from `cwd`, this checkout by default)."""
    process = subprocess.Popen(
        command,
        cwd=cwd or ROOT,
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
    # Keep reading what the server prints: a full pipe would stop it mid-request.
    log = os.environ.get("MOTCUA_BENCH_SERVER_LOG")
    drain = threading.Thread(target=_drain, args=(process.stdout, log), daemon=True)
    drain.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=15)
        drain.join(timeout=5)


def _drain(stream: IO[str], log: str | None) -> None:
    """Read the server's output to its end, into `log` when one is named."""
    with open(log or os.devnull, "a") as out:
        for line in stream:
            out.write(line)


def _wrk_script(paths: Sequence[str]) -> str:
    quoted = ", ".join(json.dumps(p) for p in paths)
    return (
        f"local paths = {{{quoted}}}\nlocal i = 0\n"
        "request = function()\n  i = i % #paths + 1\n"
        "  return wrk.format('GET', paths[i])\nend\n"
    )


_LATENCY = re.compile(r"^\s+(50|75|90|99)%\s+([\d.]+)(us|ms|s)\s*$", re.MULTILINE)
_UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def load(
    base: str, paths: Sequence[str], seconds: int = 5, connections: int = 16, rounds: int = 3
) -> dict[str, float]:
    """Requests per second and latency percentiles (ms) measured by wrk (one thread,
    keep-alive), from the best of `rounds` by throughput; any non-2xx answer voids the run."""
    wrk = shutil.which("wrk")
    if wrk is None:
        raise RuntimeError("wrk is needed for the HTTP benchmarks (Debian: apt-get install wrk)")
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(_wrk_script(paths))
    best: dict[str, float] = {"rps": 0.0}
    for _ in range(rounds):
        output = subprocess.run(
            [wrk, "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", script.name, base],
            capture_output=True,
            text=True,
            check=True,
            timeout=seconds * 4 + 30,
        ).stdout
        if "Non-2xx" in output:
            raise RuntimeError(f"errors during the run:\n{output}")
        match = re.search(r"Requests/sec:\s+([\d.]+)", output)
        assert match, output
        if float(match.group(1)) > best["rps"]:
            best = {"rps": float(match.group(1))}
            for percentile, value, unit in _LATENCY.findall(output):
                best[f"p{percentile}_ms"] = round(float(value) * _UNIT_MS[unit], 2)
    Path(script.name).unlink()
    return best


def throughput(
    base: str, paths: Sequence[str], seconds: int = 5, connections: int = 16, rounds: int = 3
) -> float:
    """Requests per second (see `load`)."""
    return load(base, paths, seconds, connections, rounds)["rps"]


def kept_alive(base: str, path: str, requests: int = 10) -> list[float]:
    """Milliseconds each of `requests` GETs takes on one kept-alive connection: a response
    held back by Nagle's algorithm shows as ~40 ms from the second request on."""
    parts = urlsplit(base)
    warm = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=10)
    warm.request("GET", path)  # the first request of a fresh process opens its pools
    warm.getresponse().read()
    warm.close()
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=10)
    times = []
    try:
        for _ in range(requests):
            started = time.perf_counter()
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            if response.status >= 300:
                raise RuntimeError(f"{path} answered {response.status}")
            times.append(round((time.perf_counter() - started) * 1000, 2))
    finally:
        connection.close()
    return times


def bare_server_command() -> list[str]:
    """The bare reference, served by the app's own runner with the same options
    (backend/core/runner.py): whatever the runner costs, both sides pay it."""
    script = (
        "from backend.core import runner\n"
        "from bench.bare_app import app\n"
        "s = runner.listening_socket('127.0.0.1', 0)\n"
        "print('bare listening on http://127.0.0.1:%d' % s.getsockname()[1], flush=True)\n"
        "runner.run(app, s)\n"
    )
    return [sys.executable, "-c", script]
