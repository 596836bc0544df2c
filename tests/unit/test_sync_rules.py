"""Pure sync rules: mutation order, acknowledgement, retry backoff and the draft merge."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sync.messages import FieldConflict
from sync.rules import acked, backoff, classify, merge_fields, next_expected

# --- mutation order -----------------------------------------------------------------------------


def test_next_expected() -> None:
    assert next_expected(0) == 1
    assert next_expected(41) == 42
    with pytest.raises(ValueError):
        next_expected(-1)


@pytest.mark.parametrize(
    ("mutation_id", "last_applied", "order"),
    [(1, 0, "next"), (2, 0, "gap"), (1, 1, "duplicate"), (5, 7, "duplicate"), (8, 7, "next")],
)
def test_classify_examples(mutation_id: int, last_applied: int, order: str) -> None:
    assert classify(mutation_id, last_applied) == order


@given(st.integers(min_value=1), st.integers(min_value=0))
def test_classify_partitions_the_ids(mutation_id: int, last_applied: int) -> None:
    order = classify(mutation_id, last_applied)
    assert (order == "duplicate") == (mutation_id <= last_applied)
    assert (order == "next") == (mutation_id == next_expected(last_applied))
    assert (order == "gap") == (mutation_id > last_applied + 1)


def test_classify_refuses_impossible_ids() -> None:
    with pytest.raises(ValueError):
        classify(0, 0)
    with pytest.raises(ValueError):
        classify(1, -1)


@given(st.lists(st.integers(min_value=1, max_value=50), unique=True), st.integers(0, 60))
def test_acked_is_exactly_the_covered_items_in_order(outbox: list[int], last: int) -> None:
    covered = acked(outbox, last)
    assert covered == [mutation_id for mutation_id in outbox if mutation_id <= last]
    assert all(mutation_id > last for mutation_id in set(outbox) - set(covered))


def test_acked_examples() -> None:
    assert acked([3, 4, 5, 6], 4) == [3, 4]
    assert acked([3, 4], 0) == []
    assert acked([], 10) == []


# --- backoff --------------------------------------------------------------------------------------


class FixedRandom:
    def __init__(self, value: float) -> None:
        self.value = value

    def random(self) -> float:
        return self.value


UNIT = st.floats(min_value=0.0, max_value=1.0, exclude_max=True)


@given(
    attempt=st.integers(min_value=0, max_value=5000),
    base=st.floats(min_value=1e-3, max_value=1e3),
    cap=st.floats(min_value=0.0, max_value=1e6),
    draw=UNIT,
)
def test_backoff_stays_within_the_jitter_window(
    attempt: int, base: float, cap: float, draw: float
) -> None:
    delay = backoff(attempt, base=base, cap=cap, rng=FixedRandom(draw))
    ceiling = min(Fraction(cap), Fraction(base) * 2**attempt)  # exact, no float overflow
    assert 0 <= delay <= ceiling


@given(attempt=st.integers(min_value=0, max_value=100), draw=UNIT)
def test_backoff_grows_with_each_attempt_until_the_cap(attempt: int, draw: float) -> None:
    rng = FixedRandom(draw)
    assert backoff(attempt, rng=rng) <= backoff(attempt + 1, rng=rng)


def test_backoff_is_full_jitter_over_the_window() -> None:
    assert backoff(0, rng=FixedRandom(0.0)) == 0.0
    assert backoff(0, rng=FixedRandom(0.5)) == 0.5
    assert backoff(3, rng=FixedRandom(0.5)) == 4.0
    assert backoff(3, base=2.0, rng=FixedRandom(0.5)) == 8.0
    assert backoff(20, rng=FixedRandom(0.5)) == 150.0  # the cap, 300 s, halved
    assert backoff(10**6, rng=FixedRandom(0.5)) == 150.0  # no overflow


def test_backoff_refuses_nonsense() -> None:
    rng = FixedRandom(0.5)
    for bad in ({"attempt": -1}, {"attempt": 0, "base": 0.0}, {"attempt": 0, "cap": -1.0}):
        with pytest.raises(ValueError):
            backoff(rng=rng, **bad)


# --- merge ----------------------------------------------------------------------------------------

MISSING: Any = object()
KEYS = ["name", "phone", "address", "copies", "note", "photos"]
VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-2, max_value=2),
    st.sampled_from([1.0, 0.5]),
    st.sampled_from(["", "a", "b"]),
    st.lists(st.integers(min_value=0, max_value=2), max_size=2),
    st.dictionaries(st.sampled_from(["x", "y"]), st.integers(min_value=0, max_value=1), max_size=2),
)
SLOT = st.one_of(st.just(MISSING), VALUES)  # MISSING: the field is absent


@st.composite
def three_versions(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """A base and two edits of it; each field of an edit is either kept or redrawn."""
    base = {key: draw(SLOT) for key in KEYS}

    def edit() -> dict[str, Any]:
        return {key: base[key] if draw(st.booleans()) else draw(SLOT) for key in KEYS}

    server, client = edit(), edit()
    return tuple(  # type: ignore[return-value]
        {k: v for k, v in version.items() if v is not MISSING} for version in (base, server, client)
    )


def same(left: Any, right: Any) -> bool:
    if left is MISSING or right is MISSING:
        return left is right
    return msgspec.json.encode(left, order="sorted") == msgspec.json.encode(right, order="sorted")


def same_fields(left: dict[str, Any], right: dict[str, Any]) -> bool:
    return set(left) == set(right) and all(same(left[key], right[key]) for key in left)


@given(three_versions())
def test_merge_follows_the_field_rules(
    versions: tuple[dict[str, Any], dict[str, Any], dict[str, Any]],
) -> None:
    base, server, client = versions
    merged, conflicts = merge_fields(base, server, client)
    noted = {conflict.field: conflict for conflict in conflicts}
    for key in set(base) | set(server) | set(client):
        was, ours, theirs = (v.get(key, MISSING) for v in (base, server, client))
        now = merged.get(key, MISSING)
        if same(theirs, was):  # the client left it alone: the server's value
            assert same(now, ours), key
        elif same(ours, was):  # only the client changed it: the client's value (or deletion)
            assert same(now, theirs), key
        else:  # both changed it: the server's value, noted when the two differ
            assert same(now, ours), key
        if key in noted:
            assert not same(theirs, was)
            assert not same(ours, was)
            assert not same(ours, theirs)
            note = noted[key]
            assert same(ours, MISSING if note.server_value is msgspec.UNSET else note.server_value)
            assert same(
                theirs, MISSING if note.client_value is msgspec.UNSET else note.client_value
            )
        else:
            assert same(theirs, was) or same(ours, was) or same(ours, theirs), key


@given(three_versions())
def test_every_conflict_is_reported_once_in_field_order(
    versions: tuple[dict[str, Any], dict[str, Any], dict[str, Any]],
) -> None:
    base, server, client = versions
    _, conflicts = merge_fields(base, server, client)
    fields = [conflict.field for conflict in conflicts]
    assert fields == sorted(set(fields))
    expected = {
        key
        for key in set(base) | set(server) | set(client)
        if not same(client.get(key, MISSING), base.get(key, MISSING))
        and not same(server.get(key, MISSING), base.get(key, MISSING))
        and not same(client.get(key, MISSING), server.get(key, MISSING))
    }
    assert set(fields) == expected


@given(three_versions())
def test_merge_loses_no_field(
    versions: tuple[dict[str, Any], dict[str, Any], dict[str, Any]],
) -> None:
    base, server, client = versions
    merged, _ = merge_fields(base, server, client)
    assert set(merged) <= set(server) | set(client)
    for key in merged:  # every value is one side's
        assert same(merged[key], server.get(key, MISSING)) or same(
            merged[key], client.get(key, MISSING)
        )
    for key in (set(server) | set(client)) - set(merged):  # gone only by a winning deletion
        client_deleted = key not in client and same(
            server.get(key, MISSING), base.get(key, MISSING)
        )
        server_deleted = key not in server and key in base
        assert client_deleted or server_deleted, key


@given(three_versions())
def test_merge_is_idempotent(
    versions: tuple[dict[str, Any], dict[str, Any], dict[str, Any]],
) -> None:
    base, server, client = versions
    merged, _ = merge_fields(base, server, client)
    again, conflicts = merge_fields(base, server, merged)  # a retry of the merged snapshot
    assert same_fields(again, merged)
    assert conflicts == []
    settled, conflicts = merge_fields(merged, merged, merged)  # the next save from the result
    assert same_fields(settled, merged)
    assert conflicts == []


@given(three_versions())
def test_one_sided_edits_merge_without_conflict(
    versions: tuple[dict[str, Any], dict[str, Any], dict[str, Any]],
) -> None:
    base, server, client = versions
    for (ours, theirs), expected in [
        ((base, client), client),  # the server did not move: the client's snapshot
        ((server, base), server),  # the client did not edit: the server's fields
        ((server, server), server),  # both made the same edits
    ]:
        merged, conflicts = merge_fields(base, ours, theirs)
        assert same_fields(merged, expected)
        assert conflicts == []


def test_merge_example() -> None:
    base = {"name": "Lan", "phone": "0901", "note": "call first", "copies": 1}
    server = {"name": "Lan", "phone": "0902", "note": "call first", "copies": 1, "stamp": "x"}
    client = {"name": "Nguyễn Thị Lan", "phone": "0903", "copies": 2}
    merged, conflicts = merge_fields(base, server, client)
    assert merged == {"name": "Nguyễn Thị Lan", "phone": "0902", "copies": 2, "stamp": "x"}
    assert conflicts == [FieldConflict(field="phone", client_value="0903", server_value="0902")]


def test_merge_reports_a_deletion_against_an_edit() -> None:
    merged, conflicts = merge_fields({"note": "a"}, {"note": "b"}, {})
    assert merged == {"note": "b"}
    assert conflicts == [FieldConflict(field="note", server_value="b")]
    merged, conflicts = merge_fields({"note": "a"}, {}, {"note": "c"})
    assert merged == {}
    assert conflicts == [FieldConflict(field="note", client_value="c")]


def test_merge_compares_values_as_json() -> None:
    # 1, 1.0 and true are equal in Python but different answers on a form.
    merged, conflicts = merge_fields({"agree": 1}, {"agree": 1}, {"agree": True})
    assert merged["agree"] is True
    assert conflicts == []
    merged, _ = merge_fields({"n": 1}, {"n": 1}, {"n": 1.0})
    assert isinstance(merged["n"], float)
    # Key order inside an object is not a change.
    merged, conflicts = merge_fields(
        {"addr": {"a": 1, "b": 2}}, {"addr": {"b": 2, "a": 1}}, {"addr": {"a": 1, "b": 3}}
    )
    assert merged == {"addr": {"a": 1, "b": 3}}
    assert conflicts == []


def test_merge_puts_server_fields_first_then_new_client_fields() -> None:
    merged, _ = merge_fields({}, {"b": 1, "a": 2}, {"c": 3, "a": 2})
    assert list(merged) == ["b", "a", "c"]


def test_merge_with_a_client_that_changed_nothing_returns_the_server() -> None:
    server = {"x": [1, 2], "y": None}
    assert merge_fields({"x": [1]}, server, {"x": [1]}) == (server, [])
