"""The recipient-weighted rate limiter: a GCRA token bucket.

SES throttles an account by recipients per second, so every send is weighed
by its recipients (To + Cc + Bcc; for ``SendBulkEmail`` the sum over its
entries) and other operations weigh nothing.

The bucket is the Generic Cell Rate Algorithm: one number, the *theoretical
arrival time* ``tat``, replaces a token count. With ``T = 1 / rate`` seconds
per recipient and a tolerance ``tau = burst * T``, a send of ``w`` recipients
arriving at ``now`` needs ``n = min(w, burst)`` recipients of room, so it may
go at::

    allow_at = max(now, tat + n*T - tau)
    tat'     = max(tat, now) + w*T

The bucket holds at most ``burst`` recipients; a send larger than the burst
waits for a full bucket, goes, and leaves the bucket in debt so the sends
after it wait its share. :func:`gcra` is that formula and nothing else; the
in-process limiter here, the Redis script in ``ratelimit_redis`` and the local
SES server's quota emulation (``aws_ses.local.quota``) all use it.

Limiters are shared: :func:`limiter_for` returns one per account, region and
limit for the whole process, so every client of an account draws on the same
bucket. With ``rate_limit_url`` the bucket lives in Redis and is shared by
every process that names the same URL and account.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any

from aws_ses.errors import RateLimiterUnavailable, RateLimitTimeout, SesValidationError

if TYPE_CHECKING:
    from aws_ses.config import SesConfig

__all__ = [
    "AUTO_REFRESH_SECONDS",
    "LocalRateLimiter",
    "RateLimiter",
    "RateLimiterUnavailable",
    "gcra",
    "limiter_for",
    "recipient_weight",
    "rescale_tat",
    "reset_limiters",
]

log = logging.getLogger("aws_ses.ratelimit")

# "auto": how long a MaxSendRate read from GetAccount is trusted.
AUTO_REFRESH_SECONDS = 600.0
# "auto": how long one caller's GetAccount fetch is waited for before the
# specification's default rate is used instead.
_CLAIM_SECONDS = 10.0

Clock = Callable[[], float]
Sleep = Callable[[float], None]
AsyncSleep = Callable[[float], Awaitable[None]]


# ------------------------------------------------------------------ the formula


def gcra(
    tat: float,
    now: float,
    weight: float,
    *,
    interval: float,
    tolerance: float,
    need: float | None = None,
) -> tuple[float, float]:
    """``(allow_at, new_tat)`` for a send of ``weight`` recipients arriving at ``now``.

    ``interval`` is seconds per recipient (``1/rate``), ``tolerance`` the
    bucket's depth in seconds (``burst/rate``). ``need`` is how many
    recipients of room the send waits for: by default ``min(weight, burst)``.
    The caller commits ``new_tat`` only when it lets the send go.
    """
    burst = tolerance / interval
    room = min(weight, burst) if need is None else min(need, burst)
    allow_at = max(now, tat + room * interval - tolerance)
    return allow_at, max(tat, now) + weight * interval


def rescale_tat(tat: float, now: float, old_interval: float, new_interval: float) -> float:
    """Carry a bucket's debt (in recipients) over to a new rate."""
    if tat <= now or old_interval == new_interval:
        return tat
    return now + (tat - now) * new_interval / old_interval


# ------------------------------------------------------------------ weights

_SEND_OPERATIONS = {
    "send_email": "SendEmail",
    "send_bulk_email": "SendBulkEmail",
    "send_custom_verification_email": "SendCustomVerificationEmail",
}


def recipient_weight(operation_name: str, params: Mapping[str, Any]) -> int:
    """How many recipients a call counts against the sending rate (0 for non-sends).

    ``operation_name`` is the SES name (``SendEmail``) or the Python one
    (``send_email``); ``params`` are the call's wire-named parameters, whose
    nested values may be typed structs or dicts.
    """
    from aws_ses.observability.redact import destination_count

    name = _SEND_OPERATIONS.get(operation_name, operation_name)
    if name not in _SEND_OPERATIONS.values():
        return 0
    return destination_count(name, params)


# ------------------------------------------------------------------ limiters


class RateLimiter(ABC):
    """What the call pipeline asks of a limiter, whatever its backend."""

    @abstractmethod
    def acquire(self, weight: float, *, max_wait: float | None = None) -> float:
        """Block until ``weight`` recipients may be sent; return the seconds waited.

        Raises :class:`~aws_ses.errors.RateLimitTimeout` without taking any
        capacity when the wait would exceed ``max_wait``.
        """

    @abstractmethod
    async def aacquire(self, weight: float, *, max_wait: float | None = None) -> float:
        """As :meth:`acquire`, awaiting instead of blocking the event loop."""

    @abstractmethod
    def needs_rate(self) -> bool:
        """For ``rate_limit="auto"``: True when the caller should read
        ``SendQuota.MaxSendRate`` with ``GetAccount`` and call :meth:`set_rate`."""

    @abstractmethod
    def set_rate(self, recipients_per_second: float) -> None:
        """Change the rate (``"auto"``); the bucket's current debt is kept."""

    @property
    @abstractmethod
    def rate(self) -> float | None:
        """Recipients per second, or None while an ``"auto"`` rate is unknown."""


class _AutoRate:
    """The bookkeeping of ``rate_limit="auto"``: when to fetch, who fetches."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self.set_at: float | None = None
        self.claimed_at: float | None = None
        self.known = threading.Event()

    def claim(self) -> bool:
        now = self._clock()
        fresh = self.set_at is not None and now - self.set_at < AUTO_REFRESH_SECONDS
        if fresh or (self.claimed_at is not None and now - self.claimed_at < _CLAIM_SECONDS):
            return False
        self.claimed_at = now
        return True

    def mark_set(self) -> None:
        self.set_at = self._clock()
        self.claimed_at = None
        self.known.set()

    def claim_remaining(self) -> float:
        """Seconds a waiter should still give the current fetch (0: give up)."""
        if self.claimed_at is None:
            return 0.0
        return max(0.0, _CLAIM_SECONDS - (self._clock() - self.claimed_at))


def _positive(value: float, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        raise SesValidationError(name, f"must be a positive number, not {value!r}")
    return float(value)


def _check_weight(weight: float) -> float:
    if isinstance(weight, bool) or not isinstance(weight, int | float) or weight < 0:
        raise SesValidationError("weight", f"must be a number >= 0, not {weight!r}")
    return float(weight)


def _timeout(weight: float, wait: float, max_wait: float) -> RateLimitTimeout:
    return RateLimitTimeout(
        f"sending {weight:g} recipient(s) would wait {wait:.3f}s for the rate limit, "
        f"more than max_wait={max_wait:g}s"
    )


class LocalRateLimiter(RateLimiter):
    """An in-process GCRA bucket, safe to share between threads and tasks.

    Waiters reserve their slot when they arrive (first come, first served) and
    then sleep until it; a wait that is cancelled gives its slot back when no
    later waiter has queued behind it. ``rate=None`` with ``auto=True`` waits
    for :meth:`set_rate`. ``clock``, ``sleep`` and ``asleep`` are injectable
    for tests. ``start_full=False`` starts with an empty bucket.
    """

    def __init__(
        self,
        rate: float | None,
        burst: float | None = None,
        *,
        auto: bool = False,
        start_full: bool = True,
        clock: Clock = time.monotonic,
        sleep: Sleep = time.sleep,
        asleep: AsyncSleep = asyncio.sleep,
    ) -> None:
        if rate is None and not auto:
            raise SesValidationError("rate_limit", "a rate is needed unless it is 'auto'")
        self._fixed_burst = None if burst is None else _positive(burst, "rate_limit_burst")
        self._clock = clock
        self._sleep = sleep
        self._asleep = asleep
        self._lock = threading.Lock()
        self._auto = _AutoRate(clock) if auto else None
        self._start_full = start_full
        self._rate: float | None = None
        self._interval = 0.0
        self._tolerance = 0.0
        self._tat = float("-inf")
        if rate is not None:
            self._apply_rate(_positive(rate, "rate_limit"))
            if auto:
                self._auto.mark_set()  # type: ignore[union-attr]

    # -- rate ------------------------------------------------------------
    def _apply_rate(self, rate: float) -> None:
        interval = 1.0 / rate
        burst = self._fixed_burst if self._fixed_burst is not None else rate
        now = self._clock()
        if self._rate is None:
            self._tat = float("-inf") if self._start_full else now + burst * interval
        else:
            self._tat = rescale_tat(self._tat, now, self._interval, interval)
        self._rate, self._interval, self._tolerance = rate, interval, burst * interval

    @property
    def rate(self) -> float | None:
        return self._rate

    @property
    def burst(self) -> float | None:
        return None if self._rate is None else self._tolerance / self._interval

    def needs_rate(self) -> bool:
        if self._auto is None:
            return False
        with self._lock:
            return self._auto.claim()

    def set_rate(self, recipients_per_second: float) -> None:
        rate = _positive(recipients_per_second, "MaxSendRate")
        with self._lock:
            if rate != self._rate:
                self._apply_rate(rate)
            if self._auto is not None:
                self._auto.mark_set()

    def _default_rate(self) -> None:
        from aws_ses.config import DEFAULT_RATE_LIMIT

        log.warning(
            "rate_limit='auto' has no MaxSendRate yet; using %g recipients/s",
            DEFAULT_RATE_LIMIT,
            extra={"rate_limit": DEFAULT_RATE_LIMIT},
        )
        with self._lock:
            if self._rate is None:
                self._apply_rate(DEFAULT_RATE_LIMIT)

    def _wait_for_rate(self) -> None:
        auto = self._auto
        if self._rate is not None or auto is None:
            return
        auto.known.wait(auto.claim_remaining())
        if self._rate is None:
            self._default_rate()

    async def _await_rate(self) -> None:
        auto = self._auto
        if self._rate is not None or auto is None:
            return
        while self._rate is None and auto.claim_remaining() > 0:
            await asyncio.sleep(0.02)
        if self._rate is None:
            self._default_rate()

    # -- admission -------------------------------------------------------
    def reserve(
        self, weight: float, *, max_wait: float | None = None
    ) -> tuple[float, float, float]:
        """Take a slot: ``(allow_at, tat_before, tat_after)`` on this limiter's clock.

        Raises :class:`RateLimitTimeout`, taking nothing, when the slot is
        more than ``max_wait`` seconds away.
        """
        with self._lock:
            now = self._clock()
            allow_at, new_tat = gcra(
                self._tat, now, weight, interval=self._interval, tolerance=self._tolerance
            )
            if max_wait is not None and allow_at - now > max_wait + 1e-9:
                raise _timeout(weight, allow_at - now, max_wait)
            before = max(self._tat, now)
            self._tat = new_tat
            return allow_at, before, new_tat

    def _give_back(self, before: float, after: float) -> None:
        # Only the last reservation can be undone exactly.
        with self._lock:
            if self._tat == after:
                self._tat = before

    def acquire(self, weight: float, *, max_wait: float | None = None) -> float:
        weight = _check_weight(weight)
        if weight == 0:
            return 0.0
        start = self._clock()
        self._wait_for_rate()
        allow_at, before, after = self.reserve(weight, max_wait=_left(max_wait, start, self._clock))
        try:
            delay = allow_at - self._clock()
            if delay <= 0:
                return 0.0  # its slot has come: no wait to report
            self._sleep(delay)
        except BaseException:
            self._give_back(before, after)
            raise
        return max(0.0, self._clock() - start)

    async def aacquire(self, weight: float, *, max_wait: float | None = None) -> float:
        weight = _check_weight(weight)
        if weight == 0:
            return 0.0
        start = self._clock()
        await self._await_rate()
        allow_at, before, after = self.reserve(weight, max_wait=_left(max_wait, start, self._clock))
        try:
            delay = allow_at - self._clock()
            if delay <= 0:
                return 0.0  # its slot has come: no wait to report
            await self._asleep(delay)
        except BaseException:
            self._give_back(before, after)
            raise
        return max(0.0, self._clock() - start)

    def __repr__(self) -> str:
        return f"LocalRateLimiter(rate={self._rate!r}, burst={self.burst!r})"


def _left(max_wait: float | None, start: float, clock: Clock) -> float | None:
    return None if max_wait is None else max(0.0, max_wait - (clock() - start))


# ------------------------------------------------------------------ the registry

_registry: dict[tuple[Any, ...], RateLimiter] = {}
_registry_lock = threading.Lock()


def _account_digest(account_key: str) -> str:
    # Keys are often access key ids: keep them out of Redis key names and reprs.
    import hashlib

    return hashlib.sha256(account_key.encode()).hexdigest()[:16]


def limiter_for(config: SesConfig, *, region: str, account_key: str) -> RateLimiter | None:
    """The process-wide limiter for this account and region, or None when limiting is off.

    Clients that name the same account, region, limit and backend share one
    limiter (and so one rate). ``account_key`` identifies the account (its id,
    or the access key id when the id is unknown); it is hashed before use.
    """
    rate = config.effective_rate_limit
    if rate is None:
        return None
    auto = rate == "auto"
    fixed: float | None = None if rate == "auto" else float(rate)
    burst = config.rate_limit_burst
    key = (config.rate_limit_url, config.rate_limit_fallback, account_key, region, rate, burst)
    found = _registry.get(key)  # the common case, without the lock
    if found is not None:
        return found
    with _registry_lock:
        found = _registry.get(key)
        if found is not None:
            return found
        account = _account_digest(account_key)
        limiter: RateLimiter
        if config.rate_limit_url:
            from aws_ses.resilience.ratelimit_redis import RedisRateLimiter

            limiter = RedisRateLimiter(
                config.rate_limit_url,
                key=f"aws_ses:ratelimit:{account}:{region}",
                rate=fixed,
                burst=burst,
                auto=auto,
                fallback=config.rate_limit_fallback,
            )
        else:
            limiter = LocalRateLimiter(fixed, burst, auto=auto)
        _registry[key] = limiter
        return limiter


def reset_limiters() -> None:
    """Forget every shared limiter (tests; a forked child that wants fresh buckets)."""
    with _registry_lock:
        found = list(_registry.values())
        _registry.clear()
    for limiter in found:
        close = getattr(limiter, "close", None)
        if close is not None:
            close()
