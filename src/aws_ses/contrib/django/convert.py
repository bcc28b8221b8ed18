"""Turn a Django ``EmailMessage`` into the parameters of one SES v2 ``SendEmail``.

Which content each message becomes, decided per message:

* **Simple** (SES composes the MIME) whenever it carries the message exactly:
  a plain and/or HTML body in UTF-8, attachments given as (filename,
  content, mimetype) or single-part MIME objects with a file name, and at
  most 15 custom headers, none of them one SES writes itself.
* **Raw, built by aws-ses** (:func:`aws_ses.mime.compose_message`, through
  :class:`~aws_ses.email_builder.EmailBuilder`) when the message also has
  inline parts: images with a ``Content-ID``, shown by the HTML body through
  ``cid:`` (only a ``multipart/related`` tree shows them reliably), or parts
  whose disposition is ``inline``. Django's recipe for inline images,
  ``mixed_subtype = "related"``, is understood.
* **Raw, as Django writes it** (``message.message()``) for everything else
  Django can express and SES's Simple content cannot: another charset than
  UTF-8, alternatives other than one ``text/html`` part, other body
  subtypes and ``mixed_subtype``/``alternative_subtype`` values, multipart or
  ``message/rfc822`` attachments, attachments without a file name, custom
  ``From``/``To``/``Cc``/``Reply-To``/``Message-ID``/``Date`` headers, more
  than 15 headers, and inline parts without an HTML body.

Bcc recipients are always sent through ``Destination`` only, never in a header.
``X-SES-CONFIGURATION-SET`` and ``X-SES-MESSAGE-TAGS`` headers become the
request's configuration set and tags (and are not sent as headers), as do the
``ses_configuration_set`` and ``ses_tags`` attributes, which win.
"""

from __future__ import annotations

import io
import mimetypes
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.generator import BytesGenerator
from email.message import Message
from typing import Any, Literal

from aws_ses.email_builder import EmailBuilder
from aws_ses.errors import SesValidationError
from aws_ses.mime import Attachment, normalize_address

__all__ = ["ContentKind", "MessageDefaults", "SesSend", "parse_tags_header", "to_send_email"]

ContentKind = Literal["simple", "raw", "django-raw"]

CONFIGURATION_SET_HEADER = "x-ses-configuration-set"
TAGS_HEADER = "x-ses-message-tags"
MESSAGE_ID_HEADER = "X-SES-Message-ID"
_OUR_HEADERS = frozenset({CONFIGURATION_SET_HEADER, TAGS_HEADER, MESSAGE_ID_HEADER.lower()})
# Headers SES's Simple content writes itself, or that Django writes from the
# message's own fields: a custom copy needs the message composed as Django does.
_STRUCTURAL_HEADERS = frozenset(
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
        "content-disposition",
        # SES writes its own; a caller who sets them wants exactly theirs.
        "message-id",
        "date",
    }
)
_PART_HEADERS = frozenset(
    {
        "content-type",
        "content-transfer-encoding",
        "content-disposition",
        "content-id",
        "content-description",
        "mime-version",
    }
)
_MAX_SIMPLE_HEADERS = 15
_DEFAULT_ATTACHMENT_TYPE = "application/octet-stream"


@dataclass(frozen=True)
class MessageDefaults:
    """What the backend's settings add to every message."""

    configuration_set: str | None = None
    tags: Mapping[str, str] = field(default_factory=dict)
    from_arn: str | None = None
    charset: str = "utf-8"


@dataclass(frozen=True)
class SesSend:
    """The ``SendEmail`` parameters (wire names) and the content kind chosen."""

    params: dict[str, Any]
    kind: ContentKind


def parse_tags_header(value: str) -> dict[str, str]:
    """``X-SES-MESSAGE-TAGS``: ``name=value`` pairs separated by commas."""
    tags: dict[str, str] = {}
    for item in value.split(","):
        item = item.strip()
        if not item:
            continue
        name, sep, tag_value = item.partition("=")
        if not sep or not name.strip():
            raise SesValidationError(
                "X-SES-MESSAGE-TAGS", f"{item!r} is not name=value (pairs separated by commas)"
            )
        tags[name.strip()] = tag_value.strip()
    return tags


def _is_utf8(charset: str) -> bool:
    return charset.lower().replace("_", "-") in ("utf-8", "utf8")


class _NeedsDjangoMime(Exception):
    """The message has something SES's Simple content and our builder cannot carry."""


def _attachment(item: Any, charset: str) -> Attachment:
    if isinstance(item, Message):
        return _mime_attachment(item)
    filename, content, mimetype = item
    if not filename:
        raise _NeedsDjangoMime
    mimetype = mimetype or mimetypes.guess_type(filename)[0] or _DEFAULT_ATTACHMENT_TYPE
    if mimetype.lower().startswith(("message/", "multipart/")):
        raise _NeedsDjangoMime
    if isinstance(content, str):
        data = content.encode(charset)
        if mimetype.lower().startswith("text/") and "charset" not in mimetype.lower():
            mimetype = f"{mimetype}; charset=utf-8"
    elif isinstance(content, bytes | bytearray | memoryview):
        data = bytes(content)
    else:
        raise SesValidationError(
            f"attachments[{filename}]",
            f"content must be str or bytes, not {type(content).__name__}",
        )
    return Attachment(filename, data, content_type=mimetype)


def _mime_attachment(part: Message) -> Attachment:
    if part.is_multipart() or part.get_content_maintype() == "message":
        raise _NeedsDjangoMime
    if any(name.lower() not in _PART_HEADERS for name in part):
        raise _NeedsDjangoMime  # headers our attachments cannot carry
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        raise _NeedsDjangoMime
    content_type = part.get_content_type()
    charset = part.get_content_charset()
    if charset and part.get_content_maintype() == "text":
        content_type = f"{content_type}; charset={charset}"
    filename = part.get_filename()
    content_id = part.get("Content-ID")
    disposition = part.get_content_disposition()
    if content_id and disposition != "attachment":
        cid = str(content_id).strip().strip("<>")
        return Attachment.inline(filename or cid, payload, cid, content_type=content_type)
    if not filename:
        raise _NeedsDjangoMime
    if disposition == "inline":  # shown in the message, but referred to by no cid
        return Attachment(filename, payload, content_type=content_type, disposition="inline")
    return Attachment(filename, payload, content_type=content_type)


def _bodies(message: Any) -> tuple[str | None, str | None]:
    subtype = getattr(message, "content_subtype", "plain")
    body = str(message.body or "")  # str(): lazy translations become text
    if subtype == "plain":
        text, html = body, None
    elif subtype == "html":
        text, html = None, body
    else:
        raise _NeedsDjangoMime
    for alternative in getattr(message, "alternatives", None) or ():
        content, mimetype = alternative
        if mimetype != "text/html" or html is not None or isinstance(content, bytes):
            raise _NeedsDjangoMime
        html = str(content)
        if text == "":
            text = None  # an empty plain part adds nothing beside the HTML
    if getattr(message, "alternative_subtype", "alternative") != "alternative":
        raise _NeedsDjangoMime
    if text is None and html is None:
        text = ""
    return text, html


def _request_options(
    message: Any, defaults: MessageDefaults, headers: dict[str, str]
) -> tuple[str | None, dict[str, str]]:
    """Configuration set and tags: settings, then headers, then attributes."""
    configuration_set = defaults.configuration_set
    tags = dict(defaults.tags)
    for name, value in headers.items():
        if name.lower() == CONFIGURATION_SET_HEADER:
            configuration_set = str(value).strip()
        elif name.lower() == TAGS_HEADER:
            tags.update(parse_tags_header(str(value)))
    attribute = getattr(message, "ses_configuration_set", None)
    if attribute is not None:
        configuration_set = attribute
    extra_tags = getattr(message, "ses_tags", None)
    if extra_tags is not None:
        if not isinstance(extra_tags, Mapping):
            raise SesValidationError("ses_tags", "must be a mapping of tag name to value")
        tags.update({str(k): str(v) for k, v in extra_tags.items()})
    return configuration_set, tags


def to_send_email(message: Any, defaults: MessageDefaults) -> SesSend:
    """The ``SendEmail`` call for ``message`` (see the module docstring for the kinds).

    Raises :class:`SesValidationError` naming the field at fault.
    """
    charset = message.encoding or defaults.charset
    all_headers = {str(k): str(v) for k, v in (message.extra_headers or {}).items()}
    configuration_set, tags = _request_options(message, defaults, all_headers)
    headers = {k: v for k, v in all_headers.items() if k.lower() not in _OUR_HEADERS}
    try:
        if not _is_utf8(charset):
            raise _NeedsDjangoMime
        mixed_subtype = getattr(message, "mixed_subtype", "mixed")
        if mixed_subtype not in ("mixed", "related"):
            raise _NeedsDjangoMime
        if len(headers) > _MAX_SIMPLE_HEADERS or any(
            name.lower() in _STRUCTURAL_HEADERS for name in headers
        ):
            raise _NeedsDjangoMime
        text, html = _bodies(message)
        attachments = [_attachment(item, charset) for item in message.attachments]
        inline = any(a.disposition == "inline" for a in attachments)
        if inline and html is None:
            raise _NeedsDjangoMime
        # Django's recipe for inline images sets mixed_subtype="related"; our
        # tree puts the images beside the HTML in multipart/related. Any other
        # part under "related" keeps the layout the caller built.
        if mixed_subtype == "related" and not all(a.content_id for a in attachments):
            raise _NeedsDjangoMime
    except _NeedsDjangoMime:
        return _django_raw(message, configuration_set, tags, defaults)

    builder: EmailBuilder[dict[str, Any]] = EmailBuilder(lambda params: params)
    builder.from_(message.from_email)
    builder.to_many(message.to).cc_many(message.cc).bcc_many(message.bcc)
    builder.reply_to_many(message.reply_to)
    builder.subject(str(message.subject))
    if text is not None:
        builder.text_body(text)
    if html is not None:
        builder.html_body(html)
    for attachment in attachments:
        builder.attachment(attachment)
    for name, value in headers.items():
        builder.header(name, value)
    if configuration_set:
        builder.configuration_set(configuration_set)
    if tags:
        builder.tags(tags)
    params: dict[str, Any] = builder.build()
    if defaults.from_arn:
        # The builder's output is sealed (validated and encoded); a copy is a
        # plain dict that the client validates again with the added member.
        params = {**params, "FromEmailAddressIdentityArn": defaults.from_arn}
    return SesSend(params, "raw" if inline else "simple")


def _django_raw(
    message: Any, configuration_set: str | None, tags: dict[str, str], defaults: MessageDefaults
) -> SesSend:
    from django.core.mail import BadHeaderError  # type: ignore[import-untyped]

    try:
        mime = message.message()
    except BadHeaderError as exc:
        raise SesValidationError("headers", str(exc)) from None
    for name in ("Bcc", "X-SES-CONFIGURATION-SET", "X-SES-MESSAGE-TAGS", MESSAGE_ID_HEADER):
        del mime[name]
    # What Django's SMTP backend sends: CRLF lines, "From " lines left alone.
    # (The generator, not as_bytes(): Django 6 messages are stdlib ones,
    # whose as_bytes() takes no linesep.)
    buffer = io.BytesIO()
    BytesGenerator(buffer, mangle_from_=False).flatten(mime, linesep="\r\n")
    data = buffer.getvalue()
    destination: dict[str, list[str]] = {}
    for key, addresses, label in (
        ("ToAddresses", message.to, "to"),
        ("CcAddresses", message.cc, "cc"),
        ("BccAddresses", message.bcc, "bcc"),
    ):
        found = [normalize_address(a, field=f"{label}[{i}]") for i, a in enumerate(addresses) if a]
        if found:
            destination[key] = found
    params: dict[str, Any] = {
        "FromEmailAddress": normalize_address(message.from_email, field="from_email"),
        "Destination": destination,
        "Content": {"Raw": {"Data": data}},
    }
    if configuration_set:
        params["ConfigurationSetName"] = configuration_set
    if tags:
        params["EmailTags"] = [{"Name": k, "Value": v} for k, v in tags.items()]
    if defaults.from_arn:
        params["FromEmailAddressIdentityArn"] = defaults.from_arn
    return SesSend(params, "django-raw")
