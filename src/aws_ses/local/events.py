"""Email sending events, in the JSON format SES publishes to event destinations.

Every record has ``eventType``, a ``mail`` object describing the message and
one object named after the event (SES Developer Guide, "Contents of event
data that Amazon SES publishes to Amazon SNS", and the sample records on
"Examples of event data ..."):

=====================  =====================  ===============
MatchingEventTypes     ``eventType``          object
=====================  =====================  ===============
SEND                   Send                   ``send`` ({})
DELIVERY               Delivery               ``delivery``
BOUNCE                 Bounce                 ``bounce``
COMPLAINT              Complaint              ``complaint``
REJECT                 Reject                 ``reject``
RENDERING_FAILURE      Rendering Failure      ``failure``
DELIVERY_DELAY         DeliveryDelay          ``deliveryDelay``
=====================  =====================  ===============

Records are built from the structs of :mod:`aws_ses.events.models`, the
same ones receivers decode them with. :func:`publish` stores each record
(kind ``event``) once with ``Destination`` null, so tests can read every
event, and once more per enabled event destination of the message's
configuration set whose ``MatchingEventTypes`` include the type, naming that
destination. An event destination whose ``Enabled`` is absent is disabled, as
in SES. A destination with an ``SnsDestination`` also hands the record to
:mod:`aws_ses.local.sns`, which delivers it in an SNS envelope to the HTTP
endpoints subscribed to the topic.
"""

from __future__ import annotations

import email.parser
import email.policy
import email.utils
import functools
import time
import uuid
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

import msgspec

from aws_ses.events import models as m
from aws_ses.local import sns
from aws_ses.local.state import ServerState

__all__ = [
    "EVENT_KIND",
    "EVENT_TYPES",
    "build_record",
    "feedback_id",
    "iso_timestamp",
    "list_events",
    "normalize_type",
    "publish",
]

EVENT_KIND = "event"

#: MatchingEventTypes value -> (``eventType`` in the record, name of its object).
EVENT_TYPES: dict[str, tuple[str, str]] = {
    "SEND": ("Send", "send"),
    "DELIVERY": ("Delivery", "delivery"),
    "BOUNCE": ("Bounce", "bounce"),
    "COMPLAINT": ("Complaint", "complaint"),
    "REJECT": ("Reject", "reject"),
    "RENDERING_FAILURE": ("Rendering Failure", "failure"),
    "DELIVERY_DELAY": ("DeliveryDelay", "deliveryDelay"),
    "OPEN": ("Open", "open"),
    "CLICK": ("Click", "click"),
    "SUBSCRIPTION": ("Subscription", "subscription"),
}

_BY_RECORD_NAME = {name.replace(" ", "").lower(): key for key, (name, _) in EVENT_TYPES.items()} | {
    key.replace("_", "").lower(): key for key in EVENT_TYPES
}

# The host names a delivery or bounce names as its reporting MTA; SES uses its
# own outbound hosts here (e.g. "a8-77.smtp-out.amazonses.com").
REPORTING_MTA = "a0-0.smtp-out.amazonses.local"
_LOCAL_IP = "127.0.0.1"
# Events that happen after SES hands the message on also carry the outgoing IP.
_OUTBOUND = {"DELIVERY", "BOUNCE", "COMPLAINT", "DELIVERY_DELAY", "OPEN", "CLICK"}
# SES's Rendering Failure and DeliveryDelay samples have a mail object without headers.
_NO_HEADERS = {"RENDERING_FAILURE", "DELIVERY_DELAY"}


def normalize_type(value: str) -> str | None:
    """``RENDERING_FAILURE`` for ``Rendering Failure``, ``rendering_failure`` etc., else None."""
    return _BY_RECORD_NAME.get(value.replace(" ", "").replace("_", "").lower())


def iso_timestamp(seconds: float) -> str:
    """ISO 8601 with milliseconds and ``Z``, the form SES uses in events."""
    moment = datetime.fromtimestamp(seconds, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def feedback_id(seconds: float) -> str:
    """An id shaped like SES's message and feedback ids."""
    return f"01{int(seconds * 1000):014x}-{uuid.uuid4()}-000000"


def _addresses(values: Iterable[str]) -> list[str]:
    return [
        email.utils.formataddr((name, addr)) if name else addr
        for name, addr in email.utils.getaddresses(list(values))
        if addr
    ]


@functools.lru_cache(maxsize=64)
def _parsed_headers(raw: str) -> tuple[tuple[str, str], ...]:
    parsed = email.parser.Parser(policy=email.policy.default).parsestr(raw, headersonly=True)
    return tuple((name, str(value)) for name, value in parsed.items())


def _headers(raw: str) -> list[tuple[str, str]]:
    # Every event of a message (send, delivery, ...) reads the same header
    # block, and parsing it is most of an event's cost: parse it once.
    return list(_parsed_headers(raw)) if raw else []


def _moment(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def _mail(state: ServerState, message: dict[str, Any], event_type: str) -> m.Mail:
    destination = message["Destination"]
    mail = m.Mail(
        timestamp=datetime.fromisoformat(message["Timestamp"].replace("Z", "+00:00")),
        source=message["Source"],
        source_arn=message.get("SourceArn"),
        sending_account_id=state.options.account_id,
        message_id=message["Id"],
        destination=[
            *destination.get("ToAddresses", []),
            *destination.get("CcAddresses", []),
            *destination.get("BccAddresses", []),
        ],
        headers_truncated=False,
        tags=_tags(message, event_type),
    )
    if event_type not in _NO_HEADERS:
        headers = _headers(message.get("RawData") or "")
        mail.headers = [m.Header(name=name, value=value) for name, value in headers]
        mail.common_headers = _common_headers(headers, message["Id"])
    return mail


def _common_headers(headers: Sequence[tuple[str, str]], message_id: str) -> m.CommonHeaders:
    found: dict[str, list[str]] = {}
    for name, value in headers:
        found.setdefault(name.lower(), []).append(value)

    def addresses(header: str) -> list[str] | None:
        return _addresses(found[header]) if header in found else None

    def first(header: str) -> str | None:
        return found[header][0] if header in found else None

    return m.CommonHeaders(
        from_=addresses("from"),
        reply_to=addresses("reply-to"),
        to=addresses("to"),
        cc=addresses("cc"),
        date=first("date"),
        message_id=message_id,
        subject=first("subject"),
    )


def _tags(message: dict[str, Any], event_type: str) -> dict[str, list[str]]:
    tags: dict[str, list[str]] = {"ses:operation": [message.get("Operation", "SendEmail")]}
    if message.get("ConfigurationSetName"):
        tags["ses:configuration-set"] = [message["ConfigurationSetName"]]
    tags["ses:source-ip"] = [_LOCAL_IP]
    sender = email.utils.parseaddr(message["Source"])[1]
    if "@" in sender:
        tags["ses:from-domain"] = [sender.rpartition("@")[2].lower()]
    if event_type in _OUTBOUND:
        tags["ses:outgoing-ip"] = [_LOCAL_IP]
    for tag in message.get("Tags") or []:
        tags.setdefault(tag["Name"], []).append(tag["Value"])
    return tags


# Types without a builder below take their object from ``details`` as given.
_GENERIC: dict[str, type[msgspec.Struct]] = {
    "OPEN": m.Open,
    "CLICK": m.Click,
    "SUBSCRIPTION": m.Subscription,
}


def _body(
    event: m.SesEvent,
    event_type: str,
    recipients: Sequence[str],
    now: float,
    details: dict[str, Any],
) -> None:
    """Set the object of ``event_type`` on ``event``."""
    stamp = _moment(now)
    if event_type == "SEND":
        event.send = m.Send()
    elif event_type == "DELIVERY":
        event.delivery = m.Delivery(
            timestamp=stamp,
            processing_time_millis=details.get("processingTimeMillis", 0),
            recipients=list(recipients),
            smtp_response=details.get("smtpResponse", "250 2.6.0 Message received"),
            reporting_mta=details.get("reportingMTA", REPORTING_MTA),
        )
    elif event_type == "BOUNCE":
        event.bounce = m.Bounce(
            bounce_type=details.get("bounceType", "Permanent"),
            bounce_sub_type=details.get("bounceSubType", "General"),
            bounced_recipients=[
                m.BouncedRecipient(
                    email_address=r,
                    action=details.get("action"),
                    status=details.get("status"),
                    diagnostic_code=details.get("diagnosticCode"),
                )
                for r in recipients
            ],
            timestamp=stamp,
            feedback_id=feedback_id(now),
            reporting_mta=details.get("reportingMTA"),
        )
    elif event_type == "COMPLAINT":
        feedback_type = details.get("complaintFeedbackType")
        event.complaint = m.Complaint(
            complained_recipients=[m.ComplainedRecipient(email_address=r) for r in recipients],
            timestamp=stamp,
            feedback_id=feedback_id(now),
            complaint_sub_type=details.get("complaintSubType"),
            user_agent=details.get("userAgent"),
            complaint_feedback_type=feedback_type,
            arrival_date=stamp if feedback_type is not None else None,
        )
    elif event_type == "REJECT":
        event.reject = m.Reject(reason=details.get("reason", "Bad content"))
    elif event_type == "RENDERING_FAILURE":
        event.failure = m.RenderingFailure(
            error_message=details["errorMessage"], template_name=details["templateName"]
        )
    elif event_type == "DELIVERY_DELAY":
        event.delivery_delay = m.DeliveryDelay(
            timestamp=stamp,
            delay_type=details.get("delayType", "TransientCommunicationFailure"),
            # SES keeps retrying a delayed message for up to 14 hours by default.
            expiration_time=_moment(now + 14 * 3600),
            delayed_recipients=[
                m.DelayedRecipient(
                    email_address=r,
                    status=details.get("status", "4.4.1"),
                    diagnostic_code=details.get(
                        "diagnosticCode", "smtp; 421 4.4.1 Unable to connect to remote host"
                    ),
                )
                for r in recipients
            ],
            reporting_mta=details.get("reportingMTA", _LOCAL_IP),
        )
    else:
        field = EVENT_TYPES[event_type][1]
        setattr(event, field, msgspec.convert(details, _GENERIC[event_type]))


def _plain_str(value: Any) -> str:
    # Values taken from parsed headers are str subclasses (email.headerregistry).
    if isinstance(value, str):
        return str.__str__(value)
    raise TypeError(f"cannot encode {type(value).__name__} in an event record")


def _wire(value: Any) -> Any:
    """A struct's builtins with every timestamp in SES's millisecond ``Z`` form."""
    if isinstance(value, datetime):
        return iso_timestamp(value.timestamp())
    if isinstance(value, dict):
        return {k: _wire(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_wire(v) for v in value]
    return value


def build_record(
    state: ServerState,
    message_doc: dict[str, Any],
    event_type: str,
    recipients: Sequence[str],
    now: float,
    details: dict[str, Any],
) -> dict[str, Any]:
    """The SES event record (as JSON-ready builtins) for a ``MatchingEventTypes`` value."""
    event = m.SesEvent(
        event_type=EVENT_TYPES[event_type][0], mail=_mail(state, message_doc, event_type)
    )
    _body(event, event_type, recipients, now, details)
    record: dict[str, Any] = _wire(
        msgspec.to_builtins(event, builtin_types=(datetime,), enc_hook=_plain_str)
    )
    if event.complaint is not None and event.complaint.complaint_sub_type is None:
        # SES writes this one as null rather than leaving it out.
        record["complaint"]["complaintSubType"] = None
    return record


def _destinations(
    state: ServerState, configuration_set: str | None, event_type: str
) -> list[dict[str, Any]]:
    if not configuration_set:
        return []
    config = state.store.get("configuration_set", configuration_set) or {}
    return [
        destination
        for destination in config.get("EventDestinations") or []
        if destination.get("Enabled") is True
        and event_type in (destination.get("MatchingEventTypes") or [])
    ]


def publish(
    state: ServerState,
    message_doc: dict[str, Any],
    event_type: str,
    recipients: Sequence[str],
    **details: Any,
) -> dict[str, Any]:
    """Build the SES event record of ``event_type`` for ``message_doc`` and store it.

    ``event_type`` is a ``MatchingEventTypes`` value (``BOUNCE``) or the record's
    ``eventType`` (``Bounce``). ``details`` fill the event object: for a bounce
    ``bounceType``, ``bounceSubType``, ``action``, ``status``,
    ``diagnosticCode``, ``reportingMTA``; for a complaint ``complaintSubType``,
    ``userAgent``, ``complaintFeedbackType``; for a rendering failure
    ``templateName`` and ``errorMessage``; for a delay ``delayType``,
    ``status``, ``diagnosticCode``. Returns the stored (null-destination) document.
    """
    kind = normalize_type(event_type)
    if kind is None:
        raise ValueError(f"unknown event type {event_type!r}")
    now = state.clock()
    record = build_record(state, message_doc, kind, recipients, now, details)
    configuration_set = message_doc.get("ConfigurationSetName")
    destinations = _destinations(state, configuration_set, kind)
    routed = [str(destination.get("Name")) for destination in destinations]
    event_id = str(uuid.uuid4())
    doc: dict[str, Any] = {
        "Id": event_id,
        "Type": kind,
        "MessageId": message_doc["Id"],
        "ConfigurationSetName": configuration_set,
        "Recipients": list(recipients),
        "Timestamp": iso_timestamp(now),
        "Destination": None,
        "Destinations": routed,
        "Event": record,
    }
    # A monotonic prefix keeps keys unique; listings follow insertion order anyway.
    prefix = f"{time.monotonic_ns():020d}-{event_id}"
    with state.store.transaction():
        state.store.put(EVENT_KIND, prefix, doc)
        for name in routed:
            copy = {**doc, "Destination": name, "Destinations": [name]}
            state.store.put(EVENT_KIND, f"{prefix}/{name}", copy)
    for target in destinations:
        topic_arn = (target.get("SnsDestination") or {}).get("TopicArn")
        if topic_arn:
            sns.publish(state, str(topic_arn), record)
    return doc


def list_events(
    state: ServerState,
    *,
    event_type: str | None = None,
    message_id: str | None = None,
    destination: str | None = None,
) -> list[dict[str, Any]]:
    """Stored events, oldest first.

    Without ``destination`` every event appears once (its ``Destinations``
    names where it was routed); with one, only the copies routed there.
    """
    wanted = normalize_type(event_type) if event_type else None
    if event_type and wanted is None:
        return []
    found = []
    for _, doc in state.store.list(EVENT_KIND):
        if doc.get("Destination") != destination:
            continue
        if wanted is not None and doc.get("Type") != wanted:
            continue
        if message_id is not None and doc.get("MessageId") != message_id:
            continue
        found.append(doc)
    return found
