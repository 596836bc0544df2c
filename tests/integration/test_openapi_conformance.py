"""The API is what its OpenAPI description says (issue 11, acceptance 3): schemathesis reads
the description from the real server and sends it generated requests for every operation,
anonymously and as a signed-in citizen, checking that no answer is a server error, and that
each one's status, content type, headers and body are the ones the description declares
(problem details included).

Bounded in time for the README's test command: a fixed number of examples per operation and a
fixed seed, so CI runs the same requests each time (`MOTCUA_SCHEMATHESIS_EXAMPLES` asks for
more, e.g. locally). The report of a failing run is printed.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.support.authenticator import SoftwareAuthenticator
from tests.support.identity import new_phone
from tests.support.server import served

EXAMPLES = os.environ.get("MOTCUA_SCHEMATHESIS_EXAMPLES", "10")
CHECKS = ",".join(
    (
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_headers_conformance",
        "response_schema_conformance",
    )
)
SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")


def signed_up_citizen(http: httpx.Client) -> str:
    """A citizen signs up with a passkey; their session cookie, as a browser sends it."""
    origin = str(http.base_url).rstrip("/").replace("127.0.0.1", "localhost")
    authenticator = SoftwareAuthenticator(origin=origin)
    options = http.post(
        "/api/v1/auth/sign-up/options", json={"fullName": "Nguyễn Văn Kiểm", "phone": new_phone()}
    ).json()
    verified = http.post(
        "/api/v1/auth/sign-up/verify",
        json={
            "ceremonyId": options["ceremonyId"],
            "credential": authenticator.create(options["publicKey"]),
        },
    )
    assert verified.status_code == 201, verified.text
    return "; ".join(f"{name}={value}" for name, value in verified.cookies.items())


def schemathesis_run(
    base_url: str, report: Path, *headers: str, exclude: tuple[str, ...] = ()
) -> subprocess.CompletedProcess[str]:
    command = [
        str(SCHEMATHESIS),
        "run",
        f"{base_url}/api/docs/openapi.json",
        "--checks",
        CHECKS,
        "--max-examples",
        EXAMPLES,
        "--seed",
        "20261204",
        "--workers",
        "1",
        # A keep-alive connection the server closes after 5 s idle (uvicorn's
        # timeout_keep_alive) can meet the next request on the wire: that is the network's
        # race, which HTTP clients retry; a status or body is never retried.
        "--request-retries",
        "2",
        "--generation-database",
        "none",
        "--no-color",
        "--report",
        "junit",
        "--report-junit-path",
        str(report),
    ]
    for header in headers:
        command += ["--header", header]
    for operation_id in exclude:
        command += ["--exclude-operation-id", operation_id]
    return subprocess.run(command, capture_output=True, text=True, timeout=900, check=False)


@pytest.fixture
def server(database_url: str, tmp_path: Path) -> httpx.Client:
    with served(database_url, tmp_path) as http:
        yield http


def test_anonymous_requests_get_only_documented_answers(
    server: httpx.Client, tmp_path: Path
) -> None:
    run = schemathesis_run(str(server.base_url).rstrip("/"), tmp_path / "anonymous.xml")
    assert run.returncode == 0, run.stdout[-20_000:] + run.stderr[-5_000:]


def test_a_citizens_requests_get_only_documented_answers(
    server: httpx.Client, tmp_path: Path
) -> None:
    cookie = signed_up_citizen(server)
    run = schemathesis_run(
        str(server.base_url).rstrip("/"),
        tmp_path / "citizen.xml",
        f"Cookie: {cookie}",
        # Signing out would end the session the rest of the run stands on (the anonymous run
        # and the authorization matrix call them).
        exclude=("signOut", "signOutEverywhere"),
    )
    assert run.returncode == 0, run.stdout[-20_000:] + run.stderr[-5_000:]
