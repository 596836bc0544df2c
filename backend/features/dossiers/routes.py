"""The staff dossier API: the work waiting at one's steps, actions on a dossier there, its
files (documents and result document); and the owner's downloads of their dossier's files."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated, Any, BinaryIO

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.exceptions.http_exceptions import RequestEntityTooLarge
from litestar.params import Body, FromPath, JSONBody, QueryParameter
from litestar.response import Stream
from sqlalchemy import select

from backend.config import Settings
from backend.core.auth import Principal
from backend.core.clock import Clock
from backend.core.deps import AppSettings, Db
from backend.core.errors import FieldProblem, NotFound, ValidationFailed, problem_response
from backend.core.http import private_file_headers
from backend.features.dossiers import files, handling, intake, results
from backend.features.dossiers.records import procedure_of
from backend.features.dossiers.schemas import (
    ActionRequest,
    ActionResult,
    ApologyRequest,
    Applicant,
    DossierDocument,
    LateItem,
    ResultDocument,
    SheetRow,
    StepOut,
    WorkDetail,
    WorkItem,
)
from backend.features.dossiers.states import STATUS_CODES
from backend.features.dossiers.workflow import Step, route_of
from backend.features.uploads.blobs import blob_store_for
from backend.features.uploads.service import MAX_BYTES, UploadTooLarge
from backend.models import Account, Agency, Dossier, DossierEvent, DossierResult, ProcedureVariant

AnyRequest = Request[Any, Any, Any]
STAFF = ("desk", "handler", "approver", "field", "postal")
NEEDS_REASONS = ("refuse", "stop")
# Room for the multipart envelope around a file of the largest size.
MULTIPART_SLACK = 64 * 1024
CHUNK_BYTES = 256 * 1024
# Files are served as they are stored: images and PDFs gain nothing from gzip, and the
# Content-Length must stay the file's.
FILE_ROUTE = {"skip_compression": True}


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _step_out(step: Step, agency: Agency, due_at: dt.datetime | None) -> StepOut:
    return StepOut(
        key=step.key,
        name=step.name_vi,
        name_en=step.name_en,
        role=step.role,
        kind=step.kind,
        agency_code=agency.code,
        agency_name=agency.name,
        due_at=_iso(due_at),
    )


def _result_document(result: DossierResult) -> ResultDocument:
    return ResultDocument(
        id=result.id,
        file_name=result.file_name,
        media_type=result.media_type,
        bytes=result.bytes,
        uploaded_at=result.uploaded_at.isoformat(),
        href=results.work_href(result.dossier_id),
    )


async def _item(
    db: Db, dossier: Dossier, step: Step | None, detail: bool = False, may_act: bool = True
) -> WorkItem:
    """A dossier as the staff area lists or shows it; `step` is None once it is finished."""
    procedure = await procedure_of(db, dossier)
    agency = await db.get(Agency, dossier.step_agency_id) if dossier.step_agency_id else None
    variant = await db.get(ProcedureVariant, dossier.variant_id)
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
        "step": (
            _step_out(step, agency, dossier.step_due_at) if step and agency is not None else None
        ),
        "actions": (
            list(handling.actions_at(step, dossier.step_index or 0, len(steps)))
            if may_act and step is not None
            else []
        ),
        "is_overdue": dossier.is_overdue,
        "code": dossier.code,
        "due_at": _iso(dossier.due_at),
    }
    if not detail:
        return WorkItem(**fields)
    applicant = await db.get(Account, dossier.applicant_account_id)
    assert applicant is not None
    result = await results.find_result(db, dossier.id)
    following = await handling.next_stop(db, dossier, variant, procedure)
    return WorkDetail(
        **fields,
        sheet=await process_sheet(db, dossier.id),
        applicant=Applicant(
            full_name=applicant.full_name, phone=applicant.phone, cccd=applicant.cccd
        ),
        fields=dossier.form_data,
        documents=[
            DossierDocument(
                id=a.id,
                slot_key=a.slot_key,
                media_type=a.media_type,
                bytes=a.stored_bytes or 0,
                href=files.document_href(dossier.id, a.id, staff=True),
            )
            for a in await files.available_documents(db, dossier.id)
        ],
        result_document=_result_document(result) if result is not None else None,
        next_step=_step_out(following[0], following[1], None) if following else None,
    )


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


@dataclass
class ResultUpload:
    """The multipart form of a result document: one file part named `file`."""

    file: UploadFile


def _too_large(request: AnyRequest, _: RequestEntityTooLarge) -> Response[Any]:
    """A body over the route's limit: the same problem as a file over the size limit."""
    error = UploadTooLarge(limit=MAX_BYTES)
    return problem_response(
        request, problem_type=error.problem_type, status=413, params=error.params
    )


def _chunks(file: BinaryIO) -> Iterator[bytes]:
    with file:
        while chunk := file.read(CHUNK_BYTES):
            yield chunk


async def _serve(settings: Settings, stored: files.StoredFile) -> Stream:
    """The stored blob, streamed, with the headers of a private file."""
    blob = await asyncio.to_thread(blob_store_for(settings).open, stored.sha256)
    return Stream(
        _chunks(blob),
        media_type=stored.media_type,
        headers=private_file_headers(stored.file_name, stored.bytes),
    )


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
        summary="For leaders: open dossiers of the agencies I lead that are late or due soon",
        cache_control=None,
        opt={"access": ("approver",)},
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
        summary="A dossier I may read (my agency holds or has held it, I lead an agency that "
        "does, or it waits at my step), with its process-control sheet",
        cache_control=None,
    )
    async def get_work(self, request: AnyRequest, db: Db, dossier_id: FromPath[str]) -> WorkDetail:
        found = await handling.find_for_reading(db, request.state.principal, dossier_id)
        if found is None:
            raise NotFound()
        dossier, step, may_act = found
        item = await _item(db, dossier, step, detail=True, may_act=may_act)
        assert isinstance(item, WorkDetail)
        return item

    @get(
        "/{dossier_id:str}/documents/{attachment_id:str}",
        operation_id="getWorkDocument",
        summary="A document handed in with a dossier I may read",
        cache_control=None,
        opt=FILE_ROUTE,
    )
    async def work_document(
        self,
        request: AnyRequest,
        db: Db,
        settings: AppSettings,
        dossier_id: FromPath[str],
        attachment_id: FromPath[str],
    ) -> Stream:
        principal: Principal = request.state.principal
        stored = await files.staff_document(db, principal, dossier_id, attachment_id)
        return await _serve(settings, stored)

    @get(
        "/{dossier_id:str}/result",
        operation_id="getWorkResult",
        summary="The result document of a dossier I may read (approval, return)",
        cache_control=None,
        opt=FILE_ROUTE,
    )
    async def work_result(
        self, request: AnyRequest, db: Db, settings: AppSettings, dossier_id: FromPath[str]
    ) -> Stream:
        stored = await files.staff_result(db, request.state.principal, dossier_id)
        return await _serve(settings, stored)

    @post(
        "/{dossier_id:str}/result",
        operation_id="attachResult",
        summary="At the approval step: attach the result document (PDF, JPEG or PNG) to "
        "approve with, replacing an earlier one",
        status_code=201,
        request_max_body_size=MAX_BYTES + MULTIPART_SLACK,
        exception_handlers={RequestEntityTooLarge: _too_large},
    )
    async def attach_result(
        self,
        request: AnyRequest,
        db: Db,
        dossier_id: FromPath[str],
        data: Annotated[ResultUpload, Body(media_type=RequestEncodingType.MULTI_PART)],
    ) -> ResultDocument:
        upload = data.file
        try:
            content = await upload.read()
        finally:
            await upload.close()
        result = await handling.attach_result(
            db,
            _context(request),
            dossier_id,
            file_name=upload.filename,
            media_type=upload.content_type.split(";")[0].strip().lower(),
            data=content,
        )
        return _result_document(result)

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
        step = _step_out(following, agency, dossier.step_due_at)
    return ActionResult(
        id=dossier.id,
        status=dossier.status,
        status_code=STATUS_CODES[dossier.status],  # type: ignore[index]
        code=dossier.code,
        due_at=_iso(dossier.due_at),
        step=step,
        sheet=await process_sheet(db, dossier.id),
    )


class OwnerFileController(Controller):
    """The owner's downloads of their dossier's files; to anyone else they do not exist."""

    path = "/api/v1/dossiers"
    tags = ["dossiers"]  # noqa: RUF012
    # Signed in; ownership is checked in the use case, so others get a 404, staff included.
    opt = {"access": "signed_in", **FILE_ROUTE}  # noqa: RUF012

    @get(
        "/{dossier_id:str}/documents/{attachment_id:str}",
        operation_id="getDossierDocument",
        summary="A document I handed in with my dossier",
        cache_control=None,
    )
    async def document(
        self,
        request: AnyRequest,
        db: Db,
        settings: AppSettings,
        dossier_id: FromPath[str],
        attachment_id: FromPath[str],
    ) -> Stream:
        principal: Principal = request.state.principal
        stored = await files.owner_document(db, principal, dossier_id, attachment_id)
        return await _serve(settings, stored)

    @get(
        "/{dossier_id:str}/result",
        operation_id="getDossierResult",
        summary="The result document of my dossier, once approved",
        cache_control=None,
    )
    async def result(
        self, request: AnyRequest, db: Db, settings: AppSettings, dossier_id: FromPath[str]
    ) -> Stream:
        stored = await files.owner_result(db, request.state.principal, dossier_id)
        return await _serve(settings, stored)
