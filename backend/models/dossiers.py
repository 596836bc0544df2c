"""Dossiers (hồ sơ), their append-only history, and the citizen's in-app inbox."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from sqlalchemy import BigInteger, Boolean, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from backend.models.base import Base, JSONValue, UTCDateTime

Channel = Literal["online", "counter", "post"]
ReturnMethod = Literal["counter", "post", "online"]


class Dossier(Base):
    """An application for a procedure, from submission to the returned result.

    The id is chosen by the phone (UUIDv7), so a submission made offline keeps its identity;
    `code` is assigned by the desk on reception. `status` is only ever set through the state
    machine (`backend.features.dossiers.states`) together with a `DossierEvent`.
    """

    __tablename__ = "dossier"
    __table_args__ = (Index("ix_dossier_step_agency_id_step_role", "step_agency_id", "step_role"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    code: Mapped[str | None] = mapped_column(String(40), unique=True)
    reference: Mapped[str] = mapped_column(String(9))
    procedure_code: Mapped[str] = mapped_column(String(32), index=True)
    # The exact version of the variant the application was made under.
    variant_id: Mapped[int] = mapped_column(ForeignKey("procedure_variant.id"))
    variant_key: Mapped[str] = mapped_column(String(64))
    applicant_account_id: Mapped[str] = mapped_column(ForeignKey("account.id"))
    owner_account_id: Mapped[str] = mapped_column(ForeignKey("account.id"), index=True)
    channel: Mapped[Channel] = mapped_column(String(16))
    return_method: Mapped[ReturnMethod] = mapped_column(String(16))
    form_data: Mapped[dict[str, Any]] = mapped_column(JSONValue)
    status: Mapped[str] = mapped_column(String(24), index=True)
    # The one-stop desk that receives it and returns the result.
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"), index=True)
    # Where it is now: the workflow step (key and position) and the agency that holds it.
    current_step: Mapped[str | None] = mapped_column(String(64))
    step_index: Mapped[int | None] = mapped_column(Integer)
    step_agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"), index=True)
    # The role that acts at that step there (the step's, copied so that "who may act" is one
    # SQL condition: features/dossiers/access.py).
    step_role: Mapped[str | None] = mapped_column(String(16))
    step_started_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    step_due_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # The commune whose agencies handle a commune-level procedure.
    commune_code: Mapped[str | None] = mapped_column(String(5))
    # The unguessable token in the receipt's QR, for the public lookup.
    lookup_token: Mapped[str | None] = mapped_column(String(43), unique=True)
    is_overdue: Mapped[bool] = mapped_column(Boolean, default=False)
    apologized_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # A supplement request in progress: the clock is paused since `paused_at`; `supplement`
    # holds what is asked, by when, and the status to resume ({} when none).
    paused_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    supplement: Mapped[dict[str, Any]] = mapped_column(JSONValue, default=dict)
    submitted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    received_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    due_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class DossierEvent(Base):
    """One action on a dossier (append-only): who did what, when, and the status it left.
    The dossier's status is always the `status_to` of its latest event."""

    __tablename__ = "dossier_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[str] = mapped_column(ForeignKey("dossier.id"), index=True)
    action: Mapped[str] = mapped_column(String(32))
    status_from: Mapped[str | None] = mapped_column(String(24))
    status_to: Mapped[str] = mapped_column(String(24))
    actor_account_id: Mapped[str | None] = mapped_column(ForeignKey("account.id"))
    actor_role: Mapped[str] = mapped_column(String(32))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    note: Mapped[str | None] = mapped_column(Text)
    detail: Mapped[dict[str, Any]] = mapped_column(JSONValue)
    # The process-control sheet (phiếu kiểm soát quá trình): the step the action closed or
    # took place in, at which agency, its due time and how it finished against it.
    step_key: Mapped[str | None] = mapped_column(String(64))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"))
    to_step_key: Mapped[str | None] = mapped_column(String(64))
    to_agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"))
    step_due_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[str | None] = mapped_column(String(8))


class DossierResult(Base):
    """The result document of a dossier (the signed decision, certificate or licence): a PDF,
    JPEG or PNG the approver attaches at the approval step, stored as a content-addressed
    blob. It may be replaced until the dossier is approved (`issued_at`); from then on it is
    fixed, and its owner may download it. One per dossier."""

    __tablename__ = "dossier_result"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    dossier_id: Mapped[str] = mapped_column(ForeignKey("dossier.id"), unique=True)
    # The officer who attached it.
    account_id: Mapped[str] = mapped_column(ForeignKey("account.id"))
    file_name: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(127))
    bytes: Mapped[int] = mapped_column(BigInteger)
    stored_sha256: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    issued_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class DossierCodeCounter(Base):
    """The last dossier number an agency gave on a day: codes are `<agency>-<yyMMdd>-<NNNN>`,
    taken by incrementing this row in the receiving transaction, so two desks never give the
    same number (the row is locked until commit on PostgreSQL)."""

    __tablename__ = "dossier_code_counter"

    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), primary_key=True)
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    last: Mapped[int] = mapped_column(Integer)


class Notification(Base):
    """A message to a citizen: kept in the synced in-app inbox (readable offline); the sending
    channels (Web Push, Zalo, SMS) deliver it from here. The text is rendered from a versioned
    template in both languages when the notification is made."""

    __tablename__ = "notification"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("account.id"), index=True)
    dossier_id: Mapped[str | None] = mapped_column(ForeignKey("dossier.id"), index=True)
    template: Mapped[str] = mapped_column(String(64))
    template_version: Mapped[int] = mapped_column(Integer)
    params: Mapped[dict[str, Any]] = mapped_column(JSONValue)
    # {"vi": {"title": ..., "body": ...}, "en": {...}}
    content: Mapped[dict[str, Any]] = mapped_column(JSONValue)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    read_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer)
