"""Identity use cases: sign-up, sign-in, sessions, more passkeys, recovery, staff enrollment.

Every identity event is audited in the same transaction. A refused ceremony still consumes
its challenge and is recorded (`keeps_changes`), so a replay finds nothing to replay.

Sensitive account changes (DESIGN.md §5; decision 0014): adding a passkey (issuing a link),
removing one and replacing the recovery codes need the passkey again — a user-verified
assertion through the re-verification ceremony within the last five minutes — so a session
cookie alone changes nothing that lasts. A passkey that came by a link or a recovery may not
remove older passkeys or replace the recovery codes for 72 hours, while an older one may
remove it. Desk recovery needs the account's CCCD and tells the citizen at once.
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
from backend.core.dates import format_date_time
from backend.core.errors import (
    Conflict,
    DomainError,
    FieldProblem,
    Forbidden,
    NotFound,
    ValidationFailed,
)
from backend.features.catalogue.forms import cccd_error, is_valid_phone, normalize_phone
from backend.features.dossiers import access
from backend.features.dossiers.workflow import COMMUNE_ONE_STOP, PROVINCE_ONE_STOP
from backend.features.identity import accounts, ceremonies, repository, schemas
from backend.features.notifications.service import notify
from backend.features.sync import changelog
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
from backend.models.identity import PasskeyOrigin

CEREMONY_LIFETIME = dt.timedelta(minutes=5)
PASSKEY_LINK_LIFETIME = dt.timedelta(minutes=15)
DESK_RECOVERY_LIFETIME = dt.timedelta(minutes=15)
STAFF_ENROLLMENT_LIFETIME = dt.timedelta(days=3)
RECOVERY_CODE_COUNT = 10
# A sensitive change needs a re-verification this recent.
FRESH_PASSKEY_WINDOW = dt.timedelta(minutes=5)
# A passkey that came by a link or a recovery: how long it may not remove older passkeys or
# replace the recovery codes (the owner's older passkey has that long to remove it).
NEW_PASSKEY_RESTRICTION = dt.timedelta(hours=72)
RESTRICTED_ORIGINS: frozenset[str] = frozenset({"add_passkey", "recovery_code", "desk_recovery"})
# A desk officer who recorded an account's CCCD may not recover the account from it this
# soon: a second officer, or time (and the citizen's notice), must come between.
CCCD_RECORDING_COOLDOWN = dt.timedelta(hours=72)
# The one-stop desks, where an officer checks papers in person (DESIGN.md §1).
ONE_STOP_KINDS: frozenset[str] = frozenset({PROVINCE_ONE_STOP, COMMUNE_ONE_STOP})
ACTIVITY_LIMIT = 50
EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"  # no 0/O, 1/I/L: read aloud, typed by hand


class PasskeyRefused(DomainError):
    """A ceremony that proves nothing: the reason says why. Its challenge stays used and the
    attempt stays recorded."""

    problem_type = "passkey-refused"
    keeps_changes = True


AccountExists = accounts.AccountExists


class LinkInvalid(DomainError):
    """A one-time link or code that is unknown, used or expired (not told apart)."""

    problem_type = "link-invalid"
    keeps_changes = True


class LastPasskey(Conflict):
    problem_type = "last-passkey"


class FreshPasskeyRequired(Forbidden):
    """A sensitive change asked of a session without a re-verification in the last five
    minutes: the client runs the re-verification ceremony and asks again."""

    problem_type = "fresh-passkey-required"


class PasskeyRestricted(Forbidden):
    """The session's passkey came by a link or a recovery less than 72 hours ago and may not
    do this yet (`reason`: remove_older_passkey or replace_recovery_codes; `until`). The
    attempt is audited."""

    problem_type = "passkey-restricted"
    keeps_changes = True


class DeskRecoveryRefused(ValidationFailed):
    """The document does not prove the account (or the account has no CCCD to prove): nothing
    is issued, and the attempt stays in the audit trail."""

    keeps_changes = True


class SecondOfficerRequired(Forbidden):
    """The officer recorded this account's CCCD less than 72 hours ago (`until`)."""

    problem_type = "desk-recovery-second-officer"
    keeps_changes = True


class CccdAlreadyRecorded(Conflict):
    problem_type = "cccd-already-recorded"


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


_ensure_new_person = accounts.ensure_new_person


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
    db: AsyncSession,
    ctx: Context,
    account_id: str,
    new: ceremonies.NewPasskey,
    name: str,
    origin: PasskeyOrigin,
) -> Passkey:
    passkey = Passkey(
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
        enrolled_via=origin,
        restricted_until=ctx.now + NEW_PASSKEY_RESTRICTION
        if origin in RESTRICTED_ORIGINS
        else None,
    )
    db.add(passkey)
    return passkey


async def open_session(
    db: AsyncSession, ctx: Context, account: Account, passkey: Passkey
) -> NewSession:
    """Sign in on this device with `passkey`. The session is not yet fresh for sensitive
    changes: only the re-verification ceremony makes it so (decision 0014)."""
    _idle, absolute = ctx.settings.session_lifetimes(account.kind)
    token = secrets.token_urlsafe(32)
    user_agent = (ctx.user_agent or "")[:300] or None
    session = Session(
        id=str(uuid.uuid4()),
        token_hash=token_hash(token),
        account_id=account.id,
        created_at=ctx.now,
        last_seen_at=ctx.now,
        expires_at=ctx.now + absolute,
        user_agent=user_agent,
        ip=ctx.ip,
        revoked_at=None,
        passkey_id=passkey.id,
        verified_at=None,
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
        passkey=passkey.id,
        passkey_name=passkey.name,
        user_agent=user_agent,
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
    particulars = accounts.Particulars(
        full_name=data["fullName"], phone=data["phone"], email=data["email"], cccd=data["cccd"]
    )
    account = await accounts.create_citizen(
        db, particulars, now=ctx.now, ip=ctx.ip, user_handle=data["userHandle"]
    )
    passkey = _store_passkey(db, ctx, account.id, new, "Passkey 1", "sign_up")
    try:
        return await open_session(db, ctx, account, passkey)
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
    account, passkey = await _verified_assertion(db, ctx, ceremony, result.credential)
    return await open_session(db, ctx, account, passkey)


async def _verified_assertion(
    db: AsyncSession,
    ctx: Context,
    ceremony: WebAuthnCeremony,
    credential: dict[str, Any],
    *,
    account_id: str | None = None,
) -> tuple[Account, Passkey]:
    """The account and passkey a genuine, user-verified assertion for the ceremony's challenge
    came from (of `account_id` only, when given); refused and recorded otherwise. A counter
    that went backwards flags the passkey."""
    try:
        credential_id = ceremonies.credential_id_of(credential)
    except ceremonies.CeremonyFailed as exc:
        _refuse(db, ctx, "verification_failed", subject_id=account_id, error=str(exc))
    passkey = await repository.find_passkey(db, credential_id)
    if passkey is not None and account_id is not None and passkey.account_id != account_id:
        passkey = None  # another account's passkey proves nothing about this one
    account = await repository.find_account(db, passkey.account_id) if passkey else None
    if passkey is None or account is None or account.disabled_at is not None:
        _refuse(db, ctx, "unknown_passkey", subject_id=account_id)
    handle = ceremonies.user_handle_of(credential)
    if handle is not None and handle.rstrip("=") != account.user_handle:
        _refuse(db, ctx, "verification_failed", subject_id=account.id, error="user handle mismatch")
    if passkey.flagged_at is not None:
        _refuse(db, ctx, "passkey_flagged", subject_id=account.id, passkey=passkey.id)
    try:
        count = ceremonies.verify_assertion(
            ctx.settings, credential, ceremony.challenge, public_key=passkey.public_key
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
    return account, passkey


# --- re-verification: the passkey again, for sensitive changes --------------------------------


async def start_reverification(
    db: AsyncSession, ctx: Context, *, principal: Principal
) -> schemas.CeremonyOptions:
    """A user-verified assertion challenge for one of the account's own passkeys, bound to
    this session."""
    allow = [
        ceremonies.KnownPasskey(p.id, p.transports)
        for p in await repository.passkeys_of(db, principal)
        if p.flagged_at is None
    ]
    challenge, options = ceremonies.authentication_options(ctx.settings, allow)
    ceremony_id = _new_ceremony(
        db,
        ctx,
        "reverification",
        challenge,
        account_id=principal.account_id,
        payload={"sessionId": principal.session_id},
    )
    return schemas.CeremonyOptions(ceremony_id=ceremony_id, public_key=options)


async def finish_reverification(
    db: AsyncSession, ctx: Context, result: schemas.CeremonyResult, *, principal: Principal
) -> schemas.Reverified:
    """Stamp the session with the passkey that answered and the time: sensitive changes are
    open to it for five minutes, with that passkey's rights."""
    ceremony = await _consume(db, ctx, result.ceremony_id, "reverification")
    if (
        ceremony.account_id != principal.account_id
        or ceremony.payload.get("sessionId") != principal.session_id
    ):
        _refuse(db, ctx, "challenge_unusable", subject_id=principal.account_id)
    _account, passkey = await _verified_assertion(
        db, ctx, ceremony, result.credential, account_id=principal.account_id
    )
    session = await repository.find_own_session(db, principal)
    if session is None:  # revoked between the guard and here
        _refuse(db, ctx, "challenge_unusable", subject_id=principal.account_id)
    session.passkey_id = passkey.id
    session.verified_at = ctx.now
    audit.record(
        db,
        "session.reverified",
        at=ctx.now,
        actor_id=principal.account_id,
        subject_id=principal.account_id,
        ip=ctx.ip,
        session_id=session.id,
        passkey=passkey.id,
    )
    return schemas.Reverified(
        verified_at=ctx.now.isoformat(),
        fresh_until=(ctx.now + FRESH_PASSKEY_WINDOW).isoformat(),
    )


async def _fresh_passkey(db: AsyncSession, ctx: Context, principal: Principal) -> Passkey:
    """The passkey this session re-verified with in the last five minutes, or
    FreshPasskeyRequired."""
    session = await repository.find_own_session(db, principal)
    passkey = (
        await repository.find_passkey(db, session.passkey_id)
        if session is not None and session.passkey_id is not None
        else None
    )
    if (
        session is None
        or session.verified_at is None
        or ctx.now - session.verified_at > FRESH_PASSKEY_WINDOW
        or passkey is None
        or passkey.account_id != principal.account_id
        or passkey.flagged_at is not None
    ):
        raise FreshPasskeyRequired()
    return passkey


def is_restricted(passkey: Passkey, now: dt.datetime) -> bool:
    return passkey.restricted_until is not None and now < passkey.restricted_until


def _refuse_if_restricted(
    db: AsyncSession, ctx: Context, principal: Principal, passkey: Passkey, reason: str
) -> None:
    if not is_restricted(passkey, ctx.now):
        return
    assert passkey.restricted_until is not None
    audit.record(
        db,
        "account.change_refused",
        at=ctx.now,
        actor_id=principal.account_id,
        subject_id=principal.account_id,
        ip=ctx.ip,
        reason=reason,
        passkey=passkey.id,
        passkey_name=passkey.name,
        restricted_until=passkey.restricted_until.isoformat(),
    )
    raise PasskeyRestricted(
        reason=reason, until=format_date_time(passkey.restricted_until, ctx.settings.timezone)
    )


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
    agency_id: int | None = None,
) -> tuple[str, dt.datetime]:
    token = secrets.token_urlsafe(32)
    expires_at = ctx.now + lifetime
    db.add(
        EnrollmentToken(
            token_hash=token_hash(token),
            account_id=account_id,
            purpose=purpose,
            created_by=created_by,
            agency_id=agency_id,
            created_at=ctx.now,
            expires_at=expires_at,
            used_at=None,
        )
    )
    return token, expires_at


def _time(ctx: Context, at: dt.datetime) -> str:
    return format_date_time(at, ctx.settings.timezone)


async def _tell(
    db: AsyncSession, ctx: Context, account_id: str, template: str, params: dict[str, str]
) -> None:
    """Put a notice in the account's inbox and log it for the account's phones (the last act
    of the use case's transaction). The inbox is the one channel so far; Web Push and SMS
    will send from the same notification row (see notifications.service.notify)."""
    notice = await notify(db, account_id, template, params, ctx.now)
    await changelog.append(db, [notice], ctx.now)


async def create_passkey_link(
    db: AsyncSession, ctx: Context, *, principal: Principal
) -> schemas.EnrollmentLink:
    """A one-time link (QR) to add a passkey from another phone, valid 15 minutes. Needs a
    fresh passkey; the passkey it adds is limited for 72 hours."""
    await _fresh_passkey(db, ctx, principal)
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
    """Ten new one-time codes, shown once; earlier unused codes stop working. Needs a fresh
    passkey that did not come by a link or a recovery in the last 72 hours (new codes would
    outlive that passkey's removal)."""
    passkey = await _fresh_passkey(db, ctx, principal)
    _refuse_if_restricted(db, ctx, principal, passkey, "replace_recovery_codes")
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
        passkey=passkey.id,
    )
    await _tell(
        db,
        ctx,
        principal.account_id,
        "account.recovery_codes_replaced",
        {"time": _time(ctx, ctx.now)},
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
    """Add the passkey, spend the token (once), and sign in on this device. A passkey that
    came by a link or a recovery is limited for 72 hours, and the account is told."""
    enrollment = await _usable_token(db, ctx, result.token)
    ceremony = await _consume(db, ctx, result.ceremony_id, "enrollment")
    if ceremony.account_id != enrollment.account_id:
        raise PasskeyRefused(reason="challenge_unusable")
    new = _verify_new_passkey(db, ctx, ceremony, result.credential)
    if not await repository.consume_enrollment_token(db, enrollment.id, ctx.now):
        raise LinkInvalid()
    account = await repository.find_account(db, enrollment.account_id)
    assert account is not None
    desk = await repository.find_agency(db, enrollment.agency_id) if enrollment.agency_id else None
    count = len(await repository.credential_ids_of(db, account.id))
    passkey = _store_passkey(db, ctx, account.id, new, f"Passkey {count + 1}", enrollment.purpose)
    audit.record(
        db,
        "passkey.added",
        at=ctx.now,
        actor_id=account.id,
        subject_id=account.id,
        ip=ctx.ip,
        purpose=enrollment.purpose,
        issued_by=enrollment.created_by,
        passkey=passkey.id,
        passkey_name=passkey.name,
        restricted_until=passkey.restricted_until.isoformat() if passkey.restricted_until else None,
        **_agency_detail(desk),
    )
    new_session = await open_session(db, ctx, account, passkey)
    if passkey.restricted_until is not None:
        params = {
            "name": passkey.name,
            "time": _time(ctx, ctx.now),
            "until": _time(ctx, passkey.restricted_until),
        }
        if desk is not None:
            params |= {"agency": desk.name, "agency_en": desk.name_en or desk.name}
        template = {
            "add_passkey": "account.passkey_added_by_link",
            "recovery_code": "account.passkey_added_by_recovery_code",
            "desk_recovery": "account.passkey_added_at_desk",
        }[enrollment.purpose]
        await _tell(db, ctx, account.id, template, params)
    return new_session


def _agency_detail(agency: Agency | None) -> dict[str, str]:
    """The desk's code and names, kept in the audit row as they were."""
    if agency is None:
        return {}
    return {
        "agency_code": agency.code,
        "agency_name": agency.name,
        "agency_name_en": agency.name_en or agency.name,
    }


async def remove_passkey(
    db: AsyncSession, ctx: Context, passkey_id: str, *, principal: Principal
) -> None:
    """Remove one of the account's passkeys (never the last), ending the other sessions it
    opened or re-verified. Needs a fresh passkey; one that came by a link or a recovery in
    the last 72 hours may remove itself or newer ones, not older ones."""
    current = await _fresh_passkey(db, ctx, principal)
    passkeys = await repository.passkeys_of(db, principal)
    target = next((p for p in passkeys if p.id == passkey_id), None)
    if target is None:
        raise NotFound(path=passkey_id)
    if len(passkeys) == 1:
        raise LastPasskey()
    if target.id != current.id and target.created_at <= current.created_at:
        _refuse_if_restricted(db, ctx, principal, current, "remove_older_passkey")
    await db.delete(target)
    ended = await repository.revoke_sessions_of_passkey(
        db, principal.account_id, target.id, ctx.now, keep=principal.session_id
    )
    if target.id == current.id:
        # This session goes on without a passkey: the next sensitive change re-verifies.
        session = await repository.find_own_session(db, principal)
        if session is not None:
            session.passkey_id = None
            session.verified_at = None
    audit.record(
        db,
        "passkey.removed",
        at=ctx.now,
        actor_id=principal.account_id,
        subject_id=principal.account_id,
        ip=ctx.ip,
        passkey=passkey_id,
        passkey_name=target.name,
        enrolled_via=target.enrolled_via,
        removed_with=current.id,
        sessions_ended=ended,
    )
    await _tell(
        db,
        ctx,
        principal.account_id,
        "account.passkey_removed",
        {"name": target.name, "time": _time(ctx, ctx.now)},
    )


# --- what happened to the account -------------------------------------------------------------

# Audit actions the owner reads on the account page, and what each is called there.
ACTIVITY_KINDS: dict[str, schemas.ActivityKind] = {
    "account.created": "account_created",
    "staff.created": "account_created",
    "session.opened": "signed_in",
    "session.signed_out_everywhere": "signed_out_everywhere",
    "passkey.added": "passkey_added",
    "passkey.removed": "passkey_removed",
    "enrollment.issued": "passkey_link_created",
    "recovery_codes.generated": "recovery_codes_replaced",
    "recovery_code.redeemed": "recovery_code_used",
    "recovery.desk_issued": "desk_recovery_issued",
    "recovery.desk_refused": "desk_recovery_refused",
    "account.cccd_recorded": "cccd_recorded",
    "account.change_refused": "change_refused",
}


def activity_of(event: AuditEvent) -> schemas.ActivityOut:
    """One audit row as its account's owner may read it: what happened, how, where (pure)."""
    detail = event.detail

    def text(key: str) -> str | None:
        value = detail.get(key)
        return value if isinstance(value, str) else None

    kind = ACTIVITY_KINDS[event.action]
    how = text("purpose") if kind == "passkey_added" else None
    if event.action == "account.created":
        how = "sign_up"
    elif event.action == "staff.created":
        how = "staff_enrollment"
    return schemas.ActivityOut(
        id=event.id,
        kind=kind,
        at=event.at.isoformat(),
        how=how,
        agency_name=text("agency_name"),
        agency_name_en=text("agency_name_en"),
        passkey_name=text("passkey_name"),
        user_agent=text("user_agent"),
        refused=text("reason") if kind == "change_refused" else None,
    )


async def account_activity(db: AsyncSession, *, principal: Principal) -> list[schemas.ActivityOut]:
    """The account's latest identity events (at most 50), newest first, from the audit trail:
    sign-ins, passkeys added (and how) and removed, links, recovery codes, desk recoveries
    issued or refused, a CCCD recorded at the desk, changes refused to a new passkey."""
    events = await repository.identity_events(db, principal, ACTIVITY_KINDS, ACTIVITY_LIMIT)
    return [activity_of(event) for event in events]


# --- desk-assisted recovery -----------------------------------------------------------------


def mask(value: str, keep: int = 3) -> str:
    return "•" * max(0, len(value) - keep) + value[-keep:]


async def find_accounts_at_desk(
    db: AsyncSession,
    ctx: Context,
    *,
    phone: str | None,
    cccd: str | None,
    principal: Principal,
) -> list[schemas.AccountMatch]:
    """A desk officer looks a citizen up by phone or CCCD (exact match only). Every search is
    audited: one row per account found (the account is its subject), or one when none is."""
    if not principal.has_role("desk"):
        raise Forbidden()
    found: list[Account] = []
    if phone:
        account = await repository.find_account_by_phone(db, normalize_phone(phone))
        found += [account] if account else []
    if cccd:
        account = await repository.find_account_by_cccd(db, cccd.strip())
        found += [account] if account and account not in found else []
    citizens = [a for a in found if a.kind == "citizen"]
    criteria = {
        "phone": mask(normalize_phone(phone)) if phone else None,
        "cccd": mask(cccd.strip()) if cccd else None,
        "found": len(citizens),
    }
    subjects: list[str | None] = [a.id for a in citizens]
    for subject_id in subjects or [None]:
        audit.record(
            db,
            "desk.accounts_searched",
            at=ctx.now,
            actor_id=principal.account_id,
            subject_id=subject_id,
            ip=ctx.ip,
            **criteria,
        )
    return [_match(a) for a in citizens]


def _match(account: Account) -> schemas.AccountMatch:
    return schemas.AccountMatch(
        id=account.id,
        full_name=account.full_name,
        phone_masked=mask(account.phone),
        cccd_masked=mask(account.cccd) if account.cccd else None,
    )


async def _one_stop_desk(db: AsyncSession, principal: Principal) -> Agency:
    """The one-stop desk (the province's public service centre or a commune's people's
    committee) where the principal is a desk officer; the first by code if several."""
    desks = await repository.desk_agencies_of_kinds(db, principal, ONE_STOP_KINDS)
    if not desks:
        raise Forbidden(reason="not_a_one_stop_desk")
    return desks[0]


async def _citizen(db: AsyncSession, account_id: str) -> Account:
    account = await repository.find_account(db, account_id)
    if account is None or account.kind != "citizen":
        raise NotFound(path=account_id)
    return account


def same_number(presented: str, recorded: str) -> bool:
    """Whether two document numbers are the same, in time that does not depend on where they
    differ (pure)."""
    return hmac.compare_digest(presented.encode(), recorded.encode())


async def issue_desk_recovery(
    db: AsyncSession,
    ctx: Context,
    account_id: str,
    check: schemas.IdentityCheck,
    *,
    principal: Principal,
) -> schemas.EnrollmentLink:
    """After checking the citizen's papers in person, an officer of a one-stop desk issues a
    one-time enrollment QR (15 minutes). The document's number must be the account's CCCD; an
    account without one gets it recorded first (`record_cccd_at_desk`), and the officer who
    recorded it may not recover the account from it within 72 hours. Refusals are audited;
    the citizen is told of the QR at once, and the passkey it makes is limited for 72 hours."""
    desk = await _one_stop_desk(db, principal)
    account = await _citizen(db, account_id)
    number = check.document_number.strip()
    attempt = {
        "document_type": check.document_type,
        "document_number": mask(number, 4),
        "note": check.note,
        **_agency_detail(desk),
    }

    def refuse(code: str) -> NoReturn:
        audit.record(
            db,
            "recovery.desk_refused",
            at=ctx.now,
            actor_id=principal.account_id,
            subject_id=account.id,
            ip=ctx.ip,
            reason=code,
            **attempt,
        )
        raise DeskRecoveryRefused([FieldProblem("documentNumber", code)])

    if account.cccd is None:
        refuse("account_has_no_cccd")
    if not same_number(number, account.cccd):
        refuse("does_not_match_account")
    recorded_at = account.cccd_recorded_at
    if account.cccd_recorded_by == principal.account_id and recorded_at is not None:
        until = recorded_at + CCCD_RECORDING_COOLDOWN
        if ctx.now < until:
            audit.record(
                db,
                "recovery.desk_refused",
                at=ctx.now,
                actor_id=principal.account_id,
                subject_id=account.id,
                ip=ctx.ip,
                reason="cccd_recorded_by_same_officer",
                **attempt,
            )
            raise SecondOfficerRequired(until=_time(ctx, until))
    token, expires_at = _issue_token(
        db,
        ctx,
        account.id,
        "desk_recovery",
        DESK_RECOVERY_LIFETIME,
        created_by=principal.account_id,
        agency_id=desk.id,
    )
    audit.record(
        db,
        "recovery.desk_issued",
        at=ctx.now,
        actor_id=principal.account_id,
        subject_id=account.id,
        ip=ctx.ip,
        matches_account=True,
        **attempt,
    )
    await _tell(
        db,
        ctx,
        account.id,
        "account.desk_recovery_issued",
        {
            "agency": desk.name,
            "agency_en": desk.name_en or desk.name,
            "time": _time(ctx, ctx.now),
        },
    )
    return _enrollment_link(ctx.settings, token, expires_at)


async def record_cccd_at_desk(
    db: AsyncSession,
    ctx: Context,
    account_id: str,
    request: schemas.CccdRecord,
    *,
    principal: Principal,
) -> schemas.AccountMatch:
    """An officer of a one-stop desk writes the CCCD the citizen showed in person on an
    account that has none, attesting that they checked the card against the person. Audited,
    and the citizen is told; recovery from it by the same officer waits 72 hours."""
    desk = await _one_stop_desk(db, principal)
    account = await _citizen(db, account_id)
    card = request.cccd.strip()
    problems: list[FieldProblem] = []
    if (code := cccd_error(card, ctx.now.date())) is not None:
        problems.append(FieldProblem("cccd", code))
    if not request.attested:
        problems.append(FieldProblem("attested", "attestation_required"))
    if problems:
        raise ValidationFailed(problems)
    if account.cccd is not None:
        raise CccdAlreadyRecorded()
    if await repository.find_account_by_cccd(db, card) is not None:
        raise AccountExists(field="cccd")
    account.cccd = card
    account.cccd_recorded_by = principal.account_id
    account.cccd_recorded_at = ctx.now
    try:
        await db.flush()
    except IntegrityError as exc:  # the same card recorded on another account at once
        raise AccountExists(field="cccd") from exc
    audit.record(
        db,
        "account.cccd_recorded",
        at=ctx.now,
        actor_id=principal.account_id,
        subject_id=account.id,
        ip=ctx.ip,
        cccd=mask(card, 4),
        attested=True,
        note=request.note,
        **_agency_detail(desk),
    )
    await _tell(
        db,
        ctx,
        account.id,
        "account.cccd_recorded",
        {
            "agency": desk.name,
            "agency_en": desk.name_en or desk.name,
            "time": _time(ctx, ctx.now),
            "cccd": mask(card, 4),
        },
    )
    return _match(account)


# --- staff ------------------------------------------------------------------------------------


async def create_staff(
    db: AsyncSession, ctx: Context, request: schemas.StaffCreate, *, principal: Principal
) -> tuple[Account, schemas.EnrollmentLink]:
    """An admin creates a staff account with its roles; the staff member enrolls a passkey
    from the one-time link."""
    if not principal.has_role("admin"):
        raise Forbidden()
    return await enroll_staff(
        db, ctx, request, created_by=principal.account_id, administrator=principal
    )


async def enroll_staff(
    db: AsyncSession,
    ctx: Context,
    request: schemas.StaffCreate,
    *,
    created_by: str | None,
    administrator: Principal | None = None,
) -> tuple[Account, schemas.EnrollmentLink]:
    """Create a staff account with roles and its one-time enrollment link. Called by an
    admin's use case, each role then within the agencies the admin administers (theirs and
    those below; a postal unit, outside the tree, only by an admin at its root); or by the
    operator's command line for the first admin (created_by and administrator None), which
    is not limited."""
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
            elif administrator is not None and not await repository.administers_a_root(
                db, administrator
            ):
                problems.append(FieldProblem(f"roles.{index}.postalUnit", "outside_your_agencies"))
            assignments.append((role.role, None, role.postal_unit))
            continue
        agency_id = await repository.find_agency_id(db, role.agency_code or "")
        if agency_id is None:
            problems.append(FieldProblem(f"roles.{index}.agencyCode", "not_an_option"))
        elif administrator is not None and not await access.administers(
            db, administrator, agency_id
        ):
            problems.append(FieldProblem(f"roles.{index}.agencyCode", "outside_your_agencies"))
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
    """The staff of an agency, for those who work there and those who lead or administer it
    (approvers and admins of an agency above it)."""
    if not await access.may_see_staff_of(db, principal, agency_code):
        raise Forbidden()
    return [
        (account, await repository.role_grants(db, account.id))
        for account in await repository.staff_of_agency(db, agency_code)
    ]
