"""Backend settings, per-message options and the events hook, on a mock transport."""

from __future__ import annotations

import sys
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMessage, get_connection
from django.test.utils import override_settings

import aws_ses.contrib.django as contrib_django
from aws_ses.contrib.django import EmailBackend
from aws_ses.contrib.django.convert import parse_tags_header
from aws_ses.errors import SesError, SesValidationError
from aws_ses.testing import MockCredentialProvider, mock_client, responder

BACKEND = "aws_ses.contrib.django.EmailBackend"


def backend(**options: Any) -> EmailBackend:
    with override_settings(EMAIL_BACKEND=BACKEND, AWS_SES_REGION="eu-west-1"):
        connection = get_connection(**options)
    assert isinstance(connection, EmailBackend)
    return connection


def test_settings_map_onto_the_client_config() -> None:
    with override_settings(
        AWS_SES_REGION="eu-central-1",
        AWS_SES_ENDPOINT_URL="http://127.0.0.1:4579",
        AWS_SES_PROFILE="mail",
        AWS_SES_RATE_LIMIT="auto",
        AWS_SES_RATE_LIMIT_URL="redis://127.0.0.1:6379/0",
        AWS_SES_RATE_LIMIT_MAX_WAIT=5,
        AWS_SES_CONFIG={"timeout": 7.5},
    ):
        config = EmailBackend().config
    assert config.region == "eu-central-1"
    assert config.endpoint_url == "http://127.0.0.1:4579"
    assert config.profile == "mail"
    assert config.rate_limit == "auto"
    assert config.rate_limit_url == "redis://127.0.0.1:6379/0"
    assert config.rate_limit_max_wait == 5
    assert config.timeout == 7.5


def test_rate_limit_numbers_and_keyword_overrides() -> None:
    with override_settings(AWS_SES_RATE_LIMIT="20", AWS_SES_REGION_NAME="us-west-2"):
        config = EmailBackend().config
        assert config.rate_limit == 20.0 and config.region == "us-west-2"
        assert EmailBackend(rate_limit=3, region="ap-south-1").config.rate_limit == 3


@pytest.mark.parametrize(
    ("settings", "named"),
    [
        ({"AWS_SES_RATE_LIMIT": "fast"}, "AWS_SES_RATE_LIMIT"),
        ({"AWS_SES_RATE_LIMIT": -1}, "AWS_SES_RATE_LIMIT"),
        ({"AWS_SES_RATE_LIMIT_URL": "http://redis"}, "AWS_SES_RATE_LIMIT_URL"),
        ({"AWS_SES_REGION": "Not A Region"}, "AWS_SES_REGION"),
        ({"AWS_SES_ENDPOINT_URL": "localhost:4579"}, "AWS_SES_ENDPOINT_URL"),
        ({"AWS_SES_CONFIG": {"no_such_field": 1}}, "AWS_SES_CONFIG"),
        ({"AWS_SES_ACCESS_KEY_ID": "AKIDONLY"}, "AWS_SES_SECRET_ACCESS_KEY"),
        ({"AWS_SES_TAGS": ["a"]}, "AWS_SES_TAGS"),
        (
            {"AWS_SES_FROM_ARN": "arn:aws:ses:x:1:identity/a", "AWS_SES_SOURCE_ARN": "arn:b"},
            "AWS_SES_SOURCE_ARN",
        ),
    ],
)
def test_bad_settings_are_named(settings: dict[str, Any], named: str) -> None:
    with override_settings(**settings), pytest.raises(ImproperlyConfigured, match=named):
        EmailBackend()


def test_unknown_backend_arguments_and_smtp_credentials_are_refused() -> None:
    with pytest.raises(TypeError, match="regoin"):
        EmailBackend(regoin="eu-west-1")
    with pytest.raises(TypeError, match="AWS keys"):
        EmailBackend(username="smtp-user")
    assert EmailBackend(username=None, password=None).fail_silently is False


def test_credentials_from_settings_reach_the_signature() -> None:
    client, transport = mock_client()
    # The SES_ pair is incomplete (whatever the plain pair says): the error names it.
    with (
        override_settings(AWS_SES_ACCESS_KEY_ID="AKIDSETTINGS", AWS_SECRET_ACCESS_KEY="x"),
        pytest.raises(ImproperlyConfigured, match="AWS_SES_SECRET_ACCESS_KEY"),
    ):
        EmailBackend()
    with override_settings(
        AWS_SES_ACCESS_KEY_ID="AKIDSETTINGS",
        AWS_SES_SECRET_ACCESS_KEY="secret-from-settings",
        AWS_SES_REGION="us-east-1",
    ):
        connection = EmailBackend()
        connection.client = client.with_options(credentials=connection.config.credentials)
        assert connection.send_messages([EmailMessage("s", "b", to=["a@example.net"])]) == 1
    (sent,) = transport.recorded_requests
    assert "Credential=AKIDSETTINGS/" in transport.requests[0].headers["Authorization"]
    assert sent.headers["Authorization"] == "***"
    assert "secret-from-settings" not in repr(connection.config)


def test_from_arn_and_defaults_reach_send_email() -> None:
    client, transport = mock_client()
    arn = "arn:aws:ses:us-east-1:123456789012:identity/example.com"
    with override_settings(AWS_SES_SOURCE_ARN=arn, AWS_SES_TAGS={"app": "shop"}):
        connection = EmailBackend(client=client)
        connection.send_messages([EmailMessage("s", "b", "a@example.com", ["b@example.net"])])
    (sent,) = transport.requests_for("send_email")
    assert sent.params["from_email_address_identity_arn"] == arn
    assert sent.params["email_tags"] == [{"name": "app", "value": "shop"}]
    assert "simple" in sent.params["content"]
    connection.close()
    assert connection.client is client  # a client passed in is never closed or dropped


def test_fail_silently_covers_every_ses_error() -> None:
    for code in ("MessageRejected", "TooManyRequestsException", "SendingPausedException"):
        client, _ = mock_client(responder.error(code), retry_mode="off")
        loud = EmailBackend(client=client)
        with pytest.raises(SesError) as caught:
            loud.send_messages([EmailMessage("s", "b", to=["a@example.net"])])
        assert caught.value.code == code
        quiet = EmailBackend(client=client, fail_silently=True)
        assert quiet.send_messages([EmailMessage("s", "b", to=["a@example.net"])]) == 0
    # Bad input is an SesError too: a header with a newline is refused before sending.
    client, transport = mock_client()
    quiet = EmailBackend(client=client, fail_silently=True)
    bad = EmailMessage("s", "b", to=["a@example.net"], headers={"X-Bad": "a\nb"})
    assert quiet.send_messages([bad]) == 0
    assert transport.requests == []


def test_no_client_can_be_built_and_fail_silently(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE", "AWS_ENDPOINT_URL_SESV2"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    quiet = EmailBackend(fail_silently=True)
    assert quiet.send_messages([EmailMessage("s", "b", to=["a@example.net"])]) == 0
    with pytest.raises(SesValidationError, match="region"):
        EmailBackend().send_messages([EmailMessage("s", "b", to=["a@example.net"])])


def test_messages_without_recipients_are_skipped() -> None:
    client, transport = mock_client()
    assert EmailBackend(client=client).send_messages([EmailMessage("s", "b")]) == 0
    assert EmailBackend(client=client).send_messages([]) == 0
    assert transport.requests == []


def test_tags_header_syntax() -> None:
    assert parse_tags_header("a=1, b = two ,") == {"a": "1", "b": "two"}
    with pytest.raises(SesValidationError, match="X-SES-MESSAGE-TAGS"):
        parse_tags_header("novalue")


def test_events_names_are_reachable_from_the_package() -> None:
    from aws_ses.contrib.django import events

    assert contrib_django.bounce_received is events.bounce_received
    assert contrib_django.event_view is events.event_view
    with pytest.raises(AttributeError, match="no attribute 'no_such_name'"):
        _ = contrib_django.no_such_name


def test_urls_route_sns_to_the_events_view() -> None:
    from django.test import Client
    from django.urls import include, path, resolve

    from aws_ses.contrib.django.events import ses_event_view

    module = type(sys)("ses_test_urls")
    module.urlpatterns = [path("ses/", include("aws_ses.contrib.django.urls"))]
    sys.modules["ses_test_urls"] = module
    try:
        with override_settings(ROOT_URLCONF="ses_test_urls", ALLOWED_HOSTS=["testserver"]):
            match = resolve("/ses/events")
            assert match.func is ses_event_view and match.view_name == "aws_ses:events"
            assert Client().get("/ses/events").status_code == 405
    finally:
        del sys.modules["ses_test_urls"]


def test_mock_credentials_count_loads() -> None:
    provider = MockCredentialProvider()
    client, _ = mock_client(credentials=provider)
    EmailBackend(client=client).send_messages([EmailMessage("s", "b", to=["a@example.net"])])
    assert provider.loads == 1


def test_rate_limited_backend_sends_through_the_limiter() -> None:
    from aws_ses.testing import MockTransport

    transport = MockTransport(responder.ok())
    config = {"transport": transport, "credentials": MockCredentialProvider()}
    with override_settings(
        AWS_SES_RATE_LIMIT=1000, AWS_SES_REGION="us-east-1", AWS_SES_CONFIG=config
    ):
        connection = EmailBackend()
        assert connection.config.effective_rate_limit == 1000.0
        sent = connection.send_messages(
            [EmailMessage(f"m{i}", "b", to=["a@example.net", "b@example.net"]) for i in range(3)]
        )
    assert sent == 3
    assert [r.operation for r in transport.recorded_requests] == ["send_email"] * 3
