"""The exception hierarchy.

Every error the library raises derives from :class:`SesError`. Errors returned
by SES map to one subclass per SES error shape; errors raised on our side
(bad input, no credentials, network trouble) have their own subclasses.
Secrets never reach an exception: messages are built from field names and
service replies only.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "AccountSuspendedException",
    "AlreadyExistsException",
    "BadRequestException",
    "CircuitOpenError",
    "ConcurrentModificationException",
    "ConflictException",
    "CredentialsError",
    "DailyQuotaExceeded",
    "InternalServiceErrorException",
    "InvalidNextTokenException",
    "LimitExceededException",
    "MailFromDomainNotVerifiedException",
    "MaxSendRateExceeded",
    "MessageRejected",
    "NotFoundException",
    "RateLimitTimeout",
    "RateLimiterUnavailable",
    "SendingPausedException",
    "SesError",
    "SesResponseError",
    "SesServiceError",
    "SesTimeoutError",
    "SesTransportError",
    "SesValidationError",
    "TooManyRequestsException",
    "error_class_for",
]


class SesError(Exception):
    """Root of every aws-ses error.

    ``code`` is the SES error code (or a client-side code), ``status`` the HTTP
    status when a response was received, ``request_id`` the SES request id,
    ``retryable`` whether repeating the same call may succeed, and
    ``maybe_sent`` whether the request may have reached SES (for a call that
    sends mail: whether the mail may have gone out). ``retryable`` is never
    True for a send whose ``maybe_sent`` is True. ``attempts`` counts the
    attempts the call made (0 when it failed before the first one).

    Every error pickles to an equal one, so process pools and task queues can
    carry it.
    """

    retryable: bool = False
    maybe_sent: bool = False
    attempts: int = 0

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        status: int | None = None,
        request_id: str | None = None,
        retryable: bool | None = None,
        maybe_sent: bool | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or type(self).__name__
        self.status = status
        self.request_id = request_id
        if retryable is not None:
            self.retryable = retryable
        if maybe_sent is not None:
            self.maybe_sent = maybe_sent

    def __str__(self) -> str:
        parts = [f"{self.code}: {self.message}" if self.message else self.code]
        if self.status is not None:
            parts.append(f"(HTTP {self.status}")
            parts[-1] += f", request id {self.request_id})" if self.request_id else ")"
        return " ".join(parts)

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(code={self.code!r}, message={self.message!r}, "
            f"status={self.status!r}, request_id={self.request_id!r}, "
            f"maybe_sent={self.maybe_sent!r})"
        )

    # Exceptions pickle by calling the class with ``args``; ours take keyword
    # arguments, so they are rebuilt from their state instead.
    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), self.args, dict(self.__dict__)))

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        assert isinstance(other, SesError)
        return self.args == other.args and self.__dict__ == other.__dict__

    def __hash__(self) -> int:
        return hash((type(self), self.code, self.message))


def _rebuild(cls: type[SesError], args: tuple[Any, ...], state: dict[str, Any]) -> SesError:
    error = cls.__new__(cls)
    error.args = args
    error.__dict__.update(state)
    return error


# ---------------------------------------------------------------- client side


class SesValidationError(SesError, ValueError):
    """Input rejected before anything was sent. ``field`` names the culprit."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}", code="ValidationError")
        self.field = field
        self.problem = problem


class CredentialsError(SesError):
    """No usable credentials could be found or loaded."""


class SesTransportError(SesError):
    """The HTTP exchange failed before a complete response arrived.

    ``sent`` tells whether the request may have reached the server: False for a
    refused connection or DNS failure (safe to repeat), True when bytes went
    out (a repeat could send the mail twice). ``maybe_sent`` equals ``sent``.
    """

    def __init__(self, message: str, *, sent: bool) -> None:
        super().__init__(message, code=type(self).__name__, maybe_sent=sent)
        self.sent = sent
        # Repeating is safe when nothing left; for a request that did leave,
        # the pipeline decides (it knows whether the call sends mail).
        self.retryable = not sent


class SesTimeoutError(SesTransportError):
    """Connecting or reading timed out, or the call's ``deadline`` passed."""


class CircuitOpenError(SesError):
    """The circuit breaker for this endpoint is open; no request was made."""


class RateLimitTimeout(SesError):
    """The rate limiter would have made this call wait longer than ``max_wait``.

    Nothing was sent; the caller decides whether to try later.
    """


class RateLimiterUnavailable(SesError):
    """The shared rate limiter (Redis) cannot be reached and ``rate_limit_fallback``
    is ``"fail"``. Nothing was sent."""


class SesResponseError(SesError):
    """A reply that cannot be trusted: truncated, empty, not JSON, or missing a
    member the caller cannot do without. Never returned as a success; for a
    call that sends mail, ``maybe_sent`` is True (SES may have accepted it)."""

    def __init__(self, message: str, **kwargs: Any) -> None:
        kwargs.setdefault("code", "InvalidResponse")
        kwargs.setdefault("maybe_sent", True)
        super().__init__(message, **kwargs)


# ---------------------------------------------------------------- service side


class SesServiceError(SesError):
    """An error response from SES (or a server speaking its protocol).

    ``details`` holds any other members of the JSON error body (empty when
    there were none).
    """

    def __init__(
        self, message: str, *, details: dict[str, Any] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(message, **kwargs)
        self.details: dict[str, Any] = dict(details or {})


# The classes generated from the model's error shapes (they need SesServiceError).
from aws_ses._generated.errors import (  # noqa: E402
    SERVICE_ERRORS,
    AccountSuspendedException,
    AlreadyExistsException,
    BadRequestException,
    ConcurrentModificationException,
    ConflictException,
    InternalServiceErrorException,
    InvalidNextTokenException,
    LimitExceededException,
    MailFromDomainNotVerifiedException,
    MessageRejected,
    NotFoundException,
    SendingPausedException,
    TooManyRequestsException,
)


class MaxSendRateExceeded(TooManyRequestsException):
    """Over the per-second sending rate: waiting a moment helps."""


class DailyQuotaExceeded(TooManyRequestsException):
    """Over the 24-hour sending quota: retrying soon will not help."""


# Codes AWS front ends return that are not SES error shapes.
_THROTTLING_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestThrottledException",
        "TooManyRequestsException",
        "RequestLimitExceeded",
        "SlowDown",
        "RequestThrottled",
    }
)


def error_class_for(code: str, status: int, message: str = "") -> type[SesServiceError]:
    """Pick the exception class for an SES error code and HTTP status."""
    if code in _THROTTLING_CODES or (code == "" and status == 429):
        lowered = message.lower()
        if "daily message quota" in lowered or "24 hour" in lowered:
            return DailyQuotaExceeded
        if "sending rate" in lowered:
            return MaxSendRateExceeded
        return TooManyRequestsException
    cls = SERVICE_ERRORS.get(code)
    if cls is not None:
        return cls
    if code == "ValidationException":
        return SERVICE_ERRORS["BadRequestException"]
    return SesServiceError


def service_error(
    code: str,
    message: str,
    *,
    status: int,
    request_id: str | None,
    details: dict[str, Any] | None = None,
) -> SesServiceError:
    """Build the right exception for an SES error response.

    ``retryable`` and ``maybe_sent`` are filled in by the call pipeline
    (:mod:`aws_ses.resilience.classify`), which knows the operation.
    """
    cls = error_class_for(code, status, message)
    return cls(
        message,
        code=code or f"HTTP{status}",
        status=status,
        request_id=request_id,
        details=details,
    )
