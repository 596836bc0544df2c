"""The operator's command line: the first admin, created with a one-time enrollment link."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[2]


def motcua(database_url: str, var_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "MOTCUA_DATABASE_URL": database_url,
        "MOTCUA_VAR_DIR": str(var_dir),
    }
    return subprocess.run(
        [sys.executable, "-m", "backend", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=ROOT,
    )


def test_create_admin_prints_a_one_time_link_once_per_phone(
    database_url: str, tmp_path: Path
) -> None:
    args = [
        "create-admin",
        "--name",
        "Nguyễn Quản Trị",
        "--phone",
        "0988111222",
        "--agency",
        "000.00.01.H19",
    ]
    first = motcua(database_url, tmp_path, *args)
    assert first.returncode == 0, first.stderr
    assert "/enroll#token=" in first.stdout
    again = motcua(database_url, tmp_path, *args)
    assert again.returncode == 1
    assert "account-exists" in again.stderr
    bad = motcua(
        database_url,
        tmp_path,
        "create-admin",
        "--name",
        "Q",
        "--phone",
        "123",
        "--agency",
        "nowhere",
    )
    assert bad.returncode == 1
    assert "fullName" in bad.stderr
    assert "phone" in bad.stderr
