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
"""

from __future__ import annotations

import inspect
import uuid
from collections.abc import Awaitable, Callable, Mapping
from types import TracebackType
from typing import Any

import msgspec

from aws_ses._http import HttpRequest, HttpResponse, Timeout

__all__ = [
    "AsyncHandler",
    "AsyncMockTransport",
    "Handler",
    "MockTransport",
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


class MockTransport:
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


class AsyncMockTransport:
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
