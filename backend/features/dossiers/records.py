"""A dossier as its owner's phone holds it (the synced record), and what its notices may say.

The record is rebuilt from the dossier, its events, its documents and its result whenever the
dossier changes, and logged for the owner's scope (`dossier_change`); the phone shows it
offline: status, timeline, documents, receipt link and result.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.core.dates import format_date_time
from backend.features.dossiers import results
from backend.features.dossiers.states import STATUS_CODES, Status, allowed_actions
from backend.features.sync import changelog
from backend.models import Attachment, Dossier, DossierEvent, DossierResult, Procedure
from sync.records import DossierRecord, SupplementRequest, TimelineEntry


def _local_time(at: dt.datetime, timezone: str) -> str:
    return format_date_time(at, timezone)


# ---------------------------------------------------------------------------------------------
# What a citizen's phone holds of a dossier


async def _events(db: AsyncSession, dossier_id: str) -> list[DossierEvent]:
    query = (
        select(DossierEvent)
        .where(DossierEvent.dossier_id == dossier_id)
        .order_by(DossierEvent.at, DossierEvent.id)
    )
    return list((await db.execute(query)).scalars())


async def _documents(db: AsyncSession, dossier_id: str) -> list[Attachment]:
    query = (
        select(Attachment)
        .where(Attachment.dossier_id == dossier_id)
        .order_by(Attachment.slot_key, Attachment.created_at)
    )
    return list((await db.execute(query)).scalars())


def dossier_data(
    dossier: Dossier,
    procedure: Procedure,
    events: Sequence[DossierEvent],
    documents: Sequence[Attachment],
    result: DossierResult | None = None,
) -> DossierRecord:
    """The dossier as its owner's app shows it, offline too: status, timeline, documents,
    and the result document once the dossier is approved."""
    status: Status = dossier.status  # type: ignore[assignment]
    by_slot: dict[str, list[str]] = {}
    for attachment in documents:
        by_slot.setdefault(attachment.slot_key, []).append(attachment.id)
    return DossierRecord(
        id=dossier.id,
        reference=dossier.reference,
        code=dossier.code,
        procedure_code=dossier.procedure_code,
        procedure_name=procedure.name,
        procedure_name_en=procedure.name_en,
        variant_key=dossier.variant_key,
        status=status,
        status_code=STATUS_CODES[status],
        channel=dossier.channel,
        return_method=dossier.return_method,
        fields=dossier.form_data,
        documents=by_slot,
        submitted_at=dossier.submitted_at.isoformat(),
        received_at=_iso(dossier.received_at),
        due_at=_iso(dossier.due_at),
        finished_at=_iso(dossier.finished_at),
        is_overdue=dossier.is_overdue,
        supplement=_supplement_request(dossier.supplement),
        # The receipt's QR points here (on this site): the public lookup of the dossier.
        lookup_path=f"/lookup/{dossier.lookup_token}" if dossier.lookup_token else None,
        apologized_at=_iso(dossier.apologized_at),
        result=results.owner_data(result),
        allowed_actions=list(allowed_actions(status, "citizen")),
        timeline=[
            TimelineEntry(
                action=e.action,
                status=e.status_to,  # type: ignore[arg-type]
                at=e.at.isoformat(),
                note=e.note,
            )
            for e in events
        ],
        updated_at=dossier.updated_at.isoformat(),
    )


def _iso(at: dt.datetime | None) -> str | None:
    return at.isoformat() if at else None


def _supplement_request(supplement: dict[str, Any]) -> SupplementRequest | None:
    """What an open supplement request asks for; None when none is open. The dossier keeps
    more beside it (when it was asked, the status to resume), which the phone does not need."""
    if not supplement:
        return None
    return SupplementRequest(items=list(supplement["items"]), deadline=supplement["deadline"])


async def procedure_of(db: AsyncSession, dossier: Dossier) -> Procedure:
    """The procedure the dossier applies for."""
    query = select(Procedure).where(Procedure.code == dossier.procedure_code)
    return (await db.execute(query)).scalar_one()


async def dossier_change(db: AsyncSession, dossier: Dossier) -> changelog.PendingChange:
    """The change that brings the dossier's owner the dossier as it now stands."""
    await db.flush()
    procedure = await procedure_of(db, dossier)
    data = dossier_data(
        dossier,
        procedure,
        await _events(db, dossier.id),
        await _documents(db, dossier.id),
        await results.find_result(db, dossier.id),
    )
    return changelog.PendingChange(
        changelog.account_scope(dossier.owner_account_id),
        "dossier",
        dossier.id,
        "put",
        data,
        dossier.version,
    )


def notice_params(
    dossier: Dossier, procedure: Procedure, now: dt.datetime, timezone: str
) -> dict[str, str]:
    """What a notice about the dossier may say (each template uses some of it)."""
    return {
        "reference": dossier.code or dossier.reference,
        "procedure": procedure.name,
        "procedure_en": procedure.name_en or procedure.name,
        "time": _local_time(now, timezone),
        "due": _local_time(dossier.due_at, timezone) if dossier.due_at else "—",
    }
