"""Rate limits in process: fixed windows (counting, peeking without counting, each window
keeping its own length), slowdowns that grow with misses and are forgiven over time (the pure
rule, then as the limiter keeps it), and state forgotten a little at a time, however many
keys are live."""

from __future__ import annotations

import datetime as dt

import pytest

from backend.core.ratelimit import Limit, Misses, RateLimiter, Slowdown
from backend.features.lookup.routes import CODE_SLOWDOWN

T0 = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)
THREE_PER_MINUTE = Limit(3, dt.timedelta(minutes=1))
SLOWDOWN = Slowdown(
    free=3,
    first=dt.timedelta(seconds=2),
    longest=dt.timedelta(minutes=1),
    forgiven_every=dt.timedelta(minutes=5),
)


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


def test_the_lookup_slowdown_is_the_one_these_tests_describe() -> None:
    assert CODE_SLOWDOWN == SLOWDOWN


def test_misses_after_the_free_ones_wait_twice_as_long_each_time_up_to_a_minute() -> None:
    assert [SLOWDOWN.delay(n).total_seconds() for n in range(13)] == [
        0, 0, 0, 0, 2, 4, 8, 16, 32, 60, 60, 60, 60,
    ]  # fmt: skip
    assert SLOWDOWN.most_misses == 9
    assert SLOWDOWN.delay(10_000) == dt.timedelta(minutes=1)


def test_each_miss_counts_from_itself_and_the_wait_is_whole_seconds() -> None:
    state = None
    waits = []
    now = T0
    for _ in range(8):
        state = SLOWDOWN.missed(state, now)
        waits.append(SLOWDOWN.wait(state, now))
        now += seconds(SLOWDOWN.wait(state, now) or 0)  # the next miss comes once allowed
    assert waits == [None, None, None, 2, 4, 8, 16, 32]
    assert state is not None
    last = state.at
    assert SLOWDOWN.wait(state, last + seconds(31.2)) == 1  # 0.8 s left: round up
    assert SLOWDOWN.wait(state, last + seconds(32)) is None
    assert SLOWDOWN.wait(None, T0) is None


def test_misses_piled_up_beyond_the_longest_wait_count_for_nothing() -> None:
    enough = many = None
    for _ in range(SLOWDOWN.most_misses):
        enough = SLOWDOWN.missed(enough, T0)
    for _ in range(1_000):
        many = SLOWDOWN.missed(many, T0)
    assert many == enough == Misses(9.0, T0)
    assert SLOWDOWN.wait(many, T0) == 60
    assert SLOWDOWN.forgotten_at(many) == T0 + 9 * dt.timedelta(minutes=5)


def test_one_miss_is_forgiven_every_five_minutes_until_the_key_is_as_new() -> None:
    state = Misses(9.0, T0)
    assert SLOWDOWN.level(state, T0 + dt.timedelta(minutes=20)) == pytest.approx(5.0)
    # Twenty quiet minutes later a miss is the sixth, not the tenth: 8 s, not a minute.
    again = SLOWDOWN.missed(state, T0 + dt.timedelta(minutes=20))
    assert SLOWDOWN.wait(again, again.at) == 8
    assert SLOWDOWN.level(state, T0 + dt.timedelta(minutes=45)) == 0
    fresh = SLOWDOWN.missed(state, T0 + dt.timedelta(minutes=45))
    assert fresh == Misses(1.0, T0 + dt.timedelta(minutes=45))
    assert SLOWDOWN.wait(fresh, fresh.at) is None
    # Part-forgiven misses still count: three misses a minute apart, then a fourth.
    state = None
    for minute in range(4):
        state = SLOWDOWN.missed(state, T0 + dt.timedelta(minutes=minute))
    assert state is not None
    assert SLOWDOWN.wait(state, state.at) == 2


def test_the_limiter_slows_a_key_and_refusals_while_slowed_add_no_wait() -> None:
    limiter = RateLimiter()
    for _ in range(4):
        assert limiter.slowed("code", "X", SLOWDOWN, T0) is None
        limiter.missed("code", "X", SLOWDOWN, T0)
    assert limiter.slowed("code", "X", SLOWDOWN, T0) == 2
    for _ in range(100):  # asking again and again while slowed changes nothing
        assert limiter.slowed("code", "X", SLOWDOWN, T0 + seconds(1)) == 1
    assert limiter.slowed("code", "X", SLOWDOWN, T0 + seconds(2)) is None
    assert limiter.slowed("code", "Y", SLOWDOWN, T0) is None  # another key
    assert limiter.slowed("other", "X", SLOWDOWN, T0) is None  # another group
    limiter.missed("code", "X", SLOWDOWN, T0 + seconds(2))
    assert limiter.slowed("code", "X", SLOWDOWN, T0 + seconds(2)) == 4
    # Forgotten once every miss is forgiven.
    assert limiter.kept == 1
    limiter.missed("code", "Z", SLOWDOWN, T0 + dt.timedelta(hours=1))
    assert limiter.kept == 1
    assert limiter.forgotten == 1


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
