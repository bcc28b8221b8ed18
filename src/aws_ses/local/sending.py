"""``SendEmail``, ``SendBulkEmail`` and ``SendCustomVerificationEmail``.

What SES does and where that comes from (SES Developer Guide pages unless
another source is named):

- **Sender.** ``FromEmailAddress``, or the ``From`` header of ``Raw`` content,
  must be a verified identity: the address itself or its domain (a verified
  domain also covers its subdomains). Otherwise ``MessageRejected`` "Email
  address is not verified. The following identities failed the check in
  region US-EAST-1: ..." listing every address that failed. A ``Raw`` message
  without either gets ``BadRequestException`` "Missing required header
  'From'." (recorded against AWS by the floci emulator).
- **Sandbox** (an account without production access): every recipient must be
  verified too, except mailbox simulator addresses; failures are listed in
  the same message ("Moving out of the Amazon SES sandbox"; "Using the mailbox
  simulator").
- **Recipients**: at most 50 across To, Cc and Bcc (API reference). SES v1
  answers ``InvalidParameterValue`` "Recipient count exceeds 50." (widely
  reported); SES v2 has no such code and reports parameter errors as
  ``BadRequestException``, which is what this server returns.
- **Content** is exactly one of ``Simple``, ``Raw`` and ``Template``
  (``BadRequestException`` otherwise). ``Raw`` content may name the
  configuration set and tags in ``X-SES-CONFIGURATION-SET`` and
  ``X-SES-MESSAGE-TAGS`` headers; the request's own values win.
- **Missing resources** are ``NotFoundException``: "Configuration set <name>
  does not exist." (SES's wording, recorded by LocalStack's snapshot tests)
  and "Template name does not exist.".
- **Paused sending** (account ``SendingEnabled`` false, or the configuration
  set's ``SendingOptions.SendingEnabled`` false) is ``SendingPausedException``.
- **Quota** is enforced per recipient by :mod:`aws_ses.local.quota`.
- **Templates** render with :func:`aws_ses.templating.render_email_template`.
  When data lacks an attribute SES still accepts the send, returns a message
  id, does not deliver and publishes a ``Rendering Failure`` event ("Examples
  of event data ..."). The message is stored with ``Status``
  ``RENDERING_FAILURE``.
- **Account suppression list**: SES accepts the message but does not send to
  a listed address, and counts it toward the daily quota ("Using the Amazon
  SES account-level suppression list"); the event is a Bounce of type
  ``Permanent`` / ``OnAccountSuppressionList`` ("Contents of event data").
- **Mailbox simulator** (``success``, ``bounce``, ``ooto``, ``complaint``,
  ``suppressionlist`` at ``simulator.amazonses.com``, ``+label`` allowed):
  success delivers; bounce is a ``Permanent``/``General`` bounce with SMTP
  ``550 5.1.1``; ooto is delivered (the out-of-office reply goes to the
  sender, not to an event); complaint is delivered and then complained about;
  suppressionlist is a hard bounce as if the address were on SES's global
  suppression list, i.e. ``Permanent``/``Suppressed``. Simulator sends count
  toward the rate, not the daily quota.
- **Reject**: SES scans every message for viruses and rejects one carrying
  the EICAR test string after accepting it, with a Reject event whose reason
  is ``Bad content`` (mailbox simulator page, "Testing reject events").
- **DeliveryDelay** has no simulator address. ``POST /_aws/ses/delivery-delays``
  (see :mod:`aws_ses.local.inbox`) lists addresses whose mail is delayed: such
  a recipient gets Send + DeliveryDelay instead of a delivery.
- **Bulk**: ``DefaultContent.Template`` plus up to 50 ``BulkEmailEntries``.
  Problems with the whole request (template, configuration set, sender,
  paused sending) fail the call; an entry's own problem becomes its
  ``Status`` (``MESSAGE_REJECTED``, ``INVALID_PARAMETER``,
  ``ACCOUNT_THROTTLED``, ``ACCOUNT_DAILY_QUOTA_EXCEEDED``) with the SES message
  in ``Error``. ``ReplacementTemplateData`` is merged over the default
  ``TemplateData`` key by key, ``ReplacementTags`` over ``DefaultEmailTags``
  and ``ReplacementHeaders`` over the template's headers, by name. Tests can
  queue statuses for the next entries with ``POST /_aws/ses/bulk-faults``.
"""

from __future__ import annotations

import base64
import binascii
import email
import email.policy
import email.utils
import json
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage, Message
from typing import Any, Literal, cast

from aws_ses import _rules
from aws_ses._rules import MAX_MESSAGE_BYTES
from aws_ses.errors import SesValidationError
from aws_ses.local import events, mime_index, quota
from aws_ses.local.state import ApiError, HandlerTable, ServerState
from aws_ses.mime import Attachment, compose_message
from aws_ses.templating import TemplateRenderError, render_email_template

__all__ = [
    "BULK_FAULT_KIND",
    "DELIVERY_DELAY_KIND",
    "MAX_RECIPIENTS",
    "MESSAGE_KIND",
    "SIMULATOR_DOMAIN",
    "message_parts",
    "send_bulk_email",
    "send_custom_verification_email",
    "send_email",
    "simulator_mailbox",
    "handlers",
    "header_block",
    "message_body",
    "raw_message",
]

# The three sends; the app serves them.
handlers = HandlerTable()

MESSAGE_KIND = "message"
BULK_FAULT_KIND = "bulk_fault"
DELIVERY_DELAY_KIND = "delivery_delay"
SIMULATOR_DOMAIN = "simulator.amazonses.com"
MAX_RECIPIENTS = _rules.MAX_RECIPIENTS
MAX_BULK_ENTRIES = _rules.MAX_BULK_ENTRIES
# Above this a message is read with mime_index (offsets, one copy at a time)
# rather than the email package, and its bodies are not kept in the document.
LARGE_MESSAGE_BYTES = 1024 * 1024
_SIMULATOR_BOXES = frozenset({"success", "bounce", "ooto", "complaint", "suppressionlist"})
# The industry-standard antivirus test string; SES rejects mail that carries it.
_EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
_DISPOSITIONS = {"ATTACHMENT": "attachment", "INLINE": "inline"}
_ENCODINGS = {"BASE64": "base64", "QUOTED_PRINTABLE": "quoted-printable", "SEVEN_BIT": "7bit"}


# ------------------------------------------------------------------ helpers


def _bad(message: str) -> ApiError:
    return ApiError("BadRequestException", message, 400)


def _not_found(message: str) -> ApiError:
    return ApiError("NotFoundException", message, 404)


def simulator_mailbox(address: str) -> str | None:
    """``bounce`` for ``bounce+x@simulator.amazonses.com``; None for other addresses."""
    local, _, domain = email.utils.parseaddr(address)[1].rpartition("@")
    if domain.lower() != SIMULATOR_DOMAIN:
        return None
    box = local.split("+", 1)[0].lower()
    return box if box in _SIMULATOR_BOXES else None


def _bare(address: str) -> str:
    """The addr-spec of ``Name <a@b>``; BadRequestException if it has no domain."""
    addr = email.utils.parseaddr(address)[1]
    local, at, domain = addr.rpartition("@")
    if not (at and local and domain):
        # The wording SES returns for an address it cannot parse.
        raise _bad("Missing final '@domain'")
    return addr


def _message_id(now: float) -> str:
    # SES ids: "01" + 14 hex digits of epoch milliseconds, a UUID, "-000000".
    return f"01{int(now * 1000):014x}-{uuid.uuid4()}-000000"


def _message_id_host(region: str) -> str:
    return "email.amazonses.com" if region == "us-east-1" else f"{region}.amazonses.com"


def _identity_verified(state: ServerState, address: str) -> str | None:
    """The verified identity (address or a parent domain) covering ``address``."""
    local, _, domain = address.rpartition("@")
    # Identity keys keep the local part's case and lower-case the domain.
    for key in dict.fromkeys((f"{local}@{domain.lower()}", address, address.lower())):
        doc = state.store.get("identity", key)
        if doc is not None and doc.get("VerifiedForSendingStatus") is True:
            return key
    domain = domain.lower()
    while domain:
        doc = state.store.get("identity", domain)
        if doc is not None and doc.get("VerifiedForSendingStatus") is True:
            return domain
        domain = domain.partition(".")[2]
    return None


def _in_sandbox(state: ServerState) -> bool:
    account = state.store.get("account", "account") or {}
    if "ProductionAccessEnabled" in account:
        return account["ProductionAccessEnabled"] is not True
    return state.options.sandbox


def _check_identities(state: ServerState, sender: str, recipients: Sequence[str]) -> str:
    """The sender's verified identity; MessageRejected naming every address that failed."""
    failed: list[str] = []
    identity = _identity_verified(state, sender)
    if identity is None:
        failed.append(sender)
    if _in_sandbox(state):
        for recipient in recipients:
            addr = _bare(recipient)
            unverified = simulator_mailbox(addr) is None and not _identity_verified(state, addr)
            if unverified and addr not in failed:
                failed.append(addr)
    if failed:
        raise ApiError(
            "MessageRejected",
            "Email address is not verified. The following identities failed the check in "
            f"region {state.options.region.upper()}: {', '.join(failed)}",
            400,
        )
    assert identity is not None
    return identity


def _configuration_set(state: ServerState, name: str | None) -> dict[str, Any] | None:
    if not name:
        return None
    doc = state.store.get("configuration_set", name)
    if doc is None:
        raise _not_found(f"Configuration set <{name}> does not exist.")
    return doc


def _check_account_enabled(state: ServerState) -> None:
    account = state.store.get("account", "account") or {}
    if account.get("SendingEnabled", True) is False:
        raise ApiError("SendingPausedException", "Email sending is paused for this account.", 400)


def _effective_configuration_set(
    state: ServerState, name: str | None, config: dict[str, Any] | None, identity: str
) -> tuple[str | None, dict[str, Any] | None]:
    """The configuration set a send uses, checked for paused sending.

    Without one in the request, SES uses the sending identity's default
    (``PutEmailIdentityConfigurationSetAttributes``); a default that no longer
    exists fails the send (observed against AWS by the floci emulator).
    """
    if not name:
        default = (state.store.get("identity", identity) or {}).get("ConfigurationSetName")
        if default:
            name = str(default)
            config = state.store.get("configuration_set", name)
            if config is None:
                raise _bad(f"Configuration set <{name}> does not exist.")
    options = (config or {}).get("SendingOptions") or {}
    if options.get("SendingEnabled", True) is False:
        raise ApiError(
            "SendingPausedException",
            f"Email sending is paused for configuration set <{name}>.",
            400,
        )
    return name, config


def _recipients(destination: dict[str, Any] | None) -> tuple[list[str], list[str], list[str]]:
    destination = destination or {}
    return (
        list(destination.get("ToAddresses") or []),
        list(destination.get("CcAddresses") or []),
        list(destination.get("BccAddresses") or []),
    )


def _check_recipient_count(recipients: Sequence[str]) -> None:
    # The request checker (app.validate_request) has applied the shared rule to
    # Destination already; this also counts a raw message's header recipients
    # and each bulk entry, whose failure is that entry's status.
    if not recipients:
        raise _bad("At least one destination address is required.")
    if len(recipients) > MAX_RECIPIENTS:
        raise _bad(f"Recipient count exceeds {MAX_RECIPIENTS}.")
    for recipient in recipients:
        _bare(recipient)


def _daily_count(recipients: Iterable[str]) -> int:
    return sum(1 for r in recipients if simulator_mailbox(r) is None)


def _decode_blob(value: Any, what: str) -> bytes:
    try:
        return base64.b64decode(str(value), validate=True)
    except (binascii.Error, ValueError):
        raise _bad(f"{what} is not valid base64.") from None


def _headers(items: Iterable[dict[str, Any]] | None) -> list[tuple[str, str]]:
    return [(str(h["Name"]), str(h["Value"])) for h in items or []]


def _merge_by_name(
    base: Sequence[tuple[str, str]], override: Sequence[tuple[str, str]]
) -> list[tuple[str, str]]:
    replaced = {name.lower() for name, _ in override}
    return [(n, v) for n, v in base if n.lower() not in replaced] + list(override)


def _tags(items: Iterable[dict[str, Any]] | None) -> list[dict[str, str]]:
    return [{"Name": str(t["Name"]), "Value": str(t["Value"])} for t in items or []]


def _merge_tags(
    base: Sequence[dict[str, str]], override: Sequence[dict[str, str]]
) -> list[dict[str, str]]:
    names = {t["Name"] for t in override}
    return [t for t in base if t["Name"] not in names] + list(override)


def _attachments(items: Iterable[dict[str, Any]] | None) -> list[Attachment]:
    found = []
    for index, item in enumerate(items or []):
        what = f"Attachments[{index}].RawContent"
        encoding = _ENCODINGS.get(str(item.get("ContentTransferEncoding") or "BASE64"))
        found.append(
            Attachment(
                filename=str(item["FileName"]),
                data=_decode_blob(item["RawContent"], what),
                content_type=item.get("ContentType"),
                disposition=cast(
                    Literal["attachment", "inline"],
                    _DISPOSITIONS.get(str(item.get("ContentDisposition") or ""), "attachment"),
                ),
                content_id=item.get("ContentId"),
                description=item.get("ContentDescription"),
                transfer_encoding=cast(Any, encoding),
            )
        )
    return found


# --------------------------------------------------------- reading messages


def _parse(raw: bytes) -> EmailMessage:
    return email.message_from_bytes(raw, policy=email.policy.default)


def _text_of(part: Message | None) -> str | None:
    if part is None:
        return None
    try:
        return str(cast(EmailMessage, part).get_content())
    except (LookupError, ValueError):
        payload = part.get_payload(decode=True)
        return payload.decode("utf-8", "replace") if isinstance(payload, bytes) else None


def message_parts(
    raw: bytes,
) -> tuple[str | None, str | None, str | None, list[tuple[dict[str, Any], bytes]]]:
    """Subject, text body, HTML body and attachments (metadata, decoded bytes) of a message.

    Attachments are the leaf parts with a ``Content-Disposition`` of
    ``attachment``, or ``inline`` with a file name or content id, other than
    the parts chosen as the bodies; in document order. The inbox serves
    downloads by their index in this list.
    """
    msg = _parse(raw)
    subject = msg.get("Subject")
    text_part = msg.get_body(preferencelist=("plain",))
    html_part = msg.get_body(preferencelist=("html",))
    bodies = {id(p) for p in (text_part, html_part) if p is not None}
    attachments: list[tuple[dict[str, Any], bytes]] = []
    for part in msg.walk():
        if part.is_multipart() or id(part) in bodies:
            continue
        disposition = part.get_content_disposition()
        filename = part.get_filename()
        content_id = part.get("Content-ID")
        if (
            disposition == "attachment"
            or (disposition == "inline" and (filename or content_id))
            or (disposition is None and filename)
        ):
            payload = part.get_payload(decode=True)
            data = payload if isinstance(payload, bytes) else b""
            meta = {
                "filename": filename,
                "content_type": part.get_content_type(),
                "size": len(data),
                "content_id": str(content_id).strip("<>") if content_id else None,
                "disposition": disposition or "attachment",
            }
            attachments.append((meta, data))
    return (
        str(subject) if subject is not None else None,
        _text_of(text_part),
        _text_of(html_part),
        attachments,
    )


def _header_bytes(raw: bytes) -> bytes:
    end = len(raw)
    for separator in (b"\r\n\r\n", b"\n\n"):
        found = raw.find(separator, 0, end)
        if found != -1:
            end = found + len(separator)
    return raw[:end]


def header_block(raw: bytes) -> str:
    """The message's header section as text (up to the first empty line)."""
    return _header_bytes(raw).decode("utf-8", "replace")


def message_body(state: ServerState, doc: dict[str, Any]) -> dict[str, str | None]:
    """``{"text_part", "html_part"}`` of a stored message (read from its bytes if large)."""
    body = doc.get("Body")
    if isinstance(body, dict):
        return body
    _, text, html, _ = mime_index.parts(raw_message(state, doc))
    return {"text_part": text, "html_part": html}


def raw_message(state: ServerState, doc: dict[str, Any]) -> bytes:
    """The stored bytes of an accepted message."""
    blob = state.store.get_blob(MESSAGE_KIND, str(doc.get("Id")))
    if blob is not None:
        return blob
    if "_raw" in doc:  # documents written before blobs existed
        return base64.b64decode(doc["_raw"])
    return str(doc.get("RawData") or "").encode()


def _carries_virus(raw: bytes, attachments: Sequence[tuple[dict[str, Any], bytes]]) -> bool:
    return _EICAR in raw or any(_EICAR in data for _, data in attachments)


# ------------------------------------------------------------------ drafts


@dataclass
class _Draft:
    """One message ready to be admitted and delivered."""

    operation: str
    source: str  # as the caller wrote it, display name included
    sender: str  # the bare address
    to: list[str]
    cc: list[str]
    bcc: list[str]
    tags: list[dict[str, str]]
    configuration_set: str | None
    message_id: str
    timestamp: float
    raw: bytes = b""
    subject: str | None = None
    text: str | None = None
    html: str | None = None
    template_name: str | None = None
    template_data: str | None = None
    render_error: str | None = None
    reply_to: list[str] = field(default_factory=list)
    raw_content: bool = False  # Raw content: the bytes are the caller's own
    # Composed here with no attachments: nothing in the bytes that the draft's
    # own fields do not already hold, so delivery need not parse them again.
    plain_composed: bool = False

    @property
    def recipients(self) -> list[str]:
        return [*self.to, *self.cc, *self.bcc]


@dataclass
class _Template:
    name: str | None
    subject: str | None
    html: str | None
    text: str | None


def _resolve_template(state: ServerState, spec: dict[str, Any]) -> _Template:
    name = spec.get("TemplateName")
    arn = spec.get("TemplateArn")
    inline = spec.get("TemplateContent")
    if sum(1 for v in (name, arn, inline) if v) != 1:
        raise _bad("Specify exactly one of TemplateName, TemplateArn and TemplateContent.")
    if inline:
        return _Template(None, inline.get("Subject"), inline.get("Html"), inline.get("Text"))
    if arn:
        name = str(arn).rpartition(":template/")[2] or str(arn)
    doc = state.store.get("template", str(name))
    if doc is None:
        raise _not_found(f"Template {name} does not exist.")
    content = doc.get("TemplateContent") or {}
    return _Template(str(name), content.get("Subject"), content.get("Html"), content.get("Text"))


def _compose(
    state: ServerState,
    draft: _Draft,
    *,
    attachments: Sequence[Attachment] = (),
    headers: Sequence[tuple[str, str]] = (),
) -> None:
    """Build the MIME message SES would deliver for ``draft``'s subject and bodies."""
    host = _message_id_host(state.options.region)
    custom = [(n, v) for n, v in headers if n.lower() != "message-id"]
    custom.insert(0, ("Message-ID", f"<{draft.message_id}@{host}>"))
    try:
        draft.raw = compose_message(
            from_=draft.source,
            to=draft.to,
            cc=draft.cc,
            reply_to=draft.reply_to,
            subject=draft.subject or "",
            text=draft.text,
            html=draft.html,
            attachments=attachments,
            headers=custom,
            date=datetime.fromtimestamp(draft.timestamp, UTC),
        )
    except SesValidationError as exc:
        raise _bad(str(exc)) from None
    draft.plain_composed = not attachments


def _render(
    state: ServerState,
    draft: _Draft,
    template: _Template,
    data: str,
    *,
    attachments: Sequence[Attachment] = (),
    headers: Sequence[tuple[str, str]] = (),
) -> None:
    draft.template_name = template.name
    draft.template_data = data
    try:
        rendered = render_email_template(template.subject, template.html, template.text, data)
    except TemplateRenderError as exc:
        if exc.kind == "data":
            raise _bad(exc.message) from None
        # SES accepts the send and reports the failure as an event instead.
        draft.render_error = exc.message
        return
    draft.subject, draft.html, draft.text = rendered.subject, rendered.html, rendered.text
    _compose(state, draft, attachments=attachments, headers=headers)


def _new_draft(
    state: ServerState,
    operation: str,
    source: str,
    destination: tuple[list[str], list[str], list[str]],
    *,
    tags: list[dict[str, str]],
    configuration_set: str | None,
    reply_to: Sequence[str] = (),
) -> _Draft:
    now = state.clock()
    to, cc, bcc = destination
    return _Draft(
        operation=operation,
        source=source,
        sender=_bare(source),
        to=to,
        cc=cc,
        bcc=bcc,
        tags=tags,
        configuration_set=configuration_set,
        message_id=_message_id(now),
        timestamp=now,
        reply_to=list(reply_to),
    )


def _raw_tags(value: str | None) -> list[dict[str, str]]:
    # X-SES-MESSAGE-TAGS: "name1=value1, name2=value2"
    tags = []
    for item in (value or "").split(","):
        name, eq, val = item.strip().partition("=")
        if eq and name.strip():
            tags.append({"Name": name.strip(), "Value": val.strip()})
    return tags


# -------------------------------------------------------------- delivering


_BOUNCES: dict[str, dict[str, str]] = {
    "bounce": {
        "bounceType": "Permanent",
        "bounceSubType": "General",
        "action": "failed",
        "status": "5.1.1",
        "diagnosticCode": "smtp; 550 5.1.1 user unknown",
        "reportingMTA": f"dns; {events.REPORTING_MTA}",
    },
    "suppressionlist": {
        "bounceType": "Permanent",
        "bounceSubType": "Suppressed",
        "action": "failed",
        "status": "5.1.1",
        "diagnosticCode": "Amazon SES has suppressed sending to this address because it has "
        "a recent history of bouncing as an invalid address.",
        "reportingMTA": f"dns; {events.REPORTING_MTA}",
    },
    "account": {
        "bounceType": "Permanent",
        "bounceSubType": "OnAccountSuppressionList",
        "action": "failed",
        "status": "5.1.1",
        "diagnosticCode": "Amazon SES did not send the message to this address because it is "
        "on the suppression list for your account.",
    },
}


def _outcome(state: ServerState, recipient: str) -> str:
    """What happens to mail for ``recipient``: a mailbox or a status name."""
    addr = _bare(recipient)
    # The account's list applies to simulator addresses too, so a test can see
    # a bounced simulator address suppressed by its own bounce handling.
    if state.store.get("suppressed", addr.lower()) is not None:
        return "account"
    box = simulator_mailbox(addr)
    if box is not None:
        return box
    if state.store.get(DELIVERY_DELAY_KIND, addr.lower()) is not None:
        return "delay"
    return "success"


_RECIPIENT_STATUS = {
    "success": "DELIVERED",
    "ooto": "DELIVERED",
    "complaint": "COMPLAINED",
    "bounce": "BOUNCED",
    "suppressionlist": "BOUNCED",
    "account": "SUPPRESSED",
    "delay": "DELAYED",
}


def _deliver(state: ServerState, draft: _Draft, source_identity: str) -> str:
    """Store the accepted message and publish its events; returns the message id."""
    subject, text, html = draft.subject, draft.text, draft.html
    attachments: list[tuple[dict[str, Any], bytes]] = []
    large = len(draft.raw) > LARGE_MESSAGE_BYTES
    if large:
        # Bodies of a large message are read from its bytes when asked for.
        subject, attachments = mime_index.parts(draft.raw, bodies=False)[::3]
        text = html = None
    elif draft.raw and not draft.plain_composed:
        parsed_subject, parsed_text, parsed_html, attachments = message_parts(draft.raw)
        if draft.raw_content:
            subject, text, html = parsed_subject, parsed_text, parsed_html
    outcomes = {r: _outcome(state, r) for r in draft.recipients}
    if draft.render_error is not None:
        status = "RENDERING_FAILURE"
        recipient_status = dict.fromkeys(draft.recipients, "NOT_SENT")
    elif _carries_virus(draft.raw, attachments):
        status = "REJECTED"
        recipient_status = dict.fromkeys(draft.recipients, "NOT_SENT")
    else:
        recipient_status = {r: _RECIPIENT_STATUS[o] for r, o in outcomes.items()}
        present = set(recipient_status.values())
        status = next(
            (s for s in ("DELIVERED", "DELAYED", "BOUNCED", "SUPPRESSED") if s in present),
            "DELIVERED",
        )
        if "COMPLAINED" in present:
            status = "DELIVERED"
    region = state.options.region
    doc: dict[str, Any] = {
        "Id": draft.message_id,
        "Source": draft.source,
        "SourceArn": f"arn:aws:ses:{region}:{state.options.account_id}:identity/{source_identity}",
        "Destination": {
            "ToAddresses": draft.to,
            "CcAddresses": draft.cc,
            "BccAddresses": draft.bcc,
        },
        "ReplyToAddresses": draft.reply_to,
        "Subject": subject,
        "Body": None if large else {"text_part": text, "html_part": html},
        "Size": len(draft.raw),
        "Attachments": [meta for meta, _ in attachments],
        "Tags": draft.tags,
        "ConfigurationSetName": draft.configuration_set,
        "Template": draft.template_name,
        "TemplateData": draft.template_data,
        "Timestamp": events.iso_timestamp(draft.timestamp),
        "Region": region,
        "Operation": draft.operation,
        "Status": status,
        "Recipients": [
            {"EmailAddress": r, "Status": recipient_status[r]} for r in draft.recipients
        ],
    }
    # The bytes go beside the document, once; read-back adds RawData from them.
    state.store.put_blob(MESSAGE_KIND, draft.message_id, draft.raw)
    state.store.put(MESSAGE_KIND, draft.message_id, doc)
    # Events read only the header block of the message.
    _publish_all(state, {**doc, "RawData": header_block(draft.raw)}, draft, outcomes, status)
    return draft.message_id


def _publish_all(
    state: ServerState, doc: dict[str, Any], draft: _Draft, outcomes: dict[str, str], status: str
) -> None:
    everyone = draft.recipients
    events.publish(state, doc, "SEND", everyone)
    if status == "RENDERING_FAILURE":
        events.publish(
            state,
            doc,
            "RENDERING_FAILURE",
            everyone,
            templateName=draft.template_name or "",
            errorMessage=draft.render_error or "",
        )
        return
    if status == "REJECTED":
        events.publish(state, doc, "REJECT", everyone, reason="Bad content")
        return
    for recipient, outcome in outcomes.items():
        if outcome in ("success", "ooto", "complaint"):
            events.publish(state, doc, "DELIVERY", [recipient])
    # SES combines the bounces of one request into one notification per kind.
    for kind, details in _BOUNCES.items():
        bounced = [r for r, o in outcomes.items() if o == kind]
        if bounced:
            events.publish(state, doc, "BOUNCE", bounced, **details)
    for recipient, outcome in outcomes.items():
        if outcome == "complaint":
            events.publish(
                state,
                doc,
                "COMPLAINT",
                [recipient],
                userAgent="Amazon SES Mailbox Simulator",
                complaintFeedbackType="abuse",
            )
        elif outcome == "delay":
            delay = state.store.get(DELIVERY_DELAY_KIND, _bare(recipient).lower()) or {}
            events.publish(
                state,
                doc,
                "DELIVERY_DELAY",
                [recipient],
                delayType=delay.get("DelayType", "TransientCommunicationFailure"),
            )


# ---------------------------------------------------------------- SendEmail


def _raw_bytes(raw_spec: dict[str, Any]) -> bytes:
    """The raw message: bytes from the SMTP endpoint as they are, base64 from the API.

    The size is checked on the base64 text before it is decoded, so an
    oversize message costs no second copy.
    """
    data = raw_spec.get("Data")
    if isinstance(data, bytes):
        size = len(data)
    else:
        text = data if isinstance(data, str) else ""
        size = len(text) // 4 * 3 - text[-2:].count("=")
    if size > MAX_MESSAGE_BYTES:
        raise ApiError(
            "MessageRejected",
            f"Message length is more than {MAX_MESSAGE_BYTES} bytes long: '{size}'.",
            400,
        )
    if isinstance(data, bytes):
        return data
    try:
        # a2b_base64 reads an ASCII str in place (base64.b64decode would copy it).
        return binascii.a2b_base64(str(data or ""), strict_mode=True)
    except (binascii.Error, ValueError):
        raise _bad("Content.Raw.Data is not valid base64.") from None


def _raw_draft(state: ServerState, params: dict[str, Any], raw_spec: dict[str, Any]) -> _Draft:
    raw = _raw_bytes(raw_spec)
    raw_spec["Data"] = None  # the only other reference to a large text copy
    msg = _parse(_header_bytes(raw))  # headers only: the body may be 40 MiB
    source = params.get("FromEmailAddress") or msg.get("From")
    if not source:
        raise _bad("Missing required header 'From'.")
    destination = _recipients(params.get("Destination"))
    if not any(destination):
        # Without a Destination SES sends to the addresses in the message's headers.
        destination = cast(
            tuple[list[str], list[str], list[str]],
            tuple(
                [addr for _, addr in email.utils.getaddresses(msg.get_all(name, [])) if addr]
                for name in ("To", "Cc", "Bcc")
            ),
        )
    draft = _new_draft(
        state,
        "SendEmail",
        str(source),
        destination,
        tags=_tags(params.get("EmailTags")) or _raw_tags(msg.get("X-SES-MESSAGE-TAGS")),
        configuration_set=params.get("ConfigurationSetName") or msg.get("X-SES-CONFIGURATION-SET"),
    )
    draft.raw = raw
    draft.raw_content = True
    return draft


@handlers.register("SendEmail")
def send_email(state: ServerState, params: dict[str, Any]) -> dict[str, Any]:
    content = params.get("Content") or {}
    kinds = [k for k in ("Simple", "Raw", "Template") if content.get(k) is not None]
    if len(kinds) != 1:
        raise _bad("Content must contain exactly one of Simple, Raw and Template.")
    kind = kinds[0]
    spec: dict[str, Any] = content[kind]
    if kind == "Raw":
        draft = _raw_draft(state, params, spec)
    else:
        source = params.get("FromEmailAddress")
        if not source:
            raise _bad("FromEmailAddress is required unless the content is Raw.")
        draft = _new_draft(
            state,
            "SendEmail",
            str(source),
            _recipients(params.get("Destination")),
            tags=_tags(params.get("EmailTags")),
            configuration_set=params.get("ConfigurationSetName"),
            reply_to=params.get("ReplyToAddresses") or [],
        )
    _check_recipient_count(draft.recipients)
    attachments = _attachments(spec.get("Attachments"))
    headers = _headers(spec.get("Headers"))
    config = _configuration_set(state, draft.configuration_set)
    template = _resolve_template(state, spec) if kind == "Template" else None
    _check_account_enabled(state)
    identity = _check_identities(state, draft.sender, draft.recipients)
    draft.configuration_set, config = _effective_configuration_set(
        state, draft.configuration_set, config, identity
    )
    if kind == "Simple":
        draft.subject = (spec.get("Subject") or {}).get("Data", "")
        body = spec.get("Body") or {}
        draft.text = (body.get("Text") or {}).get("Data")
        draft.html = (body.get("Html") or {}).get("Data")
        _compose(state, draft, attachments=attachments, headers=headers)
    elif template is not None:
        data = spec.get("TemplateData") or "{}"
        _render(state, draft, template, data, attachments=attachments, headers=headers)
    quota.admit(state, len(draft.recipients), daily=_daily_count(draft.recipients))
    return {"MessageId": _deliver(state, draft, identity)}


# ------------------------------------------------------------ SendBulkEmail


_THROTTLE_STATUS = {
    quota.RATE_MESSAGE: "ACCOUNT_THROTTLED",
    quota.DAILY_QUOTA_MESSAGE: "ACCOUNT_DAILY_QUOTA_EXCEEDED",
}


def _next_injected_status(state: ServerState) -> str | None:
    with state.store.transaction():
        queue = state.store.get(BULK_FAULT_KIND, "queue") or {}
        statuses = list(queue.get("statuses") or [])
        if not statuses:
            return None
        status = str(statuses.pop(0))
        state.store.put(BULK_FAULT_KIND, "queue", {"statuses": statuses})
        return status


def _merged_data(default: str, replacement: str | None) -> str:
    if not replacement:
        return default
    try:
        base = json.loads(default)
        extra = json.loads(replacement)
    except json.JSONDecodeError as exc:
        raise _bad(f"Template data is not valid JSON: {exc.msg}") from None
    if not isinstance(base, dict) or not isinstance(extra, dict):
        raise _bad("Template data must be a JSON object.")
    return json.dumps({**base, **extra})


@handlers.register("SendBulkEmail")
def send_bulk_email(state: ServerState, params: dict[str, Any]) -> dict[str, Any]:
    spec = (params.get("DefaultContent") or {}).get("Template")
    if not spec:
        raise _bad("DefaultContent.Template is required.")
    entries = list(params.get("BulkEmailEntries") or [])
    if not entries:
        raise _bad("BulkEmailEntries must contain at least one entry.")
    if len(entries) > MAX_BULK_ENTRIES:
        raise _bad(f"BulkEmailEntries must contain at most {MAX_BULK_ENTRIES} entries.")
    source = params.get("FromEmailAddress")
    if not source:
        raise _bad("FromEmailAddress is required.")
    sender = _bare(str(source))
    config_name = params.get("ConfigurationSetName")
    config = _configuration_set(state, config_name)
    template = _resolve_template(state, spec)
    _check_account_enabled(state)
    identity = _check_identities(state, sender, [])
    config_name, config = _effective_configuration_set(state, config_name, config, identity)
    default_data = spec.get("TemplateData") or "{}"
    _merged_data("{}", default_data)  # invalid default data fails the whole call
    default_tags = _tags(params.get("DefaultEmailTags"))
    default_headers = _headers(spec.get("Headers"))
    attachments = _attachments(spec.get("Attachments"))
    results = []
    for entry in entries:
        results.append(
            _send_entry(
                state,
                entry,
                source=str(source),
                identity=identity,
                config_name=config_name,
                template=template,
                default_data=default_data,
                default_tags=default_tags,
                default_headers=default_headers,
                attachments=attachments,
                reply_to=params.get("ReplyToAddresses") or [],
            )
        )
    return {"BulkEmailEntryResults": results}


def _send_entry(
    state: ServerState,
    entry: dict[str, Any],
    *,
    source: str,
    identity: str,
    config_name: str | None,
    template: _Template,
    default_data: str,
    default_tags: list[dict[str, str]],
    default_headers: list[tuple[str, str]],
    attachments: list[Attachment],
    reply_to: Sequence[str],
) -> dict[str, Any]:
    injected = _next_injected_status(state)
    if injected is not None:
        return {"Status": injected, "Error": f"Injected failure: {injected}"}
    replacement = (entry.get("ReplacementEmailContent") or {}).get("ReplacementTemplate") or {}
    try:
        draft = _new_draft(
            state,
            "SendBulkEmail",
            source,
            _recipients(entry.get("Destination")),
            tags=_merge_tags(default_tags, _tags(entry.get("ReplacementTags"))),
            configuration_set=config_name,
            reply_to=reply_to,
        )
        _check_recipient_count(draft.recipients)
        data = _merged_data(default_data, replacement.get("ReplacementTemplateData"))
        headers = _merge_by_name(default_headers, _headers(entry.get("ReplacementHeaders")))
        _check_identities(state, draft.sender, draft.recipients)
        _render(state, draft, template, data, attachments=attachments, headers=headers)
        quota.admit(state, len(draft.recipients), daily=_daily_count(draft.recipients))
    except ApiError as exc:
        status = {
            "MessageRejected": "MESSAGE_REJECTED",
            "TooManyRequestsException": _THROTTLE_STATUS.get(exc.message, "ACCOUNT_THROTTLED"),
        }.get(exc.code, "INVALID_PARAMETER")
        return {"Status": status, "Error": exc.message}
    return {"Status": "SUCCESS", "MessageId": _deliver(state, draft, identity)}


# ------------------------------------------------ SendCustomVerificationEmail


@handlers.register("SendCustomVerificationEmail")
def send_custom_verification_email(state: ServerState, params: dict[str, Any]) -> dict[str, Any]:
    address = str(params.get("EmailAddress") or "")
    if not address:
        raise _bad("EmailAddress is required.")
    _bare(address)
    name = str(params.get("TemplateName") or "")
    template = state.store.get("custom_verification_template", name)
    if template is None:
        raise _not_found(f"Template <{name}> does not exist")
    config_name = params.get("ConfigurationSetName")
    config = _configuration_set(state, config_name)
    _check_account_enabled(state)
    source = str(template.get("FromEmailAddress") or "")
    # The recipient is the address being verified, so the sandbox does not apply to it.
    identity = _check_identities(state, _bare(source), [])
    config_name, config = _effective_configuration_set(state, config_name, config, identity)
    draft = _new_draft(
        state,
        "SendCustomVerificationEmail",
        source,
        ([address], [], []),
        tags=[],
        configuration_set=config_name,
    )
    token = uuid.uuid4().hex
    link = (
        f"https://email-verification.{state.options.region}.amazonaws.com/"
        f"?Context={state.options.account_id}&Namespace=SES&Token={token}"
    )
    draft.subject = str(template.get("TemplateSubject") or "")
    # SES appends the verification link and a fixed notice to the template's HTML.
    draft.html = (
        f"{template.get('TemplateContent') or ''}"
        f'<p><a href="{link}">{link}</a></p>'
        "<p>If you did not request this verification, you can ignore this message.</p>"
    )
    _compose(state, draft)
    quota.admit(state, 1, daily=_daily_count([address]))
    return {"MessageId": _deliver(state, draft, identity)}
