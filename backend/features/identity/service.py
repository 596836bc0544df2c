"""Identity use cases: sign-up, sign-in, sessions, more passkeys, recovery, staff enrollment.

Every identity event is audited in the same transaction. A refused ceremony still consumes
its challenge and is recorded (`keeps_changes`), so a replay finds nothing to replay.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import io
import re
import secrets
import uuid
from dataclasses import dataclass
from typing import Any, NoReturn

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from backend.config import Settings
from backend.core import audit, text
from backend.core.auth import Principal, RoleGrant
from backend.core.errors import (
    Conflict,
    DomainError,
    FieldProblem,
    Forbidden,
    NotFound,
    ValidationFailed,
)
from backend.features.catalogue.forms import cccd_error, is_valid_phone, normalize_phone
from backend.features.identity import ceremonies, repository, schemas
from backend.models import (
    Account,
    EnrollmentToken,
    Passkey,
    RecoveryCode,
    RoleAssignment,
    Session,
    WebAuthnCeremony,
)

CEREMONY_LIFETIME = dt.timedelta(minutes=5)
PASSKEY_LINK_LIFETIME = dt.timedelta(minutes=15)
DESK_RECOVERY_LIFETIME = dt.timedelta(minutes=15)
STAFF_ENROLLMENT_LIFETIME = dt.timedelta(days=3)
RECOVERY_CODE_COUNT = 10
EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"  # no 0/O, 1/I/L: read aloud, typed by hand


class PasskeyRefused(DomainError):
    """A ceremony that proves nothing: the reason says why. Its challenge stays used and the
    attempt stays recorded."""

    problem_type = "passkey-refused"
    keeps_changes = True


class AccountExists(Conflict):
    problem_type = "account-exists"


class LinkInvalid(DomainError):
    """A one-time link or code that is unknown, used or expired (not told apart)."""

    problem_type = "link-invalid"
    keeps_changes = True


class LastPasskey(Conflict):
    problem_type = "last-passkey"


@dataclass(frozen=True)
class Context:
    """Where a use case runs: the time, and the client it serves (for the audit trail)."""

    settings: Settings
    now: dt.datetime
    ip: str | None = None
    user_agent: str | None = None


@dataclass(frozen=True)
class NewSession:
    token: str
    session: Session
    account: Account


def keyed_hash(settings: Settings, value: str) -> str:
    return hmac.new(settings.secret_key.encode(), value.encode(), hashlib.sha256).hexdigest()


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_user_handle() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode().rstrip("=")


# --- people's particulars ---------------------------------------------------------------------


def checked_particulars(
    full_name: str, phone: str, email: str | None, cccd: str | None, today: dt.date
) -> tuple[str, str, str | None, str | None]:
    """Normalised (name, phone, email, cccd) or ValidationFailed with every problem."""
    problems: list[FieldProblem] = []
    name = " ".join(full_name.split())
    refused = text.text_problem(name)  # the edge checks API bodies; this also the CLI's
    name = text.normalized(name)
    if refused is not None:
        problems.append(FieldProblem("fullName", refused[0], dict(refused[1])))
    elif len(name) < 2:
        problems.append(FieldProblem("fullName", "too_short", {"min": 2}))
    elif len(name) > 100:
        problems.append(FieldProblem("fullName", "too_long", {"max": 100}))
    number = normalize_phone(phone)
    if not is_valid_phone(number):
        problems.append(FieldProblem("phone", "phone"))
    mail = (email or "").strip() or None
    if mail is not None and not EMAIL.match(mail):
        problems.append(FieldProblem("email", "email"))
    card = (cccd or "").strip() or None
    if card is not None and (code := cccd_error(card, today)) is not None:
        problems.append(FieldProblem("cccd", code))
    if problems:
        raise ValidationFailed(problems)
    return name, number, mail, card


async def _ensure_new_person(db: AsyncSession, phone: str, cccd: str | None) -> None:
    if await repository.find_account_by_phone(db, phone) is not None:
        raise AccountExists(field="phone")
    if cccd is not None and await repository.find_account_by_cccd(db, cccd) is not None:
        raise AccountExists(field="cccd")


# --- ceremonies -------------------------------------------------------------------------------


def _new_ceremony(
    db: AsyncSession,
    ctx: Context,
    purpose: str,
    challenge: bytes,
    *,
    account_id: str | None = None,
    payload: dict[str, Any] | None = None,
) -> str:
    ceremony_id = secrets.token_urlsafe(32)
    db.add(
        WebAuthnCeremony(
            id=ceremony_id,
            purpose=purpose,
            challenge=challenge,
            account_id=account_id,
            payload=payload or {},
            created_at=ctx.now,
            expires_at=ctx.now + CEREMONY_LIFETIME,
        )
    )
    return ceremony_id


def _refuse(
    db: AsyncSession, ctx: Context, reason: str, *, subject_id: str | None = None, **detail: Any
) -> NoReturn:
    """Record a refused ceremony in the audit trail (kept: `keeps_changes`) and refuse it."""
    audit.record(
        db,
        "passkey.refused",
        at=ctx.now,
        ip=ctx.ip,
        subject_id=subject_id,
        reason=reason,
        **detail,
    )
    raise PasskeyRefused(reason=reason)


async def _consume(
    db: AsyncSession, ctx: Context, ceremony_id: str, purpose: str
) -> WebAuthnCeremony:
    ceremony = await repository.consume_ceremony(db, ceremony_id, purpose, ctx.now)
    if ceremony is None:
        _refuse(db, ctx, "challenge_unusable")
    return ceremony


def _verify_new_passkey(
    db: AsyncSession, ctx: Context, ceremony: WebAuthnCeremony, credential: dict[str, Any]
) -> ceremonies.NewPasskey:
    try:
        return ceremonies.verify_new_passkey(ctx.settings, credential, ceremony.challenge)
    except ceremonies.CeremonyFailed as exc:
        _refuse(
            db, ctx, "verification_failed", subject_id=ceremony.account_id, error=str(exc)[:300]
        )


def _store_passkey(
    db: AsyncSession, ctx: Context, account_id: str, new: ceremonies.NewPasskey, name: str
) -> None:
    db.add(
        Passkey(
            id=new.credential_id,
            account_id=account_id,
            public_key=new.public_key,
            sign_count=new.sign_count,
            name=name,
            backed_up=new.backed_up,
            transports=new.transports,
            created_at=ctx.now,
            last_used_at=ctx.now,
            flagged_at=None,
        )
    )


async def open_session(db: AsyncSession, ctx: Context, account: Account) -> NewSession:
    _idle, absolute = ctx.settings.session_lifetimes(account.kind)
    token = secrets.token_urlsafe(32)
    session = Session(
        id=str(uuid.uuid4()),
        token_hash=token_hash(token),
        account_id=account.id,
        created_at=ctx.now,
        last_seen_at=ctx.now,
        expires_at=ctx.now + absolute,
        user_agent=(ctx.user_agent or "")[:300] or None,
        ip=ctx.ip,
        revoked_at=None,
    )
    db.add(session)
    audit.record(
        db,
        "session.opened",
        at=ctx.now,
        actor_id=account.id,
        subject_id=account.id,
        ip=ctx.ip,
        session_id=session.id,
    )
    await db.flush()
    return NewSession(token, session, account)


async def start_sign_up(
    db: AsyncSession, ctx: Context, request: schemas.SignUp
) -> schemas.CeremonyOptions:
    """Check the citizen's particulars and hand out a passkey-creation challenge."""
    name, phone, email, cccd = checked_particulars(
        request.full_name, request.phone, request.email, request.cccd, ctx.now.date()
    )
    await _ensure_new_person(db, phone, cccd)
    handle = new_user_handle()
    challenge, options = ceremonies.registration_options(
        ctx.settings, user_handle=handle, user_name=phone, display_name=name, exclude=[]
    )
    ceremony_id = _new_ceremony(
        db,
        ctx,
        "sign_up",
        challenge,
        payload={
            "fullName": name,
            "phone": phone,
            "email": email,
            "cccd": cccd,
            "userHandle": handle,
        },
    )
    return schemas.CeremonyOptions(ceremony_id=ceremony_id, public_key=options)


async def finish_sign_up(
    db: AsyncSession, ctx: Context, result: schemas.CeremonyResult
) -> NewSession:
    """Create the citizen's account with its first passkey, and sign them in."""
    ceremony = await _consume(db, ctx, result.ceremony_id, "sign_up")
    new = _verify_new_passkey(db, ctx, ceremony, result.credential)
    data = ceremony.payload
    await _ensure_new_person(db, data["phone"], data["cccd"])
    account = Account(
        id=str(uuid.uuid4()),
        kind="citizen",
        full_name=data["fullName"],
        phone=data["phone"],
        email=data["email"],
        cccd=data["cccd"],
        user_handle=data["userHandle"],
        created_at=ctx.now,
        disabled_at=None,
    )
    db.add(account)
    await db.flush()
    _store_passkey(db, ctx, account.id, new, "Passkey 1")
    audit.record(
        db,
        "account.created",
        at=ctx.now,
        actor_id=account.id,
        subject_id=account.id,
        ip=ctx.ip,
        kind="citizen",
    )
    try:
        return await open_session(db, ctx, account)
    except IntegrityError as exc:  # the same phone signed up twice at once
        raise AccountExists(field="phone") from exc


async def start_sign_in(db: AsyncSession, ctx: Context) -> schemas.CeremonyOptions:
    challenge, options = ceremonies.authentication_options(ctx.settings)
    return schemas.CeremonyOptions(
        ceremony_id=_new_ceremony(db, ctx, "sign_in", challenge), public_key=options
    )


async def finish_sign_in(
    db: AsyncSession, ctx: Context, result: schemas.CeremonyResult
) -> NewSession:
    """Sign in with a discoverable passkey: no username, the passkey says whose it is."""
    ceremony = await _consume(db, ctx, result.ceremony_id, "sign_in")
    try:
        credential_id = ceremonies.credential_id_of(result.credential)
    except ceremonies.CeremonyFailed as exc:
        _refuse(db, ctx, "verification_failed", error=str(exc))
    passkey = await repository.find_passkey(db, credential_id)
    account = await repository.find_account(db, passkey.account_id) if passkey else None
    if passkey is None or account is None or account.disabled_at is not None:
        _refuse(db, ctx, "unknown_passkey")
    handle = ceremonies.user_handle_of(result.credential)
    if handle is not None and handle.rstrip("=") != account.user_handle:
        _refuse(db, ctx, "verification_failed", subject_id=account.id, error="user handle mismatch")
    if passkey.flagged_at is not None:
        _refuse(db, ctx, "passkey_flagged", subject_id=account.id, passkey=passkey.id)
    try:
        count = ceremonies.verify_assertion(
            ctx.settings, result.credential, ceremony.challenge, public_key=passkey.public_key
        )
    except ceremonies.CeremonyFailed as exc:
        _refuse(db, ctx, "verification_failed", subject_id=account.id, error=str(exc)[:300])
    if ceremonies.is_sign_count_regression(passkey.sign_count, count):
        passkey.flagged_at = ctx.now
        audit.record(
            db,
            "passkey.sign_count_regression",
            at=ctx.now,
            ip=ctx.ip,
            subject_id=account.id,
            passkey=passkey.id,
            stored=passkey.sign_count,
            presented=count,
        )
        raise PasskeyRefused(reason="sign_count_regression")
    passkey.sign_count = count
    passkey.last_used_at = ctx.now
    return await open_session(db, ctx, account)


# --- sessions ---------------------------------------------------------------------------------


def session_is_live(
    session: Session, account: Account, settings: Settings, now: dt.datetime
) -> bool:
    """Not revoked, not past its absolute limit, used recently enough (pure)."""
    idle, _absolute = settings.session_lifetimes(account.kind)
    return (
        session.revoked_at is None
        and account.disabled_at is None
        and now < session.expires_at
        and now < session.last_seen_at + idle
    )


async def sign_out(db: AsyncSession, ctx: Context, *, principal: Principal) -> None:
    await repository.revoke_sessions(
        db, principal.account_id, ctx.now, session_id=principal.session_id
    )
    audit.record(
        db,
        "session.signed_out",
        at=ctx.now,
        actor_id=principal.account_id,
        subject_id=principal.account_id,
        ip=ctx.ip,
        session_id=principal.session_id,
    )


async def sign_out_everywhere(db: AsyncSession, ctx: Context, *, principal: Principal) -> int:
    count = await repository.revoke_sessions(db, principal.account_id, ctx.now)
    audit.record(
        db,
        "session.signed_out_everywhere",
        at=ctx.now,
        ip=ctx.ip,
        actor_id=principal.account_id,
        subject_id=principal.account_id,
        count=count,
    )
    return count


async def revoke_session(
    db: AsyncSession, ctx: Context, session_id: str, *, principal: Principal
) -> None:
    if not await repository.revoke_sessions(
        db, principal.account_id, ctx.now, session_id=session_id
    ):
        raise NotFound(path=session_id)
    audit.record(
        db,
        "session.revoked",
        at=ctx.now,
        actor_id=principal.account_id,
        subject_id=principal.account_id,
        ip=ctx.ip,
        session_id=session_id,
    )


# --- more passkeys, recovery, enrollment -------------------------------------------------------


def qr_svg(url: str) -> str:
    import segno

    buffer = io.BytesIO()
    # A standalone SVG document (namespace, viewBox) that works as an <img> data URL.
    segno.make(url, error="m").save(
        buffer,
        kind="svg",
        scale=4,
        xmldecl=False,
        svgns=True,
        title="MotCua",
        svgclass=None,
        lineclass=None,
    )
    return buffer.getvalue().decode()


def _enrollment_link(
    settings: Settings, token: str, expires_at: dt.datetime
) -> schemas.EnrollmentLink:
    url = f"{settings.public_url}/enroll#token={token}"
    return schemas.EnrollmentLink(url=url, qr_svg=qr_svg(url), expires_at=expires_at.isoformat())


def _issue_token(
    db: AsyncSession,
    ctx: Context,
    account_id: str,
    purpose: str,
    lifetime: dt.timedelta,
    *,
    created_by: str | None,
) -> tuple[str, dt.datetime]:
    token = secrets.token_urlsafe(32)
    expires_at = ctx.now + lifetime
    db.add(
        EnrollmentToken(
            token_hash=token_hash(token),
            account_id=account_id,
            purpose=purpose,
            created_by=created_by,
            created_at=ctx.now,
            expires_at=expires_at,
            used_at=None,
        )
    )
    return token, expires_at


async def create_passkey_link(
    db: AsyncSession, ctx: Context, *, principal: Principal
) -> schemas.EnrollmentLink:
    """A one-time link (QR) to add a passkey from another phone, valid 15 minutes."""
    token, expires_at = _issue_token(
        db,
        ctx,
        principal.account_id,
        "add_passkey",
        PASSKEY_LINK_LIFETIME,
        created_by=principal.account_id,
    )
    audit.record(
        db,
        "enrollment.issued",
        at=ctx.now,
        actor_id=principal.account_id,
        subject_id=principal.account_id,
        ip=ctx.ip,
        purpose="add_passkey",
    )
    return _enrollment_link(ctx.settings, token, expires_at)


def demo_enrollment_link(db: AsyncSession, ctx: Context, account_id: str) -> str:
    """A one-time link for a demo account (development only; valid as staff links are)."""
    token, _ = _issue_token(
        db, ctx, account_id, "staff_enrollment", STAFF_ENROLLMENT_LIFETIME, created_by=None
    )
    return f"{ctx.settings.public_url}/enroll#token={token}"


def new_recovery_code() -> str:
    chars = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
    return f"{chars[:4]}-{chars[4:8]}-{chars[8:]}"


def normalize_recovery_code(code: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", code.upper())


async def generate_recovery_codes(
    db: AsyncSession, ctx: Context, *, principal: Principal
) -> list[str]:
    """Ten new one-time codes, shown once; earlier unused codes stop working."""
    await repository.discard_recovery_codes(db, principal, ctx.now)
    codes = [new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    for code in codes:
        db.add(
            RecoveryCode(
                account_id=principal.account_id,
                created_at=ctx.now,
                used_at=None,
                code_hash=keyed_hash(ctx.settings, normalize_recovery_code(code)),
            )
        )
    audit.record(
        db,
        "recovery_codes.generated",
        at=ctx.now,
        actor_id=principal.account_id,
        subject_id=principal.account_id,
        ip=ctx.ip,
        count=len(codes),
    )
    return codes


async def redeem_recovery_code(db: AsyncSession, ctx: Context, code: str) -> str:
    """Spend a recovery code for a one-time enrollment token (to create a new passkey)."""
    code_hash = keyed_hash(ctx.settings, normalize_recovery_code(code))
    account_id = await repository.consume_recovery_code(db, code_hash, ctx.now)
    if account_id is None:
        audit.record(db, "recovery_code.refused", at=ctx.now, ip=ctx.ip)
        raise LinkInvalid()
    token, _ = _issue_token(
        db, ctx, account_id, "recovery_code", PASSKEY_LINK_LIFETIME, created_by=account_id
    )
    audit.record(
        db,
        "recovery_code.redeemed",
        at=ctx.now,
        actor_id=account_id,
        subject_id=account_id,
        ip=ctx.ip,
    )
    return token


async def _usable_token(db: AsyncSession, ctx: Context, token: str) -> EnrollmentToken:
    found = await repository.find_enrollment_token(db, token_hash(token))
    if found is None or found.used_at is not None or found.expires_at <= ctx.now:
        audit.record(
            db,
            "enrollment.refused",
            at=ctx.now,
            ip=ctx.ip,
            subject_id=found.account_id if found else None,
        )
        raise LinkInvalid()
    return found


async def start_enrollment(db: AsyncSession, ctx: Context, token: str) -> schemas.EnrollmentOptions:
    """Creation options for a new passkey on the account a one-time token names."""
    enrollment = await _usable_token(db, ctx, token)
    account = await repository.find_account(db, enrollment.account_id)
    assert account is not None
    challenge, options = ceremonies.registration_options(
        ctx.settings,
        user_handle=account.user_handle,
        user_name=account.phone,
        display_name=account.full_name,
        exclude=await repository.credential_ids_of(db, account.id),
    )
    ceremony_id = _new_ceremony(db, ctx, "enrollment", challenge, account_id=account.id)
    return schemas.EnrollmentOptions(
        ceremony_id=ceremony_id, public_key=options, full_name=account.full_name
    )


async def finish_enrollment(
    db: AsyncSession, ctx: Context, result: schemas.EnrollmentResult
) -> NewSession:
    """Add the passkey, spend the token (once), and sign in on this device."""
    enrollment = await _usable_token(db, ctx, result.token)
    ceremony = await _consume(db, ctx, result.ceremony_id, "enrollment")
    if ceremony.account_id != enrollment.account_id:
        raise PasskeyRefused(reason="challenge_unusable")
    new = _verify_new_passkey(db, ctx, ceremony, result.credential)
    if not await repository.consume_enrollment_token(db, enrollment.id, ctx.now):
        raise LinkInvalid()
    account = await repository.find_account(db, enrollment.account_id)
    assert account is not None
    count = len(await repository.credential_ids_of(db, account.id))
    _store_passkey(db, ctx, account.id, new, f"Passkey {count + 1}")
    audit.record(
        db,
        "passkey.added",
        at=ctx.now,
        actor_id=account.id,
        subject_id=account.id,
        ip=ctx.ip,
        purpose=enrollment.purpose,
        issued_by=enrollment.created_by,
    )
    return await open_session(db, ctx, account)


async def remove_passkey(
    db: AsyncSession, ctx: Context, passkey_id: str, *, principal: Principal
) -> None:
    passkeys = await repository.passkeys_of(db, principal)
    target = next((p for p in passkeys if p.id == passkey_id), None)
    if target is None:
        raise NotFound(path=passkey_id)
    if len(passkeys) == 1:
        raise LastPasskey()
    await db.delete(target)
    audit.record(
        db,
        "passkey.removed",
        at=ctx.now,
        actor_id=principal.account_id,
        subject_id=principal.account_id,
        ip=ctx.ip,
        passkey=passkey_id,
    )


# --- desk-assisted recovery -----------------------------------------------------------------


def mask(value: str, keep: int = 3) -> str:
    return "•" * max(0, len(value) - keep) + value[-keep:]


async def find_accounts_at_desk(
    db: AsyncSession, *, phone: str | None, cccd: str | None, principal: Principal
) -> list[schemas.AccountMatch]:
    """A desk officer looks a citizen up by phone or CCCD (exact match only)."""
    if not principal.has_role("desk"):
        raise Forbidden()
    found: list[Account] = []
    if phone:
        account = await repository.find_account_by_phone(db, normalize_phone(phone))
        found += [account] if account else []
    if cccd:
        account = await repository.find_account_by_cccd(db, cccd.strip())
        found += [account] if account and account not in found else []
    return [
        schemas.AccountMatch(
            id=a.id,
            full_name=a.full_name,
            phone_masked=mask(a.phone),
            cccd_masked=mask(a.cccd) if a.cccd else None,
        )
        for a in found
        if a.kind == "citizen"
    ]


async def issue_desk_recovery(
    db: AsyncSession,
    ctx: Context,
    account_id: str,
    check: schemas.IdentityCheck,
    *,
    principal: Principal,
) -> schemas.EnrollmentLink:
    """After checking the citizen's papers in person, a desk officer issues a one-time
    enrollment QR (15 minutes). The check and the officer are audited."""
    if not principal.has_role("desk"):
        raise Forbidden()
    account = await repository.find_account(db, account_id)
    if account is None or account.kind != "citizen":
        raise NotFound(path=account_id)
    number = check.document_number.strip()
    if len(number) < 6:
        raise ValidationFailed([FieldProblem("documentNumber", "too_short", {"min": 6})])
    token, expires_at = _issue_token(
        db,
        ctx,
        account.id,
        "desk_recovery",
        DESK_RECOVERY_LIFETIME,
        created_by=principal.account_id,
    )
    audit.record(
        db,
        "recovery.desk_issued",
        at=ctx.now,
        actor_id=principal.account_id,
        subject_id=account.id,
        ip=ctx.ip,
        document_type=check.document_type,
        document_number=mask(number, 4),
        note=check.note,
        matches_account=bool(account.cccd and account.cccd == number),
    )
    return _enrollment_link(ctx.settings, token, expires_at)


# --- staff ------------------------------------------------------------------------------------


async def create_staff(
    db: AsyncSession, ctx: Context, request: schemas.StaffCreate, *, principal: Principal
) -> tuple[Account, schemas.EnrollmentLink]:
    """An admin creates a staff account with its roles; the staff member enrolls a passkey
    from the one-time link."""
    if not principal.has_role("admin"):
        raise Forbidden()
    return await enroll_staff(db, ctx, request, created_by=principal.account_id)


async def enroll_staff(
    db: AsyncSession, ctx: Context, request: schemas.StaffCreate, *, created_by: str | None
) -> tuple[Account, schemas.EnrollmentLink]:
    """Create a staff account with roles and its one-time enrollment link. Called by an
    admin's use case, or by the operator's command line for the first admin (created_by
    None)."""
    name, phone, email, _ = checked_particulars(
        request.full_name, request.phone, request.email, None, ctx.now.date()
    )
    problems: list[FieldProblem] = []
    if not request.roles:
        problems.append(FieldProblem("roles", "required"))
    assignments: list[tuple[str, int | None, str | None]] = []
    for index, role in enumerate(request.roles):
        if role.role == "postal":
            if not role.postal_unit:
                problems.append(FieldProblem(f"roles.{index}.postalUnit", "required"))
            assignments.append((role.role, None, role.postal_unit))
            continue
        agency_id = await repository.find_agency_id(db, role.agency_code or "")
        if agency_id is None:
            problems.append(FieldProblem(f"roles.{index}.agencyCode", "not_an_option"))
        assignments.append((role.role, agency_id, None))
    if problems:
        raise ValidationFailed(problems)
    await _ensure_new_person(db, phone, None)
    account = Account(
        id=str(uuid.uuid4()),
        kind="staff",
        full_name=name,
        phone=phone,
        email=email,
        cccd=None,
        user_handle=new_user_handle(),
        created_at=ctx.now,
        disabled_at=None,
    )
    db.add(account)
    await db.flush()
    for role_name, agency_id, postal_unit in dict.fromkeys(assignments):
        db.add(
            RoleAssignment(
                account_id=account.id,
                role=role_name,
                agency_id=agency_id,
                postal_unit=postal_unit,
                created_at=ctx.now,
            )
        )
    token, expires_at = _issue_token(
        db,
        ctx,
        account.id,
        "staff_enrollment",
        STAFF_ENROLLMENT_LIFETIME,
        created_by=created_by,
    )
    audit.record(
        db,
        "staff.created",
        at=ctx.now,
        actor_id=created_by,
        subject_id=account.id,
        ip=ctx.ip,
        roles=[[r.role, r.agency_code, r.postal_unit] for r in request.roles],
    )
    return account, _enrollment_link(ctx.settings, token, expires_at)


async def staff_of_agency(
    db: AsyncSession, agency_code: str, *, principal: Principal
) -> list[tuple[Account, list[tuple[RoleGrant, str | None]]]]:
    """The staff of an agency, for those who work there (and admins)."""
    if not principal.may_act_at(agency_code, "desk", "handler", "approver", "field"):
        raise Forbidden()
    return [
        (account, await repository.role_grants(db, account.id))
        for account in await repository.staff_of_agency(db, agency_code)
    ]
