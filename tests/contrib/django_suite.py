"""Django test cases run by Django's own test runner (see test_django_runner.py).

Not collected by pytest (no ``test_`` prefix): ``DiscoverRunner`` loads it,
switches mail to the locmem backend as it does for every Django project, and
these cases switch to the aws-ses backend through settings.
"""

from __future__ import annotations

from typing import Any

from django.core import mail
from django.test import SimpleTestCase

# Filled in by the pytest test that runs this suite: the local server's URL.
SERVER_URL = ""


class BackendUnderDjangosRunner(SimpleTestCase):
    def ses_settings(self) -> Any:
        return self.settings(
            EMAIL_BACKEND="aws_ses.contrib.django.EmailBackend",
            AWS_SES_REGION="us-east-1",
            AWS_SES_ENDPOINT_URL=SERVER_URL,
            AWS_SES_ACCESS_KEY_ID="test",
            AWS_SES_SECRET_ACCESS_KEY="test",
        )

    def test_runner_gives_the_locmem_outbox(self) -> None:
        mail.send_mail("Outbox only", "x", None, ["runner@example.net"])
        assert [m.subject for m in mail.outbox] == ["Outbox only"]

    def test_settings_switch_to_ses(self) -> None:
        with self.ses_settings():
            sent = mail.send_mail("Through SES", "x", None, ["runner@example.net"])
            rejected = mail.send_mail(
                "Rejected", "x", "x@example.org", ["runner@example.net"], fail_silently=True
            )
        assert (sent, rejected) == (1, 0)
        assert mail.outbox == []
