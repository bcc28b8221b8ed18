"""SES's rules, written once.

The request serializer (flat methods), the builders, bulk sending and the
local server all call the checks below, so the client and the server cannot
drift apart. Each rule names its documented source. Lengths, enumerations and
patterns that the SES v2 service model carries are not repeated here: they
are generated into ``_generated/model/`` and checked by the same walkers.

Checks are plain functions over wire-form values (what goes into the JSON
body): a string check returns the problem or ``None``; a structure check
returns a :class:`Violation` that names where, relative to the structure, so
the client can report ``content.simple.attachments[0].file_name`` and the
server ``content.simple.attachments.1.member.fileName`` for the same fault.
This module imports nothing heavy: it is on the path of every request.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final

import msgspec

from aws_ses._lazy import LazyPattern

__all__ = [
    "MAX_ADDRESS_OCTETS",
    "MAX_BULK_ENTRIES",
    "MAX_CUSTOM_HEADERS",
    "MAX_DOMAIN_OCTETS",
    "MAX_LOCAL_PART_OCTETS",
    "MAX_MESSAGE_BYTES",
    "MAX_RECIPIENTS",
    "RULES",
    "STRING_RULES",
    "STRUCTURE_RULES",
    "Rule",
    "Violation",
    "check_content_id",
    "check_content_type",
    "check_header_name",
    "check_header_value",
    "check_message_size",
    "check_name",
    "check_no_crlf",
    "check_recipient_count",
    "check_tag",
    "check_template_data",
    "check_text_line",
    "encode_json_object",
    "encoded_size",
    "rules_table",
]

# --------------------------------------------------------------- the limits

# To + Cc + Bcc of one message. Source: SES v2 API reference, Destination
# ("can contain up to 50 recipients across these three fields").
MAX_RECIPIENTS: Final = 50
# Entries of one SendBulkEmail call. Source: SES v2 API reference, SendBulkEmail.
MAX_BULK_ENTRIES: Final = 50
# Custom headers of one message. Source: the service model (MessageHeaderList max 15).
MAX_CUSTOM_HEADERS: Final = 15
# A whole message as SES v2 counts it: 40 MB, attachments included, after
# base64. Source: SES Developer Guide, "Service quotas" (v2 API and SMTP) and
# "Working with email attachments". (The 10 MB limit there is SES v1's, whose
# API this client does not call.)
MAX_MESSAGE_BYTES: Final = 40 * 1024 * 1024
# Source: RFC 5321 section 4.5.3.1.1 (local part), 4.5.3.1.2 (domain) and the
# 254-octet path limit of RFC 5321 as corrected by RFC 3696 errata 1690.
MAX_LOCAL_PART_OCTETS: Final = 64
MAX_DOMAIN_OCTETS: Final = 255
MAX_ADDRESS_OCTETS: Final = 254
# Template and configuration set names. Source: SES API reference,
# Template.TemplateName and ConfigurationSet.Name (ASCII letters, digits,
# '_' and '-', at most 64 characters).
MAX_NAME_LENGTH: Final = 64
# Message tag names and values. Source: SES v2 API reference, MessageTag.
MAX_TAG_LENGTH: Final = 256
# RFC 2822 section 2.1.1: no line of a message may exceed 998 characters.
MAX_LINE: Final = 998

# Headers SES writes itself from the request's other members: a custom copy
# would duplicate or contradict them. Date and Message-ID may be given, once
# (RFC 5322 3.6: at most one of each).
RESERVED_HEADERS: Final = frozenset(
    {
        "from",
        "to",
        "cc",
        "bcc",
        "reply-to",
        "subject",
        "mime-version",
        "content-type",
        "content-transfer-encoding",
    }
)
SINGLE_HEADERS: Final = frozenset({"date", "message-id"})

_TAG: Final = LazyPattern(r"[A-Za-z0-9_-]+")
_NAME: Final = LazyPattern(r"[A-Za-z0-9_-]+")
# The service model's patterns for MessageHeader (printable ASCII; no ':' in
# the name, which ``[!-9;-~]`` spells out).
_HEADER_NAME: Final = LazyPattern(r"[!-9;-~]+")
_HEADER_VALUE: Final = LazyPattern(r"[ -~]*")
# C0 controls other than tab, DEL and C1 controls: never valid in header text.
_CONTROL: Final = LazyPattern(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]")
_TOKEN: Final = r"[!#$%&'*+.^_`|~0-9A-Za-z-]+"
_CONTENT_TYPE: Final = LazyPattern(rf"{_TOKEN}/{_TOKEN}(?:\s*;\s*[ -~]*)?")
_CONTENT_ID: Final = LazyPattern(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~.@-]+")
_B64_LINE: Final = 76


# ----------------------------------------------------------- the registry


class Rule(msgspec.Struct, frozen=True):
    """One rule as the docs table shows it."""

    key: str
    fields: str  # where it applies (wire names)
    accepts: str  # what passes
    source: str  # where SES (or the RFC) documents it


RULES: Final[tuple[Rule, ...]] = (
    Rule(
        "recipients",
        "Destination (SendEmail, each SendBulkEmail entry)",
        f"1 to {MAX_RECIPIENTS} addresses across To, Cc and Bcc",
        "SES v2 API reference, Destination",
    ),
    Rule(
        "destination",
        "SendEmail FromEmailAddress and Destination",
        "required unless the content is Raw",
        "SES v2 API reference, SendEmail",
    ),
    Rule(
        "bulk",
        "SendBulkEmail FromEmailAddress, DefaultContent.Template, BulkEmailEntries",
        f"sender and default template required; 1 to {MAX_BULK_ENTRIES} entries per call",
        "SES v2 API reference, SendBulkEmail",
    ),
    Rule(
        "template_source",
        "Template (SendEmail, SendBulkEmail DefaultContent)",
        "exactly one of TemplateName, TemplateArn and TemplateContent",
        "SES v2 API reference, Template",
    ),
    Rule(
        "content",
        "SendEmail Content",
        "exactly one of Simple, Raw and Template",
        "SES v2 API reference, EmailContent",
    ),
    Rule(
        "message_size",
        "SendEmail Simple and Raw content",
        f"at most {MAX_MESSAGE_BYTES // 2**20} MB, attachments counted after base64",
        "SES Developer Guide, Service quotas; Working with email attachments",
    ),
    Rule(
        "address",
        "FromEmailAddress, ReplyToAddresses, Destination, FeedbackForwardingEmailAddress",
        'addr-spec or "Display Name" <addr-spec> (RFC 2047 words allowed); '
        f"local part at most {MAX_LOCAL_PART_OCTETS} octets, ASCII; domain at most "
        f"{MAX_DOMAIN_OCTETS} octets (IDN sent as punycode); address at most "
        f"{MAX_ADDRESS_OCTETS} octets; no CR or LF",
        "RFC 5321 4.5.3.1, RFC 5322 3.4, RFC 2047; SES Developer Guide, Sending email "
        "(internationalized domains, no SMTPUTF8 local parts)",
    ),
    Rule(
        "subject",
        "Simple Subject.Data",
        "no CR or LF",
        "RFC 5322 2.2 (a header is one logical line)",
    ),
    Rule(
        "custom_headers",
        "Headers, ReplacementHeaders",
        f"at most {MAX_CUSTOM_HEADERS}",
        "service model (MessageHeaderList)",
    ),
    Rule(
        "header_name",
        "MessageHeader Name",
        "1 to 126 printable ASCII characters other than ':'; not one SES writes itself "
        "(From, To, Cc, Bcc, Reply-To, Subject, MIME-Version, Content-Type, "
        "Content-Transfer-Encoding); Date and Message-ID at most once",
        "service model (MessageHeaderName pattern); SES v2 API reference, MessageHeader",
    ),
    Rule(
        "header_value",
        "MessageHeader Value",
        "printable ASCII (encode other text as RFC 2047 words; the builders do), "
        "no CR or LF, length as the model says",
        "service model (MessageHeaderValue pattern); SES v2 API reference, MessageHeader",
    ),
    Rule(
        "tag",
        "EmailTags, DefaultEmailTags, ReplacementTags: Name and Value",
        f"1 to {MAX_TAG_LENGTH} ASCII letters, digits, '_' or '-'",
        "SES v2 API reference, MessageTag",
    ),
    Rule(
        "template_name",
        "TemplateName (sending and template operations)",
        f"1 to {MAX_NAME_LENGTH} ASCII letters, digits, '_' or '-'",
        "SES API reference, Template",
    ),
    Rule(
        "configuration_set_name",
        "ConfigurationSetName",
        f"1 to {MAX_NAME_LENGTH} ASCII letters, digits, '_' or '-'",
        "SES API reference, ConfigurationSet",
    ),
    Rule(
        "template_data",
        "TemplateData, ReplacementTemplateData",
        "a JSON object (a dict is encoded for you)",
        "SES v2 API reference, Template (TemplateData is a JSON object)",
    ),
    Rule(
        "attachment_file_name",
        "Attachment FileName",
        "no CR, LF or other control characters",
        "RFC 2183, RFC 2231 (a header parameter)",
    ),
    Rule(
        "attachment_content_type",
        "Attachment ContentType",
        "a MIME type 'type/subtype' (optional parameters), not multipart; no CR or LF",
        "RFC 2045 5.1; SES Developer Guide, Working with email attachments",
    ),
    Rule(
        "attachment_description",
        "Attachment ContentDescription",
        "no CR, LF or other control characters",
        "RFC 2045 8 (a header value)",
    ),
    Rule(
        "attachment_content_id",
        "Attachment ContentId",
        "printable ASCII without spaces, quotes, '<', '>' or '\\\\'; unique in the message",
        "RFC 2392, RFC 2045 7, RFC 5322 3.6.4 (msg-id)",
    ),
    Rule(
        "model",
        "every member",
        "types, required members, enumerations, lengths and patterns of the SES v2 model",
        "service model, generated by tools/codegen",
    ),
)


def rules_table() -> str:
    """The "what is checked before sending" table of ``docs/sending.md``."""
    lines = ["| rule | applies to | accepted | source |", "| --- | --- | --- | --- |"]
    for rule in RULES:
        cells = (rule.key, rule.fields, rule.accepts, rule.source)
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines)


# ----------------------------------------------------------- string checks
# Each takes the wire value and returns the problem, or None when it passes.


def check_no_crlf(value: str) -> str | None:
    if "\r" in value or "\n" in value:
        return "must not contain CR or LF characters"
    return None


def check_text_line(value: str) -> str | None:
    """Header text: no CR/LF, no other control characters (tab is allowed)."""
    problem = check_no_crlf(value)
    if problem is None and _CONTROL.search(value):
        problem = "must not contain control characters"
    return problem


def check_tag(value: str) -> str | None:
    if not (len(value) <= MAX_TAG_LENGTH and _TAG.fullmatch(value)):
        return f"a tag is 1 to {MAX_TAG_LENGTH} ASCII letters, digits, '_' or '-'"
    return None


def check_name(value: str) -> str | None:
    """Template and configuration set names."""
    if not (len(value) <= MAX_NAME_LENGTH and _NAME.fullmatch(value)):
        return f"a name is 1 to {MAX_NAME_LENGTH} ASCII letters, digits, '_' or '-'"
    return None


def check_header_name(value: str) -> str | None:
    if not _HEADER_NAME.fullmatch(value):
        return "a header name is 1 to 126 printable ASCII characters other than ':'"
    return None


def check_header_value(value: str) -> str | None:
    problem = check_no_crlf(value)
    if problem is None and not _HEADER_VALUE.fullmatch(value):
        problem = "a header value is printable ASCII; encode other text as RFC 2047 words"
    return problem


def check_content_type(value: str) -> str | None:
    problem = check_no_crlf(value)
    if problem is not None:
        return problem
    if not _CONTENT_TYPE.fullmatch(value):
        return "expected a MIME type like 'image/png' (ASCII type/subtype, optional parameters)"
    if value.lower().startswith("multipart/"):
        return "a multipart type cannot be an attachment's type"
    return None


def check_content_id(value: str) -> str | None:
    if not _CONTENT_ID.fullmatch(value):
        return (
            "must be printable ASCII without spaces, quotes, '<', '>' or '\\' "
            "(like 'logo' or 'logo@example.com')"
        )
    return None


def check_template_data(value: str) -> str | None:
    """A JSON object; on bad JSON, the parser's message with its position."""
    try:
        decoded = msgspec.json.decode(value)
    except msgspec.DecodeError:
        import json  # only for bad input: the stdlib says where ("line 1 column 7 (char 6)")

        try:
            json.loads(value)
        except ValueError as exc:
            return f"is not valid JSON: {exc}"
        return "is not valid JSON"  # pragma: no cover - both parsers agree
    if not isinstance(decoded, dict):
        return f"must be a JSON object, not a JSON {_json_kind(decoded)}"
    return None


def _json_kind(value: object) -> str:
    if isinstance(value, list):
        return "array"
    if isinstance(value, str):
        return "string"
    if isinstance(value, bool):
        return "boolean"
    if value is None:
        return "null"
    return "number"


def encode_json_object(value: Any) -> str:
    """A mapping (or msgspec Struct, dataclass instance) as JSON object text.

    Raises ``ValueError`` with the problem when ``value`` does not encode to a
    JSON object.
    """
    if isinstance(value, type):
        raise ValueError(f"pass an instance, not the class {value.__name__}")
    try:
        encoded = msgspec.json.encode(value)
    except (TypeError, msgspec.EncodeError) as exc:
        raise ValueError(f"cannot be encoded as JSON ({exc})") from None
    if not encoded.startswith(b"{"):
        raise ValueError(f"must encode to a JSON object, not {type(value).__name__}")
    return encoded.decode("utf-8")


# By shape name: the string shapes a rule applies to.
STRING_RULES: Final[Mapping[str, Callable[[str], str | None]]] = {
    "MessageTagName": check_tag,
    "MessageTagValue": check_tag,
    "MessageHeaderName": check_header_name,
    "MessageHeaderValue": check_header_value,
    "EmailTemplateName": check_name,
    "ConfigurationSetName": check_name,
    "EmailTemplateData": check_template_data,
    "AttachmentFileName": check_text_line,
    "AttachmentContentDescription": check_text_line,
    "AttachmentContentType": check_content_type,
    "AttachmentContentId": check_content_id,
}


# -------------------------------------------------------- structure checks


class Violation(msgspec.Struct, frozen=True):
    """A broken rule: where (wire member names and list indexes, relative to
    the structure checked; empty for the structure itself) and the problem."""

    where: tuple[str | int, ...]
    problem: str


def encoded_size(raw_length: int) -> int:
    """Bytes of base64 for ``raw_length`` bytes, with a CRLF every 76 characters."""
    chars = 4 * -(-raw_length // 3)
    return chars + 2 * -(-chars // _B64_LINE)


def _blob_length(b64: Any) -> int:
    """Decoded length of a base64 wire string (without decoding it)."""
    if not isinstance(b64, str):
        return 0
    return len(b64) * 3 // 4 - (2 if b64.endswith("==") else 1 if b64.endswith("=") else 0)


def check_message_size(size: int) -> str | None:
    if size > MAX_MESSAGE_BYTES:
        return (
            f"{_megabytes(size)} ({size:,} bytes) is over SES's limit of "
            f"{_megabytes(MAX_MESSAGE_BYTES)} ({MAX_MESSAGE_BYTES:,} bytes) per message, "
            "attachments included after base64 encoding (which adds a third to their size)"
        )
    return None


def _megabytes(size: int) -> str:
    value = size / (1024 * 1024)
    return f"{value:.0f} MB" if value == int(value) else f"{value:.1f} MB"


def check_recipient_count(count: int) -> str | None:
    if count == 0:
        return "a message needs at least one recipient (To, Cc or Bcc)"
    if count > MAX_RECIPIENTS:
        return (
            f"Recipient count exceeds {MAX_RECIPIENTS}: {count} across To, Cc and Bcc "
            f"(SES accepts at most {MAX_RECIPIENTS} per message)"
        )
    return None


def _destination(value: dict[str, Any]) -> Violation | None:
    count = 0
    for key in ("ToAddresses", "CcAddresses", "BccAddresses"):
        addresses = value.get(key)
        if addresses.__class__ is list:
            count += len(addresses)
    if 0 < count <= MAX_RECIPIENTS:
        return None
    return Violation((), check_recipient_count(count) or "")


def _duplicate_content_id(attachments: Any) -> Violation | None:
    """Content ids name one part each (RFC 2045 7: unique)."""
    if not isinstance(attachments, list):
        return None
    seen: set[str] = set()
    for index, att in enumerate(attachments):
        cid = att.get("ContentId") if isinstance(att, dict) else None
        if isinstance(cid, str):
            if cid in seen:
                return Violation(
                    ("Attachments", index, "ContentId"), "is used by another attachment"
                )
            seen.add(cid)
    return None


def _custom_headers(headers: Any, member: str) -> Violation | None:
    if not isinstance(headers, list):
        return None
    seen: set[str] = set()
    for index, header in enumerate(headers):
        name = header.get("Name") if isinstance(header, dict) else None
        if not isinstance(name, str):
            continue
        lower = name.lower()
        if lower in RESERVED_HEADERS:
            return Violation(
                (member, index, "Name"), "is written by SES from the request; set that instead"
            )
        if lower in SINGLE_HEADERS and lower in seen:
            return Violation((member, index, "Name"), "may appear only once")
        seen.add(lower)
    return None


def _attachments_size(attachments: Any) -> int:
    if not isinstance(attachments, list):
        return 0
    total = 0
    for att in attachments:
        if isinstance(att, dict):
            total += encoded_size(_blob_length(att.get("RawContent")))
    return total


def _data(part: Any) -> str:
    data = part.get("Data") if part.__class__ is dict else None
    return data if data.__class__ is str else ""


def _message(value: dict[str, Any]) -> Violation | None:
    headers = value.get("Headers")
    header_size = 0
    if headers:
        violation = _custom_headers(headers, "Headers")
        if violation is not None:
            return violation
        for header in headers:
            if isinstance(header, dict):  # "Name: Value" and CRLF
                header_size += len(str(header.get("Name", ""))) + len(str(header.get("Value", "")))
                header_size += 4
    subject = _data(value.get("Subject"))
    if "\r" in subject or "\n" in subject:
        return Violation(("Subject", "Data"), "must not contain CR or LF characters")
    body = value.get("Body")
    text = html = ""
    if body.__class__ is dict:
        text, html = _data(body.get("Text")), _data(body.get("Html"))
    attachments = value.get("Attachments")
    # UTF-8 takes at most 4 bytes a character: most messages need no exact count.
    if not attachments and 4 * (len(subject) + len(text) + len(html)) + header_size <= (
        MAX_MESSAGE_BYTES
    ):
        return None
    duplicate = _duplicate_content_id(attachments)
    if duplicate is not None:
        return duplicate
    size = header_size + sum(len(t.encode("utf-8", "surrogatepass")) for t in (subject, text, html))
    problem = check_message_size(size + _attachments_size(attachments))
    return None if problem is None else Violation(("Attachments",), problem)


def _template(value: dict[str, Any]) -> Violation | None:
    given = [
        k for k in ("TemplateName", "TemplateArn", "TemplateContent") if value.get(k) is not None
    ]
    if len(given) != 1:
        return Violation(
            (), "needs exactly one of template_name, template_arn and template_content"
        )
    duplicate = _custom_headers(value.get("Headers"), "Headers") or _duplicate_content_id(
        value.get("Attachments")
    )
    if duplicate is not None:
        return duplicate
    # SES renders the text; the attachments alone already count toward the limit.
    problem = check_message_size(_attachments_size(value.get("Attachments")))
    return None if problem is None else Violation(("Attachments",), problem)


def _raw_message(value: dict[str, Any]) -> Violation | None:
    problem = check_message_size(_blob_length(value.get("Data")))
    return None if problem is None else Violation(("Data",), problem)


def _email_content(value: dict[str, Any]) -> Violation | None:
    if len(value) == 1:  # the common case, without building a list
        ((key, item),) = value.items()
        if item is not None and key in ("Simple", "Raw", "Template"):
            return None
    kinds = [k for k in ("Simple", "Raw", "Template") if value.get(k) is not None]
    if len(kinds) != 1:
        found = ", ".join(kinds) if kinds else "none"
        return Violation((), f"needs exactly one of simple, raw and template (got {found})")
    return None


def _send_email(value: dict[str, Any]) -> Violation | None:
    content = value.get("Content")
    if isinstance(content, dict) and content.get("Raw") is not None:
        return None  # a raw message may name its sender and recipients in its headers
    if value.get("FromEmailAddress") is None:
        return Violation(("FromEmailAddress",), "is required unless the content is raw")
    if value.get("Destination") is None:
        return Violation(("Destination",), "is required unless the content is raw")
    return None


def _send_bulk_email(value: dict[str, Any]) -> Violation | None:
    if value.get("FromEmailAddress") is None:
        return Violation(("FromEmailAddress",), "is required")
    default = value.get("DefaultContent")
    if not (isinstance(default, dict) and default.get("Template") is not None):
        return Violation(("DefaultContent", "Template"), "is required")
    entries = value.get("BulkEmailEntries")
    count = len(entries) if isinstance(entries, list) else 0
    if not 1 <= count <= MAX_BULK_ENTRIES:
        return Violation(
            ("BulkEmailEntries",), f"takes 1 to {MAX_BULK_ENTRIES} entries per call, got {count}"
        )
    return None


# By shape name: the structures a rule applies to (after their members passed).
STRUCTURE_RULES: Final[Mapping[str, Callable[[dict[str, Any]], Violation | None]]] = {
    "Destination": _destination,
    "Message": _message,
    "Template": _template,
    "RawMessage": _raw_message,
    "EmailContent": _email_content,
    "SendEmailRequest": _send_email,
    "SendBulkEmailRequest": _send_bulk_email,
    "BulkEmailEntry": lambda entry: _custom_headers(
        entry.get("ReplacementHeaders"), "ReplacementHeaders"
    ),
}
