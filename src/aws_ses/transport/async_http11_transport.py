"""The default asyncio transport: HTTP/1.1 on pooled keep-alive connections.

Each connection is an :class:`asyncio.Protocol` that feeds what arrives to
the same incremental parser the blocking transport uses (:mod:`._http11`),
and wakes the waiting call once the reply is complete: no stream reader, no
per-request task, no third-party event machinery. At high concurrency that
is what limits a client's calls per second, so it matters more here than in
the blocking transport. Nothing beyond asyncio is imported, and ``ssl`` only
at the first ``https://`` request.

The ``sent`` flag is exact: it turns True when the request is handed to the
connection, after the TCP connect, the proxy tunnel and the TLS handshake
succeeded. A connection the server closed while it sat idle is noticed by
the protocol (``eof_received``/``connection_lost``) and never reused.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
from collections import deque
from types import TracebackType

from aws_ses._http import HttpRequest, HttpResponse, Timeout

from ..errors import SesTransportError
from ._http11 import Incomplete, ProtocolError, ResponseParser
from ._http11_base import (
    Http11Base,
    connect_error,
    describe,
    idle_socket_usable,
    translate,
    tunnel_head,
)
from ._proxy import Proxy, Target, split_url

__all__ = ["AsyncHttp11Transport"]


class _Connection(asyncio.Protocol):
    """One keep-alive connection; at most one request on it at a time."""

    __slots__ = (
        "_deadline", "_loop", "_parser", "_sock", "_timer", "_waiter", "closed", "read_timeout",
        "transport",
    )  # fmt: skip

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self.transport: asyncio.Transport | None = None
        self._sock: socket.socket | None = None
        self._parser: ResponseParser | None = None
        self._waiter: asyncio.Future[ResponseParser] | None = None
        # The read timeout: a deadline moved by each request and each arrival,
        # checked by one timer that re-arms itself only while a request waits.
        # A timer per request would be armed and cancelled thousands of times
        # a second, and cancelled timers clog the event loop's heap.
        self._timer: asyncio.TimerHandle | None = None
        self._deadline = 0.0
        self.read_timeout = 0.0
        self.closed = False

    # ------------------------------------------------------------- protocol

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        self._sock = transport.get_extra_info("socket")

    def data_received(self, data: bytes) -> None:
        parser = self._parser
        if parser is None:  # bytes nobody asked for: the connection is out of step
            self.close()
            return
        try:
            done = parser.feed(data)
        except ProtocolError as exc:
            self._finish(exc)
            return
        if done:
            self._finish(None)
        else:  # the read timeout counts from the last bytes received
            self._deadline = self._loop.time() + self.read_timeout

    def eof_received(self) -> bool:
        self.closed = True
        parser = self._parser
        if parser is not None:
            try:
                parser.feed_eof()
            except Incomplete as exc:
                self._finish(exc)
            else:
                self._finish(None)
        return False  # let the transport close itself

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if self._parser is not None:
            self._finish(Incomplete("the connection was lost before the response was complete"))

    # -------------------------------------------------------------- requests

    def request(
        self, data: bytes, read_timeout: float, parser: ResponseParser
    ) -> asyncio.Future[ResponseParser]:
        assert self.transport is not None
        self._parser = parser
        waiter = self._waiter = self._loop.create_future()
        self.read_timeout = read_timeout
        self._deadline = deadline = self._loop.time() + read_timeout
        self.transport.write(data)
        timer = self._timer
        if timer is None or timer.when() > deadline:
            if timer is not None:
                timer.cancel()
            self._timer = self._loop.call_at(deadline, self._check_deadline)
        return waiter

    def _check_deadline(self) -> None:
        self._timer = None
        if self._parser is None:
            return  # idle: the next request arms the timer again
        if self._loop.time() >= self._deadline:
            self._finish(TimeoutError())
            self.close()
        else:
            self._timer = self._loop.call_at(self._deadline, self._check_deadline)

    def _finish(self, exc: BaseException | None) -> None:
        parser, self._parser = self._parser, None
        waiter, self._waiter = self._waiter, None
        if waiter is None or waiter.done() or parser is None:
            return
        if exc is None:
            waiter.set_result(parser)
        else:
            waiter.set_exception(exc)

    def open(self) -> bool:
        """Neither side has closed it, as far as the event loop has told us."""
        transport = self.transport
        return not self.closed and transport is not None and not transport.is_closing()

    def usable(self) -> bool:
        """Fit to carry the next request (checked when it leaves the pool)."""
        if not self.open():
            return False
        # The server may have hung up while the loop was busy or blocked: the
        # loop has not told us yet, but the socket shows it.
        sock = self._sock
        try:
            return sock is None or idle_socket_usable(sock)
        except (OSError, ValueError):
            return False

    def close(self) -> None:
        self.closed = True
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self.transport is not None:
            self.transport.close()


class _Slots:
    """At most ``limit`` requests in flight; the others wait their turn, in order.

    A counter while there is room, so the common case costs no coroutine (an
    ``asyncio.Semaphore`` costs three per request); a freed slot goes straight
    to the longest waiter.
    """

    __slots__ = ("_free", "_waiters")

    def __init__(self, limit: int) -> None:
        self._free = limit
        self._waiters: deque[asyncio.Future[None]] = deque()

    def take(self) -> bool:
        """Take a free slot now; False when the caller must :meth:`wait` for one."""
        if self._free > 0 and not self._waiters:
            self._free -= 1
            return True
        return False

    async def wait(self, loop: asyncio.AbstractEventLoop) -> None:
        turn: asyncio.Future[None] = loop.create_future()
        self._waiters.append(turn)
        try:
            await turn
        except asyncio.CancelledError:
            if turn.done() and not turn.cancelled():
                self.release()  # handed a slot, then cancelled: pass it on
            raise

    def release(self) -> None:
        waiters = self._waiters
        while waiters:
            turn = waiters.popleft()
            if not turn.done():  # not cancelled while it waited
                turn.set_result(None)
                return
        self._free += 1


class AsyncHttp11Transport(Http11Base[_Connection]):
    """An :class:`~aws_ses.transport.AsyncTransport` on pooled keep-alive connections.

    At most ``max_pool_connections`` requests are in flight at once (more
    wait for a free slot, as with aiohttp's connector limit) and as many
    idle connections are kept. ``verify``, ``proxy`` and ``trust_env`` mean
    what they mean for :class:`~aws_ses.transport.Http11Transport`. The
    pool belongs to the event loop it was first used in; after that loop has
    ended the transport starts afresh in the next one, and using it from a
    second loop while the first still runs is refused.
    """

    def __init__(
        self,
        *,
        max_pool_connections: int = 100,
        verify: bool | str | os.PathLike[str] = True,
        proxy: str | None = None,
        trust_env: bool = True,
    ) -> None:
        super().__init__(
            max_pool_connections=max_pool_connections,
            verify=verify,
            proxy=proxy,
            trust_env=trust_env,
        )
        self._loop: asyncio.AbstractEventLoop | None = None
        self._slots = _Slots(max_pool_connections)

    def _bind(self) -> asyncio.AbstractEventLoop:
        loop = asyncio.get_running_loop()
        if loop is self._loop:
            return loop
        old = self._loop
        if old is not None and self._pools and not old.is_closed():
            raise RuntimeError(
                "AsyncHttp11Transport is in use by another event loop; "
                "aclose() it there before using it in this one"
            )
        # The old loop is gone: its connections died with it.
        self._loop, self._pools = loop, {}
        self._slots = _Slots(self._limit)
        return loop

    # -------------------------------------------------------------- connect

    async def _connect(
        self, loop: asyncio.AbstractEventLoop, target: Target, proxy: Proxy | None, timeout: Timeout
    ) -> _Connection:
        where = target.origin
        tls = target.scheme == "https"
        try:
            async with asyncio.timeout(timeout.connect):
                return await self._open(loop, target, proxy)
        except SesTransportError:
            raise
        except OSError as exc:
            if tls and _is_certificate_error(exc):
                raise SesTransportError(
                    f"TLS certificate of {where} rejected: {describe(exc)}", sent=False
                ) from exc
            raise connect_error(exc, target, proxy, timeout) from exc
        except (ProtocolError, ConnectionError) as exc:
            raise SesTransportError(f"proxy failed for {where}: {exc}", sent=False) from exc

    async def _open(
        self, loop: asyncio.AbstractEventLoop, target: Target, proxy: Proxy | None
    ) -> _Connection:
        tls = target.scheme == "https"
        if proxy is None:
            ctx = self._ssl_context() if tls else None
            _, conn = await loop.create_connection(
                lambda: _Connection(loop),
                target.host,
                target.port,
                ssl=ctx,
                server_hostname=target.host if tls else None,
            )
            _nodelay(conn)
            return conn
        proxy_target = split_url(proxy.url)
        proxy_tls = proxy_target.scheme == "https"
        if proxy_tls and tls:
            raise SesTransportError(
                f"an https:// proxy cannot tunnel to {target.origin} with AsyncHttp11Transport; "
                "use an http:// proxy URL or AiohttpTransport",
                sent=False,
            )
        _, conn = await loop.create_connection(
            lambda: _Connection(loop),
            proxy_target.host,
            proxy_target.port,
            ssl=self._ssl_context() if proxy_tls else None,
            server_hostname=proxy_target.host if proxy_tls else None,
        )
        _nodelay(conn)
        if not tls:
            return conn
        try:
            head = tunnel_head(target, proxy)
            parser = await conn.request(head, 3600.0, ResponseParser(head_only=True))
            if not 200 <= parser.status < 300:
                raise SesTransportError(
                    f"proxy refused the tunnel to {target.origin} (HTTP {parser.status})",
                    sent=False,
                )
            assert conn.transport is not None
            tunnelled = await loop.start_tls(
                conn.transport, conn, self._ssl_context(), server_hostname=target.host
            )
            assert isinstance(tunnelled, asyncio.Transport)
            conn.transport = tunnelled
        except BaseException:
            conn.close()
            raise
        return conn

    # ----------------------------------------------------------------- send

    async def send(self, request: HttpRequest, *, timeout: Timeout) -> HttpResponse:
        loop = self._bind()
        route = self._route(request.url)
        head = route.head(request)
        body = request.body
        data = head + body if body else head
        target = route.target
        pools = self._pools
        idle = pools.get(route.key)
        if idle is None:
            idle = pools.setdefault(route.key, [])
        slots = self._slots
        if not slots.take():
            await slots.wait(loop)
        try:
            conn = None
            while idle:
                candidate = idle.pop()
                if candidate.usable():
                    conn = candidate
                    break
                candidate.close()
            if conn is None:
                conn = await self._connect(loop, target, route.proxy, timeout)
            parser = ResponseParser(head_only=request.method == "HEAD")
            try:
                await conn.request(data, timeout.read, parser)
            except BaseException as exc:
                conn.close()
                if isinstance(exc, Exception):
                    # Everything here happened after the request was handed over.
                    raise translate(exc, target, timeout, sent=True) from exc
                raise
            # Idle sockets are checked again when they leave the pool.
            if parser.reusable and conn.open() and self._pools is pools and len(idle) < self._limit:
                idle.append(conn)
            else:
                conn.close()
        finally:
            slots.release()
        return HttpResponse(parser.status, parser.headers, parser.body)

    async def aclose(self) -> None:
        pools, self._pools = self._pools, {}
        for idle in pools.values():
            while idle:
                idle.pop().close()

    async def __aenter__(self) -> AsyncHttp11Transport:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()


def _nodelay(conn: _Connection) -> None:
    # asyncio sets TCP_NODELAY itself on Python 3.11+ for TCP; keep it explicit.
    if conn.transport is None:
        return
    sock = conn.transport.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


def _is_certificate_error(exc: BaseException) -> bool:
    import ssl

    return isinstance(exc, ssl.SSLCertVerificationError)
