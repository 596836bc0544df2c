"""More passkeys, recovery codes, desk-assisted recovery, staff enrollment and agency scope,
and the route table's access policies."""

from __future__ import annotations

from typing import Any

import pytest
from litestar import Litestar, get
from litestar.testing import AsyncTestClient
from sqlalchemy import select

from backend.app import create_app
from backend.config import Settings
from backend.core.auth import access_policy
from backend.core.db import create_engine, session_factory
from backend.models import AuditEvent
from tests.support.identity import FakeClock, Person, device, operator_creates_staff, token_of

Client = AsyncTestClient[Litestar]
LAND_OFFICE = "000.00.05.H19"
TAX_OFFICE = "000.00.06.H19"
SERVICE_CENTRE = "000.00.01.H19"
PROVINCE = "000.00.00.H19"  # the province's people's committee: the agency tree's root


async def audit_events(settings: Settings, action: str) -> list[AuditEvent]:
    engine = create_engine(settings.resolved_database_url)
    try:
        async with session_factory(engine)() as db:
            query = select(AuditEvent).where(AuditEvent.action == action)
            return list((await db.execute(query)).scalars())
    finally:
        await engine.dispose()


async def test_a_second_phone_joins_through_a_one_time_link(client: Client) -> None:
    owner = Person(client)
    me = await owner.sign_up()
    await owner.reverify()  # a sensitive change: the passkey again
    link = (await client.post("/api/v1/account/passkey-links")).json()
    assert link["url"].startswith("http://localhost:8000/enroll#token=")
    assert link["qrSvg"].startswith("<svg")
    async with device(client) as phone_b:
        second = Person(phone_b)
        assert (await second.enroll(token_of(link["url"]))).status_code == 200
        assert second.me["id"] == me["id"]
        # The same link a second time: refused, nothing added.
        again = await Person(phone_b).enroll(token_of(link["url"]))
        assert again.status_code == 400
        assert again.json()["type"].endswith("link-invalid")
    passkeys = (await client.get("/api/v1/account/passkeys")).json()
    assert len(passkeys) == 2
    # Either phone now signs in on its own.
    await client.post("/api/v1/auth/sign-out")
    signed_in = await Person(client, authenticator=second.authenticator).sign_in()
    assert signed_in["id"] == me["id"]


async def test_a_passkey_link_expires_after_15_minutes(client: Client, clock: FakeClock) -> None:
    import datetime as dt

    owner = Person(client)
    await owner.sign_up()
    await owner.reverify()
    link = (await client.post("/api/v1/account/passkey-links")).json()
    clock.advance(dt.timedelta(minutes=15, seconds=1))
    async with device(client) as phone_b:
        response = await Person(phone_b).enroll(token_of(link["url"]))
    assert response.status_code == 400


async def test_removing_passkeys_but_never_the_last(client: Client) -> None:
    owner = Person(client)
    await owner.sign_up()
    await owner.reverify()
    [only] = (await client.get("/api/v1/account/passkeys")).json()
    last = await client.delete(f"/api/v1/account/passkeys/{only['id']}")
    assert last.status_code == 409
    link = (await client.post("/api/v1/account/passkey-links")).json()
    async with device(client) as phone_b:
        await Person(phone_b).enroll(token_of(link["url"]))
    assert (await client.delete(f"/api/v1/account/passkeys/{only['id']}")).status_code == 204
    assert len((await client.get("/api/v1/account/passkeys")).json()) == 1


async def test_recovery_codes_work_once_each(client: Client) -> None:
    owner = Person(client)
    me = await owner.sign_up()
    await owner.reverify()
    codes = (await client.post("/api/v1/account/recovery-codes")).json()["codes"]
    assert len(codes) == 10
    assert len(set(codes)) == 10
    async with device(client) as new_phone:  # the old phone is lost
        redeemed = await new_phone.post(
            "/api/v1/auth/recovery-codes/redeem", json={"code": codes[3].lower()}
        )
        assert redeemed.status_code == 200
        recovered = Person(new_phone)
        response = await recovered.enroll(redeemed.json()["enrollmentToken"])
        assert response.status_code == 200
        assert recovered.me["id"] == me["id"]
        again = await new_phone.post("/api/v1/auth/recovery-codes/redeem", json={"code": codes[3]})
        assert again.status_code == 400
        assert again.json()["type"].endswith("link-invalid")
        # The enrollment token it gave also works only once.
        reused = await Person(new_phone).enroll(redeemed.json()["enrollmentToken"])
        assert reused.status_code == 400


async def test_new_recovery_codes_replace_the_old(client: Client) -> None:
    owner = Person(client)
    await owner.sign_up()
    await owner.reverify()
    old = (await client.post("/api/v1/account/recovery-codes")).json()["codes"]
    new = (await client.post("/api/v1/account/recovery-codes")).json()["codes"]
    assert set(old).isdisjoint(new)
    stale = await client.post("/api/v1/auth/recovery-codes/redeem", json={"code": old[0]})
    assert stale.status_code == 400
    fresh = await client.post("/api/v1/auth/recovery-codes/redeem", json={"code": new[0]})
    assert fresh.status_code == 200


async def test_desk_recovery_works_once_and_is_audited(client: Client, settings: Settings) -> None:
    citizen = Person(client)
    me = await citizen.sign_up(cccd="075190001234")
    desk_token = await operator_creates_staff(
        settings, "Trần Văn Bình", [{"role": "desk", "agency_code": SERVICE_CENTRE}]
    )
    async with device(client) as counter, device(client) as new_phone:
        officer = Person(counter)
        assert (await officer.enroll(desk_token)).status_code == 200
        found = (await counter.get("/api/v1/desk/accounts", params={"cccd": "075190001234"})).json()
        assert [(a["id"], a["phoneMasked"][-3:]) for a in found] == [(me["id"], me["phone"][-3:])]
        assert me["phone"] not in str(found)
        issued = await counter.post(
            f"/api/v1/desk/accounts/{me['id']}/recovery",
            json={"documentType": "cccd", "documentNumber": "075190001234", "note": "Đối chiếu"},
        )
        assert issued.status_code == 201
        token = token_of(issued.json()["url"])
        recovered = Person(new_phone)
        assert (await recovered.enroll(token)).status_code == 200
        assert recovered.me["id"] == me["id"]
        assert (await Person(new_phone).enroll(token)).status_code == 400
    [event] = await audit_events(settings, "recovery.desk_issued")
    assert event.actor_id == officer.me["id"]
    assert event.subject_id == me["id"]
    assert event.detail["document_type"] == "cccd"
    assert event.detail["document_number"].endswith("1234")
    assert "075190001234" not in str(event.detail)  # masked in the trail
    assert event.detail["matches_account"] is True
    assert event.detail["note"] == "Đối chiếu"
    [added] = [e for e in await audit_events(settings, "passkey.added") if e.subject_id == me["id"]]
    assert added.detail["purpose"] == "desk_recovery"
    assert added.detail["issued_by"] == officer.me["id"]


async def test_only_desk_officers_recover_accounts(client: Client) -> None:
    citizen = Person(client)
    me = await citizen.sign_up()
    response = await client.post(
        f"/api/v1/desk/accounts/{me['id']}/recovery",
        json={"documentType": "cccd", "documentNumber": "075190001234"},
    )
    assert response.status_code == 403
    assert (
        await client.get("/api/v1/desk/accounts", params={"phone": me["phone"]})
    ).status_code == 403


async def test_admin_creates_a_handler_scoped_to_one_agency(
    client: Client, settings: Settings
) -> None:
    admin_token = await operator_creates_staff(
        settings, "Bùi Thị Hạnh", [{"role": "admin", "agency_code": PROVINCE}]
    )
    async with device(client) as admin_pc, device(client) as handler_pc:
        admin = Person(admin_pc)
        assert (await admin.enroll(admin_token)).status_code == 200
        created = await admin_pc.post(
            "/api/v1/admin/staff",
            json={
                "fullName": "Lê Thị Cúc",
                "phone": "0977000001",
                "roles": [
                    {"role": "handler", "agencyCode": LAND_OFFICE},
                    {"role": "approver", "agencyCode": LAND_OFFICE},
                ],
            },
        )
        assert created.status_code == 201, created.text
        body = created.json()
        assert {r["role"] for r in body["account"]["roles"]} == {"handler", "approver"}
        handler = Person(handler_pc)
        assert (await handler.enroll(token_of(body["enrollment"]["url"]))).status_code == 200
        await handler_pc.post("/api/v1/auth/sign-out")
        me = await handler.sign_in()
        assert me["kind"] == "staff"
        assert {r["agencyCode"] for r in me["roles"]} == {LAND_OFFICE}

        own = await handler_pc.get(f"/api/v1/agencies/{LAND_OFFICE}/staff")
        assert own.status_code == 200
        assert [m["fullName"] for m in own.json()] == ["Lê Thị Cúc"]
        other = await handler_pc.get(f"/api/v1/agencies/{TAX_OFFICE}/staff")
        assert other.status_code == 403
        assert other.json()["type"].endswith("forbidden")
        # A handler is not an admin.
        refused = await handler_pc.post(
            "/api/v1/admin/staff",
            json={
                "fullName": "X Y",
                "phone": "0977000002",
                "roles": [{"role": "desk", "agencyCode": LAND_OFFICE}],
            },
        )
        assert refused.status_code == 403


async def test_staff_creation_is_validated(client: Client, settings: Settings) -> None:
    admin_token = await operator_creates_staff(
        settings, "Bùi Thị Hạnh", [{"role": "admin", "agency_code": SERVICE_CENTRE}]
    )
    async with device(client) as admin_pc:
        await Person(admin_pc).enroll(admin_token)
        response = await admin_pc.post(
            "/api/v1/admin/staff",
            json={
                "fullName": "Z",
                "phone": "123",
                "roles": [{"role": "handler", "agencyCode": "no-such"}, {"role": "postal"}],
            },
        )
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert {"fullName", "phone"} <= fields or {"roles.0.agencyCode", "roles.1.postalUnit"} <= fields


async def test_citizens_are_not_staff(client: Client) -> None:
    await Person(client).sign_up()
    assert (await client.get(f"/api/v1/agencies/{LAND_OFFICE}/staff")).status_code == 403


async def test_signed_out_callers_get_401(client: Client) -> None:
    for path in (
        "/api/v1/auth/me",
        "/api/v1/account/sessions",
        f"/api/v1/agencies/{LAND_OFFICE}/staff",
    ):
        response = await client.get(path)
        assert response.status_code == 401
        assert response.json()["type"].endswith("unauthorized")


def routes_without_policy(app: Litestar) -> list[str]:
    """Every route handler of the app that does not declare who may call it."""
    missing = []
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            if handler.fn.__module__.startswith("litestar."):
                continue  # Litestar's own OPTIONS answers (Allow header only, no data)
            if access_policy(handler.opt) is None:
                missing.append(f"{sorted(handler.http_methods)} {route.path}")
    return missing


def test_every_route_declares_its_access_policy(settings: Settings) -> None:
    assert routes_without_policy(create_app(settings)) == []


def route_policies(app: Litestar) -> dict[str, object]:
    """Each route handler's declared policy, by `METHOD path`."""
    return {
        f"{method} {route.path}": access_policy(handler.opt)
        for route in app.routes
        for handler in getattr(route, "route_handlers", [])
        if not handler.fn.__module__.startswith("litestar.")
        for method in sorted(handler.http_methods)
    }


STAFF = ("desk", "handler", "approver", "field", "postal")
WORK = "/api/v1/work/dossiers"
DOSSIERS = "/api/v1/dossiers"


def test_the_dossier_routes_declare_who_may_call_them(settings: Settings) -> None:
    """Every route on dossiers, with the policy the guard applies before the use case scopes
    it (the step's role and agency for staff, ownership for the rest: others get 404)."""
    policies = route_policies(create_app(settings))
    dossier_routes = {
        key: policy
        for key, policy in policies.items()
        if key.split(" ", 1)[1].startswith((WORK, DOSSIERS))
    }
    assert dossier_routes == {
        f"GET {WORK}": STAFF,
        f"GET {WORK}/late": ("approver",),
        f"POST {WORK}/intake": ("desk",),
        f"GET {WORK}/{{dossier_id:str}}": STAFF,
        f"POST {WORK}/{{dossier_id:str}}/actions": STAFF,
        f"POST {WORK}/{{dossier_id:str}}/apology": STAFF,
        f"GET {WORK}/{{dossier_id:str}}/documents/{{attachment_id:str}}": STAFF,
        f"GET {WORK}/{{dossier_id:str}}/result": STAFF,
        f"POST {WORK}/{{dossier_id:str}}/result": STAFF,
        f"GET {DOSSIERS}/{{dossier_id:str}}/receipt": "signed_in",
        f"GET {DOSSIERS}/{{dossier_id:str}}/receipt.pdf": "signed_in",
        f"GET {DOSSIERS}/{{dossier_id:str}}/documents/{{attachment_id:str}}": "signed_in",
        f"GET {DOSSIERS}/{{dossier_id:str}}/result": "signed_in",
    }


def test_the_route_policy_check_catches_a_route_without_one(settings: Settings) -> None:
    @get("/api/v1/forgotten", sync_to_thread=False)
    def forgotten() -> str:
        return "no policy"

    app = create_app(settings)
    app.register(forgotten)
    assert routes_without_policy(app) == ["['GET'] /api/v1/forgotten"]


async def test_a_route_without_a_policy_is_closed(settings: Settings, clock: FakeClock) -> None:
    @get("/api/v1/forgotten", sync_to_thread=False)
    def forgotten() -> dict[str, Any]:
        return {"leak": True}

    app = create_app(settings, clock=clock)
    app.register(forgotten)
    async with AsyncTestClient(app, base_url="http://localhost:8000") as client:
        assert (await client.get("/api/v1/forgotten")).status_code == 403


@pytest.mark.parametrize(
    "policy", ["public", "signed_in", "citizen", ("desk",), ["admin", "handler"]]
)
def test_access_policy_accepts_declared_forms(policy: Any) -> None:
    assert access_policy({"access": policy}) is not None


@pytest.mark.parametrize("policy", [None, "everyone", (), ("root",), 5])
def test_access_policy_refuses_anything_else(policy: Any) -> None:
    assert access_policy({"access": policy}) is None
