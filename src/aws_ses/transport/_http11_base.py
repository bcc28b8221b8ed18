"""What the two own HTTP/1.1 transports share: everything but the I/O.

:class:`~aws_ses.transport.Http11Transport` (threads) and
:class:`~aws_ses.transport.AsyncHttp11Transport` (asyncio) differ only in
how they connect, write and wait. Their settings, the TLS context, the idle
connections kept per origin, the way a request's head is written (origin
form, or absolute form through a plain-HTTP proxy), the check of an idle
socket and the text of every error are written once, here.
"""

from __future__ import annotations

import os
import socket
import threading
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from aws_ses._http import HttpRequest, Timeout

from ..errors import SesTimeoutError, SesTransportError
from ._http11 import Incomplete, ProtocolError, encode_head
from ._proxy import Proxy, ProxyChooser, Target, check_verify, split_url

if TYPE_CHECKING:
    import ssl

__all__ = [
    "Http11Base",
    "PoolKey",
    "Route",
    "connect_error",
    "describe",
    "idle_socket_usable",
    "translate",
    "tunnel_head",
]

PoolKey = tuple[str, str, int, Proxy | None]
Conn = TypeVar("Conn")

_MAX_ROUTES = 256  # URLs remembered; a client calls few (every SendEmail the same one)

try:
    from select import POLLERR, POLLHUP, POLLIN, POLLNVAL, poll

    _IDLE_EVENTS = POLLIN | POLLERR | POLLHUP | POLLNVAL

    def idle_socket_usable(sock: Any) -> bool:
        """Whether an idle keep-alive socket is still good: it has nothing to read."""
        p = poll()
        p.register(sock, _IDLE_EVENTS)
        return not p.poll(0)

except ImportError:  # Windows: no poll(); select() has no descriptor limit there
    from select import select

    def idle_socket_usable(sock: Any) -> bool:
        """Whether an idle keep-alive socket is still good: it has nothing to read."""
        readable, _, errored = select([sock], [], [sock], 0)
        return not readable and not errored


class Route:
    """Where a URL's requests go, worked out once per URL: the origin, the proxy
    (if any), the request target as sent, the ``Host`` value and the pool key."""

    __slots__ = ("host", "key", "path", "proxy", "target")

    def __init__(self, url: str, proxies: ProxyChooser) -> None:
        target = split_url(url)
        proxy = proxies.choose(target)
        self.target = target
        self.proxy = proxy
        # Through a plain-HTTP proxy (no tunnel) the proxy reads the request
        # itself, so it goes in absolute form.
        absolute = proxy is not None and target.scheme == "http"
        self.path = url.partition("#")[0] if absolute else target.target
        host = target.host if ":" not in target.host else f"[{target.host}]"
        if target.port != (443 if target.scheme == "https" else 80):
            host = f"{host}:{target.port}"
        self.host = host
        self.key: PoolKey = (target.scheme, target.host, target.port, proxy)

    def head(self, request: HttpRequest) -> bytes:
        """The request line and headers (see :func:`~._http11.encode_head`)."""
        headers = request.headers
        proxy = self.proxy
        if proxy is not None and proxy.credentials is not None and self.target.scheme == "http":
            headers = {**headers, **proxy.headers}
        return encode_head(request.method, self.path, self.host, headers, len(request.body))


class Http11Base(Generic[Conn]):
    """Settings, TLS context, routes and idle pools of one own HTTP/1.1 transport.

    ``max_pool_connections`` is checked and kept as ``_limit``; ``verify``,
    ``proxy`` and ``trust_env`` mean what the transports' docstrings say.
    """

    def __init__(
        self,
        *,
        max_pool_connections: int,
        verify: bool | str | os.PathLike[str],
        proxy: str | None,
        trust_env: bool,
    ) -> None:
        if max_pool_connections < 1:
            raise ValueError("max_pool_connections must be at least 1")
        check_verify(verify)
        # An invalid proxy URL fails here, not at the first request.
        self._proxies = ProxyChooser(proxy=proxy, trust_env=trust_env)
        self._limit = max_pool_connections
        self._verify = verify
        self._proxy = proxy
        self._trust_env = trust_env
        self._ssl: ssl.SSLContext | None = None
        self._lock = threading.Lock()
        self._pools: dict[PoolKey, list[Conn]] = {}
        self._routes: dict[str, Route] = {}

    def _ssl_context(self) -> ssl.SSLContext:
        ctx = self._ssl
        if ctx is None:
            from ._proxy import make_ssl_context

            with self._lock:
                ctx = self._ssl
                if ctx is None:
                    ctx = self._ssl = make_ssl_context(self._verify)
        return ctx

    def _route(self, url: str) -> Route:
        route = self._routes.get(url)
        if route is None:
            route = Route(url, self._proxies)
            if len(self._routes) >= _MAX_ROUTES:
                self._routes.clear()  # many distinct URLs (paths with names): start over
            self._routes[url] = route
        return route

    def __repr__(self) -> str:
        return f"{type(self).__name__}(max_pool_connections={self._limit})"


def tunnel_head(target: Target, proxy: Proxy) -> bytes:
    """The ``CONNECT`` request that opens a tunnel through ``proxy`` to ``target``."""
    authority = f"[{target.host}]" if ":" in target.host else target.host
    authority = f"{authority}:{target.port}"
    return encode_head("CONNECT", authority, authority, proxy.headers, 0)


def describe(exc: BaseException) -> str:
    """A short reason for an error, never a URL (paths and queries may hold addresses)."""
    if isinstance(exc, OSError):
        message = getattr(exc, "verify_message", None) or exc.strerror
        return str(message) if message else (str(exc) or type(exc).__name__)
    return str(exc) or type(exc).__name__


def connect_error(
    exc: OSError, target: Target, proxy: Proxy | None, timeout: Timeout
) -> SesTransportError:
    """The error of a connection (to ``target``, or its proxy) that could not be opened."""
    where = target.origin
    via = "the proxy for " if proxy is not None else ""
    if isinstance(exc, socket.gaierror):
        name = "the proxy" if proxy is not None else target.host
        return SesTransportError(f"could not resolve {name}: {exc}", sent=False)
    if isinstance(exc, TimeoutError):
        return SesTimeoutError(
            f"timed out connecting to {via}{where} (connect timeout {timeout.connect} s)",
            sent=False,
        )
    return SesTransportError(f"could not connect to {via}{where}: {describe(exc)}", sent=False)


def translate(exc: Exception, target: Target, timeout: Timeout, *, sent: bool) -> SesTransportError:
    """The error of a request that failed once its connection was open."""
    where = target.origin
    if isinstance(exc, SesTransportError):
        return exc
    # BlockingIOError: a kernel socket timeout ran out (see Http11Transport).
    if isinstance(exc, TimeoutError | BlockingIOError):
        return SesTimeoutError(
            f"timed out waiting for {where} (read timeout {timeout.read} s)", sent=sent
        )
    if isinstance(exc, Incomplete):
        return SesTransportError(f"{where}: {exc}", sent=sent)
    if isinstance(exc, ProtocolError):
        return SesTransportError(f"invalid response from {where}: {exc}", sent=sent)
    if isinstance(exc, OSError):
        return SesTransportError(f"connection to {where} broke: {describe(exc)}", sent=sent)
    return SesTransportError(f"request to {where} failed: {type(exc).__name__}", sent=sent)
