"""How the app is served: one runner and one set of options, for `python -m backend serve` and
for the benchmarks' bare reference alike, so that a stall on one side cannot hide on the other
(decision 0019).

The runner is uvicorn with uvloop and httptools (its "standard" extras). The listening socket
is made here, bound before the server starts (so `serve` can print where it listens and a test
can connect at once), and it is made as an IPPROTO_TCP socket: asyncio sets TCP_NODELAY on the
connections it accepts only when the listening socket says it is TCP, and without it every
response on a kept-alive connection waited ~40 ms — uvicorn writes a response's headers and
body separately, and Nagle's algorithm held the body until the client's delayed ACK. uvloop
sets TCP_NODELAY itself; the socket is right for either loop.
"""

from __future__ import annotations

import ipaddress
import socket
from typing import Any, Final

import uvicorn
from litestar import Litestar

BACKLOG: Final = 2048
LOOP: Final = "uvloop"
HTTP: Final = "httptools"


def listening_socket(host: str, port: int) -> socket.socket:
    """A TCP socket bound to (host, port) and listening; port 0 picks a free one."""
    family = socket.AF_INET
    try:
        if ipaddress.ip_address(host).version == 6:
            family = socket.AF_INET6
    except ValueError:  # a name, such as localhost: IPv4
        pass
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(BACKLOG)
    return sock


def server_config(app: Litestar | Any, **options: Any) -> uvicorn.Config:
    """The runner's options for `app`: uvloop and httptools; proxy headers off (the app reads
    X-Forwarded-For itself, from MOTCUA_TRUSTED_PROXIES only); an idle kept-alive connection
    closes after 5 s; requests in flight get 30 s at shutdown. A body that stops coming is the
    app's to time out (core/edge.py BodyDeadline); slow headers are the reverse proxy's."""
    settings: dict[str, Any] = {
        "loop": LOOP,
        "http": HTTP,
        "log_level": "warning",
        "proxy_headers": False,
        "timeout_keep_alive": 5,
        "timeout_graceful_shutdown": 30,
        **options,
    }
    return uvicorn.Config(app, **settings)


def run(app: Litestar | Any, sock: socket.socket, **options: Any) -> None:
    """Serve `app` on the bound socket until interrupted."""
    uvicorn.Server(server_config(app, **options)).run(sockets=[sock])
