"""Rate limits for the endpoints people could hammer (sign-up, sign-in, recovery,
enrollment, lookup): fixed windows per client address, in process.

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


class RateLimiter:
    def __init__(self) -> None:
        self._windows: dict[tuple[str, str], tuple[dt.datetime, int]] = {}

    def hit(self, group: str, client: str, limit: Limit, now: dt.datetime) -> int | None:
        """Count one request; None when allowed, else the seconds to wait (Retry-After)."""
        key = (group, client)
        start, count = self._windows.get(key, (now, 0))
        if now - start >= limit.per:
            start, count = now, 0
        if count >= limit.requests:
            return max(1, math.ceil((start + limit.per - now).total_seconds()))
        self._windows[key] = (start, count + 1)
        if len(self._windows) > 100_000:  # forget finished windows now and then
            self._windows = {k: v for k, v in self._windows.items() if now - v[0] < limit.per}
        return None
