"""Wire shapes of the identity API (camelCase on the wire)."""

from __future__ import annotations

from typing import Any, Literal

import msgspec

from backend.core.auth import Role


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
    """What the desk officer checked before issuing a recovery link."""

    document_type: Literal["cccd", "passport", "vneid"]
    document_number: str
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
