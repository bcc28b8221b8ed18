"""Time and chance, injectable: what the call pipeline asks of the world.

Production uses the real clock, sleep and random; tests pass a
:class:`Runtime` with a fake clock and seeded randomness
(``SesConfig(runtime=...)``), so retry delays and breaker timing are exact.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

import msgspec

__all__ = ["DEFAULT_RUNTIME", "Runtime", "system_random"]


def system_random() -> float:
    """``random.random()``, with ``random`` imported at the first use (the first
    retry's jitter): a call that is not retried never needs it."""
    from random import random

    return random()


class Runtime(msgspec.Struct, frozen=True):
    """``monotonic()`` seconds, blocking ``sleep``, asyncio ``asleep`` (None:
    ``asyncio.sleep``), and ``random()`` in [0, 1)."""

    monotonic: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    asleep: Callable[[float], Awaitable[None]] | None = None
    random: Callable[[], float] = system_random


DEFAULT_RUNTIME = Runtime()
