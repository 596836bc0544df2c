"""Settings: development fills in its own secret; production refuses to start unsafely."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from backend.config import ConfigurationError, load_settings

SAFE_PRODUCTION = {
    "MOTCUA_MODE": "production",
    "MOTCUA_SECRET_KEY": "s" * 48,
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
