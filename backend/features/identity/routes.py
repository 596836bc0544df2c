"""Identity API: passkey sign-up and sign-in, the account's devices and passkeys, recovery,
desk-assisted recovery and staff administration."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, delete, get, post
from litestar.params import FromPath, JSONBody, QueryParameter
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT

from backend.config import Settings
from backend.core.auth import Principal
from backend.core.clock import Clock
from backend.core.deps import AppSettings, Db
from backend.core.errors import FieldProblem, InvalidQuery
from backend.features.identity import repository, schemas, service
from backend.features.identity.guard import client_address, session_cookie_name
from backend.models import Account

AnyRequest = Request[Any, Any, Any]


def context(request: AnyRequest) -> service.Context:
    clock: Clock = request.app.state.clock
    return service.Context(
        settings=request.app.state.settings,
        now=clock.now(),
        ip=client_address(request),
        user_agent=request.headers.get("user-agent"),
    )


def principal_of(request: AnyRequest) -> Principal:
    principal: Principal = request.state.principal
    return principal


async def me(db: Db, account: Account) -> schemas.Me:
    grants = await repository.role_grants(db, account.id)
    return schemas.Me(
        id=account.id,
        kind=account.kind,
        full_name=account.full_name,
        phone=account.phone,
        email=account.email,
        roles=[
            schemas.RoleOut(
                role=grant.role,
                agency_code=grant.agency_code,
                agency_name=agency_name,
                postal_unit=grant.postal_unit,
            )
            for grant, agency_name in grants
        ],
    )


def with_session_cookie(
    response: Response[Any], settings: Settings, new: service.NewSession
) -> Response[Any]:
    _idle, absolute = settings.session_lifetimes(new.account.kind)
    response.set_cookie(
        session_cookie_name(settings),
        new.token,
        max_age=int(absolute.total_seconds()),
        path="/",
        httponly=True,
        secure=settings.secure_cookies,
        samesite="lax",
    )
    return response


def without_session_cookie(response: Response[Any], settings: Settings) -> Response[Any]:
    response.delete_cookie(session_cookie_name(settings), path="/")
    return response


class AuthController(Controller):
    path = "/api/v1/auth"
    tags = ["identity"]  # noqa: RUF012

    @post(
        "/sign-up/options",
        operation_id="startSignUp",
        status_code=200,
        opt={"access": "public", "rate_limit": "sign_up"},
        summary="Check a new citizen's particulars and get passkey-creation options",
    )
    async def start_sign_up(
        self, request: AnyRequest, db: Db, data: JSONBody[schemas.SignUp]
    ) -> schemas.CeremonyOptions:
        return await service.start_sign_up(db, context(request), data)

    @post(
        "/sign-up/verify",
        operation_id="finishSignUp",
        status_code=HTTP_201_CREATED,
        opt={"access": "public"},
        summary="Create the account with its first passkey and sign in",
    )
    async def finish_sign_up(
        self,
        request: AnyRequest,
        db: Db,
        settings: AppSettings,
        data: JSONBody[schemas.CeremonyResult],
    ) -> Response[schemas.Me]:
        new = await service.finish_sign_up(db, context(request), data)
        response = Response(await me(db, new.account), status_code=HTTP_201_CREATED)
        return with_session_cookie(response, settings, new)

    @post(
        "/sign-in/options",
        operation_id="startSignIn",
        status_code=200,
        opt={"access": "public", "rate_limit": "sign_in"},
        summary="Passkey request options (no username: discoverable credentials)",
    )
    async def start_sign_in(self, request: AnyRequest, db: Db) -> schemas.CeremonyOptions:
        return await service.start_sign_in(db, context(request))

    @post(
        "/sign-in/verify",
        operation_id="finishSignIn",
        status_code=200,
        opt={"access": "public"},
        summary="Sign in with a passkey",
    )
    async def finish_sign_in(
        self,
        request: AnyRequest,
        db: Db,
        settings: AppSettings,
        data: JSONBody[schemas.CeremonyResult],
    ) -> Response[schemas.Me]:
        new = await service.finish_sign_in(db, context(request), data)
        return with_session_cookie(Response(await me(db, new.account)), settings, new)

    @post(
        "/sign-out",
        operation_id="signOut",
        status_code=HTTP_204_NO_CONTENT,
        opt={"access": "signed_in"},
        summary="Sign out of this device",
    )
    async def sign_out(self, request: AnyRequest, db: Db, settings: AppSettings) -> Response[None]:
        await service.sign_out(db, context(request), principal=principal_of(request))
        return without_session_cookie(Response(None, status_code=HTTP_204_NO_CONTENT), settings)

    @get(
        "/me",
        operation_id="getMe",
        opt={"access": "signed_in"},
        summary="The signed-in account",
        cache_control=None,
    )
    async def get_me(self, request: AnyRequest, db: Db) -> schemas.Me:
        account = await repository.find_account(db, principal_of(request).account_id)
        assert account is not None
        return await me(db, account)

    @post(
        "/recovery-codes/redeem",
        operation_id="redeemRecoveryCode",
        status_code=200,
        opt={"access": "public", "rate_limit": "recovery"},
        summary="Spend a recovery code for a one-time passkey enrollment",
    )
    async def redeem_recovery_code(
        self, request: AnyRequest, db: Db, data: JSONBody[schemas.RecoveryCodeRedemption]
    ) -> schemas.EnrollmentToken:
        token = await service.redeem_recovery_code(db, context(request), data.code)
        return schemas.EnrollmentToken(enrollment_token=token)

    @post(
        "/enrollment/options",
        operation_id="startEnrollment",
        status_code=200,
        opt={"access": "public", "rate_limit": "enrollment"},
        summary="Passkey-creation options for the account a one-time link names",
    )
    async def start_enrollment(
        self, request: AnyRequest, db: Db, data: JSONBody[schemas.EnrollmentRequest]
    ) -> schemas.EnrollmentOptions:
        return await service.start_enrollment(db, context(request), data.token)

    @post(
        "/enrollment/verify",
        operation_id="finishEnrollment",
        status_code=200,
        opt={"access": "public"},
        summary="Add the passkey (the link works once) and sign in",
    )
    async def finish_enrollment(
        self,
        request: AnyRequest,
        db: Db,
        settings: AppSettings,
        data: JSONBody[schemas.EnrollmentResult],
    ) -> Response[schemas.Me]:
        new = await service.finish_enrollment(db, context(request), data)
        return with_session_cookie(Response(await me(db, new.account)), settings, new)


class AccountController(Controller):
    path = "/api/v1/account"
    tags = ["identity"]  # noqa: RUF012
    opt = {"access": "signed_in"}  # noqa: RUF012

    @get("/passkeys", operation_id="listPasskeys", summary="My passkeys", cache_control=None)
    async def list_passkeys(self, request: AnyRequest, db: Db) -> list[schemas.PasskeyOut]:
        principal = principal_of(request)
        now = context(request).now
        session = await repository.find_own_session(db, principal)
        return [
            schemas.PasskeyOut(
                id=p.id,
                name=p.name,
                created_at=p.created_at.isoformat(),
                backed_up=p.backed_up,
                last_used_at=p.last_used_at.isoformat() if p.last_used_at else None,
                enrolled_via=p.enrolled_via,
                restricted_until=p.restricted_until.isoformat()
                if p.restricted_until and service.is_restricted(p, now)
                else None,
                current=session is not None and session.passkey_id == p.id,
            )
            for p in await repository.passkeys_of(db, principal)
        ]

    @post(
        "/verification/options",
        operation_id="startReverification",
        status_code=200,
        opt={"access": "signed_in", "rate_limit": "sign_in"},
        summary="Request options to confirm it is still me with one of my passkeys",
    )
    async def start_reverification(self, request: AnyRequest, db: Db) -> schemas.CeremonyOptions:
        return await service.start_reverification(
            db, context(request), principal=principal_of(request)
        )

    @post(
        "/verification/verify",
        operation_id="finishReverification",
        status_code=200,
        summary="Re-verify this session with a passkey: sensitive changes for five minutes",
    )
    async def finish_reverification(
        self, request: AnyRequest, db: Db, data: JSONBody[schemas.CeremonyResult]
    ) -> schemas.Reverified:
        return await service.finish_reverification(
            db, context(request), data, principal=principal_of(request)
        )

    @get(
        "/activity",
        operation_id="listAccountActivity",
        summary="Recent activity: sign-ins, passkeys added and removed, recoveries",
        cache_control=None,
    )
    async def activity(self, request: AnyRequest, db: Db) -> list[schemas.ActivityOut]:
        return await service.account_activity(db, principal=principal_of(request))

    @delete(
        "/passkeys/{passkey_id:str}",
        operation_id="removePasskey",
        summary="Remove one of my passkeys (not the last); needs a fresh passkey",
    )
    async def remove_passkey(self, request: AnyRequest, db: Db, passkey_id: FromPath[str]) -> None:
        await service.remove_passkey(
            db, context(request), passkey_id, principal=principal_of(request)
        )

    @post(
        "/passkey-links",
        operation_id="createPasskeyLink",
        status_code=HTTP_201_CREATED,
        summary="A one-time QR link to add a passkey from another phone; needs a fresh passkey",
    )
    async def create_passkey_link(self, request: AnyRequest, db: Db) -> schemas.EnrollmentLink:
        return await service.create_passkey_link(
            db, context(request), principal=principal_of(request)
        )

    @get(
        "/sessions", operation_id="listSessions", summary="My signed-in devices", cache_control=None
    )
    async def list_sessions(self, request: AnyRequest, db: Db) -> list[schemas.SessionOut]:
        principal = principal_of(request)
        return [
            schemas.SessionOut(
                id=s.id,
                current=s.id == principal.session_id,
                created_at=s.created_at.isoformat(),
                last_seen_at=s.last_seen_at.isoformat(),
                user_agent=s.user_agent,
            )
            for s in await repository.sessions_of(db, principal, context(request).now)
        ]

    @delete(
        "/sessions/{session_id:str}",
        operation_id="revokeSession",
        summary="Sign out one of my devices",
    )
    async def revoke_session(self, request: AnyRequest, db: Db, session_id: FromPath[str]) -> None:
        await service.revoke_session(
            db, context(request), session_id, principal=principal_of(request)
        )

    @post(
        "/sign-out-everywhere",
        operation_id="signOutEverywhere",
        status_code=HTTP_204_NO_CONTENT,
        summary="Sign out of every device",
    )
    async def sign_out_everywhere(
        self, request: AnyRequest, db: Db, settings: AppSettings
    ) -> Response[None]:
        await service.sign_out_everywhere(db, context(request), principal=principal_of(request))
        return without_session_cookie(Response(None, status_code=HTTP_204_NO_CONTENT), settings)

    @post(
        "/recovery-codes",
        operation_id="generateRecoveryCodes",
        status_code=HTTP_201_CREATED,
        summary="New one-time recovery codes, shown once (earlier ones stop working); needs "
        "a fresh passkey",
    )
    async def generate_recovery_codes(self, request: AnyRequest, db: Db) -> schemas.RecoveryCodes:
        codes = await service.generate_recovery_codes(
            db, context(request), principal=principal_of(request)
        )
        return schemas.RecoveryCodes(codes=codes)


class DeskIdentityController(Controller):
    path = "/api/v1/desk/accounts"
    tags = ["desk"]  # noqa: RUF012
    opt = {"access": ("desk",)}  # noqa: RUF012

    @get(
        "/",
        operation_id="findAccountsAtDesk",
        summary="Find a citizen by phone or CCCD",
        cache_control=None,
    )
    async def find_accounts(
        self,
        request: AnyRequest,
        db: Db,
        phone: Annotated[str | None, QueryParameter(description="Mobile number")] = None,
        cccd: Annotated[str | None, QueryParameter(description="CCCD number")] = None,
    ) -> list[schemas.AccountMatch]:
        if not phone and not cccd:
            raise InvalidQuery([FieldProblem("phone", "required")])
        return await service.find_accounts_at_desk(
            db, context(request), phone=phone, cccd=cccd, principal=principal_of(request)
        )

    @post(
        "/{account_id:str}/cccd",
        operation_id="recordCccdAtDesk",
        status_code=200,
        summary="Record the CCCD checked in person on an account that has none",
    )
    async def record_cccd(
        self,
        request: AnyRequest,
        db: Db,
        account_id: FromPath[str],
        data: JSONBody[schemas.CccdRecord],
    ) -> schemas.AccountMatch:
        return await service.record_cccd_at_desk(
            db, context(request), account_id, data, principal=principal_of(request)
        )

    @post(
        "/{account_id:str}/recovery",
        operation_id="issueDeskRecovery",
        status_code=HTTP_201_CREATED,
        summary="After checking the CCCD in person, a one-time enrollment QR (15 minutes)",
    )
    async def issue_recovery(
        self,
        request: AnyRequest,
        db: Db,
        account_id: FromPath[str],
        data: JSONBody[schemas.IdentityCheck],
    ) -> schemas.EnrollmentLink:
        return await service.issue_desk_recovery(
            db, context(request), account_id, data, principal=principal_of(request)
        )


class StaffController(Controller):
    path = "/api/v1"
    tags = ["staff"]  # noqa: RUF012

    @post(
        "/admin/staff",
        operation_id="createStaff",
        status_code=HTTP_201_CREATED,
        opt={"access": ("admin",)},
        summary="Create a staff account with roles; returns its one-time enrollment link",
    )
    async def create_staff(
        self, request: AnyRequest, db: Db, data: JSONBody[schemas.StaffCreate]
    ) -> schemas.StaffCreated:
        account, link = await service.create_staff(
            db, context(request), data, principal=principal_of(request)
        )
        return schemas.StaffCreated(account=await me(db, account), enrollment=link)

    @get(
        "/agencies/{code:str}/staff",
        operation_id="listAgencyStaff",
        opt={"access": ("desk", "handler", "approver", "field", "admin")},
        summary="The staff of an agency (for those who work there)",
        cache_control=None,
    )
    async def agency_staff(
        self, request: AnyRequest, db: Db, code: FromPath[str]
    ) -> list[schemas.StaffMember]:
        members = await service.staff_of_agency(db, code, principal=principal_of(request))
        return [
            schemas.StaffMember(
                id=account.id,
                full_name=account.full_name,
                roles=[
                    schemas.RoleOut(
                        role=g.role,
                        agency_code=g.agency_code,
                        agency_name=n,
                        postal_unit=g.postal_unit,
                    )
                    for g, n in grants
                ],
            )
            for account, grants in members
        ]
