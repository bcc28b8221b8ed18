"""The call pipeline, driven through both drivers with an injected clock.

Every test runs twice, once through ``SesClient`` (blocking driver) and once
through ``AsyncSesClient`` (asyncio driver): the policy is written once, so
it must behave identically.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from aws_ses import AsyncSesClient, SesClient, SesConfig
from aws_ses._http import HttpRequest, HttpResponse
from aws_ses._runtime import Runtime
from aws_ses.auth import Credentials
from aws_ses.errors import (
    CircuitOpenError,
    DailyQuotaExceeded,
    MessageRejected,
    SesError,
    SesResponseError,
    SesTimeoutError,
    SesTransportError,
)
from aws_ses.resilience.breaker import BreakerState
from aws_ses.transport import AsyncMockTransport, MockTransport, error_response, json_response

CREDS = Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "session-tok")
RAW = {"raw": {"data": b"From: a@example.com\r\nSubject: x\r\n\r\nhello"}}


@dataclass
class FakeTime:
    """A clock that only moves when the code under test sleeps (or a test says so)."""

    now: float = 1000.0
    sleeps: list[float] = field(default_factory=list)
    rand: float = 0.5

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    async def asleep(self, seconds: float) -> None:
        self.sleep(seconds)

    def runtime(self) -> Runtime:
        return Runtime(
            monotonic=lambda: self.now, sleep=self.sleep, asleep=self.asleep,
            random=lambda: self.rand,
        )  # fmt: skip


Handler = Callable[[HttpRequest], HttpResponse]


class Harness:
    """Builds a sync or async client on a handler and calls it the same way."""

    def __init__(self, flavour: str, time: FakeTime) -> None:
        self.flavour = flavour
        self.time = time

    def client(self, handler: Handler, **options: Any) -> Any:
        options.setdefault("region", "us-east-1")
        options.setdefault("credentials", CREDS)
        options.setdefault("runtime", self.time.runtime())
        if self.flavour == "sync":
            self.transport: Any = MockTransport(handler)
            return SesClient(SesConfig(transport=self.transport, **options))
        self.transport = AsyncMockTransport(handler)
        return AsyncSesClient(SesConfig(async_transport=self.transport, **options))

    def call(self, client: Any, method: str, **kwargs: Any) -> Any:
        result = getattr(client, method)(**kwargs)
        if self.flavour == "async":
            return asyncio.run(result) if asyncio.iscoroutine(result) else result
        return result

    def send(self, client: Any) -> Any:
        return self.call(client, "send_email", content=RAW)

    @property
    def requests(self) -> list[HttpRequest]:
        return list(self.transport.requests)


@pytest.fixture(params=["sync", "async"])
def h(request: pytest.FixtureRequest) -> Harness:
    return Harness(request.param, FakeTime())


def sequence(*replies: HttpResponse | SesError) -> Handler:
    """A handler answering each request with the next reply (the last repeats)."""
    items = list(replies)

    def handler(request: HttpRequest) -> HttpResponse:
        item = items.pop(0) if len(items) > 1 else items[0]
        if isinstance(item, SesError):
            raise item
        return item

    return handler


OK_SEND = json_response({"MessageId": "m-1"})
OK_ACCOUNT = json_response({"SendingEnabled": True})


def e503() -> HttpResponse:
    return error_response("ServiceUnavailable", "try later", 503)


def e429() -> HttpResponse:
    return error_response("TooManyRequestsException", "Maximum sending rate exceeded.", 429)


# ---------------------------------------------------------------- backoff


def test_transient_errors_back_off_with_full_jitter(h: Harness) -> None:
    client = h.client(sequence(e503(), e503(), OK_ACCOUNT))
    result = h.call(client, "get_account")
    assert result.sending_enabled is True
    # rand * min(20, 0.05 * 2**i) with rand = 0.5
    assert h.time.sleeps == pytest.approx([0.025, 0.05])
    assert result.response_metadata.retry_attempts == 2
    assert len(h.requests) == 3


def test_throttling_backs_off_from_one_second(h: Harness) -> None:
    client = h.client(sequence(e429(), e429(), OK_SEND))
    assert h.send(client).message_id == "m-1"  # throttled sends are retried
    assert h.time.sleeps == pytest.approx([0.5, 1.0])


def test_backoff_is_capped_at_twenty_seconds(h: Harness) -> None:
    h.time.rand = 0.999
    client = h.client(sequence(e429()), max_attempts=8)
    with pytest.raises(SesError):
        h.send(client)
    assert h.time.sleeps == pytest.approx([0.999 * min(20, 2**i) for i in range(7)])
    assert max(h.time.sleeps) <= 20


def test_retry_after_header_wins(h: Harness) -> None:
    throttled = error_response(
        "TooManyRequestsException", "slow down", 429, headers={"x-amz-retry-after": "1500"}
    )
    huge = error_response("ServiceUnavailable", "x", 503, headers={"x-amz-retry-after": "90000"})
    client = h.client(sequence(throttled, huge, OK_ACCOUNT))
    h.call(client, "get_account")
    assert h.time.sleeps == pytest.approx([1.5, 20.0])


def test_attempts_stop_at_max_attempts_and_report_them(h: Harness) -> None:
    client = h.client(sequence(e503()))
    with pytest.raises(SesError) as info:
        h.call(client, "get_account")
    assert len(h.requests) == 3
    assert info.value.attempts == 3
    assert info.value.status == 503


def test_retry_mode_off_makes_one_attempt(h: Harness) -> None:
    client = h.client(sequence(e503()), retry_mode="off")
    with pytest.raises(SesError):
        h.call(client, "get_account")
    assert len(h.requests) == 1


def test_headers_identify_the_call_and_count_attempts(h: Harness) -> None:
    client = h.client(sequence(e503(), e503(), OK_ACCOUNT))
    h.call(client, "get_account")
    ids = {r.headers["amz-sdk-invocation-id"] for r in h.requests}
    assert len(ids) == 1 and re.fullmatch(r"[0-9a-f-]{36}", ids.pop())
    assert [r.headers["amz-sdk-request"] for r in h.requests] == [
        "attempt=1; max=3", "attempt=2; max=3", "attempt=3; max=3",
    ]  # fmt: skip
    # Each attempt is signed afresh, and the attempt header is covered by the signature.
    signatures = [r.headers["Authorization"].rsplit("Signature=", 1)[1] for r in h.requests]
    assert len(set(signatures)) == 3
    assert all("amz-sdk-request" in r.headers["Authorization"] for r in h.requests)
    h.call(client, "get_account")
    assert h.requests[-1].headers["amz-sdk-invocation-id"] not in ids


# ---------------------------------------------------------------- quota


def test_retry_quota_drains_and_refills(h: Harness) -> None:
    client = h.client(sequence(e503()), max_attempts=2, circuit_breaker=False)
    quota = client._core.retry.quota
    assert quota.tokens == 500
    for _ in range(35):  # 35 retries of 14 tokens each
        with pytest.raises(SesError):
            h.call(client, "get_account")
    assert quota.tokens == 500 - 35 * 14
    calls = len(h.requests)
    with pytest.raises(SesError):
        h.call(client, "get_account")
    assert len(h.requests) == calls + 1  # the quota cannot pay: no retry
    # A success after a retry refunds that retry; a first-try success adds one.
    client2 = h.client(sequence(e429(), OK_ACCOUNT, OK_ACCOUNT), max_attempts=2)
    q2 = client2._core.retry.quota
    h.call(client2, "get_account")
    assert q2.tokens == 500  # spent 5, refunded 5
    q2.tokens = 490
    h.call(client2, "get_account")
    assert q2.tokens == 491


def test_with_options_shares_the_quota_and_transport(h: Harness) -> None:
    client = h.client(sequence(OK_ACCOUNT))
    clone = client.with_options(max_attempts=1, timeout=5)
    assert clone._core.retry.quota is client._core.retry.quota
    assert clone._transport is client._transport
    assert clone.config.timeout == 5 and clone._core.retry.max_attempts == 1


# ---------------------------------------------------------------- duplicates


@pytest.mark.parametrize(
    "failure",
    [
        error_response("InternalFailure", "boom", 500),
        SesTimeoutError("read timed out", sent=True),
        SesTransportError("connection reset after sending", sent=True),
        HttpResponse(200, {}, b""),
        HttpResponse(200, {}, b'{"MessageId": 17}'),
        HttpResponse(200, {}, b'{"MessageId": "m-1"'),
    ],
    ids=["5xx", "read-timeout", "reset", "empty-200", "mistyped-id", "truncated-json"],
)
def test_a_send_that_may_have_gone_out_is_not_repeated(h: Harness, failure: Any) -> None:
    client = h.client(sequence(failure, OK_SEND))
    with pytest.raises(SesError) as info:
        h.send(client)
    assert len(h.requests) == 1
    assert info.value.maybe_sent is True
    assert info.value.retryable is False


def test_a_false_success_is_an_error_for_every_kind_of_body(h: Harness) -> None:
    client = h.client(sequence(HttpResponse(200, {}, b"")))
    with pytest.raises(SesResponseError) as info:
        h.send(client)
    assert "empty body" in info.value.message


def test_opting_in_resends_ambiguous_sends(h: Harness) -> None:
    client = h.client(
        sequence(error_response("InternalFailure", "boom", 500), OK_SEND),
        retry_ambiguous_sends=True,
    )
    assert h.send(client).message_id == "m-1"
    assert len(h.requests) == 2


@pytest.mark.parametrize(
    "failure",
    [SesTransportError("connection refused", sent=False), SesTimeoutError("connect", sent=False)],
    ids=["refused", "connect-timeout"],
)
def test_a_send_that_never_left_is_retried(h: Harness, failure: SesError) -> None:
    client = h.client(sequence(failure, OK_SEND))
    assert h.send(client).message_id == "m-1"
    assert len(h.requests) == 2


def test_non_sends_are_retried_after_ambiguous_failures(h: Harness) -> None:
    client = h.client(sequence(SesTimeoutError("read timed out", sent=True), OK_ACCOUNT))
    assert h.call(client, "get_account").sending_enabled is True
    assert len(h.requests) == 2


@pytest.mark.parametrize(
    ("reply", "cls"),
    [
        (error_response("MessageRejected", "Email address is not verified.", 400), MessageRejected),
        (
            error_response("TooManyRequestsException", "Daily message quota exceeded.", 429),
            DailyQuotaExceeded,
        ),
        (error_response("SendingPausedException", "paused", 400), SesError),
        (error_response("AccountSuspendedException", "suspended", 400), SesError),
        (error_response("MailFromDomainNotVerifiedException", "no", 400), SesError),
        (error_response("BadRequestException", "bad", 400), SesError),
        (error_response("NotFoundException", "none", 404), SesError),
    ],
)
def test_refusals_are_never_retried(h: Harness, reply: HttpResponse, cls: type) -> None:
    client = h.client(sequence(reply, OK_SEND))
    with pytest.raises(cls) as info:
        h.send(client)
    assert len(h.requests) == 1
    assert info.value.maybe_sent is False
    assert info.value.retryable is False


def test_every_retryable_error_is_retried(h: Harness) -> None:
    codes = [
        ("InternalServiceErrorException", 500), ("ConcurrentModificationException", 500),
        ("ServiceUnavailable", 503), ("LimitExceededException", 400), ("Throttling", 400),
        ("ThrottlingException", 400), ("RequestThrottled", 400), ("SlowDown", 503),
    ]  # fmt: skip
    for code, status in codes:
        client = h.client(sequence(error_response(code, "x", status), OK_ACCOUNT))
        assert h.call(client, "get_account").sending_enabled is True, code
        assert len(h.requests) == 2, code
    for status in (500, 502, 503, 504):
        client = h.client(sequence(HttpResponse(status, {}, b"<html>oops</html>"), OK_ACCOUNT))
        h.call(client, "get_account")
        assert len(h.requests) == 2, status


# ---------------------------------------------------------------- deadline


def test_deadline_bounds_attempts_and_sleeps(h: Harness) -> None:
    client = h.client(sequence(e429()), deadline=1.2, max_attempts=10)
    with pytest.raises(SesTimeoutError) as info:
        h.send(client)
    assert "deadline" in info.value.message
    assert info.value.maybe_sent is False  # only throttles: SES refused every attempt
    assert sum(h.time.sleeps) < 1.2


def test_deadline_after_an_ambiguous_attempt_says_maybe_sent(h: Harness) -> None:
    client = h.client(
        sequence(SesTimeoutError("read", sent=True), e429()),
        deadline=0.4,
        retry_ambiguous_sends=True,
    )
    h.time.rand = 0.9
    with pytest.raises(SesTimeoutError) as info:
        h.send(client)
    assert info.value.maybe_sent is True


def test_deadline_caps_the_read_timeout(h: Harness) -> None:
    seen: list[float] = []
    client = h.client(sequence(OK_ACCOUNT), deadline=2.5, timeout=60)
    original = h.transport.send

    if h.flavour == "sync":

        def spy(request: HttpRequest, *, timeout: Any) -> HttpResponse:
            seen.append(timeout.read)
            return original(request, timeout=timeout)

    else:

        async def spy(request: HttpRequest, *, timeout: Any) -> HttpResponse:  # type: ignore[misc]
            seen.append(timeout.read)
            return await original(request, timeout=timeout)

    h.transport.send = spy
    h.call(client, "get_account")
    assert seen == [pytest.approx(2.5)]


# ---------------------------------------------------------------- breaker


def test_breaker_opens_fails_fast_and_closes_after_a_probe(h: Harness) -> None:
    replies: list[Any] = [e503()] * 5

    def handler(request: HttpRequest) -> HttpResponse:
        return replies.pop(0) if replies else OK_ACCOUNT

    client = h.client(handler, max_attempts=1)
    for _ in range(5):
        with pytest.raises(SesError):
            h.call(client, "get_account")
    assert client.circuit_state is BreakerState.OPEN
    with pytest.raises(CircuitOpenError) as info:
        h.call(client, "get_account")
    assert info.value.maybe_sent is False
    assert len(h.requests) == 5  # no request made while open
    h.time.now += 30
    assert client.circuit_state is BreakerState.HALF_OPEN
    assert h.call(client, "get_account").sending_enabled is True
    assert client.circuit_state is BreakerState.CLOSED


def test_a_failed_probe_opens_the_circuit_again(h: Harness) -> None:
    client = h.client(sequence(e503()), max_attempts=1, breaker_threshold=2, breaker_cooldown=10)
    for _ in range(2):
        with pytest.raises(SesError):
            h.call(client, "get_account")
    h.time.now += 10
    with pytest.raises(SesError) as info:
        h.call(client, "get_account")
    assert info.value.status == 503  # the probe went out and failed
    assert client.circuit_state is BreakerState.OPEN
    with pytest.raises(CircuitOpenError):
        h.call(client, "get_account")


def test_4xx_and_throttling_never_trip_the_breaker(h: Harness) -> None:
    client = h.client(sequence(error_response("NotFoundException", "x", 404)), max_attempts=1)
    for _ in range(8):
        with pytest.raises(SesError):
            h.call(client, "get_account")
    client = h.client(sequence(e429()), max_attempts=1)
    for _ in range(8):
        with pytest.raises(SesError):
            h.call(client, "get_account")
    assert client.circuit_state is BreakerState.CLOSED


def test_breaker_transitions_are_logged(h: Harness, caplog: pytest.LogCaptureFixture) -> None:
    client = h.client(sequence(e503()), max_attempts=1, breaker_threshold=1)
    with caplog.at_level("WARNING", logger="aws_ses.resilience"), pytest.raises(SesError):
        h.call(client, "get_account")
    (record,) = [
        r for r in caplog.records if getattr(r, "aws_ses_event", "") == "breaker_transition"
    ]
    assert record.levelname == "WARNING"
    assert (record.breaker_from, record.breaker_to) == ("closed", "open")  # type: ignore[attr-defined]


def test_breaker_can_be_switched_off(h: Harness) -> None:
    client = h.client(sequence(e503()), max_attempts=1, circuit_breaker=False)
    for _ in range(7):
        with pytest.raises(SesError) as info:
            h.call(client, "get_account")
        assert info.value.status == 503
    assert client.circuit_state is None


# ---------------------------------------------------------------- adaptive


def test_adaptive_mode_slows_down_after_throttling(h: Harness) -> None:
    client = h.client(sequence(e429(), OK_ACCOUNT), retry_mode="adaptive")
    h.call(client, "get_account")
    adaptive = client._core.retry.adaptive
    assert adaptive is not None and adaptive.enabled
    h.time.sleeps.clear()
    for _ in range(5):
        h.call(client, "get_account")
    assert sum(h.time.sleeps) > 0  # the client-side rate made later calls wait


# ---------------------------------------------------------------- results


def test_results_carry_the_request_id(h: Harness) -> None:
    reply = json_response({"MessageId": "m-9"}, headers={"x-amzn-RequestId": "req-42"})
    client = h.client(sequence(reply))
    result = h.send(client)
    assert result.response_metadata.request_id == "req-42"
    assert result.response_metadata.http_status_code == 200
    assert result.response_metadata.retry_attempts == 0


def test_validation_fails_before_credentials_or_io(h: Harness) -> None:
    class Exploding:
        name = "exploding"

        def load(self) -> Credentials:
            raise AssertionError("credentials must not be needed for bad input")

    client = h.client(sequence(OK_SEND), credentials=Exploding())
    with pytest.raises(SesError) as info:
        h.call(client, "send_email", content={"simple": {}})
    assert info.value.code == "ValidationError"
    assert h.requests == []
