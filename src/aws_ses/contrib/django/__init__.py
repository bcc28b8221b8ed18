"""Django integration: ``aws_ses.contrib.django.EmailBackend`` (the ``django`` extra).

Names load on first use, so putting the backend's dotted path in settings
imports nothing until Django asks for it.

SNS events: the view and its per-event-type signals live in
:mod:`aws_ses.contrib.django.events`; any name not defined here is looked up
there (``from aws_ses.contrib.django import bounce_received`` works), and
``aws_ses.contrib.django.urls`` routes ``events`` to ``ses_event_view``.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from aws_ses.contrib.django.backend import EmailBackend as EmailBackend
    from aws_ses.contrib.django.signals import post_send as post_send
    from aws_ses.contrib.django.signals import send_failed as send_failed

_LAZY = {
    "EmailBackend": ".backend",
    "post_send": ".signals",
    "send_failed": ".signals",
}

__all__ = sorted(_LAZY)


def __getattr__(name: str) -> Any:
    where = _LAZY.get(name)
    if where is not None:
        value = getattr(import_module(where, __name__), name)
        globals()[name] = value
        return value
    if name.startswith("__"):
        raise AttributeError(name)
    try:
        events = import_module(".events", __name__)
    except ModuleNotFoundError as exc:
        if exc.name != f"{__name__}.events":
            raise
        raise AttributeError(
            f"{__name__} has no attribute {name!r} (the SNS events view, "
            f"{__name__}.events, is not installed)"
        ) from None
    try:
        return getattr(events, name)
    except AttributeError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
