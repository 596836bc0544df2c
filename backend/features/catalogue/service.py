"""Catalogue use cases: importing a catalogue file, and loading the reference data a province
needs (administrative units, agencies per commune, the holiday calendar).

Every use case is idempotent: a second run with the same input changes nothing. A variant
whose content (fees, documents, form, time) changed is not edited in place: it gets a new
version and the old one is closed, so a dossier filed under it keeps its rules.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from typing import Any, Literal

import holidays
import msgspec
from sqlalchemy.ext.asyncio import AsyncSession

from backend.core.errors import NotFound
from backend.features.catalogue import repository
from backend.features.catalogue.forms import (
    DocumentSlot,
    FormField,
    FormSchema,
    FormSection,
    Text,
    schema_problems,
)
from backend.features.catalogue.search import fold
from backend.models import (
    AdministrativeUnit,
    Agency,
    Holiday,
    Procedure,
    ProcedureVariant,
    Sector,
)

TWO_LEVEL_SINCE = dt.date(2025, 7, 1)


class ProcedureNotFound(NotFound):
    problem_type = "procedure-not-found"


class CatalogueError(Exception):
    """The catalogue file cannot be imported; the message says which entry and why."""


# --- the catalogue file (the shape of shared/data/procedures.json, with optional extras) ---


class FileProcessing(msgspec.Struct, frozen=True):
    value: int
    unit: Literal["working_days", "working_hours", "calendar_days"]
    note: str | None = None  # English in the reference file
    note_vi: str | None = None


class FileFee(msgspec.Struct, frozen=True):
    name_vi: str
    amount_vnd: int
    name_en: str | None = None
    per: str | None = None
    rule: str | None = None


class FileDocument(msgspec.Struct, frozen=True):
    key: str
    name_vi: str
    name_en: str | None = None
    required: bool = True
    photo_allowed: bool = True
    originals: int = 0
    copies: int = 1


StepKind = Literal["process", "field_verification", "payment", "approval", "inter_agency"]
StepRole = Literal["desk", "handler", "approver", "field", "postal"]


class FileWorkflowStep(msgspec.Struct, frozen=True):
    """One step a dossier of the procedure goes through (DESIGN.md §3).

    `agency` is an agency kind (`tax_office`, `commune_police`, ...) or `one_stop`: the
    one-stop desk of the procedure's level (the province's public service centre, or the
    people's committee of the dossier's commune). Commune-level kinds resolve to the agency
    of the dossier's commune. `hours` is the step's allotted working time.
    """

    key: str
    name_vi: str
    agency: str
    role: StepRole
    hours: float
    kind: StepKind = "process"
    name_en: str | None = None


class FileWorkflow(msgspec.Struct, frozen=True):
    """A procedure's route: its steps in order, from reception to the returned result.
    `commune_field` names the address field of the form whose commune handles the dossier."""

    steps: list[FileWorkflowStep]
    commune_field: str | None = None


class FileProcedure(msgspec.Struct, frozen=True):
    code: str
    name_vi: str
    sector_vi: str
    agency_level: Literal["province", "commune"]
    agency_vi: str
    online_level: Literal["full", "partial"]
    processing: FileProcessing
    fees: list[FileFee]
    confidence: Literal["seen", "unverified"] = "unverified"
    name_en: str | None = None
    agency_en: str | None = None
    agency_kind: str | None = None
    sector_code: str | None = None
    sector_en: str | None = None
    documents_vi: list[str] = []
    documents: list[FileDocument] | None = None
    form: FormSchema | None = None
    workflow: FileWorkflow | None = None
    effective_from: dt.date | None = None


class FileSector(msgspec.Struct, frozen=True):
    code: str
    name_vi: str
    name_en: str | None = None


class FileAgency(msgspec.Struct, frozen=True):
    code: str
    name_vi: str
    kind: str
    level: Literal["province", "commune"] = "province"
    name_en: str | None = None
    unit_code: str | None = None
    # The agency above it in the province's tree (who leads and administers it).
    parent_code: str | None = None


class CatalogueFile(msgspec.Struct, frozen=True):
    procedures: list[FileProcedure]
    sectors: list[FileSector] = []
    agencies: list[FileAgency] = []


class ImportReport(msgspec.Struct, kw_only=True):
    created: list[str] = []
    updated: list[str] = []
    versioned: list[str] = []
    unchanged: list[str] = []

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.versioned)


def parse_catalogue(raw: bytes) -> CatalogueFile:
    """Decode and check a catalogue file; errors name the entry at fault."""
    try:
        catalogue = msgspec.json.decode(raw, type=CatalogueFile)
    except msgspec.ValidationError as exc:
        raise CatalogueError(f"catalogue file is not valid: {exc}") from exc
    for entry in catalogue.procedures:
        if entry.form is not None and (problems := schema_problems(entry.form)):
            raise CatalogueError(f"procedure {entry.code}: " + "; ".join(problems))
        if any(fee.amount_vnd < 0 for fee in entry.fees):
            raise CatalogueError(f"procedure {entry.code}: a fee is negative")
    codes = [entry.code for entry in catalogue.procedures]
    if len(codes) != len(set(codes)):
        raise CatalogueError("a procedure code appears twice")
    return catalogue


def slug(text: str, sep: str = "-") -> str:
    return sep.join(fold(text).replace(".", " ").split())


def documents_of(entry: FileProcedure) -> list[FileDocument]:
    if entry.documents is not None:
        return entry.documents
    return [
        FileDocument(key=f"doc-{i}", name_vi=name) for i, name in enumerate(entry.documents_vi, 1)
    ]


def default_form(documents: list[FileDocument]) -> FormSchema:
    """The applicant's particulars, for a procedure whose file gives no form of its own."""
    return FormSchema(
        sections=(
            FormSection(
                key="applicant",
                title=Text("Thông tin người nộp hồ sơ", "Applicant"),
                fields=(
                    FormField(
                        key="applicantName",
                        type="text",
                        required=True,
                        max_length=100,
                        label=Text("Họ, chữ đệm và tên", "Full name"),
                    ),
                    FormField(
                        key="applicantCccd",
                        type="cccd",
                        required=True,
                        label=Text("Số định danh cá nhân (CCCD)", "Personal ID number (CCCD)"),
                    ),
                    FormField(
                        key="applicantPhone",
                        type="phone",
                        required=True,
                        label=Text("Số điện thoại", "Phone number"),
                    ),
                    FormField(
                        key="applicantAddress",
                        type="address",
                        required=True,
                        label=Text("Nơi cư trú", "Place of residence"),
                    ),
                ),
            ),
        ),
        documents=tuple(
            DocumentSlot(
                key=d.key,
                name=Text(d.name_vi, d.name_en or d.name_vi),
                required=d.required,
                photo_allowed=d.photo_allowed,
                originals=d.originals,
                copies=d.copies,
            )
            for d in documents
        ),
    )


def variant_content(entry: FileProcedure) -> dict[str, Any]:
    """What a variant version is made of; a change to any of it makes a new version."""
    documents = documents_of(entry)
    form = entry.form or default_form(documents)
    return {
        "name": entry.name_vi,
        "name_en": entry.name_en,
        "processing": msgspec.to_builtins(entry.processing),
        "fees": [msgspec.to_builtins(fee) for fee in entry.fees],
        "documents": [msgspec.to_builtins(doc) for doc in documents],
        "form": msgspec.to_builtins(form),
        "workflow": msgspec.to_builtins(entry.workflow or default_workflow(entry)),
    }


def default_workflow(entry: FileProcedure) -> FileWorkflow:
    """The plain route when a catalogue gives none: reception at the one-stop desk, the
    competent agency's handler and approver, and return at the desk, in the procedure's
    processing time (same-day: one working day)."""
    days = entry.processing.value or 1
    total = days * (24 if entry.processing.unit == "calendar_days" else 8)
    if entry.processing.unit == "working_hours":
        total = entry.processing.value or 8
    agency = entry.agency_kind or slug(entry.agency_vi, "_")
    return FileWorkflow(
        steps=[
            FileWorkflowStep("reception", "Tiếp nhận hồ sơ", "one_stop", "desk", total * 0.1),
            FileWorkflowStep("processing", "Thẩm định, giải quyết", agency, "handler", total * 0.6),
            FileWorkflowStep(
                "approval", "Phê duyệt kết quả", agency, "approver", total * 0.2, "approval"
            ),
            FileWorkflowStep("return", "Trả kết quả", "one_stop", "desk", total * 0.1),
        ]
    )


def content_hash(content: dict[str, Any]) -> str:
    return hashlib.sha256(msgspec.json.encode(content, order="sorted")).hexdigest()


def _assign(row: object, values: dict[str, Any]) -> bool:
    """Set the attributes that differ; True when any did."""
    changed = False
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    return changed


async def import_catalogue(
    db: AsyncSession, catalogue: CatalogueFile, *, now: dt.datetime
) -> ImportReport:
    """Bring the catalogue to the file's content: create what is new, update procedure facts
    in place, and version any variant whose content changed. Idempotent."""
    today = now.date()
    report = ImportReport()
    sectors = await _import_sectors(db, catalogue)
    for agency in catalogue.agencies:
        await _upsert_agency(db, agency)
    await link_agency_tree(db, catalogue.agencies)
    for entry in catalogue.procedures:
        sector = sectors[entry.sector_code or slug(entry.sector_vi)]
        procedure = await repository.find_procedure_row(db, entry.code)
        facts = {
            "name": entry.name_vi,
            "name_en": entry.name_en,
            "sector_id": sector.id,
            "agency_level": entry.agency_level,
            "agency_kind": entry.agency_kind or slug(entry.agency_vi, "_"),
            "agency_name": entry.agency_vi,
            "agency_name_en": entry.agency_en,
            "online_level": entry.online_level,
            "confidence": entry.confidence,
            "name_folded": fold(entry.name_vi),
            "search_folded": fold(
                " ".join(
                    [
                        entry.code,
                        entry.name_vi,
                        entry.name_en or "",
                        sector.name,
                        sector.name_en or "",
                        entry.agency_vi,
                    ]
                )
            ),
        }
        content = variant_content(entry)
        digest = content_hash(content)
        if procedure is None:
            procedure = Procedure(code=entry.code, updated_at=now, **facts)
            db.add(procedure)
            await db.flush()
            db.add(_variant(procedure, content, digest, 1, entry.effective_from or today, now))
            report.created.append(entry.code)
            continue
        facts_changed = _assign(procedure, facts)
        current = await repository.find_current_variant_row(db, procedure.id, "default")
        if current is None or current.content_hash != digest:
            version = 1 if current is None else current.version + 1
            if current is not None:
                current.effective_to = today
            db.add(_variant(procedure, content, digest, version, today, now))
            procedure.updated_at = now
            report.versioned.append(entry.code)
        elif facts_changed:
            procedure.updated_at = now
            report.updated.append(entry.code)
        else:
            report.unchanged.append(entry.code)
    await db.flush()
    return report


def _variant(
    procedure: Procedure,
    content: dict[str, Any],
    digest: str,
    version: int,
    effective_from: dt.date,
    now: dt.datetime,
) -> ProcedureVariant:
    processing = content["processing"]
    return ProcedureVariant(
        procedure_id=procedure.id,
        key="default",
        version=version,
        name=content["name"],
        name_en=content["name_en"],
        processing_value=processing["value"],
        processing_unit=processing["unit"],
        processing_note=processing.get("note_vi") or processing.get("note"),
        processing_note_en=processing.get("note"),
        fees=content["fees"],
        documents=content["documents"],
        form=content["form"],
        workflow=content["workflow"],
        content_hash=digest,
        effective_from=effective_from,
        effective_to=None,
        created_at=now,
    )


async def _import_sectors(db: AsyncSession, catalogue: CatalogueFile) -> dict[str, Sector]:
    wanted: dict[str, tuple[str, str | None]] = {
        s.code: (s.name_vi, s.name_en) for s in catalogue.sectors
    }
    for entry in catalogue.procedures:
        code = entry.sector_code or slug(entry.sector_vi)
        wanted.setdefault(code, (entry.sector_vi, entry.sector_en))
    existing = {s.code: s for s in await repository.list_sector_rows(db)}
    for code, (name, name_en) in wanted.items():
        sector = existing.get(code)
        if sector is None:
            existing[code] = sector = Sector(code=code, name=name, name_en=name_en)
            db.add(sector)
        else:
            _assign(sector, {"name": name, "name_en": name_en})
    await db.flush()
    return existing


async def _upsert_agency(db: AsyncSession, agency: FileAgency) -> None:
    row = await repository.find_agency_row(db, agency.code)
    values = {
        "name": agency.name_vi,
        "name_en": agency.name_en,
        "kind": agency.kind,
        "level": agency.level,
        "unit_code": agency.unit_code,
    }
    if row is None:
        db.add(Agency(code=agency.code, **values))
    else:
        _assign(row, values)


# Where the generated commune agencies sit in the province's tree: the people's committee
# under the province's, the commune police under the provincial police.
COMMUNE_AGENCY_PARENT_KINDS = {
    "commune_people_committee": "province_people_committee",
    "commune_police": "provincial_police",
}


async def link_agency_tree(db: AsyncSession, agencies: Sequence[FileAgency] = ()) -> None:
    """Each agency under its parent: the file's `parent_code`s, and the commune agencies under
    the province agency of the kind above them (once both exist). Idempotent."""
    await db.flush()
    rows = {a.code: a for a in await repository.list_agencies(db)}
    by_kind: dict[str, Agency] = {}
    for row in sorted(rows.values(), key=lambda a: a.code):
        by_kind.setdefault(row.kind, row)
    parents = {a.code: a.parent_code for a in agencies if a.parent_code}
    for row in rows.values():
        if row.code in parents:
            parent = rows.get(parents[row.code])
        elif row.kind in COMMUNE_AGENCY_PARENT_KINDS:
            parent = by_kind.get(COMMUNE_AGENCY_PARENT_KINDS[row.kind])
        else:
            continue
        if parent is not None and parent.id != row.parent_id and parent.id != row.id:
            row.parent_id = parent.id
    await db.flush()


# --- reference data -------------------------------------------------------------------------


COMMUNE_AGENCY_KINDS = (
    ("commune_people_committee", "UBND {name}", "People's Committee of {name}", 30),
    ("commune_police", "Công an {name}", "Police of {name}", 31),
)


async def load_administrative_units(db: AsyncSession, province_code: str) -> int:
    """The province and its communes (2025 two-level divisions) from `vietnam-provinces`,
    with a people's committee and a police agency for every commune. Idempotent."""
    from vietnam_provinces import Province, Ward

    province = next(p for p in Province.iter_all() if int(p.code) == int(province_code))
    code = f"{int(province.code):02d}"
    units = [
        AdministrativeUnit(
            code=code,
            name=province.name,
            level="province",
            kind=str(province.division_type.value),
            parent_code=None,
            effective_from=TWO_LEVEL_SINCE,
            effective_to=None,
        )
    ]
    wards = sorted(
        (w for w in Ward.iter_all() if int(w.province_code) == int(province_code)),
        key=lambda w: int(w.code),
    )
    units += [
        AdministrativeUnit(
            code=f"{int(w.code):05d}",
            name=w.name,
            level="commune",
            kind=str(w.division_type.value),
            parent_code=code,
            effective_from=TWO_LEVEL_SINCE,
            effective_to=None,
        )
        for w in wards
    ]
    known = await repository.administrative_unit_codes(db)
    added = 0
    for unit in units:
        if unit.code not in known:
            db.add(unit)
            added += 1
    await db.flush()
    for ordinal, ward in enumerate(wards, 1):
        for kind, name_vi, name_en, suffix in COMMUNE_AGENCY_KINDS:
            await _upsert_agency(
                db,
                FileAgency(
                    # Illustrative codes in the national 000.NN.NN.Hxx shape (unverified).
                    code=f"000.{ordinal:02d}.{suffix}.H19",
                    name_vi=name_vi.format(name=ward.name),
                    name_en=name_en.format(name=ward.name),
                    kind=kind,
                    level="commune",
                    unit_code=f"{int(ward.code):05d}",
                ),
            )
    await link_agency_tree(db)
    return added


async def load_holidays(db: AsyncSession, years: range) -> int:
    """The national calendar from the `holidays` package: public holidays and the weekend
    days worked to make up for bridged holidays. Idempotent; returns rows added or changed."""
    calendar = holidays.country_holidays("VN", years=years, language="vi")
    wanted: dict[dt.date, tuple[str, str]] = {
        day: ("holiday", name) for day, name in calendar.items()
    }
    for day in calendar.weekend_workdays:
        if day.year in years:
            wanted[day] = ("working_day", "Ngày làm việc bù")
    existing = {h.date: h for h in await repository.list_holiday_rows(db, years)}
    changed = 0
    for day, (kind, name) in sorted(wanted.items()):
        row = existing.get(day)
        if row is None:
            db.add(Holiday(date=day, kind=kind, name=name))
            changed += 1
        elif _assign(row, {"kind": kind, "name": name}):
            changed += 1
    await db.flush()
    return changed
