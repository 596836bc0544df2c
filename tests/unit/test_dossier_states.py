"""The dossier state machine: every (status, action, actor) combination, against the table
below, written from DESIGN.md §3 (who moves a dossier where) rather than from the code."""

from __future__ import annotations

import itertools
from typing import get_args

import pytest

from backend.features.dossiers.states import (
    STATUS_CODES,
    TERMINAL,
    Action,
    Actor,
    Status,
    TransitionForbidden,
    allowed_actions,
    transition,
)

# (before, action, actor) -> after, for every allowed move; every other combination is refused.
ALLOWED: dict[tuple[Status | None, Action, Actor], Status] = {
    (None, "submit", "citizen"): "submitted",
    (None, "intake", "desk"): "received",
    ("submitted", "receive", "desk"): "received",
    ("submitted", "refuse", "desk"): "refused",
    ("submitted", "withdraw", "citizen"): "withdrawn",
    ("submitted", "request_supplement", "desk"): "supplement_requested",
    ("received", "forward", "desk"): "processing",
    ("received", "forward", "handler"): "processing",
    ("received", "forward", "field"): "processing",
    ("received", "approve", "approver"): "result_ready",
    ("received", "stop", "approver"): "stopped",
    ("received", "request_supplement", "desk"): "supplement_requested",
    ("received", "request_supplement", "handler"): "supplement_requested",
    ("received", "request_payment", "desk"): "awaiting_payment",
    ("received", "request_payment", "handler"): "awaiting_payment",
    ("processing", "forward", "handler"): "processing",
    ("processing", "forward", "approver"): "processing",
    ("processing", "forward", "field"): "processing",
    ("processing", "request_supplement", "desk"): "supplement_requested",
    ("processing", "request_supplement", "handler"): "supplement_requested",
    ("processing", "request_payment", "handler"): "awaiting_payment",
    ("processing", "approve", "approver"): "result_ready",
    ("processing", "stop", "approver"): "stopped",
    ("supplement_requested", "supplement", "citizen"): "processing",
    ("supplement_requested", "supplement", "desk"): "processing",
    ("awaiting_payment", "pay", "citizen"): "processing",
    ("awaiting_payment", "pay", "desk"): "processing",
    ("result_ready", "return_result", "desk"): "returned",
    ("result_ready", "return_result", "postal"): "returned",
}

STATUSES: list[Status | None] = [None, *get_args(Status)]
COMBINATIONS = list(itertools.product(STATUSES, get_args(Action), get_args(Actor)))


@pytest.mark.parametrize(("before", "action", "actor"), COMBINATIONS)
def test_every_combination(before: Status | None, action: Action, actor: Actor) -> None:
    expected = ALLOWED.get((before, action, actor))
    if expected is None:
        with pytest.raises(TransitionForbidden) as refused:
            transition(before, action, actor)
        assert refused.value.params == {"status": before or "new", "action": action, "actor": actor}
    else:
        assert transition(before, action, actor) == expected


def test_the_national_codes() -> None:
    assert list(STATUS_CODES.values()) == list(range(1, 11))
    assert STATUS_CODES["withdrawn"] == 7


@pytest.mark.parametrize("status", sorted(TERMINAL))
def test_nothing_leaves_a_terminal_status(status: Status) -> None:
    assert all(allowed_actions(status, actor) == [] for actor in get_args(Actor))


def test_a_citizen_may_withdraw_only_before_reception() -> None:
    assert allowed_actions("submitted", "citizen") == ["withdraw"]
    assert "withdraw" not in allowed_actions("received", "citizen")


@pytest.mark.parametrize("before", ["submitted", "received", "processing"])
def test_a_supplement_resumes_the_status_it_interrupted(before: Status) -> None:
    paused = transition(before, "request_supplement", "desk")
    assert paused == "supplement_requested"
    assert transition(paused, "supplement", "citizen", resumes=before) == before
    assert transition(paused, "supplement", "citizen", resumes="returned") == "processing"
