"""Typed SES event records and identity notifications.

SES writes two related JSON documents:

- **event publishing records** (configuration-set event destinations) carry
  ``eventType``: ``Send``, ``Delivery``, ``Bounce``, ``Complaint``, ``Reject``,
  ``Open``, ``Click``, ``Rendering Failure``, ``DeliveryDelay``,
  ``Subscription``;
- **identity notifications** (feedback forwarding to an SNS topic set on the
  identity) carry ``notificationType``: ``Bounce``, ``Complaint``,
  ``Delivery``.

Both share the ``mail``, ``bounce``, ``complaint`` and ``delivery`` objects, so
one struct, :class:`SesEvent`, decodes either. Every struct ignores unknown
fields and every type name is a plain string, so a record of a type added by
AWS later still decodes (as a generic event whose :attr:`SesEvent.type` is the
new name). The local server builds its records from these same structs.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import msgspec

__all__ = [
    "Bounce",
    "BouncedRecipient",
    "Click",
    "CommonHeaders",
    "Complaint",
    "ComplainedRecipient",
    "DelayedRecipient",
    "Delivery",
    "DeliveryDelay",
    "EventType",
    "Header",
    "Mail",
    "Open",
    "Reject",
    "RenderingFailure",
    "Send",
    "SesEvent",
    "Subscription",
    "TopicPreference",
    "parse_event",
]


class EventType(enum.StrEnum):
    """The ``eventType`` / ``notificationType`` names SES writes."""

    SEND = "Send"
    DELIVERY = "Delivery"
    BOUNCE = "Bounce"
    COMPLAINT = "Complaint"
    REJECT = "Reject"
    OPEN = "Open"
    CLICK = "Click"
    RENDERING_FAILURE = "Rendering Failure"
    DELIVERY_DELAY = "DeliveryDelay"
    SUBSCRIPTION = "Subscription"


class _Base(msgspec.Struct, kw_only=True, omit_defaults=True, rename="camel"):
    pass


class Header(_Base):
    name: str
    value: str


class CommonHeaders(_Base):
    from_: list[str] | None = msgspec.field(default=None, name="from")
    reply_to: list[str] | None = None
    to: list[str] | None = None
    cc: list[str] | None = None
    bcc: list[str] | None = None
    date: str | None = None
    message_id: str | None = None
    subject: str | None = None
    return_path: str | None = None


class Mail(_Base):
    """The message an event is about."""

    timestamp: datetime | None = None
    message_id: str = ""
    source: str = ""
    source_arn: str | None = None
    source_ip: str | None = None
    caller_identity: str | None = None
    sending_account_id: str | None = None
    destination: list[str] = msgspec.field(default_factory=list)
    headers_truncated: bool | None = None
    headers: list[Header] | None = None
    common_headers: CommonHeaders | None = None
    tags: dict[str, list[str]] = msgspec.field(default_factory=dict)


class BouncedRecipient(_Base):
    email_address: str
    action: str | None = None
    status: str | None = None
    diagnostic_code: str | None = None


class Bounce(_Base):
    bounce_type: str | None = None  # Permanent, Transient, Undetermined
    bounce_sub_type: str | None = None
    bounced_recipients: list[BouncedRecipient] = msgspec.field(default_factory=list)
    timestamp: datetime | None = None
    feedback_id: str | None = None
    reporting_mta: str | None = msgspec.field(default=None, name="reportingMTA")
    remote_mta_ip: str | None = msgspec.field(default=None, name="remoteMtaIp")


class ComplainedRecipient(_Base):
    email_address: str


class Complaint(_Base):
    complained_recipients: list[ComplainedRecipient] = msgspec.field(default_factory=list)
    timestamp: datetime | None = None
    feedback_id: str | None = None
    # None both when SES writes null (a complaint from an ISP) and when absent.
    complaint_sub_type: str | None = None
    user_agent: str | None = None
    complaint_feedback_type: str | None = None
    arrival_date: datetime | None = None


class Delivery(_Base):
    timestamp: datetime | None = None
    processing_time_millis: int | None = None
    recipients: list[str] = msgspec.field(default_factory=list)
    smtp_response: str | None = None
    reporting_mta: str | None = msgspec.field(default=None, name="reportingMTA")
    remote_mta_ip: str | None = msgspec.field(default=None, name="remoteMtaIp")


class Send(_Base):
    pass


class Reject(_Base):
    reason: str | None = None


class Open(_Base):
    timestamp: datetime | None = None
    user_agent: str | None = None
    ip_address: str | None = None


class Click(_Base):
    timestamp: datetime | None = None
    user_agent: str | None = None
    ip_address: str | None = None
    link: str | None = None
    link_tags: dict[str, list[str]] | None = None


class RenderingFailure(_Base):
    template_name: str | None = None
    error_message: str | None = None


class DelayedRecipient(_Base):
    email_address: str
    status: str | None = None
    diagnostic_code: str | None = None


class DeliveryDelay(_Base):
    timestamp: datetime | None = None
    delay_type: str | None = None
    expiration_time: datetime | None = None
    delayed_recipients: list[DelayedRecipient] = msgspec.field(default_factory=list)
    reporting_mta: str | None = msgspec.field(default=None, name="reportingMTA")


class TopicPreference(_Base):
    topic_name: str
    subscription_status: str


class _Preferences(_Base):
    unsubscribe_all: bool | None = None
    topic_subscription_status: list[TopicPreference] | None = None
    topic_default_subscription_status: list[TopicPreference] | None = None


class Subscription(_Base):
    contact_list: str | None = None
    timestamp: datetime | None = None
    source: str | None = None
    new_topic_preferences: _Preferences | None = None
    old_topic_preferences: _Preferences | None = None


class SesEvent(_Base):
    """One SES event record or identity notification.

    Exactly one of :attr:`event_type` and :attr:`notification_type` is set by
    SES; :attr:`type` is whichever it is. The object named after the type
    (``bounce``, ``complaint``, ...) is set; the others are None.
    """

    event_type: str | None = None
    notification_type: str | None = None
    mail: Mail = msgspec.field(default_factory=Mail)
    send: Send | None = None
    delivery: Delivery | None = None
    bounce: Bounce | None = None
    complaint: Complaint | None = None
    reject: Reject | None = None
    open: Open | None = None
    click: Click | None = None
    failure: RenderingFailure | None = None
    delivery_delay: DeliveryDelay | None = None
    subscription: Subscription | None = None

    @property
    def type(self) -> str:
        """``eventType`` or ``notificationType``; compare with :class:`EventType`."""
        return self.event_type or self.notification_type or ""

    @property
    def is_notification(self) -> bool:
        """True for an identity notification (``notificationType``)."""
        return self.event_type is None and self.notification_type is not None

    @property
    def message_id(self) -> str:
        """The SES message id of the mail this event is about."""
        return self.mail.message_id

    @property
    def tags(self) -> dict[str, list[str]]:
        """The message's tags (``ses:*`` automatic tags included)."""
        return self.mail.tags

    @property
    def is_permanent_bounce(self) -> bool:
        return self.bounce is not None and self.bounce.bounce_type == "Permanent"

    @property
    def is_transient_bounce(self) -> bool:
        return self.bounce is not None and self.bounce.bounce_type == "Transient"

    @property
    def bounce_type(self) -> str | None:
        return self.bounce.bounce_type if self.bounce is not None else None

    @property
    def bounce_sub_type(self) -> str | None:
        return self.bounce.bounce_sub_type if self.bounce is not None else None

    @property
    def complaint_sub_type(self) -> str | None:
        return self.complaint.complaint_sub_type if self.complaint is not None else None

    @property
    def complaint_feedback_type(self) -> str | None:
        return self.complaint.complaint_feedback_type if self.complaint is not None else None

    @property
    def recipients(self) -> list[str]:
        """The addresses this event affects.

        Bounced, complained-about, delivered or delayed recipients for those
        types; every destination of the mail for the others.
        """
        if self.bounce is not None:
            return [r.email_address for r in self.bounce.bounced_recipients]
        if self.complaint is not None:
            return [r.email_address for r in self.complaint.complained_recipients]
        if self.delivery is not None and self.delivery.recipients:
            return list(self.delivery.recipients)
        if self.delivery_delay is not None:
            return [r.email_address for r in self.delivery_delay.delayed_recipients]
        return list(self.mail.destination)


_decoder = msgspec.json.Decoder(SesEvent)


def parse_event(data: bytes | str | dict[str, Any]) -> SesEvent:
    """Decode an SES event record or notification from JSON text or a dict.

    Raises :class:`msgspec.ValidationError` (a ``ValueError``) naming the
    offending field when a known field has the wrong type, and ``ValueError``
    when the document has neither ``eventType`` nor ``notificationType``.
    """
    event = msgspec.convert(data, SesEvent) if isinstance(data, dict) else _decoder.decode(data)
    if not event.type:
        raise ValueError("not an SES event: neither eventType nor notificationType is set")
    return event
