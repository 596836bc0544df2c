"""SQLAlchemy tables, one module per aggregate. Importing this package registers them all."""

from backend.models.attachments import Attachment, UploadSession
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
from backend.models.dossiers import (
    Dossier,
    DossierCodeCounter,
    DossierEvent,
    DossierResult,
    Notification,
)
from backend.models.drafts import Draft, DraftRevision
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
from backend.models.sync import (
    ChangeLogEntry,
    SyncClient,
    SyncCounter,
    SyncEpoch,
    SyncMutation,
)

__all__ = [
    "Account",
    "AdministrativeUnit",
    "Agency",
    "Attachment",
    "AuditEvent",
    "Base",
    "ChangeLogEntry",
    "Dossier",
    "DossierCodeCounter",
    "DossierEvent",
    "DossierResult",
    "Draft",
    "DraftRevision",
    "EnrollmentToken",
    "Holiday",
    "HolidayOverride",
    "Notification",
    "Passkey",
    "Procedure",
    "ProcedureVariant",
    "RecoveryCode",
    "RoleAssignment",
    "Sector",
    "Session",
    "SyncClient",
    "SyncCounter",
    "SyncEpoch",
    "SyncMutation",
    "UploadSession",
    "WebAuthnCeremony",
]
