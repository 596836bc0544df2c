"""One-stop processing (DESIGN.md §3, §7): staff move a dossier along its route.

Every action is taken at the dossier's current step, by someone holding that step's role at
that step's agency; anyone else is told the dossier does not exist. The state machine says
which status follows; the step's due time says whether it finished early, on time or late,
and the event records it all (the process-control sheet). Each status change puts a notice
in the citizen's inbox and syncs the dossier to their phone, in the same transaction.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any, Literal
from zoneinfo import ZoneInfo

from sqlalchemy import Table, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from backend.config import Settings
from backend.core.auth import Principal
from backend.core.dates import format_date
from backend.core.errors import (
    Conflict,
    FieldProblem,
    InvalidTransition,
    NotFound,
    ValidationFailed,
)
from backend.core.ids import uuid7
from backend.features.catalogue.calendar import WorkingCalendar
from backend.features.dossiers import access, deadlines, results, transitions
from backend.features.dossiers.records import dossier_change, procedure_of
from backend.features.dossiers.states import TERMINAL, Action, Status, transition
from backend.features.dossiers.workflow import Resolver, Step, route_of, step_at, working_calendar
from backend.features.sync import changelog
from backend.features.uploads.blobs import blob_store_for
from backend.features.uploads.service import MAX_BYTES, UploadTooLarge, clean_content
from backend.models import (
    Agency,
    Dossier,
    DossierCodeCounter,
    DossierResult,
    Procedure,
)
from backend.models import ProcedureVariant as Variant

StaffAction = Literal[
    "receive",
    "refuse",
    "forward",
    "approve",
    "stop",
    "pay",
    "return_result",
    "request_supplement",
]


class StepActionNotAllowed(InvalidTransition):
    """The action does not belong to the dossier's current step (409)."""

    problem_type = "dossier-step-action"


@dataclass(frozen=True)
class StaffContext:
    settings: Settings
    principal: Principal
    now: dt.datetime


@dataclass
class Loaded:
    dossier: Dossier
    procedure: Procedure
    variant: Variant
    steps: list[Step]
    step: Step
    agency: Agency


def actions_at(step: Step, index: int, count: int) -> tuple[StaffAction, ...]:
    """What can be done at a step: the route's shape decides, not the status alone."""
    if index == 0:
        return ("receive", "refuse", "request_supplement")
    if index == count - 1:
        return ("return_result",)
    if step.kind == "payment":
        return ("pay",)
    if step.kind == "approval":
        return ("approve", "stop")
    return ("forward", "request_supplement")


async def _load(db: AsyncSession, ctx: StaffContext, dossier_id: str) -> Loaded:
    """The dossier, locked, if the acting person holds its current step's role at its
    current step's agency (`access`); otherwise it does not exist for them."""
    dossier = await access.get_actionable(db, ctx.principal, dossier_id)
    variant = await db.get(Variant, dossier.variant_id)
    agency = await db.get(Agency, dossier.step_agency_id)
    procedure = await procedure_of(db, dossier)
    assert variant is not None
    assert agency is not None
    steps = route_of(variant).steps
    step = step_at(steps, dossier.step_index)
    if step is None:
        raise NotFound()
    return Loaded(dossier, procedure, variant, steps, step, agency)


async def next_code(db: AsyncSession, agency: Agency, day: dt.date) -> str:
    """`<agency code>-<yyMMdd>-<NNNN>`: the agency's next number of the day. The counter row
    is inserted or incremented in one statement and stays locked until commit."""
    dialect = db.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table: Table = DossierCodeCounter.__table__  # type: ignore[assignment]
    statement = (
        insert(table)
        .values(agency_id=agency.id, day=day, last=1)
        .on_conflict_do_update(index_elements=["agency_id", "day"], set_={"last": table.c.last + 1})
        .returning(table.c.last)
    )
    number = int((await db.execute(statement)).scalar_one())
    return f"{agency.code}-{day:%y%m%d}-{number:04d}"


async def act(
    db: AsyncSession,
    ctx: StaffContext,
    dossier_id: str,
    action: StaffAction,
    *,
    note: str | None = None,
    detail: dict[str, Any] | None = None,
) -> Dossier:
    """Take `action` on the dossier at its current step (see the module doc)."""
    loaded = await _load(db, ctx, dossier_id)
    dossier, steps, step = loaded.dossier, loaded.steps, loaded.step
    index = dossier.step_index or 0
    if action not in actions_at(step, index, len(steps)) or action == "request_supplement":
        raise StepActionNotAllowed(step=step.key, action=action)
    now = ctx.now
    calendar = await working_calendar(db)
    move = _machine_action(action, steps, index)
    after = transition(dossier.status, move, step.role)  # type: ignore[arg-type]
    detail = dict(detail or {})
    if action == "approve":
        # Approval issues the result document: there must be one, and it is fixed from now.
        result = await results.find_result(db, dossier.id)
        if result is None:
            raise results.ResultMissing()
        result.issued_at = now
        detail["result"] = {
            "id": result.id,
            "fileName": result.file_name,
            "sha256": result.stored_sha256,
        }
    closing = dossier.step_due_at
    here = transitions.Step(
        key=step.key,
        agency_id=loaded.agency.id,
        due_at=closing,
        outcome=deadlines.outcome(now, closing) if closing else None,
    )
    if action == "receive":
        await receive_at(db, dossier, loaded.variant, loaded.agency, ctx, calendar)
    if after in TERMINAL:
        dossier.finished_at = now
        transitions.leave_route(dossier)
    else:
        resolver = Resolver(db, loaded.procedure.agency_level, dossier.commune_code)
        here = await hand_on(dossier, steps, index + 1, resolver, here, now, calendar)
        if dossier.due_at is not None:
            dossier.is_overdue = now > dossier.due_at
    change = transitions.Change(
        move,
        step.role,
        ctx.principal.account_id,
        now,
        recorded_as=action,
        note=note,
        detail=detail,
        step=here,
    )
    await transitions.change_status(db, dossier, change, timezone=ctx.settings.timezone)
    return dossier


async def hand_on(
    dossier: Dossier,
    steps: list[Step],
    index: int,
    resolver: Resolver,
    here: transitions.Step,
    now: dt.datetime,
    calendar: WorkingCalendar,
) -> transitions.Step:
    """Move the dossier to step `index` at its agency, with the step's due time; returns
    `here` (where the action happened) with where the dossier went."""
    following = steps[index]
    target = await resolver.agency_for(following)
    if target is None:
        raise NotFound(step=following.key)
    dossier.step_index = index
    dossier.current_step = following.key
    dossier.step_agency_id = target.id
    dossier.step_role = following.role
    dossier.step_started_at = now
    dossier.step_due_at = (
        deadlines.add_working_hours(deadlines.clock_start(now, calendar), following.hours, calendar)
        if following.hours > 0
        else None  # a payment waits on the citizen: the agencies' clock does not run
    )
    return dataclasses.replace(here, to_key=following.key, to_agency_id=target.id)


def _machine_action(action: StaffAction, steps: list[Step], index: int) -> Action:
    """The state machine's name for a staff action: handing a dossier on to a payment step
    asks for payment."""
    if action == "forward" and steps[index + 1].kind == "payment":
        return "request_payment"
    return action


async def receive_at(
    db: AsyncSession,
    dossier: Dossier,
    variant: Variant,
    agency: Agency,
    ctx: StaffContext,
    calendar: WorkingCalendar,
) -> None:
    """Reception: the dossier code, the due date and the lookup token of the receipt."""
    now = ctx.now
    zone = ZoneInfo(ctx.settings.timezone)
    dossier.code = await next_code(db, agency, now.astimezone(zone).date())
    dossier.received_at = now
    dossier.due_at = deadlines.working_deadline(
        now, variant.processing_value, variant.processing_unit, calendar
    )
    dossier.lookup_token = secrets.token_urlsafe(32)


async def work_queue(db: AsyncSession, principal: Principal) -> list[tuple[Dossier, Step]]:
    """The dossiers waiting at a step where this person holds the step's role at the step's
    agency, the most urgent first."""
    query = (
        select(Dossier, Variant)
        .join(Variant, Variant.id == Dossier.variant_id)
        .where(access.may_act(principal))
        .order_by(Dossier.step_due_at.is_(None), Dossier.step_due_at, Dossier.submitted_at)
    )
    waiting: list[tuple[Dossier, Step]] = []
    for dossier, variant in (await db.execute(query)).all():
        step = step_at(route_of(variant).steps, dossier.step_index)
        if step is not None:
            waiting.append((dossier, step))
    return waiting


async def find_for_reading(
    db: AsyncSession, principal: Principal, dossier_id: str
) -> tuple[Dossier, Step | None, bool] | None:
    """A dossier the person may read (`access`), its current step (None once finished), and
    whether they may act there. No lock: for reading."""
    query = (
        select(Dossier, Variant, access.may_act(principal).label("may_act"))
        .join(Variant, Variant.id == Dossier.variant_id)
        .where(Dossier.id == dossier_id, access.may_read(principal))
    )
    row = (await db.execute(query)).one_or_none()
    if row is None:
        return None
    dossier, variant, may_act = row
    return dossier, step_at(route_of(variant).steps, dossier.step_index), bool(may_act)


async def next_stop(
    db: AsyncSession, dossier: Dossier, variant: Variant, procedure: Procedure
) -> tuple[Step, Agency] | None:
    """The step (and its agency) that handing the dossier on from its current step leads
    to; None at the last step, or when no agency takes that step."""
    steps = route_of(variant).steps
    if dossier.step_index is None or dossier.step_index + 1 >= len(steps):
        return None
    following = steps[dossier.step_index + 1]
    resolver = Resolver(db, procedure.agency_level, dossier.commune_code)
    agency = await resolver.agency_for(following)
    return (following, agency) if agency is not None else None


async def attach_result(
    db: AsyncSession,
    ctx: StaffContext,
    dossier_id: str,
    *,
    file_name: str | None,
    media_type: str,
    data: bytes,
) -> DossierResult:
    """Attach the result document at the approval step (see `results`), replacing the one
    attached before; refused once the dossier is approved. Nothing is stored unless the file
    passes every check."""
    loaded = await _load(db, ctx, dossier_id)
    dossier, step = loaded.dossier, loaded.step
    earlier = await results.find_result(db, dossier.id)
    if earlier is not None and earlier.issued_at is not None:
        raise results.ResultIssued()
    if "approve" not in actions_at(step, dossier.step_index or 0, len(loaded.steps)):
        raise StepActionNotAllowed(step=step.key, action="attach_result")
    if len(data) > MAX_BYTES:
        raise UploadTooLarge(limit=MAX_BYTES)
    if media_type not in results.MEDIA_TYPES:
        raise results.ResultRefused(reason="result_type")
    outcome = await asyncio.to_thread(clean_content, data, media_type)
    if isinstance(outcome, str):
        raise results.ResultRefused(reason=outcome)
    stored_sha256 = await asyncio.to_thread(blob_store_for(ctx.settings).put, outcome.stored)
    if earlier is not None:
        await db.delete(earlier)
        await db.flush()  # one result per dossier: the old row goes before the new one comes
    result = DossierResult(
        id=uuid7(ctx.now),
        dossier_id=dossier.id,
        account_id=ctx.principal.account_id,
        file_name=results.file_name(
            file_name, media_type, fallback=f"ket-qua-{dossier.code or dossier.reference}"
        ),
        media_type=media_type,
        bytes=len(outcome.stored),
        stored_sha256=stored_sha256,
        uploaded_at=ctx.now,
        issued_at=None,
    )
    db.add(result)
    await db.flush()
    return result


async def request_supplement(
    db: AsyncSession, ctx: StaffContext, dossier_id: str, items: list[str], deadline: dt.date
) -> Dossier:
    """Ask the citizen for more documents (a list and a deadline): the dossier's clock and
    its step's clock stop until the citizen answers from the phone (`dossier.supplement`)."""
    loaded = await _load(db, ctx, dossier_id)
    dossier, step, now = loaded.dossier, loaded.step, ctx.now
    index = dossier.step_index or 0
    if "request_supplement" not in actions_at(step, index, len(loaded.steps)):
        raise StepActionNotAllowed(step=step.key, action="request_supplement")
    before: Status = dossier.status  # type: ignore[assignment]
    asked = {"items": items, "deadline": deadline.isoformat()}
    dossier.supplement = {**asked, "requestedAt": now.isoformat(), "resumeStatus": before}
    dossier.paused_at = now
    change = transitions.Change(
        "request_supplement",
        step.role,
        ctx.principal.account_id,
        now,
        note="; ".join(items),
        detail=asked,
        step=transitions.Step(key=step.key, agency_id=loaded.agency.id, due_at=dossier.step_due_at),
    )
    await transitions.change_status(
        db,
        dossier,
        change,
        timezone=ctx.settings.timezone,
        notice_extra={"items": "; ".join(items), "deadline": format_date(deadline)},
    )
    return dossier


class ApologyRefused(Conflict):
    """An apology letter is issued once, and only for a dossier that is or will be late."""

    problem_type = "dossier-apology-refused"


async def apologize(
    db: AsyncSession, ctx: StaffContext, dossier_id: str, new_due_at: dt.datetime, reason: str
) -> Dossier:
    """The responsible agency's apology letter with a new date for the result (Văn bản xin
    lỗi và hẹn lại ngày trả kết quả), once per dossier: issued at the step that is late."""
    loaded = await _load(db, ctx, dossier_id)
    dossier, now = loaded.dossier, ctx.now
    if dossier.apologized_at is not None:
        raise ApologyRefused(reason="already_issued")
    step_late = dossier.step_due_at is not None and now > dossier.step_due_at
    dossier_late = dossier.due_at is not None and now > dossier.due_at
    if not (step_late or dossier_late):
        raise ApologyRefused(reason="not_late")
    earliest = max(now, dossier.due_at or now)
    if new_due_at <= earliest:
        raise ValidationFailed([FieldProblem("newDueAt", "too_early")])
    change = transitions.Change(
        "apologize",
        loaded.step.role,
        ctx.principal.account_id,
        now,
        note=reason,
        detail={
            "previousDueAt": dossier.due_at.isoformat() if dossier.due_at else None,
            "newDueAt": new_due_at.isoformat(),
        },
        step=transitions.Step(
            key=loaded.step.key, agency_id=loaded.agency.id, due_at=dossier.step_due_at
        ),
    )
    dossier.due_at = new_due_at
    dossier.apologized_at = now
    await transitions.record_without_status(
        db, dossier, change, timezone=ctx.settings.timezone, notice="dossier.apology"
    )
    return dossier


async def late_or_due_soon(
    db: AsyncSession, principal: Principal, now: dt.datetime, within: dt.timedelta
) -> list[Dossier]:
    """For leaders: the open dossiers now held by the agencies they lead (theirs and those
    below) that are overdue, or due (the dossier or its current step) within `within`, the
    most urgent first."""
    horizon = now + within
    query = (
        access.readable_dossiers(principal)
        .where(
            Dossier.step_agency_id.in_(access.led_agencies(principal, "led_now")),
            Dossier.finished_at.is_(None),
            (Dossier.due_at < horizon) | (Dossier.step_due_at < horizon),
        )
        .order_by(Dossier.due_at)
    )
    return list((await db.execute(query)).scalars())


async def mark_overdue(db: AsyncSession, settings: Settings, now: dt.datetime) -> int:
    """Flag open dossiers past their due time and sync the flag to their owners (a
    housekeeping job); returns how many were flagged."""
    query = (
        select(Dossier)
        .where(
            Dossier.due_at < now,
            Dossier.finished_at.is_(None),
            Dossier.is_overdue.is_(False),
        )
        .with_for_update()
    )
    flagged = list((await db.execute(query)).scalars())
    for dossier in flagged:
        dossier.is_overdue = True
        dossier.version += 1
        dossier.updated_at = now
    if flagged:
        await db.flush()
        await changelog.append(db, [await dossier_change(db, d) for d in flagged], now)
    return len(flagged)
