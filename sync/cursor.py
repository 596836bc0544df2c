"""The pull cursor: opaque to the client, signed by the server.

A token is ``base64url(format || payload || HMAC-SHA256(key, context || format || payload))``
where the payload is the msgpack array ``[db_epoch, scope_hash, protocol_version, seq]``. The
client stores it and sends it back unchanged; the server verifies the MAC before trusting any
of it, then asks `check_cursor` whether the client can resume from it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
from collections.abc import Iterable
from typing import Annotated

import msgspec

from sync.messages import ResetReason

MIN_KEY_BYTES = 32
MAX_TOKEN_CHARS = 512

_FORMAT = b"\x01"
_CONTEXT = b"motcua.sync.cursor\x00"
_MAC_BYTES = hashlib.sha256().digest_size
_TOKEN = re.compile(r"[A-Za-z0-9_-]+")


class BadCursor(ValueError):
    """The token is not a cursor this server issued under this key."""


class Cursor(msgspec.Struct, array_like=True, frozen=True):
    """Where a client's pull stands.

    ``db_epoch`` names the database incarnation (new after a restore), ``scope_hash`` the set of
    records the account could see (`scope_hash`), ``seq`` the last change sent, in commit order.
    """

    db_epoch: str
    scope_hash: str
    protocol_version: Annotated[int, msgspec.Meta(ge=1)]
    seq: Annotated[int, msgspec.Meta(ge=0)]


_payload_encoder = msgspec.msgpack.Encoder()
_payload_decoder = msgspec.msgpack.Decoder(Cursor)


def _mac(key: bytes, signed: bytes) -> bytes:
    if len(key) < MIN_KEY_BYTES:
        raise ValueError(f"the cursor key must have at least {MIN_KEY_BYTES} bytes")
    return hmac.new(key, _CONTEXT + signed, hashlib.sha256).digest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def encode_cursor(cursor: Cursor, *, key: bytes) -> str:
    """Sign ``cursor`` with ``key`` (at least 32 bytes) and return the opaque token."""
    signed = _FORMAT + _payload_encoder.encode(cursor)
    return _b64(signed + _mac(key, signed))


def decode_cursor(token: str, *, key: bytes) -> Cursor:
    """Verify ``token`` against ``key`` (in constant time) and return its cursor.

    Raises `BadCursor` when the token is malformed, was signed with another key, or was
    altered; nothing in it is read before the MAC checks out.
    """
    if len(token) > MAX_TOKEN_CHARS or not _TOKEN.fullmatch(token):
        raise BadCursor("not a cursor token")
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except (binascii.Error, ValueError) as error:
        raise BadCursor("not a cursor token") from error
    if _b64(raw) != token:  # one token per cursor: no variants in the unused trailing bits
        raise BadCursor("not a cursor token")
    signed, mac = raw[:-_MAC_BYTES], raw[-_MAC_BYTES:]
    if len(raw) <= _MAC_BYTES + len(_FORMAT) or not hmac.compare_digest(mac, _mac(key, signed)):
        raise BadCursor("the cursor's signature does not match")
    if signed[: len(_FORMAT)] != _FORMAT:
        raise BadCursor("unknown cursor format")
    try:
        return _payload_decoder.decode(signed[len(_FORMAT) :])
    except msgspec.DecodeError as error:
        raise BadCursor("unreadable cursor") from error


def scope_hash(scope_items: Iterable[str]) -> str:
    """A stable hash (32 hex digits) of a scope described as a set of strings.

    Order and repetition do not matter, so the server may list a scope's parts in any order,
    e.g. ``["account:42", "role:citizen"]``; any added or removed part changes the hash.
    """
    canonical = msgspec.json.encode(sorted(set(scope_items)))
    return hashlib.sha256(b"motcua.sync.scope\x00" + canonical).hexdigest()[:32]


def check_cursor(
    cursor: Cursor,
    *,
    db_epoch: str,
    scope_hash: str,
    protocol_version: int,
    oldest_retained_seq: int,
    latest_seq: int | None = None,
) -> ResetReason | None:
    """Whether a client can resume from ``cursor``; if not, why it must start again.

    ``oldest_retained_seq`` is the smallest seq from which the change log is complete: changes
    (tombstones included) with a seq at or above it are all still there, older ones may have
    been purged. The client needs every change after ``cursor.seq``, so it can resume when
    ``cursor.seq + 1 >= oldest_retained_seq``. ``latest_seq``, when given, is the newest seq in
    the log: a cursor ahead of it comes from a database that was since rolled back.

    Checks run in order: protocol, epoch, scope, expiry.
    """
    if cursor.protocol_version != protocol_version:
        return "protocol"
    if cursor.db_epoch != db_epoch or (latest_seq is not None and cursor.seq > latest_seq):
        return "epoch"
    if cursor.scope_hash != scope_hash:
        return "scope"
    if cursor.seq + 1 < oldest_retained_seq:
        return "expired"
    return None
