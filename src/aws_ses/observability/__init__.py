"""What a call leaves behind for its operators: spans, log records, hook calls.

:class:`CallObserver` is created once per operation call by the call
pipeline; the hook runners call the functions from ``SesConfig(hooks=...)``.
OpenTelemetry is used only when ``opentelemetry-api`` is installed.
"""

from aws_ses.observability.hooks import (
    RequestView,
    ResponseView,
    arun_request_hooks,
    arun_response_hooks,
    run_request_hooks,
    run_response_hooks,
)
from aws_ses.observability.observer import CallObserver

__all__ = [
    "CallObserver",
    "RequestView",
    "ResponseView",
    "arun_request_hooks",
    "arun_response_hooks",
    "run_request_hooks",
    "run_response_hooks",
]
