"""Every catalogue query. The catalogue is public data, so these take no principal; dossier
repositories, by contrast, always take the acting principal."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload, selectinload

from backend.models import (
    AdministrativeUnit,
    Agency,
    Holiday,
    HolidayOverride,
    Procedure,
    ProcedureVariant,
    Sector,
)

# Search ranks: the whole query inside the name, every word in the name, a match elsewhere.
RANK_NAME_PHRASE, RANK_NAME_WORDS, RANK_OTHER = 0, 1, 2


async def all_procedures(db: AsyncSession) -> list[Procedure]:
    """Every procedure with its sector and variants, for the in-memory index."""
    query = select(Procedure).options(
        joinedload(Procedure.sector), selectinload(Procedure.variants)
    )
    return list((await db.execute(query)).scalars().unique())


async def catalogue_revision(db: AsyncSession) -> tuple[object, ...]:
    """Changes whenever an import changes anything the catalogue API shows."""
    procedures = (
        await db.execute(select(func.count(Procedure.id), func.max(Procedure.updated_at)))
    ).one()
    variants = (
        await db.execute(
            select(func.count(ProcedureVariant.id), func.max(ProcedureVariant.created_at))
        )
    ).one()
    sectors = (await db.execute(select(Sector.code, Sector.name, Sector.name_en))).all()
    agencies = (
        await db.execute(
            select(Agency.code, Agency.name, Agency.name_en).where(Agency.level == "province")
        )
    ).all()
    return (tuple(procedures), tuple(variants), *map(tuple, sectors), *map(tuple, agencies))


async def procedure_exists(db: AsyncSession, code: str) -> bool:
    query = select(Procedure.id).where(Procedure.code == code)
    return (await db.execute(query)).first() is not None


async def find_procedure_row(db: AsyncSession, code: str) -> Procedure | None:
    return (await db.execute(select(Procedure).where(Procedure.code == code))).scalar_one_or_none()


async def find_current_variant_row(
    db: AsyncSession, procedure_id: int, key: str
) -> ProcedureVariant | None:
    query = select(ProcedureVariant).where(
        ProcedureVariant.procedure_id == procedure_id,
        ProcedureVariant.key == key,
        ProcedureVariant.effective_to.is_(None),
    )
    return (await db.execute(query)).scalar_one_or_none()


async def list_sector_rows(db: AsyncSession) -> list[Sector]:
    return list((await db.execute(select(Sector))).scalars())


async def list_sectors_with_counts(db: AsyncSession) -> list[tuple[Sector, int]]:
    count = func.count(Procedure.id)
    query = (
        select(Sector, count)
        .outerjoin(Procedure, Procedure.sector_id == Sector.id)
        .group_by(Sector.id)
        .order_by(Sector.name)
    )
    return [(row[0], int(row[1])) for row in (await db.execute(query)).all()]


async def find_agency_row(db: AsyncSession, code: str) -> Agency | None:
    return (await db.execute(select(Agency).where(Agency.code == code))).scalar_one_or_none()


async def list_agencies(
    db: AsyncSession, *, kind: str | None = None, unit_code: str | None = None
) -> list[Agency]:
    query = select(Agency).order_by(Agency.level.desc(), Agency.code)
    if kind is not None:
        query = query.where(Agency.kind == kind)
    if unit_code is not None:
        query = query.where(Agency.unit_code == unit_code)
    return list((await db.execute(query)).scalars())


async def agencies_by_kind(db: AsyncSession, kinds: set[str]) -> dict[str, list[Agency]]:
    if not kinds:
        return {}
    query = select(Agency).where(Agency.kind.in_(sorted(kinds))).order_by(Agency.code)
    grouped: dict[str, list[Agency]] = {}
    for agency in (await db.execute(query)).scalars():
        grouped.setdefault(agency.kind, []).append(agency)
    return grouped


async def administrative_unit_codes(db: AsyncSession) -> set[str]:
    return set((await db.execute(select(AdministrativeUnit.code))).scalars())


async def list_administrative_units(
    db: AsyncSession, province_code: str, on: dt.date
) -> list[AdministrativeUnit]:
    query = (
        select(AdministrativeUnit)
        .where(
            or_(
                AdministrativeUnit.code == province_code,
                AdministrativeUnit.parent_code == province_code,
            ),
            AdministrativeUnit.effective_from <= on,
            or_(AdministrativeUnit.effective_to.is_(None), AdministrativeUnit.effective_to > on),
        )
        .order_by(AdministrativeUnit.level.desc(), AdministrativeUnit.name)
    )
    return list((await db.execute(query)).scalars())


async def list_holiday_rows(db: AsyncSession, years: range) -> list[Holiday]:
    start, end = dt.date(years.start, 1, 1), dt.date(years.stop, 1, 1)
    query = select(Holiday).where(Holiday.date >= start, Holiday.date < end)
    return list((await db.execute(query)).scalars())


async def list_holiday_overrides(db: AsyncSession, years: range) -> list[HolidayOverride]:
    start, end = dt.date(years.start, 1, 1), dt.date(years.stop, 1, 1)
    query = select(HolidayOverride).where(HolidayOverride.date >= start, HolidayOverride.date < end)
    return list((await db.execute(query)).scalars())
