"""Settings: development fills in its own secret; production refuses to start unsafely."""

from __future__ import annotations

import secrets
import string
import subprocess
import sys
from pathlib import Path

import pytest

from backend.config import ConfigurationError, load_settings

SAFE_PRODUCTION = {
    "MOTCUA_MODE": "production",
    "MOTCUA_SECRET_KEY": "3ekchHAWTIG1IXQywzHh1Ule_YYqDA_CXPR0VAFry8C5q_PfwKTWRiTWK0HAF1aK",
    "MOTCUA_PUBLIC_URL": "https://dichvucong.dongnai.example",
    "MOTCUA_DATABASE_URL": "postgresql+asyncpg://motcua@db/motcua",
}


def test_development_generates_a_secret_once_and_keeps_it(tmp_path: Path) -> None:
    first = load_settings({"MOTCUA_VAR_DIR": str(tmp_path)})
    again = load_settings({"MOTCUA_VAR_DIR": str(tmp_path)})
    assert len(first.secret_key) >= 32
    assert first.secret_key == again.secret_key
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    assert first.resolved_database_url == f"sqlite+aiosqlite:///{tmp_path / 'motcua.db'}"


def test_production_with_safe_settings_starts(tmp_path: Path) -> None:
    settings = load_settings({**SAFE_PRODUCTION, "MOTCUA_VAR_DIR": str(tmp_path)})
    assert settings.is_production
    assert not (tmp_path / "secret_key").exists()


@pytest.mark.parametrize(
    ("override", "complaint"),
    [
        ({"MOTCUA_SECRET_KEY": ""}, "MOTCUA_SECRET_KEY"),
        ({"MOTCUA_SECRET_KEY": "short"}, "MOTCUA_SECRET_KEY"),
        ({"MOTCUA_PUBLIC_URL": "http://dichvucong.dongnai.example"}, "MOTCUA_PUBLIC_URL"),
        ({"MOTCUA_DATABASE_URL": ""}, "MOTCUA_DATABASE_URL"),
        ({"MOTCUA_SQL_ECHO": "1"}, "MOTCUA_SQL_ECHO"),
        ({"MOTCUA_MODE": "prod"}, "MOTCUA_MODE"),
    ],
)
def test_production_refuses_unsafe_settings(
    tmp_path: Path, override: dict[str, str], complaint: str
) -> None:
    environ = {**SAFE_PRODUCTION, "MOTCUA_VAR_DIR": str(tmp_path), **override}
    with pytest.raises(ConfigurationError, match=complaint):
        load_settings(environ)
    assert not (tmp_path / "secret_key").exists()


def test_serve_in_production_without_secrets_exits_with_a_clear_message(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "backend", "serve", "--port", "0"],
        env={"MOTCUA_MODE": "production", "MOTCUA_VAR_DIR": str(tmp_path), "PATH": ""},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=Path(__file__).parents[2],
    )
    assert result.returncode == 2
    assert "refuses to start in production" in result.stderr
    assert "MOTCUA_SECRET_KEY" in result.stderr
    assert "listening" not in result.stdout


@pytest.mark.parametrize(
    "secret",
    [
        "a" * 32,
        "s" * 48,
        "ab" * 24,
        "abc" * 16,
        string.ascii_lowercase + string.digits + string.ascii_uppercase,  # a run
        "".join(chr(ord("a") + 2 * i % 26) for i in range(40)),  # a run in steps of two
        "Password1234" * 4,
        "test-secret-" + "x" * 40,
        "54dbb9a9de9ad9d5554347d9d189e208",  # 128 bits, too few to tell from a pattern
        SAFE_PRODUCTION["MOTCUA_SECRET_KEY"][:31],  # too short
    ],
)
def test_production_refuses_a_weak_secret(tmp_path: Path, secret: str) -> None:
    environ = {**SAFE_PRODUCTION, "MOTCUA_VAR_DIR": str(tmp_path), "MOTCUA_SECRET_KEY": secret}
    with pytest.raises(ConfigurationError, match="MOTCUA_SECRET_KEY"):
        load_settings(environ)


@pytest.mark.parametrize(
    "make",
    [
        lambda: secrets.token_urlsafe(48),
        lambda: secrets.token_urlsafe(32),
        lambda: secrets.token_hex(32),
    ],
)
def test_production_accepts_generated_secrets(tmp_path: Path, make: object) -> None:
    for _ in range(300):
        secret = make()  # type: ignore[operator]
        load_settings(
            {**SAFE_PRODUCTION, "MOTCUA_VAR_DIR": str(tmp_path), "MOTCUA_SECRET_KEY": secret}
        )


@pytest.mark.parametrize("mode", ["development", "production"])
@pytest.mark.parametrize("hours", ["-1", "0", "-0.5", "nan", "inf", "10000000", "soon"])
def test_a_session_lifetime_must_be_a_sane_positive_number_in_any_mode(
    tmp_path: Path, mode: str, hours: str
) -> None:
    for variable in (
        "MOTCUA_CITIZEN_SESSION_IDLE_HOURS",
        "MOTCUA_CITIZEN_SESSION_ABSOLUTE_HOURS",
        "MOTCUA_STAFF_SESSION_IDLE_HOURS",
        "MOTCUA_STAFF_SESSION_ABSOLUTE_HOURS",
    ):
        environ = {**SAFE_PRODUCTION, "MOTCUA_MODE": mode, "MOTCUA_VAR_DIR": str(tmp_path)}
        with pytest.raises(ConfigurationError, match=variable):
            load_settings({**environ, variable: hours})


@pytest.mark.parametrize(
    ("lifetimes", "complaint"),
    [
        ({"MOTCUA_CITIZEN_SESSION_ABSOLUTE_HOURS": str(91 * 24)}, "at most 2160 hours"),
        ({"MOTCUA_STAFF_SESSION_ABSOLUTE_HOURS": "25"}, "at most 24 hours"),
        ({"MOTCUA_STAFF_SESSION_IDLE_HOURS": "13"}, "idle lifetime cannot exceed"),
        (
            {
                "MOTCUA_CITIZEN_SESSION_IDLE_HOURS": "800",
                "MOTCUA_CITIZEN_SESSION_ABSOLUTE_HOURS": "700",
            },
            "idle lifetime cannot exceed",
        ),
    ],
)
def test_production_refuses_session_lifetimes_out_of_range(
    tmp_path: Path, lifetimes: dict[str, str], complaint: str
) -> None:
    environ = {**SAFE_PRODUCTION, "MOTCUA_VAR_DIR": str(tmp_path), **lifetimes}
    with pytest.raises(ConfigurationError, match=complaint):
        load_settings(environ)
    # development takes them: a developer may want a long session
    load_settings({**environ, "MOTCUA_MODE": "development"})


def test_production_accepts_lifetimes_at_the_limits(tmp_path: Path) -> None:
    settings = load_settings(
        {
            **SAFE_PRODUCTION,
            "MOTCUA_VAR_DIR": str(tmp_path),
            "MOTCUA_CITIZEN_SESSION_IDLE_HOURS": str(90 * 24),
            "MOTCUA_CITIZEN_SESSION_ABSOLUTE_HOURS": str(90 * 24),
            "MOTCUA_STAFF_SESSION_IDLE_HOURS": "0.25",
            "MOTCUA_STAFF_SESSION_ABSOLUTE_HOURS": "24",
        }
    )
    assert settings.session_lifetimes("staff")[1].total_seconds() == 24 * 3600


@pytest.mark.parametrize(
    "variable", ["MOTCUA_REQUEST_BODY_TIMEOUT_SECONDS", "MOTCUA_REQUEST_BODY_MIN_RATE"]
)
@pytest.mark.parametrize("value", ["-1", "0", "nan", "slow"])
def test_body_limits_must_be_positive(tmp_path: Path, variable: str, value: str) -> None:
    with pytest.raises(ConfigurationError, match=variable):
        load_settings({"MOTCUA_VAR_DIR": str(tmp_path), variable: value})


def test_without_redis_the_jobs_run_in_the_app_and_with_it_on_the_queue(tmp_path: Path) -> None:
    embedded = load_settings({"MOTCUA_VAR_DIR": str(tmp_path)})
    assert (embedded.redis_url, embedded.jobs, embedded.workers) == ("", "app", 1)
    scaled = load_settings(
        {
            "MOTCUA_VAR_DIR": str(tmp_path),
            "MOTCUA_REDIS_URL": "redis://127.0.0.1:6379/2",
            "MOTCUA_WORKERS": "4",
        }
    )
    assert (scaled.jobs, scaled.workers) == ("queue", 4)
    # One process may keep its jobs while sharing limits through Redis.
    one = {"MOTCUA_VAR_DIR": str(tmp_path), "MOTCUA_REDIS_URL": "redis://r", "MOTCUA_JOBS": "app"}
    assert load_settings(one).jobs == "app"


@pytest.mark.parametrize(
    ("environ", "complaint"),
    [
        ({"MOTCUA_JOBS": "queue"}, "MOTCUA_REDIS_URL"),
        ({"MOTCUA_JOBS": "cron"}, "MOTCUA_JOBS"),
        ({"MOTCUA_WORKERS": "2"}, "MOTCUA_REDIS_URL"),  # limits would be per process
        ({"MOTCUA_WORKERS": "2", "MOTCUA_REDIS_URL": "redis://r", "MOTCUA_JOBS": "app"}, "queue"),
        ({"MOTCUA_WORKERS": "0"}, "MOTCUA_WORKERS"),
        ({"MOTCUA_WORKERS": "two"}, "MOTCUA_WORKERS"),
        ({"MOTCUA_REDIS_URL": "127.0.0.1:6379"}, "MOTCUA_REDIS_URL"),
        ({"MOTCUA_JOB_SCHEDULES": "prune-change-log=every hour"}, "MOTCUA_JOB_SCHEDULES"),
        ({"MOTCUA_JOB_SCHEDULES": "*/5 * * * *"}, "MOTCUA_JOB_SCHEDULES"),
    ],
)
def test_scaling_out_refuses_settings_processes_would_not_share(
    tmp_path: Path, environ: dict[str, str], complaint: str
) -> None:
    with pytest.raises(ConfigurationError, match=complaint):
        load_settings({"MOTCUA_VAR_DIR": str(tmp_path), **environ})


def test_job_schedules_replace_the_jobs_own(tmp_path: Path) -> None:
    from backend.app import HOUSEKEEPING, create_app
    from backend.core.jobs import schedule_of

    settings = load_settings(
        {
            "MOTCUA_VAR_DIR": str(tmp_path),
            "MOTCUA_JOB_SCHEDULES": "prune-change-log = 30 2 * * * ; expire-uploads=0 * * * *",
        }
    )
    schedules = {job.name: schedule_of(job, settings) for job in HOUSEKEEPING}
    assert schedules["prune-change-log"] == "30 2 * * *"
    assert schedules["expire-uploads"] == "0 * * * *"
    assert schedules["mark-overdue-dossiers"] == "*/5 * * * *"  # its own
    typo = load_settings(
        {"MOTCUA_VAR_DIR": str(tmp_path), "MOTCUA_JOB_SCHEDULES": "prune=0 * * * *"}
    )
    with pytest.raises(ConfigurationError, match="no such job: prune"):
        create_app(typo)
