"""Callers at other client addresses (the socket peer the app sees), on the same running app
as the test client."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any

import httpx
from litestar import Litestar
from litestar.testing import AsyncTestClient
from litestar.testing import transport as test_transport

from tests.support.identity import ORIGIN

Client = AsyncTestClient[Litestar]


class AddressedTransport(test_transport.TestClientTransport[Client]):
    """The test client's way to the running app (its event loop), from another address."""

    def __init__(self, client: Client, address: str) -> None:
        super().__init__(client)
        self.address = address

    def parse_request(self, request: httpx.Request) -> dict[str, Any]:
        return {**super().parse_request(request), "client": (self.address, 40000)}


@asynccontextmanager
async def from_address(
    client: Client, address: str, headers: Mapping[str, str] | None = None
) -> AsyncIterator[httpx.AsyncClient]:
    """A caller whose socket peer is `address` (sending `headers` with every request)."""
    transport: Any = AddressedTransport(client, address)
    # Like `device`: the transport is a view of the test client's, which closes it.
    yield httpx.AsyncClient(transport=transport, base_url=ORIGIN, headers=headers)
