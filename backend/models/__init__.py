"""SQLAlchemy tables, one module per aggregate. Importing this package registers them all."""

from backend.models.base import Base
from backend.models.catalogue import (
    AdministrativeUnit,
    Agency,
    Holiday,
    HolidayOverride,
    Procedure,
    ProcedureVariant,
    Sector,
)

__all__ = [
    "AdministrativeUnit",
    "Agency",
    "Base",
    "Holiday",
    "HolidayOverride",
    "Procedure",
    "ProcedureVariant",
    "Sector",
]
