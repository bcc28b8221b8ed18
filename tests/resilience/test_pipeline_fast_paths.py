"""The per-call shortcuts of the pipeline keep what the long way did.

Credentials that never expire skip the driver, but temporary ones are still
refreshed through the cache; a call nobody watches gets the shared quiet
observer, which still logs retries; the invocation id is a random UUID.
"""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from aws_ses import AsyncSesClient, SesClient
from aws_ses._pipeline import _invocation_id
from aws_ses._runtime import Runtime
from aws_ses.auth import Credentials
from aws_ses.config import SesConfig
from aws_ses.observability.observer import CallObserver, QuietObserver, observe
from aws_ses.testing import MockCredentialProvider
from aws_ses.transport import AsyncMockTransport, MockTransport, error_response, json_response


async def _no_wait(seconds: float) -> None:
    return None


# Retries without waiting for their backoff.
NO_SLEEP = Runtime(
    monotonic=lambda: 1000.0, sleep=lambda s: None, asleep=_no_wait, random=lambda: 0.5
)
SEND = {
    "from_email_address": "a@example.com",
    "destination": {"to_addresses": ["b@example.com"]},
    "content": {"simple": {"subject": {"data": "Hi"}, "body": {"text": {"data": "Hello"}}}},
}


def test_invocation_ids_are_random_version_4_uuids() -> None:
    ids = {_invocation_id() for _ in range(2000)}
    assert len(ids) == 2000
    for text in list(ids)[:200]:
        parsed = uuid.UUID(text)
        assert parsed.version == 4 and parsed.variant == uuid.RFC_4122
        assert str(parsed) == text


def test_every_attempt_of_every_call_carries_the_calls_invocation_id() -> None:
    seen: list[tuple[str, str]] = []
    replies = iter([error_response("InternalFailure", "boom", 500), json_response({})] * 2)

    def handler(request):  # type: ignore[no-untyped-def]
        seen.append((request.headers["amz-sdk-invocation-id"], request.headers["amz-sdk-request"]))
        return next(replies)

    client = SesClient(
        region="us-east-1",
        credentials=Credentials("AKID", "secret"),
        transport=MockTransport(handler),
        runtime=NO_SLEEP,
    )
    with client.with_options(max_attempts=2) as ses:
        ses.get_account()
        ses.get_account()
    assert [a for _, a in seen] == ["attempt=1; max=2", "attempt=2; max=2"] * 2
    assert seen[0][0] == seen[1][0] != seen[2][0] == seen[3][0]


def test_static_credentials_are_loaded_once_and_sign_every_call() -> None:
    provider = MockCredentialProvider()
    transport = MockTransport(lambda request: json_response({"MessageId": "m"}))
    with SesClient(region="us-east-1", credentials=provider, transport=transport) as ses:
        for _ in range(3):
            ses.send_email(**SEND)
    assert provider.loads == 1
    assert all(
        "Credential=AKIAFAKEFAKEFAKEFAKE/" in r.headers["Authorization"] for r in transport.requests
    )


async def test_temporary_credentials_still_go_through_the_refreshing_cache() -> None:
    # Inside the mandatory refresh window: every call must ask the provider again.
    provider = MockCredentialProvider(expiration=datetime.now(UTC) + timedelta(minutes=5))
    transport = AsyncMockTransport(lambda request: json_response({"MessageId": "m"}))
    async with AsyncSesClient(
        region="us-east-1", credentials=provider, async_transport=transport
    ) as ses:
        for _ in range(3):
            await ses.send_email(**SEND)
    assert provider.loads == 3


def test_an_unwatched_call_gets_the_shared_quiet_observer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Other tests of the session may have set a tracer provider: none here.
    monkeypatch.setattr("aws_ses.observability.otel.tracing_active", lambda: False)
    config = SesConfig(region="us-east-1")
    first = observe("send_email", "us-east-1", "host", {}, config)
    assert isinstance(first, QuietObserver) and first.name == "SendEmail"
    assert observe("send_email", "eu-west-1", "other", {"x": 1}, config) is first
    hooked = SesConfig(region="us-east-1", hooks={"response": [lambda view: None]})
    watched = [observe("send_email", "us-east-1", "host", {}, hooked)]
    monkeypatch.setattr("aws_ses.observability.otel.tracing_active", lambda: True)
    watched.append(observe("send_email", "us-east-1", "host", {}, config))
    for observer in watched:
        assert isinstance(observer, CallObserver)
        observer.success(None)  # ends its span, if one was started


def test_debug_call_logs_make_the_call_watched(caplog: pytest.LogCaptureFixture) -> None:
    config = SesConfig(region="us-east-1")
    with caplog.at_level(logging.DEBUG, logger="aws_ses.call"):
        observer = observe("send_email", "us-east-1", "host", {}, config)
        assert isinstance(observer, CallObserver)
        observer.success(None)


def test_retries_are_logged_when_nobody_watches(caplog: pytest.LogCaptureFixture) -> None:
    replies = iter([error_response("ServiceUnavailable", "busy", 503), json_response({})])
    transport = MockTransport(lambda request: next(replies))
    with (
        caplog.at_level(logging.INFO, logger="aws_ses.retry"),
        SesClient(
            region="us-east-1",
            credentials=Credentials("AKID", "secret"),
            transport=transport,
            runtime=NO_SLEEP,
        ) as ses,
    ):
        ses.get_account()
    [record] = [r for r in caplog.records if r.name == "aws_ses.retry"]
    assert record.operation == "GetAccount"  # type: ignore[attr-defined]
    assert record.error_code == "ServiceUnavailable"  # type: ignore[attr-defined]
    assert record.status == 503  # type: ignore[attr-defined]
