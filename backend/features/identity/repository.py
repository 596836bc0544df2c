"""Every identity query. Queries about an account's own things take the acting principal;
staff look-ups are scoped by the roles the principal holds."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from backend.core.auth import Principal, RoleGrant
from backend.features.dossiers import access
from backend.models import (
    Account,
    Agency,
    AuditEvent,
    EnrollmentToken,
    Passkey,
    RecoveryCode,
    RoleAssignment,
    Session,
    WebAuthnCeremony,
)


async def find_account(db: AsyncSession, account_id: str) -> Account | None:
    return await db.get(Account, account_id)


async def find_account_by_phone(db: AsyncSession, phone: str) -> Account | None:
    return (await db.execute(select(Account).where(Account.phone == phone))).scalar_one_or_none()


async def find_account_by_cccd(db: AsyncSession, cccd: str) -> Account | None:
    return (await db.execute(select(Account).where(Account.cccd == cccd))).scalar_one_or_none()


async def find_account_by_user_handle(db: AsyncSession, handle: str) -> Account | None:
    query = select(Account).where(Account.user_handle == handle)
    return (await db.execute(query)).scalar_one_or_none()


async def role_grants(db: AsyncSession, account_id: str) -> list[tuple[RoleGrant, str | None]]:
    """The account's roles, each with its agency's name."""
    query = (
        select(RoleAssignment, Agency)
        .outerjoin(Agency, Agency.id == RoleAssignment.agency_id)
        .where(RoleAssignment.account_id == account_id)
        .order_by(RoleAssignment.id)
    )
    return [
        (
            RoleGrant(
                role=assignment.role,
                agency_code=agency.code if agency else None,
                postal_unit=assignment.postal_unit,
            ),
            agency.name if agency else None,
        )
        for assignment, agency in (await db.execute(query)).all()
    ]


async def find_agency_id(db: AsyncSession, code: str) -> int | None:
    return (await db.execute(select(Agency.id).where(Agency.code == code))).scalar_one_or_none()


async def find_agency(db: AsyncSession, agency_id: int) -> Agency | None:
    return await db.get(Agency, agency_id)


async def desk_agencies_of_kinds(
    db: AsyncSession, principal: Principal, kinds: Collection[str]
) -> list[Agency]:
    """The agencies of `kinds` where the principal is a desk officer, by code."""
    query = (
        select(Agency)
        .where(Agency.id.in_(access.agencies_where(principal, "desk")), Agency.kind.in_(kinds))
        .order_by(Agency.code)
    )
    return list((await db.execute(query)).scalars())


async def administers_a_root(db: AsyncSession, principal: Principal) -> bool:
    """Whether the principal is an admin at the root of the agency tree (an agency with no
    parent: the province's people's committee), which administers what is outside the tree."""
    query = select(Agency.id).where(
        Agency.parent_id.is_(None), Agency.id.in_(access.agencies_where(principal, "admin"))
    )
    return (await db.execute(query)).first() is not None


async def staff_of_agency(db: AsyncSession, agency_code: str) -> list[Account]:
    query = (
        select(Account)
        .join(RoleAssignment, RoleAssignment.account_id == Account.id)
        .join(Agency, Agency.id == RoleAssignment.agency_id)
        .where(Agency.code == agency_code)
        .distinct()
        .order_by(Account.full_name)
    )
    return list((await db.execute(query)).scalars())


async def list_staff(db: AsyncSession) -> list[Account]:
    query = select(Account).where(Account.kind == "staff").order_by(Account.full_name)
    return list((await db.execute(query)).scalars())


# --- ceremonies -------------------------------------------------------------------------------


async def consume_ceremony(
    db: AsyncSession, ceremony_id: str, purpose: str, now: dt.datetime
) -> WebAuthnCeremony | None:
    """Mark the ceremony used if it is unused and unexpired; the conditional UPDATE makes
    two concurrent uses impossible. None when it was not usable."""
    result = await db.execute(
        update(WebAuthnCeremony)
        .where(
            WebAuthnCeremony.id == ceremony_id,
            WebAuthnCeremony.purpose == purpose,
            WebAuthnCeremony.used_at.is_(None),
            WebAuthnCeremony.expires_at > now,
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return None
    return await db.get(WebAuthnCeremony, ceremony_id)


async def delete_ceremonies_before(db: AsyncSession, before: dt.datetime) -> int:
    """Remove ceremonies that expired before `before`; how many."""
    result = await db.execute(delete(WebAuthnCeremony).where(WebAuthnCeremony.expires_at < before))
    return int(result.rowcount)  # type: ignore[attr-defined]


# --- passkeys ---------------------------------------------------------------------------------


async def find_passkey(db: AsyncSession, credential_id: str) -> Passkey | None:
    return await db.get(Passkey, credential_id)


async def passkeys_of(db: AsyncSession, principal: Principal) -> list[Passkey]:
    query = (
        select(Passkey)
        .where(Passkey.account_id == principal.account_id)
        .order_by(Passkey.created_at)
    )
    return list((await db.execute(query)).scalars())


async def credential_ids_of(db: AsyncSession, account_id: str) -> list[str]:
    query = select(Passkey.id).where(Passkey.account_id == account_id)
    return list((await db.execute(query)).scalars())


# --- sessions ---------------------------------------------------------------------------------


async def find_own_session(db: AsyncSession, principal: Principal) -> Session | None:
    """The session the principal acts through."""
    session = await db.get(Session, principal.session_id)
    return session if session is not None and session.account_id == principal.account_id else None


async def revoke_sessions_of_passkey(
    db: AsyncSession, account_id: str, passkey_id: str, now: dt.datetime, *, keep: str
) -> int:
    """Revoke the account's sessions opened or re-verified with the passkey, but `keep`;
    the number revoked."""
    result = await db.execute(
        update(Session)
        .where(
            Session.account_id == account_id,
            Session.passkey_id == passkey_id,
            Session.id != keep,
            Session.revoked_at.is_(None),
        )
        .values(revoked_at=now)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


async def find_session_by_token_hash(
    db: AsyncSession, token_hash: str
) -> tuple[Session, Account] | None:
    query = (
        select(Session, Account)
        .join(Account, Account.id == Session.account_id)
        .where(Session.token_hash == token_hash)
    )
    row = (await db.execute(query)).first()
    return (row[0], row[1]) if row else None


async def sessions_of(db: AsyncSession, principal: Principal, now: dt.datetime) -> list[Session]:
    query = (
        select(Session)
        .where(
            Session.account_id == principal.account_id,
            Session.revoked_at.is_(None),
            Session.expires_at > now,
        )
        .order_by(Session.last_seen_at.desc())
    )
    return list((await db.execute(query)).scalars())


async def revoke_sessions(
    db: AsyncSession, account_id: str, now: dt.datetime, *, session_id: str | None = None
) -> int:
    """Revoke one session of the account, or all of them; the number revoked."""
    query = update(Session).where(Session.account_id == account_id, Session.revoked_at.is_(None))
    if session_id is not None:
        query = query.where(Session.id == session_id)
    result = await db.execute(
        query.values(revoked_at=now).execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


# --- one-time tokens --------------------------------------------------------------------------


async def find_enrollment_token(db: AsyncSession, token_hash: str) -> EnrollmentToken | None:
    query = select(EnrollmentToken).where(EnrollmentToken.token_hash == token_hash)
    return (await db.execute(query)).scalar_one_or_none()


async def consume_enrollment_token(db: AsyncSession, token_id: int, now: dt.datetime) -> bool:
    result = await db.execute(
        update(EnrollmentToken)
        .where(
            EnrollmentToken.id == token_id,
            EnrollmentToken.used_at.is_(None),
            EnrollmentToken.expires_at > now,
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount == 1)  # type: ignore[attr-defined]


async def consume_recovery_code(db: AsyncSession, code_hash: str, now: dt.datetime) -> str | None:
    """The account whose unused code this is, marking it used; None otherwise."""
    code = (
        await db.execute(select(RecoveryCode).where(RecoveryCode.code_hash == code_hash))
    ).scalar_one_or_none()
    if code is None:
        return None
    result = await db.execute(
        update(RecoveryCode)
        .where(RecoveryCode.id == code.id, RecoveryCode.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    return code.account_id if result.rowcount == 1 else None  # type: ignore[attr-defined]


async def discard_recovery_codes(db: AsyncSession, principal: Principal, now: dt.datetime) -> None:
    await db.execute(
        update(RecoveryCode)
        .where(RecoveryCode.account_id == principal.account_id, RecoveryCode.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )


# --- the audit trail --------------------------------------------------------------------------


async def identity_events(
    db: AsyncSession, principal: Principal, actions: Collection[str], limit: int
) -> list[AuditEvent]:
    """The latest audit events about the principal's own account, newest first."""
    query = (
        select(AuditEvent)
        .where(AuditEvent.subject_id == principal.account_id, AuditEvent.action.in_(actions))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(limit)
    )
    return list((await db.execute(query)).scalars())
