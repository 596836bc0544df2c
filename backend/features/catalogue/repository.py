"""Every catalogue query. The catalogue is public data, so these take no principal; dossier
repositories, by contrast, always take the acting principal."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import ColumnElement, and_, case, func, literal, or_, select
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


def search_rank(phrase: str, words: Sequence[str]) -> ColumnElement[int]:
    if not words:
        return literal(RANK_NAME_PHRASE)
    return case(
        (Procedure.name_folded.contains(phrase), RANK_NAME_PHRASE),
        (and_(*(Procedure.name_folded.contains(w) for w in words)), RANK_NAME_WORDS),
        else_=RANK_OTHER,
    )


async def search_procedures(
    db: AsyncSession,
    *,
    words: Sequence[str],
    sector_id: int | None,
    level: str | None,
    online: str | None,
    after: tuple[int, str] | None,
    limit: int,
) -> list[tuple[Procedure, int]]:
    """Procedures matching every folded word, best rank first, then by code; keyset-paged."""
    rank = search_rank(" ".join(words), words).label("rank")
    query = select(Procedure, rank).options(
        joinedload(Procedure.sector), selectinload(Procedure.variants)
    )
    conditions: list[ColumnElement[bool]] = [Procedure.search_folded.contains(w) for w in words]
    if sector_id is not None:
        conditions.append(Procedure.sector_id == sector_id)
    if level is not None:
        conditions.append(Procedure.agency_level == level)
    if online is not None:
        conditions.append(Procedure.online_level == online)
    if after is not None:
        after_rank, after_code = after
        conditions.append(
            or_(rank > after_rank, and_(rank == after_rank, Procedure.code > after_code))
        )
    query = query.where(*conditions).order_by(rank, Procedure.code).limit(limit)
    rows = (await db.execute(query)).all()
    return [(row[0], int(row[1])) for row in rows]


async def find_procedure(db: AsyncSession, code: str) -> Procedure | None:
    query = (
        select(Procedure)
        .where(Procedure.code == code)
        .options(joinedload(Procedure.sector), selectinload(Procedure.variants))
    )
    return (await db.execute(query)).scalar_one_or_none()


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


async def find_sector_by_code(db: AsyncSession, code: str) -> Sector | None:
    return (await db.execute(select(Sector).where(Sector.code == code))).scalar_one_or_none()


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
