"""The synced records: what a change carries in ``data``, one struct per entity.

The server builds these from its tables when a record changes (each feature's ``*_record``
function) and logs them as plain JSON; a pull sends them on; the phone keeps them in IndexedDB
and shows them offline. They are wire types like the messages in `sync.messages` and follow the
same evolution rules. Records also outlive the exchange that brought them (the change log keeps
them until pruned, a phone until the record changes again), so one of those rules matters most
here: a field added since a record was first sent has a default, because a record logged or
stored before it lacks it; the generated TypeScript marks it optional for the same reason.

Closed sets (``Literal``): the dossier statuses (the national portal's code set, DESIGN.md §3),
the channels and return methods, and the attachment statuses. Actions and templates are open
strings: a new workflow step or notice must not need a new protocol version.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, TypeAlias

from msgspec import Meta

from sync.wire import ReturnMethod, Sha256, Uuid, Version, Wire

Time = Annotated[str, Meta(description="A time, ISO 8601 with its UTC offset.")]
Day = Annotated[str, Meta(description="A calendar day, ISO 8601 (YYYY-MM-DD).")]

DossierStatus: TypeAlias = Literal[
    "submitted",
    "received",
    "refused",
    "processing",
    "supplement_requested",
    "awaiting_payment",
    "withdrawn",
    "stopped",
    "result_ready",
    "returned",
]
"""Where a dossier stands: the national portal's ten statuses (DESIGN.md §3)."""

Channel: TypeAlias = Literal["online", "counter", "post"]
AttachmentStatus: TypeAlias = Literal["pending", "available", "rejected"]


# ---------------------------------------------------------------------------------------------
# Draft


class DraftRecord(Wire):
    """A draft application as the server last saved it (merged field by field)."""

    id: Uuid
    procedure_code: str
    variant_key: str | None
    fields: dict[str, Any]
    version: Version
    updated_at: Time


# ---------------------------------------------------------------------------------------------
# Attachment


class AttachmentRecord(Wire):
    """A file the account registered, as the server knows it: ``pending`` until its upload
    has been checked, then ``available`` or ``rejected`` (``rejectReason`` says why)."""

    id: Uuid
    status: AttachmentStatus
    slot_key: Annotated[str, Meta(description="The document slot of the form the file fills.")]
    sha256: Sha256
    bytes: Annotated[int, Meta(ge=1)]
    media_type: str
    # Left out when not set, as they always were.
    draft_id: Annotated[Uuid | None, Meta(description="The draft it was attached to.")] = None
    dossier_id: Annotated[
        Uuid | None, Meta(description="The dossier it belongs to, once submitted with one.")
    ] = None
    reject_reason: str | None = None


# ---------------------------------------------------------------------------------------------
# Dossier


class SupplementRequest(Wire):
    """What a supplement request asks the citizen for, and by when."""

    items: list[str]
    deadline: Day


class IssuedResult(Wire):
    """The signed result document (decision, certificate, licence) issued by the approval."""

    file_name: str
    media_type: str
    bytes: int
    href: Annotated[str, Meta(description="Where the owner downloads it (on this site).")]


class TimelineEntry(Wire):
    """One event of the dossier's history: what was done, and the status it left."""

    action: Annotated[
        str,
        Meta(description="A state-machine action (submit, receive, ...) or a workflow step's."),
    ]
    status: DossierStatus
    at: Time
    note: str | None


class DossierRecord(Wire, kw_only=True, omit_defaults=False):
    """A dossier as its owner's phone holds it: status, timeline, documents by slot, the open
    supplement request, the receipt's lookup path and the result document.

    Every field is sent, null ones too, as the record always has been. The fields with a
    default came later: a record logged or stored before them lacks them.
    """

    # omit_defaults=False: the server's record has always carried its null fields.

    id: Uuid
    reference: Annotated[str, Meta(description="The short reference used until the desk's code.")]
    code: Annotated[str | None, Meta(description="The dossier code the desk gives on receipt.")]
    procedure_code: str
    procedure_name: str
    procedure_name_en: str | None
    variant_key: str
    status: DossierStatus
    status_code: Annotated[int, Meta(ge=1, le=10, description="The status's national code.")]
    channel: Channel
    return_method: ReturnMethod
    fields: dict[str, Any]
    documents: Annotated[
        dict[str, list[Uuid]], Meta(description="Attachment ids by document slot key.")
    ]
    submitted_at: Time
    received_at: Time | None
    due_at: Time | None
    finished_at: Time | None
    is_overdue: bool
    supplement: Annotated[
        SupplementRequest | None,
        Meta(description="The open supplement request, while the dossier waits for an answer."),
    ] = None
    lookup_path: Annotated[
        str | None, Meta(description="The public lookup the receipt's QR code points to.")
    ] = None
    apologized_at: Annotated[
        Time | None, Meta(description="When the apology letter with a new date was issued.")
    ] = None
    result: Annotated[
        IssuedResult | None, Meta(description="The result document, once issued.")
    ] = None
    allowed_actions: Annotated[
        list[str], Meta(description="What the owner may do now (withdraw, supplement, pay).")
    ]
    timeline: list[TimelineEntry]
    updated_at: Time


# ---------------------------------------------------------------------------------------------
# Notification


class NotificationText(Wire):
    """A notice's words in one language."""

    title: str
    body: str


class NotificationContent(Wire):
    """A notice in Vietnamese (authoritative) and English."""

    vi: NotificationText
    en: NotificationText


class NotificationRecord(Wire):
    """A notice in the account's in-app inbox, rendered from a versioned template."""

    id: Uuid
    dossier_id: Annotated[Uuid | None, Meta(description="The dossier the notice is about.")]
    template: str
    content: NotificationContent
    created_at: Time
    read_at: Time | None


SyncedRecord: TypeAlias = DraftRecord | AttachmentRecord | DossierRecord | NotificationRecord
"""Any synced record."""
