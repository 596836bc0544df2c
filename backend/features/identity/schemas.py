"""Wire shapes of the identity API (camelCase on the wire)."""

from __future__ import annotations

from typing import Any, Literal

import msgspec

from backend.core.auth import Role
from backend.models.identity import PasskeyOrigin


class Camel(msgspec.Struct, rename="camel", omit_defaults=True):
    pass


class SignUp(Camel):
    full_name: str
    phone: str
    email: str | None = None
    cccd: str | None = None


class CeremonyOptions(Camel):
    """Options for `navigator.credentials.create/get` (WebAuthn JSON) and the ceremony's id."""

    ceremony_id: str
    public_key: dict[str, Any]


class EnrollmentOptions(CeremonyOptions, kw_only=True):
    full_name: str


class CeremonyResult(Camel):
    ceremony_id: str
    credential: dict[str, Any]


class EnrollmentRequest(Camel):
    token: str


class EnrollmentResult(Camel):
    token: str
    ceremony_id: str
    credential: dict[str, Any]


class RoleOut(Camel):
    role: Role
    agency_code: str | None = None
    agency_name: str | None = None
    postal_unit: str | None = None


class Me(Camel):
    id: str
    kind: Literal["citizen", "staff"]
    full_name: str
    phone: str
    roles: list[RoleOut]
    email: str | None = None


class PasskeyOut(Camel):
    id: str
    name: str
    created_at: str
    backed_up: bool
    last_used_at: str | None = None
    # How it came (None: before this was recorded) and, for one that came by a link or a
    # recovery, until when it may not remove older passkeys or replace the recovery codes.
    enrolled_via: PasskeyOrigin | None = None
    restricted_until: str | None = None
    # The passkey this session was opened or last re-verified with.
    current: bool = False


class Reverified(Camel):
    """A re-verified session: sensitive changes are open to it until `fresh_until`."""

    verified_at: str
    fresh_until: str


ActivityKind = Literal[
    "account_created",
    "signed_in",
    "signed_out_everywhere",
    "passkey_added",
    "passkey_removed",
    "passkey_link_created",
    "recovery_codes_replaced",
    "recovery_code_used",
    "desk_recovery_issued",
    "desk_recovery_refused",
    "cccd_recorded",
    "change_refused",
]


class ActivityOut(Camel):
    """One identity event of the account, from the audit trail, for its owner to read."""

    id: int
    kind: ActivityKind
    at: str
    # passkey_added: sign_up, add_passkey, recovery_code, desk_recovery, staff_enrollment.
    how: str | None = None
    # The one-stop desk of a desk recovery or a recorded CCCD.
    agency_name: str | None = None
    agency_name_en: str | None = None
    passkey_name: str | None = None
    # signed_in: the browser's user agent, for the device's name.
    user_agent: str | None = None
    # change_refused: which change a new passkey was refused.
    refused: str | None = None


class SessionOut(Camel):
    id: str
    current: bool
    created_at: str
    last_seen_at: str
    user_agent: str | None = None


class EnrollmentLink(Camel):
    """A one-time link to add a passkey, and the same link as a QR code (SVG)."""

    url: str
    qr_svg: str
    expires_at: str


class RecoveryCodes(Camel):
    codes: list[str]


class RecoveryCodeRedemption(Camel):
    code: str


class EnrollmentToken(Camel):
    enrollment_token: str


class AccountMatch(Camel):
    id: str
    full_name: str
    phone_masked: str
    cccd_masked: str | None = None


class IdentityCheck(Camel):
    """What the desk officer checked before issuing a recovery link: the document shown in
    person and its 12-digit personal identification number (the CCCD number, which the card,
    VNeID and recent passports carry), which must be the account's CCCD."""

    document_type: Literal["cccd", "passport", "vneid"]
    document_number: str
    note: str | None = None


class CccdRecord(Camel):
    """The CCCD a desk officer read from the card the citizen showed in person, for an
    account that has none; `attested` is the officer's statement that they checked the card
    against the person (required)."""

    cccd: str
    attested: bool = False
    note: str | None = None


class RoleIn(Camel):
    role: Role
    agency_code: str | None = None
    postal_unit: str | None = None


class StaffCreate(Camel):
    full_name: str
    phone: str
    roles: list[RoleIn]
    email: str | None = None


class StaffCreated(Camel):
    account: Me
    enrollment: EnrollmentLink


class StaffMember(Camel):
    id: str
    full_name: str
    roles: list[RoleOut]
