"""The typed SES event models: genuine layouts, helpers, tolerance of the unknown."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import msgspec
import pytest

from aws_ses.events import EventType, SesEvent, parse_event

from .conftest import load


def test_bounce_record_decodes_with_helpers() -> None:
    event = parse_event(json.dumps(load("ses_bounce_event.json")))
    assert event.type == EventType.BOUNCE
    assert not event.is_notification
    assert event.is_permanent_bounce and not event.is_transient_bounce
    assert (event.bounce_type, event.bounce_sub_type) == ("Permanent", "General")
    assert event.recipients == ["recipient@example.com"]
    assert event.message_id == "EXAMPLE7c191be45-e9aedb9a-02f9-4d12-a87d-dd0099a07f8a-000000"
    assert event.tags["campaign"] == ["welcome"]
    assert event.mail.timestamp == datetime(2026, 12, 1, 0, 54, 4, tzinfo=UTC)
    assert event.mail.common_headers is not None
    assert event.mail.common_headers.from_ == ["Sender Name <sender@example.com>"]
    assert event.bounce is not None
    assert event.bounce.reporting_mta == "dsn; e226-55.smtp-out.us-west-2.amazonses.com"
    assert event.bounce.bounced_recipients[0].diagnostic_code == "smtp; 550 5.1.1 user unknown"
    assert event.complaint is None


def test_identity_notification_with_unknown_fields_decodes() -> None:
    event = parse_event(load("ses_complaint_notification.json"))
    assert event.is_notification
    assert event.type == EventType.COMPLAINT == "Complaint"
    assert event.recipients == ["recipient@example.com"]
    assert event.complaint_sub_type is None
    assert event.complaint_feedback_type == "abuse"
    assert event.mail.caller_identity == "IAM_user_or_role_name"


def test_transient_bounce_and_other_types() -> None:
    soft = parse_event(
        {
            "eventType": "Bounce",
            "bounce": {
                "bounceType": "Transient",
                "bounceSubType": "MailboxFull",
                "bouncedRecipients": [{"emailAddress": "a@example.com"}],
            },
            "mail": {"messageId": "m-1", "destination": ["a@example.com"]},
        }
    )
    assert soft.is_transient_bounce and not soft.is_permanent_bounce
    assert soft.bounce_sub_type == "MailboxFull"
    click = parse_event(
        {
            "eventType": "Click",
            "click": {"link": "https://example.com", "linkTags": {"k": ["v"]}},
            "mail": {"messageId": "m-2", "destination": ["a@example.com", "b@example.com"]},
        }
    )
    assert click.click is not None and click.click.link_tags == {"k": ["v"]}
    assert click.recipients == ["a@example.com", "b@example.com"]
    assert click.bounce_type is None and click.complaint_sub_type is None
    failure = parse_event(
        {"eventType": "Rendering Failure", "failure": {"templateName": "t", "errorMessage": "e"}}
    )
    assert failure.type == EventType.RENDERING_FAILURE
    assert failure.failure is not None and failure.failure.template_name == "t"


def test_unknown_event_type_parses_as_a_generic_event() -> None:
    event = parse_event(
        {"eventType": "Teleport", "teleport": {"to": "mars"}, "mail": {"messageId": "m-3"}}
    )
    assert event.type == "Teleport"
    assert event.message_id == "m-3"
    assert event.recipients == []


def test_bad_documents_fail_naming_the_problem() -> None:
    with pytest.raises(ValueError, match="neither eventType nor notificationType"):
        parse_event({"mail": {}})
    with pytest.raises(msgspec.ValidationError, match=r"\$\.bounce\.bouncedRecipients"):
        parse_event({"eventType": "Bounce", "bounce": {"bouncedRecipients": "x"}})


def test_models_encode_back_to_ses_wire_names() -> None:
    event = parse_event(load("ses_bounce_event.json"))
    wire = msgspec.to_builtins(event)
    assert wire["bounce"]["reportingMTA"] == event.bounce.reporting_mta  # type: ignore[union-attr]
    assert wire["bounce"]["bouncedRecipients"][0]["emailAddress"] == "recipient@example.com"
    assert wire["mail"]["commonHeaders"]["from"] == ["Sender Name <sender@example.com>"]
    assert msgspec.convert(wire, SesEvent) == event
