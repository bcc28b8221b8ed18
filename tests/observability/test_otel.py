"""Spans: one CLIENT span per call, with the attributes, events and status the issue lists."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode

from aws_ses import AsyncSesClient, SesClient
from aws_ses._http import HttpRequest
from aws_ses.auth.credentials import Credentials
from aws_ses.config import SesConfig
from aws_ses.errors import MessageRejected, SesServiceError
from aws_ses.observability import CallObserver
from aws_ses.transport.mock import AsyncMockTransport, MockTransport, error_response, json_response

SEND = {
    "from_email_address": "me@example.com",
    "destination": {"to_addresses": ["ann@example.org"], "cc_addresses": ["bob@example.org"]},
    "content": {"simple": {"subject": {"data": "Secret plans"}, "body": {"text": {"data": "b"}}}},
}
REQUEST_ID = "req-0001"


def ok(request: HttpRequest) -> Any:
    return json_response({"MessageId": "msg-1"}, headers={"x-amzn-RequestId": REQUEST_ID})


def client(handler: Any = ok, **options: Any) -> SesClient:
    return SesClient(
        region="eu-west-1",
        credentials=Credentials("AKIDOTEL", "secret"),
        transport=MockTransport(handler),
        **options,
    )


def only_span(spans: InMemorySpanExporter) -> Any:
    finished = spans.get_finished_spans()
    assert len(finished) == 1, [s.name for s in finished]
    return finished[0]


def test_a_successful_send(spans: InMemorySpanExporter) -> None:
    client().send_email(**SEND)
    span = only_span(spans)
    assert span.name == "SESv2.SendEmail"
    assert span.kind is SpanKind.CLIENT
    assert span.status.status_code is StatusCode.OK
    assert dict(span.attributes) == {
        "rpc.system": "aws-api",
        "rpc.service": "SESv2",
        "rpc.method": "SendEmail",
        "cloud.region": "eu-west-1",
        "server.address": "email.eu-west-1.amazonaws.com",
        "ses.destination_count": 2,
        "ses.attempts": 1,
        "http.response.status_code": 200,
        "aws.request_id": REQUEST_ID,
        "ses.message_id": "msg-1",
    }


def test_non_send_calls_have_no_destination_count(spans: InMemorySpanExporter) -> None:
    client(lambda r: json_response({})).get_account()
    span = only_span(spans)
    assert span.name == "SESv2.GetAccount"
    assert "ses.destination_count" not in span.attributes
    assert "ses.message_id" not in span.attributes


def test_the_span_is_current_while_the_request_is_sent(spans: InMemorySpanExporter) -> None:
    seen: list[Any] = []

    def handler(request: HttpRequest) -> Any:
        seen.append(trace.get_current_span().get_span_context())
        return ok(request)

    client(handler).send_email(**SEND)
    assert seen[0] == only_span(spans).get_span_context()
    assert not trace.get_current_span().get_span_context().is_valid  # detached afterwards


def test_a_retried_call(spans: InMemorySpanExporter) -> None:
    # The retry loop belongs to the call pipeline; here it is played by hand.
    config = SesConfig(region="eu-west-1")
    request = HttpRequest("POST", "https://email.eu-west-1.amazonaws.com/v2/email/outbound-emails")
    params = {"Destination": {"ToAddresses": ["ann@example.org"]}}
    with CallObserver(
        "send_email", "eu-west-1", "email.eu-west-1.amazonaws.com", params, config
    ) as obs:
        obs.attempt(1, request)
        obs.response(503, {"x-amzn-requestid": "r1"})
        error = SesServiceError("busy", code="ServiceUnavailable", status=503, request_id="r1")
        obs.retry(1, 0.05, error)
        obs.attempt(2, request)
        obs.response(200, {"x-amzn-requestid": "r2"})
        obs.success(type("Result", (), {"message_id": "msg-2"})())
    span = only_span(spans)
    assert span.attributes["ses.attempts"] == 2
    assert span.attributes["http.request.resend_count"] == 1
    assert span.attributes["aws.request_id"] == "r2"
    assert span.attributes["http.response.status_code"] == 200
    assert span.attributes["ses.message_id"] == "msg-2"
    (event,) = [e for e in span.events if e.name == "retry"]
    assert dict(event.attributes) == {
        "ses.attempt": 1,
        "ses.retry_delay_s": 0.05,
        "error.type": "ServiceUnavailable",
    }
    assert span.status.status_code is StatusCode.OK


def test_an_error(spans: InMemorySpanExporter) -> None:
    message = "Email address is not verified: me@example.com, ann@example.org"

    def rejected(request: HttpRequest) -> Any:
        return error_response("MessageRejected", message, 400, headers={"x-amzn-requestid": "r9"})

    with pytest.raises(MessageRejected):
        client(rejected).send_email(**SEND)
    span = only_span(spans)
    assert span.status.status_code is StatusCode.ERROR
    assert span.attributes["http.response.status_code"] == 400
    assert span.attributes["aws.request_id"] == "r9"
    assert span.attributes["error.type"] == "MessageRejected"
    (event,) = [e for e in span.events if e.name == "exception"]
    assert event.attributes["exception.type"] == "MessageRejected"
    text = event.attributes["exception.message"] + event.attributes["exception.stacktrace"]
    assert "***@example.org" in text
    assert "ann@example.org" not in text and "me@example.com" not in text


def test_a_rate_limit_wait_is_an_event(spans: InMemorySpanExporter) -> None:
    ses = client(rate_limit=20, rate_limit_burst=2)
    ses.send_email(**SEND)
    ses.send_email(**SEND)  # 2 more recipients: waits 0.1 s
    second = spans.get_finished_spans()[1]
    (event,) = [e for e in second.events if e.name == "rate_limit.wait"]
    assert 0.05 < event.attributes["ses.rate_limit_wait_s"] < 1.0
    assert event.attributes["ses.destination_count"] == 2


def test_log_sensitive_puts_the_addresses_on_the_span(spans: InMemorySpanExporter) -> None:
    client(log_sensitive=True).send_email(**SEND)
    assert only_span(spans).attributes["ses.destinations"] == "ann@example.org, bob@example.org"


async def test_the_async_client(spans: InMemorySpanExporter) -> None:
    ses = AsyncSesClient(
        region="eu-west-1",
        credentials=Credentials("AKIDOTEL", "secret"),
        async_transport=AsyncMockTransport(ok),
    )
    await ses.send_email(**SEND)
    span = only_span(spans)
    assert span.name == "SESv2.SendEmail"
    assert span.attributes["ses.message_id"] == "msg-1"
    assert span.attributes["ses.destination_count"] == 2


def test_without_opentelemetry_nothing_is_imported_and_calls_work() -> None:
    code = """
import sys
sys.modules["opentelemetry"] = None  # as if the package were not installed
from aws_ses import SesClient
from aws_ses.auth.credentials import Credentials
from aws_ses.transport.mock import MockTransport, json_response
ses = SesClient(region="eu-west-1", credentials=Credentials("a", "b"),
                transport=MockTransport(lambda r: json_response({"MessageId": "m"})))
content = {"simple": {"subject": {"data": "s"}, "body": {"text": {"data": "b"}}}}
result = ses.send_email(from_email_address="me@example.com",
                        destination={"to_addresses": ["a@example.org"]}, content=content)
assert result.message_id == "m"
print(sorted(m for m, v in sys.modules.items() if m.startswith("opentelemetry") and v))
"""
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=dict(os.environ),
        check=True,
    ).stdout
    assert out.strip() == "[]"


def test_importing_observability_does_not_import_opentelemetry() -> None:
    code = "import sys, aws_ses.observability; print('opentelemetry' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_installed_but_unused_opentelemetry_is_not_imported_until_the_app_imports_it() -> None:
    # Before the application imports opentelemetry.trace nobody can have set a
    # tracer provider, so a call must not pay for importing the API; once it
    # has and sets one, the next call is traced.
    code = """
import sys
from aws_ses import SesClient
from aws_ses.auth.credentials import Credentials
from aws_ses.transport.mock import MockTransport, json_response
ses = SesClient(region="eu-west-1", credentials=Credentials("a", "b"),
                transport=MockTransport(lambda r: json_response({"MessageId": "m"})))
content = {"simple": {"subject": {"data": "s"}, "body": {"text": {"data": "b"}}}}
send = dict(from_email_address="me@example.com",
            destination={"to_addresses": ["a@example.org"]}, content=content)
ses.send_email(**send)
print(sorted(m for m in sys.modules if m.startswith("opentelemetry")))
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
exporter = InMemorySpanExporter()
provider = TracerProvider()
provider.add_span_processor(SimpleSpanProcessor(exporter))
trace.set_tracer_provider(provider)
ses.send_email(**send)
print([s.name for s in exporter.get_finished_spans()])
"""
    env = {k: v for k, v in os.environ.items() if not k.startswith("OTEL_")}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    ).stdout.splitlines()
    assert out == ["[]", "['SESv2.SendEmail']"]
