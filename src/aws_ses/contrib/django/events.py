"""A Django view that receives SES events from SNS, and one signal per event type.

Route SNS to the view and connect to the signals::

    # urls.py
    from aws_ses.contrib.django.events import event_view
    urlpatterns = [path("ses/events", event_view(topic_arns=[TOPIC]))]

    # anywhere
    from aws_ses.contrib.django.events import bounce_received

    @receiver(bounce_received)
    def on_bounce(sender, event, **kwargs): ...

Every verified event sends :data:`event_received` and then the signal of its
type, with ``event`` (an :class:`~aws_ses.events.SesEvent`) as argument. A
refused message sends nothing and is answered 403. ``ses_event_view`` is a
ready view configured by the ``AWS_SES_EVENTS`` setting (a dict of
:class:`~aws_ses.events.EventReceiver` options), read on first use.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import Any

from django.dispatch import Signal  # type: ignore[import-untyped]
from django.http import HttpRequest, HttpResponse  # type: ignore[import-untyped]

from aws_ses.events.asgi import result_body
from aws_ses.events.models import EventType, SesEvent
from aws_ses.events.receiver import ALL_EVENTS, EventReceiver

__all__ = [
    "SIGNALS",
    "bounce_received",
    "click_received",
    "complaint_received",
    "delivery_delay_received",
    "delivery_received",
    "event_received",
    "event_view",
    "open_received",
    "reject_received",
    "rendering_failure_received",
    "send_received",
    "ses_event_view",
    "subscription_received",
]

event_received = Signal()
send_received = Signal()
delivery_received = Signal()
bounce_received = Signal()
complaint_received = Signal()
reject_received = Signal()
open_received = Signal()
click_received = Signal()
rendering_failure_received = Signal()
delivery_delay_received = Signal()
subscription_received = Signal()

#: The signal sent for each event type.
SIGNALS: dict[str, Signal] = {
    EventType.SEND: send_received,
    EventType.DELIVERY: delivery_received,
    EventType.BOUNCE: bounce_received,
    EventType.COMPLAINT: complaint_received,
    EventType.REJECT: reject_received,
    EventType.OPEN: open_received,
    EventType.CLICK: click_received,
    EventType.RENDERING_FAILURE: rendering_failure_received,
    EventType.DELIVERY_DELAY: delivery_delay_received,
    EventType.SUBSCRIPTION: subscription_received,
}


def send_signals(event: SesEvent) -> None:
    """Send :data:`event_received` and the signal of ``event``'s type."""
    # send_robust would hide a failing receiver; a failure must reach SNS as a 500.
    event_received.send(sender=EventReceiver, event=event)
    typed = SIGNALS.get(event.type)
    if typed is not None:
        typed.send(sender=EventReceiver, event=event)


def event_view(
    receiver: EventReceiver | None = None, **receiver_options: Any
) -> Callable[[HttpRequest], HttpResponse]:
    """A CSRF-exempt POST view over ``receiver`` (or one built from the options)."""
    if receiver is not None and receiver_options:
        raise TypeError("pass either receiver= or receiver options, not both")
    target = receiver or EventReceiver(**receiver_options)
    target.add_hook(ALL_EVENTS, send_signals)

    def view(request: HttpRequest) -> HttpResponse:
        if request.method != "POST":
            return HttpResponse(status=405, headers={"Allow": "POST"})
        result = target.handle(request.body, dict(request.headers))
        return HttpResponse(
            json.dumps(result_body(result)), status=result.status, content_type="application/json"
        )

    # What django.views.decorators.csrf.csrf_exempt sets: SNS has no CSRF token.
    view.csrf_exempt = True  # type: ignore[attr-defined]
    view.receiver = target  # type: ignore[attr-defined]
    return view


_default: Callable[[HttpRequest], HttpResponse] | None = None
_default_lock = threading.Lock()


def ses_event_view(request: HttpRequest) -> HttpResponse:
    """The view configured by ``settings.AWS_SES_EVENTS``."""
    global _default
    with _default_lock:
        if _default is None:
            from django.conf import settings  # type: ignore[import-untyped]

            _default = event_view(**dict(getattr(settings, "AWS_SES_EVENTS", {})))
    return _default(request)


ses_event_view.csrf_exempt = True  # type: ignore[attr-defined]
