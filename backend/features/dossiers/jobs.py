"""Dossier housekeeping: open dossiers past their due time are flagged overdue."""

from __future__ import annotations

from backend.core.jobs import Job
from backend.features.dossiers.handling import mark_overdue

JOBS = [Job("mark-overdue-dossiers", "*/5 * * * *", mark_overdue)]
