"""No mutation can block a phone's queue (issue 11, acceptance 4): a control character, a bidi
control or an invisible-only value in any string of any mutation is refused for that mutation
alone, as is any failure of its use case that a retry cannot cure; the mutations queued behind
it in the same push still apply. Run on PostgreSQL too (MOTCUA_TEST_POSTGRES_URL), where a NUL
used to fail in JSONB and answer every push of the installation with a 500."""

from __future__ import annotations

import json
import logging
import uuid
from typing import Any

import msgspec
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from backend.core.errors import TransientFailure
from backend.features.sync import registry
from sync.messages import MUTATION_TYPES
from tests.support.sync import BIRTH, save, signed_in_installation

Client = AsyncTestClient[Litestar]
SHA = "ab" * 32


def templates() -> dict[str, dict[str, Any]]:
    """A well-formed `args` for each mutation, every field given, with strings at every depth
    of the free-form parts (form answers, documents)."""
    ids = {name: str(uuid.uuid4()) for name in ("draft", "dossier", "attachment")}
    answers = {
        "childName": "Nguyễn Văn An",
        "address": {"communeCode": "26734", "detail": "Số 1, khu phố 3"},
        "siblings": ["Bình", {"name": "Chi"}],
    }
    return {
        "draft.save": {
            "draftId": ids["draft"],
            "procedureCode": BIRTH,
            "fields": answers,
            "baseVersion": None,
            "variantKey": "default",
        },
        "draft.delete": {"draftId": ids["draft"], "baseVersion": 1},
        "attachment.register": {
            "attachmentId": ids["attachment"],
            "slotKey": "birth-certificate",
            "sha256": SHA,
            "bytes": 1000,
            "mediaType": "image/jpeg",
            "draftId": ids["draft"],
        },
        "dossier.submit": {
            "dossierId": ids["dossier"],
            "procedureCode": BIRTH,
            "fields": answers,
            "documents": {"birth-certificate": [ids["attachment"]]},
            "variantKey": "default",
            "draftId": ids["draft"],
            "returnMethod": "counter",
        },
        "dossier.withdraw": {"dossierId": ids["dossier"], "reason": "Nộp nhầm thủ tục"},
        "dossier.supplement": {
            "dossierId": ids["dossier"],
            "documents": {"birth-certificate": [ids["attachment"]]},
            "note": "Đã bổ sung bản sao",
        },
    }


def test_the_templates_give_every_field_of_every_mutation() -> None:
    given = templates()
    assert set(given) == set(MUTATION_TYPES)
    for name, mutation in MUTATION_TYPES.items():
        [args] = [f.type for f in msgspec.structs.fields(mutation) if f.name == "args"]
        assert {f.encode_name for f in msgspec.structs.fields(args)} == set(given[name]), name


def string_paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """The path of every string in `value`, and of every key of its free-form mappings
    (marked by `KEY`). The keys of `args` itself are the names of its fields: a poisoned one
    is an unknown field, ignored like any other (msgspec's evolution rules), never stored."""
    if isinstance(value, str):
        return [path]
    if isinstance(value, dict):
        paths = []
        for key, item in value.items():
            if path:
                paths.append((*path, KEY, key))
            paths += string_paths(item, (*path, key))
        return paths
    if isinstance(value, list):
        return [p for i, item in enumerate(value) for p in string_paths(item, (*path, i))]
    return []


KEY = object()


def with_poison(value: Any, path: tuple[Any, ...], poison: str) -> Any:
    """A deep copy of `value` with `poison` put into the string (or key) at `path`."""
    value = msgspec.json.decode(msgspec.json.encode(value))
    *parents, last = path
    if len(parents) >= 1 and parents[-1] is KEY:
        *parents, _ = parents
        target = value
        for step in parents:
            target = target[step]
        target[last[:1] + poison + last[1:]] = target.pop(last)
        return value
    target = value
    for step in parents:
        target = target[step]
    target[last] = target[last][:1] + poison + target[last][1:]
    return value


def wire_path(path: tuple[Any, ...], poison: str = "") -> str:
    """How the server names the string at `path` (a poisoned key written escaped)."""
    shown = ""
    steps = list(path)
    while steps:
        step = steps.pop(0)
        if step is KEY:
            key = steps.pop(0)
            # a refused character in a key is written as an escape (\\u0000) in the path
            shown_poison = f"\\u{ord(poison):04x}" if poison else ""
            step = key[:1] + shown_poison + key[1:]
        if isinstance(step, int):
            shown += f"[{step}]"
        else:
            shown += f".{step}" if shown else step
    return shown


POISON = {
    "NUL": "\x00",
    "bell": "\x07",
    "escape": "\x1b",
    "carriage return": "\r",
    "DEL": "\x7f",
    "C1 control": "\x9b",
    "paragraph separator": "\u2029",
    "left-to-right embedding": "\u202a",
    "right-to-left override": "\u202e",
    "first strong isolate": "\u2068",
    "Arabic letter mark": "\u061c",
}


@pytest.mark.parametrize("poison", POISON.values(), ids=POISON.keys())
async def test_a_poisoned_string_anywhere_is_refused_alone(client: Client, poison: str) -> None:
    phone = await signed_in_installation(client)
    sent: list[tuple[str, str, str | None]] = []  # (kind, what, expected wire path)
    mutations = []

    def queue_valid() -> None:
        draft = str(uuid.uuid4())
        mutations.append(phone.mutation("draft.save", save(draft, {"childName": "Lan"})))
        sent.append(("valid", draft, None))

    for name, args in templates().items():
        for path in string_paths(args):
            mutations.append(phone.mutation(name, with_poison(args, path, poison)))
            sent.append(("poisoned", f"{name} {wire_path(path)}", wire_path(path, poison)))
            queue_valid()
        clock = phone.mutation(name, args)
        clock["clientTime"] = poisoned_time = "2026-11-22T10:00" + poison + ":00+07:00"
        mutations.append(clock)
        sent.append(("poisoned", f"{name} clientTime {poisoned_time!r}", "clientTime"))
        queue_valid()
    response = await phone.push(*mutations)
    assert response.status_code == 200, response.text
    results = response.json()["results"]
    assert len(results) == len(sent)
    for (kind, what, field), result in zip(sent, results, strict=True):
        if kind == "valid":
            assert (result["status"], result.get("reason")) == ("applied", None), what
            continue
        assert result["status"] == "rejected", what
        if result["reason"] == "invalid_args":
            continue  # a pattern (an id, a checksum, a media type) refused it first
        assert result["reason"] == "invalid_text", (what, result)
        [error] = result["detail"]["errors"]
        assert error["field"] == field, what
        assert error["code"] in ("control_character", "bidi_control"), what
    assert response.json()["lastMutationId"] == len(sent)
    pulled = await phone.pull()
    applied = {draft for kind, draft, _ in sent if kind == "valid"}
    assert {c["id"] for c in pulled["changes"]} == applied
    assert pulled["lastMutationId"] == len(sent)
    # every free-text string (names, notes, answers, keys) was refused for its text itself
    text_refusals = [r for r in results if r.get("reason") == "invalid_text"]
    assert len(text_refusals) >= 20


async def test_an_invisible_answer_is_refused_and_a_draft_keeps_its_spacing(
    client: Client,
) -> None:
    phone = await signed_in_installation(client)
    invisible, spaced = str(uuid.uuid4()), str(uuid.uuid4())
    response = await phone.push(
        phone.mutation("draft.save", save(invisible, {"childName": "\u200b\u200b"})),
        phone.mutation("draft.save", save(spaced, {"childName": "Nguye\u0302\u0303n "})),
    )
    first, second = response.json()["results"]
    assert first["reason"] == "invalid_text"
    assert first["detail"]["errors"] == [{"field": "fields.childName", "code": "invisible_only"}]
    assert second["status"] == "applied"
    [change] = (await phone.pull())["changes"]
    assert change["data"]["fields"] == {"childName": "Nguyễn "}  # NFC, but the space kept


async def test_an_unknown_mutation_name_with_a_nul_is_refused_and_stored_safely(
    client: Client,
) -> None:
    phone = await signed_in_installation(client)
    draft = str(uuid.uuid4())
    response = await phone.push(
        phone.mutation("dossier.te\x00leport\u202e", {"to": "moon"}),
        phone.mutation("draft.save", save(draft, {"childName": "An"})),
    )
    assert response.status_code == 200, response.text
    assert [r["status"] for r in response.json()["results"]] == ["rejected", "applied"]
    again = await phone.push(phone.mutation("draft.save", save(draft, {}), mutation_id=1))
    assert again.json()["results"][0]["status"] == "duplicate"


async def test_half_an_emoji_does_not_make_the_push_unreadable(client: Client) -> None:
    """JSON.stringify writes a lone surrogate (an emoji cut by a length limit) as an escape
    that JSON decoders refuse: it arrives as U+FFFD and the push goes through."""
    phone = await signed_in_installation(client)
    draft = str(uuid.uuid4())
    mutation = phone.mutation("draft.save", save(draft, {"note": "Vui HALF"}))
    body = json.dumps({"clientId": phone.client_id, "protocolVersion": 1, "mutations": [mutation]})
    body = body.replace("HALF", "\\ud83d")  # what JSON.stringify writes for half an emoji
    response = await client.post(
        "/api/v1/sync/push", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 200, response.text
    assert response.json()["results"][0]["status"] == "applied"
    [change] = (await phone.pull())["changes"]
    assert change["data"]["fields"] == {"note": "Vui \ufffd"}


async def test_a_mutation_the_database_refuses_is_rejected_and_the_queue_moves_on(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    """A version beyond what the column holds fails in the database itself (SQLite and
    PostgreSQL alike): not worth a retry, so refused as internal_error, logged, undone."""
    phone = await signed_in_installation(client)
    draft, behind = str(uuid.uuid4()), str(uuid.uuid4())
    with caplog.at_level(logging.ERROR, logger="motcua.sync"):
        response = await phone.push(
            phone.mutation("draft.save", save(draft, {"childName": "An"})),
            phone.mutation("draft.save", save(draft, {"childName": "Ba"}, base=2**63)),
            phone.mutation("draft.save", save(behind, {"childName": "Chi"})),
        )
    assert response.status_code == 200, response.text
    assert [(r["status"], r.get("reason")) for r in response.json()["results"]] == [
        ("applied", None),
        ("rejected", "internal_error"),
        ("applied", None),
    ]
    [record] = [r for r in caplog.records if r.name == "motcua.sync"]
    assert record.exc_info is not None  # the traceback is logged
    changes = {c["id"]: c["data"]["fields"] for c in (await phone.pull())["changes"]}
    assert changes == {draft: {"childName": "An"}, behind: {"childName": "Chi"}}


async def test_a_bug_in_a_use_case_is_rejected_and_rolled_back(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    phone = await signed_in_installation(client)
    real = registry.HANDLERS["draft.save"]
    broken, behind = str(uuid.uuid4()), str(uuid.uuid4())

    async def half_done_then_broken(db: Any, ctx: Any, args: Any) -> Any:
        outcome = await real(db, ctx, args)  # the draft is written...
        if args.draft_id == broken:
            raise KeyError("a bug")  # ...then the use case fails
        return outcome

    monkeypatch.setitem(registry.HANDLERS, "draft.save", half_done_then_broken)
    response = await phone.push(
        phone.mutation("draft.save", save(broken, {"childName": "An"})),
        phone.mutation("draft.save", save(behind, {"childName": "Bình"})),
    )
    assert [(r["status"], r.get("reason")) for r in response.json()["results"]] == [
        ("rejected", "internal_error"),
        ("applied", None),
    ]
    pulled = await phone.pull()
    assert [c["id"] for c in pulled["changes"]] == [behind]  # the half-written one undone
    assert pulled["lastMutationId"] == 2


async def test_a_transient_failure_inside_a_use_case_is_still_a_503(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    phone = await signed_in_installation(client)

    async def provider_down(*args: Any) -> Any:
        raise TransientFailure(retry_after=7)

    monkeypatch.setitem(registry.HANDLERS, "draft.save", provider_down)
    response = await phone.push(phone.mutation("draft.save", save(str(uuid.uuid4()), {})))
    assert response.status_code == 503
    assert response.headers["retry-after"] == "7"
    assert (await phone.pull())["lastMutationId"] == 0
