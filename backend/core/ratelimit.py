"""Rate limits for the endpoints people could hammer (sign-up, sign-in, recovery,
enrollment, lookup), in process: fixed windows per key (a client address), and slowdowns per
key (a dossier code being guessed at) that grow with the misses and are forgiven over time.

State is forgotten incrementally: every entry is filed by the time it can be forgotten (a
heap), and each call forgets just the entries whose time has come: a request costs about as
much with ten live keys as with a million, and nothing is ever rebuilt wholesale.

The app reaches its limits through `RateLimits` (`app.state.rate_limiter`): kept in this
process (`LocalRateLimits`, the embedded default), or in Redis (`RedisRateLimits`, once
`MOTCUA_REDIS_URL` is set) so that every app worker counts together: the same fixed windows
and the same slowdown rule, each change atomic in Redis and every key expiring when the state
says nothing more.
"""

from __future__ import annotations

import datetime as dt
import heapq
import ipaddress
import itertools
import math
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from redis.asyncio import Redis
from redis.exceptions import WatchError

K = TypeVar("K")
V = TypeVar("V")
Key = tuple[str, str]  # (group, client address or code)
IPV6_CLIENT_PREFIX = 64


def address_key(address: str) -> str:
    """The key a client address is counted under: an IPv6 address's /64 network, since one
    subscriber or server gets a whole /64 to pick addresses from; an IPv4 address itself
    (anything else, as it is)."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        network = ipaddress.IPv6Network((int(parsed), IPV6_CLIENT_PREFIX), strict=False)
        return str(network)
    return str(parsed)


@dataclass(frozen=True)
class Limit:
    requests: int
    per: dt.timedelta


@dataclass(frozen=True)
class Misses:
    """A key's misses not yet forgiven (fractional while being forgiven), as of `at`, the
    last miss."""

    level: float
    at: dt.datetime


@dataclass(frozen=True)
class Slowdown:
    """Misses slow a key down instead of closing it. The first `free` misses cost nothing;
    from then on each miss makes the key's next request wait `first`, doubling with each
    further miss up to `longest`, counted from that miss. Requests refused while waiting are
    not misses, so they add no wait. One miss is forgiven every `forgiven_every`: misses
    piled up beyond the longest wait count no more than those reaching it, and once nobody
    misses for a while the key is as if it had never been missed.

    Pure: the state (`Misses`) goes in and out; `RateLimiter` keeps it.
    """

    free: int
    first: dt.timedelta
    longest: dt.timedelta
    forgiven_every: dt.timedelta

    def delay(self, misses: int) -> dt.timedelta:
        """The wait after the `misses`-th miss."""
        if misses <= self.free:
            return dt.timedelta(0)
        return min(self.longest, self.first * (1 << min(misses - self.free - 1, 32)))

    @property
    def most_misses(self) -> int:
        """The count of misses that reaches the longest wait; more are not kept."""
        misses = self.free + 1
        while self.delay(misses) < self.longest:
            misses += 1
        return misses

    def level(self, misses: Misses | None, now: dt.datetime) -> float:
        """Misses not yet forgiven at `now`."""
        if misses is None:
            return 0.0
        return max(0.0, misses.level - (now - misses.at) / self.forgiven_every)

    def missed(self, misses: Misses | None, now: dt.datetime) -> Misses:
        """The state after one more miss at `now`."""
        return Misses(min(self.level(misses, now) + 1, float(self.most_misses)), now)

    def wait(self, misses: Misses | None, now: dt.datetime) -> int | None:
        """None when a request at `now` may go ahead, else the whole seconds to wait."""
        if misses is None:
            return None
        left = (misses.at + self.delay(math.ceil(misses.level)) - now).total_seconds()
        return max(1, math.ceil(left)) if left > 0 else None

    def forgotten_at(self, misses: Misses) -> dt.datetime:
        """When the state says nothing more: every miss forgiven and the wait over."""
        wait = self.delay(math.ceil(misses.level))
        return misses.at + max(wait, self.forgiven_every * misses.level)


class Expiring(Generic[K, V]):
    """A map whose entries are forgotten once their time has passed, a few at each call:
    a heap of (forget at, key) finds the due ones; an entry stored again with a later time
    leaves a stale heap item behind, skipped when it comes up."""

    def __init__(self) -> None:
        self._entries: dict[K, tuple[dt.datetime, V]] = {}
        self._queue: list[tuple[dt.datetime, int, K]] = []
        self._order = itertools.count()  # ties in time never compare keys
        self.forgotten = 0

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: K, now: dt.datetime) -> V | None:
        entry = self._entries.get(key)
        if entry is None or entry[0] <= now:
            return None
        return entry[1]

    def put(self, key: K, value: V, until: dt.datetime) -> None:
        previous = self._entries.get(key)
        self._entries[key] = (until, value)
        if previous is None or previous[0] != until:
            heapq.heappush(self._queue, (until, next(self._order), key))
            if len(self._queue) > 2 * len(self._entries) + 1024:  # mostly stale: rebuild
                self._queue = [(u, next(self._order), k) for k, (u, _) in self._entries.items()]
                heapq.heapify(self._queue)

    def forget_due(self, now: dt.datetime) -> None:
        queue = self._queue
        while queue and queue[0][0] <= now:
            until, _, key = heapq.heappop(queue)
            entry = self._entries.get(key)
            if entry is not None and entry[0] == until:
                del self._entries[key]
                self.forgotten += 1


@dataclass(frozen=True)
class _Window:
    start: dt.datetime
    count: int


class RateLimiter:
    def __init__(self) -> None:
        self._windows: Expiring[Key, _Window] = Expiring()
        self._misses: Expiring[Key, Misses] = Expiring()

    @property
    def kept(self) -> int:
        """Live windows and misses held."""
        return len(self._windows) + len(self._misses)

    @property
    def forgotten(self) -> int:
        """Windows and misses forgotten so far."""
        return self._windows.forgotten + self._misses.forgotten

    def _current(self, key: Key, now: dt.datetime) -> _Window:
        return self._windows.get(key, now) or _Window(now, 0)

    def blocked(self, group: str, client: str, limit: Limit, now: dt.datetime) -> int | None:
        """Without counting: None when a request would be allowed, else the seconds to wait."""
        window = self._current((group, client), now)
        if window.count >= limit.requests:
            return max(1, math.ceil((window.start + limit.per - now).total_seconds()))
        return None

    def hit(self, group: str, client: str, limit: Limit, now: dt.datetime) -> int | None:
        """Count one request; None when allowed, else the seconds to wait (Retry-After)."""
        self._windows.forget_due(now)
        key = (group, client)
        wait = self.blocked(group, client, limit, now)
        if wait is not None:
            return wait
        window = self._current(key, now)
        self._windows.put(key, _Window(window.start, window.count + 1), window.start + limit.per)
        return None

    def slowed(self, group: str, key: str, rule: Slowdown, now: dt.datetime) -> int | None:
        """None when `key` may be tried now, else the seconds it must still wait."""
        return rule.wait(self._misses.get((group, key), now), now)

    def missed(self, group: str, key: str, rule: Slowdown, now: dt.datetime) -> None:
        """Count a miss on `key`, slowing its next request down as `rule` says."""
        self._misses.forget_due(now)
        misses = rule.missed(self._misses.get((group, key), now), now)
        self._misses.put((group, key), misses, rule.forgotten_at(misses))


class RateLimits(Protocol):
    """What the guard and the lookup ask: count a request against a fixed window, and keep a
    key's misses under a slowdown rule. Waits are whole seconds (Retry-After)."""

    async def hit(self, group: str, client: str, limit: Limit, now: dt.datetime) -> int | None:
        """Count one request; None when allowed, else the seconds to wait."""
        ...

    async def slowed(self, group: str, key: str, rule: Slowdown, now: dt.datetime) -> int | None:
        """None when `key` may be tried now, else the seconds it must still wait."""
        ...

    async def missed(self, group: str, key: str, rule: Slowdown, now: dt.datetime) -> None:
        """Count a miss on `key`."""
        ...


class LocalRateLimits:
    """The limits of this process alone (the embedded default): a `RateLimiter`."""

    def __init__(self, limiter: RateLimiter | None = None) -> None:
        self.limiter = limiter or RateLimiter()

    async def hit(self, group: str, client: str, limit: Limit, now: dt.datetime) -> int | None:
        return self.limiter.hit(group, client, limit, now)

    async def slowed(self, group: str, key: str, rule: Slowdown, now: dt.datetime) -> int | None:
        return self.limiter.slowed(group, key, rule, now)

    async def missed(self, group: str, key: str, rule: Slowdown, now: dt.datetime) -> None:
        self.limiter.missed(group, key, rule, now)


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_MICROSECOND = dt.timedelta(microseconds=1)

# A fixed window in one round trip: KEYS[1] holds {start, count}, in microseconds of the app's
# clock; ARGV = now, the window's length, the requests it allows. A window whose time is over
# starts again at now. Returns -1 when the request counts, else the microseconds to wait. The
# key expires with its window (PEXPIRE is relative, so a clock apart from Redis's is fine).
_HIT = """
local now = tonumber(ARGV[1])
local per = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
local window = redis.call('HMGET', KEYS[1], 'start', 'count')
local start = tonumber(window[1])
local count = tonumber(window[2])
if start == nil or start + per <= now then
  start = now
  count = 0
  redis.call('HSET', KEYS[1], 'start', ARGV[1], 'count', 0)
end
local left = start + per - now
redis.call('PEXPIRE', KEYS[1], math.ceil(left / 1000))
if count >= limit then
  return left
end
redis.call('HINCRBY', KEYS[1], 'count', 1)
return -1
"""


def _micros(moment: dt.datetime) -> int:
    return (moment - _EPOCH) // _MICROSECOND


def _milliseconds(delta: dt.timedelta) -> int:
    return max(1, math.ceil(delta / dt.timedelta(milliseconds=1)))


class RedisRateLimits:
    """The same limits kept in Redis, shared by every app worker. Windows change in one Lua
    script (atomic, one round trip: sign-in and lookup pass here on every request). Misses,
    rare, go through the pure `Slowdown` rule itself in an optimistic transaction (WATCH,
    MULTI), tried again when another worker changed the key meanwhile; so the rule has one
    implementation. Keys: `<prefix>window:<group>:<client>`, `<prefix>misses:<group>:<key>`."""

    def __init__(self, redis: Redis, prefix: str = "motcua:limits:") -> None:
        self.redis = redis
        self.prefix = prefix
        self._hit = redis.register_script(_HIT)

    async def hit(self, group: str, client: str, limit: Limit, now: dt.datetime) -> int | None:
        left = int(
            await self._hit(
                keys=[f"{self.prefix}window:{group}:{client}"],
                args=[_micros(now), limit.per // _MICROSECOND, limit.requests],
            )
        )
        return None if left < 0 else max(1, math.ceil(left / 1_000_000))

    @staticmethod
    async def _misses(reader: Redis, key: str) -> Misses | None:
        found: Awaitable[list[bytes | None]] = reader.hmget(key, ["level", "at"])  # type: ignore[assignment]
        level, at = await found
        if level is None or at is None:
            return None
        return Misses(float(level), _EPOCH + int(at) * _MICROSECOND)

    async def slowed(self, group: str, key: str, rule: Slowdown, now: dt.datetime) -> int | None:
        misses = await self._misses(self.redis, f"{self.prefix}misses:{group}:{key}")
        if misses is not None and rule.forgotten_at(misses) <= now:
            misses = None
        return rule.wait(misses, now)

    async def missed(self, group: str, key: str, rule: Slowdown, now: dt.datetime) -> None:
        name = f"{self.prefix}misses:{group}:{key}"
        async with self.redis.pipeline(transaction=True) as pipe:
            while True:
                try:
                    await pipe.watch(name)
                    before = await self._misses(pipe, name)
                    if before is not None and rule.forgotten_at(before) <= now:
                        before = None
                    after = rule.missed(before, now)
                    pipe.multi()  # type: ignore[no-untyped-call]
                    pipe.hset(name, mapping={"level": repr(after.level), "at": _micros(after.at)})
                    pipe.pexpire(name, _milliseconds(rule.forgotten_at(after) - now))
                    await pipe.execute()
                    return
                except WatchError:  # another worker counted a miss on this key: again
                    continue
