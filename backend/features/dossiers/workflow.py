"""Where a dossier goes: its variant's route (DESIGN.md §3) resolved to real agencies, and the
working calendar its deadlines count in."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

import msgspec
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.features.catalogue.calendar import WorkingCalendar
from backend.features.catalogue.service import FileWorkflow, FileWorkflowStep
from backend.models import Agency, Holiday, HolidayOverride, ProcedureVariant

ONE_STOP: Final = "one_stop"
COMMUNE_KINDS: Final = frozenset({"commune_people_committee", "commune_police"})
PROVINCE_ONE_STOP: Final = "public_service_centre"
COMMUNE_ONE_STOP: Final = "commune_people_committee"

Step = FileWorkflowStep


def route_of(variant: ProcedureVariant) -> FileWorkflow:
    """The variant's route; a variant imported before routes existed gets none (no steps)."""
    return msgspec.convert(variant.workflow or {"steps": []}, FileWorkflow)


def commune_of(route: FileWorkflow, form_data: Mapping[str, Any]) -> str | None:
    """The commune whose agencies handle the dossier: from the route's address field."""
    if route.commune_field is None:
        return None
    value = form_data.get(route.commune_field)
    if isinstance(value, Mapping) and isinstance(value.get("communeCode"), str):
        return str(value["communeCode"])
    return None


@dataclass(frozen=True)
class Resolver:
    """Finds the agency of each step for one dossier."""

    db: AsyncSession
    level: str
    commune_code: str | None

    async def agency_for(self, step: Step) -> Agency | None:
        kind = step.agency
        if kind == ONE_STOP:
            kind = COMMUNE_ONE_STOP if self.level == "commune" else PROVINCE_ONE_STOP
        query = select(Agency).where(Agency.kind == kind)
        if kind in COMMUNE_KINDS:
            if self.commune_code is None:
                return await self._province_one_stop()
            query = query.where(Agency.unit_code == self.commune_code)
        return (await self.db.execute(query.order_by(Agency.code).limit(1))).scalar_one_or_none()

    async def _province_one_stop(self) -> Agency | None:
        """A commune-level dossier whose commune is unknown goes to the province's one-stop
        centre, whose desk sends it on."""
        query = select(Agency).where(Agency.kind == PROVINCE_ONE_STOP).order_by(Agency.code)
        return (await self.db.execute(query.limit(1))).scalar_one_or_none()


def step_at(steps: Sequence[Step], index: int | None) -> Step | None:
    if index is None or not 0 <= index < len(steps):
        return None
    return steps[index]


async def working_calendar(db: AsyncSession) -> WorkingCalendar:
    """The national calendar with the province's decisions over it."""
    national = {h.date: h.kind for h in (await db.execute(select(Holiday))).scalars()}
    province = {h.date: h.kind for h in (await db.execute(select(HolidayOverride))).scalars()}
    return WorkingCalendar(national, province)


def local_day(at: dt.datetime, zone: dt.tzinfo) -> dt.date:
    return at.astimezone(zone).date()
