"""Wire shapes of the staff dossier API (camelCase on the wire)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

import msgspec

from backend.features.dossiers.handling import StaffAction


class Camel(msgspec.Struct, rename="camel", omit_defaults=True):
    pass


class StepOut(Camel):
    """A step of the dossier's route at the agency that holds it (`agencyName` in
    Vietnamese), with its due time while the dossier is there."""

    key: str
    name: str
    role: str
    kind: str
    agency_code: str
    agency_name: str
    name_en: str | None = None
    due_at: str | None = None


class WorkItem(Camel):
    """A dossier as staff see it, with what they may do to it at its step (nothing when they
    may only read it)."""

    id: str
    reference: str
    procedure_code: str
    procedure_name: str
    status: str
    status_code: int
    submitted_at: str
    actions: list[StaffAction]
    channel: str
    # Where it waits now; none once it is finished (returned, refused, stopped, withdrawn).
    step: StepOut | None = None
    is_overdue: bool = False
    code: str | None = None
    due_at: str | None = None


class SheetRow(Camel):
    """One row of the process-control sheet (phiếu kiểm soát quá trình)."""

    at: str
    action: str
    status: str
    actor_role: str
    step_key: str | None = None
    agency_code: str | None = None
    to_step_key: str | None = None
    to_agency_code: str | None = None
    step_due_at: str | None = None
    outcome: Literal["early", "on_time", "late"] | None = None
    note: str | None = None


class Applicant(Camel):
    """Who applied: the dossier's applicant account."""

    full_name: str
    phone: str
    cccd: str | None = None


class DossierDocument(Camel):
    """A document handed in with the dossier; `href` downloads it."""

    id: str
    slot_key: str
    media_type: str
    bytes: int
    href: str


class ResultDocument(Camel):
    """The dossier's result document, as attached at the approval step; `href` downloads it."""

    id: str
    file_name: str
    media_type: str
    bytes: int
    uploaded_at: str
    href: str


class WorkDetail(WorkItem, kw_only=True):
    """A dossier at one of my steps: its process-control sheet, who applied, the application's
    answers as submitted (`fields`), its documents, its result document once attached, and
    the step a hand-on would take it to (`nextStep`; none at the last step)."""

    sheet: list[SheetRow]
    applicant: Applicant
    fields: dict[str, Any]
    documents: list[DossierDocument]
    result_document: ResultDocument | None = None
    next_step: StepOut | None = None


class ActionRequest(Camel):
    """An action at the dossier's current step. Refusing and stopping need the reasons
    (`note`); asking for a supplement needs the list of what is missing and a deadline."""

    action: StaffAction
    note: Annotated[str, msgspec.Meta(max_length=2000)] | None = None
    items: list[Annotated[str, msgspec.Meta(min_length=1, max_length=300)]] = []
    deadline: dt.date | None = None


class ActionResult(Camel):
    """Where the dossier stands after the action: its status, its next step (none once
    finished) and its process-control sheet."""

    id: str
    status: str
    status_code: int
    sheet: list[SheetRow]
    code: str | None = None
    due_at: str | None = None
    step: StepOut | None = None


class ApologyRequest(Camel):
    """The apology letter: the new date for the result and why the dossier is late."""

    new_due_at: dt.datetime
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]


class LateItem(Camel):
    """An open dossier of the leader's agencies that is late or due soon."""

    id: str
    reference: str
    procedure_code: str
    status: str
    is_overdue: bool
    apologized: bool
    code: str | None = None
    due_at: str | None = None
    step_key: str | None = None
    step_due_at: str | None = None
