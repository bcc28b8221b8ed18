"""One call's observer: its span, its log records, and its hook views.

The call pipeline asks :func:`observe` for an observer per operation call and
tells it what happens (attempt, retry, rate-limit wait, response, success or
failure); the observer turns that into the OpenTelemetry span
``SESv2.<Operation>``, the structured log records and, when hooks are
configured, the redacted views they are called with. It never raises on its
own account and never sees a value it could leak without redacting first.
When nobody watches (no tracer provider, DEBUG off, no hooks), a call gets
the shared :class:`QuietObserver` instead, which costs nothing per call.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from functools import cache
from types import TracebackType
from typing import TYPE_CHECKING, Any

from aws_ses._lazy import DEBUG
from aws_ses.observability import logs, otel
from aws_ses.observability.hooks import RequestView, ResponseView, has_hooks
from aws_ses.observability.redact import destinations, redact_headers, redact_params, redact_url

if TYPE_CHECKING:
    from aws_ses._http import HttpRequest
    from aws_ses.config import SesConfig

__all__ = ["CallObserver", "QuietObserver", "observe"]

_SENDS = frozenset({"SendEmail", "SendBulkEmail", "SendCustomVerificationEmail"})


@cache
def _ses_name(operation: str) -> tuple[str, str]:
    """(SES name, Python name) of an operation given either."""
    from aws_ses._model import operation as lookup

    try:
        op = lookup(operation)
        return op.name, op.py_name
    except KeyError:
        return operation, operation


def _watched(config: SesConfig) -> bool:
    """Whether anyone would see a call: DEBUG call logs, hooks, or a tracer provider."""
    return (
        logs.call_log.isEnabledFor(DEBUG)
        or (bool(config.hooks) and (has_hooks(config, "request") or has_hooks(config, "response")))
        or otel.tracing_active()
    )


def observe(
    operation: str,
    region: str,
    endpoint_host: str,
    params: Mapping[str, Any],
    config: SesConfig,
) -> CallObserver | QuietObserver:
    """The observer of one call: a :class:`CallObserver` when anyone watches,
    otherwise the operation's shared :class:`QuietObserver`, which only logs
    retries (what an unwatched ``CallObserver`` would do, without its bookkeeping)."""
    if _watched(config):
        return CallObserver(operation, region, endpoint_host, params, config)
    quiet = _quiet.get(operation)
    if quiet is None:
        quiet = _quiet[operation] = QuietObserver(_ses_name(operation)[0])
    return quiet


class QuietObserver:
    """The observer of calls nobody watches: no span, no call record, no hook
    views. Holds no per-call state, so one is shared by every call of an operation."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def attempt(self, n: int, request: HttpRequest) -> None:
        return None

    def response(self, status: int, headers: Mapping[str, str]) -> None:
        return None

    def retry(self, attempt: int, delay: float, error: BaseException) -> None:
        _log_retry(self.name, attempt, delay, error)

    def rate_wait(self, seconds: float) -> None:
        return None

    def success(self, result: Any) -> None:
        return None

    def failure(self, error: BaseException) -> None:
        return None


_quiet: dict[str, QuietObserver] = {}


def _log_retry(name: str, attempt: int, delay: float, error: BaseException) -> None:
    logs.log_retry(
        operation=name,
        attempt=attempt,
        delay=delay,
        error_code=getattr(error, "code", None) or type(error).__name__,
        status=getattr(error, "status", None),
    )


class CallObserver:
    """Spans, logs and hook views for one operation call."""

    __slots__ = (
        "_config",
        "_done",
        "_params",
        "_request_view",
        "_span",
        "_start",
        "_watched",
        "attempts",
        "destination_count",
        "message_id",
        "name",
        "py_name",
        "rate_wait_s",
        "region",
        "request_id",
        "sensitive",
        "status",
    )

    def __init__(
        self,
        operation: str,
        region: str,
        endpoint_host: str,
        params: Mapping[str, Any],
        config: SesConfig,
    ) -> None:
        self._start = time.perf_counter()
        self.name, self.py_name = _ses_name(operation)
        self.region = region
        self._config = config
        self._params = params
        self.sensitive = config.log_sensitive
        self.attempts = 0
        self.status: int | None = None
        self.request_id: str | None = None
        self.message_id: str | None = None
        self.rate_wait_s = 0.0
        self._done = False
        self._request_view: RequestView | None = None
        # Nobody watching (no tracer provider, DEBUG off, no hooks): the
        # common case costs a few checks and nothing else.
        self._watched = _watched(config)
        self._span = None
        self.destination_count = None
        if not self._watched:
            return
        recipients = destinations(self.name, params) if self.name in _SENDS else None
        self.destination_count = None if recipients is None else len(recipients)
        self._span = otel.start_call_span(
            f"SESv2.{self.name}",
            {
                "rpc.system": "aws-api",
                "rpc.service": "SESv2",
                "rpc.method": self.name,
                "cloud.region": region,
                "server.address": endpoint_host,
                "ses.destination_count": self.destination_count,
                "ses.destinations": ", ".join(recipients)
                if self.sensitive and recipients
                else None,
            },
        )

    # -- progress --------------------------------------------------------
    def attempt(self, n: int, request: HttpRequest) -> RequestView | None:
        """Attempt ``n`` (1-based) is about to go out; returns the view for request
        hooks, or None when none are configured."""
        self.attempts = n
        if self._span is not None:
            self._span.set("ses.attempts", n)
            if n > 1:
                self._span.set("http.request.resend_count", n - 1)
        if not has_hooks(self._config, "request") and not has_hooks(self._config, "response"):
            return None
        view = RequestView(
            operation=self.name,
            region=self.region,
            method=request.method,
            url=request.url if self.sensitive else redact_url(request.url),
            headers=redact_headers(request.headers),
            params=redact_params(self.py_name, self._params, sensitive=self.sensitive),
            attempt=n,
            destination_count=self.destination_count,
            body_size=len(request.body),
        )
        self._request_view = view
        return view if has_hooks(self._config, "request") else None

    def retry(self, attempt: int, delay: float, error: BaseException) -> None:
        """Attempt ``attempt`` failed with ``error``; the next goes after ``delay`` seconds."""
        if self._span is not None:
            code = getattr(error, "code", None) or type(error).__name__
            self._span.event(
                "retry",
                {"ses.attempt": attempt, "ses.retry_delay_s": delay, "error.type": code},
            )
        _log_retry(self.name, attempt, delay, error)

    def rate_wait(self, seconds: float) -> None:
        """The rate limiter held the call for ``seconds``."""
        self.rate_wait_s += seconds
        if self._span is not None:
            self._span.event(
                "rate_limit.wait",
                {"ses.rate_limit_wait_s": seconds, "ses.destination_count": self.destination_count},
            )

    def response(self, status: int, headers: Mapping[str, str]) -> ResponseView | None:
        """A response arrived (any status); returns the view for response hooks, or None."""
        self.status = status
        request_id = headers.get("x-amzn-requestid") or headers.get("x-amz-request-id")
        if request_id:
            self.request_id = request_id
        if self._span is not None:
            self._span.set("http.response.status_code", status)
            self._span.set("aws.request_id", self.request_id)
        if not has_hooks(self._config, "response"):
            return None
        return ResponseView(
            operation=self.name,
            region=self.region,
            status=status,
            headers=redact_headers(dict(headers)),
            request_id=self.request_id,
            attempt=self.attempts,
            elapsed=time.perf_counter() - self._start,
            request=self._request_view,
        )

    # -- the end ---------------------------------------------------------
    def success(self, result: Any) -> None:
        """The call returned ``result``."""
        if self._done:
            return
        message_id = getattr(result, "message_id", None)
        if isinstance(message_id, str):
            self.message_id = message_id
        if self._span is not None:
            self._span.set("ses.message_id", self.message_id)
        self._finish(None)

    def failure(self, error: BaseException) -> None:
        """The call raised ``error`` (after any retries)."""
        if self._done:
            return
        status = getattr(error, "status", None)
        if isinstance(status, int):
            self.status = status
            if self._span is not None:
                self._span.set("http.response.status_code", status)
        request_id = getattr(error, "request_id", None)
        if isinstance(request_id, str):
            self.request_id = request_id
            if self._span is not None:
                self._span.set("aws.request_id", request_id)
        self._finish(error)

    def _finish(self, error: BaseException | None) -> None:
        self._done = True
        if self._span is not None:
            self._span.set("ses.attempts", self.attempts)
            self._span.end(error, sensitive=self.sensitive)
        if not self._watched:
            return
        fields: dict[str, Any] = {
            "operation": self.name,
            "region": self.region,
            "status": self.status,
            "duration_ms": round((time.perf_counter() - self._start) * 1000.0, 3),
            "attempts": self.attempts,
            "request_id": self.request_id,
            "message_id": self.message_id,
            "destination_count": self.destination_count,
            "rate_limit_wait_s": round(self.rate_wait_s, 6),
            "error_code": None
            if error is None
            else (getattr(error, "code", None) or type(error).__name__),
        }
        logs.log_call(fields)

    def __enter__(self) -> CallObserver:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc is not None:
            self.failure(exc)
