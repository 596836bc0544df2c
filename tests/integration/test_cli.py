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


def test_create_staff_grants_every_role_given(database_url: str, tmp_path: Path) -> None:
    created = motcua(
        database_url,
        tmp_path,
        "create-staff",
        "--name",
        "Lê Thị Cúc",
        "--phone",
        "0988111333",
        "--role",
        "handler@000.00.05.H19",
        "--role",
        "approver@000.00.05.H19",
    )
    assert created.returncode == 0, created.stderr
    assert "Staff account created" in created.stdout
    assert "/enroll#token=" in created.stdout
    unknown_role = motcua(
        database_url, tmp_path, "create-staff", "--name", "Lê Văn A", "--phone", "0988111444",
        "--role", "chief@000.00.05.H19",
    )  # fmt: skip
    assert unknown_role.returncode == 2
    assert "ROLE@AGENCY" in unknown_role.stderr
    unknown_agency = motcua(
        database_url, tmp_path, "create-staff", "--name", "Lê Văn A", "--phone", "0988111444",
        "--role", "desk@000.99.99.H19",
    )  # fmt: skip
    assert unknown_agency.returncode == 1, unknown_agency.stdout


def test_the_job_worker_needs_the_queue(database_url: str, tmp_path: Path) -> None:
    """Without Redis the jobs run inside `serve`: a worker would find no queue, and with
    MOTCUA_JOBS=app it would run them a second time."""
    alone = motcua(database_url, tmp_path, "worker")
    assert alone.returncode == 2
    assert "MOTCUA_REDIS_URL" in alone.stderr


def test_several_app_workers_need_redis(database_url: str, tmp_path: Path) -> None:
    refused = motcua(database_url, tmp_path, "serve", "--no-demo", "--workers", "2")
    assert refused.returncode == 2
    assert "MOTCUA_REDIS_URL" in refused.stderr
