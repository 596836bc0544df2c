"""Admins within their tree (issue 11, finding 2): an admin creates staff and assigns roles
only at their agency and below; a postal unit, outside the agency tree, only from its root
(the province's people's committee). A refused role is a field problem on that role, and
nothing is created. The operator's command line is not limited."""

from __future__ import annotations

from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from backend.config import Settings
from backend.models import Account
from tests.support.identity import count_rows, device, new_phone, staff_member

Client = AsyncTestClient[Litestar]
PROVINCE = "000.00.00.H19"  # the root of the agency tree
SERVICE_CENTRE = "000.00.01.H19"
AGRICULTURE = "000.00.04.H19"
LAND_OFFICE = "000.00.05.H19"  # below the agriculture department
A_COMMUNE = "000.05.30.H19"
ANOTHER_COMMUNE = "000.06.30.H19"
POSTAL_UNIT = "BD-DONGNAI-01"


def new_staff(*roles: dict[str, str]) -> dict[str, Any]:
    return {"fullName": "Nhân Viên Mới", "phone": new_phone(), "roles": list(roles)}


@pytest.mark.parametrize(
    ("role", "field"),
    [
        ({"role": "admin", "agencyCode": PROVINCE}, "roles.0.agencyCode"),
        ({"role": "approver", "agencyCode": LAND_OFFICE}, "roles.0.agencyCode"),
        ({"role": "desk", "agencyCode": ANOTHER_COMMUNE}, "roles.0.agencyCode"),
        ({"role": "postal", "postalUnit": POSTAL_UNIT}, "roles.0.postalUnit"),
    ],
    ids=["province-admin", "province-office", "another-commune", "postal"],
)
async def test_a_commune_admin_cannot_assign_roles_outside_the_commune(
    client: Client, settings: Settings, role: dict[str, str], field: str
) -> None:
    async with device(client) as admin_pc:
        await staff_member(settings, admin_pc, "Quản Trị Xã", f"admin@{A_COMMUNE}")
        request = new_staff(role)
        response = await admin_pc.post("/api/v1/admin/staff", json=request)
    assert response.status_code == 422, response.text
    [error] = response.json()["errors"]
    assert (error["field"], error["code"]) == (field, "outside_your_agencies")
    assert await count_rows(settings, Account, Account.phone == request["phone"]) == 0


async def test_a_commune_admin_creates_staff_at_the_commune(
    client: Client, settings: Settings
) -> None:
    async with device(client) as admin_pc:
        await staff_member(settings, admin_pc, "Quản Trị Xã", f"admin@{A_COMMUNE}")
        created = await admin_pc.post(
            "/api/v1/admin/staff",
            json=new_staff(
                {"role": "desk", "agencyCode": A_COMMUNE},
                {"role": "admin", "agencyCode": A_COMMUNE},
            ),
        )
    assert created.status_code == 201, created.text
    roles = {(r["role"], r["agencyCode"]) for r in created.json()["account"]["roles"]}
    assert roles == {("desk", A_COMMUNE), ("admin", A_COMMUNE)}


async def test_one_role_outside_refuses_the_whole_request(
    client: Client, settings: Settings
) -> None:
    async with device(client) as admin_pc:
        await staff_member(settings, admin_pc, "Quản Trị Nông Nghiệp", f"admin@{AGRICULTURE}")
        request = new_staff(
            {"role": "handler", "agencyCode": LAND_OFFICE},  # below: fine
            {"role": "desk", "agencyCode": SERVICE_CENTRE},  # a sibling: not theirs
        )
        response = await admin_pc.post("/api/v1/admin/staff", json=request)
    assert response.status_code == 422
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [
        ("roles.1.agencyCode", "outside_your_agencies")
    ]
    assert await count_rows(settings, Account, Account.phone == request["phone"]) == 0


async def test_the_provinces_admin_administers_the_whole_tree_and_the_postal_units(
    client: Client, settings: Settings
) -> None:
    async with device(client) as admin_pc:
        await staff_member(settings, admin_pc, "Quản Trị Tỉnh", f"admin@{PROVINCE}")
        for role in (
            {"role": "desk", "agencyCode": A_COMMUNE},
            {"role": "handler", "agencyCode": LAND_OFFICE},
            {"role": "admin", "agencyCode": PROVINCE},
            {"role": "postal", "postalUnit": POSTAL_UNIT},
        ):
            created = await admin_pc.post("/api/v1/admin/staff", json=new_staff(role))
            assert created.status_code == 201, created.text


async def test_a_postal_unit_needs_an_admin_at_the_root(client: Client, settings: Settings) -> None:
    async with device(client) as admin_pc:
        await staff_member(settings, admin_pc, "Quản Trị Trung Tâm", f"admin@{SERVICE_CENTRE}")
        response = await admin_pc.post(
            "/api/v1/admin/staff", json=new_staff({"role": "postal", "postalUnit": POSTAL_UNIT})
        )
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert (error["field"], error["code"]) == ("roles.0.postalUnit", "outside_your_agencies")
