"""Fixed-window rate limits (pure, in process): counting, peeking without counting, and each
window keeping its own length."""

from __future__ import annotations

import datetime as dt

from backend.core.ratelimit import Limit, RateLimiter

T0 = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)
THREE_PER_MINUTE = Limit(3, dt.timedelta(minutes=1))


def test_hits_are_counted_until_the_limit_then_refused_until_the_window_ends() -> None:
    limiter = RateLimiter()
    assert [limiter.hit("g", "a", THREE_PER_MINUTE, T0) for _ in range(3)] == [None] * 3
    assert limiter.hit("g", "a", THREE_PER_MINUTE, T0 + dt.timedelta(seconds=20)) == 40
    assert limiter.hit("g", "b", THREE_PER_MINUTE, T0) is None  # another key
    assert limiter.hit("h", "a", THREE_PER_MINUTE, T0) is None  # another group
    assert limiter.hit("g", "a", THREE_PER_MINUTE, T0 + dt.timedelta(minutes=1)) is None


def test_blocked_peeks_without_counting() -> None:
    limiter = RateLimiter()
    for _ in range(10):
        assert limiter.blocked("g", "a", THREE_PER_MINUTE, T0) is None
    for _ in range(3):
        limiter.hit("g", "a", THREE_PER_MINUTE, T0)
    assert limiter.blocked("g", "a", THREE_PER_MINUTE, T0 + dt.timedelta(seconds=59.5)) == 1
    assert limiter.blocked("g", "a", THREE_PER_MINUTE, T0 + dt.timedelta(minutes=1)) is None


def test_forgetting_old_windows_keeps_each_windows_own_length() -> None:
    limiter = RateLimiter()
    hourly = Limit(1, dt.timedelta(hours=1))
    limiter.hit("code", "X", hourly, T0)
    later = T0 + dt.timedelta(minutes=30)
    for n in range(100_001):  # enough short windows to make the limiter tidy up
        limiter.hit("address", str(n), THREE_PER_MINUTE, later)
    assert limiter.blocked("code", "X", hourly, later) == 30 * 60
