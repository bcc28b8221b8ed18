"""The one rule for "what went wrong, and is it safe to send again?".

Every failed attempt is sorted into a :class:`Kind` and told whether the
request may have reached SES (``maybe_sent``). The retry policy, the circuit
breaker and every error's ``maybe_sent`` / ``retryable`` read this and
nothing else, so the answer cannot differ between them.

SES has no idempotency token: a mail-sending call whose request may have
reached SES is never repeated by us unless the caller opts in
(``SesConfig(retry_ambiguous_sends=True)``).
"""

from __future__ import annotations

from enum import Enum
from typing import Final

from aws_ses.errors import (
    DailyQuotaExceeded,
    SesError,
    SesResponseError,
    SesServiceError,
    SesTransportError,
)

__all__ = ["SEND_OPERATIONS", "Kind", "classify", "counts_against_breaker"]

# Operations that make SES send mail: repeating one after an ambiguous
# failure can deliver the mail twice.
SEND_OPERATIONS: Final = frozenset(
    {"send_email", "send_bulk_email", "send_custom_verification_email",
     "create_deliverability_test_report"}
)  # fmt: skip


class Kind(Enum):
    THROTTLE = "throttle"  # slow down and try again
    TRANSIENT = "transient"  # the service or the network hiccuped
    FATAL = "fatal"  # repeating the same request cannot help


THROTTLING_CODES: Final = frozenset(
    {"TooManyRequestsException", "LimitExceededException", "Throttling", "ThrottlingException",
     "ThrottledException", "RequestThrottled", "RequestThrottledException", "SlowDown",
     "MaxSendRateExceeded", "RequestLimitExceeded"}
)  # fmt: skip
TRANSIENT_CODES: Final = frozenset(
    {"InternalServiceErrorException", "ConcurrentModificationException", "ServiceUnavailable",
     "InternalFailure", "InternalError", "RequestTimeout", "RequestTimeoutException"}
)  # fmt: skip
TRANSIENT_STATUSES: Final = frozenset({500, 502, 503, 504})
# Refusals that repeating cannot change, whatever their status says.
NEVER_RETRIED: Final = frozenset(
    {"MessageRejected", "MailFromDomainNotVerifiedException", "AccountSuspendedException",
     "SendingPausedException", "DailyQuotaExceeded"}
)  # fmt: skip


def classify(error: SesError) -> tuple[Kind, bool]:
    """``(kind, maybe_sent)`` for one failed attempt.

    ``maybe_sent`` is True exactly when the request may have taken effect at
    SES: bytes went out and no answer came back (or an unreadable one), or
    SES answered with a 5xx. A 4xx, throttling included, is SES refusing it.
    """
    if isinstance(error, SesTransportError):
        return Kind.TRANSIENT, error.sent
    if isinstance(error, SesResponseError):
        return Kind.TRANSIENT, True
    if not isinstance(error, SesServiceError):
        return Kind.FATAL, False  # validation, credentials, breaker, rate limit: nothing sent
    status = error.status or 0
    maybe_sent = status >= 500
    if isinstance(error, DailyQuotaExceeded) or error.code in NEVER_RETRIED:
        return Kind.FATAL, maybe_sent
    if error.code in THROTTLING_CODES or status == 429:
        return Kind.THROTTLE, False
    if error.code in TRANSIENT_CODES or status in TRANSIENT_STATUSES:
        return Kind.TRANSIENT, maybe_sent
    return Kind.FATAL, maybe_sent


def counts_against_breaker(error: SesError) -> bool:
    """5xx, timeouts and connection failures trip the breaker; 4xx and throttling never."""
    if isinstance(error, SesTransportError | SesResponseError):
        return True
    if isinstance(error, SesServiceError):
        return (error.status or 0) >= 500
    return False
