"""The signed pull cursor: round trip, tampering, keys, scope hashes and every reset reason."""

from __future__ import annotations

import base64
import hashlib
import hmac
import random
import re

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sync.cursor import (
    MAX_TOKEN_CHARS,
    BadCursor,
    Cursor,
    check_cursor,
    decode_cursor,
    encode_cursor,
    scope_hash,
)

KEY = b"k" * 32
OTHER_KEY = b"K" * 32
SCOPE = scope_hash(["account:0190f5c2-7a3b-7c4d-8e5f-6a7b8c9d0e1f", "role:citizen"])
CURSOR = Cursor(db_epoch="01JD8Z3Q9X", scope_hash=SCOPE, protocol_version=1, seq=12_345)


def _forge(payload: bytes, *, key: bytes = KEY, format_byte: bytes = b"\x01") -> str:
    # Sign arbitrary bytes the way the server does, to reach the checks behind the MAC.
    signed = format_byte + payload
    mac = hmac.new(key, b"motcua.sync.cursor\x00" + signed, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(signed + mac).rstrip(b"=").decode()


def test_round_trip_gives_a_compact_url_safe_token() -> None:
    token = encode_cursor(CURSOR, key=KEY)
    assert re.fullmatch(r"[A-Za-z0-9_-]+", token)
    assert len(token) < 160
    assert decode_cursor(token, key=KEY) == CURSOR
    assert encode_cursor(CURSOR, key=KEY) == token  # deterministic


@given(
    db_epoch=st.text(max_size=40),
    scope=st.text(max_size=40),
    protocol_version=st.integers(min_value=1, max_value=2**31),
    seq=st.integers(min_value=0, max_value=2**63 - 1),
)
def test_any_cursor_round_trips(db_epoch: str, scope: str, protocol_version: int, seq: int) -> None:
    cursor = Cursor(db_epoch, scope, protocol_version, seq)
    assert decode_cursor(encode_cursor(cursor, key=KEY), key=KEY) == cursor


def test_every_altered_character_is_refused() -> None:
    token = encode_cursor(CURSOR, key=KEY)
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    for index, char in enumerate(token):
        for replacement in (alphabet[(alphabet.index(char) + 1) % 64], "A" if char != "A" else "B"):
            tampered = token[:index] + replacement + token[index + 1 :]
            with pytest.raises(BadCursor):
                decode_cursor(tampered, key=KEY)


def test_a_cursor_with_a_changed_seq_and_no_key_is_refused() -> None:
    # An attacker re-encodes the payload with another seq but cannot recompute the MAC.
    token = encode_cursor(CURSOR, key=KEY)
    raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    payload = msgspec.msgpack.encode(Cursor(CURSOR.db_epoch, SCOPE, 1, 0))
    forged = base64.urlsafe_b64encode(b"\x01" + payload + raw[-32:]).rstrip(b"=").decode()
    with pytest.raises(BadCursor):
        decode_cursor(forged, key=KEY)


def test_another_key_is_refused() -> None:
    with pytest.raises(BadCursor, match="signature"):
        decode_cursor(encode_cursor(CURSOR, key=OTHER_KEY), key=KEY)


def test_a_short_key_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        encode_cursor(CURSOR, key=b"short")
    with pytest.raises(ValueError, match="32 bytes"):
        decode_cursor(encode_cursor(CURSOR, key=KEY), key=b"short")


@pytest.mark.parametrize(
    "token",
    [
        "",
        "not a token",
        "abc=",
        "a",
        "AAAA",
        "A" * 43,  # 32 bytes: a MAC with nothing signed
        "A" * (MAX_TOKEN_CHARS + 1),
        "ünïcode",
    ],
)
def test_garbage_is_refused(token: str) -> None:
    with pytest.raises(BadCursor):
        decode_cursor(token, key=KEY)


def test_a_signed_token_of_another_format_or_shape_is_refused() -> None:
    payload = msgspec.msgpack.encode(CURSOR)
    assert decode_cursor(_forge(payload), key=KEY) == CURSOR
    with pytest.raises(BadCursor, match="format"):
        decode_cursor(_forge(payload, format_byte=b"\x02"), key=KEY)
    for bad in (
        b"\xc1",
        msgspec.msgpack.encode(["e", "s", 1]),
        msgspec.msgpack.encode(["e", "s", 0, 1]),
    ):
        with pytest.raises(BadCursor, match="unreadable"):
            decode_cursor(_forge(bad), key=KEY)


def test_scope_hash_is_a_stable_hash_of_a_set() -> None:
    assert re.fullmatch(r"[0-9a-f]{32}", SCOPE)
    assert scope_hash(["b", "a", "a"]) == scope_hash(["a", "b"])
    assert scope_hash([]) == scope_hash(())
    assert scope_hash(["a", "b"]) != scope_hash(["a"])
    assert scope_hash(["a,b"]) != scope_hash(["a", "b"])  # no ambiguity from joining
    # Pinned: a hash that changed between releases would reset every client's sync.
    assert scope_hash(("role:citizen",)) == "c665e3d394911667de9204ba44aac3e1"


@given(st.lists(st.text(max_size=8), max_size=6), st.randoms())
def test_scope_hash_ignores_order(items: list[str], rng: random.Random) -> None:
    shuffled = list(items)
    rng.shuffle(shuffled)
    assert scope_hash(shuffled) == scope_hash(items)


def _check(cursor: Cursor = CURSOR, /, **overrides: object) -> str | None:
    context: dict[str, object] = {
        "db_epoch": CURSOR.db_epoch,
        "scope_hash": SCOPE,
        "protocol_version": 1,
        "oldest_retained_seq": 100,
    }
    context.update(overrides)
    return check_cursor(cursor, **context)  # type: ignore[arg-type]


def test_a_current_cursor_resumes() -> None:
    assert _check() is None
    assert _check(latest_seq=CURSOR.seq) is None


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"protocol_version": 2}, "protocol"),
        ({"db_epoch": "01JD9RESTORED"}, "epoch"),
        ({"latest_seq": CURSOR.seq - 1}, "epoch"),  # the log went backwards: a restore
        ({"scope_hash": scope_hash(["role:field_officer"])}, "scope"),
        ({"oldest_retained_seq": CURSOR.seq + 2}, "expired"),
    ],
)
def test_each_reset_reason(overrides: dict[str, object], reason: str) -> None:
    assert _check(**overrides) == reason


def test_expiry_boundary() -> None:
    # The client needs the changes after its seq; they are complete from oldest_retained_seq.
    assert _check(oldest_retained_seq=CURSOR.seq + 1) is None
    assert _check(oldest_retained_seq=CURSOR.seq + 2) == "expired"
    assert _check(Cursor("01JD8Z3Q9X", SCOPE, 1, 0), oldest_retained_seq=1) is None
    assert _check(Cursor("01JD8Z3Q9X", SCOPE, 1, 0), oldest_retained_seq=2) == "expired"


def test_reasons_are_checked_protocol_first_then_epoch_scope_expiry() -> None:
    everything_wrong = {
        "protocol_version": 2,
        "db_epoch": "other",
        "scope_hash": "other",
        "oldest_retained_seq": 10**9,
    }
    assert _check(**everything_wrong) == "protocol"
    everything_wrong["protocol_version"] = 1
    assert _check(**everything_wrong) == "epoch"
    everything_wrong["db_epoch"] = CURSOR.db_epoch
    assert _check(**everything_wrong) == "scope"
    everything_wrong["scope_hash"] = SCOPE
    assert _check(**everything_wrong) == "expired"
