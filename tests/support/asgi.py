"""Talking to the ASGI app directly, the way a server does: headers as sent, and a body that
arrives in the pieces the test chooses, or stops arriving."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import msgspec
from litestar import Litestar
from litestar.testing import AsyncTestClient


@dataclass
class Exchange:
    """One request and what the app answered."""

    status: int = 0
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    body_received: int = 0  # how many of the chunks the app asked for

    def json(self) -> Any:
        return msgspec.json.decode(self.body)


async def exchange(
    client: AsyncTestClient[Litestar],
    method: str,
    path: str,
    *,
    headers: Sequence[tuple[str, str]] = (),
    chunks: Sequence[bytes] = (),
    then_stall: bool = False,
) -> Exchange:
    """Send `chunks` as the body to the test client's app; with `then_stall`, never send its
    end (a client that went quiet), so only a server-side deadline can finish the exchange.
    It runs on the event loop the client runs the app on, like the client's own requests."""
    run = functools.partial(
        _exchange, client.app, method, path, headers=headers, chunks=chunks, then_stall=then_stall
    )
    return client.blocking_portal.call(run)


async def _exchange(
    app: Litestar,
    method: str,
    path: str,
    *,
    headers: Sequence[tuple[str, str]],
    chunks: Sequence[bytes],
    then_stall: bool,
) -> Exchange:
    stalled = asyncio.Event()  # never set: the rest of the body never comes
    answer = Exchange()
    pending = list(chunks)

    async def receive() -> dict[str, Any]:
        if pending:
            answer.body_received += 1
            chunk = pending.pop(0)
            return {
                "type": "http.request",
                "body": chunk,
                "more_body": bool(pending) or then_stall,
            }
        if then_stall:
            await stalled.wait()
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            answer.status = message["status"]
            answer.headers = {k.decode().lower(): v.decode() for k, v in message["headers"]}
        elif message["type"] == "http.response.body":
            answer.body += message.get("body", b"")

    raw_path, _, query = path.partition("?")
    scope = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": raw_path,
        "raw_path": raw_path.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": [(b"host", b"localhost:8000")]
        + [(k.lower().encode(), v.encode()) for k, v in headers],
        "client": ("127.0.0.1", 50000),
        "server": ("localhost", 8000),
        "state": {},
    }
    async with asyncio.timeout(30):  # a safety net: the deadlines under test are far shorter
        await app(scope, receive, send)  # type: ignore[arg-type]
    return answer
