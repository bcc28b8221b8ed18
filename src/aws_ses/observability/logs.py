"""Structured log records through the standard ``logging`` module.

Every record carries its facts as ``extra=`` fields (``operation``,
``status``, ``duration_ms``, ...), so a JSON formatter picks them up without
parsing the message. Loggers, all under ``aws_ses``:

- ``aws_ses.call``: one record per call at DEBUG (ERROR-free: a failed call
  is the caller's exception, not a log line of ours);
- ``aws_ses.retry``: one record per retry at INFO;
- ``aws_ses.breaker``: circuit breaker transitions at WARNING;
- ``aws_ses.ratelimit``: rate limiter fallbacks and recoveries at WARNING.

The callers pass only redacted values (see :mod:`aws_ses.observability.redact`).
The loggers are :class:`aws_ses._lazy.LazyLogger` stand-ins: ``logging`` is
imported only once it is loaded anyway or a record at WARNING or above is due.
"""

from __future__ import annotations

from typing import Any

from aws_ses._lazy import DEBUG, lazy_logger

__all__ = [
    "breaker_log",
    "call_log",
    "log_breaker_transition",
    "log_call",
    "log_rate_limit_fallback",
    "log_rate_limit_recovered",
    "log_retry",
    "ratelimit_log",
    "retry_log",
]

call_log = lazy_logger("aws_ses.call")
retry_log = lazy_logger("aws_ses.retry")
breaker_log = lazy_logger("aws_ses.breaker")
ratelimit_log = lazy_logger("aws_ses.ratelimit")


def log_call(fields: dict[str, Any]) -> None:
    """The one DEBUG record of a finished call.

    ``fields``: operation, region, status, duration_ms, attempts, request_id,
    message_id, destination_count, error_code (None where unknown).
    """
    if not call_log.isEnabledFor(DEBUG):
        return
    outcome = fields.get("error_code") or "ok"
    call_log.debug(
        "SESv2.%s %s %s in %.1f ms after %d attempt(s)",
        fields.get("operation"),
        fields.get("status") if fields.get("status") is not None else "-",
        outcome,
        fields.get("duration_ms") or 0.0,
        fields.get("attempts") or 0,
        extra=fields,
    )


def log_retry(
    *, operation: str, attempt: int, delay: float, error_code: str | None, status: int | None
) -> None:
    """An INFO record for a retry about to be made after ``delay`` seconds."""
    retry_log.info(
        "SESv2.%s attempt %d failed (%s); retrying in %.3f s",
        operation,
        attempt,
        error_code or "error",
        delay,
        extra={
            "operation": operation,
            "attempt": attempt,
            "delay_s": delay,
            "error_code": error_code,
            "status": status,
        },
    )


def log_breaker_transition(
    *, endpoint: str, old: str, new: str, failures: int, region: str | None = None
) -> None:
    """A WARNING record when a circuit breaker changes state."""
    breaker_log.warning(
        "circuit breaker for %s: %s -> %s after %d failure(s)",
        endpoint,
        old,
        new,
        failures,
        extra={
            "aws_ses_event": "breaker_transition",
            "endpoint": endpoint,
            "region": region,
            "breaker_from": old,
            "breaker_to": new,
            "failures": failures,
        },
    )


def log_rate_limit_fallback(*, url: str, mode: str, error: str) -> None:
    """A WARNING record when the shared (Redis) limiter cannot be reached."""
    action = "using the in-process limiter" if mode == "local" else "failing sends"
    ratelimit_log.warning(
        "rate limiter at %s unreachable (%s); %s until it answers again",
        url,
        error,
        action,
        extra={"rate_limit_url": url, "rate_limit_fallback": mode, "error": error},
    )


def log_rate_limit_recovered(*, url: str) -> None:
    """A WARNING record when the shared limiter answers again after a fallback."""
    ratelimit_log.warning(
        "rate limiter at %s answers again; sharing its rate",
        url,
        extra={"rate_limit_url": url, "rate_limit_fallback": None},
    )
