"""Finding a received dossier for the public lookup, and reading its progress.

Every way of not finding one — no such token or code, a code that cannot be one, the wrong
digits, a dossier not received yet (it has no code nor token) — raises the same
`LookupNotFound`, so the answer never tells which it was. A code lookup reads the dossier and
its applicant's phone in one query whether or not the code exists, and compares the digits in
constant time, so the time taken says no more than the answer.
"""

from __future__ import annotations

import datetime as dt
import hmac
import re
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.core.errors import NotFound, RateLimited
from backend.features.dossiers.states import STATUS_CODES
from backend.features.dossiers.workflow import route_of
from backend.features.lookup.schemas import CurrentStep, DossierProgress, Name, ProgressEntry
from backend.models import Account, Agency, Dossier, DossierEvent, Procedure, ProcedureVariant

# `<agency code>-<yyMMdd>-<NNNN>` (handling.next_code); the QR token is token_urlsafe(32).
CODE_PATTERN = re.compile(r"[0-9A-Z.]{1,32}-[0-9]{6}-[0-9]{4,6}")
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{32,43}")
DIGITS = 4
DIGITS_PATTERN = re.compile(rf"[0-9]{{{DIGITS}}}")
NO_PHONE = "\0" * DIGITS  # compared against when there is no dossier, so both take as long


class LookupNotFound(NotFound):
    """No received dossier answers to this token, or to this code with these digits."""

    problem_type = "dossier-lookup-not-found"


class LookupSlowed(RateLimited):
    """This code was missed too often lately: look it up again after `retry_after` seconds.
    Told the same for every well-formed code, issued or not."""

    problem_type = "lookup-slowed"


def normalized_code(code: str) -> str:
    """The code as the receipt prints it: agency codes are upper case; spaces are typos."""
    return code.strip().upper()


def is_code_shaped(code: str) -> bool:
    """Whether a normalized code has the shape of a dossier code (existing or not)."""
    return CODE_PATTERN.fullmatch(code) is not None


def is_last_digits(digits: str) -> bool:
    """Four ASCII digits: a property of the input alone, so refusing it reveals nothing."""
    return DIGITS_PATTERN.fullmatch(digits) is not None


async def get_by_token(db: AsyncSession, token: str) -> DossierProgress:
    """The progress of the received dossier whose receipt QR carries `token`."""
    if TOKEN_PATTERN.fullmatch(token) is None:
        raise LookupNotFound()
    dossier = (
        await db.execute(select(Dossier).where(Dossier.lookup_token == token))
    ).scalar_one_or_none()
    if dossier is None or not _is_received(dossier):
        raise LookupNotFound()
    return await progress(db, dossier)


async def get_by_code(db: AsyncSession, code: str, digits: str) -> DossierProgress:
    """The progress of the received dossier `code`, when `digits` end its applicant's phone."""
    code = normalized_code(code)
    if not is_code_shaped(code):
        raise LookupNotFound()
    # A narrow row, so a code that exists costs about as much as one that does not.
    found = (
        await db.execute(
            select(Dossier.id, Account.phone)
            .join(Account, Account.id == Dossier.applicant_account_id)
            .where(Dossier.code == code)
        )
    ).one_or_none()
    phone = found.phone if found is not None else NO_PHONE
    matches = hmac.compare_digest(phone[-DIGITS:].encode(), digits.encode())
    if found is None or not matches:
        raise LookupNotFound()
    dossier = await db.get(Dossier, found.id)
    if dossier is None or not _is_received(dossier):
        raise LookupNotFound()
    return await progress(db, dossier)


def _is_received(dossier: Dossier) -> bool:
    return (
        dossier.code is not None
        and dossier.lookup_token is not None
        and dossier.received_at is not None
    )


async def progress(db: AsyncSession, dossier: Dossier) -> DossierProgress:
    """What the lookup shows of a received dossier: its procedure, status, times and the
    steps it went through. Nothing personal is read into it."""
    assert dossier.code is not None
    assert dossier.received_at is not None
    procedure = (
        await db.execute(select(Procedure).where(Procedure.code == dossier.procedure_code))
    ).scalar_one()
    variant = await db.get(ProcedureVariant, dossier.variant_id)
    assert variant is not None
    steps = {step.key: Name(vi=step.name_vi, en=step.name_en) for step in route_of(variant).steps}
    events = list(
        (
            await db.execute(
                select(DossierEvent)
                .where(DossierEvent.dossier_id == dossier.id)
                .order_by(DossierEvent.at, DossierEvent.id)
            )
        ).scalars()
    )
    agencies = await _agency_names(
        db, [e.agency_id for e in events if e.agency_id] + [dossier.step_agency_id]
    )
    current = None
    if dossier.current_step is not None and dossier.current_step in steps:
        current = CurrentStep(
            name=steps[dossier.current_step],
            agency=agencies.get(dossier.step_agency_id),
            due_at=_iso(dossier.step_due_at),
        )
    return DossierProgress(
        code=dossier.code,
        procedure_code=procedure.code,
        procedure_name=Name(vi=procedure.name, en=procedure.name_en),
        status=dossier.status,
        status_code=STATUS_CODES[dossier.status],  # type: ignore[index]
        received_at=dossier.received_at.isoformat(),
        due_at=_iso(dossier.due_at),
        finished_at=_iso(dossier.finished_at),
        is_overdue=dossier.is_overdue,
        current_step=current,
        timeline=[
            ProgressEntry(
                action=e.action,
                status=e.status_to,
                at=e.at.isoformat(),
                step=steps.get(e.step_key) if e.step_key else None,
                agency=agencies.get(e.agency_id),
                outcome=e.outcome,
            )
            for e in events
        ],
    )


async def _agency_names(db: AsyncSession, ids: Iterable[int | None]) -> dict[int | None, Name]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = await db.execute(
        select(Agency.id, Agency.name, Agency.name_en).where(Agency.id.in_(wanted))
    )
    return {row.id: Name(vi=row.name, en=row.name_en) for row in rows}


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None
