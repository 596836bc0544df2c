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
from backend.models.identity import (
    Account,
    AuditEvent,
    EnrollmentToken,
    Passkey,
    RecoveryCode,
    RoleAssignment,
    Session,
    WebAuthnCeremony,
)

__all__ = [
    "Account",
    "AdministrativeUnit",
    "Agency",
    "AuditEvent",
    "Base",
    "EnrollmentToken",
    "Holiday",
    "HolidayOverride",
    "Passkey",
    "Procedure",
    "ProcedureVariant",
    "RecoveryCode",
    "RoleAssignment",
    "Sector",
    "Session",
    "WebAuthnCeremony",
]
