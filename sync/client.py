"""A Python sync client with an outbox, for tests, benchmarks and scripts.

It follows the same rules as the PWA's engine: mutations are numbered from 1 and kept in the
outbox until a pull's ``lastMutationId`` covers them (a push response alone removes nothing);
a page of changes and its cursor are taken together; on ``resetRequired`` the synced copy is
dropped and pulled again from no cursor, while the outbox is kept.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any, Protocol

import msgspec

from sync import PROTOCOL_VERSION
from sync.messages import (
    ClientRegistered,
    ClientRegistration,
    Mutation,
    MutationResult,
    PullRequest,
    PullResponse,
    PushRequest,
    PushResponse,
    decode,
    encode,
)
from sync.records import SyncedRecord
from sync.rules import acked


class Transport(Protocol):
    """Sends a JSON body to a sync endpoint; returns the status code and the body."""

    async def __call__(self, path: str, body: bytes) -> tuple[int, bytes]: ...


class SyncUnavailable(Exception):
    """The server could not be reached or answered with a transient failure: retry later."""


class HttpxTransport:
    """A `Transport` over an ``httpx.AsyncClient`` that already carries the session cookie."""

    def __init__(self, http: Any, prefix: str = "/api/v1/sync") -> None:
        self.http = http
        self.prefix = prefix

    async def __call__(self, path: str, body: bytes) -> tuple[int, bytes]:
        response = await self.http.post(
            self.prefix + path, content=body, headers={"content-type": "application/json"}
        )
        return response.status_code, response.content


@dataclass
class OutboxItem:
    mutation: Mutation
    result: MutationResult | None = None

    @property
    def mutation_id(self) -> int:
        return self.mutation.mutation_id


@dataclass
class SyncClient:
    """One installation: its outbox, cursor and synced copy of the records in its scope."""

    transport: Transport
    client_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    outbox: list[OutboxItem] = field(default_factory=list)
    cursor: str | None = None
    entities: dict[tuple[str, str], tuple[int, SyncedRecord | None]] = field(default_factory=dict)
    last_mutation_id: int = 0
    next_mutation_id: int = 1
    resets: int = 0

    async def _post(self, path: str, message: msgspec.Struct) -> bytes:
        try:
            status, body = await self.transport(path, encode(message))  # type: ignore[arg-type]
        except (OSError, ConnectionError) as error:
            raise SyncUnavailable(str(error)) from error
        if status == 503 or status >= 500:
            raise SyncUnavailable(f"{path}: {status}")
        if status != 200:
            raise RuntimeError(f"{path}: {status} {body[:300]!r}")
        return body

    async def register(self) -> None:
        """Bind this installation to the signed-in account."""
        body = await self._post(
            "/clients",
            ClientRegistration(client_id=self.client_id, protocol_version=PROTOCOL_VERSION),
        )
        registered = decode(body, ClientRegistered)
        self.next_mutation_id = max(self.next_mutation_id, registered.last_mutation_id + 1)

    def enqueue(self, make: Any, **fields: Any) -> Mutation:
        """Queue a mutation built by ``make`` (a mutation struct type) with the next id."""
        mutation: Mutation = make(
            mutation_id=self.next_mutation_id, client_time="1970-01-01T00:00:00Z", **fields
        )
        self.next_mutation_id += 1
        self.outbox.append(OutboxItem(mutation))
        return mutation

    async def push(self) -> PushResponse | None:
        """Send the outbox in order; results are recorded but nothing leaves the outbox."""
        waiting = [
            item.mutation for item in self.outbox if item.mutation_id > self.last_mutation_id
        ]
        if not waiting:
            return None
        body = await self._post(
            "/push",
            PushRequest(
                client_id=self.client_id, protocol_version=PROTOCOL_VERSION, mutations=waiting
            ),
        )
        response = decode(body, PushResponse)
        by_id = {result.mutation_id: result for result in response.results}
        for item in self.outbox:
            item.result = by_id.get(item.mutation_id, item.result)
        return response

    async def pull(self, limit: int = 100) -> None:
        """Pull until there is nothing more, applying each page with its cursor."""
        while True:
            body = await self._post(
                "/pull",
                PullRequest(
                    client_id=self.client_id,
                    protocol_version=PROTOCOL_VERSION,
                    cursor=self.cursor,
                    limit=limit,
                ),
            )
            page = decode(body, PullResponse)
            if page.reset_required is not None:
                self.entities.clear()
                self.cursor = None
                self.resets += 1
                continue
            self._apply(page)
            if not page.has_more:
                return

    def _apply(self, page: PullResponse) -> None:
        for change in page.changes:
            key = (change.entity, change.id)
            if change.op == "remove":
                self.entities.pop(key, None)
            else:
                self.entities[key] = (change.version, change.data)
        self.cursor = page.cursor
        self.last_mutation_id = max(self.last_mutation_id, page.last_mutation_id)
        done = set(acked((item.mutation_id for item in self.outbox), self.last_mutation_id))
        self.outbox = [item for item in self.outbox if item.mutation_id not in done]

    async def sync(self) -> None:
        """Push, then pull."""
        await self.push()
        await self.pull()
