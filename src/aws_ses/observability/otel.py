"""OpenTelemetry spans, when ``opentelemetry-api`` is installed (the ``otel`` extra).

Without it every function here is a no-op and nothing is imported: the
first call looks for the package once and remembers the answer. With it,
spans go to whatever tracer provider the application configured (none
configured: the API's non-recording spans, which cost little).

OpenTelemetry is not even imported until the application has imported
``opentelemetry.trace`` itself (or names a provider in
``OTEL_PYTHON_TRACER_PROVIDER``): a tracer provider is set through that module,
so before it is loaded nobody can have set one, and importing the API just to
learn that would cost every cold start several milliseconds.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from typing import Any

from aws_ses._version import __version__
from aws_ses.observability.redact import redact_text

__all__ = ["CallSpan", "start_call_span"]

AttributeValue = str | bool | int | float

_tracer: Any = None
_trace: Any = None  # the opentelemetry.trace module, once found
_missing = False


def _could_be_configured() -> bool:
    return "opentelemetry.trace" in sys.modules or "OTEL_PYTHON_TRACER_PROVIDER" in os.environ


def _get_tracer() -> Any:
    global _tracer, _trace, _missing
    if _tracer is None and not _missing:
        if not _could_be_configured():
            return None  # asked again on the next call: the application may import it later
        try:
            from opentelemetry import trace
        except ImportError:
            _missing = True
            return None
        _trace = trace
        _tracer = trace.get_tracer("aws_ses", __version__)
    return _tracer


class CallSpan:
    """One client span, current (in the context) from start until :meth:`end`."""

    __slots__ = ("_span", "_token")

    def __init__(self, span: Any, token: Any) -> None:
        self._span = span
        self._token = token

    def set(self, name: str, value: AttributeValue | None) -> None:
        if value is not None:
            self._span.set_attribute(name, value)

    def event(self, name: str, attributes: Mapping[str, AttributeValue | None]) -> None:
        self._span.add_event(name, {k: v for k, v in attributes.items() if v is not None})

    def end(self, error: BaseException | None = None, *, sensitive: bool = False) -> None:
        from opentelemetry import context
        from opentelemetry.trace import Status, StatusCode

        span = self._span
        if error is not None:
            # Built by hand instead of record_exception: the message and the
            # traceback text may hold addresses, which must be masked.
            import traceback  # only for a failed call that is being traced

            message = str(error)
            stack = "".join(traceback.format_exception(error))
            if not sensitive:
                message, stack = redact_text(message), redact_text(stack)
            span.add_event(
                "exception",
                {
                    "exception.type": type(error).__qualname__,
                    "exception.message": message,
                    "exception.stacktrace": stack,
                },
            )
            span.set_attribute("error.type", getattr(error, "code", None) or type(error).__name__)
            span.set_status(Status(StatusCode.ERROR, f"{type(error).__name__}"))
        else:
            span.set_status(Status(StatusCode.OK))
        span.end()
        if self._token is not None:
            context.detach(self._token)
            self._token = None


def tracing_active() -> bool:
    """Whether spans would be recorded: OpenTelemetry is installed and the
    application has set a tracer provider (checked on every call, so one set
    up after the client was built is honoured)."""
    if _get_tracer() is None:
        return False
    trace = _trace
    provider = trace.get_tracer_provider()
    return not isinstance(provider, (trace.ProxyTracerProvider, trace.NoOpTracerProvider))


def start_call_span(name: str, attributes: Mapping[str, AttributeValue | None]) -> CallSpan | None:
    """Start a CLIENT span ``name`` and make it current; None when nothing would
    record it (no OpenTelemetry, or no tracer provider configured)."""
    tracer = _get_tracer()
    if tracer is None or not tracing_active():
        return None
    from opentelemetry import context, trace

    span = tracer.start_span(
        name,
        kind=trace.SpanKind.CLIENT,
        attributes={k: v for k, v in attributes.items() if v is not None},
    )
    token = context.attach(trace.set_span_in_context(span))
    return CallSpan(span, token)
