"""The shared rate limiter on Redis: one bucket for every process that names the URL.

The bucket is one Redis hash (``tat`` in microseconds of the Redis server's
clock, and the ``interval`` it was computed with) changed only by one Lua
script, so every decision is atomic and every machine uses the same clock
(the server's ``TIME``). The script implements the same formula as
:func:`aws_ses.resilience.ratelimit.gcra`.

Choices:

- **Nothing is held while waiting.** The script admits a send only when its
  slot has come; otherwise it answers how long to wait and changes nothing.
  A process that dies mid-wait therefore takes no capacity with it. Within
  one process the waiters line up (one at a time asks Redis), so a process's
  sends go first come, first served.
- **A bucket Redis does not know starts empty.** After a Redis restart (or
  the first use) the key is missing; starting it full would let a whole
  burst through on top of what was sent just before the restart. Each
  process also sends the last ``tat`` it saw, and the script never lets the
  bucket be fuller than that, which covers a restart from an old snapshot.
- **Redis unreachable**: ``rate_limit_fallback="local"`` (the default) logs a
  WARNING and limits each process on its own in-process bucket (the fleet
  may then exceed the account's rate by the number of processes) until Redis
  answers again, tried every second; ``"fail"`` raises
  :class:`~aws_ses.resilience.ratelimit.RateLimiterUnavailable` and sends
  nothing.
"""

from __future__ import annotations

import asyncio
import threading
import time
import weakref
from typing import Any, Literal

from aws_ses.errors import SesValidationError
from aws_ses.observability.logs import log_rate_limit_fallback, log_rate_limit_recovered
from aws_ses.observability.redact import redact_userinfo
from aws_ses.resilience.ratelimit import (
    AsyncSleep,
    Clock,
    LocalRateLimiter,
    RateLimiter,
    RateLimiterUnavailable,
    Sleep,
    _AutoRate,
    _check_weight,
    _positive,
    _timeout,
)

__all__ = ["GCRA_SCRIPT", "RedisRateLimiter"]

try:
    import redis
    import redis.asyncio as aioredis
    from redis.backoff import NoBackoff
    from redis.exceptions import RedisError
    from redis.retry import Retry
except ImportError as exc:  # pragma: no cover - exercised without the extra
    raise ImportError("rate_limit_url needs the redis extra: pip install 'aws-ses[redis]'") from exc

# KEYS[1]: the bucket. ARGV: weight (recipients), interval (us per recipient),
# tolerance (us, burst * interval), floor (the last tat this process saw, 0 if none).
# Returns {admitted (0/1), wait in us, tat in us}.
GCRA_SCRIPT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local weight = tonumber(ARGV[1])
local interval = tonumber(ARGV[2])
local tolerance = tonumber(ARGV[3])
local floor = tonumber(ARGV[4])
local state = redis.call('HMGET', KEYS[1], 'tat', 'interval')
local tat = tonumber(state[1])
local dirty = false
if tat == nil then
  tat = now + tolerance
  dirty = true
else
  local old = tonumber(state[2])
  if old ~= nil and state[2] ~= ARGV[2] and tat > now then
    tat = now + (tat - now) * interval / old
    dirty = true
  end
end
if floor > tat then
  tat = floor
  dirty = true
end
local room = math.min(weight * interval, tolerance)
local allow = math.max(now, tat + room - tolerance)
local admitted = 0
if allow <= now then
  tat = math.max(tat, now) + weight * interval
  admitted = 1
  dirty = true
end
if dirty then
  redis.call('HSET', KEYS[1], 'tat', string.format('%.0f', tat), 'interval', ARGV[2])
  redis.call('PEXPIRE', KEYS[1], math.ceil((math.max(tat - now, 0) + tolerance) / 1000) + 60000)
end
return {admitted, math.ceil(allow - now), string.format('%.0f', tat)}
"""

# While Redis is unreachable, how long to use the fallback before trying it again.
_RETRY_REDIS_AFTER = 1.0
# Connection settings for a limiter: fail fast so a dead Redis costs little.
_CLIENT_DEFAULTS: dict[str, Any] = {"socket_timeout": 1.0, "socket_connect_timeout": 1.0}


def _retry() -> Retry:
    # One immediate retry: a pooled connection that died with a Redis restart
    # is replaced at once; a Redis that is really down fails twice, fast.
    return Retry(NoBackoff(), 1)


class RedisRateLimiter(RateLimiter):
    """A GCRA bucket in Redis, shared by every process using ``url`` and ``key``."""

    def __init__(
        self,
        url: str,
        *,
        key: str,
        rate: float | None,
        burst: float | None = None,
        auto: bool = False,
        fallback: Literal["local", "fail"] = "local",
        clock: Clock = time.monotonic,
        sleep: Sleep = time.sleep,
        asleep: AsyncSleep = asyncio.sleep,
    ) -> None:
        if rate is None and not auto:
            raise SesValidationError("rate_limit", "a rate is needed unless it is 'auto'")
        if fallback not in ("local", "fail"):
            raise SesValidationError("rate_limit_fallback", "must be 'local' or 'fail'")
        self.url = url
        self.key = key
        self._shown_url = redact_userinfo(url)
        self._fixed_burst = None if burst is None else _positive(burst, "rate_limit_burst")
        self._fallback_mode = fallback
        self._clock = clock
        self._sleep = sleep
        self._asleep = asleep
        self._rate = None if rate is None else _positive(rate, "rate_limit")
        self._auto = _AutoRate(clock) if auto else None
        if auto and self._rate is not None:
            self._auto.mark_set()  # type: ignore[union-attr]
        self._state_lock = threading.Lock()
        self._turn = threading.Lock()  # one waiter of this process asks Redis at a time
        self._aturns: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
            weakref.WeakKeyDictionary()
        )
        self._floor = 0  # the last tat (us, Redis clock) this process saw
        self._down_until: float | None = None  # fallback in force until this clock time
        self._local: LocalRateLimiter | None = None
        self._client: Any = None
        self._script: Any = None
        self._aclients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, tuple[Any, Any]] = (
            weakref.WeakKeyDictionary()
        )

    # -- rate ------------------------------------------------------------
    @property
    def rate(self) -> float | None:
        return self._rate

    @property
    def burst(self) -> float | None:
        if self._rate is None:
            return None
        return self._fixed_burst if self._fixed_burst is not None else self._rate

    def needs_rate(self) -> bool:
        if self._auto is None:
            return False
        with self._state_lock:
            return self._auto.claim()

    def set_rate(self, recipients_per_second: float) -> None:
        rate = _positive(recipients_per_second, "MaxSendRate")
        with self._state_lock:
            self._rate = rate
            if self._auto is not None:
                self._auto.mark_set()
            if self._local is not None:
                self._local.set_rate(rate)

    def _current_rate(self) -> float:
        rate = self._rate
        if rate is not None:
            return rate
        from aws_ses.config import DEFAULT_RATE_LIMIT

        auto = self._auto
        if auto is not None:
            auto.known.wait(auto.claim_remaining())
            if self._rate is not None:
                return self._rate
        return DEFAULT_RATE_LIMIT

    async def _acurrent_rate(self) -> float:
        auto = self._auto
        while self._rate is None and auto is not None and auto.claim_remaining() > 0:
            await asyncio.sleep(0.02)
        if self._rate is not None:
            return self._rate
        from aws_ses.config import DEFAULT_RATE_LIMIT

        return DEFAULT_RATE_LIMIT

    def _args(self, weight: float, rate: float) -> list[Any]:
        interval = 1e6 / rate
        burst = self._fixed_burst if self._fixed_burst is not None else rate
        return [repr(weight), repr(interval), repr(burst * interval), str(self._floor)]

    def _decode(self, reply: Any) -> float:
        """Seconds to wait (0.0: admitted) from the script's reply."""
        admitted, wait_us, tat = int(reply[0]), int(reply[1]), int(reply[2])
        self._floor = max(self._floor, tat)
        return 0.0 if admitted else max(wait_us, 1) / 1e6

    # -- the fallback ----------------------------------------------------
    def _fallback(self) -> LocalRateLimiter:
        with self._state_lock:
            if self._local is None:
                # Empty at first, like a bucket Redis forgot: no burst at the switch.
                from aws_ses.config import DEFAULT_RATE_LIMIT

                self._local = LocalRateLimiter(
                    self._rate or DEFAULT_RATE_LIMIT,
                    self._fixed_burst,
                    start_full=False,
                    clock=self._clock,
                    sleep=self._sleep,
                    asleep=self._asleep,
                )
            return self._local

    def _use_fallback(self) -> bool:
        until = self._down_until
        return until is not None and self._clock() < until

    def _redis_failed(self, error: Exception) -> None:
        first = self._down_until is None
        self._down_until = self._clock() + _RETRY_REDIS_AFTER
        if first:
            log_rate_limit_fallback(
                url=self._shown_url, mode=self._fallback_mode, error=type(error).__name__
            )
        if self._fallback_mode == "fail":
            raise RateLimiterUnavailable(
                f"the rate limiter at {self._shown_url} is unreachable "
                f"({type(error).__name__}) and rate_limit_fallback='fail'"
            ) from None

    def _redis_answered(self) -> None:
        if self._down_until is not None:
            self._down_until = None
            log_rate_limit_recovered(url=self._shown_url)

    # -- sync ------------------------------------------------------------
    def _sync_script(self) -> Any:
        if self._script is None:
            with self._state_lock:
                if self._script is None:
                    client = redis.Redis.from_url(self.url, retry=_retry(), **_CLIENT_DEFAULTS)
                    self._client = client
                    self._script = client.register_script(GCRA_SCRIPT)
        return self._script

    def acquire(self, weight: float, *, max_wait: float | None = None) -> float:
        weight = _check_weight(weight)
        if weight == 0:
            return 0.0
        start = self._clock()
        # Waiting for the turn, or sleeping, is a wait to report; one round trip is not.
        waited = not self._turn.acquire(blocking=False)
        if waited and not self._turn.acquire(timeout=-1 if max_wait is None else max_wait):
            raise _timeout(weight, self._clock() - start, max_wait or 0.0)
        try:
            while True:
                left = None if max_wait is None else max_wait - (self._clock() - start)
                if self._use_fallback():
                    if self._fallback_mode == "fail":
                        raise RateLimiterUnavailable(
                            f"the rate limiter at {self._shown_url} is unreachable "
                            "and rate_limit_fallback='fail'"
                        )
                    if self._fallback().acquire(weight, max_wait=left) > 0:
                        waited = True
                    return self._clock() - start if waited else 0.0
                try:
                    reply = self._sync_script()(
                        keys=[self.key], args=self._args(weight, self._current_rate())
                    )
                except RedisError as exc:
                    self._redis_failed(exc)
                    continue
                self._redis_answered()
                wait = self._decode(reply)
                if wait == 0.0:
                    return self._clock() - start if waited else 0.0
                if left is not None and wait > left:
                    raise _timeout(weight, wait + (self._clock() - start), max_wait or 0.0)
                self._sleep(wait)
                waited = True
        finally:
            self._turn.release()

    # -- async -----------------------------------------------------------
    def _async_script(self) -> tuple[asyncio.Lock, Any]:
        loop = asyncio.get_running_loop()
        found = self._aclients.get(loop)
        if found is None:
            client = aioredis.Redis.from_url(self.url, retry=_retry(), **_CLIENT_DEFAULTS)
            found = (client, client.register_script(GCRA_SCRIPT))
            self._aclients[loop] = found
            self._aturns[loop] = asyncio.Lock()
        return self._aturns[loop], found[1]

    async def aacquire(self, weight: float, *, max_wait: float | None = None) -> float:
        weight = _check_weight(weight)
        if weight == 0:
            return 0.0
        start = self._clock()
        turn, script = self._async_script()
        waited = turn.locked()
        try:
            await asyncio.wait_for(turn.acquire(), timeout=max_wait)
        except TimeoutError:
            raise _timeout(weight, self._clock() - start, max_wait or 0.0) from None
        try:
            while True:
                left = None if max_wait is None else max_wait - (self._clock() - start)
                if self._use_fallback():
                    if self._fallback_mode == "fail":
                        raise RateLimiterUnavailable(
                            f"the rate limiter at {self._shown_url} is unreachable "
                            "and rate_limit_fallback='fail'"
                        )
                    if await self._fallback().aacquire(weight, max_wait=left) > 0:
                        waited = True
                    return self._clock() - start if waited else 0.0
                try:
                    rate = await self._acurrent_rate()
                    reply = await script(keys=[self.key], args=self._args(weight, rate))
                except RedisError as exc:
                    self._redis_failed(exc)
                    continue
                self._redis_answered()
                wait = self._decode(reply)
                if wait == 0.0:
                    return self._clock() - start if waited else 0.0
                if left is not None and wait > left:
                    raise _timeout(weight, wait + (self._clock() - start), max_wait or 0.0)
                await self._asleep(wait)
                waited = True
        finally:
            turn.release()

    def close(self) -> None:
        """Close the sync connection pool (async pools close with their loops)."""
        client, self._client, self._script = self._client, None, None
        if client is not None:
            client.close()

    async def aclose(self) -> None:
        """Close this event loop's async connection pool."""
        found = self._aclients.pop(asyncio.get_running_loop(), None)
        if found is not None:
            await found[0].aclose()

    def __repr__(self) -> str:
        return f"RedisRateLimiter(url={self._shown_url!r}, rate={self._rate!r})"
