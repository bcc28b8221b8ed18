"""Responder presets, recorded requests and mock credentials, through real clients."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from aws_ses import SesClient
from aws_ses._http import HttpRequest
from aws_ses.errors import (
    CredentialsError,
    DailyQuotaExceeded,
    MaxSendRateExceeded,
    MessageRejected,
    NotFoundException,
)
from aws_ses.testing import (
    FakeClock,
    MockCredentialProvider,
    decode_request,
    mock_async_client,
    mock_client,
    responder,
)

SIMPLE: dict[str, Any] = {"simple": {"subject": {"data": "Hi"}, "body": {"text": {"data": "x"}}}}


def send(client: SesClient, to: str = "b@example.com") -> str:
    result = client.send_email(
        from_email_address="a@example.com", destination={"to_addresses": [to]}, content=SIMPLE
    )
    return result.message_id


def test_ok_numbers_message_ids_and_answers_every_operation() -> None:
    client, transport = mock_client(responder.ok())
    assert [send(client), send(client)] == ["fake-message-id-0001", "fake-message-id-0002"]
    account = client.account.get()
    assert account.send_quota is not None and account.send_quota.max_send_rate == 1.0
    listing = client.list_email_identities()
    assert listing.email_identities and listing.next_token is None
    assert [r.operation for r in transport.recorded_requests][:3] == [
        "send_email",
        "send_email",
        "get_account",
    ]


def test_ok_overrides_and_bulk_results_follow_the_request() -> None:
    client, _ = mock_client(responder.ok({"send_email": {"MessageId": "chosen"}}))
    assert send(client) == "chosen"
    result = client.send_bulk(
        "a@example.com", "welcome", ["x@example.com", "y@example.com", "z@example.com"]
    )
    assert [e.status for e in result.results] == ["SUCCESS"] * 3
    assert len({e.message_id for e in result.results}) == 3


def test_error_with_its_own_status_and_message() -> None:
    client, _ = mock_client(responder.error("MessageRejected", "Email address is not verified."))
    with pytest.raises(MessageRejected) as caught:
        send(client)
    assert caught.value.status == 400
    assert caught.value.message == "Email address is not verified."
    assert caught.value.retryable is False


def test_error_limited_to_operations_lets_the_others_succeed() -> None:
    handler = responder.error("NotFoundException", operations="get_email_template")
    client, _ = mock_client(handler)
    with pytest.raises(NotFoundException):
        client.get_email_template(template_name="missing")
    assert send(client) == "fake-message-id-0001"
    assert handler.calls == 2
    with pytest.raises(ValueError, match="at least one"):
        responder.error("MessageRejected", operations=[])


def test_throttle_twice_then_succeed() -> None:
    handler = responder.throttle(times=2)
    client, transport = mock_client(handler, retry_mode="off")
    for _ in range(2):
        with pytest.raises(MaxSendRateExceeded) as caught:
            send(client)
        assert caught.value.status == 429 and caught.value.retryable
    assert send(client) == "fake-message-id-0001"
    assert handler.calls == 3 and len(transport.requests) == 3


def test_throttle_daily_quota_and_retry_after() -> None:
    handler = responder.throttle(times=1, message="Daily message quota exceeded.", retry_after=2)
    response = handler(
        HttpRequest("POST", "https://email.us-east-1.amazonaws.com/v2/email/outbound-emails")
    )
    assert response.headers["x-amz-retry-after"] == "2000"
    client, _ = mock_client(responder.throttle(times=1, message="Daily message quota exceeded."))
    with pytest.raises(DailyQuotaExceeded):
        send(client)
    with pytest.raises(ValueError, match="times"):
        responder.throttle(times=-1)


def test_async_transport_takes_the_same_responders() -> None:
    async def main() -> list[str]:
        client, transport = mock_async_client(responder.throttle(times=1), retry_mode="off")
        with pytest.raises(MaxSendRateExceeded):
            await client.send_email(
                from_email_address="a@example.com",
                destination={"to_addresses": ["b@example.com"]},
                content=SIMPLE,
            )
        sent = await client.send_email(
            from_email_address="a@example.com",
            destination={"to_addresses": ["b@example.com"]},
            content=SIMPLE,
        )
        assert [r.operation for r in transport.recorded_requests] == ["send_email"] * 2
        return [sent.message_id]

    assert asyncio.run(main()) == ["fake-message-id-0001"]


def test_recorded_requests_decode_path_query_and_body() -> None:
    client, transport = mock_client(credentials=MockCredentialProvider(session_token="tok-secret"))
    client.get_email_identity(email_identity="user+tag@example.com")
    client.list_email_identities(page_size=5, next_token="abc")
    client.list_suppressed_destinations(reasons=["BOUNCE", "COMPLAINT"])
    client.send_email(
        from_email_address="a@example.com",
        destination={"to_addresses": ["b@example.com"], "bcc_addresses": ["c@example.com"]},
        content={"raw": {"data": b"Subject: hi\r\n\r\nbody"}},
        email_tags=[{"name": "k", "value": "v"}],
    )
    get, listing, suppressed, sent = transport.recorded_requests
    assert (get.operation, get.operation_name) == ("get_email_identity", "GetEmailIdentity")
    assert get.params == {"email_identity": "user+tag@example.com"}
    assert listing.params == {"page_size": 5, "next_token": "abc"}
    assert suppressed.params == {"reasons": ["BOUNCE", "COMPLAINT"]}
    assert sent.params["content"] == {"raw": {"data": b"Subject: hi\r\n\r\nbody"}}
    assert sent.params["destination"]["bcc_addresses"] == ["c@example.com"]
    assert sent.params["email_tags"] == [{"name": "k", "value": "v"}]
    assert transport.requests_for("SendEmail") == [sent]


def test_recorded_requests_never_show_secrets() -> None:
    provider = MockCredentialProvider(secret_access_key="s3cr3t-key", session_token="tok-s3cr3t")
    client, transport = mock_client(credentials=provider)
    send(client)
    (recorded,) = transport.recorded_requests
    raw = transport.requests[0]
    assert raw.headers["Authorization"].startswith("AWS4-HMAC-SHA256")
    assert recorded.headers["Authorization"] == "***"
    assert recorded.headers["X-Amz-Security-Token"] == "***"
    signature = raw.headers["Authorization"].rsplit("Signature=", 1)[1]
    for text in (repr(recorded), str(recorded), repr(raw), repr(transport.recorded_requests)):
        assert "s3cr3t" not in text and signature not in text and "tok-s3cr3t" not in text
    assert "send_email" in repr(recorded)


def test_a_request_that_is_no_operation() -> None:
    recorded = decode_request(HttpRequest("GET", "https://example.com/not/ses"))
    assert recorded.operation is None and recorded.params == {}
    _, transport = mock_client()
    response = transport.handler(HttpRequest("GET", "https://example.com/nope"))
    assert response.status == 404


def test_mock_credentials_count_fail_and_refresh() -> None:
    provider = MockCredentialProvider()
    client, _ = mock_client(credentials=provider)
    send(client)
    send(client)
    assert provider.loads == 1  # cached by the client
    assert "fake-secret-access-key" not in repr(provider)
    failing = MockCredentialProvider(fail=True)
    client, transport = mock_client(credentials=failing)
    with pytest.raises(CredentialsError):
        send(client)
    assert transport.requests == []
    custom = MockCredentialProvider(fail=CredentialsError("role expired"))
    with pytest.raises(CredentialsError, match="role expired"):
        send(mock_client(credentials=custom)[0])
    soon = MockCredentialProvider(expiration=datetime.now(UTC) + timedelta(minutes=1))
    client, _ = mock_client(credentials=soon)
    send(client)
    send(client)
    assert soon.loads == 2  # near expiry: loaded again before each call


def test_retries_run_on_the_fake_clock() -> None:
    import time

    clock = FakeClock()
    client, transport = mock_client(responder.throttle(times=2), clock=clock)
    started = time.monotonic()
    assert send(client) == "fake-message-id-0001"  # retried twice, at once
    assert time.monotonic() - started < 5
    assert len(transport.requests) == 3
    assert len(clock.sleeps) == 2 and all(s >= 0 for s in clock.sleeps)
    assert clock.now == pytest.approx(1_000.0 + sum(clock.sleeps))
    again = FakeClock()
    send(mock_client(responder.throttle(times=2), clock=again)[0])
    assert again.sleeps == clock.sleeps  # seeded jitter: the same waits every run


def test_async_retries_run_on_the_fake_clock() -> None:
    clock = FakeClock()

    async def main() -> str:
        client, _ = mock_async_client(responder.throttle(times=1), clock=clock)
        sent = await client.send_email(
            from_email_address="a@example.com",
            destination={"to_addresses": ["b@example.com"]},
            content=SIMPLE,
        )
        return sent.message_id

    assert asyncio.run(main()) == "fake-message-id-0001"
    assert len(clock.sleeps) == 1
