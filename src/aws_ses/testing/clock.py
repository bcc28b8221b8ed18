"""A fake clock for the call pipeline: retries and breaker cool-downs without waiting.

Mock clients use one by default, so a test of throttling that the client
retries takes no time, and can still check how long the client would have
waited::

    clock = FakeClock()
    client, transport = mock_client(responder.throttle(times=2), clock=clock)
    client.send_email(...)        # two 429s, retried at once
    assert len(clock.sleeps) == 2
"""

from __future__ import annotations

import random
import threading

from aws_ses._runtime import Runtime

__all__ = ["FakeClock"]


class FakeClock:
    """Virtual time: ``sleep`` adds to ``now`` at once and is recorded in ``sleeps``.

    ``random`` comes from a generator seeded with ``seed``, so retry jitter
    is the same on every run.
    """

    def __init__(self, start: float = 1_000.0, *, seed: int = 0) -> None:
        self.now = start
        self.sleeps: list[float] = []
        self._random = random.Random(seed)
        self._lock = threading.Lock()

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.sleeps.append(seconds)
            self.now += max(0.0, seconds)

    async def asleep(self, seconds: float) -> None:
        self.sleep(seconds)

    def advance(self, seconds: float) -> None:
        """Let time pass without a sleep being recorded (a breaker cool-down, say)."""
        with self._lock:
            self.now += seconds

    def random(self) -> float:
        with self._lock:
            return self._random.random()

    @property
    def runtime(self) -> Runtime:
        """What ``SesConfig(runtime=...)`` takes."""
        return Runtime(
            monotonic=self.monotonic, sleep=self.sleep, asleep=self.asleep, random=self.random
        )

    def __repr__(self) -> str:
        return f"FakeClock(now={self.now}, sleeps={len(self.sleeps)})"
