"""The default blocking transport, built on urllib3.

One pool manager keeps connections alive per host; urllib3 neither retries
nor follows redirects here, because the retry policy (which must know
whether a mail may already have gone out) lives above the transport.

To tell "never sent" from "maybe sent" exactly, the pools use connection
classes that note, per thread, the moment a request starts to go out: after
the TCP connection, the proxy tunnel and the TLS handshake succeeded. Any
failure before that point is ``sent=False`` whatever urllib3 calls it (it
reports a TLS handshake timeout as a *read* timeout, for instance). The same
hook sends the request target exactly as given, undoing urllib3's
normalisation of percent escapes, since the target was signed as it is.
"""

from __future__ import annotations

import functools
import http.client
import os
import ssl
import threading
from types import TracebackType
from typing import Any

import urllib3
from urllib3 import exceptions as u3
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from aws_ses._http import HttpRequest, HttpResponse, Timeout

from ..errors import SesTimeoutError, SesTransportError
from ._proxy import Proxy, Target, make_ssl_context, parse_proxy_url, select_proxy, split_url

__all__ = ["Urllib3Transport"]

# Per send: ``sent`` is False until the request's bytes start to leave, and
# ``target`` is the request target as the caller wrote it. A send runs start
# to end on one thread, so a thread-local is exact.
_progress = threading.local()


def _start_sending(conn: HTTPConnection, url: str) -> str:
    # Plain-HTTP connections would otherwise connect lazily inside request();
    # connect first so connect errors happen before the mark.
    if conn.is_closed:
        conn.connect()
    _progress.sent = True
    # urllib3 upper-cases percent escapes in the target on its way here
    # (%2f -> %2F); put back the signed one, byte for byte.
    target: str | None = getattr(_progress, "target", None)
    return target or url


def _check_head(response: Any) -> Any:
    # urllib3 only logs a response whose header block was cut off (or broken
    # by a line without a colon) and returns it as a success with whatever
    # came before: here that is an error, since the reply may be a
    # truncated error answer. urllib3 closes the connection when this raises.
    original = getattr(response, "_original_response", None)
    defects = getattr(getattr(original, "msg", None), "defects", ())
    if any(type(d).__name__ == "MissingHeaderBodySeparatorDefect" for d in defects):
        raise u3.ProtocolError("the response headers were cut short or malformed")
    return response


class _HTTPConnection(HTTPConnection):
    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> None:
        super().request(method, _start_sending(self, url), *args, **kwargs)

    def getresponse(self) -> Any:
        return _check_head(super().getresponse())


class _HTTPSConnection(HTTPSConnection):
    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> None:
        super().request(method, _start_sending(self, url), *args, **kwargs)

    def getresponse(self) -> Any:
        return _check_head(super().getresponse())


class _HTTPPool(HTTPConnectionPool):
    ConnectionCls = _HTTPConnection


class _HTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _HTTPSConnection


_POOL_CLASSES: dict[str, type[HTTPConnectionPool]] = {"http": _HTTPPool, "https": _HTTPSPool}


@functools.lru_cache(maxsize=16)
def _urllib3_timeout(timeout: Timeout) -> urllib3.Timeout:
    # Pools clone the object before use, so one instance can be shared.
    return urllib3.Timeout(connect=timeout.connect, read=timeout.read)


class Urllib3Transport:
    """A blocking :class:`~aws_ses.transport.Transport` on a urllib3 pool.

    ``max_pool_connections`` is how many idle connections are kept per host
    (more threads than that still work; the extra connections are closed
    after use). ``verify`` is ``True`` (system CA store), a CA bundle path,
    or ``False``. ``proxy`` forces a proxy for every request; otherwise, with
    ``trust_env``, ``HTTPS_PROXY``/``HTTP_PROXY``/``NO_PROXY`` are read at
    each request (see :mod:`aws_ses.transport._proxy`). Safe to share
    between threads.
    """

    def __init__(
        self,
        *,
        max_pool_connections: int = 10,
        verify: bool | str | os.PathLike[str] = True,
        proxy: str | None = None,
        trust_env: bool = True,
    ) -> None:
        if max_pool_connections < 1:
            raise ValueError("max_pool_connections must be at least 1")
        if proxy is not None:
            parse_proxy_url(proxy)  # fail now, not at the first request
        self._proxy = proxy
        self._trust_env = trust_env
        self._pool_kw: dict[str, Any] = {
            "maxsize": max_pool_connections,
            "ssl_context": make_ssl_context(verify),
            # urllib3 applies cert_reqs to the context it is given.
            "cert_reqs": "CERT_REQUIRED" if verify is not False else "CERT_NONE",
            "retries": False,
        }
        self._direct = self._new_manager(None)
        self._proxied: dict[Proxy, urllib3.PoolManager] = {}
        self._lock = threading.Lock()

    def _new_manager(self, proxy: Proxy | None) -> urllib3.PoolManager:
        manager: urllib3.PoolManager
        if proxy is None:
            manager = urllib3.PoolManager(**self._pool_kw)
        else:
            manager = urllib3.ProxyManager(proxy.url, proxy_headers=proxy.headers, **self._pool_kw)
        manager.pool_classes_by_scheme = _POOL_CLASSES
        return manager

    def _manager_for(self, proxy: Proxy | None) -> urllib3.PoolManager:
        if proxy is None:
            return self._direct
        manager = self._proxied.get(proxy)
        if manager is None:
            with self._lock:
                manager = self._proxied.get(proxy)
                if manager is None:
                    manager = self._proxied[proxy] = self._new_manager(proxy)
        return manager

    def send(self, request: HttpRequest, *, timeout: Timeout) -> HttpResponse:
        target = split_url(request.url)
        proxy = select_proxy(target, proxy=self._proxy, trust_env=self._trust_env)
        pool = self._manager_for(proxy).connection_from_host(
            target.host, target.port, target.scheme
        )
        # Only a plain-HTTP request through a proxy uses the absolute form;
        # HTTPS goes through a CONNECT tunnel with the usual origin form.
        url = target.target
        if proxy is not None and target.scheme == "http":
            url = request.url.partition("#")[0]
        _progress.sent, _progress.target = False, url
        try:
            response = pool.urlopen(
                request.method,
                url,
                # No body means no Content-Length on GET, as with other clients.
                body=request.body or None,
                headers=request.headers,
                retries=False,
                redirect=False,
                assert_same_host=False,
                preload_content=True,
                decode_content=False,
                timeout=_urllib3_timeout(timeout),
            )
        except u3.LocationValueError:
            raise  # a malformed URL is a caller bug, not a network failure
        except (u3.HTTPError, http.client.HTTPException, OSError) as exc:
            raise _translate(exc, target, timeout, sent=_progress.sent) from exc
        headers = {name.lower(): value for name, value in response.headers.itermerged()}
        return HttpResponse(response.status, headers, response.data)

    def close(self) -> None:
        self._direct.clear()
        with self._lock:
            managers, self._proxied = list(self._proxied.values()), {}
        for manager in managers:
            manager.clear()

    def __enter__(self) -> Urllib3Transport:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(max_pool_connections={self._pool_kw['maxsize']})"


def _reason(exc: BaseException) -> str:
    """The innermost cause's text, e.g. "[Errno 111] Connection refused".

    urllib3 nests the useful part in ``args`` or ``__cause__``; none of these
    carry request headers or bodies.
    """
    seen: set[int] = set()
    while id(exc) not in seen:
        seen.add(id(exc))
        nested = [a for a in exc.args if isinstance(a, BaseException)]
        if nested:
            exc = nested[-1]
        elif isinstance(exc, u3.ProxyError):
            exc = exc.original_error
        elif exc.__cause__ is not None:
            exc = exc.__cause__
        else:
            break
    return str(exc) or type(exc).__name__


def _is_timeout(exc: BaseException) -> bool:
    if isinstance(exc, u3.NewConnectionError):  # a subclass of ConnectTimeoutError
        return False
    return isinstance(exc, u3.TimeoutError | TimeoutError)


def _translate(
    exc: BaseException, target: Target, timeout: Timeout, *, sent: bool
) -> SesTransportError:
    where = target.origin
    if isinstance(exc, u3.ProxyError):
        # urllib3 raises this only while reaching the proxy or opening the tunnel.
        if _is_timeout(exc.original_error):
            return SesTimeoutError(f"timed out connecting through the proxy to {where}", sent=False)
        return SesTransportError(f"proxy failed for {where}: {_reason(exc)}", sent=False)
    if isinstance(exc, u3.NameResolutionError):
        return SesTransportError(f"could not resolve {target.host}: {_reason(exc)}", sent=False)
    if isinstance(exc, u3.NewConnectionError):
        return SesTransportError(f"could not connect to {where}: {_reason(exc)}", sent=False)
    if isinstance(exc, u3.ConnectTimeoutError):
        return SesTimeoutError(
            f"timed out connecting to {where} (connect timeout {timeout.connect} s)", sent=False
        )
    if isinstance(exc, u3.ReadTimeoutError):
        if not sent:
            return SesTimeoutError(
                f"timed out in the TLS handshake with {where} "
                f"(connect timeout {timeout.connect} s)",
                sent=False,
            )
        return SesTimeoutError(
            f"timed out waiting for {where} (read timeout {timeout.read} s)", sent=True
        )
    if isinstance(exc, u3.SSLError | ssl.SSLError):
        return SesTransportError(f"TLS error with {where}: {_reason(exc)}", sent=sent)
    if isinstance(exc, u3.ProtocolError):
        return SesTransportError(f"connection to {where} broke: {_reason(exc)}", sent=sent)
    return SesTransportError(f"request to {where} failed: {_reason(exc)}", sent=sent)
