"""Rows to wire shapes. Tables are not API shapes: this is the one place they meet."""

from __future__ import annotations

from collections.abc import Sequence

import msgspec

from backend.features.catalogue import schemas
from backend.features.catalogue.forms import FormSchema
from backend.models import AdministrativeUnit, Agency, Procedure, ProcedureVariant, Sector


def sector_out(sector: Sector, procedure_count: int = 0) -> schemas.Sector:
    return schemas.Sector(
        code=sector.code,
        name=sector.name,
        name_en=sector.name_en,
        procedure_count=procedure_count,
    )


def variant_out(variant: ProcedureVariant) -> schemas.Variant:
    return schemas.Variant(
        key=variant.key,
        version=variant.version,
        name=variant.name,
        name_en=variant.name_en,
        processing_time=schemas.ProcessingTime(
            value=variant.processing_value,
            unit=variant.processing_unit,
            note=variant.processing_note,
            note_en=variant.processing_note_en,
        ),
        fees=[
            schemas.Fee(
                name=f["name_vi"],
                name_en=f.get("name_en"),
                amount_vnd=f["amount_vnd"],
                per=f.get("per"),
                rule=f.get("rule"),
            )
            for f in variant.fees
        ],
        documents=[
            schemas.RequiredDocument(
                key=d["key"],
                name=d["name_vi"],
                name_en=d.get("name_en"),
                required=d.get("required", True),
                photo_allowed=d.get("photo_allowed", True),
                originals=d.get("originals", 0),
                copies=d.get("copies", 1),
            )
            for d in variant.documents
        ],
        form=msgspec.convert(variant.form, FormSchema),
        effective_from=variant.effective_from.isoformat(),
        effective_to=variant.effective_to.isoformat() if variant.effective_to else None,
    )


def agency_ref(agency: Agency) -> schemas.AgencyRef:
    return schemas.AgencyRef(
        code=agency.code,
        name=agency.name,
        name_en=agency.name_en,
        level=agency.level,
    )


def procedure_out(
    procedure: Procedure, *, with_variants: bool, agencies: Sequence[Agency] | None = None
) -> schemas.Procedure:
    """A procedure as the API shows it; only current variants (no `effectiveTo`) are listed."""
    current = [v for v in procedure.variants if v.effective_to is None]
    default = variant_out(current[0])
    return schemas.Procedure(
        code=procedure.code,
        name=procedure.name,
        name_en=procedure.name_en,
        sector=sector_out(procedure.sector),
        agency_level=procedure.agency_level,
        online_level=procedure.online_level,
        processing_time=default.processing_time,
        is_free=all(fee.amount_vnd == 0 for fee in default.fees),
        agency_name=procedure.agency_name,
        agency_name_en=procedure.agency_name_en,
        confidence=procedure.confidence,
        variants=[variant_out(v) for v in current] if with_variants else None,
        agencies=[agency_ref(a) for a in agencies] if agencies is not None else None,
    )


def agency_out(agency: Agency) -> schemas.Agency:
    return schemas.Agency(
        code=agency.code,
        name=agency.name,
        name_en=agency.name_en,
        kind=agency.kind,
        level=agency.level,
        unit_code=agency.unit_code,
    )


def administrative_unit_out(unit: AdministrativeUnit) -> schemas.AdministrativeUnit:
    return schemas.AdministrativeUnit(
        code=unit.code,
        name=unit.name,
        level=unit.level,
        parent_code=unit.parent_code,
        kind=unit.kind,
    )
