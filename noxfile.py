"""Every task of the project. `nox` alone runs every test a newcomer's machine can run.

nox -s serve            the app with demo data on SQLite at http://localhost:8000
nox                     lint, typecheck, PWA unit tests and build, API tests, browser tests
nox -s tests_postgres   the database suite against PostgreSQL (MOTCUA_TEST_POSTGRES_URL)
nox -s tests_scale      several processes on PostgreSQL and Redis (MOTCUA_TEST_REDIS_URL)
nox -s bench            benchmarks; results in bench/results/ and docs/performance.md
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
from pathlib import Path

import nox

ROOT = Path(__file__).parent
PWA = ROOT / "pwa"
PYTHON_SOURCES = ["backend", "sync", "tests", "bench", "noxfile.py"]
DEFAULT_POSTGRES_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
# The suite flushes this Redis database before and after each test: nothing else may use it.
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/15"

nox.options.default_venv_backend = "uv|virtualenv"
nox.options.reuse_venv = "yes"
nox.options.sessions = ["lint", "typecheck", "pwa", "tests", "e2e"]
nox.options.error_on_missing_interpreters = True


def install(session: nox.Session) -> None:
    session.install("-e", ".[dev]")


def npm(session: nox.Session, *args: str) -> None:
    with session.chdir(PWA):
        session.run("npm", *args, external=True)


def npm_install(session: nox.Session) -> None:
    """`npm ci` when node_modules is missing or older than package-lock.json."""
    lock = PWA / "package-lock.json"
    stamp = PWA / "node_modules" / ".motcua-lock-sha256"
    digest = hashlib.sha256(lock.read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text() == digest:
        return
    npm(session, "ci", "--no-audit", "--no-fund")
    stamp.write_text(digest)


def build_pwa(session: nox.Session) -> None:
    npm_install(session)
    npm(session, "run", "build")


def debian_tool(session: nox.Session, command: str, package: str, why: str) -> str:
    """A command from Debian's packages, installed when running as root on Debian."""
    found = shutil.which(command)
    if found:
        return found
    if hasattr(os, "geteuid") and os.geteuid() == 0 and Path("/etc/debian_version").exists():
        session.log(f"Installing Debian's {package} {why}")
        env = {"DEBIAN_FRONTEND": "noninteractive"}
        session.run("apt-get", "update", "-qq", external=True, env=env)
        session.run("apt-get", "install", "-y", "-qq", package, external=True, env=env)
        found = shutil.which(command)
    if not found:
        session.error(f"{command} is needed {why}: install it (Debian: apt-get install {package})")
    return found


def chromium(session: nox.Session) -> str:
    return os.environ.get("MOTCUA_CHROMIUM") or debian_tool(
        session, "chromium", "chromium", "for the browser tests (or set MOTCUA_CHROMIUM)"
    )


def run_pytest(session: nox.Session, *args: str, env: dict[str, str] | None = None) -> None:
    session.run("pytest", *args, *session.posargs, env=env or {})


@nox.session
def serve(session: nox.Session) -> None:
    """The app with demo data on SQLite (var/motcua.db) at http://localhost:8000."""
    install(session)
    build_pwa(session)
    session.run("python", "-m", "backend", "serve", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    session.install("ruff>=0.8,<1")
    session.run("ruff", "check", *PYTHON_SOURCES)
    session.run("ruff", "format", "--check", *PYTHON_SOURCES)


@nox.session
def typecheck(session: nox.Session) -> None:
    install(session)
    session.run("mypy")
    npm_install(session)
    npm(session, "run", "typecheck")


@nox.session
def pwa(session: nox.Session) -> None:
    """The PWA's unit tests (vitest), then its production build."""
    npm_install(session)
    npm(session, "test")
    npm(session, "run", "build")


@nox.session
def tests(session: nox.Session) -> None:
    """Unit, integration and API tests on SQLite."""
    install(session)
    run_pytest(session, "tests/unit", "tests/integration", "tests/api")


@nox.session
def tests_postgres(session: nox.Session) -> None:
    """Integration and API tests on PostgreSQL; each test gets a throwaway database."""
    install(session)
    url = os.environ.get("MOTCUA_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)
    run_pytest(session, "tests/integration", "tests/api", env={"MOTCUA_TEST_POSTGRES_URL": url})


@nox.session
def tests_scale(session: nox.Session) -> None:
    """Scaling out: real app processes and job workers sharing PostgreSQL and Redis."""
    install(session)
    env = {
        "MOTCUA_TEST_POSTGRES_URL": os.environ.get(
            "MOTCUA_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL
        ),
        "MOTCUA_TEST_REDIS_URL": os.environ.get("MOTCUA_TEST_REDIS_URL", DEFAULT_REDIS_URL),
    }
    run_pytest(session, "tests/scale", "-m", "scale", env=env)


@nox.session
def e2e(session: nox.Session) -> None:
    """Browser journeys: the built PWA in Debian's Chromium against a real server."""
    install(session)
    browser = chromium(session)
    build_pwa(session)  # never test a stale build
    run_pytest(session, "tests/e2e", "-m", "e2e", env={"MOTCUA_CHROMIUM": browser})


@nox.session
def bench(session: nox.Session) -> None:
    """Benchmarks (not tests): results to bench/results/*.json and docs/performance.md."""
    install(session)
    debian_tool(session, "wrk", "wrk", "for the HTTP benchmarks")
    build_pwa(session)
    session.run("python", "-m", "bench", *session.posargs)


if __name__ == "__main__":
    sys.exit("run with nox: nox -s <session>")
