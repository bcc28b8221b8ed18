"""Signals the email backend sends.

``post_send`` fires once per message SES accepted, with ``message`` (the
Django ``EmailMessage``), ``message_id`` (SES's id) and ``content_kind``
(``"simple"``, ``"raw"`` or ``"django-raw"``, see
:mod:`aws_ses.contrib.django.convert`). ``send_failed`` fires once per
message that failed, with ``message`` and ``error`` (the
:class:`~aws_ses.SesError`), whether or not ``fail_silently`` hides it.
The sender is the backend class.
"""

from __future__ import annotations

from django.dispatch import Signal  # type: ignore[import-untyped]

__all__ = ["post_send", "send_failed"]

post_send = Signal()
send_failed = Signal()
