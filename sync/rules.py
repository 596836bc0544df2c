"""Pure rules of the sync protocol: mutation ordering, acknowledgement, retry delay, draft merge.

No I/O and no clock: the server and the clients call these with what they know.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Literal, Protocol

import msgspec
from msgspec import UNSET

from sync.messages import FieldConflict

MutationOrder = Literal["duplicate", "next", "gap"]


class RandomSource(Protocol):
    """Anything with ``random() -> float`` in [0, 1), such as ``random.Random``."""

    def random(self) -> float:
        """A float drawn uniformly from [0, 1)."""
        ...


def next_expected(last_applied: int) -> int:
    """The mutation id the server accepts next from a client whose last applied is given."""
    if last_applied < 0:
        raise ValueError("last_applied is 0 or more")
    return last_applied + 1


def classify(mutation_id: int, last_applied: int) -> MutationOrder:
    """Place a pushed mutation against the client's last applied mutation id.

    ``duplicate``: already applied, answer with the stored result. ``next``: apply it.
    ``gap``: a mutation in between is missing; refuse this one and the rest of the batch.
    """
    if mutation_id < 1:
        raise ValueError("mutation ids start at 1")
    expected = next_expected(last_applied)
    if mutation_id < expected:
        return "duplicate"
    if mutation_id == expected:
        return "next"
    return "gap"


def acked(outbox_ids: Iterable[int], last_mutation_id: int) -> list[int]:
    """The outbox items a pull acknowledges (id <= ``last_mutation_id``), in the given order.

    Only these leave the outbox; a push response alone never removes an item.
    """
    return [mutation_id for mutation_id in outbox_ids if mutation_id <= last_mutation_id]


def backoff(attempt: int, *, base: float = 1.0, cap: float = 300.0, rng: RandomSource) -> float:
    """Seconds to wait before retry number ``attempt`` (0 for the first): exponential with
    full jitter, drawn uniformly from [0, min(cap, base * 2**attempt)).

    Full jitter spreads the clients that failed together (a server restart, a network coming
    back) over the whole window instead of sending them back in step.
    """
    if attempt < 0 or base <= 0 or cap < 0:
        raise ValueError("attempt >= 0, base > 0 and cap >= 0")
    try:
        ceiling = min(cap, base * 2.0**attempt)
    except OverflowError:
        ceiling = cap
    return rng.random() * ceiling


_MISSING: Any = object()
_canonical = msgspec.json.Encoder(order="deterministic")


def _same(left: Any, right: Any) -> bool:
    # Compare as JSON, so 1, 1.0 and true differ and key order in nested objects does not.
    if left is _MISSING or right is _MISSING:
        return left is right
    return _canonical.encode(left) == _canonical.encode(right)


def merge_fields(
    base: Mapping[str, Any], server: Mapping[str, Any], client: Mapping[str, Any]
) -> tuple[dict[str, Any], list[FieldConflict]]:
    """Three-way merge of a draft's fields; the server's value wins where both sides differ.

    ``base`` holds the fields at the version the client edited, ``server`` the fields now,
    ``client`` the client's snapshot. An absent key is a deleted (or never set) field, and values
    are compared as JSON. For each field:

    - changed by the client only: the client's value (or deletion);
    - changed by the server only, or by neither: the server's value;
    - changed by both to the same value: that value;
    - changed by both to different values: the server's value, and a `FieldConflict` note.

    Returns the merged fields (server order, then fields new from the client) and the
    conflicts sorted by field name.
    """
    merged: dict[str, Any] = {}
    conflicts: list[FieldConflict] = []
    for field in dict.fromkeys([*server, *client, *base]):
        was = base.get(field, _MISSING)
        ours = server.get(field, _MISSING)
        theirs = client.get(field, _MISSING)
        value = ours
        if not _same(theirs, was):
            if _same(ours, was):
                value = theirs
            elif not _same(ours, theirs):
                conflicts.append(
                    FieldConflict(
                        field=field,
                        client_value=UNSET if theirs is _MISSING else theirs,
                        server_value=UNSET if ours is _MISSING else ours,
                    )
                )
        if value is not _MISSING:
            merged[field] = value
    conflicts.sort(key=lambda conflict: conflict.field)
    return merged, conflicts
