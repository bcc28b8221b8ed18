"""Transports: the seam between aws-ses and the network.

See :mod:`aws_ses.transport.base` for the contract. Importing this package
loads only the contract; each transport is imported on first access
(``from aws_ses.transport import AiohttpTransport``), so the sync client never
loads aiohttp and a test using ``MockTransport`` never loads urllib3.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from .base import AsyncTransport, HttpRequest, HttpResponse, Timeout, Transport

if TYPE_CHECKING:
    from .aiohttp_transport import AiohttpTransport as AiohttpTransport
    from .asgi import ASGITransport as ASGITransport
    from .asgi import SyncASGITransport as SyncASGITransport
    from .mock import AsyncMockTransport as AsyncMockTransport
    from .mock import MockTransport as MockTransport
    from .mock import error_response as error_response
    from .mock import json_response as json_response
    from .urllib3_transport import Urllib3Transport as Urllib3Transport

_LAZY = {
    "AiohttpTransport": ".aiohttp_transport",
    "ASGITransport": ".asgi",
    "SyncASGITransport": ".asgi",
    "AsyncMockTransport": ".mock",
    "MockTransport": ".mock",
    "error_response": ".mock",
    "json_response": ".mock",
    "Urllib3Transport": ".urllib3_transport",
}

# AiohttpTransport is left out on purpose: a star import must not load aiohttp.
__all__ = [
    "ASGITransport",
    "AsyncMockTransport",
    "AsyncTransport",
    "HttpRequest",
    "HttpResponse",
    "MockTransport",
    "SyncASGITransport",
    "Timeout",
    "Transport",
    "Urllib3Transport",
    "error_response",
    "json_response",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(module, __name__), name)
    globals()[name] = value  # later lookups skip this hook
    return value


def __dir__() -> list[str]:
    return sorted([*__all__, "AiohttpTransport"])
