"""The procedure catalogue: administrative units, agencies, sectors, procedures and their
versioned variants, and the holiday calendar that working-day deadlines count with."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.models.base import Base, JSONValue, UTCDateTime

Level = Literal["province", "commune"]
DayKind = Literal["holiday", "working_day"]


class AdministrativeUnit(Base):
    """A province (2-digit code) or commune (5-digit code) of the 2025 two-level divisions."""

    __tablename__ = "administrative_unit"

    code: Mapped[str] = mapped_column(String(5), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    level: Mapped[Level] = mapped_column(String(16))
    kind: Mapped[str | None] = mapped_column(String(32))  # tỉnh, thành phố, phường, xã, đặc khu
    parent_code: Mapped[str | None] = mapped_column(
        ForeignKey("administrative_unit.code"), index=True
    )
    effective_from: Mapped[dt.date] = mapped_column(Date)
    effective_to: Mapped[dt.date | None] = mapped_column(Date)


class Agency(Base):
    """A government body that receives or processes dossiers (cơ quan)."""

    __tablename__ = "agency"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    name_en: Mapped[str | None] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(64), index=True)
    level: Mapped[Level] = mapped_column(String(16))
    unit_code: Mapped[str | None] = mapped_column(ForeignKey("administrative_unit.code"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"))


class Sector(Base):
    """A field of administration (lĩnh vực), e.g. civil status."""

    __tablename__ = "sector"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    name_en: Mapped[str | None] = mapped_column(String(300))


class Procedure(Base):
    """An administrative procedure (thủ tục hành chính) by its national code."""

    __tablename__ = "procedure"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(500))
    name_en: Mapped[str | None] = mapped_column(String(500))
    sector_id: Mapped[int] = mapped_column(ForeignKey("sector.id"), index=True)
    agency_level: Mapped[Level] = mapped_column(String(16))
    agency_kind: Mapped[str] = mapped_column(String(64))
    agency_name: Mapped[str] = mapped_column(String(300))
    agency_name_en: Mapped[str | None] = mapped_column(String(300))
    online_level: Mapped[Literal["full", "partial"]] = mapped_column(String(16))
    confidence: Mapped[Literal["seen", "unverified"]] = mapped_column(String(16))
    # Folded (lower case, no diacritics) copies for search: name first, then everything else.
    name_folded: Mapped[str] = mapped_column(String(500))
    search_folded: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)

    sector: Mapped[Sector] = relationship(lazy="raise")
    variants: Mapped[list[ProcedureVariant]] = relationship(
        back_populates="procedure", lazy="raise", order_by="ProcedureVariant.key"
    )


class ProcedureVariant(Base):
    """A case of a procedure (trường hợp), versioned: a changed fee or form is a new version,
    the old one kept with its `effective_to` so dossiers filed under it stay explainable."""

    __tablename__ = "procedure_variant"
    __table_args__ = (UniqueConstraint("procedure_id", "key", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    procedure_id: Mapped[int] = mapped_column(ForeignKey("procedure.id"), index=True)
    key: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(500))
    name_en: Mapped[str | None] = mapped_column(String(500))
    processing_value: Mapped[int] = mapped_column(Integer)
    processing_unit: Mapped[Literal["working_days", "working_hours", "calendar_days"]] = (
        mapped_column(String(16))
    )
    processing_note: Mapped[str | None] = mapped_column(String(500))
    processing_note_en: Mapped[str | None] = mapped_column(String(500))
    fees: Mapped[list[dict[str, Any]]] = mapped_column(JSONValue)
    documents: Mapped[list[dict[str, Any]]] = mapped_column(JSONValue)
    form: Mapped[dict[str, Any]] = mapped_column(JSONValue)
    # The route a dossier takes: {"steps": [...], "commune_field": ...} (FileWorkflow).
    workflow: Mapped[dict[str, Any]] = mapped_column(JSONValue, default=dict)
    content_hash: Mapped[str] = mapped_column(String(64))
    effective_from: Mapped[dt.date] = mapped_column(Date)
    effective_to: Mapped[dt.date | None] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)

    procedure: Mapped[Procedure] = relationship(back_populates="variants", lazy="raise")


class Holiday(Base):
    """A day of the national calendar (from the `holidays` package): a public holiday, or a
    weekend day that is worked to make up for a bridged holiday (a swap day)."""

    __tablename__ = "holiday"

    date: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    kind: Mapped[DayKind] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(200))


class HolidayOverride(Base):
    """The province's own decision about a day, which wins over the national calendar."""

    __tablename__ = "holiday_override"

    date: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    kind: Mapped[DayKind] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(String(500))
