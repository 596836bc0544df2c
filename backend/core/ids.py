"""Ids made on the server, of the same kind as the phone's (DESIGN.md §4): UUIDv7."""

from __future__ import annotations

import datetime as dt
import os
import uuid


def uuid7(at: dt.datetime) -> str:
    """A time-ordered UUID version 7 (RFC 9562) for `at`, in canonical lowercase form."""
    millis = int(at.timestamp() * 1000) & ((1 << 48) - 1)
    random = int.from_bytes(os.urandom(10), "big")
    value = (millis << 80) | (0x7 << 76) | ((random >> 62) & 0xFFF) << 64
    value |= (0b10 << 62) | (random & ((1 << 62) - 1))
    return str(uuid.UUID(int=value))
