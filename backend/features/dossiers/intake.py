"""Walk-in intake (issue 6): a desk officer applies on behalf of a citizen at the counter.

The citizen is the account the desk found and chose, or the account whose phone and name (or
CCCD) agree with the applicant's; a phone or CCCD that is another person's is a conflict the
desk resolves by choosing. Otherwise the applicant is given an account on the spot, through the
same use case, audit record and notice as any other account (they enroll a passkey later with
a desk recovery QR). The documents are photographed at the counter by
the officer's device and become the citizen's. The dossier is received at once (status 2):
its code, due date and receipt exist when the citizen leaves the counter, and it syncs to
their phone like an application made online.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

import msgspec
from sqlalchemy.ext.asyncio import AsyncSession

from backend.core.errors import Conflict, FieldProblem, Forbidden, NotFound, ValidationFailed
from backend.features.catalogue.repository import find_procedure_row
from backend.features.dossiers import access, transitions
from backend.features.dossiers.handling import StaffContext, hand_on, receive_at
from backend.features.dossiers.service import (
    bind_documents,
    check_application,
    dossier_reference,
    find_variant,
)
from backend.features.dossiers.workflow import Resolver, commune_of, route_of, working_calendar
from backend.features.identity import accounts
from backend.features.identity.service import checked_particulars, new_user_handle
from backend.models import Account, Agency, Dossier

Uuid = Annotated[
    str, msgspec.Meta(pattern=r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
]


class Camel(msgspec.Struct, rename="camel", omit_defaults=True):
    pass


class NewApplicant(Camel):
    """A citizen without an account yet (checked like a sign-up's particulars)."""

    full_name: Annotated[str, msgspec.Meta(max_length=200)]
    phone: str
    cccd: str | None = None


class IntakeRequest(Camel):
    dossier_id: Uuid
    agency_code: str
    procedure_code: str
    fields: dict[str, Any]
    documents: dict[str, list[Uuid]]
    account_id: str | None = None
    applicant: NewApplicant | None = None
    variant_key: str | None = None
    return_method: Literal["counter", "post"] = "counter"


async def _applicant(
    db: AsyncSession, ctx: StaffContext, request: IntakeRequest, desk: Agency
) -> Account:
    """The applicant's account: the one the desk chose, the existing one their particulars
    match, or a new one opened here like any other account (`accounts.create_citizen`)."""
    if request.account_id is not None:
        account = await db.get(Account, request.account_id)
        if account is None or account.kind != "citizen":
            raise NotFound(account=request.account_id)
        return account
    new = request.applicant
    if new is None:
        raise ValidationFailed([FieldProblem("applicant", "required")])
    today = ctx.now.astimezone(ZoneInfo(ctx.settings.timezone)).date()
    try:
        name, phone, _, cccd = checked_particulars(new.full_name, new.phone, None, new.cccd, today)
    except ValidationFailed as refused:
        raise ValidationFailed(
            [FieldProblem(f"applicant.{e.field}", e.code, e.params) for e in refused.errors]
        ) from refused
    particulars = accounts.Particulars(full_name=name, phone=phone, cccd=cccd)
    found = await accounts.match_applicant(db, particulars)
    if found is not None:
        return found
    return await accounts.create_citizen(
        db,
        particulars,
        now=ctx.now,
        ip=None,
        user_handle=new_user_handle(),
        created_by=ctx.principal.account_id,
        at_agency=desk,
    )


async def intake(db: AsyncSession, ctx: StaffContext, request: IntakeRequest) -> Dossier:
    """Receive an application made at the counter (see the module doc)."""
    principal, now = ctx.principal, ctx.now
    desk = await access.holds_role_at(db, principal, request.agency_code, "desk")
    if desk is None:  # only at a counter where one is a desk officer
        raise Forbidden()
    if await db.get(Dossier, request.dossier_id) is not None:
        raise Conflict(reason="already_exists")
    procedure = await find_procedure_row(db, request.procedure_code)
    if procedure is None:
        raise ValidationFailed([FieldProblem("procedureCode", "not_an_option")])
    variant = await find_variant(db, procedure, request.variant_key)
    if variant is None:
        raise ValidationFailed([FieldProblem("variantKey", "not_an_option")])
    today = now.astimezone(ZoneInfo(ctx.settings.timezone)).date()
    errors, attachments = await check_application(
        db, variant, request.fields, request.documents, principal.account_id, today
    )
    if errors:
        raise ValidationFailed([FieldProblem(e.field, e.code, dict(e.params)) for e in errors])
    applicant = await _applicant(db, ctx, request, desk)
    route = route_of(variant)
    if len(route.steps) < 2:
        raise Conflict(reason="procedure_without_route")
    dossier = Dossier(
        id=request.dossier_id,
        code=None,
        reference=dossier_reference(request.dossier_id),
        procedure_code=procedure.code,
        variant_id=variant.id,
        variant_key=variant.key,
        applicant_account_id=applicant.id,
        owner_account_id=applicant.id,
        channel="counter",
        return_method=request.return_method,
        form_data=dict(request.fields),
        agency_id=desk.id,
        commune_code=commune_of(route, request.fields) or desk.unit_code,
        is_overdue=False,
        submitted_at=now,
    )
    calendar = await working_calendar(db)
    await receive_at(db, dossier, variant, desk, ctx, calendar)
    resolver = Resolver(db, procedure.agency_level, dossier.commune_code)
    at_desk = transitions.Step(key=route.steps[0].key, agency_id=desk.id, outcome="on_time")
    handed = await hand_on(dossier, route.steps, 1, resolver, at_desk, now, calendar)
    await transitions.change_status(
        db,
        dossier,
        transitions.Change("intake", "desk", principal.account_id, now, step=handed),
        timezone=ctx.settings.timezone,
        is_new=True,
        # Photographed at the counter by the officer's device: now the citizen's documents.
        changes=bind_documents(dossier, attachments, request.documents),
    )
    return dossier
