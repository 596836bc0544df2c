"""Rate limits for the endpoints people could hammer (sign-up, sign-in, recovery,
enrollment, lookup): fixed windows per key (a client address, or a dossier code being
guessed at), in process.

One process is the embedded default; several app workers would share counters through Redis
behind this same interface.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Limit:
    requests: int
    per: dt.timedelta


@dataclass(frozen=True)
class _Window:
    start: dt.datetime
    count: int
    per: dt.timedelta


class RateLimiter:
    def __init__(self) -> None:
        self._windows: dict[tuple[str, str], _Window] = {}

    def _current(self, key: tuple[str, str], limit: Limit, now: dt.datetime) -> _Window:
        window = self._windows.get(key)
        if window is None or now - window.start >= limit.per:
            return _Window(now, 0, limit.per)
        return window

    def blocked(self, group: str, client: str, limit: Limit, now: dt.datetime) -> int | None:
        """Without counting: None when a request would be allowed, else the seconds to wait."""
        window = self._current((group, client), limit, now)
        if window.count >= limit.requests:
            return max(1, math.ceil((window.start + limit.per - now).total_seconds()))
        return None

    def hit(self, group: str, client: str, limit: Limit, now: dt.datetime) -> int | None:
        """Count one request; None when allowed, else the seconds to wait (Retry-After)."""
        key = (group, client)
        wait = self.blocked(group, client, limit, now)
        if wait is not None:
            return wait
        window = self._current(key, limit, now)
        self._windows[key] = _Window(window.start, window.count + 1, limit.per)
        if len(self._windows) > 100_000:  # forget finished windows now and then
            self._windows = {k: w for k, w in self._windows.items() if now - w.start < w.per}
        return None
