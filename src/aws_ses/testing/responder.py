"""Ready-made handlers for :class:`~aws_ses.transport.MockTransport`.

Each function returns a :class:`Responder`, a handler that answers every
request like SES would::

    from aws_ses.testing import responder
    from aws_ses.transport import MockTransport

    MockTransport(responder.ok())                        # every call succeeds
    MockTransport(responder.error("MessageRejected"))    # every call fails
    MockTransport(responder.throttle(times=2))           # 429 twice, then success

``operations`` limits an error or throttle to some operations (snake_case or
SES names); the others, and the calls after the throttling, go to ``then``
(by default :func:`ok`). A responder counts what it answered in ``calls``.
It works for :class:`~aws_ses.transport.AsyncMockTransport` too.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from aws_ses._http import HttpRequest, HttpResponse
from aws_ses.testing.canned import canned_body, canned_error
from aws_ses.transport.mock import RecordedRequest, decode_request, error_response, json_response

__all__ = ["Responder", "error", "ok", "throttle"]


class Responder:
    """A MockTransport handler; ``calls`` counts the requests it answered."""

    def __init__(
        self, answer: Callable[[RecordedRequest, HttpRequest], HttpResponse], name: str
    ) -> None:
        self._answer = answer
        self._name = name
        self._lock = threading.Lock()
        self.calls = 0

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with self._lock:
            self.calls += 1
        return self._answer(decode_request(request), request)

    def __repr__(self) -> str:
        return f"responder.{self._name} (calls={self.calls})"


def _names(operations: str | Iterable[str] | None) -> frozenset[str] | None:
    if operations is None:
        return None
    if isinstance(operations, str):
        return frozenset({operations})
    names = frozenset(operations)
    if not names:
        raise ValueError("operations must name at least one operation, or be None for all")
    return names


def _matches(names: frozenset[str] | None, recorded: RecordedRequest) -> bool:
    return names is None or bool({recorded.operation, recorded.operation_name} & names)


def ok(responses: Mapping[str, Mapping[str, Any]] | None = None) -> Responder:
    """Answer every operation with its canned response.

    ``responses`` maps an operation name to members that replace the canned
    ones (``ok({"send_email": {"MessageId": "m-1"}})``). Message ids are
    numbered per responder (``fake-message-id-0001``, ...), and a bulk send
    gets one ``SUCCESS`` result per entry it sent. A request that is no SES
    v2 operation gets 404.
    """
    extra = {name: dict(members) for name, members in (responses or {}).items()}
    counter = [0]
    lock = threading.Lock()

    def next_id() -> str:
        with lock:
            counter[0] += 1
            return f"fake-message-id-{counter[0]:04d}"

    def answer(recorded: RecordedRequest, request: HttpRequest) -> HttpResponse:
        if recorded.operation is None:
            return error_response("UnknownOperationException", "No such SES v2 operation.", 404)
        body = canned_body(recorded.operation)
        if "MessageId" in body:
            body["MessageId"] = next_id()
        if recorded.operation == "send_bulk_email":
            entries = recorded.params.get("bulk_email_entries") or []
            body["BulkEmailEntryResults"] = [
                {"Status": "SUCCESS", "MessageId": next_id()} for _ in entries
            ]
        for name in (recorded.operation, recorded.operation_name):
            body.update(extra.get(name or "", {}))
        return json_response(body)

    return Responder(answer, "ok()")


def error(
    code: str,
    message: str | None = None,
    *,
    status: int | None = None,
    operations: str | Iterable[str] | None = None,
    then: Callable[[HttpRequest], HttpResponse] | None = None,
) -> Responder:
    """Fail with the SES error ``code`` (its own status and message by default).

    For example ``error("MessageRejected", "Email address is not verified.")``
    or ``error("NotFoundException", operations="get_email_template")``.
    """
    canned_error(code, message, status=status)  # checks the arguments now
    names = _names(operations)
    fallback = then or ok()

    def answer(recorded: RecordedRequest, request: HttpRequest) -> HttpResponse:
        if _matches(names, recorded):
            return canned_error(code, message, status=status)
        return fallback(request)

    return Responder(answer, f"error({code!r})")


def throttle(
    times: int = 2,
    *,
    message: str = "Maximum sending rate exceeded.",
    retry_after: float | None = None,
    operations: str | Iterable[str] | None = None,
    then: Callable[[HttpRequest], HttpResponse] | None = None,
) -> Responder:
    """Answer the first ``times`` matching calls with 429 ``TooManyRequestsException``.

    The message decides the exception: "Maximum sending rate exceeded." (the
    default) raises ``MaxSendRateExceeded``, "Daily message quota exceeded."
    ``DailyQuotaExceeded``. ``retry_after`` adds an ``x-amz-retry-after``
    header (seconds).
    """
    if isinstance(times, bool) or not isinstance(times, int) or times < 0:
        raise ValueError(f"times must be a whole number >= 0, not {times!r}")
    names = _names(operations)
    fallback = then or ok()
    remaining = [times]
    lock = threading.Lock()
    headers = {} if retry_after is None else {"x-amz-retry-after": str(int(retry_after * 1000))}

    def answer(recorded: RecordedRequest, request: HttpRequest) -> HttpResponse:
        if _matches(names, recorded):
            with lock:
                throttled = remaining[0] > 0
                if throttled:
                    remaining[0] -= 1
            if throttled:
                return error_response("TooManyRequestsException", message, 429, headers=headers)
        return fallback(request)

    return Responder(answer, f"throttle(times={times})")
