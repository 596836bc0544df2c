"""Wire shapes of the catalogue API (camelCase on the wire)."""

from __future__ import annotations

from typing import Literal

import msgspec

from backend.features.catalogue.forms import FormSchema

AgencyLevel = Literal["province", "commune"]
OnlineLevel = Literal["full", "partial"]
TimeUnit = Literal["working_days", "working_hours", "calendar_days"]
Confidence = Literal["seen", "unverified"]


class Camel(msgspec.Struct, rename="camel", omit_defaults=True):
    pass


class Sector(Camel):
    code: str
    name: str
    name_en: str | None = None
    procedure_count: int = 0


class AgencyRef(Camel):
    code: str
    name: str
    name_en: str | None = None
    level: AgencyLevel = "province"


class Agency(Camel):
    code: str
    name: str
    kind: str
    level: AgencyLevel
    name_en: str | None = None
    unit_code: str | None = None
    parent_code: str | None = None


class ProcessingTime(Camel):
    value: int
    unit: TimeUnit
    note: str | None = None
    note_en: str | None = None


class Fee(Camel):
    name: str
    amount_vnd: int
    name_en: str | None = None
    per: str | None = None
    rule: str | None = None


class RequiredDocument(Camel):
    key: str
    name: str
    name_en: str | None = None
    required: bool = True
    photo_allowed: bool = True
    originals: int = 0
    copies: int = 1


class Variant(Camel):
    key: str
    version: int
    name: str
    processing_time: ProcessingTime
    fees: list[Fee]
    documents: list[RequiredDocument]
    form: FormSchema
    effective_from: str
    name_en: str | None = None
    effective_to: str | None = None


class Procedure(Camel):
    """A procedure; `variants` and `agencies` come with the detail, or with `expand=variants`."""

    code: str
    name: str
    sector: Sector
    agency_level: AgencyLevel
    online_level: OnlineLevel
    processing_time: ProcessingTime
    is_free: bool
    agency_name: str
    name_en: str | None = None
    agency_name_en: str | None = None
    confidence: Confidence = "unverified"
    variants: list[Variant] | None = None
    agencies: list[AgencyRef] | None = None


class ProcedurePage(Camel):
    """A page of procedures; `nextCursor` is opaque and absent on the last page."""

    items: list[Procedure]
    next_cursor: str | None = None


class AdministrativeUnit(Camel):
    code: str
    name: str
    level: Literal["province", "commune"]
    parent_code: str | None = None
    kind: str | None = None


class Holiday(Camel):
    date: str
    kind: Literal["holiday", "working_day"]
    name: str
    source: Literal["calendar", "province"]
