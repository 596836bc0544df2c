"""The dossier state machine (DESIGN.md §3): the national portal's ten statuses and the actions
that move a dossier between them, each with the roles allowed to take it. Pure: no I/O.

Nothing else sets a dossier's status: a use case asks `transition` for the next status and
records it with the event that explains it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

from backend.core.errors import InvalidTransition

Status = Literal[
    "submitted",
    "received",
    "refused",
    "processing",
    "supplement_requested",
    "awaiting_payment",
    "withdrawn",
    "stopped",
    "result_ready",
    "returned",
]

STATUS_CODES: Final[dict[Status, int]] = {
    "submitted": 1,
    "received": 2,
    "refused": 3,
    "processing": 4,
    "supplement_requested": 5,
    "awaiting_payment": 6,
    "withdrawn": 7,
    "stopped": 8,
    "result_ready": 9,
    "returned": 10,
}
"""The national portal's code of each status (Dịch vụ công quốc gia)."""

TERMINAL: Final[frozenset[Status]] = frozenset({"refused", "withdrawn", "stopped", "returned"})

Action = Literal[
    "submit",
    "intake",
    "receive",
    "refuse",
    "withdraw",
    "forward",
    "request_supplement",
    "supplement",
    "request_payment",
    "pay",
    "approve",
    "stop",
    "return_result",
]

# Who acts: a citizen on their own dossier, or staff in one of their roles.
Actor = Literal["citizen", "desk", "handler", "approver", "field", "postal"]


@dataclass(frozen=True)
class Move:
    to: Status
    actors: frozenset[Actor]


def _move(to: Status, *actors: Actor) -> Move:
    return Move(to, frozenset(actors))


# (status before, action) -> the status after and who may act. None: the dossier is new.
TRANSITIONS: Final[dict[tuple[Status | None, Action], Move]] = {
    (None, "submit"): _move("submitted", "citizen"),
    (None, "intake"): _move("received", "desk"),  # a walk-in application, received at once
    ("submitted", "receive"): _move("received", "desk"),
    ("submitted", "refuse"): _move("refused", "desk"),
    ("submitted", "withdraw"): _move("withdrawn", "citizen"),
    ("submitted", "request_supplement"): _move("supplement_requested", "desk"),
    ("received", "forward"): _move("processing", "desk", "handler", "field"),
    ("received", "request_supplement"): _move("supplement_requested", "desk", "handler"),
    ("received", "request_payment"): _move("awaiting_payment", "desk", "handler"),
    ("received", "approve"): _move("result_ready", "approver"),
    ("received", "stop"): _move("stopped", "approver"),
    ("processing", "forward"): _move("processing", "handler", "approver", "field"),
    ("processing", "request_supplement"): _move("supplement_requested", "desk", "handler"),
    ("processing", "request_payment"): _move("awaiting_payment", "handler"),
    ("processing", "approve"): _move("result_ready", "approver"),
    ("processing", "stop"): _move("stopped", "approver"),
    ("supplement_requested", "supplement"): _move("processing", "citizen", "desk"),
    ("awaiting_payment", "pay"): _move("processing", "citizen", "desk"),
    ("result_ready", "return_result"): _move("returned", "desk", "postal"),
}


class TransitionForbidden(InvalidTransition):
    """The action is not possible from the dossier's status, or not for this actor (409)."""


# A supplement answered returns the dossier to where it was when the supplement was asked.
RESUMABLE: Final[frozenset[Status]] = frozenset({"submitted", "received", "processing"})


def transition(
    status: Status | None, action: Action, actor: Actor, *, resumes: Status | None = None
) -> Status:
    """The status after `actor` takes `action` on a dossier in `status`; refused otherwise.

    `supplement` (the citizen's answer to a supplement request) resumes the status the
    dossier had when it was asked (`resumes`; processing when not known).
    """
    move = TRANSITIONS.get((status, action))
    if move is None or actor not in move.actors:
        raise TransitionForbidden(status=status or "new", action=action, actor=actor)
    if action == "supplement" and resumes in RESUMABLE:
        return resumes
    return move.to


def allowed_actions(status: Status | None, actor: Actor) -> list[Action]:
    """What `actor` may do to a dossier in `status` (for showing the right buttons)."""
    return [
        action
        for (before, action), move in TRANSITIONS.items()
        if before == status and actor in move.actors
    ]
