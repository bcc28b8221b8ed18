"""Structured log records and user hooks."""

from __future__ import annotations

import json
import logging
from typing import Any, ClassVar

import pytest

from aws_ses import AsyncSesClient, SesClient
from aws_ses._http import HttpRequest
from aws_ses.auth.credentials import Credentials
from aws_ses.config import SesConfig
from aws_ses.errors import MessageRejected, SesValidationError
from aws_ses.observability import CallObserver, RequestView, ResponseView
from aws_ses.observability.logs import log_breaker_transition
from aws_ses.transport.mock import AsyncMockTransport, MockTransport, error_response, json_response

SEND = {
    "from_email_address": "me@example.com",
    "destination": {"to_addresses": ["ann@example.org"], "bcc_addresses": ["bob@example.org"]},
    "content": {"simple": {"subject": {"data": "Secret plans"}, "body": {"text": {"data": "b"}}}},
}


def ok(request: HttpRequest) -> Any:
    return json_response({"MessageId": "msg-1"}, headers={"x-amzn-RequestId": "req-1"})


def client(handler: Any = ok, **options: Any) -> tuple[SesClient, MockTransport]:
    transport = MockTransport(handler)
    ses = SesClient(
        region="eu-west-1",
        credentials=Credentials("AKIDLOG", "secret"),
        transport=transport,
        **options,
    )
    return ses, transport


class JsonFormatter(logging.Formatter):
    """What a JSON log formatter does: every non-standard attribute becomes a field."""

    standard: ClassVar[set[str]] = set(vars(logging.makeLogRecord({})))

    def format(self, record: logging.LogRecord) -> str:
        fields = {k: v for k, v in vars(record).items() if k not in self.standard}
        return json.dumps({"message": record.getMessage(), **fields}, default=str)


def test_one_debug_record_per_call_with_fields(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="aws_ses")
    ses, _ = client()
    ses.send_email(**SEND)
    (record,) = [r for r in caplog.records if r.name == "aws_ses.call"]
    assert record.levelno == logging.DEBUG
    line = json.loads(JsonFormatter().format(record))
    assert line["operation"] == "SendEmail"
    assert line["region"] == "eu-west-1"
    assert line["status"] == 200
    assert line["attempts"] == 1
    assert line["request_id"] == "req-1"
    assert line["message_id"] == "msg-1"
    assert line["destination_count"] == 2
    assert line["error_code"] is None
    assert line["duration_ms"] > 0
    assert "SESv2.SendEmail 200 ok" in line["message"]


def test_a_failed_call_is_one_record_with_its_error_code(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="aws_ses")
    ses, _ = client(lambda r: error_response("MessageRejected", "no", 400))
    with pytest.raises(MessageRejected):
        ses.send_email(**SEND)
    (record,) = [r for r in caplog.records if r.name == "aws_ses.call"]
    assert record.error_code == "MessageRejected"  # type: ignore[attr-defined]
    assert record.status == 400  # type: ignore[attr-defined]


def test_retry_is_info_and_breaker_transition_is_warning(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="aws_ses")
    config = SesConfig(region="eu-west-1")
    obs = CallObserver("send_email", "eu-west-1", "host", {}, config)
    obs.retry(1, 0.25, MessageRejected("x", code="Throttling", status=429))
    obs.failure(RuntimeError("gave up"))
    log_breaker_transition(
        endpoint="email.eu-west-1.amazonaws.com", old="closed", new="open", failures=5
    )
    retry = next(r for r in caplog.records if r.name == "aws_ses.retry")
    assert retry.levelno == logging.INFO
    assert (retry.attempt, retry.delay_s, retry.status) == (1, 0.25, 429)  # type: ignore[attr-defined]
    breaker = next(r for r in caplog.records if r.name == "aws_ses.breaker")
    assert breaker.levelno == logging.WARNING
    assert breaker.breaker_to == "open"  # type: ignore[attr-defined]


# ------------------------------------------------------------------ hooks


def test_sync_hooks_see_redacted_views() -> None:
    seen: list[Any] = []
    ses, _ = client(hooks={"request": [seen.append], "response": [seen.append]})
    ses.send_email(**SEND)
    request, response = seen
    assert isinstance(request, RequestView) and isinstance(response, ResponseView)
    assert request.operation == "SendEmail"
    assert request.destination_count == 2
    assert request.headers["Authorization"] == "***"
    assert request.params["Destination"] == {"ToAddresses": ["***"], "BccAddresses": ["***"]}
    assert request.params["Content"]["Simple"]["Subject"]["Data"] == "***"
    assert request.params["FromEmailAddress"] == "***"
    assert response.status == 200 and response.request_id == "req-1"
    assert response.request is request


def test_response_hooks_see_error_responses_too() -> None:
    statuses: list[int] = []
    ses, _ = client(
        lambda r: error_response("MessageRejected", "no", 400),
        hooks={"response": [lambda v: statuses.append(v.status)]},
    )
    with pytest.raises(MessageRejected):
        ses.send_email(**SEND)
    assert statuses == [400]


def test_a_hook_that_raises_stops_the_call() -> None:
    def veto(view: RequestView) -> None:
        raise RuntimeError("not today")

    ses, transport = client(hooks={"request": [veto]})
    with pytest.raises(RuntimeError, match="not today"):
        ses.send_email(**SEND)
    assert transport.requests == []


def test_a_sync_client_refuses_async_hooks() -> None:
    async def hook(view: RequestView) -> None:
        pass

    ses, transport = client(hooks={"request": [hook]})
    with pytest.raises(SesValidationError, match="coroutine function"):
        ses.send_email(**SEND)
    assert transport.requests == []


async def test_async_client_awaits_async_hooks_and_calls_plain_ones() -> None:
    seen: list[str] = []

    async def on_request(view: RequestView) -> None:
        seen.append(f"request {view.operation} attempt {view.attempt}")

    def on_response(view: ResponseView) -> None:
        seen.append(f"response {view.status}")

    ses = AsyncSesClient(
        region="eu-west-1",
        credentials=Credentials("AKIDLOG", "secret"),
        async_transport=AsyncMockTransport(ok),
        hooks={"request": [on_request], "response": [on_response]},
    )
    await ses.send_email(**SEND)
    assert seen == ["request SendEmail attempt 1", "response 200"]


def test_log_sensitive_shows_addresses_but_never_secrets() -> None:
    seen: list[Any] = []
    ses, _ = client(hooks={"request": [seen.append]}, log_sensitive=True)
    ses.send_email(**SEND)
    (view,) = seen
    assert view.params["Destination"]["ToAddresses"] == ["ann@example.org"]
    assert view.params["Content"]["Simple"]["Subject"]["Data"] == "Secret plans"
    assert view.headers["Authorization"] == "***"
