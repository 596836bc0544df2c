"""The sync protocol through the API: every push outcome, every reset, scopes, merges."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from msgspec import to_builtins
from sqlalchemy import insert, select
from sqlalchemy.exc import OperationalError

from backend.config import Settings
from backend.core.db import create_engine, session_factory
from backend.features.sync import changelog, registry
from backend.features.sync.service import cursor_key
from backend.models import DraftRevision, RoleAssignment, SyncEpoch
from sync.cursor import Cursor, encode_cursor
from sync.records import AttachmentRecord
from tests.support.identity import FakeClock, Person, device
from tests.support.sync import Installation, database, save, signed_in_installation

Client = AsyncTestClient[Litestar]


async def test_an_installation_belongs_to_one_account(client: Client) -> None:
    phone = await signed_in_installation(client)
    async with device(client) as other:
        await Person(other).sign_up()
        stolen = Installation(other)
        stolen.client_id = phone.client_id
        response = await stolen.register()
        assert response.status_code == 403
        assert response.json()["type"].endswith("sync-client-of-another-account")
        pushed = await stolen.push(stolen.mutation("draft.save", save(str(uuid.uuid4()), {})))
        assert pushed.status_code == 403
    assert (await phone.register()).json() == {"clientId": phone.client_id}


async def test_applied_then_pulled(client: Client) -> None:
    phone = await signed_in_installation(client)
    draft = str(uuid.uuid4())
    response = await phone.push(phone.mutation("draft.save", save(draft, {"childName": "An"})))
    assert response.status_code == 200
    assert response.json() == {
        "results": [{"mutationId": 1, "status": "applied", "result": {"version": 1}}],
        "lastMutationId": 1,
    }
    first = await phone.pull()
    assert first["lastMutationId"] == 1
    [change] = first["changes"]
    assert (change["entity"], change["id"], change["op"], change["version"]) == (
        "draft",
        draft,
        "put",
        1,
    )
    assert change["data"]["fields"] == {"childName": "An"}
    await phone.push(phone.mutation("draft.save", save(draft, {"childName": "Bình"}, base=1)))
    second = await phone.pull()
    assert [c["data"]["fields"] for c in second["changes"]] == [{"childName": "Bình"}]
    assert (await phone.pull())["changes"] == []


async def test_a_duplicate_gets_the_stored_result_and_changes_nothing(
    client: Client, settings: Settings
) -> None:
    phone = await signed_in_installation(client)
    draft = str(uuid.uuid4())
    batch = [
        phone.mutation("draft.save", save(draft, {"a": 1})),
        phone.mutation("draft.save", save(draft, {"a": 2}, base=1)),
    ]
    first = (await phone.push(*batch)).json()
    again = (await phone.push(*batch)).json()  # the response was lost; the client retries
    assert [r["status"] for r in again["results"]] == ["duplicate", "duplicate"]
    assert [r["result"] for r in again["results"]] == [r["result"] for r in first["results"]]
    revisions = (
        (
            await database(
                settings, select(DraftRevision.version).where(DraftRevision.draft_id == draft)
            )
        )
        .scalars()
        .all()
    )
    assert sorted(revisions) == [1, 2]


async def test_a_gap_refuses_the_batch_from_the_gap(client: Client) -> None:
    phone = await signed_in_installation(client)
    draft = str(uuid.uuid4())
    response = (
        await phone.push(
            phone.mutation("draft.save", save(draft, {"a": 1}), mutation_id=1),
            phone.mutation("draft.save", save(draft, {"a": 3}, base=1), mutation_id=3),
            phone.mutation("draft.save", save(draft, {"a": 4}, base=1), mutation_id=4),
        )
    ).json()
    assert [r["mutationId"] for r in response["results"]] == [1]
    assert response["lastMutationId"] == 1
    [change] = (await phone.pull())["changes"]
    assert change["data"]["fields"] == {"a": 1}


async def test_a_rejected_mutation_does_not_block_the_queue(client: Client) -> None:
    phone = await signed_in_installation(client)
    draft = str(uuid.uuid4())
    response = (
        await phone.push(
            phone.mutation("draft.save", save(str(uuid.uuid4()), {}, procedure="9.999999")),
            phone.mutation("dossier.teleport", {"to": "moon"}),
            phone.mutation("draft.save", {"draftId": "not-a-uuid"}),
            phone.mutation("draft.save", save(draft, {"a": 1})),
        )
    ).json()
    assert [(r["status"], r.get("reason")) for r in response["results"]] == [
        ("rejected", "unknown_procedure"),
        ("rejected", "unknown_mutation"),
        ("rejected", "invalid_args"),
        ("applied", None),
    ]
    assert response["lastMutationId"] == 4
    pulled = await phone.pull()
    assert pulled["lastMutationId"] == 4
    assert [c["id"] for c in pulled["changes"]] == [draft]  # nothing half-made by rejections


async def test_a_transient_failure_is_503_and_applies_nothing(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    phone = await signed_in_installation(client)
    draft = str(uuid.uuid4())
    real = registry.HANDLERS["draft.save"]

    async def database_is_locked(*args: Any) -> Any:
        raise OperationalError("UPDATE draft", {}, Exception("database is locked"))

    monkeypatch.setitem(registry.HANDLERS, "draft.save", database_is_locked)
    mutation = phone.mutation("draft.save", save(draft, {"a": 1}))
    response = await phone.push(mutation)
    assert response.status_code == 503
    assert int(response.headers["retry-after"]) > 0
    assert (await phone.pull())["lastMutationId"] == 0
    monkeypatch.setitem(registry.HANDLERS, "draft.save", real)
    retried = (await phone.push(mutation)).json()
    assert retried["results"][0]["status"] == "applied"


async def test_an_old_protocol_gets_426(client: Client) -> None:
    phone = await signed_in_installation(client)
    response = await phone.push(version=99)
    assert response.status_code == 426
    assert response.json()["type"].endswith("protocol-upgrade-required")


async def test_citizens_never_receive_each_others_drafts(client: Client) -> None:
    alice = await signed_in_installation(client)
    alice_draft = str(uuid.uuid4())
    await alice.push(alice.mutation("draft.save", save(alice_draft, {"secret": "An"})))
    async with device(client) as other:
        bob = await signed_in_installation(other)
        assert (await bob.pull())["changes"] == []
        bob_draft = str(uuid.uuid4())
        await bob.push(bob.mutation("draft.save", save(bob_draft, {"b": 1})))
        # Bob cannot write or delete Alice's draft by guessing its id.
        stolen = (
            await bob.push(
                bob.mutation("draft.save", save(alice_draft, {"secret": "Bob"}, base=1)),
                bob.mutation("draft.delete", {"draftId": alice_draft}),
            )
        ).json()
        assert [r["reason"] for r in stolen["results"]] == ["not_found", "not_found"]
        assert [c["id"] for c in (await bob.pull())["changes"]] == [bob_draft]
    assert [c["id"] for c in (await alice.pull())["changes"]] == [alice_draft]
    assert (await alice.pull(cursor=None))["changes"][0]["data"]["fields"] == {"secret": "An"}


async def test_a_deleted_draft_arrives_as_a_remove(client: Client) -> None:
    phone = await signed_in_installation(client)
    draft = str(uuid.uuid4())
    await phone.push(phone.mutation("draft.save", save(draft, {"a": 1})))
    await phone.pull()
    await phone.push(phone.mutation("draft.delete", {"draftId": draft, "baseVersion": 1}))
    [change] = (await phone.pull())["changes"]
    assert (change["op"], change["id"], change.get("data")) == ("remove", draft, None)
    assert (await phone.pull(cursor=None))["changes"] == []


async def test_both_sides_changed_a_field_the_server_wins_and_says_so(client: Client) -> None:
    phone = await signed_in_installation(client)
    laptop = Installation(client)
    await laptop.register()
    draft = str(uuid.uuid4())
    await phone.push(phone.mutation("draft.save", save(draft, {"name": "An", "place": "Biên Hòa"})))
    await phone.push(
        phone.mutation(
            "draft.save", save(draft, {"name": "An Nguyễn", "place": "Biên Hòa"}, base=1)
        )
    )
    # The laptop edited version 1 offline: the same field differently, and another field.
    response = (
        await laptop.push(
            laptop.mutation(
                "draft.save", save(draft, {"name": "Ân", "place": "Long Thành"}, base=1)
            )
        )
    ).json()
    result = response["results"][0]["result"]
    assert result["version"] == 3
    assert result["conflicts"] == [
        {"field": "name", "clientValue": "Ân", "serverValue": "An Nguyễn"}
    ]
    [*_, latest] = (await laptop.pull())["changes"]
    assert latest["data"]["fields"] == {"name": "An Nguyễn", "place": "Long Thành"}


async def test_saves_from_one_phone_build_on_each_other_before_it_has_pulled(
    client: Client,
) -> None:
    """A phone typing offline saves a new draft again and again, each time with no version it
    has pulled: each save is based on its own previous one, so nothing is a conflict; a save
    from another installation in between still is."""
    phone = await signed_in_installation(client)
    laptop = Installation(client)
    await laptop.register()
    draft = str(uuid.uuid4())
    typed = [{"name": "Ng"}, {"name": "Nguyễn", "place": "Biên"}, {"name": "Nguyễn An"}]
    response = await phone.push(*[phone.mutation("draft.save", save(draft, f)) for f in typed])
    results = [r["result"] for r in response.json()["results"]]
    assert [r["version"] for r in results] == [1, 2, 3]
    assert all(r.get("conflicts", []) == [] for r in results)
    await laptop.push(laptop.mutation("draft.save", save(draft, {"name": "Ân"}, base=3)))
    # The phone, still not having pulled, changes the name again: the laptop's edit came first.
    late = await phone.push(phone.mutation("draft.save", save(draft, {"name": "Nguyễn Ân"})))
    [result] = late.json()["results"]
    assert result["result"]["conflicts"] == [
        {"field": "name", "clientValue": "Nguyễn Ân", "serverValue": "Ân"}
    ]
    [*_, latest] = (await laptop.pull(cursor=None))["changes"]
    assert latest["data"]["fields"] == {"name": "Ân"}


async def test_pages_follow_commit_order(client: Client) -> None:
    phone = await signed_in_installation(client)
    await phone.pull()
    drafts = [str(uuid.uuid4()) for _ in range(5)]
    for draft in drafts:
        await phone.push(phone.mutation("draft.save", save(draft, {"n": draft})))
    seen: list[str] = []
    while True:
        page = await phone.pull(limit=2)
        seen += [c["id"] for c in page["changes"]]
        if not page["hasMore"]:
            break
    assert seen == drafts


async def test_reset_when_the_database_epoch_changes(client: Client, settings: Settings) -> None:
    phone = await signed_in_installation(client)
    await phone.pull()
    await database(
        settings,
        insert(SyncEpoch).values(id=2, epoch="restored-backup", created_at=dt.datetime.now(dt.UTC)),
    )
    assert (await phone.pull())["resetRequired"] == "epoch"


async def test_reset_when_the_scope_changes(client: Client, settings: Settings) -> None:
    phone = await signed_in_installation(client)
    account = (await client.get("/api/v1/auth/me")).json()["id"]
    await phone.pull()
    await database(
        settings,
        insert(RoleAssignment).values(
            account_id=account,
            role="field",
            agency_id=None,
            postal_unit=None,
            created_at=dt.datetime.now(dt.UTC),
        ),
    )
    assert (await phone.pull())["resetRequired"] == "scope"


async def test_reset_when_the_cursor_is_older_than_retention(
    client: Client, settings: Settings, clock: FakeClock
) -> None:
    phone = await signed_in_installation(client)
    await phone.pull()
    await phone.push(phone.mutation("draft.save", save(str(uuid.uuid4()), {"a": 1})))
    engine = create_engine(settings.resolved_database_url)
    async with session_factory(engine)() as db, db.begin():
        dropped = await changelog.prune(db, older_than=clock.now() + dt.timedelta(days=1))
    await engine.dispose()
    assert dropped >= 1
    page = await phone.pull()
    assert page["resetRequired"] == "expired"
    assert len((await phone.pull(cursor=None))["changes"]) == 1  # a fresh start has it all


async def test_reset_for_a_cursor_of_another_protocol_or_not_ours(
    client: Client, settings: Settings
) -> None:
    phone = await signed_in_installation(client)
    page = await phone.pull()
    assert page["cursor"]
    assert (await phone.pull(cursor="bm90IGEgY3Vyc29y"))["resetRequired"] == "cursor"
    engine = create_engine(settings.resolved_database_url)
    async with session_factory(engine)() as db:
        epoch = await changelog.epoch(db)
    await engine.dispose()
    from sync.cursor import scope_hash

    account = (await client.get("/api/v1/auth/me")).json()["id"]
    old = encode_cursor(
        Cursor(epoch, scope_hash([f"account:{account}"]), 2, 0), key=cursor_key(settings)
    )
    assert (await phone.pull(cursor=old))["resetRequired"] == "protocol"


async def test_a_mutation_no_feature_serves_is_rejected_alone(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    phone = await signed_in_installation(client)
    monkeypatch.delitem(registry.HANDLERS, "draft.delete")
    draft = str(uuid.uuid4())
    response = await phone.push(
        phone.mutation("draft.delete", {"draftId": draft}),
        phone.mutation("draft.save", save(draft, {"a": 1})),
    )
    assert response.status_code == 200
    assert [(r["status"], r.get("reason")) for r in response.json()["results"]] == [
        ("rejected", "unknown_mutation"),
        ("applied", None),
    ]


async def test_a_record_leaving_a_scope_arrives_as_a_remove(
    client: Client, settings: Settings, clock: FakeClock
) -> None:
    """A record handed from one account's scope to another (as the desk's counter photos
    are handed to the citizen with the dossier): the old scope gets a remove, the new one a
    put, in one transaction, so neither side ever sees it twice or not at all."""
    giver = await signed_in_installation(client)
    giver_id = (await client.get("/api/v1/auth/me")).json()["id"]
    async with device(client) as other:
        taker = await signed_in_installation(other)
        taker_id = (await other.get("/api/v1/auth/me")).json()["id"]
        record = str(uuid.uuid4())
        photo = AttachmentRecord(
            id=record,
            status="available",
            slot_key="cccd",
            sha256="ab" * 32,
            bytes=1000,
            media_type="image/jpeg",
        )
        engine = create_engine(settings.resolved_database_url)
        sessions = session_factory(engine)
        async with sessions() as db, db.begin():
            await changelog.append(
                db,
                [
                    changelog.PendingChange(
                        changelog.account_scope(giver_id), "attachment", record, "put", photo, 1
                    )
                ],
                clock.now(),
            )
        await giver.pull()
        await taker.pull()
        async with sessions() as db, db.begin():
            await changelog.append(
                db,
                [
                    changelog.PendingChange(
                        changelog.account_scope(giver_id), "attachment", record, "remove", None, 2
                    ),
                    changelog.PendingChange(
                        changelog.account_scope(taker_id), "attachment", record, "put", photo, 2
                    ),
                ],
                clock.now(),
            )
        await engine.dispose()
        [gone] = (await giver.pull())["changes"]
        [arrived] = (await taker.pull())["changes"]
    assert (gone["op"], gone["id"]) == ("remove", record)
    assert (arrived["op"], arrived["id"], arrived["data"]) == ("put", record, to_builtins(photo))
