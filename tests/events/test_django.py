"""The Django view and signals: verified events send signals, refused ones nothing."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from .conftest import TOPIC, Fetcher, load

Make = Callable[..., dict[str, Any]]


@pytest.fixture
def signals(django_settings: None) -> Iterator[list[tuple[str, Any]]]:
    from aws_ses.contrib.django import events

    received: list[tuple[str, Any]] = []

    def on_any(sender: Any, event: Any, **kwargs: Any) -> None:
        received.append(("event", event))

    def on_bounce(sender: Any, event: Any, **kwargs: Any) -> None:
        received.append(("bounce", event))

    def on_complaint(sender: Any, event: Any, **kwargs: Any) -> None:
        received.append(("complaint", event))

    events.event_received.connect(on_any)
    events.bounce_received.connect(on_bounce)
    events.complaint_received.connect(on_complaint)
    yield received
    events.event_received.disconnect(on_any)
    events.bounce_received.disconnect(on_bounce)
    events.complaint_received.disconnect(on_complaint)


def post(view: Any, body: bytes, **headers: str) -> Any:
    from django.test import RequestFactory

    request = RequestFactory().post(
        "/ses/events", data=body, content_type="text/plain; charset=UTF-8", headers=headers
    )
    return view(request)


def test_verified_event_sends_its_signals(
    signals: list[tuple[str, Any]], notification: Make, fetcher: Fetcher
) -> None:
    from aws_ses.contrib.django.events import event_view

    view = event_view(fetch=fetcher, topic_arns=[TOPIC])
    assert view.csrf_exempt is True
    envelope = json.dumps(notification()).encode()
    response = post(view, envelope, x_amz_sns_message_type="Notification")
    assert response.status_code == 200
    assert json.loads(response.content) == {"outcome": "processed"}
    assert [name for name, _ in signals] == ["event", "bounce"]
    assert signals[1][1].recipients == ["recipient@example.com"]

    forged = notification() | {"Message": json.dumps(load("ses_complaint_notification.json"))}
    refused = post(view, json.dumps(forged).encode())
    assert refused.status_code == 403
    assert json.loads(refused.content)["error"] == "the signature does not match the message"
    assert len(signals) == 2  # nothing more was sent

    from django.test import RequestFactory

    assert view(RequestFactory().get("/ses/events")).status_code == 405


def test_failing_signal_receiver_answers_500(
    signals: list[tuple[str, Any]], notification: Make, fetcher: Fetcher
) -> None:
    from aws_ses.contrib.django.events import bounce_received, event_view

    def broken(sender: Any, event: Any, **kwargs: Any) -> None:
        raise RuntimeError("database down")

    bounce_received.connect(broken)
    try:
        response = post(event_view(fetch=fetcher), json.dumps(notification()).encode())
    finally:
        bounce_received.disconnect(broken)
    assert response.status_code == 500
    assert json.loads(response.content)["outcome"] == "hook_failed"


def test_settings_configured_view(
    signals: list[tuple[str, Any]],
    notification: Make,
    fetcher: Fetcher,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from django.test.utils import override_settings

    from aws_ses.contrib.django import events

    monkeypatch.setattr(events, "_default", None)
    options = {"fetch": fetcher, "topic_arns": ["arn:aws:sns:us-west-2:123456789012:other"]}
    with override_settings(AWS_SES_EVENTS=options):
        response = post(events.ses_event_view, json.dumps(notification()).encode())
    assert response.status_code == 403  # the setting's allow-list was applied
    assert "is not allowed" in json.loads(response.content)["error"]
    assert signals == []
