"""health_check(): one GetAccount call, reported as a HealthStatus, never raised."""

from __future__ import annotations

from typing import Any

import pytest

from aws_ses import AsyncSesClient, SesClient, SesConfig
from aws_ses._generated.types import GetAccountResponse, SendQuota
from aws_ses.auth import Credentials
from aws_ses.errors import (
    CredentialsError,
    SesTimeoutError,
    SesTransportError,
    TooManyRequestsException,
)
from aws_ses.health import HealthStatus, health_from
from aws_ses.transport import (
    AsyncMockTransport,
    HttpRequest,
    HttpResponse,
    MockTransport,
    error_response,
    json_response,
)

ACCOUNT = {
    "DedicatedIpAutoWarmupEnabled": True,
    "EnforcementStatus": "HEALTHY",
    "ProductionAccessEnabled": True,
    "SendQuota": {"Max24HourSend": 50000.0, "MaxSendRate": 14.0, "SentLast24Hours": 1200.0},
    "SendingEnabled": True,
}


def client_for(handler: Any) -> tuple[SesClient, MockTransport]:
    transport = MockTransport(handler)
    config = SesConfig(
        region="us-east-1", credentials=Credentials("AKID", "secret"), transport=transport
    )
    return SesClient(config), transport


def test_healthy_account() -> None:
    client, transport = client_for(lambda r: json_response(ACCOUNT))
    status = client.health_check()
    assert isinstance(status, HealthStatus)
    assert status.healthy and status.endpoint_reachable and status.credentials_valid
    assert status.sending_enabled and status.error is None
    assert (status.quota_max_24h, status.quota_sent_24h, status.max_send_rate) == (
        50000.0,
        1200.0,
        14.0,
    )
    assert status.quota_remaining_24h == 48800.0
    assert status.enforcement_status == "HEALTHY"
    assert status.latency_ms >= 0
    (request,) = transport.requests
    assert request.method == "GET" and request.url.endswith("/v2/email/account")


@pytest.mark.parametrize(
    ("account", "problem"),
    [
        ({**ACCOUNT, "SendingEnabled": False}, "paused"),
        ({**ACCOUNT, "EnforcementStatus": "SHUTDOWN"}, "shut down"),
    ],
)
def test_reachable_but_not_able_to_send(account: dict[str, Any], problem: str) -> None:
    client, _ = client_for(lambda r: json_response(account))
    status = client.health_check()
    assert not status.healthy
    assert status.endpoint_reachable and status.credentials_valid
    assert status.error is not None and problem in status.error
    assert status.quota_max_24h == 50000.0


def _raise(exc: BaseException) -> Any:
    def handler(request: HttpRequest) -> HttpResponse:
        raise exc

    return handler


@pytest.mark.parametrize(
    ("handler", "reachable", "credentials", "words"),
    [
        (
            _raise(SesTransportError("connection refused", sent=False)),
            False,
            False,
            "not reachable",
        ),
        (_raise(SesTimeoutError("read timed out", sent=True)), False, False, "not reachable"),
        (
            lambda r: error_response(
                "InvalidSignatureException",
                "The request signature we calculated does not match",
                403,
            ),
            True,
            False,
            "rejected",
        ),
        (
            lambda r: error_response(
                "UnrecognizedClientException",
                "The security token included in the request is invalid.",
                403,
            ),
            True,
            False,
            "rejected",
        ),
        (
            lambda r: error_response("ExpiredTokenException", "expired", 400),
            True,
            False,
            "rejected",
        ),
        (
            lambda r: error_response(
                "AccessDeniedException", "not authorized to perform ses:GetAccount", 403
            ),
            True,
            True,
            "not allowed",
        ),
        (
            lambda r: error_response("TooManyRequestsException", "Too many requests", 429),
            True,
            True,
            "TooManyRequests",
        ),
        (lambda r: error_response("InternalFailure", "boom", 500), True, False, "boom"),
        (lambda r: HttpResponse(502, {}, b"<html>bad gateway</html>"), True, False, "502"),
        (_raise(RuntimeError("a bug in a custom transport")), False, False, "RuntimeError"),
    ],
    ids=[
        "refused",
        "timeout",
        "signature",
        "unknown-key",
        "expired",
        "access-denied",
        "throttled",
        "5xx",
        "html-502",
        "bug",
    ],
)
def test_failures_are_reported_not_raised(
    handler: Any, reachable: bool, credentials: bool, words: str
) -> None:
    client, _ = client_for(handler)
    status = client.health_check()
    assert not status.healthy
    assert status.endpoint_reachable is reachable
    assert status.credentials_valid is credentials
    assert status.sending_enabled is False
    assert status.quota_max_24h is None and status.max_send_rate is None
    assert status.error is not None and words in status.error


def test_missing_credentials_are_reported() -> None:
    class NoCredentials:
        def load(self) -> None:
            raise CredentialsError("no credentials found")

    transport = MockTransport(lambda r: json_response(ACCOUNT))
    client = SesClient(
        SesConfig(region="us-east-1", credentials=NoCredentials(), transport=transport)  # type: ignore[arg-type]
    )
    status = client.health_check()
    assert not status.healthy and not status.credentials_valid
    assert status.error is not None and "credentials" in status.error
    assert transport.requests == []


def test_health_from_is_pure() -> None:
    response = GetAccountResponse(
        sending_enabled=True,
        send_quota=SendQuota(max24_hour_send=-1.0, max_send_rate=5.0, sent_last24_hours=3.0),
    )
    status = health_from(response, 12.5)
    assert status.healthy and status.latency_ms == 12.5
    assert status.quota_remaining_24h is None  # -1 means unlimited
    throttled = health_from(TooManyRequestsException("slow down", status=429), 1.0)
    assert throttled.endpoint_reachable and throttled.credentials_valid and not throttled.healthy
    # A response without SendingEnabled is not taken as paused.
    assert health_from(GetAccountResponse(), 1.0).healthy


async def test_async_health_check() -> None:
    transport = AsyncMockTransport(lambda r: json_response(ACCOUNT))
    aclient = AsyncSesClient(
        region="us-east-1", credentials=Credentials("AKID", "secret"), async_transport=transport
    )
    status = await aclient.health_check()
    assert status.healthy and status.max_send_rate == 14.0

    async def refuse(request: HttpRequest) -> HttpResponse:
        raise SesTransportError("refused", sent=False)

    broken = AsyncSesClient(
        region="us-east-1",
        credentials=Credentials("AKID", "secret"),
        async_transport=AsyncMockTransport(refuse),
    )
    down = await broken.health_check()
    assert not down.healthy and not down.endpoint_reachable and not down.credentials_valid
    forbidden = AsyncSesClient(
        region="us-east-1",
        credentials=Credentials("AKID", "secret"),
        async_transport=AsyncMockTransport(
            lambda r: error_response("InvalidSignatureException", "bad signature", 403)
        ),
    )
    denied = await forbidden.health_check()
    assert denied.endpoint_reachable and not denied.credentials_valid


# ------------------------------------------------------------------ local server


def test_healthy_against_the_local_server() -> None:
    from aws_ses.local import create_app
    from aws_ses.transport import SyncASGITransport

    transport = SyncASGITransport(create_app())
    try:
        client = SesClient(
            region="us-east-1",
            endpoint_url="http://local.test",
            credentials=Credentials("test", "test"),
            transport=transport,
        )
        status = client.health_check()
        assert status.healthy, status.error
        assert status.quota_max_24h is not None and status.max_send_rate is not None
        wrong = client.with_options(credentials=Credentials("test", "not-the-secret"))
        rejected = wrong.health_check()
        assert rejected.endpoint_reachable and not rejected.credentials_valid
        assert not rejected.healthy
    finally:
        transport.close()


async def test_async_healthy_against_the_local_server() -> None:
    from aws_ses.local import create_app
    from aws_ses.transport import ASGITransport

    async with ASGITransport(create_app()) as transport:
        aclient = AsyncSesClient(
            region="us-east-1",
            endpoint_url="http://local.test",
            credentials=Credentials("test", "test"),
            async_transport=transport,
        )
        status = await aclient.health_check()
        assert status.healthy, status.error
