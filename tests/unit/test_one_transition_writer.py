"""Nothing but the transition writer sets a dossier's status or writes its events
(features/dossiers/transitions.py): every use case goes through `change_status`, which asks the
state machine, appends the event, bumps the version and logs the change for sync."""

from __future__ import annotations

import ast
from pathlib import Path

BACKEND = Path(__file__).resolve().parents[2] / "backend"
WRITER = BACKEND / "features" / "dossiers" / "transitions.py"


def _sources() -> list[tuple[Path, ast.Module]]:
    return [
        (path, ast.parse(path.read_text("utf-8"), str(path)))
        for path in sorted(BACKEND.rglob("*.py"))
        if "migrations" not in path.parts
    ]


def status_assignments() -> list[str]:
    """Every `<something>.status = ...` whose target names a dossier, outside the writer."""
    found = []
    for path, tree in _sources():
        if path == WRITER:
            continue
        for node in ast.walk(tree):
            targets = node.targets if isinstance(node, ast.Assign) else []
            if isinstance(node, ast.AugAssign | ast.AnnAssign):
                targets = [node.target]
            for target in targets:
                if (
                    isinstance(target, ast.Attribute)
                    and target.attr == "status"
                    and "dossier" in ast.unparse(target.value).lower()
                ):
                    found.append(f"{path.relative_to(BACKEND)}:{node.lineno}")
    return found


def event_constructions() -> list[str]:
    """Every `DossierEvent(...)` outside the writer."""
    return [
        f"{path.relative_to(BACKEND)}:{node.lineno}"
        for path, tree in _sources()
        if path != WRITER
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and ast.unparse(node.func).endswith("DossierEvent")
    ]


def test_only_the_writer_sets_a_dossiers_status() -> None:
    assert status_assignments() == []


def test_only_the_writer_records_dossier_events() -> None:
    assert event_constructions() == []


def test_the_checks_see_what_they_look_for() -> None:
    """The checks find the writer's own assignments, so an empty answer means something."""
    tree = ast.parse(WRITER.read_text("utf-8"))
    assigned = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign)
        and any(isinstance(t, ast.Attribute) and t.attr == "status" for t in node.targets)
    ]
    built = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and ast.unparse(node.func).endswith("DossierEvent")
    ]
    assert assigned
    assert built
