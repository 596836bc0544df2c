"""The staff dossier API: the work waiting at one's steps, and actions on a dossier there."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath, JSONBody, QueryParameter
from sqlalchemy import select

from backend.core.auth import Principal
from backend.core.clock import Clock
from backend.core.deps import Db
from backend.core.errors import FieldProblem, NotFound, ValidationFailed
from backend.features.dossiers import handling, intake
from backend.features.dossiers.schemas import (
    ActionRequest,
    ActionResult,
    ApologyRequest,
    LateItem,
    SheetRow,
    StepOut,
    WorkDetail,
    WorkItem,
)
from backend.features.dossiers.service import procedure_of
from backend.features.dossiers.states import STATUS_CODES
from backend.features.dossiers.workflow import Step, route_of
from backend.models import Agency, Dossier, DossierEvent, ProcedureVariant

AnyRequest = Request[Any, Any, Any]
STAFF = ("desk", "handler", "approver", "field", "postal")
NEEDS_REASONS = ("refuse", "stop")


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _step_out(step: Step, agency: Agency, dossier: Dossier) -> StepOut:
    return StepOut(
        key=step.key,
        name=step.name_vi,
        name_en=step.name_en,
        role=step.role,
        kind=step.kind,
        agency_code=agency.code,
        due_at=_iso(dossier.step_due_at),
    )


async def _item(db: Db, dossier: Dossier, step: Step, detail: bool = False) -> WorkItem:
    procedure = await procedure_of(db, dossier)
    agency = await db.get(Agency, dossier.step_agency_id)
    variant = await db.get(ProcedureVariant, dossier.variant_id)
    assert agency is not None
    assert variant is not None
    steps = route_of(variant).steps
    fields: dict[str, Any] = {
        "id": dossier.id,
        "reference": dossier.reference,
        "procedure_code": dossier.procedure_code,
        "procedure_name": procedure.name,
        "status": dossier.status,
        "status_code": STATUS_CODES[dossier.status],  # type: ignore[index]
        "submitted_at": dossier.submitted_at.isoformat(),
        "channel": dossier.channel,
        "step": _step_out(step, agency, dossier),
        "actions": list(handling.actions_at(step, dossier.step_index or 0, len(steps))),
        "is_overdue": dossier.is_overdue,
        "code": dossier.code,
        "due_at": _iso(dossier.due_at),
    }
    if not detail:
        return WorkItem(**fields)
    return WorkDetail(**fields, sheet=await process_sheet(db, dossier.id))


async def process_sheet(db: Db, dossier_id: str) -> list[SheetRow]:
    """Every action and handover of the dossier, with its step's due time and outcome."""
    events = (
        await db.execute(
            select(DossierEvent)
            .where(DossierEvent.dossier_id == dossier_id)
            .order_by(DossierEvent.at, DossierEvent.id)
        )
    ).scalars()
    codes = {a.id: a.code for a in (await db.execute(select(Agency.id, Agency.code))).all()}
    return [
        SheetRow(
            at=e.at.isoformat(),
            action=e.action,
            status=e.status_to,
            actor_role=e.actor_role,
            step_key=e.step_key,
            agency_code=codes.get(e.agency_id) if e.agency_id else None,
            to_step_key=e.to_step_key,
            to_agency_code=codes.get(e.to_agency_id) if e.to_agency_id else None,
            step_due_at=_iso(e.step_due_at),
            outcome=e.outcome,  # type: ignore[arg-type]
            note=e.note,
        )
        for e in events
    ]


def _context(request: AnyRequest) -> handling.StaffContext:
    clock: Clock = request.app.state.clock
    principal: Principal = request.state.principal
    return handling.StaffContext(request.app.state.settings, principal, clock.now())


class WorkController(Controller):
    path = "/api/v1/work/dossiers"
    tags = ["one-stop processing"]  # noqa: RUF012
    opt = {"access": STAFF}  # noqa: RUF012

    @get(
        "/",
        operation_id="listWork",
        summary="Dossiers waiting at a step where I hold the role, most urgent first",
        cache_control=None,
    )
    async def list_work(self, request: AnyRequest, db: Db) -> list[WorkItem]:
        waiting = await handling.work_queue(db, request.state.principal)
        return [await _item(db, dossier, step) for dossier, step in waiting]

    @get(
        "/late",
        operation_id="listLateWork",
        summary="For leaders: open dossiers of my agencies that are late or due soon",
        cache_control=None,
        opt={"access": ("approver", "admin")},
    )
    async def list_late(
        self,
        request: AnyRequest,
        db: Db,
        within_hours: Annotated[
            int, QueryParameter(name="withinHours", ge=0, le=720, description="Due within (hours)")
        ] = 24,
    ) -> list[LateItem]:
        context = _context(request)
        late = await handling.late_or_due_soon(
            db, context.principal, context.now, dt.timedelta(hours=within_hours)
        )
        return [
            LateItem(
                id=d.id,
                reference=d.reference,
                procedure_code=d.procedure_code,
                status=d.status,
                is_overdue=d.is_overdue or (d.due_at is not None and context.now > d.due_at),
                apologized=d.apologized_at is not None,
                code=d.code,
                due_at=_iso(d.due_at),
                step_key=d.current_step,
                step_due_at=_iso(d.step_due_at),
            )
            for d in late
        ]

    @get(
        "/{dossier_id:str}",
        operation_id="getWork",
        summary="A dossier at one of my steps, with its process-control sheet",
        cache_control=None,
    )
    async def get_work(self, request: AnyRequest, db: Db, dossier_id: FromPath[str]) -> WorkDetail:
        for dossier, step in await handling.work_queue(db, request.state.principal):
            if dossier.id == dossier_id:
                item = await _item(db, dossier, step, detail=True)
                assert isinstance(item, WorkDetail)
                return item
        raise NotFound()

    @post(
        "/intake",
        operation_id="intakeAtCounter",
        summary="Walk-in intake: apply for a citizen at the counter; received at once",
        status_code=201,
        opt={"access": ("desk",)},
    )
    async def intake_at_counter(
        self, request: AnyRequest, db: Db, data: JSONBody[intake.IntakeRequest]
    ) -> ActionResult:
        return await _result(db, await intake.intake(db, _context(request), data))

    @post(
        "/{dossier_id:str}/apology",
        operation_id="issueApology",
        summary="The apology letter with a new date for the result, once, when late",
        status_code=200,
    )
    async def apologize(
        self, request: AnyRequest, db: Db, dossier_id: FromPath[str], data: JSONBody[ApologyRequest]
    ) -> LateItem:
        if data.new_due_at.tzinfo is None:
            raise ValidationFailed([FieldProblem("newDueAt", "timezone_required")])
        d = await handling.apologize(
            db, _context(request), dossier_id, data.new_due_at, data.reason.strip()
        )
        return LateItem(
            id=d.id,
            reference=d.reference,
            procedure_code=d.procedure_code,
            status=d.status,
            is_overdue=d.is_overdue,
            apologized=True,
            code=d.code,
            due_at=_iso(d.due_at),
            step_key=d.current_step,
            step_due_at=_iso(d.step_due_at),
        )

    @post(
        "/{dossier_id:str}/actions",
        operation_id="actOnDossier",
        summary="Receive, refuse, hand on, approve, stop, record payment or return the result",
        status_code=200,
    )
    async def act(
        self, request: AnyRequest, db: Db, dossier_id: FromPath[str], data: JSONBody[ActionRequest]
    ) -> ActionResult:
        if data.action in NEEDS_REASONS and not (data.note or "").strip():
            raise ValidationFailed([FieldProblem("note", "required")])
        context = _context(request)
        if data.action == "request_supplement":
            problems = []
            if not data.items:
                problems.append(FieldProblem("items", "required"))
            if data.deadline is None or data.deadline <= context.now.date():
                problems.append(
                    FieldProblem("deadline", "required" if not data.deadline else "too_early")
                )
            if problems:
                raise ValidationFailed(problems)
            assert data.deadline is not None
            dossier = await handling.request_supplement(
                db, context, dossier_id, data.items, data.deadline
            )
        else:
            dossier = await handling.act(db, context, dossier_id, data.action, note=data.note)
        return await _result(db, dossier)


async def _result(db: Db, dossier: Dossier) -> ActionResult:
    step = None
    if dossier.step_index is not None:
        variant = await db.get(ProcedureVariant, dossier.variant_id)
        agency = await db.get(Agency, dossier.step_agency_id)
        assert variant is not None
        assert agency is not None
        following = route_of(variant).steps[dossier.step_index]
        step = _step_out(following, agency, dossier)
    return ActionResult(
        id=dossier.id,
        status=dossier.status,
        status_code=STATUS_CODES[dossier.status],  # type: ignore[index]
        code=dossier.code,
        due_at=_iso(dossier.due_at),
        step=step,
        sheet=await process_sheet(db, dossier.id),
    )
