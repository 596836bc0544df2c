"""The `motcua` command: serve, migrate, import a catalogue, load demo data.

python -m backend serve [--host 127.0.0.1] [--port 8000] [--no-demo] [--workers N]
python -m backend worker
python -m backend migrate
python -m backend import-catalogue FILE
python -m backend seed-demo
python -m backend create-admin --name NAME --phone PHONE --agency CODE
python -m backend create-staff --name NAME --phone PHONE --role ROLE@AGENCY [--role ...]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import logging
import os
import sys
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import TypeVar, get_args

import msgspec
from sqlalchemy.ext.asyncio import AsyncSession
from uvicorn.supervisors import Multiprocess

from backend.config import ConfigurationError, Settings, check_scale_out, load_settings
from backend.core import runner
from backend.core.db import create_engine, session_factory
from backend.core.errors import DomainError, ValidationFailed
from backend.core.messages import field_message
from backend.core.migrations import upgrade
from backend.features.catalogue.service import (
    CatalogueError,
    ImportReport,
    import_catalogue,
    load_administrative_units,
    load_holidays,
    parse_catalogue,
)
from backend.features.identity.demo import seed_demo_people
from backend.features.identity.schemas import RoleIn, StaffCreate
from backend.features.identity.service import Context, enroll_staff
from backend.models.identity import Role

SEED_CATALOGUE = Path(__file__).parent / "features" / "catalogue" / "seed" / "catalogue.json"
T = TypeVar("T")
log = logging.getLogger("motcua")


async def _in_transaction(
    settings: Settings, use_case: Callable[[AsyncSession], Awaitable[T]]
) -> T:
    engine = create_engine(settings.resolved_database_url)
    try:
        async with session_factory(engine)() as db, db.begin():
            return await use_case(db)
    finally:
        await engine.dispose()


async def seed_demo(settings: Settings) -> ImportReport:
    """The demo province: its communes and agencies, the holiday calendar, eight procedures."""
    catalogue = parse_catalogue(SEED_CATALOGUE.read_bytes())
    now = dt.datetime.now(dt.UTC)

    async def seed(db: AsyncSession) -> ImportReport:
        await load_administrative_units(db, settings.province_code)
        await load_holidays(db, range(now.year - 1, now.year + 3))
        return await import_catalogue(db, catalogue, now=now)

    return await _in_transaction(settings, seed)


async def demo_people(settings: Settings) -> list[tuple[str, str]]:
    ctx = Context(settings=settings, now=dt.datetime.now(dt.UTC))
    return await _in_transaction(settings, lambda db: seed_demo_people(db, ctx))


def print_demo_links(links: list[tuple[str, str]]) -> None:
    if not links:
        return
    print("Demo accounts without a passkey — open a link in a desktop browser to enroll one:")
    for name, url in links:
        print(f"  {name}: {url}")


def _print_report(report: ImportReport) -> None:
    for label, codes in (
        ("created", report.created),
        ("updated", report.updated),
        ("new variant version", report.versioned),
        ("unchanged", report.unchanged),
    ):
        if codes:
            print(f"  {label}: {', '.join(codes)}")


def serve(settings: Settings, host: str, port: int, *, demo: bool) -> None:
    """Migrate, load demo data, then serve. The socket is bound before the line
    `MotCua listening on ...` is printed, so whoever waits for it can connect at once."""
    from backend.app import create_app

    upgrade(settings.resolved_database_url)
    if demo:
        _print_report(asyncio.run(seed_demo(settings)))
    sock = runner.listening_socket(host, port)
    bound_port = sock.getsockname()[1]
    public = "localhost" if host in ("127.0.0.1", "0.0.0.0") else host  # noqa: S104
    if not settings.is_production and "MOTCUA_PUBLIC_URL" not in os.environ:
        # WebAuthn checks the exact origin: in development it is where we listen.
        settings = msgspec.structs.replace(settings, public_url=f"http://{public}:{bound_port}")
    if demo:
        print_demo_links(asyncio.run(demo_people(settings)))
    print(f"MotCua listening on {settings.public_url} ({settings.mode})", flush=True)
    print(_jobs_line(settings), flush=True)
    if settings.workers == 1:
        runner.run(create_app(settings), sock)
        return
    # Several workers: uvicorn's supervisor starts them on the socket bound above (and replaces
    # one that dies); each builds its app from the environment, as this process read it
    # (`create_app` as a factory), with the address WebAuthn checks found above.
    os.environ["MOTCUA_PUBLIC_URL"] = settings.public_url
    config = runner.server_config("backend.app:create_app", factory=True, workers=settings.workers)
    Multiprocess(config, sockets=[sock]).run()


def _jobs_line(settings: Settings) -> str:
    if not settings.background_jobs and settings.jobs == "app":
        return "Housekeeping jobs: off (MOTCUA_BACKGROUND_JOBS=0)"
    if settings.jobs == "app":
        return "Housekeeping jobs: inside this process"
    return "Housekeeping jobs: on the queue, run by `python -m backend worker`"


def work(settings: Settings) -> int:
    """The job worker: the housekeeping jobs from the queue (SAQ on Redis)."""
    from backend.app import HOUSEKEEPING
    from backend.core.queue import run_worker

    if settings.jobs != "queue":
        print(
            "the job worker runs the jobs from the queue: set MOTCUA_REDIS_URL (and leave "
            "MOTCUA_JOBS unset or `queue`); without it the jobs run inside `serve`",
            file=sys.stderr,
        )
        return 2
    logging.getLogger("saq").setLevel(logging.WARNING)  # our own line says what each run did
    asyncio.run(run_worker(settings, HOUSEKEEPING))
    return 0


def _role_in(value: str) -> RoleIn:
    """`ROLE@AGENCY` (or `postal@UNIT`) from the command line."""
    role, _, place = value.partition("@")
    if role not in get_args(Role) or not place:
        raise ValueError(f"--role {value!r}: expected ROLE@AGENCY, ROLE one of {get_args(Role)}")
    if role == "postal":
        return RoleIn(role="postal", postal_unit=place)
    return RoleIn(role=role, agency_code=place)  # type: ignore[arg-type]


def _create_staff(settings: Settings, request: StaffCreate, what: str) -> int:
    upgrade(settings.resolved_database_url)
    ctx = Context(settings=settings, now=dt.datetime.now(dt.UTC))
    try:
        _, link = asyncio.run(
            _in_transaction(settings, lambda db: enroll_staff(db, ctx, request, created_by=None))
        )
    except ValidationFailed as exc:
        for problem in exc.errors:
            message = field_message(problem.code, "en", problem.params)
            print(f"{problem.field}: {message}", file=sys.stderr)
        return 1
    except DomainError as exc:
        print(f"cannot create the account: {exc.problem_type} {exc.params}", file=sys.stderr)
        return 1
    print(f"{what} created. One-time enrollment link (valid until {link.expires_at}):")
    print(f"  {link.url}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="motcua", description="MotCua one-stop services")
    commands = parser.add_subparsers(dest="command", required=True)
    serve_cmd = commands.add_parser("serve", help="migrate, load demo data, serve the app")
    serve_cmd.add_argument("--host", default="127.0.0.1")
    serve_cmd.add_argument("--port", type=int, default=8000)
    serve_cmd.add_argument(
        "--no-demo", action="store_true", help="do not load the demo province and catalogue"
    )
    serve_cmd.add_argument(
        "--workers",
        type=int,
        default=None,
        help="app worker processes (default MOTCUA_WORKERS, or 1); more than one needs "
        "MOTCUA_REDIS_URL",
    )
    commands.add_parser("worker", help="run the housekeeping jobs from the queue (Redis)")
    commands.add_parser("migrate", help="apply database migrations")
    import_cmd = commands.add_parser("import-catalogue", help="import a catalogue file (JSON)")
    import_cmd.add_argument("file", type=Path)
    commands.add_parser("seed-demo", help="load the demo province and catalogue")
    admin_cmd = commands.add_parser(
        "create-admin", help="create an admin and print the one-time link to enroll a passkey"
    )
    admin_cmd.add_argument("--name", required=True, help="full name")
    admin_cmd.add_argument("--phone", required=True, help="Vietnamese mobile number")
    admin_cmd.add_argument("--agency", required=True, help="agency code, e.g. 000.00.01.H19")
    staff_cmd = commands.add_parser(
        "create-staff",
        help="create a staff account with roles and print its one-time enrollment link",
    )
    staff_cmd.add_argument("--name", required=True, help="full name")
    staff_cmd.add_argument("--phone", required=True, help="Vietnamese mobile number")
    staff_cmd.add_argument(
        "--role",
        required=True,
        action="append",
        metavar="ROLE@AGENCY",
        help="e.g. handler@000.00.05.H19, or postal@<postal unit>; repeat for several",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")

    try:
        settings = load_settings()
    except ConfigurationError as exc:
        print(exc, file=sys.stderr)
        return 2
    if args.command == "serve":
        if args.workers is not None:
            settings = msgspec.structs.replace(settings, workers=args.workers)
        try:
            if settings.workers < 1:
                raise ConfigurationError("--workers must be at least 1")
            check_scale_out(settings)
        except ConfigurationError as exc:
            print(exc, file=sys.stderr)
            return 2
        serve(settings, args.host, args.port, demo=not args.no_demo and not settings.is_production)
    elif args.command == "worker":
        return work(settings)
    elif args.command == "migrate":
        upgrade(settings.resolved_database_url)
    elif args.command == "seed-demo":
        upgrade(settings.resolved_database_url)
        _print_report(asyncio.run(seed_demo(settings)))
    elif args.command == "create-admin":
        admin = StaffCreate(
            full_name=args.name,
            phone=args.phone,
            roles=[RoleIn(role="admin", agency_code=args.agency)],
        )
        return _create_staff(settings, admin, "Admin")
    elif args.command == "create-staff":
        try:
            roles = [_role_in(value) for value in args.role]
        except ValueError as exc:
            print(exc, file=sys.stderr)
            return 2
        staff = StaffCreate(full_name=args.name, phone=args.phone, roles=roles)
        return _create_staff(settings, staff, "Staff account")
    elif args.command == "import-catalogue":
        try:
            catalogue = parse_catalogue(args.file.read_bytes())
        except (OSError, CatalogueError) as exc:
            print(f"cannot import {args.file}: {exc}", file=sys.stderr)
            return 1
        now = dt.datetime.now(dt.UTC)
        report = asyncio.run(
            _in_transaction(settings, lambda db: import_catalogue(db, catalogue, now=now))
        )
        _print_report(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
