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

Nothing leaves the process: :func:`publish` stores each record (kind
``event``) once with ``Destination`` null, so tests can read every event, and
once more per enabled event destination of the message's configuration set
whose ``MatchingEventTypes`` include the type, naming that destination. An
event destination whose ``Enabled`` is absent is disabled, as in SES.
"""

from __future__ import annotations

import email.parser
import email.policy
import email.utils
import time
import uuid
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from aws_ses.local.state import ServerState

__all__ = [
    "EVENT_KIND",
    "EVENT_TYPES",
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


def _headers(raw: str) -> list[tuple[str, str]]:
    if not raw:
        return []
    parsed = email.parser.Parser(policy=email.policy.default).parsestr(raw, headersonly=True)
    return [(name, str(value)) for name, value in parsed.items()]


def _mail(state: ServerState, message: dict[str, Any], event_type: str) -> dict[str, Any]:
    mail: dict[str, Any] = {
        "timestamp": message["Timestamp"],
        "source": message["Source"],
        "sourceArn": message.get("SourceArn"),
        "sendingAccountId": state.options.account_id,
        "messageId": message["Id"],
        "destination": [
            *message["Destination"].get("ToAddresses", []),
            *message["Destination"].get("CcAddresses", []),
            *message["Destination"].get("BccAddresses", []),
        ],
        "headersTruncated": False,
    }
    if mail["sourceArn"] is None:
        del mail["sourceArn"]
    if event_type not in _NO_HEADERS:
        headers = _headers(message.get("RawData") or "")
        mail["headers"] = [{"name": name, "value": value} for name, value in headers]
        mail["commonHeaders"] = _common_headers(headers, message["Id"])
    mail["tags"] = _tags(message, event_type)
    return mail


def _common_headers(headers: Sequence[tuple[str, str]], message_id: str) -> dict[str, Any]:
    found: dict[str, list[str]] = {}
    for name, value in headers:
        found.setdefault(name.lower(), []).append(value)
    common: dict[str, Any] = {}
    for header, key in (("from", "from"), ("reply-to", "replyTo"), ("to", "to"), ("cc", "cc")):
        if header in found:
            common[key] = _addresses(found[header])
    if "date" in found:
        common["date"] = found["date"][0]
    common["messageId"] = message_id
    if "subject" in found:
        common["subject"] = found["subject"][0]
    return common


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


def _body(
    event_type: str, recipients: Sequence[str], now: float, details: dict[str, Any]
) -> dict[str, Any]:
    stamp = iso_timestamp(now)
    if event_type == "SEND":
        return {}
    if event_type == "DELIVERY":
        return {
            "timestamp": stamp,
            "processingTimeMillis": details.get("processingTimeMillis", 0),
            "recipients": list(recipients),
            "smtpResponse": details.get("smtpResponse", "250 2.6.0 Message received"),
            "reportingMTA": details.get("reportingMTA", REPORTING_MTA),
        }
    if event_type == "BOUNCE":
        per_recipient = {
            key: details[key] for key in ("action", "status", "diagnosticCode") if key in details
        }
        bounce: dict[str, Any] = {
            "bounceType": details.get("bounceType", "Permanent"),
            "bounceSubType": details.get("bounceSubType", "General"),
            "bouncedRecipients": [{"emailAddress": r, **per_recipient} for r in recipients],
            "timestamp": stamp,
            "feedbackId": feedback_id(now),
        }
        if "reportingMTA" in details:
            bounce["reportingMTA"] = details["reportingMTA"]
        return bounce
    if event_type == "COMPLAINT":
        complaint: dict[str, Any] = {
            "complainedRecipients": [{"emailAddress": r} for r in recipients],
            "timestamp": stamp,
            "feedbackId": feedback_id(now),
            "complaintSubType": details.get("complaintSubType"),
        }
        for key in ("userAgent", "complaintFeedbackType"):
            if key in details:
                complaint[key] = details[key]
        if "complaintFeedbackType" in details:
            complaint["arrivalDate"] = stamp
        return complaint
    if event_type == "REJECT":
        return {"reason": details.get("reason", "Bad content")}
    if event_type == "RENDERING_FAILURE":
        return {"errorMessage": details["errorMessage"], "templateName": details["templateName"]}
    if event_type == "DELIVERY_DELAY":
        return {
            "timestamp": stamp,
            "delayType": details.get("delayType", "TransientCommunicationFailure"),
            # SES keeps retrying a delayed message for up to 14 hours by default.
            "expirationTime": iso_timestamp(now + 14 * 3600),
            "delayedRecipients": [
                {
                    "emailAddress": r,
                    "status": details.get("status", "4.4.1"),
                    "diagnosticCode": details.get(
                        "diagnosticCode", "smtp; 421 4.4.1 Unable to connect to remote host"
                    ),
                }
                for r in recipients
            ],
            "reportingMTA": details.get("reportingMTA", _LOCAL_IP),
        }
    return dict(details)


def _destinations(state: ServerState, configuration_set: str | None, event_type: str) -> list[str]:
    if not configuration_set:
        return []
    config = state.store.get("configuration_set", configuration_set) or {}
    names = []
    for destination in config.get("EventDestinations") or []:
        if destination.get("Enabled") is True and event_type in (
            destination.get("MatchingEventTypes") or []
        ):
            names.append(str(destination.get("Name")))
    return names


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
    name, field = EVENT_TYPES[kind]
    now = state.clock()
    record: dict[str, Any] = {"eventType": name, "mail": _mail(state, message_doc, kind)}
    record[field] = _body(kind, recipients, now, details)
    configuration_set = message_doc.get("ConfigurationSetName")
    routed = _destinations(state, configuration_set, kind)
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
        for destination in routed:
            copy = {**doc, "Destination": destination, "Destinations": [destination]}
            state.store.put(EVENT_KIND, f"{prefix}/{destination}", copy)
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
