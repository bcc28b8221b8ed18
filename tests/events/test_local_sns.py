"""The local server's SNS: subscriptions, signed envelopes, raw delivery, retries."""

from __future__ import annotations

import json
import urllib.error
from collections.abc import Iterator
from typing import Any

import pytest

from aws_ses.events import EventReceiver, SesEvent
from aws_ses.local import LocalServer
from aws_ses.local.sns import CERTIFICATE_PATH, signing_certificate, trusted_certificates

from .servers import Recorder, admin, deliveries, serve, subscribe

TOPIC = "arn:aws:sns:us-east-1:123456789012:ses-local"
SENDER = "me@example.com"


@pytest.fixture(scope="module")
def server() -> Iterator[LocalServer]:
    with LocalServer() as running:
        yield running


@pytest.fixture
def recorder() -> Iterator[tuple[Recorder, str]]:
    recorder = Recorder()
    with serve(recorder) as url:
        yield recorder, url


@pytest.fixture
def ses(server: LocalServer) -> Any:
    server.reset()
    client = server.client()
    client.create_email_identity(email_identity=SENDER)
    client.create_configuration_set(configuration_set_name="tracked")
    client.create_configuration_set_event_destination(
        configuration_set_name="tracked",
        event_destination_name="to-sns",
        event_destination={
            "Enabled": True,
            "MatchingEventTypes": ["SEND", "DELIVERY", "BOUNCE", "COMPLAINT"],
            "SnsDestination": {"TopicArn": TOPIC},
        },
    )
    return client


def send(ses: Any, *to: str) -> str:
    reply = ses.send_email(
        from_email_address=SENDER,
        destination={"ToAddresses": list(to)},
        content={"Simple": {"Subject": {"Data": "Hi"}, "Body": {"Text": {"Data": "Hello"}}}},
        configuration_set_name="tracked",
    )
    message_id: str = reply.message_id
    return message_id


@pytest.mark.parametrize("version", ["1", "2"])
def test_events_arrive_as_signed_sns_notifications(
    server: LocalServer, ses: Any, recorder: tuple[Recorder, str], version: str
) -> None:
    endpoint, url = recorder
    sub = subscribe(server, TOPIC, url + "/sns", SignatureVersion=version)
    message_id = send(ses, "bounce@simulator.amazonses.com")
    done = deliveries(server)
    assert [d["Status"] for d in done] == ["DELIVERED", "DELIVERED"]
    assert [d["EventType"] for d in done] == ["Send", "Bounce"]

    headers, body = endpoint.requests[-1]
    assert headers["x-amz-sns-message-type"] == "Notification"
    assert headers["x-amz-sns-topic-arn"] == TOPIC
    assert headers["x-amz-sns-subscription-arn"] == sub["SubscriptionArn"]
    assert headers["content-type"] == "text/plain; charset=UTF-8"
    envelope = json.loads(body)
    assert envelope["SignatureVersion"] == version
    assert envelope["SigningCertURL"] == server.url + CERTIFICATE_PATH
    assert headers["x-amz-sns-message-id"] == envelope["MessageId"]

    # A receiver told to trust the local certificate verifies and decodes it.
    seen: list[SesEvent] = []
    receiver = EventReceiver(
        trusted_certificates=trusted_certificates(server),
        topic_arns=[TOPIC],
        hooks={"*": seen.append},
    )
    result = receiver.handle(body, headers)
    assert result.status == 200, result.error
    assert seen[0].is_permanent_bounce and seen[0].message_id == message_id
    assert seen[0].recipients == ["bounce@simulator.amazonses.com"]
    # ... and one that does not trust it refuses it.
    assert EventReceiver().handle(body, headers).status == 403


def test_certificate_routes_serve_the_signing_certificate(server: LocalServer) -> None:
    found = admin(server, "GET", "/_aws/sns/certificate")
    assert found["SigningCertURL"] == server.url + CERTIFICATE_PATH
    assert found["Certificate"].encode() == signing_certificate()
    import urllib.request

    with urllib.request.urlopen(server.url + CERTIFICATE_PATH, timeout=10) as response:
        assert response.read() == signing_certificate()


def test_raw_message_delivery(
    server: LocalServer, ses: Any, recorder: tuple[Recorder, str]
) -> None:
    endpoint, url = recorder
    subscribe(server, TOPIC, url, RawMessageDelivery=True)
    send(ses, "success@simulator.amazonses.com")
    assert len(deliveries(server)) == 2
    headers, body = endpoint.requests[-1]
    assert headers["x-amz-sns-rawdelivery"] == "true"
    assert json.loads(body)["eventType"] == "Delivery"
    result = EventReceiver(allow_raw=True, topic_arns=[TOPIC]).handle(body, headers)
    assert result.event is not None and result.event.type == "Delivery"


def test_failed_deliveries_are_retried(
    server: LocalServer, ses: Any, recorder: tuple[Recorder, str]
) -> None:
    endpoint, url = recorder
    subscribe(server, TOPIC, url, MaxAttempts=3, RetryDelay=0.01)
    endpoint.statuses = [500, 503]  # the Send event fails twice, then gets through
    send(ses, "success@simulator.amazonses.com")
    first, second = deliveries(server)
    assert (first["Status"], first["Attempts"], first["StatusCode"]) == ("DELIVERED", 3, 200)
    assert (second["Status"], second["Attempts"]) == ("DELIVERED", 1)
    assert len(endpoint.requests) == 4
    # Every attempt carries the same MessageId, as SNS's retries do.
    ids = {json.loads(body)["MessageId"] for _, body in endpoint.requests[:3]}
    assert len(ids) == 1

    endpoint.statuses = [500, 500, 500, 500]
    send(ses, "success@simulator.amazonses.com")
    failed = deliveries(server)[2]
    assert (failed["Status"], failed["Attempts"], failed["Error"]) == ("FAILED", 3, "HTTP 500")


def test_unreachable_endpoint_fails_after_retries(server: LocalServer, ses: Any) -> None:
    with serve(Recorder()) as url:
        pass  # the port is closed again
    subscribe(server, TOPIC, url, MaxAttempts=2, RetryDelay=0.01)
    send(ses, "success@simulator.amazonses.com")
    found = deliveries(server)
    assert {d["Status"] for d in found} == {"FAILED"}
    assert found[0]["Attempts"] == 2
    assert found[0]["StatusCode"] is None
    assert "Connection refused" in found[0]["Error"]


def test_subscriptions_are_listed_and_deleted(
    server: LocalServer, ses: Any, recorder: tuple[Recorder, str]
) -> None:
    endpoint, url = recorder
    sub = subscribe(server, TOPIC, url)
    listed = admin(server, "GET", "/_aws/sns/subscriptions")["Subscriptions"]
    assert [s["SubscriptionArn"] for s in listed] == [sub["SubscriptionArn"]]
    assert sub["SubscriptionArn"].startswith(TOPIC + ":")
    admin(server, "DELETE", "/_aws/sns/subscriptions?SubscriptionArn=" + sub["SubscriptionArn"])
    send(ses, "success@simulator.amazonses.com")
    assert deliveries(server) == [] and endpoint.requests == []


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (
            {"TopicArn": "topic", "Endpoint": "http://127.0.0.1/"},
            "TopicArn is not an SNS topic ARN",
        ),
        ({"TopicArn": TOPIC, "Endpoint": "ftp://x/"}, "Endpoint must be an http or https URL"),
        ({"TopicArn": TOPIC}, "Endpoint must be an http or https URL"),
        ({"TopicArn": TOPIC, "Endpoint": "http://h/", "SignatureVersion": "3"}, "SignatureVersion"),
        ({"TopicArn": TOPIC, "Endpoint": "http://h/", "MaxAttempts": 0}, "MaxAttempts"),
        ({"TopicArn": TOPIC, "Endpoint": "http://h/", "Colour": "red"}, "unknown fields: Colour"),
    ],
)
def test_bad_subscriptions_are_refused(server: LocalServer, body: Any, reason: str) -> None:
    with pytest.raises(urllib.error.HTTPError) as caught:
        admin(server, "POST", "/_aws/sns/subscriptions", body)
    assert caught.value.code == 400
    assert reason in json.loads(caught.value.read())["message"]


def test_delivery_delays_and_rendering_failures_are_published(
    server: LocalServer, ses: Any, recorder: tuple[Recorder, str]
) -> None:
    endpoint, url = recorder
    problems = "arn:aws:sns:us-east-1:123456789012:ses-problems"
    ses.create_configuration_set_event_destination(
        configuration_set_name="tracked",
        event_destination_name="problems",
        event_destination={
            "Enabled": True,
            "MatchingEventTypes": ["DELIVERY_DELAY", "RENDERING_FAILURE"],
            "SnsDestination": {"TopicArn": problems},
        },
    )
    subscribe(server, problems, url)
    admin(server, "POST", "/_aws/ses/delivery-delays", {"addresses": ["slow@example.com"]})
    send(ses, "slow@example.com")
    ses.create_email_template(
        template_name="hello",
        template_content={"Subject": "Hi {{name}}", "Text": "Hello {{name}}"},
    )
    ses.send_email(
        from_email_address=SENDER,
        destination={"ToAddresses": ["someone@example.com"]},
        content={"Template": {"TemplateName": "hello", "TemplateData": "{}"}},
        configuration_set_name="tracked",
    )
    assert [d["EventType"] for d in deliveries(server)] == ["DeliveryDelay", "Rendering Failure"]
    receiver = EventReceiver(trusted_certificates=trusted_certificates(server))
    delay, failure = (receiver.handle(body, headers).event for headers, body in endpoint.requests)
    assert delay is not None and delay.delivery_delay is not None
    assert delay.recipients == ["slow@example.com"]
    assert delay.delivery_delay.expiration_time is not None
    assert failure is not None and failure.failure is not None
    assert failure.failure.template_name == "hello"
