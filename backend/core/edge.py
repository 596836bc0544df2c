"""What every request passes before a handler sees it: readable JSON, the text policy, and a
body that arrives in time (decision 0015).

- `EdgeRequest` is the app's request class. Litestar feeds every `data: JSONBody[...]`
  parameter from `Request.json()`, so decoding there covers every JSON route: a body that is
  not JSON, not UTF-8 or nested too deep is a 400 problem, and a string that breaks the text
  policy (`backend.core.text`) a 422 field problem naming its path; handlers get the cleaned
  copy. The sync push reads its body itself and applies the policy per mutation.
- `check_parameters`, an app-wide guard, does the same for path and query parameters.
- `BodyDeadline`, a middleware, bounds the time a request's body may take to arrive; uvicorn
  bounds none of it, so a client that announces a body and sends part of it (or trickles it)
  would hold its connection for ever. `close_unread_bodies`, a before-send hook, closes the
  connection after a response to a request whose body was not read to its end.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Callable
from typing import Any, Final, cast

import msgspec
from litestar import Request
from litestar.connection import ASGIConnection
from litestar.datastructures.state import State
from litestar.enums import ScopeType
from litestar.handlers.base import BaseRouteHandler
from litestar.types import ASGIApp, Empty, Message, Receive, ReceiveMessage, Scope, Send
from litestar.utils.scope.state import ScopeState

from backend.core import text
from backend.core.errors import FieldProblem, MalformedRequest, RequestTimeout, ValidationFailed

_decoder: Final = msgspec.json.Decoder()
_BODY_KEY: Final = "motcua.body"  # the body's progress, kept in the ASGI scope
DRAIN_LIMIT: Final = 64 * 1024
"""An unread rest of a body up to this size is read and dropped, so the connection stays
open for the next request; a longer one closes it."""
DRAIN_GRACE: Final = 1.0
"""Seconds a drain may take even when the body's deadline has passed meanwhile: a slow
handler is the server's lateness, not the client's, and a rest that already arrived is read at
once."""


def _field_problems(problems: list[text.TextProblem]) -> list[FieldProblem]:
    return [FieldProblem(p.path or "body", p.code, dict(p.params)) for p in problems]


def read_json(body: bytes) -> Any:
    """A JSON body decoded and passed through the text policy: the cleaned value, or
    `MalformedRequest` (400) or `ValidationFailed` (422, every broken string by path)."""
    try:
        value = _decoder.decode(text.repair_lone_surrogates(body) if body else b"null")
        cleaned, problems = text.clean(value)
    except UnicodeDecodeError as exc:
        raise MalformedRequest(reason="encoding") from exc
    except (RecursionError, text.TooDeep) as exc:
        raise MalformedRequest(reason="too_deep", max=text.MAX_DEPTH) from exc
    except (msgspec.DecodeError, ValueError) as exc:
        raise MalformedRequest(reason="json") from exc
    if problems:
        raise ValidationFailed(_field_problems(problems))
    return cleaned


class EdgeRequest(Request[Any, Any, State]):
    """The app's request class: its JSON body is decoded by `read_json`."""

    async def json(self) -> Any:
        if self._json is Empty:
            state = self._connection_state
            if state.json is Empty:
                state.json = read_json(await self.body())
            self._json = state.json
        return self._json


async def check_parameters(
    connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler
) -> None:
    """The text policy for path and query parameters: refused ones are a 422 naming each;
    the others reach the handler normalised."""
    problems: list[text.TextProblem] = []
    path_params: dict[str, Any] = connection.scope.get("path_params") or {}
    for name, value in path_params.items():
        if isinstance(value, str):
            cleaned, found = text.clean(value, path=name)
            path_params[name] = cleaned
            problems += found
    query = connection.query_params.multi_items()
    cleaned_query = []
    for name, value in query:
        if (problem := text.text_problem(name)) is not None:
            problems.append(text.TextProblem(text.escaped(name), *problem))
        if isinstance(value, str):
            value, found = text.clean(value, path=text.escaped(name))
            problems += found
        cleaned_query.append((name, value))
    if problems:
        raise ValidationFailed(_field_problems(problems))
    if query:
        parsed = tuple(cleaned_query)
        ScopeState.from_scope(connection.scope).parsed_query = parsed
        connection._parsed_query = parsed  # what Litestar's query extractor reads


def decimal_header(value: str) -> int | None:
    """A header holding a non-negative integer, read strictly: ASCII digits only (no sign,
    space, underscore or other scripts' digits, all of which `int()` accepts); else None."""
    if not value or len(value) > 18 or not (value.isascii() and value.isdigit()):
        return None
    return int(value)


def _declared_length(scope: Scope) -> tuple[int | None, bool]:
    """(Content-Length, whether a body is announced at all)."""
    lengths = {v for k, v in scope.get("headers", ()) if k == b"content-length"}
    chunked = any(k == b"transfer-encoding" for k, _ in scope.get("headers", ()))
    if not lengths:
        return None, chunked
    if len(lengths) > 1:
        raise MalformedRequest(reason="content_length")
    length = decimal_header(lengths.pop().decode("latin-1"))
    if length is None:
        raise MalformedRequest(reason="content_length")
    return length, length > 0 or chunked


class _Body:
    """How much of one request's body has arrived, and whether all of it."""

    __slots__ = ("complete", "received")

    def __init__(self, complete: bool) -> None:
        self.complete = complete
        self.received = 0


class BodyDeadline:
    """The whole body must arrive within `timeout` seconds plus the time its size needs at
    `min_rate` bytes a second (a 1 MiB upload chunk gets 128 s more at 8 KiB/s, enough for
    EDGE); past that the request fails with `RequestTimeout` (408) and the connection is
    closed. A body of unknown length (chunked) earns its time as it arrives. A response that
    starts before the body has been read to its end first drains what remains (up to
    `DRAIN_LIMIT`, within the same deadline), or closes the connection."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        timeout: float,
        min_rate: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.app = app
        self.timeout = timeout
        self.min_rate = min_rate
        self.clock = clock

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await self.app(scope, receive, send)
            return
        declared, announced = _declared_length(scope)
        body = _Body(complete=not announced)
        cast("dict[str, Any]", scope)[_BODY_KEY] = body
        started = self.clock()

        def deadline() -> float:
            return started + self.timeout + max(declared or 0, body.received) / self.min_rate

        def too_late() -> RequestTimeout:
            return RequestTimeout(seconds=math.ceil(deadline() - started))

        async def receive_in_time() -> ReceiveMessage:
            if body.complete:
                return await receive()
            remaining = deadline() - self.clock()
            if remaining <= 0:
                raise too_late()
            try:
                async with asyncio.timeout(remaining):
                    message = await receive()
            except TimeoutError:
                raise too_late() from None
            if message["type"] == "http.request":
                body.received += len(message.get("body", b""))
                body.complete = not message.get("more_body", False)
            elif message["type"] == "http.disconnect":
                body.complete = True
            return message

        async def drain() -> None:
            """Read and drop the rest, within the deadline or the grace, whichever is later."""
            until = max(deadline(), self.clock() + DRAIN_GRACE)
            while not body.complete:
                try:
                    async with asyncio.timeout(max(0.0, until - self.clock())):
                        message = await receive()
                except TimeoutError:
                    return
                if message["type"] == "http.request":
                    body.received += len(message.get("body", b""))
                    body.complete = not message.get("more_body", False)
                else:
                    body.complete = True

        async def send_closing_if_unread(message: Message) -> None:
            if message["type"] == "http.response.start" and not body.complete:
                unread = (declared - body.received) if declared is not None else None
                if unread is not None and unread <= DRAIN_LIMIT:
                    await drain()
                if not body.complete:
                    message["headers"] = [*message.get("headers", ()), (b"connection", b"close")]
            await send(message)

        await self.app(scope, receive_in_time, send_closing_if_unread)


async def close_unread_bodies(message: Message, scope: Scope) -> None:
    """Before-send hook: a response to a request whose body nobody read (no route matched)
    closes the connection, so the unread rest cannot keep it open."""
    if message["type"] != "http.response.start" or _BODY_KEY in scope:
        return
    try:
        _, announced = _declared_length(scope)
    except MalformedRequest:
        announced = True
    if announced:
        message["headers"] = [*message.get("headers", ()), (b"connection", b"close")]
