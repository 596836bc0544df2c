"""One-stop processing (DESIGN.md §3, §7): staff move a dossier along its route.

Every action is taken at the dossier's current step, by someone holding that step's role at
that step's agency; anyone else is told the dossier does not exist. The state machine says
which status follows; the step's due time says whether it finished early, on time or late,
and the event records it all (the process-control sheet). Each status change puts a notice
in the citizen's inbox and syncs the dossier to their phone, in the same transaction.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any, Final, Literal
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
from backend.features.dossiers import access, deadlines, results
from backend.features.dossiers.service import dossier_change, notice_params, procedure_of
from backend.features.dossiers.states import Action, Actor, Status, transition
from backend.features.dossiers.workflow import Resolver, Step, route_of, step_at, working_calendar
from backend.features.notifications.service import notify
from backend.features.sync import changelog
from backend.features.uploads.blobs import blob_store_for
from backend.features.uploads.service import MAX_BYTES, UploadTooLarge, clean_content
from backend.models import (
    Agency,
    Dossier,
    DossierCodeCounter,
    DossierEvent,
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

# The notice each new status sends the citizen.
NOTICES: Final[dict[str, str]] = {
    "received": "dossier.received",
    "refused": "dossier.refused",
    "processing": "dossier.processing",
    "awaiting_payment": "dossier.awaiting_payment",
    "result_ready": "dossier.result_ready",
    "stopped": "dossier.stopped",
    "returned": "dossier.returned",
}


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
    actor: Actor = step.role
    now = ctx.now
    calendar = await working_calendar(db)
    before: Status = dossier.status  # type: ignore[assignment]
    after = _next_status(before, action, actor, steps, index)
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
    event = DossierEvent(
        dossier_id=dossier.id,
        action=action,
        status_from=before,
        status_to=after,
        actor_account_id=ctx.principal.account_id,
        actor_role=actor,
        at=now,
        note=note,
        detail=detail,
        step_key=step.key,
        agency_id=loaded.agency.id,
        step_due_at=closing,
        outcome=deadlines.outcome(now, closing) if closing else None,
    )
    if action == "receive":
        await _receive(db, ctx, loaded, calendar)
    ends = after in ("refused", "stopped", "returned")
    if ends:
        dossier.finished_at = now
        dossier.current_step = dossier.step_index = dossier.step_agency_id = None
        dossier.step_role = None
        dossier.step_started_at = dossier.step_due_at = None
    else:
        resolver = Resolver(db, loaded.procedure.agency_level, dossier.commune_code)
        await hand_on(dossier, steps, index + 1, resolver, event, now, calendar)
    db.add(event)
    if dossier.due_at is not None and not ends:
        dossier.is_overdue = now > dossier.due_at
    dossier.status = after
    dossier.version += 1
    dossier.updated_at = now
    await db.flush()
    changes = [await dossier_change(db, dossier)]
    if after != before and after in NOTICES:
        params = notice_params(dossier, loaded.procedure, now, ctx.settings.timezone)
        changes.append(
            await notify(
                db,
                dossier.owner_account_id,
                NOTICES[after],
                params,
                now,
                dossier_id=dossier.id,
            )
        )
    await changelog.append(db, changes, now)
    return dossier


async def hand_on(
    dossier: Dossier,
    steps: list[Step],
    index: int,
    resolver: Resolver,
    event: DossierEvent,
    now: dt.datetime,
    calendar: WorkingCalendar,
) -> None:
    """Move the dossier to step `index` at its agency, with the step's due time; the event
    records where it went."""
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
    event.to_step_key = following.key
    event.to_agency_id = target.id


def _next_status(
    before: Status, action: StaffAction, actor: Actor, steps: list[Step], index: int
) -> Status:
    """The state machine's answer; handing a dossier on to a payment step asks for payment."""
    move: Action = action
    if action == "forward" and steps[index + 1].kind == "payment":
        move = "request_payment"
    return transition(before, move, actor)


async def _receive(
    db: AsyncSession, ctx: StaffContext, loaded: Loaded, calendar: WorkingCalendar
) -> None:
    await receive_at(db, loaded.dossier, loaded.variant, loaded.agency, ctx, calendar)


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
    after = transition(before, "request_supplement", step.role)
    asked = {"items": items, "deadline": deadline.isoformat()}
    db.add(
        DossierEvent(
            dossier_id=dossier.id,
            action="request_supplement",
            status_from=before,
            status_to=after,
            actor_account_id=ctx.principal.account_id,
            actor_role=step.role,
            at=now,
            note="; ".join(items),
            detail=asked,
            step_key=step.key,
            agency_id=loaded.agency.id,
            step_due_at=dossier.step_due_at,
        )
    )
    dossier.supplement = {**asked, "requestedAt": now.isoformat(), "resumeStatus": before}
    dossier.paused_at = now
    dossier.status = after
    dossier.version += 1
    dossier.updated_at = now
    await db.flush()
    params = notice_params(dossier, loaded.procedure, now, ctx.settings.timezone)
    params |= {"items": "; ".join(items), "deadline": format_date(deadline)}
    notice = await notify(
        db,
        dossier.owner_account_id,
        "dossier.supplement_requested",
        params,
        now,
        dossier_id=dossier.id,
    )
    await changelog.append(db, [notice, await dossier_change(db, dossier)], now)
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
    db.add(
        DossierEvent(
            dossier_id=dossier.id,
            action="apologize",
            status_from=dossier.status,
            status_to=dossier.status,
            actor_account_id=ctx.principal.account_id,
            actor_role=loaded.step.role,
            at=now,
            note=reason,
            detail={
                "previousDueAt": dossier.due_at.isoformat() if dossier.due_at else None,
                "newDueAt": new_due_at.isoformat(),
            },
            step_key=loaded.step.key,
            agency_id=loaded.agency.id,
            step_due_at=dossier.step_due_at,
        )
    )
    dossier.due_at = new_due_at
    dossier.apologized_at = now
    dossier.version += 1
    dossier.updated_at = now
    await db.flush()
    params = notice_params(dossier, loaded.procedure, now, ctx.settings.timezone)
    notice = await notify(
        db, dossier.owner_account_id, "dossier.apology", params, now, dossier_id=dossier.id
    )
    await changelog.append(db, [notice, await dossier_change(db, dossier)], now)
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
