"""The default blocking transport: HTTP/1.1 over pooled keep-alive sockets.

It speaks only what an SES client needs (one request, one complete reply,
then the connection goes back to the pool) and so costs little more than a
raw socket: no ``http.client`` (which would import the ``email`` package to
parse headers), no urllib3, and ``ssl`` imported at the first ``https://``
request only. Framing rules live in :mod:`._http11`.

The ``sent`` flag is exact by construction: it turns True the moment the
first byte of the request is handed to the socket, after the TCP connect,
the proxy tunnel and the TLS handshake succeeded. A pooled connection is
checked before reuse (a readable idle socket means the server closed it or
sent something unasked), so an idle timeout on the server side costs a fresh
connection, not a failed send.
"""

from __future__ import annotations

import contextlib
import os
import socket
import struct
import sys
from types import TracebackType

from aws_ses._http import HttpRequest, HttpResponse, Timeout

from ..errors import SesTimeoutError, SesTransportError
from ._http11 import ProtocolError, ResponseParser
from ._http11_base import (
    Http11Base,
    PoolKey,
    connect_error,
    describe,
    idle_socket_usable,
    translate,
    tunnel_head,
)
from ._proxy import Proxy, Target, split_url

__all__ = ["Http11Transport"]

_RECV = 65536
_LARGE_BODY = 64 * 1024  # above this, head and body are written separately

if sys.platform == "win32":

    def _timeval(seconds: float) -> bytes:
        return struct.pack("@L", max(1, int(seconds * 1000)))  # a DWORD of milliseconds

else:

    def _timeval(seconds: float) -> bytes:
        # struct timeval; on 64-bit macOS tv_usec is an int followed by
        # padding, which this little-endian packing fills correctly.
        whole = int(seconds)
        micro = max(0 if whole else 1000, int((seconds - whole) * 1e6))
        return struct.pack("@ll", whole, micro)


_KERNEL_TIMEOUTS = hasattr(socket, "SO_RCVTIMEO") and hasattr(socket, "SO_SNDTIMEO")


class _Connection:
    __slots__ = ("read_timeout", "sock", "tls")

    def __init__(self, sock: socket.socket, read_timeout: float | None, tls: bool) -> None:
        self.sock = sock
        self.read_timeout = read_timeout
        self.tls = tls

    def set_read_timeout(self, seconds: float) -> None:
        sock = self.sock
        if self.tls or not _KERNEL_TIMEOUTS:
            sock.settimeout(seconds)
        else:
            # A blocking socket with kernel timeouts: Python's own timeout
            # mode polls before every send and recv, a system call per I/O
            # that costs a third of a small request's CPU. recv then fails
            # with EAGAIN (BlockingIOError) when the time is up.
            value = _timeval(seconds)
            try:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, value)
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDTIMEO, value)
            except OSError:  # not supported here: Python's own timeout mode
                sock.settimeout(seconds)
            else:
                sock.settimeout(None)
        self.read_timeout = seconds

    def usable(self) -> bool:
        sock = self.sock
        if sock.fileno() < 0:
            return False
        pending = getattr(sock, "pending", None)  # TLS: decrypted bytes waiting
        if pending is not None and pending():
            return False
        try:
            return idle_socket_usable(sock)
        except (OSError, ValueError):
            return False

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.sock.close()


class Http11Transport(Http11Base[_Connection]):
    """A blocking :class:`~aws_ses.transport.Transport` on pooled keep-alive sockets.

    ``max_pool_connections`` is how many idle connections are kept per host
    (more threads than that still work; the extra connections are closed
    after use). ``verify`` is ``True`` (system CA store, or certifi's bundle
    when the system has none), a CA bundle path, or ``False``. ``proxy``
    forces a proxy for every request; otherwise, with ``trust_env``,
    ``HTTPS_PROXY``/``HTTP_PROXY``/``NO_PROXY`` are read when the transport
    is built (see :mod:`aws_ses.transport._proxy`). Plain-HTTP requests go to the proxy in
    absolute form; HTTPS requests go through a ``CONNECT`` tunnel. An
    ``https://`` proxy URL is supported for plain-HTTP targets only. Safe to
    share between threads, and after ``os.fork()`` a child never reuses its
    parent's sockets.
    """

    def __init__(
        self,
        *,
        max_pool_connections: int = 10,
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
        self._pid = os.getpid()

    # ----------------------------------------------------------------- pool

    def _idle(self, key: PoolKey) -> list[_Connection]:
        if self._pid != os.getpid():
            # A forked child: the sockets belong to the parent's conversations.
            self._pools, self._pid = {}, os.getpid()
        idle = self._pools.get(key)
        if idle is None:
            idle = self._pools.setdefault(key, [])
        return idle

    def _checkout(self, idle: list[_Connection]) -> _Connection | None:
        while True:
            try:
                conn = idle.pop()  # newest first: the least likely to be stale
            except IndexError:
                return None
            if conn.usable():
                return conn
            conn.close()

    # -------------------------------------------------------------- connect

    def _connect(self, target: Target, proxy: Proxy | None, timeout: Timeout) -> _Connection:
        """A new connection, ready for the request; every failure here is sent=False."""
        where = target.origin
        if proxy is not None:
            proxy_target = split_url(proxy.url)
            host, port = proxy_target.host, proxy_target.port
        else:
            proxy_target = None
            host, port = target.host, target.port
        # An ASCII name as bytes: a str would be run through the IDNA codec
        # (and its stringprep tables) on every connect.
        address = host.encode("ascii") if host.isascii() else host
        try:
            sock = socket.create_connection((address, port), timeout=timeout.connect)  # type: ignore[arg-type]
        except OSError as exc:
            raise connect_error(exc, target, proxy, timeout) from exc
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            if proxy_target is not None and proxy_target.scheme == "https":
                if target.scheme == "https":
                    raise SesTransportError(
                        f"an https:// proxy cannot tunnel to {where} with Http11Transport; "
                        "use an http:// proxy URL or Urllib3Transport",
                        sent=False,
                    )
                sock = self._tls(sock, proxy_target.host, where, timeout)
            elif proxy is not None and target.scheme == "https":
                self._tunnel(sock, target, proxy, timeout)
            if target.scheme == "https":
                sock = self._tls(sock, target.host, where, timeout)
        except BaseException:
            sock.close()
            raise
        return _Connection(sock, None, target.scheme == "https")

    def _tls(self, sock: socket.socket, host: str, where: str, timeout: Timeout) -> socket.socket:
        import ssl

        try:
            return self._ssl_context().wrap_socket(sock, server_hostname=host)
        except ssl.SSLCertVerificationError as exc:
            raise SesTransportError(
                f"TLS certificate of {where} rejected: {exc.verify_message or exc}", sent=False
            ) from exc
        except TimeoutError as exc:
            raise SesTimeoutError(
                f"timed out in the TLS handshake with {where} "
                f"(connect timeout {timeout.connect} s)",
                sent=False,
            ) from exc
        except OSError as exc:  # ssl.SSLError included
            raise SesTransportError(
                f"TLS handshake with {where} failed: {exc}", sent=False
            ) from exc

    def _tunnel(self, sock: socket.socket, target: Target, proxy: Proxy, timeout: Timeout) -> None:
        head = tunnel_head(target, proxy)
        parser = ResponseParser(head_only=True)
        where = target.origin
        try:
            sock.sendall(head)
            _read_response(sock, parser)
        except TimeoutError as exc:
            raise SesTimeoutError(
                f"timed out opening a tunnel through the proxy to {where}", sent=False
            ) from exc
        except (OSError, ProtocolError) as exc:
            reason = describe(exc)
            raise SesTransportError(f"proxy failed for {where}: {reason}", sent=False) from exc
        if not 200 <= parser.status < 300:
            raise SesTransportError(
                f"proxy refused the tunnel to {where} (HTTP {parser.status})", sent=False
            )

    # ----------------------------------------------------------------- send

    def send(self, request: HttpRequest, *, timeout: Timeout) -> HttpResponse:
        route = self._route(request.url)
        body = request.body
        head = route.head(request)
        target, key = route.target, route.key
        idle = self._idle(key)
        conn = self._checkout(idle) or self._connect(target, route.proxy, timeout)
        sock = conn.sock
        parser = ResponseParser(head_only=request.method == "HEAD")
        sent = False
        try:
            if conn.read_timeout != timeout.read:
                conn.set_read_timeout(timeout.read)
            sent = True
            if len(body) > _LARGE_BODY:
                sock.sendall(head)
                sock.sendall(body)
            else:
                sock.sendall(head + body if body else head)
            _read_response(sock, parser)
        except BaseException as exc:
            conn.close()
            if isinstance(exc, Exception):
                raise translate(exc, target, timeout, sent=sent) from exc
            raise
        if parser.reusable and self._pools.get(key) is idle and len(idle) < self._limit:
            idle.append(conn)
        else:
            conn.close()
        return HttpResponse(parser.status, parser.headers, parser.body)

    def close(self) -> None:
        with self._lock:
            pools, self._pools = self._pools, {}
        for idle in pools.values():
            while idle:
                idle.pop().close()

    def __enter__(self) -> Http11Transport:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _read_response(sock: socket.socket, parser: ResponseParser) -> None:
    recv, feed = sock.recv, parser.feed
    while True:
        data = recv(_RECV)
        if not data:
            parser.feed_eof()  # completes a read-until-close body, or raises Incomplete
            return
        if feed(data):
            return
