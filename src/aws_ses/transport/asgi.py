"""Transports that call an ASGI 3 application in-process, without sockets.

They let the clients talk to the local SES v2 server (or any ASGI app) in
tests at function-call speed while still going through the whole HTTP
exchange: the app sees the request as a server such as uvicorn would hand
it over, byte-exact ``raw_path`` and ``query_string`` included.

Semantics worth knowing:

* **App exceptions propagate** to the caller unchanged, even when they
  happen after the response was sent (in a background task, say). A real
  server would turn them into a 500 or a log line; in tests, a server bug
  should fail loudly where it happens.
* **Lifespan** is run on first use: ``lifespan.startup`` is sent and its
  completion awaited. An app that raises on, or returns from, the lifespan
  scope without replying is taken not to support the protocol and is used
  anyway; ``lifespan.startup.failed`` raises :class:`RuntimeError`.
  ``close()``/``aclose()`` send ``lifespan.shutdown``. Lifespan ``state``
  is shallow-copied into every request scope, as the ASGI spec says.
* **Timeouts**: ``timeout.read`` bounds the wait for each message from the
  app (the response start, each body chunk), so an app that hangs raises
  :class:`~aws_ses.errors.SesTimeoutError` with ``sent=True``.
  ``timeout.connect`` does not apply.
* ``path`` is the URL path percent-decoded; ``root_path`` is reported as
  given and is not stripped from or added to the path.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable, MutableMapping
from types import TracebackType
from typing import Any
from urllib.parse import unquote

from aws_ses._http import HttpRequest, HttpResponse, Timeout

from ..errors import SesTimeoutError
from ._proxy import split_url

__all__ = ["ASGIApp", "ASGITransport", "SyncASGITransport"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

_ASGI = {"version": "3.0", "spec_version": "2.3"}
_DEFAULT_PORTS = {"http": 80, "https": 443}
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


class _Lifespan:
    """Runs the app's lifespan scope as a task next to the requests."""

    def __init__(self, app: ASGIApp, state: dict[str, Any]) -> None:
        self._app = app
        self._state = state
        self._to_app: asyncio.Queue[Message] = asyncio.Queue()
        # None marks the end of the app's lifespan coroutine.
        self._from_app: asyncio.Queue[Message | None] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None
        self._error: BaseException | None = None
        self.supported = False

    async def _run(self) -> None:
        scope = {"type": "lifespan", "asgi": dict(_ASGI), "state": self._state}
        try:
            await self._app(scope, self._to_app.get, self._from_app.put)
        except Exception as exc:  # an app without lifespan support often raises
            self._error = exc
        finally:
            self._from_app.put_nowait(None)

    async def startup(self) -> None:
        self._task = asyncio.create_task(self._run())
        await self._to_app.put({"type": "lifespan.startup"})
        reply = await self._from_app.get()
        if reply is None:
            return  # no lifespan support: carry on without it
        if reply["type"] == "lifespan.startup.failed":
            await asyncio.gather(self._task, return_exceptions=True)
            raise RuntimeError(f"ASGI app failed to start: {reply.get('message', '')}") from (
                self._error
            )
        self.supported = True

    async def shutdown(self) -> None:
        if self._task is None:
            return
        task, self._task = self._task, None
        if not self.supported:
            await asyncio.gather(task, return_exceptions=True)
            return
        await self._to_app.put({"type": "lifespan.shutdown"})
        reply = await self._from_app.get()
        await asyncio.gather(task, return_exceptions=True)
        if reply is not None and reply["type"] == "lifespan.shutdown.failed":
            raise RuntimeError(f"ASGI app failed to shut down: {reply.get('message', '')}") from (
                self._error
            )


class _Exchange:
    """One request/response cycle: the ``receive`` and ``send`` the app is given."""

    def __init__(self, body: bytes, read_timeout: float) -> None:
        self._body: bytes | None = body
        self._read_timeout = read_timeout
        self.deadline: asyncio.Timeout | None = None
        self.status: int | None = None
        self.headers: dict[str, str] = {}
        self.chunks: list[bytes] = []
        self.done = False  # the last body chunk has arrived
        self.released = asyncio.Event()  # set when done or the app is over

    async def receive(self) -> Message:
        if self._body is not None:
            body, self._body = self._body, None
            return {"type": "http.request", "body": body, "more_body": False}
        # As a server would: nothing more until the response is done, then
        # report the client gone.
        await self.released.wait()
        return {"type": "http.disconnect"}

    async def send(self, message: Message) -> None:
        kind = message["type"]
        if kind == "http.response.start":
            if self.status is not None:
                raise RuntimeError("ASGI app sent http.response.start twice")
            self.status = int(message["status"])
            for raw_name, raw_value in message.get("headers", ()):
                name = bytes(raw_name).decode("latin-1").lower()
                value = bytes(raw_value).decode("latin-1")
                previous = self.headers.get(name)
                self.headers[name] = value if previous is None else f"{previous}, {value}"
        elif kind == "http.response.body":
            if self.status is None:
                raise RuntimeError("ASGI app sent a body before http.response.start")
            if self.done:
                raise RuntimeError("ASGI app sent a body after the response was complete")
            self.chunks.append(bytes(message.get("body", b"")))
            if not message.get("more_body", False):
                self.done = True
                self.released.set()
        # Other message types belong to extensions we did not offer; ignore them.
        if self.deadline is not None:
            # Each message restarts the read timeout; a complete response
            # leaves the app free to finish background work.
            self.deadline.reschedule(
                None if self.done else asyncio.get_running_loop().time() + self._read_timeout
            )


class ASGITransport:
    """An :class:`~aws_ses.transport.AsyncTransport` that calls ``app`` directly.

    ``client`` is the (host, port) the app sees as the peer. Use it as an
    async context manager, or call :meth:`aclose`, so the app's lifespan
    shutdown runs.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        client: tuple[str, int] = ("127.0.0.1", 123),
        root_path: str = "",
    ) -> None:
        self.app = app
        self._client = client
        self._root_path = root_path
        self._state: dict[str, Any] = {}
        self._lifespan: _Lifespan | None = None
        self._lock: asyncio.Lock | None = None

    async def _ensure_started(self) -> None:
        if self._lifespan is not None:
            return
        if self._lock is None:
            self._lock = asyncio.Lock()
        async with self._lock:
            if self._lifespan is None:
                lifespan = _Lifespan(self.app, self._state)
                await lifespan.startup()
                self._lifespan = lifespan

    def _scope(self, request: HttpRequest) -> Scope:
        target = split_url(request.url)
        raw_path, _, query = target.target.partition("?")
        headers = [
            (name.lower().encode("latin-1"), value.encode("latin-1"))
            for name, value in request.headers.items()
        ]
        names = {name for name, _ in headers}
        if b"host" not in names:
            host = f"[{target.host}]" if ":" in target.host else target.host
            if target.port != _DEFAULT_PORTS[target.scheme]:
                host = f"{host}:{target.port}"
            headers.insert(0, (b"host", host.encode("ascii")))
        method = request.method.upper()
        # What an HTTP client would add, so apps reading Content-Length work.
        if (
            b"content-length" not in names
            and b"transfer-encoding" not in names
            and (request.body or method in _BODY_METHODS)
        ):
            headers.append((b"content-length", str(len(request.body)).encode("ascii")))
        return {
            "type": "http",
            "asgi": dict(_ASGI),
            "http_version": "1.1",
            "method": method,
            "scheme": target.scheme,
            "path": unquote(raw_path),
            "raw_path": raw_path.encode("utf-8"),
            "query_string": query.encode("utf-8"),
            "root_path": self._root_path,
            "headers": headers,
            "client": self._client,
            "server": (target.host, target.port),
            "state": dict(self._state),
        }

    async def send(self, request: HttpRequest, *, timeout: Timeout) -> HttpResponse:
        await self._ensure_started()
        scope = self._scope(request)
        exchange = _Exchange(request.body, timeout.read)
        try:
            async with asyncio.timeout(timeout.read) as deadline:
                exchange.deadline = deadline
                await self.app(scope, exchange.receive, exchange.send)
        except TimeoutError:
            if not deadline.expired():
                raise  # the app's own timeout: a server bug to show as is
            raise SesTimeoutError(
                f"ASGI app did not respond within {timeout.read} s", sent=True
            ) from None
        finally:
            exchange.released.set()  # frees any receive() still waiting
        if exchange.status is None or not exchange.done:
            raise RuntimeError("ASGI app returned without sending a complete response")
        return HttpResponse(exchange.status, exchange.headers, b"".join(exchange.chunks))

    async def aclose(self) -> None:
        # Reset everything tied to this run and loop: a later send starts the
        # app again, with fresh lifespan state.
        lifespan, self._lifespan, self._lock = self._lifespan, None, None
        self._state = {}
        if lifespan is not None:
            await lifespan.shutdown()

    async def __aenter__(self) -> ASGITransport:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()


class SyncASGITransport:
    """A blocking transport running an :class:`ASGITransport` on its own loop.

    The loop lives in a daemon thread started at the first :meth:`send` and
    stopped by :meth:`close` (after the app's lifespan shutdown). Callers on
    any thread block until the app answers; the app must not call back into
    this same transport.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        client: tuple[str, int] = ("127.0.0.1", 123),
        root_path: str = "",
    ) -> None:
        self._inner = ASGITransport(app, client=client, root_path=root_path)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    @property
    def app(self) -> ASGIApp:
        return self._inner.app

    def _get_loop(self) -> asyncio.AbstractEventLoop:
        loop = self._loop
        if loop is not None:
            return loop
        with self._lock:
            if self._loop is None:
                loop = asyncio.new_event_loop()
                thread = threading.Thread(
                    target=_run_loop, args=(loop,), name="aws-ses-asgi", daemon=True
                )
                thread.start()
                self._loop, self._thread = loop, thread
            return self._loop

    def send(self, request: HttpRequest, *, timeout: Timeout) -> HttpResponse:
        loop = self._get_loop()
        if threading.current_thread() is self._thread:
            raise RuntimeError("SyncASGITransport called from inside its own app: deadlock")
        future = asyncio.run_coroutine_threadsafe(self._inner.send(request, timeout=timeout), loop)
        return future.result()

    def close(self) -> None:
        with self._lock:
            loop, thread = self._loop, self._thread
            self._loop = self._thread = None
        if loop is None or thread is None:
            return
        try:
            asyncio.run_coroutine_threadsafe(self._inner.aclose(), loop).result()
        finally:
            loop.call_soon_threadsafe(loop.stop)
            thread.join()

    def __enter__(self) -> SyncASGITransport:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _run_loop(loop: asyncio.AbstractEventLoop) -> None:
    asyncio.set_event_loop(loop)
    try:
        loop.run_forever()
    finally:
        # Anything still running (a request abandoned by an interrupted
        # caller) is cancelled so the loop closes cleanly.
        pending = asyncio.all_tasks(loop)
        for task in pending:
            task.cancel()
        if pending:
            loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.close()
