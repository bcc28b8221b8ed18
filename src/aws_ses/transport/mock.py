"""Transports that answer from a function, for tests without a network.

A handler receives each :class:`HttpRequest` and returns the
:class:`HttpResponse` to give back. Whatever the handler raises reaches the
caller unchanged, so raising ``SesTransportError(..., sent=False)`` from a
handler simulates a refused connection and ``SesTimeoutError(..., sent=True)``
a read timeout. Every request is kept in ``requests`` (in order, including
those whose handler raised) for assertions::

    transport = MockTransport(lambda request: json_response({"MessageId": "m-1"}))
    ...
    assert transport.requests[0].url.endswith("/v2/email/outbound-emails")

``recorded_requests`` gives the same requests decoded: the operation's
snake_case name, its parameters with snake_case keys (blobs as bytes), and the
headers with secrets redacted, so a test reads what the code asked for rather
than the wire format::

    (sent,) = transport.recorded_requests
    assert sent.operation == "send_email"
    assert sent.params["destination"]["to_addresses"] == ["b@example.com"]
"""

from __future__ import annotations

import base64
import binascii
import functools
import inspect
import re
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

import msgspec

from aws_ses._http import HttpRequest, HttpResponse, Timeout, redact_headers

__all__ = [
    "AsyncHandler",
    "AsyncMockTransport",
    "Handler",
    "MockTransport",
    "RecordedRequest",
    "decode_request",
    "error_response",
    "json_response",
]

Handler = Callable[[HttpRequest], HttpResponse]
AsyncHandler = Callable[[HttpRequest], HttpResponse | Awaitable[HttpResponse]]


def _headers(defaults: dict[str, str], extra: Mapping[str, str] | None) -> dict[str, str]:
    # Responses carry lower-case names, as real transports produce them.
    if extra:
        defaults.update((name.lower(), value) for name, value in extra.items())
    return defaults


def json_response(
    data: Any, status: int = 200, headers: Mapping[str, str] | None = None
) -> HttpResponse:
    """A JSON response as SES sends it, with a fresh ``x-amzn-requestid``.

    ``data`` is anything msgspec can encode (dicts, lists, msgspec structs).
    ``headers`` are added last, so they can replace the defaults.
    """
    base = {"content-type": "application/json", "x-amzn-requestid": str(uuid.uuid4())}
    return HttpResponse(status, _headers(base, headers), msgspec.json.encode(data))


def error_response(
    code: str,
    message: str,
    status: int = 400,
    *,
    headers: Mapping[str, str] | None = None,
) -> HttpResponse:
    """An SES error response: the code in ``X-Amzn-ErrorType`` and in the body.

    For example ``error_response("MessageRejected", "Email address is not
    verified.", 400)`` or ``error_response("TooManyRequestsException",
    "Maximum sending rate exceeded.", 429)``.
    """
    base = {
        "content-type": "application/json",
        "x-amzn-requestid": str(uuid.uuid4()),
        "x-amzn-errortype": code,
    }
    body = msgspec.json.encode({"message": message, "__type": code})
    return HttpResponse(status, _headers(base, headers), body)


# ------------------------------------------------------------ decoding requests


@dataclass(frozen=True, slots=True)
class RecordedRequest:
    """One request as the code under test meant it.

    ``operation`` is the snake_case operation name (``"send_email"``), or
    None for a request that is no SES v2 operation; ``operation_name`` the
    SES name (``"SendEmail"``). ``params`` holds every input member, from the
    path, the query and the JSON body, under its snake_case name (nested
    structures too; blobs decoded to bytes). ``headers`` is a copy with
    ``Authorization`` and the other secrets replaced by ``***``.
    """

    operation: str | None
    operation_name: str | None
    params: dict[str, Any]
    method: str
    url: str
    headers: dict[str, str] = field(repr=False)
    body: bytes = field(repr=False)

    def __repr__(self) -> str:
        return (
            f"RecordedRequest(operation={self.operation!r}, method={self.method!r}, "
            f"url={self.url!r}, headers={self.headers!r}, body=<{len(self.body)} bytes>)"
        )


@dataclass(frozen=True, slots=True)
class _Route:
    py_name: str
    name: str
    method: str
    pattern: re.Pattern[str]
    labels: tuple[str, ...]
    literal: int  # characters outside labels: the more, the more specific


@functools.cache
def _routes() -> tuple[_Route, ...]:
    from aws_ses._model import operation, operation_names

    routes = []
    for py_name in operation_names():
        op = operation(py_name)
        path = op.uri.partition("?")[0].rstrip("/") or "/"
        pattern, literal, labels = "", 0, []
        for piece in re.split(r"(\{[^}]+\})", path):
            if piece.startswith("{") and piece.endswith("}"):
                labels.append(piece[1:-1].rstrip("+"))
                pattern += "(.+)" if piece.endswith("+}") else "([^/]+)"
            else:
                pattern += re.escape(piece)
                literal += len(piece)
        routes.append(
            _Route(py_name, op.name, op.method, re.compile(pattern + "/?"), tuple(labels), literal)
        )
    routes.sort(key=lambda r: (-r.literal, len(r.labels)))
    return tuple(routes)


def _snake(value: Any, shape_name: str | None, depth: int = 0) -> Any:
    """A wire value with its structure keys renamed to Python names."""
    from aws_ses._model import shape

    if shape_name is None or depth > 40:
        return value
    sh = shape(shape_name)
    if sh.kind == "structure" and isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            member = sh.lookup(key)
            if member is None:
                out[key] = item  # a member the model does not know: keep it as sent
            else:
                out[member.py] = _snake(item, member.shape, depth + 1)
        return out
    if sh.kind == "list" and isinstance(value, list):
        return [_snake(item, sh.member, depth + 1) for item in value]
    if sh.kind == "map" and isinstance(value, dict):
        return {key: _snake(item, sh.value, depth + 1) for key, item in value.items()}
    if sh.kind == "blob" and isinstance(value, str):
        try:
            return base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            return value
    return value


def _typed_text(text: str, shape_name: str) -> Any:
    from aws_ses._model import shape

    kind = shape(shape_name).kind
    try:
        if kind in ("integer", "long"):
            return int(text)
        if kind == "double":
            return float(text)
    except ValueError:
        return text
    if kind == "boolean":
        return text == "true"
    return text


def decode_request(request: HttpRequest) -> RecordedRequest:
    """Decode a request the client built back into operation and parameters."""
    from aws_ses._model import operation, shape

    parts = urlsplit(request.url)
    headers = redact_headers(request.headers)
    found: tuple[_Route, re.Match[str]] | None = None
    for route in _routes():
        if route.method == request.method.upper():
            match = route.pattern.fullmatch(parts.path)
            if match is not None:
                found = (route, match)
                break
    if found is None:
        return RecordedRequest(None, None, {}, request.method, request.url, headers, request.body)
    route, match = found
    op = operation(route.py_name)
    params: dict[str, Any] = {}
    if op.input is not None:
        input_shape = shape(op.input)
        by_location = {
            (m.location, m.location_name or m.wire): m for m in input_shape.members if m.location
        }
        for label, raw in zip(route.labels, match.groups(), strict=True):
            member = by_location.get(("uri", label))
            if member is not None:
                params[member.py] = _typed_text(unquote(raw), member.shape)
        for key, text in parse_qsl(parts.query, keep_blank_values=True):
            member = by_location.get(("querystring", key))
            if member is None:
                params[key] = text
                continue
            member_shape = shape(member.shape)
            if member_shape.kind == "list":
                item = _typed_text(text, member_shape.member or "")
                params.setdefault(member.py, []).append(item)
            else:
                params[member.py] = _typed_text(text, member.shape)
        if request.body:
            try:
                body = msgspec.json.decode(request.body)
            except msgspec.DecodeError:
                body = None
            if isinstance(body, dict):
                params.update(_snake(body, op.input))
    return RecordedRequest(
        route.py_name, route.name, params, request.method, request.url, headers, request.body
    )


class _Recording:
    """What both mock transports offer for assertions."""

    requests: list[HttpRequest]

    @property
    def recorded_requests(self) -> list[RecordedRequest]:
        """Every request so far, decoded (see :class:`RecordedRequest`)."""
        return [decode_request(r) for r in self.requests]

    def requests_for(self, operation: str) -> list[RecordedRequest]:
        """The decoded requests of one operation (``"send_email"`` or ``"SendEmail"``)."""
        return [r for r in self.recorded_requests if operation in (r.operation, r.operation_name)]


class MockTransport(_Recording):
    """A blocking transport that calls ``handler`` for every request."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.requests: list[HttpRequest] = []
        self.timeouts: list[Timeout] = []
        self.closed = False

    def send(self, request: HttpRequest, *, timeout: Timeout) -> HttpResponse:
        self.requests.append(request)
        self.timeouts.append(timeout)
        response = self.handler(request)
        if inspect.isawaitable(response):
            if inspect.iscoroutine(response):
                response.close()  # avoid a "never awaited" warning
            raise TypeError("MockTransport handler returned an awaitable; use AsyncMockTransport")
        return response

    def close(self) -> None:
        self.closed = True

    def __enter__(self) -> MockTransport:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class AsyncMockTransport(_Recording):
    """An asyncio transport that calls ``handler``, a plain or an async function."""

    def __init__(self, handler: AsyncHandler) -> None:
        self.handler = handler
        self.requests: list[HttpRequest] = []
        self.timeouts: list[Timeout] = []
        self.closed = False

    async def send(self, request: HttpRequest, *, timeout: Timeout) -> HttpResponse:
        self.requests.append(request)
        self.timeouts.append(timeout)
        response = self.handler(request)
        if inspect.isawaitable(response):
            return await response
        return response

    async def aclose(self) -> None:
        self.closed = True

    async def __aenter__(self) -> AsyncMockTransport:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()
