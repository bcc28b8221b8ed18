"""The FastAPI and Django examples of docs/events.md, run against the local server.

Each example is taken from the page as written and served by uvicorn on
127.0.0.1; the local server's SNS topic is subscribed to it. The only change
made to an example is its receiver's verifier, swapped for one that also
trusts the local server's test certificate (the examples are production code,
which trusts only SNS's own certificates); the example's topic allow-list is
kept.
"""

from __future__ import annotations

import re
import sys
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from aws_ses.events import EventReceiver, SnsVerifier
from aws_ses.local import LocalServer
from aws_ses.local.sns import trusted_certificates

from .servers import deliveries, serve, subscribe

DOCS = Path(__file__).resolve().parents[2] / "docs" / "events.md"
SENDER = "news@example.com"
BOUNCE = "bounce@simulator.amazonses.com"
COMPLAINT = "complaint@simulator.amazonses.com"
SUCCESS = "success@simulator.amazonses.com"


def example(name: str) -> str:
    found = re.search(
        rf"<!-- test: {re.escape(name)} -->\n```python\n(.*?)```", DOCS.read_text(), re.S
    )
    assert found, f"docs/events.md has no example {name!r}"
    return found.group(1)


def load_module(name: str, source: str) -> types.ModuleType:
    module = types.ModuleType(name)
    module.__file__ = str(DOCS)
    sys.modules[name] = module
    exec(compile(source, f"docs/events.md ({name})", "exec"), module.__dict__)
    return module


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[LocalServer]:
    with LocalServer() as running:
        # What SesConfig.from_env() in the examples reads.
        monkeypatch.delenv("AWS_PROFILE", raising=False)
        monkeypatch.setenv("AWS_ENDPOINT_URL_SESV2", running.url)
        monkeypatch.setenv("AWS_REGION", "us-east-1")
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
        yield running


def trust_local(receiver: EventReceiver, server: LocalServer) -> str:
    topics = receiver.verifier.topic_arns
    assert topics is not None, "the example should allow-list its topic"
    receiver.verifier = SnsVerifier(
        topic_arns=topics, trusted_certificates=trusted_certificates(server)
    )
    [topic] = topics
    return topic


def setup_ses(server: LocalServer, topic: str) -> Any:
    ses = server.client()
    ses.create_email_identity(email_identity=SENDER)
    ses.create_configuration_set(configuration_set_name="docs")
    ses.create_configuration_set_event_destination(
        configuration_set_name="docs",
        event_destination_name="sns",
        event_destination={
            "Enabled": True,
            "MatchingEventTypes": ["BOUNCE", "COMPLAINT", "DELIVERY"],
            "SnsDestination": {"TopicArn": topic},
        },
    )
    return ses


def send(ses: Any, *to: str) -> None:
    ses.send_email(
        from_email_address=SENDER,
        destination={"ToAddresses": list(to)},
        content={"Simple": {"Subject": {"Data": "News"}, "Body": {"Text": {"Data": "Hi"}}}},
        configuration_set_name="docs",
    )


def suppressed(ses: Any) -> dict[str, str]:
    summaries = ses.list_suppressed_destinations().suppressed_destination_summaries or []
    return {s.email_address: s.reason for s in summaries}


def test_fastapi_example(server: LocalServer) -> None:
    module = load_module("docs_events_fastapi", example("fastapi"))
    topic = trust_local(module.receiver, server)
    ses = setup_ses(server, topic)
    with serve(module.app) as url:
        subscribe(server, topic, url + "/ses/events")
        send(ses, BOUNCE, COMPLAINT, SUCCESS)
        done = deliveries(server)
    assert [d["Status"] for d in done] == ["DELIVERED"] * 4  # 3 deliveries, 1 bounce, 1 complaint
    assert suppressed(ses) == {BOUNCE: "BOUNCE", COMPLAINT: "COMPLAINT"}
    assert sorted(module.delivered) == [COMPLAINT, SUCCESS]


def test_django_example(server: LocalServer, django_settings: None) -> None:
    from django.core.handlers.asgi import ASGIHandler

    urls = load_module("docs_events_django_urls", example("django-urls"))
    signals = load_module("docs_events_django_signals", example("django-signals"))
    view = urls.urlpatterns[0].callback
    topic = trust_local(view.receiver, server)
    ses = setup_ses(server, topic)
    try:
        with serve(ASGIHandler()) as url:
            subscribe(server, topic, url + "/ses/events")
            send(ses, BOUNCE, COMPLAINT, SUCCESS)
            done = deliveries(server)
    finally:
        from aws_ses.contrib.django.events import bounce_received, complaint_received

        bounce_received.disconnect(signals.on_bounce)
        complaint_received.disconnect(signals.on_complaint)
    assert [d["Status"] for d in done] == ["DELIVERED"] * 4, done
    assert signals.unwanted == {BOUNCE, COMPLAINT}
    assert suppressed(ses) == {BOUNCE: "BOUNCE", COMPLAINT: "COMPLAINT"}
