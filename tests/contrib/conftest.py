"""Django configured once for the backend tests, and one local SES server on a real port."""

from __future__ import annotations

from collections.abc import Iterator

import django
import pytest
from django.conf import settings

if not settings.configured:
    settings.configure(
        DEBUG=False,
        SECRET_KEY="tests-only",
        INSTALLED_APPS=["django.contrib.contenttypes"],
        DATABASES={},
        EMAIL_BACKEND="aws_ses.contrib.django.EmailBackend",
        DEFAULT_FROM_EMAIL="Shop <shop@example.com>",
        DEFAULT_CHARSET="utf-8",
        USE_TZ=True,
    )
    django.setup()

from aws_ses.local import LocalServer

SENDER_DOMAIN = "example.com"


@pytest.fixture(scope="session")
def ses_server() -> Iterator[LocalServer]:
    with LocalServer() as server:
        yield server


@pytest.fixture
def server(ses_server: LocalServer) -> LocalServer:
    """The local server, emptied, with example.com verified as a sender."""
    ses_server.reset()
    with ses_server.client() as client:
        client.create_email_identity(email_identity=SENDER_DOMAIN)
    return ses_server


@pytest.fixture
def ses_settings(server: LocalServer) -> dict[str, object]:
    """Settings that point the backend at the local server."""
    return {
        "EMAIL_BACKEND": "aws_ses.contrib.django.EmailBackend",
        "AWS_SES_REGION": "us-east-1",
        "AWS_SES_ENDPOINT_URL": server.url,
        "AWS_SES_ACCESS_KEY_ID": "test",
        "AWS_SES_SECRET_ACCESS_KEY": "test",
    }
