"""Demo people: a citizen and a staff member for every role, each enrolling a passkey from a
one-time link that `serve` prints in development. There is no password and no bypass."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from backend.features.identity import repository, schemas, service
from backend.models import Account

PROVINCE = "000.00.00.H19"  # the province's people's committee: the agency tree's root
PUBLIC_SERVICE_CENTRE = "000.00.01.H19"
LAND_REGISTRATION_OFFICE = "000.00.05.H19"
TAX_OFFICE = "000.00.06.H19"
FIRST_COMMUNE_COMMITTEE = "000.01.30.H19"
DEMO_POSTAL_UNIT = "BD-DONGNAI-01"

DEMO_CITIZEN = schemas.SignUp(full_name="Nguyễn Thị Lan", phone="0912000001", cccd="075190000001")
DEMO_STAFF = [
    schemas.StaffCreate(
        full_name="Trần Văn Bình (một cửa)",
        phone="0912000002",
        roles=[schemas.RoleIn(role="desk", agency_code=PUBLIC_SERVICE_CENTRE)],
    ),
    schemas.StaffCreate(
        full_name="Lê Thị Cúc (chuyên viên đất đai)",
        phone="0912000003",
        roles=[schemas.RoleIn(role="handler", agency_code=LAND_REGISTRATION_OFFICE)],
    ),
    schemas.StaffCreate(
        full_name="Phạm Văn Dũng (chuyên viên thuế)",
        phone="0912000004",
        roles=[schemas.RoleIn(role="handler", agency_code=TAX_OFFICE)],
    ),
    schemas.StaffCreate(
        full_name="Hoàng Thị Em (lãnh đạo)",
        phone="0912000005",
        roles=[schemas.RoleIn(role="approver", agency_code=LAND_REGISTRATION_OFFICE)],
    ),
    schemas.StaffCreate(
        full_name="Vũ Văn Phúc (cán bộ xã)",
        phone="0912000006",
        roles=[schemas.RoleIn(role="field", agency_code=FIRST_COMMUNE_COMMITTEE)],
    ),
    schemas.StaffCreate(
        full_name="Đỗ Văn Giang (bưu điện)",
        phone="0912000007",
        roles=[schemas.RoleIn(role="postal", postal_unit=DEMO_POSTAL_UNIT)],
    ),
    schemas.StaffCreate(
        full_name="Bùi Thị Hạnh (quản trị)",
        phone="0912000008",
        roles=[schemas.RoleIn(role="admin", agency_code=PROVINCE)],
    ),
]


async def seed_demo_people(db: AsyncSession, ctx: service.Context) -> list[tuple[str, str]]:
    """Create the demo accounts that do not exist yet; (name, one-time enrollment link) for
    every demo account that has no passkey yet. Idempotent apart from the fresh links."""
    links: list[tuple[str, str]] = []
    citizen = await repository.find_account_by_phone(db, DEMO_CITIZEN.phone)
    if citizen is None:
        citizen = Account(
            id="00000000-0000-4000-8000-000000000001",
            kind="citizen",
            full_name=DEMO_CITIZEN.full_name,
            phone=DEMO_CITIZEN.phone,
            email=None,
            cccd=DEMO_CITIZEN.cccd,
            user_handle=service.new_user_handle(),
            created_at=ctx.now,
            disabled_at=None,
        )
        db.add(citizen)
        await db.flush()
    for staff in DEMO_STAFF:
        if await repository.find_account_by_phone(db, staff.phone) is None:
            await service.enroll_staff(db, ctx, staff, created_by=None)
    for phone in [DEMO_CITIZEN.phone, *(s.phone for s in DEMO_STAFF)]:
        account = await repository.find_account_by_phone(db, phone)
        assert account is not None
        if not await repository.credential_ids_of(db, account.id):
            link = service.demo_enrollment_link(db, ctx, account.id)
            links.append((account.full_name, link))
    return links
