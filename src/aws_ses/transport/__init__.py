"""Transports: the seam between aws-ses and the network.

See :mod:`aws_ses.transport.base` for the contract. Importing this package
loads only the contract; each transport is imported on first access
(``from aws_ses.transport import AiohttpTransport``), so the sync client never
loads aiohttp and a test using ``MockTransport`` never loads urllib3.

:func:`sync_transport` and :func:`async_transport` build a transport by
name; ``"default"`` is the one the benchmarks chose (``docs/benchmarks.md``):
our own pooled HTTP/1.1 transports, with urllib3 and aiohttp kept as options.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from .base import AsyncTransport, HttpRequest, HttpResponse, Timeout, Transport

if TYPE_CHECKING:
    from .aiohttp_transport import AiohttpTransport as AiohttpTransport
    from .asgi import ASGITransport as ASGITransport
    from .asgi import SyncASGITransport as SyncASGITransport
    from .async_http11_transport import AsyncHttp11Transport as AsyncHttp11Transport
    from .http11_transport import Http11Transport as Http11Transport
    from .mock import AsyncMockTransport as AsyncMockTransport
    from .mock import MockTransport as MockTransport
    from .mock import error_response as error_response
    from .mock import json_response as json_response
    from .urllib3_transport import Urllib3Transport as Urllib3Transport

_LAZY = {
    "AiohttpTransport": ".aiohttp_transport",
    "AsyncHttp11Transport": ".async_http11_transport",
    "Http11Transport": ".http11_transport",
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
    "AsyncHttp11Transport",
    "AsyncMockTransport",
    "AsyncTransport",
    "HttpRequest",
    "Http11Transport",
    "HttpResponse",
    "MockTransport",
    "SyncASGITransport",
    "Timeout",
    "Transport",
    "Urllib3Transport",
    "async_transport",
    "error_response",
    "json_response",
    "sync_transport",
]

# name -> (module, class); "default" is what the clients should build.
_SYNC = {
    "default": (".http11_transport", "Http11Transport"),
    "http11": (".http11_transport", "Http11Transport"),
    "urllib3": (".urllib3_transport", "Urllib3Transport"),
}
_ASYNC = {
    "default": (".async_http11_transport", "AsyncHttp11Transport"),
    "http11": (".async_http11_transport", "AsyncHttp11Transport"),
    "aiohttp": (".aiohttp_transport", "AiohttpTransport"),
}


def sync_transport(name: str = "default", **options: Any) -> Transport:
    """A blocking transport by name: ``"default"`` (= ``"http11"``) or ``"urllib3"``.

    ``options`` are the transport's keywords (``max_pool_connections``,
    ``verify``, ``proxy``, ``trust_env``); only the chosen module is imported.
    """
    try:
        module, cls = _SYNC[name]
    except KeyError:
        raise ValueError(
            f"unknown sync transport {name!r}; choose one of {sorted(_SYNC)}"
        ) from None
    transport: Transport = getattr(import_module(module, __name__), cls)(**options)
    return transport


def async_transport(name: str = "default", **options: Any) -> AsyncTransport:
    """An asyncio transport by name: ``"default"`` (= ``"http11"``) or ``"aiohttp"``.

    Takes the same keywords as :func:`sync_transport`; aiohttp is imported
    only when it is asked for.
    """
    try:
        module, cls = _ASYNC[name]
    except KeyError:
        raise ValueError(
            f"unknown async transport {name!r}; choose one of {sorted(_ASYNC)}"
        ) from None
    transport: AsyncTransport = getattr(import_module(module, __name__), cls)(**options)
    return transport


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(module, __name__), name)
    globals()[name] = value  # later lookups skip this hook
    return value


def __dir__() -> list[str]:
    return sorted([*__all__, "AiohttpTransport"])
