"""SES events: typed records, verified SNS deliveries, receivers and hooks.

``import aws_ses.events`` is cheap: each name is imported on first use, and
``cryptography`` (the ``events`` extra) only when a signature is checked.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .asgi import asgi_app as asgi_app
    from .models import EventType as EventType
    from .models import SesEvent as SesEvent
    from .models import parse_event as parse_event
    from .receiver import ALL_EVENTS as ALL_EVENTS
    from .receiver import EventReceiver as EventReceiver
    from .receiver import Result as Result
    from .sns import SnsMessage as SnsMessage
    from .sns import SnsVerificationError as SnsVerificationError
    from .sns import SnsVerifier as SnsVerifier
    from .sns import parse_envelope as parse_envelope
    from .sqs import parse_sqs_message as parse_sqs_message
    from .suppression import SuppressionHook as SuppressionHook

_LAZY = {
    "asgi_app": ".asgi",
    "EventType": ".models",
    "SesEvent": ".models",
    "parse_event": ".models",
    "ALL_EVENTS": ".receiver",
    "EventReceiver": ".receiver",
    "Result": ".receiver",
    "SnsMessage": ".sns",
    "SnsVerificationError": ".sns",
    "SnsVerifier": ".sns",
    "parse_envelope": ".sns",
    "parse_sqs_message": ".sqs",
    "SuppressionHook": ".suppression",
}

__all__ = sorted(_LAZY)


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
