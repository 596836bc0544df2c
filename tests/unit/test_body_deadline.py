"""The body deadline (backend/core/edge.py `BodyDeadline`) on its own, with a clock the test
moves: a body gets its base time plus the time its size needs at the minimum rate."""

from __future__ import annotations

from typing import Any

import pytest

from backend.core.edge import BodyDeadline
from backend.core.errors import RequestTimeout


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def scope(**headers: str) -> dict[str, Any]:
    return {
        "type": "http",
        "method": "POST",
        "path": "/",
        "headers": [(k.replace("_", "-").encode(), v.encode()) for k, v in headers.items()],
    }


async def read_whole_body(scope: Any, receive: Any, send: Any) -> None:
    """An app that reads its body to the end, then answers."""
    while True:
        message = await receive()
        if not message.get("more_body", False):
            break
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b""})


class Trickle:
    """A client sending `size` bytes at a time, one second apart (as the clock says), for ever."""

    def __init__(self, clock: Clock, size: int, total: int | None = None) -> None:
        self.clock, self.size, self.total, self.sent = clock, size, total, 0

    async def __call__(self) -> dict[str, Any]:
        self.clock.now += 1
        self.sent += self.size
        more = self.total is None or self.sent < self.total
        return {"type": "http.request", "body": b"x" * self.size, "more_body": more}


async def discard(message: Any) -> None:
    pass


def deadline(clock: Clock) -> BodyDeadline:
    return BodyDeadline(read_whole_body, timeout=5, min_rate=100, clock=clock)


async def test_a_trickle_of_a_declared_body_times_out_when_its_time_is_up() -> None:
    clock = Clock()
    client = Trickle(clock, size=1)
    with pytest.raises(RequestTimeout) as timed_out:
        await deadline(clock)(scope(content_length="1000"), client, discard)
    assert clock.now == 15  # 5 s, plus 1000 bytes at 100 bytes a second
    assert client.sent == 15
    assert timed_out.value.params == {"seconds": 15}  # what the 408 tells the client


async def test_a_trickle_of_a_chunked_body_earns_only_the_time_its_bytes_need() -> None:
    clock = Clock()
    client = Trickle(clock, size=10)
    with pytest.raises(RequestTimeout):
        await deadline(clock)(scope(transfer_encoding="chunked"), client, discard)
    assert clock.now == 6  # 5 s, plus 0.1 s for each 10 bytes that came


async def test_a_body_at_the_minimum_rate_arrives_whole() -> None:
    clock = Clock()
    sent: list[Any] = []

    async def keep(message: Any) -> None:
        sent.append(message)

    client = Trickle(clock, size=100, total=1000)
    await deadline(clock)(scope(content_length="1000"), client, keep)
    assert sent[0]["status"] == 200
    assert sent[0]["headers"] == []  # the connection stays open for the next request


async def test_other_connections_pass_untouched() -> None:
    seen: list[Any] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        seen.append(scope["type"])

    await BodyDeadline(app, timeout=5, min_rate=100)({"type": "lifespan"}, discard, discard)  # type: ignore[arg-type]
    assert seen == ["lifespan"]


async def test_a_slow_handler_does_not_make_a_whole_body_the_clients_fault() -> None:
    """The handler answers after the body's deadline without reading the body, which had
    come whole: the rest is drained at once and the connection kept (it was closed when the
    drain was held to the deadline the server itself had used up)."""
    clock = Clock()
    sent: list[dict[str, Any]] = []

    async def slow_unreading_app(scope: Any, receive: Any, send: Any) -> None:
        clock.now += 60  # the handler's work: far past the body's 5 s
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    async def whole_body() -> dict[str, Any]:
        return {"type": "http.request", "body": b"{}", "more_body": False}

    async def record(message: dict[str, Any]) -> None:
        sent.append(message)

    app = BodyDeadline(slow_unreading_app, timeout=5, min_rate=100, clock=clock)
    await app(scope(content_length="2"), whole_body, record)
    assert (b"connection", b"close") not in sent[0]["headers"]
