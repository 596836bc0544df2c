"""Sync wire types: round trips, camelCase, evolution, and per-mutation rejection in a push."""

from __future__ import annotations

import json
from typing import Any

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sync import PROTOCOL_VERSION
from sync.messages import (
    INVALID_ARGS,
    MESSAGE_TYPES,
    MUTATION_TYPES,
    UNKNOWN_MUTATION,
    AttachmentRegister,
    AttachmentRegisterMutation,
    ClientRegistered,
    ClientRegistration,
    DossierSubmit,
    DossierSubmitMutation,
    DossierSubmitResult,
    DossierSupplement,
    DossierSupplementMutation,
    DossierWithdraw,
    DossierWithdrawMutation,
    DraftChange,
    DraftDelete,
    DraftDeleteMutation,
    DraftSave,
    DraftSaveMutation,
    DraftSaveResult,
    FieldConflict,
    FormFieldError,
    MutationResult,
    PullRequest,
    PullResponse,
    PushRequest,
    PushResponse,
    UndecodableMutation,
    Wire,
    decode,
    decode_mutation,
    decode_push_request,
    encode,
)
from sync.records import DraftRecord

CLIENT = "0190f5c2-7a3b-7c4d-8e5f-6a7b8c9d0e1f"
DRAFT = "0190f5c2-7a3b-7c4d-8e5f-000000000001"
ATTACHMENT = "0190f5c2-7a3b-7c4d-8e5f-000000000002"
DOSSIER = "0190f5c2-7a3b-7c4d-8e5f-000000000003"
SHA = "ab" * 32
NOW = "2026-11-22T09:15:00+07:00"


def draft_save(mutation_id: int = 1, **fields: Any) -> DraftSaveMutation:
    return DraftSaveMutation(
        mutation_id=mutation_id,
        client_time=NOW,
        args=DraftSave(
            draft_id=DRAFT,
            procedure_code="1.001234",
            fields=fields or {"fullName": "Nguyễn Văn A", "copies": 2},
            base_version=None,
        ),
    )


MESSAGES: list[Wire] = [
    ClientRegistration(client_id=CLIENT, protocol_version=PROTOCOL_VERSION),
    ClientRegistered(client_id=CLIENT, last_mutation_id=12),
    PushRequest(
        client_id=CLIENT,
        protocol_version=PROTOCOL_VERSION,
        mutations=[
            draft_save(1),
            DraftDeleteMutation(
                mutation_id=2, client_time=NOW, args=DraftDelete(draft_id=DRAFT, base_version=3)
            ),
            AttachmentRegisterMutation(
                mutation_id=3,
                client_time=NOW,
                args=AttachmentRegister(
                    attachment_id=ATTACHMENT,
                    draft_id=DRAFT,
                    slot_key="cccd_front",
                    sha256=SHA,
                    bytes=345_678,
                    media_type="image/jpeg",
                ),
            ),
            DossierSubmitMutation(
                mutation_id=4,
                client_time=NOW,
                args=DossierSubmit(
                    dossier_id=DOSSIER,
                    procedure_code="1.001193",
                    fields={"childFullName": "Nguyễn Văn B"},
                    documents={"birthCertificate": [ATTACHMENT]},
                    draft_id=DRAFT,
                    return_method="post",
                ),
            ),
            DossierWithdrawMutation(
                mutation_id=5,
                client_time=NOW,
                args=DossierWithdraw(dossier_id=DOSSIER, reason="Nộp nhầm thủ tục"),
            ),
            DossierSupplementMutation(
                mutation_id=6,
                client_time=NOW,
                args=DossierSupplement(
                    dossier_id=DOSSIER, documents={"contract": [ATTACHMENT]}, note="Bản rõ hơn"
                ),
            ),
        ],
    ),
    PushResponse(
        results=[
            MutationResult(mutation_id=1, status="applied", result={"version": 1}),
            MutationResult(mutation_id=2, status="duplicate"),
            MutationResult(
                mutation_id=3, status="rejected", reason="too_large", detail={"max": 10}
            ),
        ],
        last_mutation_id=3,
    ),
    DraftSaveResult(
        version=4,
        conflicts=[
            FieldConflict(field="phone", client_value="0901", server_value="0902"),
            FieldConflict(field="note", server_value="kept"),
        ],
    ),
    DossierSubmitResult(dossier_id=DOSSIER, reference="0E1F-0003", status="submitted"),
    FormFieldError(field="childFullName", code="too_short", params={"min": 2}),
    PullRequest(client_id=CLIENT, protocol_version=PROTOCOL_VERSION, cursor="abc", limit=50),
    PullResponse(
        changes=[
            DraftChange(
                id=DRAFT,
                op="put",
                data=DraftRecord(
                    id=DRAFT,
                    procedure_code="1.001234",
                    variant_key=None,
                    fields={},
                    version=2,
                    updated_at=NOW,
                ),
                version=2,
            ),
            DraftChange(id=DRAFT, op="remove", data=None, version=3),
        ],
        cursor="def",
        has_more=True,
        last_mutation_id=3,
    ),
    PullResponse(
        changes=[], cursor=None, has_more=False, last_mutation_id=0, reset_required="scope"
    ),
]


@pytest.mark.parametrize("message", MESSAGES, ids=lambda m: type(m).__name__)
def test_every_message_round_trips(message: Wire) -> None:
    assert decode(encode(message), type(message)) == message


def test_every_message_type_has_a_decoder_and_is_exercised() -> None:
    assert {type(message) for message in MESSAGES} == set(MESSAGE_TYPES)


def test_the_wire_is_camel_case_and_leaves_defaults_out() -> None:
    push = json.loads(encode(MESSAGES[2]))
    assert set(push) == {"clientId", "protocolVersion", "mutations"}
    assert set(push["mutations"][0]) == {"name", "mutationId", "clientTime", "args"}
    assert push["mutations"][0]["name"] == "draft.save"
    assert set(push["mutations"][0]["args"]) == {
        "draftId",
        "procedureCode",
        "fields",
        "baseVersion",
    }
    assert push["mutations"][0]["args"]["baseVersion"] is None  # required, even when null
    assert json.loads(encode(PullRequest(client_id=CLIENT, protocol_version=1))) == {
        "clientId": CLIENT,
        "protocolVersion": 1,
    }
    pull = json.loads(encode(MESSAGES[-2]))
    assert set(pull) == {"changes", "cursor", "hasMore", "lastMutationId"}


def test_a_deleted_field_in_a_conflict_note_is_an_absent_value() -> None:
    note = json.loads(encode(FieldConflict(field="note", server_value=None)))
    assert note == {"field": "note", "serverValue": None}


def test_unknown_fields_are_ignored_everywhere() -> None:
    push = json.loads(encode(MESSAGES[2]))
    push["fromTheFuture"] = {"x": 1}
    push["mutations"][0]["priority"] = "high"
    push["mutations"][0]["args"]["geo"] = [1, 2]
    decoded = decode(json.dumps(push), PushRequest)
    assert decoded == MESSAGES[2]
    assert isinstance(decoded, PushRequest)
    assert decode_push_request(json.dumps(push)).mutations == decoded.mutations

    pull = json.loads(encode(MESSAGES[-2]))
    pull["checksum"] = 123
    pull["changes"][0]["origin"] = "server-2"
    assert decode(json.dumps(pull), PullResponse) == MESSAGES[-2]


def test_every_wire_struct_accepts_unknown_fields_and_is_camel_case() -> None:
    pending = [Wire]
    seen: list[type[Wire]] = []
    while pending:
        kind = pending.pop()
        seen.append(kind)
        pending.extend(kind.__subclasses__())
        assert not kind.__struct_config__.forbid_unknown_fields, kind
        assert all("_" not in name for name in kind.__struct_encode_fields__), kind
    assert set(MESSAGE_TYPES) <= set(seen)
    assert set(MUTATION_TYPES.values()) <= set(seen)


def test_mutation_names() -> None:
    expected = {
        "draft.save": DraftSaveMutation,
        "draft.delete": DraftDeleteMutation,
        "attachment.register": AttachmentRegisterMutation,
        "dossier.submit": DossierSubmitMutation,
        "dossier.withdraw": DossierWithdrawMutation,
        "dossier.supplement": DossierSupplementMutation,
    }
    assert expected == MUTATION_TYPES


def _push(*mutations: dict[str, Any]) -> bytes:
    return json.dumps(
        {"clientId": CLIENT, "protocolVersion": PROTOCOL_VERSION, "mutations": list(mutations)}
    ).encode()


def _mutation(mutation_id: int, name: str, args: dict[str, Any]) -> dict[str, Any]:
    return {"mutationId": mutation_id, "name": name, "clientTime": NOW, "args": args}


def test_an_unknown_mutation_is_rejected_alone_and_the_batch_goes_on() -> None:
    save = json.loads(encode(draft_save(1)))
    later = json.loads(encode(draft_save(4)))
    decoded = decode_push_request(
        _push(
            save,
            _mutation(2, "dossier.teleport", {"dossierId": DRAFT}),
            _mutation(3, "draft.delete", {"draftId": "not-a-uuid"}),
            later,
        )
    )
    assert decoded.client_id == CLIENT
    assert decoded.protocol_version == PROTOCOL_VERSION
    first, unknown, invalid, last = decoded.mutations
    assert first == draft_save(1)
    assert last == draft_save(4)

    assert isinstance(unknown, UndecodableMutation)
    assert (unknown.mutation_id, unknown.name, unknown.reason) == (
        2,
        "dossier.teleport",
        UNKNOWN_MUTATION,
    )
    assert unknown.to_result() == MutationResult(
        mutation_id=2,
        status="rejected",
        reason="unknown_mutation",
        detail={"name": "dossier.teleport"},
    )

    assert isinstance(invalid, UndecodableMutation)
    assert (invalid.mutation_id, invalid.reason) == (3, INVALID_ARGS)
    assert "$.args.draftId" in invalid.error
    result = invalid.to_result()
    assert result.status == "rejected"
    assert result.reason == "invalid_args"
    assert result.detail is not None
    assert "$.args.draftId" in result.detail["error"]


@pytest.mark.parametrize(
    ("mutation", "reason"),
    [
        ({"mutationId": 5, "clientTime": NOW, "args": {}}, UNKNOWN_MUTATION),  # no name
        (_mutation(5, "draft.save", {"draftId": DRAFT}), INVALID_ARGS),  # missing fields
        (_mutation(5, "draft.delete", {"draftId": DRAFT.upper()}), INVALID_ARGS),
        ({"mutationId": 5, "name": "draft.delete", "args": {"draftId": DRAFT}}, INVALID_ARGS),
        (_mutation(5, "attachment.register", {"attachmentId": ATTACHMENT}), INVALID_ARGS),
        (
            _mutation(
                5,
                "attachment.register",
                {
                    "attachmentId": ATTACHMENT,
                    "slotKey": "photo",
                    "sha256": "AB" * 32,
                    "bytes": 10,
                    "mediaType": "image/jpeg",
                },
            ),
            INVALID_ARGS,
        ),
        (
            _mutation(
                5,
                "attachment.register",
                {
                    "attachmentId": ATTACHMENT,
                    "slotKey": "photo",
                    "sha256": SHA,
                    "bytes": 0,
                    "mediaType": "image/jpeg",
                },
            ),
            INVALID_ARGS,
        ),
        (_mutation(5, "draft.save", "not an object"), INVALID_ARGS),  # type: ignore[arg-type]
    ],
)
def test_each_unreadable_mutation_gets_its_own_reason(
    mutation: dict[str, Any], reason: str
) -> None:
    decoded = decode_mutation(json.dumps(mutation))
    assert isinstance(decoded, UndecodableMutation)
    assert decoded.mutation_id == 5
    assert decoded.reason == reason


@pytest.mark.parametrize(
    "mutation",
    [
        {"name": "draft.delete", "clientTime": NOW, "args": {"draftId": DRAFT}},
        _mutation(0, "draft.delete", {"draftId": DRAFT}),
        _mutation(-1, "draft.delete", {"draftId": DRAFT}),
        "draft.delete",
    ],
)
def test_a_mutation_without_a_readable_id_fails_the_whole_request(mutation: Any) -> None:
    valid = json.loads(encode(draft_save(1)))
    with pytest.raises(msgspec.ValidationError, match=r"\$\.mutations\[1\]"):
        decode_push_request(_push(valid, mutation))


@pytest.mark.parametrize(
    "body",
    [
        b"{",
        b"[]",
        json.dumps({"clientId": "nope", "protocolVersion": 1, "mutations": []}).encode(),
        json.dumps({"clientId": CLIENT, "protocolVersion": 0, "mutations": []}).encode(),
        json.dumps({"clientId": CLIENT, "protocolVersion": 1}).encode(),
    ],
)
def test_a_malformed_envelope_fails_the_whole_request(body: bytes) -> None:
    with pytest.raises(msgspec.DecodeError):
        decode_push_request(body)


def test_a_strictly_typed_push_fails_whole_which_is_why_the_server_does_not_use_it() -> None:
    body = _push(_mutation(1, "dossier.teleport", {}))
    with pytest.raises(msgspec.ValidationError):
        decode(body, PushRequest)
    assert len(decode_push_request(body).mutations) == 1


def test_an_old_message_without_a_newer_defaulted_field_still_decodes() -> None:
    # Today's messages without their defaulted fields (as an older peer would send them).
    pull = decode(b'{"clientId":"%s","protocolVersion":1}' % CLIENT.encode(), PullRequest)
    assert (pull.cursor, pull.limit) == (None, 500)
    response = decode(b'{"results":[{"mutationId":1,"status":"applied"}]}', PushResponse)
    assert response.last_mutation_id == 0
    assert response.results[0].result is None
    assert decode(b'{"version":2}', DraftSaveResult).conflicts == []

    # Tomorrow's message gains a field with a default: both directions keep working.
    class PullRequestV2(Wire):
        client_id: str
        protocol_version: int
        cursor: str | None = None
        limit: int = 500
        include_archived: bool = False

    old = encode(PullRequest(client_id=CLIENT, protocol_version=1, cursor="c", limit=9))
    upgraded = msgspec.json.decode(old, type=PullRequestV2)
    assert (upgraded.cursor, upgraded.limit, upgraded.include_archived) == ("c", 9, False)
    new = msgspec.json.encode(
        PullRequestV2(client_id=CLIENT, protocol_version=1, include_archived=True)
    )
    assert decode(new, PullRequest) == PullRequest(client_id=CLIENT, protocol_version=1)


def test_a_client_never_gets_an_unknown_reset_reason_silently() -> None:
    # Literal sets sent to clients are closed: a new value needs a new protocol version.
    body = b'{"changes":[],"cursor":null,"hasMore":false,"lastMutationId":0,"resetRequired":"moon"}'
    with pytest.raises(msgspec.ValidationError):
        decode(body, PullResponse)


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=10,
)


@given(
    fields=st.dictionaries(st.text(), JSON_VALUES, max_size=6),
    base_version=st.none() | st.integers(min_value=1),
    mutation_id=st.integers(min_value=1, max_value=2**53),
)
def test_draft_fields_round_trip(
    fields: dict[str, Any], base_version: int | None, mutation_id: int
) -> None:
    mutation = DraftSaveMutation(
        mutation_id=mutation_id,
        client_time=NOW,
        args=DraftSave(
            draft_id=DRAFT, procedure_code="1.0", fields=fields, base_version=base_version
        ),
    )
    assert decode_mutation(encode(mutation)) == mutation
