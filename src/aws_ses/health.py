"""``client.health_check()``: can this client send mail right now?

One ``GetAccount`` call answers it: the answer proves the endpoint is
reachable and the credentials are accepted, and it carries the sending
switch and the quota. The check never raises; whatever went wrong is in
:attr:`HealthStatus.error`. Each flag is True only when the call proved it,
so an unreachable endpoint reports its credentials as not valid (unproven).
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aws_ses.errors import (
    CredentialsError,
    SesError,
    SesServiceError,
    SesTransportError,
    TooManyRequestsException,
)

__all__ = ["HealthStatus", "check_health", "check_health_async", "health_from"]

# Error codes AWS front ends use when the signature or the key is not accepted.
_CREDENTIAL_CODES = frozenset(
    {
        "InvalidSignatureException",
        "SignatureDoesNotMatch",
        "UnrecognizedClientException",
        "InvalidClientTokenId",
        "ExpiredTokenException",
        "ExpiredToken",
        "IncompleteSignature",
        "IncompleteSignatureException",
        "MissingAuthenticationToken",
        "MissingAuthenticationTokenException",
        "AuthFailure",
    }
)
# Authenticated but not authorised: the key is fine, the policy is not.
_AUTHORIZATION_CODES = frozenset({"AccessDeniedException", "AccessDenied"})


@dataclass(frozen=True, slots=True)
class HealthStatus:
    """The outcome of a health check.

    ``healthy`` is True when the endpoint answered, the credentials were
    accepted, sending is enabled and the account is not shut down. Quota
    fields are ``None`` when SES did not report them.
    """

    healthy: bool
    endpoint_reachable: bool
    credentials_valid: bool
    sending_enabled: bool
    quota_max_24h: float | None
    quota_sent_24h: float | None
    max_send_rate: float | None
    latency_ms: float
    error: str | None = None
    enforcement_status: str | None = None

    @property
    def quota_remaining_24h(self) -> float | None:
        if self.quota_max_24h is None or self.quota_sent_24h is None:
            return None
        if self.quota_max_24h < 0:  # SES reports -1 for an unlimited quota
            return None
        return max(self.quota_max_24h - self.quota_sent_24h, 0.0)


def _failed(
    latency_ms: float, error: str, *, reachable: bool = False, credentials: bool = False
) -> HealthStatus:
    return HealthStatus(
        healthy=False,
        endpoint_reachable=reachable,
        credentials_valid=credentials,
        sending_enabled=False,
        quota_max_24h=None,
        quota_sent_24h=None,
        max_send_rate=None,
        latency_ms=latency_ms,
        error=error,
    )


def health_from(outcome: Any, latency_ms: float) -> HealthStatus:
    """A :class:`HealthStatus` from a ``GetAccount`` response or the exception it raised."""
    if isinstance(outcome, BaseException):
        return _from_error(outcome, latency_ms)
    quota = getattr(outcome, "send_quota", None)
    enforcement = getattr(outcome, "enforcement_status", None)
    # SES leaves SendingEnabled out only in odd cases; absent is not "paused".
    sending = getattr(outcome, "sending_enabled", None) is not False
    problem = None
    if not sending:
        problem = "sending is paused for this account in this region"
    elif enforcement == "SHUTDOWN":
        problem = "the account's sending has been shut down (EnforcementStatus SHUTDOWN)"
    return HealthStatus(
        healthy=problem is None,
        endpoint_reachable=True,
        credentials_valid=True,
        sending_enabled=sending,
        quota_max_24h=getattr(quota, "max24_hour_send", None),
        quota_sent_24h=getattr(quota, "sent_last24_hours", None),
        max_send_rate=getattr(quota, "max_send_rate", None),
        latency_ms=latency_ms,
        error=problem,
        enforcement_status=enforcement,
    )


def _from_error(exc: BaseException, latency_ms: float) -> HealthStatus:
    text = str(exc) or type(exc).__name__
    if isinstance(exc, SesTransportError):
        return _failed(latency_ms, f"endpoint not reachable: {text}")
    if isinstance(exc, CredentialsError):
        # Nothing was sent: no credentials could be loaded.
        return _failed(latency_ms, f"no usable credentials: {text}")
    if isinstance(exc, SesServiceError):
        if exc.code in _AUTHORIZATION_CODES:
            return _failed(
                latency_ms,
                f"credentials accepted but not allowed to call GetAccount: {text}",
                reachable=True,
                credentials=True,
            )
        if exc.code in _CREDENTIAL_CODES or exc.status in (401, 403):
            return _failed(
                latency_ms, f"credentials rejected: {text}", reachable=True, credentials=False
            )
        # Throttling and request errors come after authentication; a 5xx
        # proves only that something answered.
        authenticated = isinstance(exc, TooManyRequestsException) or (
            exc.status is not None and 400 <= exc.status < 500
        )
        return _failed(latency_ms, text, reachable=True, credentials=authenticated)
    if isinstance(exc, SesError):
        return _failed(latency_ms, text)
    return _failed(latency_ms, f"{type(exc).__name__}: {text}")


def check_health(invoke: Callable[[str, dict[str, Any]], Any]) -> HealthStatus:
    """Call ``GetAccount`` through a sync ``_invoke`` and report; never raises."""
    start = time.perf_counter()
    try:
        outcome = invoke("get_account", {})
    except Exception as exc:  # the whole point is to report, not to raise
        outcome = exc
    return health_from(outcome, (time.perf_counter() - start) * 1000)


async def check_health_async(
    invoke: Callable[[str, dict[str, Any]], Awaitable[Any]],
) -> HealthStatus:
    """Call ``GetAccount`` through an async ``_invoke`` and report; never raises."""
    start = time.perf_counter()
    try:
        outcome = await invoke("get_account", {})
    except Exception as exc:  # cancellation (BaseException) still propagates
        outcome = exc
    return health_from(outcome, (time.perf_counter() - start) * 1000)
