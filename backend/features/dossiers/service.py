"""Dossier use cases for citizens: submit an application, withdraw it before reception.

Both arrive as sync mutations (offline-capable): each runs in the push's transaction for its
mutation, so a dossier, its first event, its documents, its acknowledgement in the inbox and
the changes that sync them commit together or not at all. A refusal says why, per field, so
the app can show it on the form.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import msgspec
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.core.auth import Principal
from backend.core.errors import (
    Conflict,
    FieldProblem,
    Forbidden,
    InvalidTransition,
    NotFound,
    Refused,
    ValidationFailed,
)
from backend.core.mutations import MutationContext, mutation
from backend.features.catalogue.forms import FieldError, FormSchema, validate_form
from backend.features.catalogue.repository import find_current_variant_row, find_procedure_row
from backend.features.dossiers import access
from backend.features.dossiers.deadlines import resume_deadline
from backend.features.dossiers.records import dossier_change
from backend.features.dossiers.states import (
    allowed_actions,
)
from backend.features.dossiers.transitions import Change, Step, change_status, leave_route
from backend.features.dossiers.workflow import Resolver, commune_of, route_of, working_calendar
from backend.features.drafts.service import find_own_draft
from backend.features.sync import changelog
from backend.features.uploads.service import attachment_data
from backend.models import (
    AdministrativeUnit,
    Attachment,
    Dossier,
    Procedure,
    ProcedureVariant,
)
from sync.messages import DossierSubmit, DossierSubmitResult, DossierSupplement, DossierWithdraw

MAX_FIELDS_BYTES = 64_000


def dossier_reference(dossier_id: str) -> str:
    """The short reference a citizen sees until the desk assigns the dossier code: the last
    eight hex digits of the id (random in a UUIDv7), in two groups. Same rule as the PWA's
    `dossierReference`."""
    tail = dossier_id.replace("-", "")[-8:].upper()
    return f"{tail[:4]}-{tail[4:]}"


def bind_documents(
    dossier: Dossier, attachments: list[Attachment], documents: dict[str, list[str]]
) -> list[changelog.PendingChange]:
    """The files join the dossier under their slots, as the owner's documents; returns the
    changes that sync them to the owner's phone, and take them off the device of whoever
    uploaded them for the owner (the desk's counter photos)."""
    slot_of = {i: key for key, ids in documents.items() for i in ids}
    changes = []
    for attachment in attachments:
        if attachment.account_id != dossier.owner_account_id:
            changes.append(
                changelog.PendingChange(
                    changelog.account_scope(attachment.account_id),
                    "attachment",
                    attachment.id,
                    "remove",
                    None,
                    attachment.version + 1,
                )
            )
        attachment.account_id = dossier.owner_account_id
        attachment.dossier_id = dossier.id
        attachment.slot_key = slot_of[attachment.id]
        attachment.version += 1
        changes.append(
            changelog.PendingChange(
                changelog.account_scope(dossier.owner_account_id),
                "attachment",
                attachment.id,
                "put",
                attachment_data(attachment),
                attachment.version,
            )
        )
    return changes


async def snapshot(db: AsyncSession, principal: Principal) -> list[changelog.PendingChange]:
    """Every dossier the principal owns, as changes, for a client starting from no cursor."""
    query = access.owned_dossiers(principal).order_by(Dossier.created_at)
    return [await dossier_change(db, d) for d in (await db.execute(query)).scalars()]


# ---------------------------------------------------------------------------------------------
# dossier.submit


async def _current_variant(
    db: AsyncSession, procedure: Procedure, key: str | None
) -> ProcedureVariant | None:
    if key is not None:
        return await find_current_variant_row(db, procedure.id, key)
    query = (
        select(ProcedureVariant)
        .where(
            ProcedureVariant.procedure_id == procedure.id, ProcedureVariant.effective_to.is_(None)
        )
        .order_by(ProcedureVariant.key)
        .limit(1)
    )
    return (await db.execute(query)).scalar_one_or_none()


async def _commune_codes(db: AsyncSession) -> set[str]:
    query = select(AdministrativeUnit.code).where(
        AdministrativeUnit.level == "commune", AdministrativeUnit.effective_to.is_(None)
    )
    return set((await db.execute(query)).scalars())


async def _document_errors(
    db: AsyncSession, schema: FormSchema, documents: dict[str, list[str]], account_id: str
) -> tuple[list[FieldError], list[Attachment]]:
    """Each slot filled as the variant requires, with files this account owns, that have
    arrived, and that no other dossier uses."""
    errors: list[FieldError] = []
    slots = {slot.key: slot for slot in schema.documents}
    errors += [
        FieldError(f"documents.{key}", "unknown_slot") for key in documents if key not in slots
    ]
    named = [attachment_id for ids in documents.values() for attachment_id in ids]
    found: dict[str, Attachment] = {}
    if named:
        query = select(Attachment).where(
            Attachment.id.in_(named), Attachment.account_id == account_id
        )
        found = {a.id: a for a in (await db.execute(query)).scalars()}
    seen: set[str] = set()
    for key, slot in slots.items():
        ids = documents.get(key, [])
        field = f"documents.{key}"
        if not ids:
            if slot.required:
                errors.append(FieldError(field, "required"))
            continue
        if len(ids) > slot.max_files:
            errors.append(FieldError(field, "too_many_files", {"max": slot.max_files}))
        for attachment_id in ids:
            attachment = found.get(attachment_id)
            if attachment_id in seen:
                errors.append(FieldError(field, "file_repeated"))
            elif attachment is None:
                errors.append(FieldError(field, "file_not_found"))
            elif attachment.status != "available":
                errors.append(FieldError(field, "file_not_available"))
            elif attachment.dossier_id is not None:
                errors.append(FieldError(field, "file_in_use"))
            seen.add(attachment_id)
    return errors, [found[i] for i in named if i in found]


async def check_application(
    db: AsyncSession,
    variant: ProcedureVariant,
    fields: dict[str, Any],
    documents: dict[str, list[str]],
    files_owner_id: str,
    today: dt.date,
) -> tuple[list[FieldError], list[Attachment]]:
    """Every broken rule of an application (its form, and its documents: files of
    `files_owner_id`, arrived, unused), and the attachments it names."""
    schema = msgspec.convert(variant.form, FormSchema)
    errors = validate_form(schema, fields, today=today, communes=await _commune_codes(db))
    document_errors, attachments = await _document_errors(db, schema, documents, files_owner_id)
    return errors + document_errors, attachments


async def find_variant(
    db: AsyncSession, procedure: Procedure, key: str | None
) -> ProcedureVariant | None:
    """The variant in force now (the first one when no key is given)."""
    return await _current_variant(db, procedure, key)


@mutation("dossier.submit")
async def submit(db: AsyncSession, ctx: MutationContext, args: DossierSubmit) -> dict[str, Any]:
    """Create the dossier (status submitted) from a valid application, with its documents,
    its first event and an acknowledgement in the citizen's inbox."""
    principal = ctx.principal
    if principal.kind != "citizen":
        raise Forbidden(reason="citizens_only")
    if len(msgspec.json.encode(args.fields)) > MAX_FIELDS_BYTES:
        raise Refused(reason="too_large", limit=MAX_FIELDS_BYTES)
    if await db.get(Dossier, args.dossier_id) is not None:
        raise Conflict(reason="already_exists")
    procedure = await find_procedure_row(db, args.procedure_code)
    if procedure is None:
        raise NotFound(reason="unknown_procedure", procedureCode=args.procedure_code)
    variant = await _current_variant(db, procedure, args.variant_key)
    if variant is None:
        raise NotFound(reason="unknown_variant", variantKey=args.variant_key)
    today = ctx.now.astimezone(ZoneInfo(ctx.settings.timezone)).date()
    errors, attachments = await check_application(
        db, variant, args.fields, args.documents, principal.account_id, today
    )
    if errors:
        raise ValidationFailed([FieldProblem(e.field, e.code, dict(e.params)) for e in errors])

    route = route_of(variant)
    commune = commune_of(route, args.fields)
    reception = route.steps[0] if route.steps else None
    desk = (
        await Resolver(db, procedure.agency_level, commune).agency_for(reception)
        if reception
        else None
    )
    reference = dossier_reference(args.dossier_id)
    dossier = Dossier(
        id=args.dossier_id,
        code=None,
        reference=reference,
        procedure_code=procedure.code,
        variant_id=variant.id,
        variant_key=variant.key,
        applicant_account_id=principal.account_id,
        owner_account_id=principal.account_id,
        channel="online",
        return_method=args.return_method,
        form_data=dict(args.fields),
        agency_id=desk.id if desk else None,
        current_step=reception.key if reception else None,
        step_index=0 if reception else None,
        step_agency_id=desk.id if desk else None,
        step_role=reception.role if reception else None,
        step_started_at=ctx.now,
        commune_code=commune,
        is_overdue=False,
        submitted_at=ctx.now,
        received_at=None,
        due_at=None,
        finished_at=None,
    )
    changes: list[changelog.PendingChange] = []
    if args.draft_id is not None:
        draft = await find_own_draft(db, args.draft_id, principal.account_id)
        if draft is not None:  # the application is made: its draft is done with
            await db.delete(draft)
            changes.append(
                changelog.PendingChange(
                    changelog.account_scope(principal.account_id),
                    "draft",
                    draft.id,
                    "remove",
                    None,
                    draft.version + 1,
                )
            )
    submitted = Change("submit", "citizen", principal.account_id, ctx.now)
    status = await change_status(
        db,
        dossier,
        submitted,
        timezone=ctx.settings.timezone,
        is_new=True,
        changes=[*bind_documents(dossier, attachments, args.documents), *changes],
    )
    result: dict[str, Any] = msgspec.to_builtins(
        DossierSubmitResult(dossier_id=dossier.id, reference=reference, status=status)
    )
    return result


# ---------------------------------------------------------------------------------------------
# dossier.withdraw


@mutation("dossier.withdraw")
async def withdraw(db: AsyncSession, ctx: MutationContext, args: DossierWithdraw) -> None:
    """Withdraw a dossier the desk has not received yet (status withdrawn, code 7)."""
    dossier = await access.find_owned(db, ctx.principal, args.dossier_id)
    if dossier is None:
        raise NotFound()
    if "withdraw" not in allowed_actions(dossier.status, "citizen"):  # type: ignore[arg-type]
        raise InvalidTransition(reason="not_withdrawable", status=dossier.status)
    dossier.finished_at = ctx.now
    leave_route(dossier)
    withdrawn = Change("withdraw", "citizen", ctx.principal.account_id, ctx.now, note=args.reason)
    await change_status(db, dossier, withdrawn, timezone=ctx.settings.timezone)


# ---------------------------------------------------------------------------------------------
# dossier.supplement


@mutation("dossier.supplement")
async def supplement(db: AsyncSession, ctx: MutationContext, args: DossierSupplement) -> None:
    """The citizen's answer to a supplement request, from the phone: the documents asked for
    join the dossier, the clock starts again where it stopped (the paused working time is
    given back to the dossier and its step), and the dossier resumes its status."""
    dossier = await access.find_owned(db, ctx.principal, args.dossier_id)
    if dossier is None:
        raise NotFound()
    if dossier.status != "supplement_requested":
        raise InvalidTransition(reason="no_supplement_requested", status=dossier.status)
    variant = await db.get(ProcedureVariant, dossier.variant_id)
    assert variant is not None
    schema = msgspec.convert(variant.form, FormSchema)
    errors, attachments = await _supplement_files(
        db, schema, args.documents, dossier.owner_account_id
    )
    if errors:
        raise ValidationFailed([FieldProblem(e.field, e.code, dict(e.params)) for e in errors])
    calendar = await working_calendar(db)
    if dossier.paused_at is not None:
        if dossier.due_at is not None:
            dossier.due_at = resume_deadline(dossier.due_at, dossier.paused_at, ctx.now, calendar)
        if dossier.step_due_at is not None:
            dossier.step_due_at = resume_deadline(
                dossier.step_due_at, dossier.paused_at, ctx.now, calendar
            )
    answered = Change(
        "supplement",
        "citizen",
        ctx.principal.account_id,
        ctx.now,
        note=args.note,
        detail={"asked": dossier.supplement, "documents": args.documents},
        step=Step(key=dossier.current_step, agency_id=dossier.step_agency_id),
        resumes=dossier.supplement.get("resumeStatus"),
    )
    dossier.paused_at = None
    dossier.supplement = {}
    await change_status(
        db,
        dossier,
        answered,
        timezone=ctx.settings.timezone,
        changes=bind_documents(dossier, attachments, args.documents),
    )


async def _supplement_files(
    db: AsyncSession, schema: FormSchema, documents: dict[str, list[str]], account_id: str
) -> tuple[list[FieldError], list[Attachment]]:
    """The files sent with a supplement: in known slots, the citizen's own, arrived, unused
    (no slot is required: the request's list says what is needed)."""
    relaxed = msgspec.structs.replace(
        schema,
        documents=tuple(msgspec.structs.replace(slot, required=False) for slot in schema.documents),
    )
    return await _document_errors(db, relaxed, documents, account_id)
