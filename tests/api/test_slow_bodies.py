"""A body must arrive in time (issue 11, build 6): one that is announced and then stops
coming, or trickles, cannot hold a connection for ever; Content-Length is read strictly."""

from __future__ import annotations

from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from backend.app import create_app
from backend.config import Settings
from tests.conftest import settings_for
from tests.support.asgi import exchange
from tests.support.identity import FakeClock, Person

Client = AsyncTestClient[Litestar]


@pytest.mark.parametrize("length", ["+2", "2 ", "0x2", "1_0", "-1", "٢", "2, 2", ""])
async def test_content_length_is_read_strictly(client: Client, length: str) -> None:
    answer = await exchange(
        client,
        "POST",
        "/api/v1/auth/sign-up/options",
        headers=[("content-type", "application/json"), ("content-length", length)],
        chunks=[b"{}"],
    )
    assert answer.status == 400
    assert answer.json()["reason"] == "content_length"


def slow_settings(settings: Settings, tmp_path: Any) -> Settings:
    return settings_for(
        settings.database_url, tmp_path, request_body_timeout=0.05, request_body_min_rate=1e6
    )


async def test_a_body_that_stops_arriving_is_a_408_and_closes_the_connection(
    settings: Settings, tmp_path: Any
) -> None:
    app = create_app(slow_settings(settings, tmp_path), clock=FakeClock())
    async with AsyncTestClient(app, base_url="http://localhost:8000") as client:
        await Person(client).sign_up()
        cookie = "; ".join(f"{name}={value}" for name, value in client.cookies.items())
        answer = await exchange(
            client,
            "POST",
            "/api/v1/auth/sign-up/options",
            headers=[("content-type", "application/json"), ("content-length", "100")],
            chunks=[b'{"fullName": "Nguy'],
            then_stall=True,
        )
        assert answer.status == 408
        assert answer.headers["connection"] == "close"
        assert answer.headers["content-type"].startswith("application/problem+json")
        assert answer.json()["type"].endswith("request-timeout")
        # the same for a body the handler reads itself, and for one of unknown length
        for path, headers in (
            ("/api/v1/sync/push", [("content-length", "1000"), ("cookie", cookie)]),
            ("/api/v1/auth/sign-up/options", [("transfer-encoding", "chunked")]),
        ):
            answer = await exchange(client, "POST", path, headers=headers, then_stall=True)
            assert (answer.status, answer.headers["connection"]) == (408, "close"), path


async def test_an_unread_body_is_drained_or_the_connection_closed(
    settings: Settings, tmp_path: Any
) -> None:
    app = create_app(slow_settings(settings, tmp_path), clock=FakeClock())
    async with AsyncTestClient(app) as client:
        # sign-in options read no body: a small one that came whole keeps the connection
        whole = await exchange(
            client,
            "POST",
            "/api/v1/auth/sign-in/options",
            headers=[("content-length", "2")],
            chunks=[b"{}"],
        )
        assert whole.status == 200
        assert "connection" not in whole.headers
        # one that stops coming cannot keep it
        partial = await exchange(
            client,
            "POST",
            "/api/v1/auth/sign-in/options",
            headers=[("content-length", "20")],
            chunks=[b"{}"],
            then_stall=True,
        )
        assert (partial.status, partial.headers["connection"]) == (200, "close")
        # nor can one sent to no route at all
        lost = await exchange(
            client, "POST", "/api/v1/nowhere", headers=[("content-length", "20")], then_stall=True
        )
        assert (lost.status, lost.headers["connection"]) == (404, "close")


async def test_a_body_that_arrives_in_time_is_read_whole(client: Client) -> None:
    answer = await exchange(
        client,
        "POST",
        "/api/v1/auth/sign-up/options",
        headers=[("content-type", "application/json"), ("content-length", "46")],
        chunks=[b'{"fullName": "Nguy', 'ễn An", '.encode(), b'"phone": "0912345678"}'],
    )
    assert answer.status == 200, answer.body
    assert "connection" not in answer.headers
    assert answer.body_received == 3
