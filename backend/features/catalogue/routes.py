"""Catalogue API: public, read-only, cacheable with ETags."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

from litestar import Controller, Request, Response, get
from litestar.params import FromPath, QueryParameter

from backend.core.deps import AppSettings, Db
from backend.core.errors import FieldProblem, InvalidQuery
from backend.core.http import cached_response, decode_cursor, encode_cursor
from backend.features.catalogue import repository
from backend.features.catalogue.index import CatalogueIndex
from backend.features.catalogue.presenters import (
    administrative_unit_out,
    agency_out,
)
from backend.features.catalogue.schemas import (
    AdministrativeUnit,
    Agency,
    Holiday,
    Procedure,
    ProcedurePage,
    Sector,
)
from backend.features.catalogue.search import terms
from backend.features.catalogue.service import ProcedureNotFound

MAX_PAGE = 100
DEFAULT_PAGE = 20
MAX_QUERY_LENGTH = 200
MIN_YEAR, MAX_YEAR = 2000, 2100


async def catalogue_index(request: Request[Any, Any, Any]) -> CatalogueIndex:
    index: CatalogueIndex = request.app.state.catalogue_index
    return await index.fresh(request.app.state.db_sessions)


class CatalogueController(Controller):
    path = "/api/v1"
    tags = ["catalogue"]  # noqa: RUF012 - Litestar reads the class attribute

    @get(
        "/procedures",
        operation_id="listProcedures",
        summary="Search the procedure catalogue",
        description="Search ignores case and Vietnamese diacritics (đ included); "
        "procedures whose name matches come first.",
        opt={"access": "public"},
    )
    async def list_procedures(
        self,
        request: Request[Any, Any, Any],
        q: Annotated[str | None, QueryParameter(description="Search words")] = None,
        sector: Annotated[str | None, QueryParameter(description="Sector code")] = None,
        level: Annotated[
            Literal["province", "commune"] | None, QueryParameter(description="Agency level")
        ] = None,
        online: Annotated[
            Literal["full", "partial"] | None, QueryParameter(description="Online service level")
        ] = None,
        limit: Annotated[int, QueryParameter(description=f"1 to {MAX_PAGE}")] = DEFAULT_PAGE,
        cursor: Annotated[str | None, QueryParameter(description="From `nextCursor`")] = None,
        expand: Annotated[
            Literal["variants"] | None,
            QueryParameter(description="`variants`: include variants, for offline copies"),
        ] = None,
    ) -> Response[ProcedurePage]:
        problems: list[FieldProblem] = []
        if not 1 <= limit <= MAX_PAGE:
            problems.append(FieldProblem("limit", "out_of_range", {"min": 1, "max": MAX_PAGE}))
        if q is not None and len(q) > MAX_QUERY_LENGTH:
            problems.append(FieldProblem("q", "too_long", {"max": MAX_QUERY_LENGTH}))
        after = None
        if cursor is not None:
            after = decode_cursor(cursor, tuple[int, str])
            if after is None:
                problems.append(FieldProblem("cursor", "bad_cursor"))
        index = await catalogue_index(request)
        if sector is not None and not index.has_sector(sector):
            problems.append(FieldProblem("sector", "not_an_option"))
        if problems:
            raise InvalidQuery(problems)
        found = index.search(
            words=terms(q or ""),
            sector=sector,
            level=level,
            online=online,
            after=after,
            limit=limit + 1,
        )
        page = found[:limit]
        next_cursor = None
        if len(found) > limit:
            last, rank = page[-1]
            next_cursor = encode_cursor((rank, last.code))
        items = [entry.detail if expand == "variants" else entry.summary for entry, _ in page]
        return cached_response(request, ProcedurePage(items=items, next_cursor=next_cursor))

    @get(
        "/procedures/{code:str}",
        operation_id="getProcedure",
        summary="A procedure with its variants: documents, fees, time and application form",
        opt={"access": "public"},
    )
    async def get_procedure(
        self, request: Request[Any, Any, Any], code: FromPath[str]
    ) -> Response[Procedure]:
        entry = (await catalogue_index(request)).find(code)
        if entry is None:
            raise ProcedureNotFound(code=code)
        return cached_response(request, entry.detail)

    @get(
        "/sectors",
        operation_id="listSectors",
        summary="Sectors (lĩnh vực)",
        opt={"access": "public"},
    )
    async def list_sectors(self, request: Request[Any, Any, Any]) -> Response[list[Sector]]:
        return cached_response(request, (await catalogue_index(request)).sectors())

    @get(
        "/agencies",
        operation_id="listAgencies",
        summary="Agencies (cơ quan)",
        opt={"access": "public"},
    )
    async def list_agencies(
        self,
        request: Request[Any, Any, Any],
        db: Db,
        kind: Annotated[str | None, QueryParameter(description="Agency kind")] = None,
        unit: Annotated[str | None, QueryParameter(description="Administrative unit code")] = None,
    ) -> Response[list[Agency]]:
        rows = await repository.list_agencies(db, kind=kind, unit_code=unit)
        return cached_response(request, [agency_out(a) for a in rows])

    @get(
        "/administrative-units",
        operation_id="listAdministrativeUnits",
        summary="The province and its communes (2025 two-level divisions)",
        opt={"access": "public"},
    )
    async def list_administrative_units(
        self, request: Request[Any, Any, Any], db: Db, settings: AppSettings
    ) -> Response[list[AdministrativeUnit]]:
        today = dt.datetime.now(ZoneInfo(settings.timezone)).date()
        rows = await repository.list_administrative_units(db, settings.province_code, today)
        return cached_response(request, [administrative_unit_out(u) for u in rows])

    @get(
        "/holidays",
        operation_id="listHolidays",
        summary="Days off and swap working days of a year (national calendar and province)",
        opt={"access": "public"},
    )
    async def list_holidays(
        self,
        request: Request[Any, Any, Any],
        db: Db,
        year: Annotated[int, QueryParameter(description="Calendar year")],
    ) -> Response[list[Holiday]]:
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise InvalidQuery(
                [FieldProblem("year", "out_of_range", {"min": MIN_YEAR, "max": MAX_YEAR})]
            )
        years = range(year, year + 1)
        days = {
            h.date: Holiday(date=h.date.isoformat(), kind=h.kind, name=h.name, source="calendar")
            for h in await repository.list_holiday_rows(db, years)
        }
        for o in await repository.list_holiday_overrides(db, years):
            days[o.date] = Holiday(
                date=o.date.isoformat(), kind=o.kind, name=o.name, source="province"
            )
        return cached_response(request, [days[d] for d in sorted(days)])
