"""Wire shapes of the public dossier lookup (camelCase on the wire).

Only what the receipt's holder may learn about the dossier's progress: no names, phone, CCCD,
addresses, form fields, documents, accounts or notes (staff notes can hold personal data).
"""

from __future__ import annotations

import msgspec


class Camel(msgspec.Struct, rename="camel", omit_defaults=True):
    pass


class Name(Camel):
    """A name in Vietnamese, and in English where the catalogue has one."""

    vi: str
    en: str | None = None


class ProgressEntry(Camel):
    """One action on the dossier: what was done, the status it left, when, at which step and
    agency, and, for a timed step, whether it finished early, on time or late."""

    action: str
    status: str
    at: str
    step: Name | None = None
    agency: Name | None = None
    outcome: str | None = None


class CurrentStep(Camel):
    """Where the dossier is now, and by when that step is due."""

    name: Name
    agency: Name | None = None
    due_at: str | None = None


class DossierProgress(Camel):
    """A received dossier's progress, as the public lookup shows it."""

    code: str
    procedure_code: str
    procedure_name: Name
    status: str
    status_code: int
    received_at: str
    is_overdue: bool
    timeline: list[ProgressEntry]
    due_at: str | None = None
    finished_at: str | None = None
    current_step: CurrentStep | None = None
