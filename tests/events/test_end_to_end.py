"""The whole loop on one machine, over real HTTP.

The local SES server publishes to an SNS event destination; its topic is
subscribed to an ``asgi_app`` receiver served by uvicorn on 127.0.0.1; the
receiver verifies the signed envelopes (trusting the local certificate) and
its suppression hook puts the bounced and complaining addresses on the
account's suppression list through the client. A later send to them is a
suppression-list bounce, which reaches the receiver too.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from aws_ses.events import EventReceiver, SesEvent, SuppressionHook, asgi_app
from aws_ses.local import LocalServer
from aws_ses.local.sns import trusted_certificates

from .servers import deliveries, serve, subscribe

TOPIC = "arn:aws:sns:us-east-1:123456789012:ses-feedback"
SENDER = "news@example.com"
BOUNCE = "bounce@simulator.amazonses.com"
COMPLAINT = "complaint@simulator.amazonses.com"


@pytest.fixture
def server() -> Iterator[LocalServer]:
    with LocalServer() as running:
        yield running


def test_bounces_and_complaints_end_on_the_suppression_list(server: LocalServer) -> None:
    ses = server.client()
    ses.create_email_identity(email_identity=SENDER)
    ses.create_configuration_set(configuration_set_name="feedback")
    ses.create_configuration_set_event_destination(
        configuration_set_name="feedback",
        event_destination_name="sns",
        event_destination={
            "Enabled": True,
            "MatchingEventTypes": ["BOUNCE", "COMPLAINT", "DELIVERY"],
            "SnsDestination": {"TopicArn": TOPIC},
        },
    )

    seen: list[SesEvent] = []
    lock = threading.Lock()

    def record(event: SesEvent) -> None:
        with lock:
            seen.append(event)

    receiver = EventReceiver(
        trusted_certificates=trusted_certificates(server),
        topic_arns=[TOPIC],
        hooks={"Bounce": SuppressionHook(server.client()), "Complaint": SuppressionHook(ses)},
    )
    receiver.add_hook("*", record)

    def send() -> str:
        reply = ses.send_email(
            from_email_address=SENDER,
            destination={"ToAddresses": [BOUNCE, COMPLAINT]},
            content={"Simple": {"Subject": {"Data": "News"}, "Body": {"Text": {"Data": "Hi"}}}},
            configuration_set_name="feedback",
        )
        message_id: str = reply.message_id
        return message_id

    with serve(asgi_app(receiver)) as url:
        subscribe(server, TOPIC, url + "/ses/events", SignatureVersion="2")
        first = send()
        assert {d["Status"] for d in deliveries(server)} == {"DELIVERED"}

        by_type = {e.type: e for e in seen if e.message_id == first}
        assert by_type["Bounce"].recipients == [BOUNCE]
        assert by_type["Complaint"].recipients == [COMPLAINT]
        listed = {
            s.email_address: s.reason
            for s in ses.list_suppressed_destinations().suppressed_destination_summaries or []
        }
        assert listed == {BOUNCE: "BOUNCE", COMPLAINT: "COMPLAINT"}

        second = send()
        assert {d["Status"] for d in deliveries(server)} == {"DELIVERED"}

    later = [e for e in seen if e.message_id == second]
    assert [e.type for e in later] == ["Bounce"]
    assert later[0].bounce_sub_type == "OnAccountSuppressionList"
    assert sorted(later[0].recipients) == sorted([BOUNCE, COMPLAINT])
    assert later[0].is_permanent_bounce
