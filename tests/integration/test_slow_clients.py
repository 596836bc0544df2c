"""A real server (`python -m backend serve`) and a raw socket: a client that announces a body
and sends only part of it gets a 408 and a closed connection, instead of holding it for ever."""

from __future__ import annotations

import json
import re
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.server import served


@pytest.fixture
def server_port(tmp_path: Path) -> Iterator[int]:
    with served(None, tmp_path, MOTCUA_REQUEST_BODY_TIMEOUT_SECONDS="0.5") as http:
        assert http.base_url.port is not None
        yield http.base_url.port


def read_until_closed(connection: socket.socket) -> bytes:
    received = b""
    while chunk := connection.recv(65536):
        received += chunk
    return received


def test_a_body_that_stops_coming_gets_a_408_and_the_connection_closed(server_port: int) -> None:
    with socket.create_connection(("127.0.0.1", server_port)) as connection:
        # A safety net only: the server's deadline (0.5 s here) ends the exchange long before.
        connection.settimeout(30)
        connection.sendall(
            b"POST /api/v1/auth/sign-up/options HTTP/1.1\r\n"
            b"Host: localhost\r\n"
            b"Content-Type: application/json\r\n"
            b"Accept-Language: en\r\n"
            b"Content-Length: 100\r\n"
            b"\r\n"
            b'{"fullName": "Nguy'
        )
        answer = read_until_closed(connection)  # returns only once the server closes
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 408 "), head
    assert b"connection: close" in head.lower()
    problem = json.loads(body)
    assert problem["type"] == "urn:motcua:problem:request-timeout"
    assert problem["title"] == "Request timed out"


def test_a_complete_request_keeps_its_connection(server_port: int) -> None:
    with socket.create_connection(("127.0.0.1", server_port)) as connection:
        connection.settimeout(30)
        request = b"GET /api/health HTTP/1.1\r\nHost: localhost\r\n\r\n"
        for _ in range(2):  # the same connection serves a second request
            connection.sendall(request)
            head = b""
            while b"\r\n\r\n" not in head:
                head += connection.recv(65536)
            assert head.startswith(b"HTTP/1.1 200 "), head
            assert b"connection: close" not in head.lower()
            length = int(re.search(rb"content-length: (\d+)", head.lower()).group(1))  # type: ignore[union-attr]
            rest = head.partition(b"\r\n\r\n")[2]
            while len(rest) < length:
                rest += connection.recv(65536)
