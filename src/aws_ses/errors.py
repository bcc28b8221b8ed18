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
    True for a send whose ``maybe_sent`` is True.
    """

    retryable: bool = False
    maybe_sent: bool = False

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        status: int | None = None,
        request_id: str | None = None,
        retryable: bool | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or type(self).__name__
        self.status = status
        self.request_id = request_id
        if retryable is not None:
            self.retryable = retryable

    def __str__(self) -> str:
        parts = [f"{self.code}: {self.message}" if self.message else self.code]
        if self.status is not None:
            parts.append(f"(HTTP {self.status}")
            parts[-1] += f", request id {self.request_id})" if self.request_id else ")"
        return " ".join(parts)

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(code={self.code!r}, message={self.message!r}, "
            f"status={self.status!r}, request_id={self.request_id!r})"
        )


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
    out (a repeat could send the mail twice).
    """

    retryable = True

    def __init__(self, message: str, *, sent: bool) -> None:
        super().__init__(message, code=type(self).__name__)
        self.sent = sent
        self.maybe_sent = sent


class SesTimeoutError(SesTransportError):
    """Connecting or reading timed out."""


class CircuitOpenError(SesError):
    """The circuit breaker for this endpoint is open; no request was made."""


class RateLimitTimeout(SesError):
    """The rate limiter would have made this call wait longer than ``max_wait``.

    Nothing was sent; the caller decides whether to try later.
    """


class SesResponseError(SesError):
    """A reply that cannot be trusted: truncated, empty, not JSON, or missing a
    member the caller cannot do without. Never returned as a success."""


# ---------------------------------------------------------------- service side


class SesServiceError(SesError):
    """An error response from SES (or a server speaking its protocol).

    ``details`` holds any other members of the JSON error body.
    """

    details: dict[str, Any]


class AccountSuspendedException(SesServiceError):
    pass


class AlreadyExistsException(SesServiceError):
    pass


class BadRequestException(SesServiceError):
    pass


class ConcurrentModificationException(SesServiceError):
    retryable = True


class ConflictException(SesServiceError):
    pass


class InternalServiceErrorException(SesServiceError):
    retryable = True


class InvalidNextTokenException(SesServiceError):
    pass


class LimitExceededException(SesServiceError):
    pass


class MailFromDomainNotVerifiedException(SesServiceError):
    pass


class MessageRejected(SesServiceError):
    pass


class NotFoundException(SesServiceError):
    pass


class SendingPausedException(SesServiceError):
    pass


class TooManyRequestsException(SesServiceError):
    """Throttled. See the two subclasses to tell the rate from the daily quota."""

    retryable = True


class MaxSendRateExceeded(TooManyRequestsException):
    """Over the per-second sending rate: waiting a moment helps."""


class DailyQuotaExceeded(TooManyRequestsException):
    """Over the 24-hour sending quota: retrying soon will not help."""

    retryable = False


_BY_CODE: dict[str, type[SesServiceError]] = {
    cls.__name__: cls
    for cls in (
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
}
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
    cls = _BY_CODE.get(code)
    if cls is not None:
        return cls
    if code == "ValidationException":
        return BadRequestException
    return SesServiceError


def retryable_status(status: int) -> bool:
    """Whether a status with no more specific code is worth repeating."""
    return status >= 500 or status == 429


def service_error(
    code: str,
    message: str,
    *,
    status: int,
    request_id: str | None,
    details: dict[str, Any] | None = None,
) -> SesServiceError:
    """Build the right exception for an SES error response."""
    cls = error_class_for(code, status, message)
    retryable = None if cls is not SesServiceError else retryable_status(status)
    err = cls(
        message,
        code=code or f"HTTP{status}",
        status=status,
        request_id=request_id,
        retryable=retryable,
    )
    err.details = details or {}
    return err
