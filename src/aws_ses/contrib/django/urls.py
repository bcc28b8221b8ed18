"""URLs for the SES event notifications view.

Mount them with ``path("ses/", include("aws_ses.contrib.django.urls"))``.

The view lives in :mod:`aws_ses.contrib.django.events`; this module serves its
``urlpatterns``. Until that module is installed there are no routes, so
including these URLs is harmless.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__all__ = ["urlpatterns"]

app_name = "aws_ses"


def _patterns() -> list[Any]:
    try:
        events = import_module("aws_ses.contrib.django.events")
    except ModuleNotFoundError as exc:
        if exc.name != "aws_ses.contrib.django.events":
            raise
        return []
    return list(getattr(events, "urlpatterns", []))


urlpatterns: list[Any] = _patterns()
