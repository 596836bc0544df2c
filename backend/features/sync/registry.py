"""Named mutations as the sync service sees them: the use cases features declare
(backend/core/mutations.py), and the one mapping from the domain errors they raise to a
rejected mutation's reason and detail, which the phone shows and keeps.

The reason is the error's own `reason` when it gives one (`Conflict(reason="already_exists")`),
else the kind of error's (`NotFound` -> `not_found`, `ValidationFailed` -> `invalid_form` with
its field problems in `detail.errors`), else its problem type.
"""

from __future__ import annotations

from typing import Any, Final

import msgspec

from backend.core.errors import DomainError, NotFound, ValidationFailed
from backend.core.mutations import HANDLERS, Catalogue, Handler, MutationContext, mutation

__all__ = ["HANDLERS", "Catalogue", "Handler", "MutationContext", "mutation", "rejection"]

REASON_OF_ERROR: Final[dict[type[DomainError], str]] = {
    ValidationFailed: "invalid_form",
    NotFound: "not_found",
}


def rejection(error: DomainError) -> tuple[str, dict[str, Any] | None]:
    """The reason and detail a rejected mutation records for `error` (see the module doc)."""
    detail = dict(error.params)
    reason = detail.pop("reason", None)
    if not isinstance(reason, str):
        reason = next(
            (r for cls, r in REASON_OF_ERROR.items() if isinstance(error, cls)), error.problem_type
        )
    if isinstance(error, ValidationFailed):
        detail["errors"] = [msgspec.to_builtins(problem) for problem in error.errors]
    return reason, detail or None
