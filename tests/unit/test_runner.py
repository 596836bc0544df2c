"""The runner answers a kept-alive connection without waiting on Nagle's algorithm (issue 12):
the connections it accepts have TCP_NODELAY, under the event loop it runs (uvloop) and under
plain asyncio alike, because the listening socket is made as a TCP socket. Nothing is timed:
the socket option is the cause, and it is read off the accepted socket."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Callable, Coroutine
from typing import Any

import pytest
import uvloop

from backend.core import runner

Runner = Callable[[Coroutine[Any, Any, int]], int]
LOOPS: dict[str, Runner] = {"asyncio": asyncio.run, "uvloop": uvloop.run}


async def nodelay_of_an_accepted_connection(listening: socket.socket) -> int:
    """Accept one connection on `listening` and read TCP_NODELAY off the server's side."""
    loop = asyncio.get_running_loop()
    seen: asyncio.Future[int] = loop.create_future()

    class Server(asyncio.Protocol):
        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            accepted = transport.get_extra_info("socket")
            seen.set_result(accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            transport.close()

    server = await loop.create_server(Server, sock=listening)
    host, port = listening.getsockname()[:2]
    _, writer = await asyncio.open_connection(host, port)
    try:
        return await asyncio.wait_for(seen, timeout=10)
    finally:
        writer.close()
        server.close()


@pytest.mark.parametrize("loop", sorted(LOOPS))
def test_accepted_connections_have_tcp_nodelay(loop: str) -> None:
    listening = runner.listening_socket("127.0.0.1", 0)
    assert LOOPS[loop](nodelay_of_an_accepted_connection(listening)) != 0


def test_the_check_sees_a_socket_without_it() -> None:
    """A plain SOCK_STREAM socket (protocol 0, what `serve` made before) under asyncio gets no
    TCP_NODELAY: the check above can fail."""
    plain = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    plain.bind(("127.0.0.1", 0))
    plain.listen(8)
    assert asyncio.run(nodelay_of_an_accepted_connection(plain)) == 0


def test_serve_and_the_benchmarks_reference_use_one_runner() -> None:
    config = runner.server_config(object())
    assert (config.loop, config.http) == ("uvloop", "httptools")
    assert config.proxy_headers is False
    from bench.http_load import bare_server_command

    assert "runner.run(app, s)" in bare_server_command()[-1]
