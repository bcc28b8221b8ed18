"""A circuit breaker per (region, endpoint URL), shared by a process's clients.

After ``threshold`` consecutive failures (5xx, timeouts, connection failures;
never 4xx, never throttling) the circuit opens: calls fail at once with
:class:`~aws_ses.errors.CircuitOpenError`, no request made, for ``cooldown``
seconds. Then one probe goes through (half-open): its success closes the
circuit, its failure opens it again. Transitions are logged at WARNING on
the ``aws_ses.breaker`` logger.
"""

from __future__ import annotations

import contextlib
import threading
import weakref
from collections.abc import Callable
from enum import Enum

from aws_ses.errors import CircuitOpenError
from aws_ses.observability.logs import log_breaker_transition

__all__ = ["BreakerState", "CircuitBreaker", "breaker_for", "reset_breakers"]


class BreakerState(Enum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


class CircuitBreaker:
    """Thread-safe; ``allow()`` before each attempt, then ``record(failed)``."""

    def __init__(
        self,
        key: tuple[str, str],
        *,
        threshold: int,
        cooldown: float,
        clock: Callable[[], float],
    ) -> None:
        self.key = key
        self.threshold = threshold
        self.cooldown = cooldown
        self._clock = clock
        self._lock = threading.Lock()
        self._state = BreakerState.CLOSED
        self._failures = 0
        self._opened_at = 0.0
        self._probing = False

    @property
    def state(self) -> BreakerState:
        with self._lock:
            if self._state is BreakerState.OPEN and self._cooled():
                return BreakerState.HALF_OPEN
            return self._state

    @property
    def consecutive_failures(self) -> int:
        return self._failures

    def _cooled(self) -> bool:
        return self._clock() - self._opened_at >= self.cooldown

    def allow(self) -> bool:
        """Whether an attempt may go out now. True means it is the probe when half-open."""
        with self._lock:
            if self._state is BreakerState.CLOSED:
                return True
            if self._state is BreakerState.OPEN:
                if not self._cooled():
                    return False
                self._transition(BreakerState.HALF_OPEN)
            if self._probing:
                return False  # one probe at a time
            self._probing = True
            return True

    def check(self) -> None:
        """Raise :class:`CircuitOpenError` unless an attempt may go out now."""
        if not self.allow():
            region, url = self.key
            retry_in = max(0.0, self.cooldown - (self._clock() - self._opened_at))
            raise CircuitOpenError(
                f"circuit open for {url} ({region}) after {self.threshold} consecutive "
                f"failures; no request was made; next probe in {retry_in:.1f}s",
                code="CircuitOpen",
            )

    def record(self, failed: bool) -> None:
        with self._lock:
            self._probing = False
            if not failed:
                self._failures = 0
                if self._state is not BreakerState.CLOSED:
                    self._transition(BreakerState.CLOSED)
                return
            self._failures += 1
            if self._state is BreakerState.HALF_OPEN or (
                self._state is BreakerState.CLOSED and self._failures >= self.threshold
            ):
                self._open()

    def release_probe(self) -> None:
        """An attempt that was allowed ended without an outcome (cancelled)."""
        with self._lock:
            self._probing = False

    def _open(self) -> None:
        self._opened_at = self._clock()
        self._transition(BreakerState.OPEN)

    def _transition(self, state: BreakerState) -> None:
        if state is self._state:
            return
        previous, self._state = self._state, state
        region, url = self.key
        log_breaker_transition(
            endpoint=url,
            region=region,
            old=previous.value,
            new=state.value,
            failures=self._failures,
        )

    def __repr__(self) -> str:
        return f"CircuitBreaker({self.key[1]!r}, state={self.state.value!r})"


_registry: dict[tuple[str, str, int], CircuitBreaker] = {}
_registry_lock = threading.Lock()


def breaker_for(
    region: str,
    url: str,
    *,
    threshold: int,
    cooldown: float,
    clock: Callable[[], float],
    transport: object | None = None,
) -> CircuitBreaker:
    """The process-wide breaker for this endpoint (the first client's settings win).

    Clients on the default transports share one breaker per (region, URL).
    A client given its own ``transport`` (a mock, an ASGI app) does not talk
    to that endpoint over the network, so it shares a breaker only with the
    clients using the same transport object.
    """
    key = (region, url, id(transport) if transport is not None else 0)
    with _registry_lock:
        breaker = _registry.get(key)
        created = breaker is None
        if breaker is None:
            breaker = _registry[key] = CircuitBreaker(
                (region, url), threshold=threshold, cooldown=cooldown, clock=clock
            )
    if created and transport is not None:
        # Outside the lock: registering may run a garbage collection, whose
        # finalizers call _forget. A transport that cannot be weakly
        # referenced keeps its entry for the life of the process.
        with contextlib.suppress(TypeError):
            weakref.finalize(transport, _forget, key)
    return breaker


def _forget(key: tuple[str, str, int]) -> None:
    # No lock: a finalizer may run while this thread holds it; pop is atomic.
    _registry.pop(key, None)


def reset_breakers() -> None:
    """Forget every breaker (for tests and long-lived processes that reconfigure)."""
    with _registry_lock:
        _registry.clear()
