"""The one writer of dossier status changes (DESIGN.md §3: "nothing else may set a status").

Every status change — submit, intake, receive, refuse, forward, supplement asked and
answered, payment, approve, stop, return, withdraw — goes through `change_status`: it asks
the state machine for the next status (refusing with `TransitionForbidden`), appends the event
that explains it (the process-control sheet's row), bumps the dossier's version, puts the
notice of the new status in the owner's inbox and logs the changes that sync the dossier, the
notice and whatever else the use case changed to the owner's phone — all in the use case's
transaction. Use cases prepare the rest of the dossier (its step, dates, documents) first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Literal

from sqlalchemy.ext.asyncio import AsyncSession

from backend.features.dossiers.records import dossier_change, notice_params, procedure_of
from backend.features.dossiers.states import Action, Actor, Status, transition
from backend.features.notifications.service import notify
from backend.features.sync import changelog
from backend.models import Dossier, DossierEvent

# The notice a dossier's owner gets when it reaches a status.
NOTICE_OF_STATUS: Final[dict[Status, str]] = {
    "submitted": "dossier.submitted",
    "received": "dossier.received",
    "refused": "dossier.refused",
    "processing": "dossier.processing",
    "supplement_requested": "dossier.supplement_requested",
    "awaiting_payment": "dossier.awaiting_payment",
    "withdrawn": "dossier.withdrawn",
    "stopped": "dossier.stopped",
    "result_ready": "dossier.result_ready",
    "returned": "dossier.returned",
}
# Actions whose notice says more than the status they lead to.
NOTICE_OF_ACTION: Final[dict[Action, str]] = {"supplement": "dossier.supplemented"}


@dataclass(frozen=True)
class Step:
    """Where on the route the action happened and where it sent the dossier: the
    process-control sheet's columns."""

    key: str | None = None
    agency_id: int | None = None
    due_at: dt.datetime | None = None
    outcome: str | None = None
    to_key: str | None = None
    to_agency_id: int | None = None


@dataclass(frozen=True)
class Change:
    """One status change: what was done, by whom, when, and what the event records."""

    action: Action | Literal["apologize"]
    actor: Actor
    by: str | None
    at: dt.datetime
    # The name the event keeps, when it differs from the state machine's action (a hand-on
    # to a payment step is the machine's `request_payment`, the sheet's `forward`).
    recorded_as: str | None = None
    note: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)
    step: Step = Step()
    # The status a supplement's answer resumes (see states.transition).
    resumes: Status | None = None


def leave_route(dossier: Dossier) -> None:
    """A finished dossier waits at no step."""
    dossier.current_step = dossier.step_index = dossier.step_agency_id = None
    dossier.step_role = None
    dossier.step_started_at = dossier.step_due_at = None


async def change_status(
    db: AsyncSession,
    dossier: Dossier,
    change: Change,
    *,
    timezone: str,
    is_new: bool = False,
    notice_extra: dict[str, str] | None = None,
    changes: Sequence[changelog.PendingChange] = (),
) -> Status:
    """Move `dossier` by `change` (see the module doc); `is_new` for a dossier being created,
    which has no status before. Returns the new status."""
    before: Status | None = None if is_new else dossier.status  # type: ignore[assignment]
    if change.action == "apologize":
        raise ValueError("an apology changes no status: record_without_status records it")
    action = change.action  # narrowed: the state machine's own actions
    after = transition(before, action, change.actor, resumes=change.resumes)
    dossier.status = after
    dossier.version = 1 if is_new else dossier.version + 1
    dossier.updated_at = change.at
    if is_new:
        dossier.created_at = change.at
        db.add(dossier)
        # Written before its documents (Attachment.dossier orders the flush) and its event.
        await db.flush()
    db.add(_event(dossier, change, before, after))
    logged = [*changes, await dossier_change(db, dossier)]
    template = NOTICE_OF_ACTION.get(action) or (
        NOTICE_OF_STATUS[after] if after != before else None
    )
    if template is not None:
        procedure = await procedure_of(db, dossier)
        params = notice_params(dossier, procedure, change.at, timezone) | (notice_extra or {})
        logged.append(
            await notify(
                db, dossier.owner_account_id, template, params, change.at, dossier_id=dossier.id
            )
        )
    await changelog.append(db, logged, change.at)
    return after


async def record_without_status(
    db: AsyncSession, dossier: Dossier, change: Change, *, timezone: str, notice: str
) -> None:
    """An action that changes the dossier but not its status (the apology letter's new
    date): its event, the version, the owner's notice and the sync changes."""
    db.add(_event(dossier, change, dossier.status, dossier.status))  # type: ignore[arg-type]
    dossier.version += 1
    dossier.updated_at = change.at
    procedure = await procedure_of(db, dossier)
    params = notice_params(dossier, procedure, change.at, timezone)
    notice_change = await notify(
        db, dossier.owner_account_id, notice, params, change.at, dossier_id=dossier.id
    )
    await changelog.append(db, [await dossier_change(db, dossier), notice_change], change.at)


def _event(dossier: Dossier, change: Change, before: Status | None, after: Status) -> DossierEvent:
    step = change.step
    return DossierEvent(
        dossier_id=dossier.id,
        action=change.recorded_as or change.action,
        status_from=before,
        status_to=after,
        actor_account_id=change.by,
        actor_role=change.actor,
        at=change.at,
        note=change.note,
        detail=change.detail,
        step_key=step.key,
        agency_id=step.agency_id,
        step_due_at=step.due_at,
        outcome=step.outcome,
        to_step_key=step.to_key,
        to_agency_id=step.to_agency_id,
    )
