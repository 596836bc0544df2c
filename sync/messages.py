"""Wire types of the sync protocol (DESIGN.md §4), camelCase on the wire.

Evolution follows msgspec's rules, so a message written by one version is read by the others:

- a new field always has a default, so an older peer's message, which lacks it, still decodes;
- unknown fields are ignored (no struct here sets ``forbid_unknown_fields``), so a newer peer's
  message, which carries more, still decodes;
- fields are never removed, renamed or retyped; ``omit_defaults`` keeps defaulted fields off
  the wire, which is why they are optional in the generated TypeScript;
- the ``Literal`` sets a client receives (statuses, reset reasons, change ops, the entities of
  changes) are closed: a new value there needs a new ``PROTOCOL_VERSION``, because an older
  client could not decode it.

Mutations. A push carries a list of named mutations. Each is a tagged struct whose tag field is
``name`` and which holds the shared envelope fields (``mutationId``, ``clientTime``) beside a
typed ``args`` struct::

    {"name": "draft.save", "mutationId": 7, "clientTime": "...", "args": {"draftId": ...}}

The tag sits beside ``args`` rather than inside it, so one msgspec tagged union decodes a whole
mutation in a single pass, ``args`` stays a plain struct per name, and the envelope fields are
declared once on `MutationBase`. A typed union alone would fail the whole batch on one unknown
name or bad argument, so the server reads a push with `decode_push_request`: the envelope with
each mutation kept as raw bytes, then each mutation on its own; one that does not decode becomes
an `UndecodableMutation` that the server rejects by itself (``unknown_mutation`` or
``invalid_args``) while the rest of the batch proceeds.

Changes. A pull carries a list of changes, one tagged union whose tag field is ``entity``; each
member holds the record of its entity (`sync.records`), or null for a remove::

    {"entity": "dossier", "id": "...", "op": "put", "data": {"status": ...}, "version": 4}

The client decodes a whole page in one pass into typed records. The server does not decode
them at all on the way out: the change log holds each record as the JSON made from its struct,
and a pull sends that on (`backend.features.sync.changelog.logged_change`).
"""

from __future__ import annotations

from collections.abc import Callable
from types import NoneType
from typing import (
    Annotated,
    Any,
    Final,
    Literal,
    TypeAlias,
    TypeVar,
    cast,
    get_args,
    get_type_hints,
)

import msgspec
from msgspec import UNSET, Meta, UnsetType

from sync.records import (
    AttachmentRecord,
    DossierRecord,
    DraftRecord,
    NotificationRecord,
    SyncedRecord,
)
from sync.wire import UUID_PATTERN as UUID_PATTERN
from sync.wire import Code, MediaType, ReturnMethod, Sha256, Uuid, Version, Wire

ProtocolVersion = Annotated[int, Meta(ge=1)]
MutationId = Annotated[
    int, Meta(ge=1, description="Numbered by the client from 1, one more for each mutation.")
]
LastMutationId = Annotated[
    int, Meta(ge=0, description="The client's highest applied mutation id; 0 before any.")
]
ClientTime = Annotated[
    str,
    Meta(max_length=64, description="The device's clock (ISO 8601): kept for audit, never used."),
]
PageLimit = Annotated[int, Meta(ge=1, description="At most this many changes; may send fewer.")]

ResetReason: TypeAlias = Annotated[
    Literal["epoch", "scope", "expired", "protocol", "cursor"],
    Meta(
        description=(
            "Why the client must drop its synced records and pull again from no cursor. "
            "epoch: the server's database is not the one the cursor came from (restored from "
            "a backup). scope: the records the account may see changed (an officer "
            "reassigned). expired: the cursor is older than the tombstone retention window. "
            "protocol: the cursor was issued under another protocol version. cursor: the "
            "cursor could not be verified (a rotated key, or not one of ours)."
        )
    ),
]

MutationStatus: TypeAlias = Literal["applied", "duplicate", "rejected"]
ChangeOp: TypeAlias = Literal["put", "remove"]

UNKNOWN_MUTATION: Final = "unknown_mutation"
INVALID_ARGS: Final = "invalid_args"
INVALID_TEXT: Final = "invalid_text"
"""A string of the mutation breaks the server's text policy (a control character, a bidi
control, nothing visible): ``detail.errors`` lists each, as `FormFieldError`s by path."""
INTERNAL_ERROR: Final = "internal_error"
"""The server failed on this mutation (a bug, logged there); it is refused for good so that
the mutations behind it still apply."""


# ---------------------------------------------------------------------------------------------
# Mutations


class DraftSave(Wire):
    """Save a draft application: the client's whole field snapshot, merged field by field."""

    draft_id: Uuid
    procedure_code: Code
    fields: dict[str, Any]
    base_version: Annotated[
        Version | None,
        Meta(description="The draft version the client edited; null for a draft new to it."),
    ]
    variant_key: Code | None = None


class DraftDelete(Wire):
    """Delete a draft application."""

    draft_id: Uuid
    base_version: Version | None = None


class AttachmentRegister(Wire):
    """Announce a file the client will upload; its bytes travel by the upload protocol."""

    attachment_id: Uuid
    slot_key: Code
    sha256: Sha256
    bytes: Annotated[int, Meta(ge=1)]
    media_type: MediaType
    draft_id: Uuid | None = None


Note = Annotated[str, Meta(max_length=1000)]


class DossierSubmit(Wire):
    """Submit an application: the form's fields and, per document slot, the attachments that
    fill it (registered and uploaded before). The dossier id is chosen by the client."""

    dossier_id: Uuid
    procedure_code: Code
    fields: dict[str, Any]
    documents: Annotated[
        dict[str, list[Uuid]],
        Meta(description="Attachment ids by document slot key, in the order the citizen chose."),
    ]
    variant_key: Code | None = None
    draft_id: Annotated[
        Uuid | None, Meta(description="The draft this application was filled in; it is deleted.")
    ] = None
    return_method: ReturnMethod = "counter"


class DossierWithdraw(Wire):
    """Withdraw a dossier the desk has not yet received."""

    dossier_id: Uuid
    reason: Note | None = None


class DossierSupplement(Wire):
    """Answer a supplement request: the documents asked for (files registered and uploaded
    before), by document slot, and a note."""

    dossier_id: Uuid
    documents: dict[str, list[Uuid]] = {}
    note: Note | None = None


class MutationBase(Wire, tag_field="name"):
    """Fields every mutation carries; subclasses add the tag (``name``) and typed ``args``."""

    mutation_id: MutationId
    client_time: ClientTime


class DraftSaveMutation(MutationBase, tag="draft.save"):
    """The ``draft.save`` mutation."""

    args: DraftSave


class DraftDeleteMutation(MutationBase, tag="draft.delete"):
    """The ``draft.delete`` mutation."""

    args: DraftDelete


class AttachmentRegisterMutation(MutationBase, tag="attachment.register"):
    """The ``attachment.register`` mutation."""

    args: AttachmentRegister


class DossierSubmitMutation(MutationBase, tag="dossier.submit"):
    """The ``dossier.submit`` mutation."""

    args: DossierSubmit


class DossierWithdrawMutation(MutationBase, tag="dossier.withdraw"):
    """The ``dossier.withdraw`` mutation."""

    args: DossierWithdraw


class DossierSupplementMutation(MutationBase, tag="dossier.supplement"):
    """The ``dossier.supplement`` mutation."""

    args: DossierSupplement


# A new mutation: a struct for its args, a tagged subclass of MutationBase, a member here.
Mutation: TypeAlias = (
    DraftSaveMutation
    | DraftDeleteMutation
    | AttachmentRegisterMutation
    | DossierSubmitMutation
    | DossierWithdrawMutation
    | DossierSupplementMutation
)

MUTATION_TYPES: dict[str, type[MutationBase]] = {
    cast(str, member.__struct_config__.tag): member for member in get_args(Mutation)
}
"""Each mutation name with its struct."""


# ---------------------------------------------------------------------------------------------
# Client registration


class ClientRegistration(Wire):
    """Register this installation (a client id it generated) with the signed-in account."""

    client_id: Uuid
    protocol_version: ProtocolVersion


class ClientRegistered(Wire):
    """The server's answer: the client is bound to the account; where its mutations stand."""

    client_id: Uuid
    last_mutation_id: LastMutationId = 0


# ---------------------------------------------------------------------------------------------
# Push


class PushRequest(Wire):
    """Mutations from the client's outbox, in mutation id order."""

    client_id: Uuid
    protocol_version: ProtocolVersion
    mutations: list[Mutation]


class MutationResult(Wire):
    """What became of one mutation.

    ``applied``: done now. ``duplicate``: done before; ``result`` is the stored one.
    ``rejected``: refused for good (``reason`` says why); the queue moves on.
    """

    mutation_id: MutationId
    status: MutationStatus
    reason: str | None = None
    detail: dict[str, Any] | None = None
    result: dict[str, Any] | None = None


class PushResponse(Wire):
    """One result per mutation the server processed, in order.

    A mutation without a result was not processed (the batch stopped at a gap in the mutation
    ids): it stays in the outbox and is sent again.
    """

    results: list[MutationResult]
    last_mutation_id: LastMutationId = 0


class FieldConflict(Wire):
    """A field both the client and the server changed to different values; the server's stays.

    An absent ``clientValue`` or ``serverValue`` means that side deleted the field.
    """

    field: str
    client_value: Any | UnsetType = UNSET
    server_value: Any | UnsetType = UNSET


class DraftSaveResult(Wire):
    """The ``result`` of an applied ``draft.save``: the new version and any conflict notes."""

    version: Version
    conflicts: list[FieldConflict] = []


class DossierSubmitResult(Wire):
    """The ``result`` of an applied ``dossier.submit``: the dossier as the server created it.

    ``reference`` is the short local reference shown until the desk assigns the dossier code.
    """

    dossier_id: Uuid
    reference: str
    status: str


class FormFieldError(Wire):
    """One broken rule of a refused ``dossier.submit``, listed in its ``detail.errors``.

    ``field`` is a form field key, or ``documents.<slot key>`` for a document slot.
    """

    field: str
    code: str
    params: dict[str, Any] = {}


# ---------------------------------------------------------------------------------------------
# Pull


class PullRequest(Wire):
    """Ask for the changes after ``cursor`` (none: from the start) in the caller's scope."""

    client_id: Uuid
    protocol_version: ProtocolVersion
    cursor: str | None = None
    limit: PageLimit = 500


class ChangeBase(Wire, tag_field="entity"):
    """One record's new state (``put``) or its leaving the client's scope (``remove``).

    Subclasses add the tag (``entity``), the record (``data``: null for a remove) and its
    ``version``, declared after ``data`` so that a change reads as it always has:
    ``{"entity", "id", "op", "data", "version"}``.
    """

    id: str
    op: ChangeOp

    @property
    def entity(self) -> str:
        """The kind of record changed: the change's tag."""
        return cast(str, self.__struct_config__.tag)


class DraftChange(ChangeBase, tag="draft"):
    """A change of one of the account's draft applications."""

    data: DraftRecord | None
    version: Version


class AttachmentChange(ChangeBase, tag="attachment"):
    """A change of a file the account registered."""

    data: AttachmentRecord | None
    version: Version


class DossierChange(ChangeBase, tag="dossier"):
    """A change of one of the account's dossiers."""

    data: DossierRecord | None
    version: Version


class NotificationChange(ChangeBase, tag="notification"):
    """A change of a notice in the account's inbox."""

    data: NotificationRecord | None
    version: Version


# A new kind of synced record: its struct in sync.records, a tagged change here, a member below.
# The entities are a closed set like the other Literals a client receives: an older client
# cannot decode a change of an entity it does not know, so a new one needs a new protocol
# version.
Change: TypeAlias = DraftChange | AttachmentChange | DossierChange | NotificationChange

CHANGE_TYPES: dict[str, type[Change]] = {
    cast(str, member.__struct_config__.tag): member for member in get_args(Change)
}
"""Each entity with the struct of its changes."""

RECORD_TYPES: dict[str, type[SyncedRecord]] = {
    entity: next(kind for kind in get_args(get_type_hints(member)["data"]) if kind is not NoneType)
    for entity, member in CHANGE_TYPES.items()
}
"""Each entity with the struct of its records."""


class PullResponse(Wire):
    """A page of changes in commit order, with the cursor to ask for the next page.

    Write the changes and the cursor in one local transaction. ``lastMutationId`` acknowledges
    the client's mutations up to it: those leave the outbox. When ``resetRequired`` is set there
    are no changes: drop the synced records (never the outbox) and pull again with no cursor.
    """

    changes: list[Change]
    cursor: str | None
    has_more: bool
    last_mutation_id: LastMutationId
    reset_required: ResetReason | None = None


# ---------------------------------------------------------------------------------------------
# Encoding and decoding: one reusable encoder, one typed decoder per message type


class UndecodableMutation(msgspec.Struct, frozen=True):
    """A pushed mutation the server cannot read: an unknown name or arguments that do not fit.

    Not a wire type. It still uses up its mutation id: the server records it as rejected, like
    any rejection, so that the client's queue moves on past it.
    """

    mutation_id: int
    name: str
    reason: Literal["unknown_mutation", "invalid_args"]
    error: str

    def to_result(self) -> MutationResult:
        """The ``rejected`` result to record and return for this mutation."""
        detail: dict[str, Any] = {"name": self.name}
        if self.reason == INVALID_ARGS:
            detail["error"] = self.error
        return MutationResult(
            mutation_id=self.mutation_id, status="rejected", reason=self.reason, detail=detail
        )


class DecodedPush(msgspec.Struct, frozen=True):
    """A push request as the server reads it: each mutation decoded on its own."""

    client_id: str
    protocol_version: int
    mutations: list[Mutation | UndecodableMutation]


class _PushEnvelope(Wire):
    client_id: Uuid
    protocol_version: ProtocolVersion
    mutations: list[msgspec.Raw]


class _MutationHead(Wire):
    mutation_id: MutationId
    name: str = ""


_encoder = msgspec.json.Encoder()
_push_envelope_decoder = msgspec.json.Decoder(_PushEnvelope)
_mutation_decoder = msgspec.json.Decoder(Mutation)
_mutation_head_decoder = msgspec.json.Decoder(_MutationHead)

MessageT = TypeVar("MessageT", bound=Wire)

MESSAGE_TYPES: tuple[type[Wire], ...] = (
    ClientRegistration,
    ClientRegistered,
    PushRequest,
    PushResponse,
    DraftSaveResult,
    DossierSubmitResult,
    FormFieldError,
    PullRequest,
    PullResponse,
)
"""The messages sent whole over HTTP, each with its own decoder, and the ``result`` and
refusal ``detail`` shapes of mutations. The JSON Schema starts from these."""

_decoders: dict[type[Wire], msgspec.json.Decoder[Any]] = {
    kind: msgspec.json.Decoder(kind) for kind in MESSAGE_TYPES
}


def encode(message: Wire) -> bytes:
    """Encode a sync message as JSON."""
    return _encoder.encode(message)


def decode(data: bytes | str, kind: type[MessageT]) -> MessageT:
    """Decode a JSON message of type ``kind`` (one of `MESSAGE_TYPES`) with its typed decoder.

    Raises ``msgspec.DecodeError`` (or its subclass ``ValidationError``) when the message does
    not fit. A push request decoded this way fails whole on one bad mutation: the server reads
    pushes with `decode_push_request` instead.
    """
    return cast(MessageT, _decoders[kind].decode(data))


ReadT = TypeVar("ReadT")


def _readable(decode: Callable[[bytes | str], ReadT], data: bytes | str) -> ReadT:
    """`decode(data)`, with text that is not UTF-8 or nested beyond the decoder's reach
    raised as the ``msgspec.DecodeError`` it is, not as Python's own errors."""
    try:
        return decode(data)
    except (RecursionError, UnicodeDecodeError) as error:
        raise msgspec.DecodeError(f"JSON is malformed: {error}") from error


def decode_mutation(data: bytes | str) -> Mutation | UndecodableMutation:
    """Decode one pushed mutation; an unknown name or bad arguments give `UndecodableMutation`.

    Raises ``msgspec.DecodeError`` (or its subclass ``ValidationError``) only when not even
    ``mutationId`` can be read, since then there is no id to attach a rejection to.
    """
    try:
        return cast(Mutation, _mutation_decoder.decode(data))
    except (msgspec.ValidationError, RecursionError, UnicodeDecodeError) as error:
        head = _readable(_mutation_head_decoder.decode, data)
        known = head.name in MUTATION_TYPES
        return UndecodableMutation(
            mutation_id=head.mutation_id,
            name=head.name,
            reason=INVALID_ARGS if known else UNKNOWN_MUTATION,
            error=str(error),
        )


def decode_push_request(data: bytes | str) -> DecodedPush:
    """Read a push request so that one unreadable mutation does not fail the others.

    Raises ``msgspec.DecodeError`` or ``msgspec.ValidationError`` when the envelope itself does
    not fit (the client id, the protocol version, a mutation without a readable id): the whole
    request is then malformed.
    """
    envelope = _readable(_push_envelope_decoder.decode, data)
    mutations: list[Mutation | UndecodableMutation] = []
    for index, raw in enumerate(envelope.mutations):
        try:
            mutations.append(decode_mutation(raw))
        except msgspec.ValidationError as error:
            raise msgspec.ValidationError(f"{error} (in `$.mutations[{index}]`)") from error
    return DecodedPush(
        client_id=envelope.client_id,
        protocol_version=envelope.protocol_version,
        mutations=mutations,
    )
