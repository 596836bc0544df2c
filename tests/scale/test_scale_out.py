"""Two app processes on one PostgreSQL database and one Redis behave as one app (issue 12,
acceptance 3). Two real `python -m backend serve` processes, on two ports, share a throwaway
database and the test's Redis database, as N app workers behind a reverse proxy do; the test's
"proxy" (`Balancer`) sends each request to one of them, in turn or as told:

- rate limits are counted for both together: requests alternated between them from one
  address are refused at the limit of one process, and misses on a lookup code made on one
  slow the code down on the other;
- a scheduled job runs once per scheduled time, run by the job workers only (two of them),
  never by the app processes;
- dossiers received at the same moment on both get unique, consecutive codes;
- a sync cursor one process gave continues on the other.
"""

from __future__ import annotations

import asyncio
import itertools
import re
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import httpx
import msgspec
import pytest
import redis
from sqlalchemy import select

from backend.config import Settings
from backend.core.queue import PREFIX, JobRun
from backend.models import Agency, Dossier
from tests.conftest import TEST_SECRET
from tests.support.applications import submit_args, valid_fields
from tests.support.identity import ORIGIN, Person, staff_member
from tests.support.server import free_port, job_worker, served
from tests.support.sync import Installation, database

pytestmark = pytest.mark.scale
# A procedure whose application needs no document: dossiers are made without uploads.
NO_DOCUMENTS = "3.000347"
RECEIVED_AT_ONCE = 12
EVERY_SECOND = "remove-expired-ceremonies=* * * * * *"


class Balancer(httpx.AsyncBaseTransport):
    """What the reverse proxy does: each request goes to one of the app processes, in turn,
    or to the one `to` names. Cookies and the Host stay the public origin's, as through a
    proxy. `served` counts the requests each process got."""

    def __init__(self, ports: list[int]) -> None:
        self.ports = ports
        self.turns = itertools.cycle(range(len(ports)))
        self.pinned: int | None = None
        self.served: Counter[int] = Counter()
        self.inner = httpx.AsyncHTTPTransport()

    @contextmanager
    def to(self, process: int) -> Iterator[None]:
        self.pinned = process
        try:
            yield
        finally:
            self.pinned = None

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        process = self.pinned if self.pinned is not None else next(self.turns)
        self.served[process] += 1
        forwarded = httpx.Request(
            request.method,
            request.url.copy_with(scheme="http", host="127.0.0.1", port=self.ports[process]),
            headers=request.headers,
            stream=request.stream,
            extensions=request.extensions,
        )
        return await self.inner.handle_async_request(forwarded)

    async def aclose(self) -> None:
        await self.inner.aclose()


@contextmanager
def two_app_processes(
    database_url: str, var_dir: Path, redis_url: str, **env: str
) -> Iterator[Balancer]:
    """Two `serve` processes as production runs them behind a proxy: one public address, one
    secret, one database, one Redis, one var/ (a host's disk), the jobs on the queue."""
    shared = {
        "MOTCUA_REDIS_URL": redis_url,
        "MOTCUA_PUBLIC_URL": ORIGIN,
        "MOTCUA_SECRET_KEY": TEST_SECRET,
        "MOTCUA_BACKGROUND_JOBS": "1",
        **env,
    }
    with ExitStack() as stack:
        apps = [
            stack.enter_context(served(database_url, var_dir, port=free_port(), **shared))
            for _ in range(2)
        ]
        ports = [app.base_url.port for app in apps]
        assert all(port is not None for port in ports)
        yield Balancer([port for port in ports if port is not None])


@contextmanager
def browser(balancer: Balancer) -> Iterator[httpx.AsyncClient]:
    """A browser (its own cookies) reaching the app through the proxy."""
    yield httpx.AsyncClient(base_url=ORIGIN, transport=balancer, timeout=30)


def wait_until(found: Callable[[], Any], what: str, seconds: float = 60) -> Any:
    """Poll `found` until it gives something true, at most `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if value := found():
            return value
        time.sleep(0.1)
    raise AssertionError(f"not within {seconds} s: {what}")


async def test_rate_limits_are_counted_across_the_processes(
    database_url: str, tmp_path: Path, redis_url: str
) -> None:
    with (
        two_app_processes(database_url, tmp_path, redis_url) as balancer,
        browser(balancer) as http,
    ):
        # Recovery: 10 tries per address in 15 minutes (guard RATE_LIMITS).
        tries = [await http.post("/api/v1/auth/recovery-codes/redeem", json={}) for _ in range(12)]
        assert [r.status_code for r in tries[:10]] == [400] * 10  # tried (and wrong)
        assert balancer.served == Counter({0: 6, 1: 6})
        for refused in tries[10:]:  # one on each process: both know the ten
            assert refused.status_code == 429
            assert int(refused.headers["retry-after"]) > 0

        # Misses on one code, alternated: the fourth (free: three) slows the code down on
        # the other process too.
        code = {"code": "000.00.01.H19-261123-0042", "phone": "1234"}
        misses = [await http.get("/api/v1/lookup", params=code) for _ in range(4)]
        assert [r.status_code for r in misses] == [404] * 4
        for process in (0, 1):
            with balancer.to(process):
                slowed = await http.get("/api/v1/lookup", params=code)
            assert slowed.status_code == 429
            assert slowed.json()["type"].endswith("lookup-slowed")


def runs_of(redis_client: redis.Redis, job: str) -> list[JobRun]:
    raw: list[bytes] = redis_client.lrange(f"{PREFIX}runs:{job}", 0, -1)  # type: ignore[assignment]
    return [msgspec.json.decode(entry, type=JobRun) for entry in raw]


def test_a_scheduled_job_runs_once_per_time_and_only_in_the_job_workers(
    database_url: str, tmp_path: Path, redis_url: str, redis_client: redis.Redis
) -> None:
    env = {"MOTCUA_JOB_SCHEDULES": EVERY_SECOND}
    with (
        two_app_processes(database_url, tmp_path, redis_url, **env),
        job_worker(database_url, MOTCUA_REDIS_URL=redis_url, **env) as first,
        job_worker(database_url, MOTCUA_REDIS_URL=redis_url, **env) as second,
    ):
        runs = wait_until(
            lambda: (found := runs_of(redis_client, "remove-expired-ceremonies"))[7:] and found,
            "eight runs of the every-second job",
        )
    times = [run.scheduled for run in runs]
    assert len(set(times)) == len(times), Counter(times).most_common(3)  # once per time
    assert times == sorted(times)
    assert all(t.microsecond == 0 for t in times)  # the schedule's own times, whole seconds
    assert {run.by for run in runs} <= {first, second}  # no app process ran it
    # Most times got their run (the queue may skip one now and then; it never doubles one).
    assert (times[-1] - times[0]).total_seconds() <= 2 * len(times)


async def test_dossiers_received_at_once_on_both_processes_get_consecutive_codes(
    database_url: str, tmp_path: Path, redis_url: str, settings: Settings
) -> None:
    with (
        two_app_processes(database_url, tmp_path, redis_url) as balancer,
        browser(balancer) as citizen_phone,
        browser(balancer) as desk_pc,
    ):
        citizen = Person(citizen_phone)
        await citizen.sign_up()
        phone = Installation(citizen_phone)
        assert (await phone.register()).status_code == 200
        procedure = (await citizen_phone.get(f"/api/v1/procedures/{NO_DOCUMENTS}")).json()
        commune = (await citizen_phone.get("/api/v1/administrative-units")).json()
        fields = valid_fields(procedure["variants"][0]["form"], _a_commune(commune))
        submitted = [
            phone.mutation("dossier.submit", submit_args(NO_DOCUMENTS, fields, {}))
            for _ in range(RECEIVED_AT_ONCE)
        ]
        pushed = await phone.push(*submitted)
        assert pushed.status_code == 200, pushed.text
        assert [r["status"] for r in pushed.json()["results"]] == ["applied"] * RECEIVED_AT_ONCE
        ids = [m["args"]["dossierId"] for m in submitted]
        desk = await _desk_agency(settings, ids[0])
        await staff_member(settings, desk_pc, "Trần Văn Bình", f"desk@{desk}")

        balancer.served.clear()
        received = await asyncio.gather(
            *(
                desk_pc.post(f"/api/v1/work/dossiers/{dossier}/actions", json={"action": "receive"})
                for dossier in ids
            )
        )
        assert balancer.served == Counter({0: RECEIVED_AT_ONCE // 2, 1: RECEIVED_AT_ONCE // 2})
    assert all(r.status_code == 200 for r in received), [r.text for r in received]
    codes = [r.json()["code"] for r in received]
    by_day: dict[str, list[int]] = {}
    for code in codes:
        match = re.fullmatch(rf"({re.escape(desk)}-\d{{6}})-(\d{{4}})", code)
        assert match, code
        by_day.setdefault(match.group(1), []).append(int(match.group(2)))
    # One day's sequence (two, should the test straddle midnight), each without gap or twin.
    assert all(sorted(n) == list(range(1, len(n) + 1)) for n in by_day.values()), by_day


def _a_commune(units: Any) -> str:
    items = units["items"] if isinstance(units, dict) else units
    return next(str(unit["code"]) for unit in items if unit["level"] == "commune")


async def _desk_agency(settings: Settings, dossier_id: str) -> str:
    query = (
        select(Agency.code)
        .join(Dossier, Dossier.step_agency_id == Agency.id)
        .where(Dossier.id == dossier_id)
    )
    return str((await database(settings, query)).scalar_one())


async def test_a_sync_cursor_from_one_process_continues_on_the_other(
    database_url: str, tmp_path: Path, redis_url: str
) -> None:
    def saved(draft: str, value: str) -> dict[str, Any]:
        args = {"draftId": draft, "procedureCode": NO_DOCUMENTS, "fields": {"note": value}}
        return phone.mutation("draft.save", {**args, "baseVersion": None})

    with (
        two_app_processes(database_url, tmp_path, redis_url) as balancer,
        browser(balancer) as http,
    ):
        await Person(http).sign_up()
        phone = Installation(http)
        first, second = str(uuid.uuid4()), str(uuid.uuid4())
        with balancer.to(0):
            assert (await phone.register()).status_code == 200
            assert (await phone.push(saved(first, "một"))).status_code == 200
            page = await phone.pull()
            assert [c["id"] for c in page["changes"] if c["entity"] == "draft"] == [first]
        with balancer.to(1):
            assert (await phone.push(saved(second, "hai"))).status_code == 200
            page = await phone.pull()  # the cursor process 0 signed
        assert "resetRequired" not in page or page["resetRequired"] is None
        assert [(c["entity"], c["id"]) for c in page["changes"]] == [("draft", second)]
        assert page["lastMutationId"] == 2
        with balancer.to(0):
            page = await phone.pull()  # and back: nothing new
        assert page["changes"] == []
        assert not page["hasMore"]


def test_serve_with_two_workers_is_one_app(
    database_url: str, tmp_path: Path, redis_url: str
) -> None:
    """The documented way, `serve --workers 2` (MOTCUA_WORKERS): uvicorn's supervisor and two
    worker processes on one socket, each building its app from the environment; a new
    connection each time, so either worker may answer; the limits are still the one app's."""
    env = {
        "MOTCUA_REDIS_URL": redis_url,
        "MOTCUA_PUBLIC_URL": ORIGIN,
        "MOTCUA_SECRET_KEY": TEST_SECRET,
        "MOTCUA_WORKERS": "2",
    }
    with served(database_url, tmp_path, port=free_port(), **env) as app:
        answers = []
        for _ in range(12):
            with httpx.Client(base_url=app.base_url, timeout=30) as fresh:
                answers.append(fresh.post("/api/v1/auth/recovery-codes/redeem", json={}))
        assert app.get("/api/health").status_code == 200
    assert [r.status_code for r in answers] == [400] * 10 + [429] * 2
