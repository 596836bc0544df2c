"""Use cases raise domain errors and know nothing of sync; the sync registry maps each to the
reason and detail a rejected mutation records (the reasons the phone already explains)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from backend.core.errors import (
    Conflict,
    DomainError,
    FieldProblem,
    Forbidden,
    InvalidTransition,
    NotFound,
    Refused,
    ValidationFailed,
)
from backend.features.sync.registry import rejection

FEATURES = Path(__file__).resolve().parents[2] / "backend" / "features"


@pytest.mark.parametrize(
    ("error", "reason", "detail"),
    [
        (NotFound(), "not_found", None),
        (
            NotFound(reason="unknown_procedure", procedureCode="9.99"),
            "unknown_procedure",
            {"procedureCode": "9.99"},
        ),
        (Forbidden(reason="citizens_only"), "citizens_only", None),
        (Conflict(reason="already_exists"), "already_exists", None),
        (Refused(reason="too_large", limit=64000), "too_large", {"limit": 64000}),
        (
            InvalidTransition(reason="not_withdrawable", status="received"),
            "not_withdrawable",
            {"status": "received"},
        ),
        (
            ValidationFailed([FieldProblem("childName", "required")]),
            "invalid_form",
            {"errors": [{"field": "childName", "code": "required"}]},
        ),
        (Conflict(), "conflict", None),
    ],
)
def test_each_domain_error_is_the_rejection_the_phone_explains(
    error: DomainError, reason: str, detail: dict[str, object] | None
) -> None:
    assert rejection(error) == (reason, detail)


def test_use_cases_do_not_import_the_sync_service_or_registry() -> None:
    importing = []
    for path in sorted(FEATURES.rglob("*.py")):
        if path.is_relative_to(FEATURES / "sync"):
            continue
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module in (
                "backend.features.sync.registry",
                "backend.features.sync.service",
            ):
                importing.append(str(path.relative_to(FEATURES)))
            if isinstance(node, ast.ImportFrom) and node.module == "backend.features.sync":
                names = {alias.name for alias in node.names}
                if names & {"registry", "service"}:
                    importing.append(str(path.relative_to(FEATURES)))
    assert importing == []
