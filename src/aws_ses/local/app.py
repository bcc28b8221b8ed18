"""The local SES v2 server: an ASGI app speaking SES v2's REST-JSON wire format.

Requests are routed, decoded and validated with the same generated model the
client uses: each operation's URI template becomes a pattern over the raw
(still percent-encoded) path, and when several match the one with the most
literal characters wins (``.../contacts/list`` over ``.../contacts/{EmailAddress}``).
Routes of earlier model versions (:mod:`aws_ses.local.legacy_routes`) are
served too. Path labels are percent-decoded, query members typed by their
shapes, the JSON body taken as is, and the merged parameters checked for
required members, enum values and JSON types before the operation's handler
runs in a thread (the store is synchronous SQLite).

A request is answered as early as it can be: an unknown route before its
body is read, a missing signature before its body is read, a declared
``Content-Length`` over the limit before its body is read, and a body that
grows past the limit while streaming as soon as it does. Nothing a client
sends gets a 500: every error is an SES error shape (``X-Amzn-ErrorType``,
``{"__type", "message"}``) with SES's status.

Paths under ``/_aws`` and ``/_inbox`` are the server's own admin, read-back
and inbox routes, guarded by :mod:`aws_ses.local.admin`.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import json
import logging
import re
import secrets
import socket
import threading
import time
import uuid
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import parse_qsl, unquote, urlencode

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.routing import BaseRoute

from aws_ses import _rules
from aws_ses._model import Operation, operation, operation_names, shape
from aws_ses._rules import MAX_MESSAGE_BYTES
from aws_ses.local import admin, faults, inbox, resources, sending, sns
from aws_ses.local.faults import take_fault
from aws_ses.local.handlers import (
    account,
    configuration_sets,
    contacts,
    dedicated_ips,
    deliverability,
    identities,
    insights,
    multi_region,
    reputation,
    suppression,
    tagging,
    templates,
    tenants,
)
from aws_ses.local.jsonbody import MAX_JSON_DEPTH, decode_json
from aws_ses.local.legacy_routes import LEGACY_ROUTES
from aws_ses.local.state import (
    DEFAULT_PORT,
    ApiError,
    Handler,
    ServerOptions,
    ServerState,
    is_loopback,
)
from aws_ses.signing.verify import SignatureError, verify_request

if TYPE_CHECKING:
    import uvicorn

    from aws_ses.async_client import AsyncSesClient
    from aws_ses.client import SesClient
    from aws_ses.local.smtp import SmtpEndpoint

__all__ = [
    "DEFAULT_PORT",
    "MAX_JSON_DEPTH",
    "MAX_REQUEST_BYTES",
    "LocalServer",
    "create_app",
    "serve",
    "with_admin_token",
]

log = logging.getLogger("aws_ses.local")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

# The largest request body: a SendEmail carrying a raw message of SES's
# maximum size, base64-encoded, plus room for the rest of the request.
MAX_REQUEST_BYTES = (MAX_MESSAGE_BYTES + 2) // 3 * 4 + 1024 * 1024
# Admin and inbox requests are small.
MAX_ADMIN_BYTES = 1024 * 1024


# ------------------------------------------------------------------ routing


@dataclass(frozen=True, slots=True)
class _Route:
    op: Operation
    method: str
    pattern: re.Pattern[str]
    labels: tuple[str, ...]
    literal: int  # characters of the template outside labels: more is more specific
    query: tuple[tuple[str, str], ...] = ()  # a legacy route's query members


def _compile(
    op: Operation, method: str, uri: str, query: tuple[tuple[str, str], ...] = ()
) -> _Route:
    path = uri.partition("?")[0]
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
    return _Route(op, method, re.compile(pattern + "/?"), tuple(labels), literal, query)


@functools.cache
def _operations() -> dict[str, Operation]:
    return {operation(n).name: operation(n) for n in operation_names()}


@functools.cache
def _routes() -> tuple[_Route, ...]:
    ops = _operations()
    compiled = [_compile(op, op.method, op.uri) for op in ops.values()]
    compiled += [_compile(ops[r.operation], r.method, r.uri, r.query) for r in LEGACY_ROUTES]
    compiled.sort(key=lambda r: (-r.literal, len(r.labels)))
    return tuple(compiled)


def _match(method: str, raw_path: str) -> tuple[_Route, dict[str, str]] | None:
    path = raw_path.partition("?")[0]
    for route in _routes():
        if route.method != method:
            continue
        found = route.pattern.fullmatch(path)
        if found is not None:
            return route, {
                label: unquote(value)
                for label, value in zip(route.labels, found.groups(), strict=True)
            }
    return None


def match_route(method: str, raw_path: str) -> tuple[Operation, dict[str, str]] | None:
    """The operation for a request and its decoded path labels, or None."""
    found = _match(method, raw_path)
    return None if found is None else (found[0].op, found[1])


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
            return resources.parse_timestamp(text)
    except (ValueError, OverflowError):
        raise _bad(
            f"1 validation error detected: Value '{text}' at '{where}' failed to satisfy "
            f"constraint: Member must be a valid {kind}"
        ) from None
    return text


def decode_request(
    op: Operation,
    labels: dict[str, str],
    query_string: str,
    body: bytes | bytearray,
    legacy_query: tuple[tuple[str, str], ...] = (),
) -> dict[str, Any]:
    """The request's members by wire name: path labels, typed query members, JSON body."""
    params: dict[str, Any] = {}
    if body.strip():
        decoded = decode_json(body)
        if not isinstance(decoded, dict):
            raise _bad("The request body must be a JSON object.")
        params.update(decoded)
    if op.input is None:
        return params
    query: dict[str, list[str]] = {}
    for key, value in parse_qsl(query_string, keep_blank_values=True):
        query.setdefault(key, []).append(value)
    legacy = dict(legacy_query)
    for m in shape(op.input).members:
        name = m.location_name or m.wire
        if m.location == "uri" and name in labels:
            params[m.wire] = labels[name]
            continue
        in_query = m.location == "querystring" and name in query
        if not in_query and m.wire in legacy.values():
            name = next(k for k, v in legacy.items() if v == m.wire)
            in_query = name in query
        if in_query:
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
# Java's int and long, which SES's frontend parses numbers into.
_INT_RANGE = {"integer": 2**31, "long": 2**63}


def _rule_path(path: str, shape_name: str, where: tuple[str | int, ...]) -> str:
    """A rule's wire path in AWS's validation wording (``attachments.1.member.fileName``)."""
    for step in where:
        if isinstance(step, int):
            path = f"{path}.{step + 1}.member"
        else:
            path = f"{path}.{_camel(step)}" if path else _camel(step)
    return path


_patterns: dict[str, re.Pattern[str]] = {}


def _string_problem(shape_name: str, value: str) -> str | None:
    """The same string checks the client's serializer runs (``aws_ses._rules``)."""
    sh = shape(shape_name)
    if sh.min is not None and len(value) < sh.min:
        return f"Member must have length greater than or equal to {sh.min}"
    if sh.max is not None and len(value) > sh.max:
        return f"Member must have length less than or equal to {sh.max}"
    if shape_name == "EmailAddress":
        from aws_ses.addresses import address_problem

        return address_problem(value)[1]
    rule = _rules.STRING_RULES.get(shape_name)
    problem = rule(value) if rule is not None else None
    if problem is None and sh.pattern is not None:
        pattern = _patterns.get(shape_name)
        if pattern is None:
            pattern = _patterns[shape_name] = re.compile(sh.pattern)
        if pattern.fullmatch(value) is None:
            problem = f"Member must satisfy regular expression pattern: {sh.pattern}"
    return problem


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
    if depth > MAX_JSON_DEPTH:
        return
    if sh.kind in _INT_RANGE and not -_INT_RANGE[sh.kind] <= value < _INT_RANGE[sh.kind]:
        errors.append(
            f"Value '{value}' at '{path}' failed to satisfy constraint: "
            f"Member must be a valid {sh.kind}"
        )
    elif sh.kind == "timestamp" and not _valid_timestamp(value):
        errors.append(
            f"Value '{value}' at '{path}' failed to satisfy constraint: "
            "Member must be a valid timestamp"
        )
    elif sh.kind == "string" and sh.enum is not None and value not in sh.enum:
        errors.append(
            f"Value '{value}' at '{path}' failed to satisfy constraint: Member must satisfy "
            f"enum value set: [{', '.join(sorted(sh.enum))}]"
        )
    elif sh.kind == "string":
        problem = _string_problem(shape_name, value)
        if problem is not None:
            errors.append(f"Value at '{path}' failed to satisfy constraint: {problem}")
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
        rule = _rules.STRUCTURE_RULES.get(shape_name)
        violation = rule(value) if rule is not None else None
        if violation is not None:
            where = _rule_path(path, shape_name, violation.where) or _camel(shape_name)
            errors.append(f"Value at '{where}' failed to satisfy constraint: {violation.problem}")
    elif sh.kind == "list" and sh.member is not None:
        if sh.min is not None and len(value) < sh.min:
            errors.append(
                f"Value at '{path}' failed to satisfy constraint: "
                f"Member must have length greater than or equal to {sh.min}"
            )
        if sh.max is not None and len(value) > sh.max:
            errors.append(
                f"Value at '{path}' failed to satisfy constraint: "
                f"Member must have length less than or equal to {sh.max}"
            )
        for index, item in enumerate(value, 1):
            if item is not None:
                _check(sh.member, item, f"{path}.{index}.member", errors, depth + 1)
    elif sh.kind == "map" and sh.value is not None:
        for key, item in value.items():
            if item is not None:
                _check(sh.value, item, f"{path}.{key}", errors, depth + 1)


def _valid_timestamp(value: Any) -> bool:
    try:
        when = resources.parse_timestamp(value)
    except (ValueError, OverflowError):
        return False
    return -62135596800.0 <= when <= 253402300799.0  # years 1 to 9999


def validate_request(op: Operation, params: dict[str, Any]) -> None:
    """BadRequestException in AWS's validation wording for a malformed request.

    Beyond types, required members and enumerations it runs SES's rules from
    :mod:`aws_ses._rules` (lengths and patterns of the model, addresses,
    header and tag charsets, recipient counts, message size, template data),
    the very checks the client runs before sending, so the two cannot drift.
    """
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
    # The code travels in the header and, as SES's REST-JSON errors carry it, in ``__type``.
    headers = _headers(request_id, {"x-amzn-errortype": code})
    await _respond(send, status, {"__type": code, "message": message}, headers)


def _shape_output(op: Operation, result: dict[str, Any]) -> dict[str, Any]:
    """Only the output shape's body members, without nulls."""
    if op.output is None:
        return {}
    wanted = {m.wire for m in shape(op.output).members if m.location is None}
    return {k: v for k, v in result.items() if k in wanted and v is not None}


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers") or []:
        if key.lower() == name:
            return bytes(value).decode("latin-1")
    return None


def _too_large(limit: int) -> ApiError:
    return ApiError(
        "RequestEntityTooLargeException",
        f"Request body is larger than the limit of {limit} bytes.",
        413,
    )


def declared_length(scope: Scope, limit: int) -> int | None:
    """The request's ``Content-Length`` (None when absent); 413 over ``limit``."""
    text = _header(scope, b"content-length")
    if text is None:
        return None
    text = text.strip()
    if not text.isdigit():
        raise _bad("Content-Length must be a non-negative integer.")
    length = int(text)
    if length > limit:
        raise _too_large(limit)
    return length


async def read_body(receive: Receive, limit: int, length: int | None) -> bytearray:
    """The whole body, refusing it (413) as soon as it passes ``limit``.

    With a declared length the buffer is allocated once, so a large body
    costs its own size and no more.
    """
    buffer = bytearray(length) if length else bytearray()
    filled = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        end = filled + len(chunk)
        if end > limit:
            raise _too_large(limit)
        if length is not None and end <= length:
            buffer[filled:end] = chunk
        else:
            buffer[filled:] = chunk
        filled = end
        if not message.get("more_body", False):
            break
    if filled < len(buffer):
        del buffer[filled:]
    return buffer


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


def _handler_for(state: ServerState, name: str) -> Handler:
    found = state.handlers.get(name)
    return found if found is not None else resources.generic_handler(name)


def _run_handler(state: ServerState, fn: Handler, params: dict[str, Any]) -> dict[str, Any]:
    with state.gate.request():
        return fn(state, params)


async def handle_ses(state: ServerState, scope: Scope, receive: Receive, send: Send) -> None:
    """Serve one SES v2 API request."""
    request_id = str(uuid.uuid4())
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
        matched = _match(method, raw)
        if matched is None:
            raise ApiError("UnknownOperationException", f"Unknown operation: {method} {raw}", 404)
        route, labels = matched
        op = route.op
        if state.options.auth and not (_header(scope, b"authorization") or "").strip():
            raise SignatureError("MissingAuthenticationToken", "Missing Authentication Token")
        body = await read_body(
            receive, MAX_REQUEST_BYTES, declared_length(scope, MAX_REQUEST_BYTES)
        )
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
        params = decode_request(op, labels, query, body, route.query)
        del body  # a large raw message is held once, in params, from here on
        validate_request(op, params)
        handler = _handler_for(state, op.name)
        result = await run_in_threadpool(_run_handler, state, handler, params)
        del params
        await _respond(send, 200, _shape_output(op, result or {}), _headers(request_id))
    except ApiError as exc:
        await _error(send, request_id, exc.code, exc.message, exc.status)
    except SignatureError as exc:
        await _error(send, request_id, exc.code, exc.message, exc.status or 403)
    except ConnectionDropped:
        raise
    except Exception:
        log.exception("local SES: internal error serving %s %s", method, raw)
        await _error(
            send,
            request_id,
            "InternalFailure",
            "The request processing has failed because of an unknown error.",
            500,
        )


def _authenticate(
    state: ServerState,
    method: str,
    raw_path: str,
    query: str,
    scope: Scope,
    body: bytes | bytearray,
) -> None:
    # Any region's signature is accepted: SDKs sign with the region they were
    # given, and a local endpoint serves them all.
    try:
        verify_request(
            method,
            raw_path,
            query,
            list(scope.get("headers") or []),
            cast(bytes, body),  # only hashed: a bytearray serves without a copy
            state.options.credentials.get,
        )
    except ImportError:
        # SigV4a needs ``cryptography``; the ``local`` extra installs it, but a
        # server installed without it refuses such requests rather than failing.
        raise ApiError(
            "InvalidSignatureException",
            "This local server cannot verify SigV4a signatures: install the 'cryptography' "
            "package (pip install 'aws-ses[local]').",
            400,
        ) from None


# ---------------------------------------------------------------------- app


async def _refuse(send: Send, refusal: admin.Refusal, request_id: bytes) -> None:
    payload = refusal.body()
    await send(
        {
            "type": "http.response.start",
            "status": refusal.status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(payload)).encode()),
                (b"x-amzn-requestid", request_id),
                (b"x-amzn-errortype", refusal.code.encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": payload})


class _LocalSesApp(Starlette):
    """Starlette for the admin routes; SES requests go straight to :func:`handle_ses`.

    They bypass Starlette's middleware so that ``send`` is the server's own
    (see :func:`_drop_connection`) and errors are answered in SES's format.
    Every admin request passes :func:`aws_ses.local.admin.refusal` first,
    whichever module registered its route.
    """

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not admin.is_admin_path(str(scope["path"])):
            scope["app"] = self
            await handle_ses(self.state.ses, scope, receive, send)
            return
        if scope["type"] == "http":
            options: ServerOptions = self.state.ses.options
            request_id = str(uuid.uuid4()).encode()
            refused = admin.refusal(scope, options)
            body = b""
            if refused is None:
                try:
                    length = declared_length(scope, MAX_ADMIN_BYTES)
                    body = bytes(await read_body(receive, MAX_ADMIN_BYTES, length))
                except ApiError as exc:
                    refused = admin.Refusal(exc.status, exc.code, exc.message)
            if refused is not None:
                await _refuse(send, refused, request_id)
                return
            set_cookie = _token_cookie(scope, options)
            receive = _replay(body, receive)
            inner = send

            async def send_with_id(message: Message) -> None:
                if message["type"] == "http.response.start":
                    headers = list(message.get("headers") or [])
                    if not any(k.lower() == b"x-amzn-requestid" for k, _ in headers):
                        headers.append((b"x-amzn-requestid", request_id))
                    if set_cookie is not None:
                        headers.append((b"set-cookie", set_cookie))
                    message = {**message, "headers": headers}
                await inner(message)

            send = send_with_id
        await super().__call__(scope, receive, send)


def _token_cookie(scope: Scope, options: ServerOptions) -> bytes | None:
    """An HttpOnly cookie with the admin token, when it came as ``?token=``."""
    if options.admin_token is None or b"token=" not in (scope.get("query_string") or b""):
        return None
    return (
        f"{admin.TOKEN_COOKIE}={options.admin_token}; HttpOnly; SameSite=Strict; Path=/"
    ).encode()


def _replay(body: bytes, receive: Receive) -> Receive:
    """A receive that gives the already-read (and size-checked) body, then waits as before."""
    given = False

    async def replay() -> Message:
        nonlocal given
        if not given:
            given = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


def _options(options: ServerOptions | None, overrides: dict[str, Any]) -> ServerOptions:
    base = options if options is not None else ServerOptions()
    return dataclasses.replace(base, **overrides) if overrides else base


def handler_table() -> dict[str, Handler]:
    """Every operation's handler: the specific ones, then the generic engine for the rest."""
    table: dict[str, Handler] = {}
    families = (
        identities.handlers,
        templates.handlers,
        configuration_sets.handlers,
        suppression.handlers,
        dedicated_ips.handlers,
        account.handlers,
        deliverability.handlers,
        insights.handlers,
        tagging.handlers,
        contacts.handlers,
        tenants.handlers,
        reputation.handlers,
        multi_region.handlers,
        sending.handlers,
    )
    for part in (family.items() for family in families):
        table.update(part)
    for name in _operations():
        table.setdefault(name, resources.generic_handler(name))
    return table


def create_app(options: ServerOptions | None = None, **option_overrides: Any) -> Starlette:
    """The ASGI app of the local SES v2 server; its state is ``app.state.ses``."""
    routes: list[BaseRoute] = [*faults.routes(), *sns.routes(), *inbox.routes()]
    app = _LocalSesApp(routes=routes)
    app.state.ses = ServerState(_options(options, option_overrides), handler_table())
    return app


def with_admin_token(host: str, options: ServerOptions) -> ServerOptions:
    """Options for serving on ``host``: a non-loopback address always gets an admin token."""
    if options.admin_token is None and not is_loopback(host):
        return dataclasses.replace(options, admin_token=secrets.token_urlsafe(18))
    return options


def serve(
    options: ServerOptions | None = None,
    host: str = "127.0.0.1",
    port: int = DEFAULT_PORT,
    *,
    smtp_port: int | None = None,
    smtp_tls: bool = False,
) -> None:
    """Run the server in the foreground until interrupted (SMTP too with ``smtp_port``)."""
    import uvicorn

    app = create_app(with_admin_token(host, options or ServerOptions()))
    smtp = None
    if smtp_port is not None:
        from aws_ses.local.smtp import SmtpEndpoint

        smtp = SmtpEndpoint(app.state.ses, host=host, port=smtp_port, tls=smtp_tls).start()
    try:
        uvicorn.run(app, host=host, port=port, log_level="info")
    finally:
        if smtp is not None:
            smtp.stop()


class LocalServer:
    """The server on a background thread, for tests and demos.

    ``port=0`` picks a free port; after :meth:`start` (or entering the context)
    :attr:`url` is the endpoint to give an SES client. ``smtp_port`` (0 for a
    free one) also starts the SMTP endpoint (:mod:`aws_ses.local.smtp`), with
    ``STARTTLS`` when ``smtp_tls`` is true; :attr:`smtp_port` is then the port.
    On a non-loopback ``host`` an admin token is generated unless one is given
    (:attr:`admin_token`); the helpers below send it.
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        options: ServerOptions | None = None,
        smtp_port: int | None = None,
        smtp_tls: bool = False,
        **option_overrides: Any,
    ) -> None:
        self.host = host
        self.port = port
        self.options = with_admin_token(host, _options(options, option_overrides))
        self.app = create_app(self.options)
        self.state: ServerState = self.app.state.ses
        self.smtp_port = smtp_port
        self._smtp_tls = smtp_tls
        self.smtp: SmtpEndpoint | None = None
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def admin_token(self) -> str | None:
        return self.options.admin_token

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
        if self.smtp_port is not None:
            from aws_ses.local.smtp import SmtpEndpoint

            self.smtp = SmtpEndpoint(
                self.state, host=self.host, port=self.smtp_port, tls=self._smtp_tls
            ).start()
            self.smtp_port = self.smtp.port
        return self

    def stop(self) -> None:
        """Stop serving and wait for the thread to end."""
        server, thread, smtp = self._server, self._thread, self.smtp
        self._server = self._thread = self.smtp = None
        if smtp is not None:
            smtp.stop()
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
        request.add_header("Content-Type", "application/json")
        if self.options.admin_token is not None:
            request.add_header("Authorization", f"Bearer {self.options.admin_token}")
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read() or b"null")

    def messages(
        self, *, id: str | None = None, email: str | None = None, bodies: bool = True
    ) -> list[dict[str, Any]]:
        """Mail the server accepted, oldest first, as ``GET /_aws/ses`` returns it
        (every page of it)."""
        params = {k: v for k, v in (("id", id), ("email", email)) if v is not None}
        if not bodies:
            params["bodies"] = "false"
        found: list[dict[str, Any]] = []
        while True:
            page = self._admin("GET", "/_aws/ses?" + urlencode(params))
            found.extend(page["messages"])
            if not page.get("next_token"):
                return found
            params["next_token"] = page["next_token"]

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
