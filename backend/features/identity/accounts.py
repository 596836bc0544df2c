"""Citizens' accounts: one use case makes every one of them, whoever asks.

A citizen signs up on their phone, or a desk officer opens an account for a walk-in applicant
at the counter; both go through `create_citizen`, so both are checked the same way (one phone
and one CCCD per person), audited the same way (`account.created`, with who made it and
where); an account made at the counter also tells its citizen so in their inbox, as every
change made to an account by someone else does. Who an applicant at the counter is, when
their phone or CCCD already has an account, is `match_applicant`'s answer.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Literal

from sqlalchemy.ext.asyncio import AsyncSession

from backend.core import audit
from backend.core.errors import Conflict
from backend.features.catalogue.search import fold
from backend.features.identity import repository
from backend.features.notifications.service import notify
from backend.features.sync import changelog
from backend.models import Account, Agency


class AccountExists(Conflict):
    problem_type = "account-exists"


class ApplicantMismatch(Conflict):
    """The applicant's phone or CCCD is another person's account: the desk must choose who
    the applicant is (find the account and check the papers, or correct the number)."""

    problem_type = "applicant-mismatch"


@dataclass(frozen=True)
class Particulars:
    """A citizen's checked, normalised particulars."""

    full_name: str
    phone: str
    email: str | None = None
    cccd: str | None = None


async def ensure_new_person(db: AsyncSession, phone: str, cccd: str | None) -> None:
    """One account per phone number and per CCCD."""
    if await repository.find_account_by_phone(db, phone) is not None:
        raise AccountExists(field="phone")
    if cccd is not None and await repository.find_account_by_cccd(db, cccd) is not None:
        raise AccountExists(field="cccd")


async def create_citizen(
    db: AsyncSession,
    particulars: Particulars,
    *,
    now: dt.datetime,
    ip: str | None,
    user_handle: str,
    created_by: str | None = None,
    at_agency: Agency | None = None,
) -> Account:
    """A new citizen account, audited. `created_by` and `at_agency` name the desk officer and
    the counter when the account is opened there; the citizen is then told in the inbox."""
    await ensure_new_person(db, particulars.phone, particulars.cccd)
    account = Account(
        id=str(uuid.uuid4()),
        kind="citizen",
        full_name=particulars.full_name,
        phone=particulars.phone,
        email=particulars.email,
        cccd=particulars.cccd,
        user_handle=user_handle,
        created_at=now,
        disabled_at=None,
    )
    db.add(account)
    await db.flush()
    channel: Literal["online", "counter"] = "counter" if at_agency else "online"
    audit.record(
        db,
        "account.created",
        at=now,
        actor_id=created_by or account.id,
        subject_id=account.id,
        ip=ip,
        kind="citizen",
        channel=channel,
        **({"agency": at_agency.code} if at_agency else {}),
    )
    if at_agency is not None:  # made by someone else: the citizen is told, as for a recovery
        params = {"agency": at_agency.name, "agency_en": at_agency.name_en or at_agency.name}
        notice = await notify(db, account.id, "account.created_at_counter", params, now)
        await changelog.append(db, [notice], now)
    return account


def is_same_person(account: Account, particulars: Particulars) -> bool:
    """Whether the account is the applicant's: the CCCD agrees when both have one, and
    otherwise the names agree (ignoring case, marks and spacing)."""
    if account.cccd and particulars.cccd:
        return account.cccd == particulars.cccd
    return fold(account.full_name) == fold(particulars.full_name)


async def match_applicant(db: AsyncSession, particulars: Particulars) -> Account | None:
    """The existing account of an applicant at the counter, None when they have none; an
    account that only shares the phone or the CCCD is someone else's (`ApplicantMismatch`)."""
    by_phone = await repository.find_account_by_phone(db, particulars.phone)
    if by_phone is not None:
        if by_phone.kind != "citizen":
            raise ApplicantMismatch(reason="phone_of_staff")
        if not is_same_person(by_phone, particulars):
            raise ApplicantMismatch(reason="phone_of_another_person")
        return by_phone
    if particulars.cccd is not None:
        by_cccd = await repository.find_account_by_cccd(db, particulars.cccd)
        if by_cccd is not None:
            raise ApplicantMismatch(reason="cccd_of_another_account")
    return None
