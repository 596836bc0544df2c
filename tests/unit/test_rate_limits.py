"""Rate limits in process: fixed windows (counting, peeking without counting, each window
keeping its own length), forgotten a little at a time, however many keys are live."""

from __future__ import annotations

import datetime as dt

from backend.core.ratelimit import Limit, RateLimiter

T0 = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)
THREE_PER_MINUTE = Limit(3, dt.timedelta(minutes=1))


def seconds(n: float) -> dt.timedelta:
    return dt.timedelta(seconds=n)


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


def test_finished_windows_are_forgotten_as_time_passes_not_all_at_once() -> None:
    limiter = RateLimiter()
    for n in range(10):
        limiter.hit("g", str(n), THREE_PER_MINUTE, T0 + seconds(n))
    limiter.hit("g", "late", THREE_PER_MINUTE, T0 + seconds(64.5))
    assert (limiter.kept, limiter.forgotten) == (6, 5)  # those started at 0..4 s


class Client(str):
    """A client key that counts how often it is hashed: touching a window hashes its key."""

    __slots__ = ()
    hashed = 0

    def __hash__(self) -> int:
        Client.hashed += 1
        return super().__hash__()


def test_two_hundred_thousand_live_windows_are_not_rebuilt_on_each_hit() -> None:
    limiter = RateLimiter()
    for n in range(200_000):
        limiter.hit("address", Client(f"client {n}"), THREE_PER_MINUTE, T0)
        if n % 100 == 99:  # each hit looks at its own key, a few times, and at no other
            assert Client.hashed <= 5 * (n + 1)
    assert limiter.kept == 200_000
    Client.hashed = 0
    for n in range(1_000):
        limiter.hit("address", f"newcomer {n}", THREE_PER_MINUTE, T0 + seconds(30))
    assert Client.hashed == 0  # no hit touched the 200,000 live windows
    assert (limiter.kept, limiter.forgotten) == (201_000, 0)
    limiter.hit("address", "one more", THREE_PER_MINUTE, T0 + seconds(60))
    assert (limiter.kept, limiter.forgotten) == (1_001, 200_000)  # once finished, all gone
