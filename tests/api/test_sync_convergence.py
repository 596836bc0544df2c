"""Property: installations editing offline converge, over a network that drops, duplicates
and replays requests and responses, and every mutation is applied exactly once."""

from __future__ import annotations

import uuid
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import select

from backend.config import Settings as AppSettings
from backend.core.db import create_engine, session_factory
from backend.models import SyncClient as SyncClientRow
from backend.models import SyncMutation
from sync.client import HttpxTransport, SyncClient, SyncUnavailable
from sync.messages import DraftDelete, DraftDeleteMutation, DraftSave, DraftSaveMutation
from sync.records import DraftRecord
from tests.support.identity import Person, device

Client = AsyncTestClient[Litestar]
FAULTS = ["deliver", "deliver", "drop_request", "drop_response", "duplicate", "replay_old"]


class UnreliableNetwork:
    """Delivers, loses, doubles or replays (late, out of order) what goes through it."""

    def __init__(self, inner: HttpxTransport, data: st.DataObject) -> None:
        self.inner, self.data = inner, data
        self.sent: list[tuple[str, bytes]] = []
        self.reliable = False

    async def __call__(self, path: str, body: bytes) -> tuple[int, bytes]:
        fault = "deliver" if self.reliable else self.data.draw(st.sampled_from(FAULTS))
        if fault == "drop_request":
            raise ConnectionError("request lost")
        if fault == "replay_old" and self.sent:
            old_path, old_body = self.data.draw(st.sampled_from(self.sent))
            await self.inner(old_path, old_body)  # an old request arrives late
        answer = await self.inner(path, body)
        self.sent.append((path, body))
        if fault == "duplicate":
            answer = await self.inner(path, body)
        if fault == "drop_response":
            raise ConnectionError("response lost")
        return answer


async def installation(http: Any, data: st.DataObject) -> tuple[SyncClient, UnreliableNetwork]:
    network = UnreliableNetwork(HttpxTransport(http), data)
    client = SyncClient(network)
    network.reliable = True
    await client.register()
    network.reliable = False
    return client, network


def edit(client: SyncClient, draft_id: str, data: st.DataObject) -> None:
    """A random offline edit of one of the account's drafts, against the local copy."""
    local = client.entities.get(("draft", draft_id))
    if local is not None and data.draw(st.booleans(), label="delete"):
        client.enqueue(
            DraftDeleteMutation, args=DraftDelete(draft_id=draft_id, base_version=local[0])
        )
        return
    record = local[1] if local else None
    assert record is None or isinstance(record, DraftRecord)  # typed by the pull's decoder
    fields = dict(record.fields) if record else {}
    fields[data.draw(st.sampled_from(["name", "place", "note"]))] = data.draw(
        st.text(alphabet="abcđêơư", max_size=4)
    )
    client.enqueue(
        DraftSaveMutation,
        args=DraftSave(
            draft_id=draft_id,
            procedure_code="1.001193",
            fields=fields,
            base_version=local[0] if local else None,
        ),
    )


async def server_mutations(settings: AppSettings, client_id: str) -> tuple[list[int], int]:
    engine = create_engine(settings.resolved_database_url)
    try:
        async with session_factory(engine)() as db:
            ids = (
                (
                    await db.execute(
                        select(SyncMutation.mutation_id)
                        .where(SyncMutation.client_id == client_id)
                        .order_by(SyncMutation.mutation_id)
                    )
                )
                .scalars()
                .all()
            )
            last = (await db.get(SyncClientRow, client_id)).last_mutation_id  # type: ignore[union-attr]
    finally:
        await engine.dispose()
    return list(ids), last


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
async def test_offline_edits_converge_and_apply_exactly_once(
    client: Client, settings: AppSettings, data: st.DataObject
) -> None:
    async with (
        device(client) as alice_phone,
        device(client) as alice_laptop,
        device(client) as bob_phone,
    ):
        alice = Person(alice_phone)
        await alice.sign_up()
        await Person(alice_laptop, authenticator=alice.authenticator).sign_in()
        await Person(bob_phone).sign_up()
        installations = [
            await installation(http, data) for http in (alice_phone, alice_laptop, bob_phone)
        ]
        drafts = {0: [str(uuid.uuid4()), str(uuid.uuid4())], 2: [str(uuid.uuid4())]}
        drafts[1] = drafts[0]  # the laptop edits Alice's drafts too

        for _ in range(data.draw(st.integers(min_value=5, max_value=25), label="steps")):
            index = data.draw(st.integers(min_value=0, max_value=2), label="who")
            client_, _network = installations[index]
            if data.draw(st.booleans(), label="sync?"):
                try:
                    await client_.sync()
                except SyncUnavailable:
                    pass
                except ConnectionError:
                    pass
            else:
                edit(client_, data.draw(st.sampled_from(drafts[index])), data)

        for _ in range(3):  # the network heals: everyone syncs until quiet
            for client_, network in installations:
                network.reliable = True
                await client_.sync()
        for client_, _ in installations:
            await client_.pull()

        for (client_, _), http in zip(
            installations, (alice_phone, alice_laptop, bob_phone), strict=True
        ):
            assert client_.outbox == []
            fresh = SyncClient(HttpxTransport(http))
            await fresh.register()
            await fresh.pull()
            assert client_.entities == fresh.entities  # converged on the server's state
            applied, last = await server_mutations(settings, client_.client_id)
            assert applied == list(range(1, client_.next_mutation_id))  # each exactly once
            assert last == client_.next_mutation_id - 1
        alice_ids = set(installations[0][0].entities)
        bob_ids = set(installations[2][0].entities)
        assert alice_ids.isdisjoint(bob_ids)
