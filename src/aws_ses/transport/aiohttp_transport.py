"""The default asyncio transport, built on aiohttp.

This is the only module that imports aiohttp; it is loaded when the first
async client is built, so sync-only programs never pay for it.

aiohttp is told to leave the request alone: the URL goes out as already
encoded (it was signed that way), no ``Content-Type`` is invented for the
body, no compression is asked for and none is undone (the body returned is
the bytes the server sent), no cookies are kept and no redirects followed.
aiohttp itself repeats an *idempotent* request once when a pooled
keep-alive connection turns out to be dead (RFC 9112 section 9.3.1); it
never does so for POST, so a mail is not sent twice by this layer.
"""

from __future__ import annotations

import asyncio
import os
from types import TracebackType

import aiohttp
from yarl import URL

from aws_ses._http import HttpRequest, HttpResponse, Timeout

from ..errors import SesTimeoutError, SesTransportError
from ._proxy import Target, make_ssl_context, parse_proxy_url, select_proxy, split_url

__all__ = ["AiohttpTransport"]

# Headers aiohttp would add on its own that could change what is sent or
# received: a guessed Content-Type, and an Accept-Encoding that would invite
# compressed bodies we then return as is.
_SKIP_AUTO_HEADERS = frozenset({"Content-Type", "Accept-Encoding"})


class AiohttpTransport:
    """An :class:`~aws_ses.transport.AsyncTransport` on an aiohttp session.

    The session (and its connection pool of at most ``max_pool_connections``
    connections in all) is created at the first :meth:`send`, inside the
    running event loop, and stays bound to that loop until :meth:`aclose`. ``verify``, ``proxy``
    and ``trust_env`` mean what they mean for
    :class:`~aws_ses.transport.Urllib3Transport`; aiohttp's own
    environment handling is off so both transports follow the same rules.
    """

    def __init__(
        self,
        *,
        max_pool_connections: int = 100,
        verify: bool | str | os.PathLike[str] = True,
        proxy: str | None = None,
        trust_env: bool = True,
    ) -> None:
        if max_pool_connections < 1:
            raise ValueError("max_pool_connections must be at least 1")
        if proxy is not None:
            parse_proxy_url(proxy)  # fail now, not at the first request
        self._limit = max_pool_connections
        self._ssl = make_ssl_context(verify)
        self._proxy = proxy
        self._trust_env = trust_env
        self._session: aiohttp.ClientSession | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def _get_session(self) -> aiohttp.ClientSession:
        loop = asyncio.get_running_loop()
        session = self._session
        if session is not None and not session.closed:
            if loop is not self._loop:
                # Its pooled connections belong to that loop and cannot be
                # closed from here, even once the loop has ended.
                raise RuntimeError(
                    "AiohttpTransport is bound to the event loop it was first used in; "
                    "aclose() it there before using it in another loop"
                )
            return session
        # No await between the check and the assignment, so concurrent first
        # calls cannot create two sessions.
        connector = aiohttp.TCPConnector(limit=self._limit, ssl=self._ssl)
        session = aiohttp.ClientSession(
            connector=connector,
            skip_auto_headers=_SKIP_AUTO_HEADERS,
            auto_decompress=False,
            trust_env=False,
            cookie_jar=aiohttp.DummyCookieJar(),
            timeout=aiohttp.ClientTimeout(total=None),
        )
        self._session, self._loop = session, loop
        return session

    async def send(self, request: HttpRequest, *, timeout: Timeout) -> HttpResponse:
        target = split_url(request.url)
        session = self._get_session()
        proxy = select_proxy(target, proxy=self._proxy, trust_env=self._trust_env)
        headers = request.headers
        proxy_url: str | None = None
        proxy_headers: dict[str, str] | None = None
        if proxy is not None:
            proxy_url, proxy_headers = proxy.url, proxy.headers
            if proxy_headers and target.scheme == "http":
                # Without a tunnel the proxy reads the request itself, so its
                # credentials travel there (aiohttp adds them only to CONNECT).
                headers = {**headers, **proxy_headers}
        for attempt in (1, 2):
            try:
                return await self._exchange(
                    session, request, headers, proxy_url, proxy_headers, timeout
                )
            except (TimeoutError, aiohttp.ClientError, OSError) as exc:
                if attempt == 1 and _stale_pooled_connection(exc):
                    # A kept-alive connection the server had closed while it
                    # sat in the pool: the request body never got out, so it
                    # goes once more on a fresh connection.
                    continue
                raise _translate(exc, target, timeout) from exc
        raise AssertionError("unreachable")  # pragma: no cover

    async def _exchange(
        self,
        session: aiohttp.ClientSession,
        request: HttpRequest,
        headers: dict[str, str],
        proxy_url: str | None,
        proxy_headers: dict[str, str] | None,
        timeout: Timeout,
    ) -> HttpResponse:
        async with session.request(
            request.method,
            URL(request.url, encoded=True),
            headers=headers,
            data=request.body or None,
            proxy=proxy_url,
            proxy_headers=proxy_headers,
            allow_redirects=False,
            # sock_connect covers the TCP connect and the TLS handshake;
            # waiting for a free pooled connection is not bounded here.
            timeout=aiohttp.ClientTimeout(
                total=None, sock_connect=timeout.connect, sock_read=timeout.read
            ),
        ) as response:
            body = await response.read()
            merged: dict[str, str] = {}
            for name, value in response.headers.items():
                key = name.lower()
                merged[key] = f"{merged[key]}, {value}" if key in merged else value
            return HttpResponse(response.status, merged, body)

    async def aclose(self) -> None:
        session, self._session, self._loop = self._session, None, None
        if session is not None and not session.closed:
            await session.close()

    async def __aenter__(self) -> AiohttpTransport:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(max_pool_connections={self._limit})"


def _stale_pooled_connection(exc: BaseException) -> bool:
    """aiohttp failed to write the request on a connection already closed by the peer."""
    if not isinstance(exc, aiohttp.ClientOSError | aiohttp.ClientConnectionResetError):
        return False
    text = str(exc)
    return "Can not write request body" in text or "Cannot write to closing transport" in text


def _os_reason(exc: aiohttp.ClientOSError) -> str:
    # ClientConnectorError's own text repeats the connection key; the OS error
    # alone ("Connect call failed", "certificate verify failed") is clearer.
    cause = exc.__cause__
    return str(cause) if cause is not None else (exc.strerror or type(exc).__name__)


def _translate(exc: BaseException, target: Target, timeout: Timeout) -> SesTransportError:
    # Messages are written here rather than taken from aiohttp, whose texts
    # sometimes include the full URL (path and query may hold addresses).
    where = target.origin
    if isinstance(exc, aiohttp.ConnectionTimeoutError):
        return SesTimeoutError(
            f"timed out connecting to {where} (connect timeout {timeout.connect} s)", sent=False
        )
    if isinstance(exc, aiohttp.ClientConnectorDNSError):
        return SesTransportError(f"could not resolve {target.host}: {_os_reason(exc)}", sent=False)
    if isinstance(exc, aiohttp.ClientProxyConnectionError):
        return SesTransportError(f"could not connect to the proxy for {where}", sent=False)
    if isinstance(exc, aiohttp.ClientConnectorCertificateError):
        return SesTransportError(
            f"TLS certificate of {where} rejected: {exc.certificate_error}", sent=False
        )
    if isinstance(exc, aiohttp.ClientConnectorError):
        # Includes TLS handshake failures: nothing of the request went out.
        return SesTransportError(f"could not connect to {where}: {_os_reason(exc)}", sent=False)
    if isinstance(exc, aiohttp.ClientHttpProxyError):
        return SesTransportError(
            f"proxy refused the tunnel to {where} (HTTP {exc.status})", sent=False
        )
    if isinstance(exc, aiohttp.InvalidURL):
        return SesTransportError(f"aiohttp rejected the URL for {where}", sent=False)
    if isinstance(exc, aiohttp.ServerFingerprintMismatch):
        return SesTransportError(f"TLS fingerprint of {where} does not match", sent=False)
    if isinstance(exc, TimeoutError):  # aiohttp's timeouts subclass it
        return SesTimeoutError(
            f"timed out waiting for {where} (read timeout {timeout.read} s)", sent=True
        )
    if isinstance(exc, aiohttp.ServerDisconnectedError):
        return SesTransportError(f"{where} closed the connection without a response", sent=True)
    if isinstance(exc, aiohttp.ClientPayloadError):
        return SesTransportError(f"response from {where} was cut short", sent=True)
    if isinstance(exc, aiohttp.ClientResponseError):
        return SesTransportError(f"invalid response from {where} (HTTP {exc.status})", sent=True)
    if isinstance(exc, OSError):
        return SesTransportError(f"connection to {where} broke: {exc.strerror or exc}", sent=True)
    return SesTransportError(f"request to {where} failed: {type(exc).__name__}", sent=True)
