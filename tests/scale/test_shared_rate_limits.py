"""Rate limits kept in Redis behave as the in-process ones (the same fixed windows and the same
slowdown rule, checked here against both), each change is atomic when many app workers count
at once, and every key expires when its state says nothing more."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator

import pytest
import redis
from redis.asyncio import Redis

from backend.core.ratelimit import (
    Limit,
    LocalRateLimits,
    RateLimits,
    RedisRateLimits,
)
from backend.features.lookup.routes import CODE_SLOWDOWN as SLOWDOWN

pytestmark = pytest.mark.scale
T0 = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)
THREE_PER_MINUTE = Limit(3, dt.timedelta(minutes=1))


def seconds(n: float) -> dt.timedelta:
    return dt.timedelta(seconds=n)


@pytest.fixture
async def shared(redis_url: str) -> AsyncIterator[Redis]:
    client = Redis.from_url(redis_url)
    try:
        yield client
    finally:
        await client.aclose()


@pytest.fixture(params=["local", "redis"])
def limits(request: pytest.FixtureRequest) -> RateLimits:
    if request.param == "local":
        return LocalRateLimits()
    return RedisRateLimits(request.getfixturevalue("shared"))


async def test_hits_are_counted_until_the_limit_then_refused_until_the_window_ends(
    limits: RateLimits,
) -> None:
    assert [await limits.hit("g", "a", THREE_PER_MINUTE, T0) for _ in range(3)] == [None] * 3
    assert await limits.hit("g", "a", THREE_PER_MINUTE, T0 + seconds(20)) == 40
    assert await limits.hit("g", "a", THREE_PER_MINUTE, T0 + seconds(59.5)) == 1  # rounded up
    assert await limits.hit("g", "b", THREE_PER_MINUTE, T0) is None  # another key
    assert await limits.hit("h", "a", THREE_PER_MINUTE, T0) is None  # another group
    assert await limits.hit("g", "a", THREE_PER_MINUTE, T0 + dt.timedelta(minutes=1)) is None
    # A new window starts at its first hit, not on a grid.
    for _ in range(2):
        assert await limits.hit("g", "a", THREE_PER_MINUTE, T0 + seconds(61)) is None
    assert await limits.hit("g", "a", THREE_PER_MINUTE, T0 + seconds(70)) == 50


async def test_the_limiter_slows_a_key_and_refusals_while_slowed_add_no_wait(
    limits: RateLimits,
) -> None:
    for _ in range(4):
        assert await limits.slowed("code", "X", SLOWDOWN, T0) is None
        await limits.missed("code", "X", SLOWDOWN, T0)
    assert await limits.slowed("code", "X", SLOWDOWN, T0) == 2
    for _ in range(20):  # asking again and again while slowed changes nothing
        assert await limits.slowed("code", "X", SLOWDOWN, T0 + seconds(1)) == 1
    assert await limits.slowed("code", "X", SLOWDOWN, T0 + seconds(2)) is None
    assert await limits.slowed("code", "Y", SLOWDOWN, T0) is None  # another key
    assert await limits.slowed("other", "X", SLOWDOWN, T0) is None  # another group
    await limits.missed("code", "X", SLOWDOWN, T0 + seconds(2))
    assert await limits.slowed("code", "X", SLOWDOWN, T0 + seconds(2)) == 4


async def test_misses_are_forgiven_one_every_five_minutes(limits: RateLimits) -> None:
    for _ in range(20):  # piled up beyond the longest wait: nine count
        await limits.missed("code", "X", SLOWDOWN, T0)
    assert await limits.slowed("code", "X", SLOWDOWN, T0) == 60
    # Twenty quiet minutes later a miss is the sixth, not the tenth: 8 s, not a minute.
    later = T0 + dt.timedelta(minutes=20)
    await limits.missed("code", "X", SLOWDOWN, later)
    assert await limits.slowed("code", "X", SLOWDOWN, later) == 8
    # Once every miss is forgiven the key is as new: its first miss again costs nothing.
    fresh = later + dt.timedelta(hours=1)
    await limits.missed("code", "X", SLOWDOWN, fresh)
    assert await limits.slowed("code", "X", SLOWDOWN, fresh) is None


async def test_workers_hitting_at_once_are_counted_exactly(shared: Redis) -> None:
    """Fifty requests at once from ten app workers (ten clients, one Redis): exactly the
    limit's thirty get through."""
    workers = [RedisRateLimits(Redis(connection_pool=shared.connection_pool)) for _ in range(10)]
    limit = Limit(30, dt.timedelta(minutes=10))
    answers = await asyncio.gather(
        *(workers[n % 10].hit("sign_in", "198.51.100.7", limit, T0) for n in range(50))
    )
    assert answers.count(None) == 30
    assert all(wait == 600 for wait in answers if wait is not None)


async def test_misses_counted_at_once_are_all_counted(shared: Redis) -> None:
    workers = [RedisRateLimits(Redis(connection_pool=shared.connection_pool)) for _ in range(4)]
    await asyncio.gather(*(workers[n % 4].missed("code", "X", SLOWDOWN, T0) for n in range(5)))
    # Five misses, none lost to a race: the fifth waits 4 s (a lost one would leave 2 or none).
    assert await workers[0].slowed("code", "X", SLOWDOWN, T0) == 4


async def test_keys_expire_with_the_state_they_hold(shared: Redis, redis_url: str) -> None:
    limits = RedisRateLimits(shared)
    await limits.hit("g", "a", THREE_PER_MINUTE, T0)
    await limits.hit("g", "a", THREE_PER_MINUTE, T0 + seconds(15))
    for _ in range(4):
        await limits.missed("code", "X", SLOWDOWN, T0)
    plain = redis.Redis.from_url(redis_url)
    try:
        window = plain.pttl("motcua:limits:window:g:a")
        misses = plain.pttl("motcua:limits:misses:code:X")
    finally:
        plain.close()
    # The window ends 60 s after its first hit, 45 s after the last one; four misses are
    # forgiven in 20 minutes.
    assert 44_000 < window <= 45_000
    assert 19 * 60_000 < misses <= 20 * 60_000
