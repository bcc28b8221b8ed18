"""The local SES v2 server: an ASGI app speaking SES v2's REST-JSON wire format.

Requests are routed, decoded and validated with the same generated model the
client uses: each operation's URI template becomes a pattern over the raw
(still percent-encoded) path, and when several match the one with the most
literal characters wins (``.../contacts/list`` over ``.../contacts/{EmailAddress}``).
Path labels are percent-decoded, query members typed by their shapes, the
JSON body taken as is, and the merged parameters checked for required
members, enum values and JSON types before the operation's handler runs in a
thread (the store is synchronous SQLite).

Every response carries ``x-amzn-RequestId``; errors carry ``X-Amzn-ErrorType``
and a ``{"message": ...}`` body with the status of the error, which is what
SDKs (boto3 included) parse. Paths under ``/_aws/`` and ``/_inbox`` are the
server's own admin, read-back and inbox pages.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import json
import logging
import re
import socket
import threading
import time
import uuid
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, unquote, urlencode

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.routing import BaseRoute

from aws_ses._model import Operation, operation, operation_names, shape
from aws_ses.local.faults import take_fault
from aws_ses.local.state import DEFAULT_PORT, HANDLERS, ApiError, ServerOptions, ServerState
from aws_ses.signing.verify import SignatureError, verify_request

if TYPE_CHECKING:
    import uvicorn

    from aws_ses.async_client import AsyncSesClient
    from aws_ses.client import SesClient

__all__ = ["DEFAULT_PORT", "LocalServer", "create_app", "serve"]

log = logging.getLogger("aws_ses.local")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

_ADMIN_PREFIXES = ("/_aws/", "/_inbox")
_ADMIN_EXACT = ("/_aws", "/_inbox")


# ------------------------------------------------------------------ routing


@dataclass(frozen=True, slots=True)
class _Route:
    op: Operation
    method: str
    pattern: re.Pattern[str]
    labels: tuple[str, ...]
    literal: int  # characters of the template outside labels: more is more specific


def _compile(op: Operation) -> _Route:
    path = op.uri.partition("?")[0]
    # SES accepts a path with or without its trailing slash (``/insights/{MessageId}/``).
    path = path.rstrip("/") or "/"
    pattern, literal, labels = "", 0, []
    for piece in re.split(r"(\{[^}]+\})", path):
        if piece.startswith("{") and piece.endswith("}"):
            name = piece[1:-1]
            greedy = name.endswith("+")
            labels.append(name.rstrip("+"))
            pattern += "(.+)" if greedy else "([^/]+)"
        else:
            pattern += re.escape(piece)
            literal += len(piece)
    return _Route(op, op.method, re.compile(pattern + "/?"), tuple(labels), literal)


@functools.cache
def _routes() -> tuple[_Route, ...]:
    compiled = [_compile(operation(name)) for name in operation_names()]
    compiled.sort(key=lambda r: (-r.literal, len(r.labels)))
    return tuple(compiled)


def match_route(method: str, raw_path: str) -> tuple[Operation, dict[str, str]] | None:
    """The operation for a request and its decoded path labels, or None."""
    path = raw_path.partition("?")[0]
    for route in _routes():
        if route.method != method:
            continue
        found = route.pattern.fullmatch(path)
        if found is not None:
            return route.op, {
                label: unquote(value)
                for label, value in zip(route.labels, found.groups(), strict=True)
            }
    return None


# ----------------------------------------------------------------- decoding


def _camel(name: str) -> str:
    return name[:1].lower() + name[1:]


def _bad(message: str) -> ApiError:
    return ApiError("BadRequestException", message, 400)


def _query_value(shape_name: str, text: str, where: str) -> Any:
    kind = shape(shape_name).kind
    try:
        if kind in ("integer", "long"):
            return int(text)
        if kind == "double":
            return float(text)
        if kind == "boolean":
            if text not in ("true", "false"):
                raise ValueError(text)
            return text == "true"
        if kind == "timestamp":
            from aws_ses.local.resources import parse_timestamp

            return parse_timestamp(text)
    except ValueError:
        raise _bad(
            f"1 validation error detected: Value '{text}' at '{where}' failed to satisfy "
            f"constraint: Member must be a valid {kind}"
        ) from None
    return text


def decode_request(
    op: Operation, labels: dict[str, str], query_string: str, body: bytes
) -> dict[str, Any]:
    """The request's members by wire name: path labels, typed query members, JSON body."""
    params: dict[str, Any] = {}
    if body.strip():
        try:
            decoded = json.loads(body)
        except ValueError:
            raise _bad("The request body is not valid JSON.") from None
        if not isinstance(decoded, dict):
            raise _bad("The request body must be a JSON object.")
        params.update(decoded)
    if op.input is None:
        return params
    query: dict[str, list[str]] = {}
    for key, value in parse_qsl(query_string, keep_blank_values=True):
        query.setdefault(key, []).append(value)
    for m in shape(op.input).members:
        name = m.location_name or m.wire
        if m.location == "uri" and name in labels:
            params[m.wire] = labels[name]
        elif m.location == "querystring" and name in query:
            target = shape(m.shape)
            if target.kind == "list":
                params[m.wire] = [
                    _query_value(target.member or "", v, _camel(m.wire)) for v in query[name]
                ]
            else:
                params[m.wire] = _query_value(m.shape, query[name][-1], _camel(m.wire))
    return params


_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "blob": (str,),
    "integer": (int,),
    "long": (int,),
    "double": (int, float),
    "boolean": (bool,),
    "timestamp": (int, float, str),
    "list": (list,),
    "map": (dict,),
    "structure": (dict,),
}


def _check(shape_name: str, value: Any, path: str, errors: list[str], depth: int = 0) -> None:
    sh = shape(shape_name)
    expected = _TYPES.get(sh.kind, (object,))
    # Kept in a variable so the checks below still see ``value`` as Any.
    well_typed = isinstance(value, expected) and (
        sh.kind == "boolean" or not isinstance(value, bool)
    )
    if not well_typed:
        errors.append(
            f"Value at '{path}' failed to satisfy constraint: Member must be of type {sh.kind}"
        )
        return
    if depth > 20:
        return
    if sh.kind == "string" and sh.enum is not None and value not in sh.enum:
        errors.append(
            f"Value '{value}' at '{path}' failed to satisfy constraint: Member must satisfy "
            f"enum value set: [{', '.join(sorted(sh.enum))}]"
        )
    elif sh.kind == "structure":
        for m in sh.members:
            item = value.get(m.wire)
            where = f"{path}.{_camel(m.wire)}" if path else _camel(m.wire)
            if item is None:
                if m.wire in sh.required:
                    errors.append(
                        f"Value null at '{where}' failed to satisfy constraint: "
                        "Member must not be null"
                    )
            else:
                _check(m.shape, item, where, errors, depth + 1)
    elif sh.kind == "list" and sh.member is not None:
        for index, item in enumerate(value, 1):
            if item is not None:
                _check(sh.member, item, f"{path}.{index}.member", errors, depth + 1)
    elif sh.kind == "map" and sh.value is not None:
        for key, item in value.items():
            if item is not None:
                _check(sh.value, item, f"{path}.{key}", errors, depth + 1)


def validate_request(op: Operation, params: dict[str, Any]) -> None:
    """BadRequestException in AWS's validation wording for a malformed request."""
    if op.input is None:
        return
    errors: list[str] = []
    _check(op.input, params, "", errors)
    if errors:
        count = len(errors)
        plural = "s" if count > 1 else ""
        raise _bad(f"{count} validation error{plural} detected: " + "; ".join(errors))


# ---------------------------------------------------------------- responses


def _headers(request_id: str, extra: dict[str, str] | None = None) -> list[tuple[bytes, bytes]]:
    headers = {
        "content-type": "application/json",
        "x-amzn-requestid": request_id,
        **(extra or {}),
    }
    return [(k.encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]


async def _respond(send: Send, status: int, body: Any, headers: list[tuple[bytes, bytes]]) -> None:
    payload = json.dumps(body, separators=(",", ":"), default=str).encode()
    headers = [*headers, (b"content-length", str(len(payload)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": payload})


async def _error(send: Send, request_id: str, code: str, message: str, status: int) -> None:
    headers = _headers(request_id, {"x-amzn-errortype": code})
    await _respond(send, status, {"message": message}, headers)


def _shape_output(op: Operation, result: dict[str, Any]) -> dict[str, Any]:
    """Only the output shape's body members, without nulls."""
    if op.output is None:
        return {}
    wanted = {m.wire for m in shape(op.output).members if m.location is None}
    return {k: v for k, v in result.items() if k in wanted and v is not None}


async def _read_body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


class ConnectionDropped(ConnectionError):
    """Raised where an injected fault drops a connection the server cannot close itself."""


async def _drop_connection(send: Send) -> None:
    # Under uvicorn ``send`` is a method of the connection's request cycle, which
    # holds the transport: aborting it is what a client sees as a reset. Other
    # servers (and the in-process ASGI transport) get an exception instead.
    transport = getattr(getattr(send, "__self__", None), "transport", None)
    abort = getattr(transport, "abort", None)
    if abort is None:
        raise ConnectionDropped("connection dropped by an injected fault")
    abort()
    for _ in range(3):  # let connection_lost run, so the server sends nothing more
        await asyncio.sleep(0)


def _handler_for(name: str) -> Callable[[ServerState, dict[str, Any]], dict[str, Any]]:
    found = HANDLERS.get(name)
    if found is not None:
        return found
    from aws_ses.local.resources import generic_handler

    return generic_handler(name)


async def handle_ses(state: ServerState, scope: Scope, receive: Receive, send: Send) -> None:
    """Serve one SES v2 API request."""
    request_id = str(uuid.uuid4())
    body = await _read_body(receive)
    method = str(scope["method"]).upper()
    raw_path = scope.get("raw_path") or str(scope["path"]).encode()
    raw = raw_path.decode("utf-8", "replace") if isinstance(raw_path, bytes) else str(raw_path)
    query_bytes = scope.get("query_string", b"")
    query = (
        query_bytes.decode("utf-8", "replace")
        if isinstance(query_bytes, bytes)
        else str(query_bytes)
    )
    try:
        matched = match_route(method, raw)
        if matched is None:
            raise ApiError("UnknownOperationException", f"Unknown operation: {method} {raw}", 404)
        op, labels = matched
        if state.options.auth:
            _authenticate(state, method, raw, query, scope, body)
        fault = take_fault(state, op.name)
        if fault is not None:
            if fault.latency > 0:
                await asyncio.sleep(fault.latency)
            if fault.drop_connection:
                await _drop_connection(send)
                return
            if fault.status is not None:
                raise ApiError(fault.code or "InternalFailure", fault.message or "", fault.status)
        params = decode_request(op, labels, query, body)
        validate_request(op, params)
        result = await run_in_threadpool(_handler_for(op.name), state, params)
        await _respond(send, 200, _shape_output(op, result or {}), _headers(request_id))
    except ApiError as exc:
        await _error(send, request_id, exc.code, exc.message, exc.status)
    except SignatureError as exc:
        await _error(send, request_id, exc.code, exc.message, exc.status or 403)
    except ConnectionDropped:
        raise
    except Exception as exc:
        log.exception("local SES: internal error serving %s %s", method, raw)
        await _error(send, request_id, "InternalFailure", f"Internal server error: {exc}", 500)


def _authenticate(
    state: ServerState, method: str, raw_path: str, query: str, scope: Scope, body: bytes
) -> None:
    # Any region's signature is accepted: SDKs sign with the region they were
    # given, and a local endpoint serves them all.
    verify_request(
        method,
        raw_path,
        query,
        list(scope.get("headers") or []),
        body,
        state.options.credentials.get,
    )


# ---------------------------------------------------------------------- app


def _is_admin(path: str) -> bool:
    return path in _ADMIN_EXACT or path.startswith(_ADMIN_PREFIXES)


class _LocalSesApp(Starlette):
    """Starlette for the admin routes; SES requests go straight to :func:`handle_ses`.

    They bypass Starlette's middleware so that ``send`` is the server's own
    (see :func:`_drop_connection`) and errors are answered in SES's format.
    """

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not _is_admin(str(scope["path"])):
            scope["app"] = self
            await handle_ses(self.state.ses, scope, receive, send)
            return
        if scope["type"] == "http":
            request_id = str(uuid.uuid4()).encode()
            inner = send

            async def send_with_id(message: Message) -> None:
                if message["type"] == "http.response.start":
                    headers = list(message.get("headers") or [])
                    if not any(k.lower() == b"x-amzn-requestid" for k, _ in headers):
                        headers.append((b"x-amzn-requestid", request_id))
                    message = {**message, "headers": headers}
                await inner(message)

            send = send_with_id
        await super().__call__(scope, receive, send)


def _options(options: ServerOptions | None, overrides: dict[str, Any]) -> ServerOptions:
    base = options if options is not None else ServerOptions()
    return dataclasses.replace(base, **overrides) if overrides else base


def create_app(options: ServerOptions | None = None, **option_overrides: Any) -> Starlette:
    """The ASGI app of the local SES v2 server; its state is ``app.state.ses``."""
    # Importing the handler modules registers their handlers.
    import aws_ses.local.resources
    from aws_ses.local import faults

    try:
        import aws_ses.local.sending  # noqa: F401
    except ImportError:  # pragma: no cover - the sending side is optional
        log.debug("aws_ses.local.sending unavailable: sends use the generic handler")
    routes: list[BaseRoute] = list(faults.routes())
    from aws_ses.local import sns

    routes.extend(sns.routes())
    try:
        from aws_ses.local import inbox
    except ImportError:  # pragma: no cover - read-back and inbox are optional
        log.debug("aws_ses.local.inbox unavailable: no read-back or inbox routes")
    else:
        routes.extend(inbox.routes())
    app = _LocalSesApp(routes=routes)
    app.state.ses = ServerState(_options(options, option_overrides))
    return app


def serve(
    options: ServerOptions | None = None, host: str = "127.0.0.1", port: int = DEFAULT_PORT
) -> None:
    """Run the server in the foreground until interrupted."""
    import uvicorn

    uvicorn.run(create_app(options), host=host, port=port, log_level="info")


class LocalServer:
    """The server on a background thread, for tests and demos.

    ``port=0`` picks a free port; after :meth:`start` (or entering the context)
    :attr:`url` is the endpoint to give an SES client.
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        options: ServerOptions | None = None,
        **option_overrides: Any,
    ) -> None:
        self.host = host
        self.port = port
        self.options = _options(options, option_overrides)
        self.app = create_app(self.options)
        self.state: ServerState = self.app.state.ses
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def inbox_url(self) -> str:
        return f"{self.url}/_inbox"

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self, timeout: float = 10.0) -> LocalServer:
        """Start serving; returns once the server accepts connections."""
        if self.running:
            return self
        import uvicorn

        config = uvicorn.Config(
            self.app,
            host=self.host,
            port=self.port,
            log_level="warning",
            access_log=False,
            lifespan="off",
            timeout_graceful_shutdown=2,
        )
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, name="aws-ses-local", daemon=True)
        self._server, self._thread = server, thread
        thread.start()
        deadline = time.monotonic() + timeout
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the local SES server did not start on {self.host}:{self.port}")
            time.sleep(0.01)
        for listener in server.servers:
            for sock in listener.sockets:
                self.port = int(sock.getsockname()[1])
                break
        with socket.create_connection((self.host, self.port), timeout=timeout):
            pass
        return self

    def stop(self) -> None:
        """Stop serving and wait for the thread to end."""
        server, thread = self._server, self._thread
        self._server = self._thread = None
        if server is not None:
            server.should_exit = True
        if thread is not None:
            thread.join(timeout=10)

    def __enter__(self) -> LocalServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"LocalServer(url={self.url!r}, running={self.running})"

    def _admin(self, method: str, path: str, body: Any = None) -> Any:
        import urllib.request

        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.url + path, data=data, method=method)
        if data is not None:
            request.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read() or b"null")

    def messages(self, *, id: str | None = None, email: str | None = None) -> list[dict[str, Any]]:
        """Mail the server accepted, oldest first, as ``GET /_aws/ses`` returns it."""
        query = urlencode({k: v for k, v in (("id", id), ("email", email)) if v is not None})
        found: list[dict[str, Any]] = self._admin("GET", "/_aws/ses?" + query)["messages"]
        return found

    def events(self, **filters: str) -> list[dict[str, Any]]:
        """Events published so far (``GET /_aws/ses/events``; filters ``type``,
        ``message_id``, ``destination``)."""
        found: list[dict[str, Any]] = self._admin("GET", "/_aws/ses/events?" + urlencode(filters))[
            "events"
        ]
        return found

    def add_fault(self, **spec: Any) -> dict[str, Any]:
        """Queue a fault (see :mod:`aws_ses.local.faults` for the fields)."""
        queued: dict[str, Any] = self._admin("POST", "/_aws/ses/faults", spec)["fault"]
        return queued

    def reset(self) -> None:
        """Forget every resource, message, event, quota count and fault."""
        self._admin("DELETE", "/_aws/ses/state")

    def _client_options(self, options: dict[str, Any]) -> dict[str, Any]:
        from aws_ses.auth.credentials import Credentials

        key, secret = next(iter(self.options.credentials.items()), ("test", "test"))
        options.setdefault("endpoint_url", self.url)
        options.setdefault("region", self.options.region)
        options.setdefault("credentials", Credentials(key, secret))
        return options

    def client(self, **options: Any) -> SesClient:
        """An :class:`~aws_ses.SesClient` pointed at this server."""
        from aws_ses.client import SesClient

        return SesClient(**self._client_options(options))

    def async_client(self, **options: Any) -> AsyncSesClient:
        """An :class:`~aws_ses.AsyncSesClient` pointed at this server."""
        from aws_ses.async_client import AsyncSesClient

        return AsyncSesClient(**self._client_options(options))
