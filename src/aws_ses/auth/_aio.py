"""``asyncio``, imported on first use: the sync client must not load it."""

from __future__ import annotations

import importlib
from typing import Any


class _LazyAsyncio:
    def __getattr__(self, name: str) -> Any:
        return getattr(importlib.import_module("asyncio"), name)


asyncio = _LazyAsyncio()
