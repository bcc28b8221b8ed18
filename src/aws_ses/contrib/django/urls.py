"""URLs for the SES event notifications view.

``path("ses/", include("aws_ses.contrib.django.urls"))`` answers SNS at
``ses/events`` with :func:`aws_ses.contrib.django.events.ses_event_view`,
configured by the ``AWS_SES_EVENTS`` setting. Build your own route with
``event_view(...)`` for anything else.
"""

from __future__ import annotations

from typing import Any

from django.urls import path  # type: ignore[import-untyped]

from aws_ses.contrib.django.events import ses_event_view

__all__ = ["urlpatterns"]

app_name = "aws_ses"

urlpatterns: list[Any] = [path("events", ses_event_view, name="events")]
