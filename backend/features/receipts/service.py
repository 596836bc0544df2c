"""What a dossier's receipt says, read for the person asking for it."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import msgspec
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.config import Settings
from backend.core.auth import Principal
from backend.core.errors import Conflict
from backend.features.catalogue.forms import FormSchema
from backend.features.dossiers import access
from backend.features.receipts.render import ReceiptData, ReceivedDocument
from backend.models import (
    Account,
    Agency,
    Attachment,
    DossierEvent,
    Procedure,
    ProcedureVariant,
)

UNITS = {
    "working_days": "ngày làm việc",
    "working_hours": "giờ làm việc",
    "calendar_days": "ngày",
}
# The events that receive a dossier: at the desk, or at once for a walk-in intake.
RECEIVING_ACTIONS = ("receive", "intake")


class NotYetReceived(Conflict):
    """The desk has not received the dossier: it has no code and no receipt yet."""

    problem_type = "dossier-not-received"


async def receipt_data(
    db: AsyncSession, dossier_id: str, *, principal: Principal, settings: Settings
) -> ReceiptData:
    """The receipt of a received dossier, for whoever may read the dossier (`access`: its
    owner, and staff whose agency holds or has held it). A dossier the principal may not read
    is not found, before reception as after, rather than forbidden: its existence is not
    theirs to learn."""
    dossier = await access.get_readable(db, principal, dossier_id)
    if dossier.code is None or dossier.received_at is None or dossier.lookup_token is None:
        raise NotYetReceived()
    agency = await db.get(Agency, dossier.agency_id)
    assert agency is not None  # a received dossier has its receiving agency

    variant = await db.get(ProcedureVariant, dossier.variant_id)
    applicant = await db.get(Account, dossier.applicant_account_id)
    procedure = (
        await db.execute(select(Procedure).where(Procedure.code == dossier.procedure_code))
    ).scalar_one()
    assert variant is not None
    assert applicant is not None
    local = ZoneInfo(settings.timezone)
    return ReceiptData(
        agency_name=agency.name,
        code=dossier.code,
        received_at=dossier.received_at.astimezone(local),
        due_at=dossier.due_at.astimezone(local) if dossier.due_at else None,
        applicant_name=applicant.full_name,
        applicant_phone=applicant.phone,
        procedure_name=procedure.name,
        documents=await _documents(db, dossier.id, variant),
        return_method=dossier.return_method,
        lookup_url=f"{settings.public_url}/lookup/{dossier.lookup_token}",
        processing_time=_processing_time(variant),
        received_by=await _receiver(db, dossier.id),
    )


async def _documents(
    db: AsyncSession, dossier_id: str, variant: ProcedureVariant
) -> tuple[ReceivedDocument, ...]:
    """The slots that were handed in, in the form's order, each with its number of files."""
    files: dict[str, int] = {}
    for slot_key in (
        await db.execute(select(Attachment.slot_key).where(Attachment.dossier_id == dossier_id))
    ).scalars():
        files[slot_key] = files.get(slot_key, 0) + 1
    slots = msgspec.convert(variant.form, FormSchema).documents
    named = [ReceivedDocument(name=s.name.vi, files=files[s.key]) for s in slots if s.key in files]
    # Files in a slot the form no longer names (should not happen) still count.
    known = {s.key for s in slots}
    named += [ReceivedDocument(name=k, files=n) for k, n in sorted(files.items()) if k not in known]
    return tuple(named)


def _processing_time(variant: ProcedureVariant) -> str:
    # The catalogue's notes are about its sources, not for the citizen: the due time says it.
    if variant.processing_value == 0:
        return "trong ngày làm việc"
    return f"{variant.processing_value} {UNITS[variant.processing_unit]}"


async def _receiver(db: AsyncSession, dossier_id: str) -> str | None:
    """The officer who received the dossier, by name."""
    query = (
        select(Account.full_name)
        .join(DossierEvent, DossierEvent.actor_account_id == Account.id)
        .where(DossierEvent.dossier_id == dossier_id, DossierEvent.action.in_(RECEIVING_ACTIONS))
        .order_by(DossierEvent.at.desc(), DossierEvent.id.desc())
        .limit(1)
    )
    return (await db.execute(query)).scalar_one_or_none()
