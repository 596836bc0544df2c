"""The synced records: every record the server builds (the features' real data functions, from
model instances) goes through its struct and the change log without loss, reads as it always
has on the wire, and an older record still decodes."""

from __future__ import annotations

import datetime as dt
from typing import Any, get_args

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

from backend.features.dossiers import states
from backend.features.dossiers.records import dossier_data
from backend.features.drafts.service import draft_data
from backend.features.notifications.service import notification_data
from backend.features.notifications.templates import TEMPLATES, render
from backend.features.sync import changelog
from backend.features.uploads.service import attachment_data
from backend.models import (
    Attachment,
    Dossier,
    DossierEvent,
    DossierResult,
    Draft,
    Notification,
    Procedure,
)
from sync.messages import (
    CHANGE_TYPES,
    RECORD_TYPES,
    Change,
    DossierChange,
    PullResponse,
    decode,
    encode,
)
from sync.records import DossierRecord, DossierStatus, SyncedRecord

DOSSIER = "0190f5c2-7a3b-7c4d-8e5f-000000000003"
DRAFT = "0190f5c2-7a3b-7c4d-8e5f-000000000001"
PHOTO = "0190f5c2-7a3b-7c4d-8e5f-000000000002"
NOTICE = "0190f5c2-7a3b-7c4d-8e5f-000000000004"
SHA = "ab" * 32
AT = dt.datetime(2026, 11, 22, 2, 15, tzinfo=dt.UTC)
LATER = AT + dt.timedelta(days=3)

BIRTH = Procedure(code="1.001193", name="Đăng ký khai sinh", name_en="Birth registration")


def a_dossier(**changes: Any) -> Dossier:
    values: dict[str, Any] = {
        "id": DOSSIER,
        "reference": "0E1F-0003",
        "code": None,
        "procedure_code": "1.001193",
        "variant_key": "default",
        "status": "submitted",
        "channel": "online",
        "return_method": "counter",
        "form_data": {"childFullName": "Nguyễn Văn B", "copies": 2},
        "submitted_at": AT,
        "received_at": None,
        "due_at": None,
        "finished_at": None,
        "is_overdue": False,
        "supplement": {},
        "lookup_token": None,
        "apologized_at": None,
        "updated_at": AT,
    }
    return Dossier(**(values | changes))


def an_event(action: str, status: str, at: dt.datetime, note: str | None = None) -> DossierEvent:
    return DossierEvent(action=action, status_to=status, at=at, note=note)


def a_photo(**changes: Any) -> Attachment:
    values: dict[str, Any] = {
        "id": PHOTO,
        "slot_key": "birthCertificate",
        "status": "pending",
        "sha256": SHA,
        "bytes": 345_678,
        "media_type": "image/jpeg",
        "draft_id": None,
        "dossier_id": None,
        "reject_reason": None,
    }
    return Attachment(**(values | changes))


def an_issued_result(issued_at: dt.datetime | None = LATER) -> DossierResult:
    return DossierResult(
        dossier_id=DOSSIER,
        file_name="ket-qua.pdf",
        media_type="application/pdf",
        bytes=120_000,
        issued_at=issued_at,
    )


def a_draft(**changes: Any) -> Draft:
    values: dict[str, Any] = {
        "id": DRAFT,
        "procedure_code": "1.001193",
        "variant_key": None,
        "fields": {"fullName": "Nguyễn Văn A", "children": [{"name": "B"}], "agree": True},
        "version": 3,
        "updated_at": AT,
    }
    return Draft(**(values | changes))


def a_notice(template: str = "dossier.submitted", **changes: Any) -> Notification:
    params = dict.fromkeys(TEMPLATES[template].params, "x")
    values: dict[str, Any] = {
        "id": NOTICE,
        "dossier_id": DOSSIER,
        "template": template,
        "content": render(template, params),
        "created_at": AT,
        "read_at": None,
    }
    return Notification(**(values | changes))


def approved_dossier() -> DossierRecord:
    dossier = a_dossier(
        code="000.00.07.H40-261122-0001",
        status="result_ready",
        received_at=AT,
        due_at=LATER,
        is_overdue=True,
        lookup_token="t0k3n",
        apologized_at=AT + dt.timedelta(days=2),
    )
    events = [
        an_event("submit", "submitted", AT),
        an_event("receive", "received", AT + dt.timedelta(hours=1)),
        an_event("appraise", "processing", AT + dt.timedelta(days=1), note="Đủ hồ sơ"),
        an_event("approve", "result_ready", LATER),
    ]
    documents = [a_photo(dossier_id=DOSSIER, status="available")]
    return dossier_data(dossier, BIRTH, events, documents, an_issued_result())


def waiting_for_a_supplement() -> DossierRecord:
    dossier = a_dossier(
        status="supplement_requested",
        received_at=AT,
        due_at=LATER,
        supplement={
            "items": ["Bản sao CCCD rõ hơn"],
            "deadline": "2026-12-01",
            "requestedAt": AT.isoformat(),
            "resumeStatus": "received",
        },
    )
    events = [an_event("request_supplement", "supplement_requested", AT, "Bản sao CCCD rõ hơn")]
    return dossier_data(dossier, BIRTH, events, [], an_issued_result(issued_at=None))


RECORDS: dict[str, SyncedRecord] = {
    "new dossier": dossier_data(a_dossier(), BIRTH, [an_event("submit", "submitted", AT)], []),
    "dossier waiting for a supplement": waiting_for_a_supplement(),
    "approved dossier": approved_dossier(),
    "draft": draft_data(a_draft()),
    "draft of a variant": draft_data(a_draft(variant_key="abroad", fields={})),
    "pending photo of a draft": attachment_data(a_photo(draft_id=DRAFT)),
    "rejected photo": attachment_data(a_photo(status="rejected", reject_reason="malformed")),
    "photo of a dossier": attachment_data(a_photo(status="available", dossier_id=DOSSIER)),
    **{
        f"notice {key}": notification_data(a_notice(key, read_at=LATER))
        for key in sorted(TEMPLATES)
    },
}


def entity_of(record: SyncedRecord) -> str:
    return next(entity for entity, kind in RECORD_TYPES.items() if isinstance(record, kind))


@pytest.mark.parametrize("record", RECORDS.values(), ids=RECORDS.keys())
def test_a_record_goes_through_its_struct_without_loss(record: SyncedRecord) -> None:
    assert msgspec.json.decode(msgspec.json.encode(record), type=type(record)) == record


@pytest.mark.parametrize("record", RECORDS.values(), ids=RECORDS.keys())
def test_a_record_goes_through_the_change_log_and_a_pull_without_loss(
    record: SyncedRecord,
) -> None:
    entity = entity_of(record)
    logged = changelog.PendingChange("account:1", entity, DOSSIER, "put", record, 2)
    stored = msgspec.json.decode(msgspec.json.encode(msgspec.to_builtins(logged.data)))
    sent = changelog.logged_change(entity, DOSSIER, "put", stored, 2)
    page = PullResponse(changes=[sent], cursor="c", has_more=False, last_mutation_id=0)
    [received] = decode(encode(page), PullResponse).changes
    assert type(received) is CHANGE_TYPES[entity]
    assert received.data == record
    # What the pull sends from the log is byte for byte the change made from the struct.
    assert encode(sent) == encode(logged.to_change())


def test_a_dossier_reads_as_it_always_has() -> None:
    """The record's JSON, key by key and in order, as the server sent it before it was typed:
    null fields included."""
    expected = {
        "id": DOSSIER,
        "reference": "0E1F-0003",
        "code": None,
        "procedureCode": "1.001193",
        "procedureName": "Đăng ký khai sinh",
        "procedureNameEn": "Birth registration",
        "variantKey": "default",
        "status": "supplement_requested",
        "statusCode": 5,
        "channel": "online",
        "returnMethod": "counter",
        "fields": {"childFullName": "Nguyễn Văn B", "copies": 2},
        "documents": {},
        "submittedAt": "2026-11-22T02:15:00+00:00",
        "receivedAt": "2026-11-22T02:15:00+00:00",
        "dueAt": "2026-11-25T02:15:00+00:00",
        "finishedAt": None,
        "isOverdue": False,
        "supplement": {"items": ["Bản sao CCCD rõ hơn"], "deadline": "2026-12-01"},
        "lookupPath": None,
        "apologizedAt": None,
        "result": None,
        "allowedActions": ["supplement"],
        "timeline": [
            {
                "action": "request_supplement",
                "status": "supplement_requested",
                "at": "2026-11-22T02:15:00+00:00",
                "note": "Bản sao CCCD rõ hơn",
            }
        ],
        "updatedAt": "2026-11-22T02:15:00+00:00",
    }
    assert msgspec.json.encode(waiting_for_a_supplement()) == msgspec.json.encode(expected)
    approved = msgspec.to_builtins(approved_dossier())
    assert approved["result"] == {
        "fileName": "ket-qua.pdf",
        "mediaType": "application/pdf",
        "bytes": 120_000,
        "href": f"/api/v1/dossiers/{DOSSIER}/result",
    }
    assert approved["documents"] == {"birthCertificate": [PHOTO]}
    assert (approved["lookupPath"], approved["allowedActions"]) == ("/lookup/t0k3n", [])


def test_an_attachment_leaves_its_unset_links_out_as_it_always_has() -> None:
    assert msgspec.to_builtins(RECORDS["pending photo of a draft"]) == {
        "id": PHOTO,
        "status": "pending",
        "slotKey": "birthCertificate",
        "sha256": SHA,
        "bytes": 345_678,
        "mediaType": "image/jpeg",
        "draftId": DRAFT,
    }
    rejected = msgspec.to_builtins(RECORDS["rejected photo"])
    assert (rejected["rejectReason"], "draftId" in rejected) == ("malformed", False)


def test_drafts_and_notices_read_as_they_always_have() -> None:
    assert list(msgspec.to_builtins(RECORDS["draft"])) == [
        "id",
        "procedureCode",
        "variantKey",
        "fields",
        "version",
        "updatedAt",
    ]
    notice = msgspec.to_builtins(notification_data(a_notice()))
    assert list(notice) == ["id", "dossierId", "template", "content", "createdAt", "readAt"]
    assert notice["readAt"] is None
    params = dict.fromkeys(TEMPLATES["dossier.submitted"].params, "x")
    assert notice["content"] == render("dossier.submitted", params)  # {vi: {title, body}, en}


def test_a_dossier_logged_before_the_later_fields_still_decodes() -> None:
    """Supplement requests, the lookup path, the apology and the result came after the first
    dossiers were logged: a record without them (in the log, or on a phone) still reads."""
    old = msgspec.to_builtins(RECORDS["new dossier"])
    for later in ("supplement", "lookupPath", "apologizedAt", "result"):
        del old[later]
    change = {"entity": "dossier", "id": DOSSIER, "op": "put", "data": old, "version": 1}
    body = msgspec.json.encode(
        {"changes": [change], "cursor": None, "hasMore": False, "lastMutationId": 0}
    )
    [received] = decode(body, PullResponse).changes
    assert isinstance(received, DossierChange)
    assert received.data == RECORDS["new dossier"]


def test_unknown_record_fields_are_ignored() -> None:
    newer = msgspec.to_builtins(RECORDS["approved dossier"]) | {"rating": 5}
    newer["timeline"][0]["place"] = "quầy 3"
    assert msgspec.convert(newer, DossierRecord) == RECORDS["approved dossier"]


@given(
    status=st.sampled_from(get_args(DossierStatus)),
    code=st.none() | st.text(min_size=1, max_size=40),
    times=st.lists(st.none() | st.datetimes(timezones=st.just(dt.UTC)), min_size=4, max_size=4),
    is_overdue=st.booleans(),
    fields=st.dictionaries(st.text(max_size=10), st.none() | st.integers() | st.text()),
)
def test_a_dossier_of_any_status_and_dates_goes_through_without_loss(
    status: str,
    code: str | None,
    times: list[dt.datetime | None],
    is_overdue: bool,
    fields: dict[str, Any],
) -> None:
    received, due, finished, apologized = times
    dossier = a_dossier(
        status=status,
        code=code,
        received_at=received,
        due_at=due,
        finished_at=finished,
        apologized_at=apologized,
        is_overdue=is_overdue,
        form_data=fields,
    )
    record = dossier_data(dossier, BIRTH, [an_event("submit", status, AT)], [a_photo()])
    assert record.allowed_actions == states.allowed_actions(status, "citizen")  # type: ignore[arg-type]
    assert msgspec.json.decode(msgspec.json.encode(record), type=DossierRecord) == record


def test_the_protocol_has_the_state_machine_s_statuses() -> None:
    """A status the phone does not know would not decode: a new one needs a new protocol
    version (sync.messages), so the protocol's set must move with the state machine's."""
    assert set(get_args(DossierStatus)) == set(get_args(states.Status)) == set(states.STATUS_CODES)


def test_every_entity_has_its_change_and_its_record() -> None:
    assert (
        set(CHANGE_TYPES) == set(RECORD_TYPES) == {"draft", "attachment", "dossier", "notification"}
    )
    assert set(CHANGE_TYPES.values()) == set(get_args(Change))
    assert set(RECORD_TYPES.values()) == set(get_args(SyncedRecord))
    kinds = {entity_of(record) for record in RECORDS.values()}
    assert kinds == set(RECORD_TYPES)  # every entity is exercised above


def test_a_change_reads_as_it_always_has() -> None:
    change = changelog.logged_change("draft", DRAFT, "remove", None, 4)
    assert change.entity == "draft"
    assert encode(
        change
    ) == b'{"entity":"draft","id":"%s","op":"remove","data":null,"version":4}' % (DRAFT.encode())


def test_a_change_of_an_unknown_entity_does_not_decode() -> None:
    # Entities are a closed set like the other Literals a client receives.
    change = {"entity": "payment", "id": DRAFT, "op": "remove", "data": None, "version": 1}
    body = msgspec.json.encode(
        {"changes": [change], "cursor": None, "hasMore": False, "lastMutationId": 0}
    )
    with pytest.raises(msgspec.ValidationError):
        decode(body, PullResponse)


@pytest.mark.parametrize(
    ("entity", "op", "data"),
    [
        ("payment", "remove", None),  # not an entity of the protocol
        ("dossier", "put", RECORDS["draft"]),  # another entity's record
        ("draft", "put", {"id": DRAFT}),  # a dict, not a record
        ("draft", "put", None),  # a put without its record
        ("draft", "remove", RECORDS["draft"]),  # a remove with one
    ],
)
def test_the_change_log_refuses_what_a_pull_could_not_send(entity: str, op: Any, data: Any) -> None:
    with pytest.raises((TypeError, ValueError)):
        changelog.PendingChange("account:1", entity, DRAFT, op, data, 1)
