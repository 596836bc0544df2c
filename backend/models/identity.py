"""Accounts and how they prove who they are: passkeys, sessions, one-time tokens, roles,
and the audit trail of every identity event."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from sqlalchemy import ForeignKey, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from backend.models.base import Base, JSONValue, UTCDateTime

AccountKind = Literal["citizen", "staff"]
Role = Literal["desk", "handler", "approver", "field", "postal", "admin"]
CeremonyPurpose = Literal["sign_up", "sign_in", "enrollment", "reverification"]
TokenPurpose = Literal["add_passkey", "staff_enrollment", "desk_recovery", "recovery_code"]
# How a passkey came to the account: at sign-up, or through a one-time token of that purpose.
PasskeyOrigin = Literal[
    "sign_up", "add_passkey", "staff_enrollment", "desk_recovery", "recovery_code"
]


class Account(Base):
    """One person's single account for every service (citizen or staff)."""

    __tablename__ = "account"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[AccountKind] = mapped_column(String(16))
    full_name: Mapped[str] = mapped_column(String(100))
    phone: Mapped[str] = mapped_column(String(10), unique=True)
    email: Mapped[str | None] = mapped_column(String(254))
    cccd: Mapped[str | None] = mapped_column(String(12), unique=True)
    # The WebAuthn user handle: random, never personal data.
    user_handle: Mapped[str] = mapped_column(String(86), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    disabled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # Who wrote the CCCD on the account at the desk, and when (None: the citizen gave it, or
    # it came with the account): recovery from a CCCD the same officer recorded waits 72 hours.
    # An account id without a foreign key, like the audit trail's (migration 0011 says why).
    cccd_recorded_by: Mapped[str | None] = mapped_column(String(36))
    cccd_recorded_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class Passkey(Base):
    __tablename__ = "passkey"

    id: Mapped[str] = mapped_column(String(1400), primary_key=True)  # credential id, base64url
    account_id: Mapped[str] = mapped_column(ForeignKey("account.id"), index=True)
    public_key: Mapped[bytes] = mapped_column(LargeBinary)
    sign_count: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(100))
    backed_up: Mapped[bool]
    transports: Mapped[list[str]] = mapped_column(JSONValue)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # Set when the authenticator's counter went backwards (a cloned key?): refused since.
    flagged_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # None for passkeys older than migration 0011 whose origin the audit trail did not tell.
    enrolled_via: Mapped[PasskeyOrigin | None] = mapped_column(String(24))
    # A passkey that came by a link or a recovery may not remove older passkeys or replace
    # the recovery codes before this time (DESIGN.md §5, Sensitive account changes).
    restricted_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class WebAuthnCeremony(Base):
    """A challenge handed to a browser: single use, short lived."""

    __tablename__ = "webauthn_ceremony"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    purpose: Mapped[CeremonyPurpose] = mapped_column(String(16))
    challenge: Mapped[bytes] = mapped_column(LargeBinary)
    account_id: Mapped[str | None] = mapped_column(ForeignKey("account.id"))
    payload: Mapped[dict[str, Any]] = mapped_column(JSONValue)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class Session(Base):
    """A signed-in device. The cookie holds a random token; only its hash is stored."""

    __tablename__ = "session"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("account.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)  # the absolute limit
    user_agent: Mapped[str | None] = mapped_column(String(300))
    ip: Mapped[str | None] = mapped_column(String(64))
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # The passkey the session was opened, or last re-verified, with (no foreign key: the
    # passkey may be removed, and then the sessions it opened end), and when the last
    # re-verification ceremony succeeded: sensitive changes need it within five minutes.
    passkey_id: Mapped[str | None] = mapped_column(String(1400))
    verified_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class RoleAssignment(Base):
    """A staff role scoped to an agency (or, for postal staff, a postal unit)."""

    __tablename__ = "role_assignment"
    __table_args__ = (UniqueConstraint("account_id", "role", "agency_id", "postal_unit"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("account.id"), index=True)
    role: Mapped[Role] = mapped_column(String(16))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"))
    postal_unit: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class RecoveryCode(Base):
    """A one-time recovery code; only a keyed hash is stored."""

    __tablename__ = "recovery_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("account.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class EnrollmentToken(Base):
    """A one-time link (shown as a QR) that lets its holder add a passkey to an account."""

    __tablename__ = "enrollment_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("account.id"), index=True)
    purpose: Mapped[TokenPurpose] = mapped_column(String(24))
    created_by: Mapped[str | None] = mapped_column(ForeignKey("account.id"))
    # The one-stop desk that issued a desk recovery (told to the citizen).
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class AuditEvent(Base):
    """Append-only: who did what to whom, when, from where."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    action: Mapped[str] = mapped_column(String(64), index=True)
    actor_id: Mapped[str | None] = mapped_column(ForeignKey("account.id"))
    subject_id: Mapped[str | None] = mapped_column(ForeignKey("account.id"), index=True)
    ip: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[dict[str, Any]] = mapped_column(JSONValue)
