"""Retries as the AWS SDKs' standard and adaptive modes define them.

Three separate pieces, each testable alone (as in botocore's
``retries/standard.py``): :class:`RetryQuota` (the per-client token bucket
that stops retry storms), :func:`backoff` (full jitter), and
:class:`AdaptiveRate` (the client-side CUBIC send rate of adaptive mode).
:class:`RetryPolicy` binds them to one client's settings. Time and
randomness come from a :class:`~aws_ses._runtime.Runtime`, so tests are exact.
"""

from __future__ import annotations

import threading
from typing import Final

from aws_ses._runtime import Runtime
from aws_ses.resilience.classify import Kind

__all__ = [
    "AdaptiveRate",
    "RetryPolicy",
    "RetryQuota",
    "backoff",
    "retry_after_seconds",
]

MAX_BACKOFF: Final = 20.0  # seconds, for the formula and for x-amz-retry-after
BASE_TRANSIENT: Final = 0.05
BASE_THROTTLE: Final = 1.0
QUOTA_CAPACITY: Final = 500
COST_TRANSIENT: Final = 14
COST_THROTTLE: Final = 5
NO_RETRY_REFUND: Final = 1  # a first-try success adds one token back


def backoff(attempt: int, kind: Kind, rand: float) -> float:
    """Seconds to wait after failed attempt ``attempt`` (1-based).

    ``rand * min(20 s, base * 2 ** (attempt - 1))``, base 1 s for throttling
    and 50 ms otherwise.
    """
    base = BASE_THROTTLE if kind is Kind.THROTTLE else BASE_TRANSIENT
    return rand * min(MAX_BACKOFF, base * 2.0 ** (attempt - 1))


def retry_after_seconds(headers: dict[str, str]) -> float | None:
    """``x-amz-retry-after`` (milliseconds) as seconds, capped at 20 s."""
    value = headers.get("x-amz-retry-after")
    if value is None:
        return None
    try:
        millis = int(value.strip())
    except ValueError:
        return None
    return min(max(millis, 0) / 1000.0, MAX_BACKOFF)


class RetryQuota:
    """A shared budget of retries: each retry spends tokens, success refunds.

    When the bucket cannot pay for a retry, the error goes to the caller at
    once: a service in trouble is not hammered by every caller at full speed.
    """

    __slots__ = ("_lock", "capacity", "tokens")

    def __init__(self, capacity: int = QUOTA_CAPACITY) -> None:
        self.capacity = capacity
        self.tokens = capacity
        self._lock = threading.Lock()

    def acquire(self, kind: Kind) -> int:
        """Spend the cost of one retry; returns it, or 0 when the quota is spent."""
        cost = COST_THROTTLE if kind is Kind.THROTTLE else COST_TRANSIENT
        with self._lock:
            if self.tokens < cost:
                return 0
            self.tokens -= cost
            return cost

    def release(self, amount: int) -> None:
        with self._lock:
            self.tokens = min(self.capacity, self.tokens + amount)

    def __repr__(self) -> str:
        return f"RetryQuota(tokens={self.tokens}, capacity={self.capacity})"


class AdaptiveRate:
    """Adaptive mode's client-side send rate (CUBIC, as the AWS SDKs do it).

    Off until the first throttling response; then a token bucket whose fill
    rate drops by ``BETA`` on each throttle and grows back along a cubic curve
    while calls succeed. ``delay()`` says how long the next attempt must wait.
    """

    BETA: Final = 0.7
    SCALE: Final = 0.4
    SMOOTH: Final = 0.8
    MIN_RATE: Final = 0.5
    BUCKET_SECONDS: Final = 0.5

    def __init__(self, runtime: Runtime) -> None:
        self._now = runtime.monotonic
        self._lock = threading.Lock()
        self.enabled = False
        self.fill_rate = 0.0
        self._tokens = 0.0
        self._capacity = 0.0
        self._last_fill = self._now()
        self._last_max_rate = 0.0
        self._last_throttle = self._now()
        self._measured = 0.0
        self._bucket = int(self._last_fill / self.BUCKET_SECONDS)
        self._count = 0

    def delay(self) -> float:
        """Seconds to wait before sending; reserves one token."""
        with self._lock:
            if not self.enabled:
                return 0.0
            self._refill()
            self._tokens -= 1.0
            if self._tokens >= 0:
                return 0.0
            return -self._tokens / self.fill_rate

    def update(self, throttled: bool) -> None:
        """Feed one response's outcome back into the rate."""
        with self._lock:
            now = self._now()
            self._measure(now)
            if throttled:
                rate = self._measured if not self.enabled else min(self._measured, self.fill_rate)
                self._last_max_rate = max(rate, self.MIN_RATE)
                self._last_throttle = now
                new_rate = self._last_max_rate * self.BETA
                self.enabled = True
            else:
                if not self.enabled:
                    return
                k = (self._last_max_rate * (1 - self.BETA) / self.SCALE) ** (1 / 3)
                new_rate = self.SCALE * (now - self._last_throttle - k) ** 3 + self._last_max_rate
            self._set_rate(min(new_rate, 2 * max(self._measured, self.MIN_RATE)))

    def _measure(self, now: float) -> None:
        bucket = int(now / self.BUCKET_SECONDS)
        self._count += 1
        if bucket > self._bucket:
            current = self._count / ((bucket - self._bucket) * self.BUCKET_SECONDS)
            self._measured = current * self.SMOOTH + self._measured * (1 - self.SMOOTH)
            self._count = 0
            self._bucket = bucket

    def _refill(self) -> None:
        now = self._now()
        self._tokens = min(self._capacity, self._tokens + (now - self._last_fill) * self.fill_rate)
        self._last_fill = now

    def _set_rate(self, rate: float) -> None:
        self._refill()
        self.fill_rate = max(rate, self.MIN_RATE)
        self._capacity = max(self.fill_rate, 1.0)
        self._tokens = min(self._tokens, self._capacity)


class RetryPolicy:
    """One client's retry settings plus its shared quota (and adaptive rate)."""

    __slots__ = ("adaptive", "max_attempts", "mode", "quota", "retry_ambiguous_sends", "runtime")

    def __init__(
        self,
        *,
        mode: str,
        max_attempts: int,
        retry_ambiguous_sends: bool,
        runtime: Runtime,
        quota: RetryQuota | None = None,
        adaptive: AdaptiveRate | None = None,
    ) -> None:
        self.mode = mode
        self.max_attempts = 1 if mode == "off" else max_attempts
        self.retry_ambiguous_sends = retry_ambiguous_sends
        self.runtime = runtime
        self.quota = quota if quota is not None else RetryQuota()
        self.adaptive = adaptive if adaptive is not None or mode != "adaptive" else None
        if mode == "adaptive" and self.adaptive is None:
            self.adaptive = AdaptiveRate(runtime)

    def delay(self, attempt: int, kind: Kind, headers: dict[str, str] | None) -> float:
        """Seconds before the next attempt; ``x-amz-retry-after`` wins when present."""
        hinted = retry_after_seconds(headers) if headers else None
        if hinted is not None:
            return hinted
        return backoff(attempt, kind, self.runtime.random())

    def __repr__(self) -> str:
        return f"RetryPolicy(mode={self.mode!r}, max_attempts={self.max_attempts})"
