"""A fluent builder for one ``SendEmail`` call, shared by the sync and async clients.

The builder only collects and checks; it never does I/O. ``build()`` returns
the ``SendEmail`` parameters keyed by wire name, and ``send()`` hands them to
the function the client gave it. The sync client passes a function that
returns a ``SendEmailResponse``, the async client one that returns an
awaitable of it, so one implementation serves both::

    client.email_builder().from_("a@example.com").to("b@example.com") \\
        .subject("Hi").text_body("Hello").send()          # sync
    await aclient.email_builder()...send()                # async

Which SES content type is used:

* **Template** when ``template(name)`` was called (SES renders the message;
  headers and attachments, inline ones included, travel beside it).
* **Raw** when ``raw(True)`` was asked for, or when the message has inline
  images: SES's Simple attachments cannot promise the ``multipart/related``
  structure mail clients need to show an image in the HTML, so we compose
  the MIME tree ourselves (:func:`aws_ses.mime.compose_message`).
* **Simple** otherwise: SES composes the MIME from subject, bodies, custom
  headers and attachments, which keeps requests small and readable.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Iterable, Mapping
from email.header import Header
from pathlib import Path
from typing import Any, Generic, TypeVar

from aws_ses import _rules
from aws_ses._model import operation, shape
from aws_ses._rules import MAX_CUSTOM_HEADERS, MAX_RECIPIENTS
from aws_ses._serialize import PreparedParams, encode_input
from aws_ses.addresses import format_address, normalize_address
from aws_ses.errors import SesValidationError
from aws_ses.mime import (
    Attachment,
    check_message_size,
    compose_message,
    estimated_encoded_size,
)

__all__ = [
    "EmailBuilder",
    "encode_template_data",
    "templated_email",
]

R = TypeVar("R")

# Headers the builder writes itself; setting them by hand would duplicate or
# contradict what the builder produces, so point the caller at the right method.
_MANAGED_HEADERS = {
    "from": "from_() or from_name()",
    "to": "to()",
    "cc": "cc()",
    "bcc": "bcc()",
    "reply-to": "reply_to()",
    "subject": "subject()",
    "mime-version": "nothing (it is always 1.0)",
    "content-type": "the body and attachment methods",
    "content-transfer-encoding": "the body and attachment methods",
    "content-disposition": "the attachment methods",
}
_TRANSFER_ENCODINGS = {
    "base64": "BASE64",
    "quoted-printable": "QUOTED_PRINTABLE",
    "7bit": "SEVEN_BIT",
}
_UTF8 = "UTF-8"


def encode_template_data(data: Any, *, field: str = "template_data") -> str:
    """SES ``TemplateData``: ``data`` (a mapping, msgspec Struct or dataclass) as JSON.

    A ``str`` or ``bytes`` is taken as JSON text already and only checked.
    Anything that is not a JSON object raises :class:`SesValidationError`
    naming ``field``, because SES accepts nothing else; invalid JSON text is
    reported with the parser's position.
    """
    if isinstance(data, str | bytes | bytearray):
        try:
            text = data if isinstance(data, str) else bytes(data).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise SesValidationError(field, f"is not UTF-8 ({exc.reason})") from None
        problem = _rules.check_template_data(text)
        if problem is not None:
            raise SesValidationError(field, problem)
        return text
    if dataclasses.is_dataclass(data) and isinstance(data, type):
        raise SesValidationError(field, "pass a dataclass instance, not the class")
    try:
        return _rules.encode_json_object(data)
    except ValueError as exc:
        raise SesValidationError(field, str(exc)) from None


def _expect(value: Any, expected: type | tuple[type, ...], field: str) -> None:
    """A builder argument of the wrong type, named as ``method.argument``."""
    if isinstance(value, expected) and not (isinstance(value, bool) and expected is not bool):
        return
    kinds = expected if isinstance(expected, tuple) else (expected,)
    names = " or ".join(k.__name__ for k in kinds)
    raise SesValidationError(field, f"expected {names}, got {type(value).__name__}")


def _rule(check: Callable[[str], str | None], value: str, field: str) -> None:
    problem = check(value)
    if problem is not None:
        raise SesValidationError(field, problem)


def _encode_header_value(value: str) -> str:
    """RFC 2047 for non-ASCII values, on one line (SES takes printable ASCII only)."""
    if value.isascii():
        return value
    # linesep="" keeps the encoded words on one line, separated by spaces.
    return Header(value, "utf-8").encode(linesep="")


def _image_type(data: bytes) -> str | None:
    """The MIME type of PNG, JPEG, GIF or WebP data, from its first bytes."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def _check_headers(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    if len(headers) > MAX_CUSTOM_HEADERS:
        raise SesValidationError(
            "headers",
            f"{len(headers)} custom headers; SES accepts at most {MAX_CUSTOM_HEADERS}",
        )
    limit = shape("MessageHeaderValue").max
    out: list[tuple[str, str]] = []
    seen: set[str] = set()
    for name, value in headers:
        field = f"headers[{_key(name)}]"
        _expect(name, str, field)
        _expect(value, str, field)
        _rule(_rules.check_header_name, name, field)
        managed = _MANAGED_HEADERS.get(name.lower())
        if managed is not None:
            raise SesValidationError(field, f"is set by the builder; use {managed}")
        if name.lower() in _rules.SINGLE_HEADERS and name.lower() in seen:
            raise SesValidationError(field, "may appear only once")
        seen.add(name.lower())
        _rule(_rules.check_text_line, value, field)
        if not value:
            raise SesValidationError(field, "must not be empty")
        encoded = _encode_header_value(value)
        _rule(_rules.check_header_value, encoded, field)
        if limit is not None and len(encoded) > limit:
            raise SesValidationError(
                field,
                f"is too long once encoded ({len(encoded)} characters; SES allows {limit})",
            )
        out.append((name, value))
    return out


def _key(name: object) -> str:
    """A header or tag name as it appears in a field path (repr unless plain text)."""
    if isinstance(name, str) and name.isascii() and name.isprintable():
        return name
    return repr(name)


def _check_tags(tags: Mapping[str, str]) -> list[dict[str, str]]:
    for name, value in tags.items():
        field = f"tags[{_key(name)}]"
        _expect(name, str, field)
        _expect(value, str, field)
        _rule(_rules.check_tag, name, field)
        _rule(_rules.check_tag, value, field)
    return [{"Name": name, "Value": value} for name, value in tags.items()]


def _check_attachment(att: Any, field: str) -> None:
    """The header-like fields of one attachment, by the rules the serializer uses."""
    if not isinstance(att, Attachment):
        raise SesValidationError(field, f"expected an Attachment, got {type(att).__name__}")
    _expect(att.filename, str, f"{field}.filename")
    _rule(_rules.check_text_line, att.filename, f"{field}.filename")
    _rule(_rules.check_content_type, att.resolved_content_type, f"{field}.content_type")
    if att.description is not None:
        _expect(att.description, str, f"{field}.description")
        _rule(_rules.check_text_line, att.description, f"{field}.description")
    if att.content_id is not None:
        _expect(att.content_id, str, f"{field}.content_id")
        _rule(_rules.check_content_id, att.content_id, f"{field}.content_id")
    for name, sh in (("filename", "AttachmentFileName"), ("content_id", "AttachmentContentId")):
        value = getattr(att, name)
        limit = shape(sh).max
        if value is not None and limit is not None and len(value) > limit:
            raise SesValidationError(f"{field}.{name}", f"must be at most {limit} characters")


def _tag_pairs(
    tags: Mapping[str, str] | Iterable[tuple[str, str] | Any],
) -> list[tuple[str, str]]:
    if isinstance(tags, Mapping):
        return [(str(k), v) for k, v in tags.items()]
    pairs: list[tuple[str, str]] = []
    for item in tags:
        if isinstance(item, tuple):
            name, value = item
        elif isinstance(item, Mapping):
            name = item.get("name", item.get("Name"))
            value = item.get("value", item.get("Value"))
        else:  # a MessageTag struct, or anything shaped like one
            name, value = getattr(item, "name", None), getattr(item, "value", None)
        pairs.append((name, value))
    return pairs


def _attachment_wire(att: Attachment) -> dict[str, Any]:
    """An :class:`Attachment` as an SES v2 ``Attachment`` member (Simple/Template)."""
    wire: dict[str, Any] = {
        "RawContent": att.data,
        "FileName": att.filename,
        "ContentType": att.resolved_content_type,
        "ContentDisposition": "INLINE" if att.disposition == "inline" else "ATTACHMENT",
    }
    if att.content_id:
        wire["ContentId"] = att.content_id.strip("<>")
    if att.description:
        wire["ContentDescription"] = att.description
    if att.transfer_encoding:
        te = att.transfer_encoding
        wire["ContentTransferEncoding"] = _TRANSFER_ENCODINGS.get(te.lower(), te.upper())
    return wire


class EmailBuilder(Generic[R]):
    """Collects one message fluently; ``build()`` checks it, ``send()`` sends it.

    Every setter returns the builder. ``send`` is the function that performs
    the ``SendEmail`` call with the parameters ``build()`` returns; the
    clients create builders for you (``client.email_builder()``).
    """

    def __init__(self, send: Callable[[dict[str, Any]], R]) -> None:
        self._send = send
        self._from: tuple[str | None, str] | None = None  # (display name, address)
        self._to: list[str] = []
        self._cc: list[str] = []
        self._bcc: list[str] = []
        self._reply_to: list[str] = []
        self._subject: str | None = None
        self._text: str | None = None
        self._html: str | None = None
        self._template: str | None = None
        self._template_data: str | None = None
        self._attachments: list[Attachment] = []
        self._headers: list[tuple[str, str]] = []
        self._configuration_set: str | None = None
        self._feedback: str | None = None
        self._tags: dict[str, str] = {}
        self._list_management: tuple[str, str | None] | None = None
        self._raw = False

    # ------------------------------------------------------------ addresses

    def from_(self, email: str) -> EmailBuilder[R]:
        """The sender (a verified identity), e.g. ``"news@example.com"``."""
        _expect(email, str, "from_")
        self._from = (None, email)
        return self

    def from_name(self, name: str, email: str) -> EmailBuilder[R]:
        """The sender with a display name; non-ASCII names are RFC 2047-encoded."""
        _expect(name, str, "from_name.name")
        _expect(email, str, "from_name.email")
        self._from = (name, email)
        return self

    def to(self, email: str) -> EmailBuilder[R]:
        _expect(email, str, "to")
        self._to.append(email)
        return self

    def to_many(self, emails: Iterable[str]) -> EmailBuilder[R]:
        self._to.extend(_addresses(emails, "to_many"))
        return self

    def cc(self, email: str) -> EmailBuilder[R]:
        _expect(email, str, "cc")
        self._cc.append(email)
        return self

    def cc_many(self, emails: Iterable[str]) -> EmailBuilder[R]:
        self._cc.extend(_addresses(emails, "cc_many"))
        return self

    def bcc(self, email: str) -> EmailBuilder[R]:
        _expect(email, str, "bcc")
        self._bcc.append(email)
        return self

    def bcc_many(self, emails: Iterable[str]) -> EmailBuilder[R]:
        self._bcc.extend(_addresses(emails, "bcc_many"))
        return self

    def reply_to(self, email: str) -> EmailBuilder[R]:
        _expect(email, str, "reply_to")
        self._reply_to.append(email)
        return self

    def reply_to_many(self, emails: Iterable[str]) -> EmailBuilder[R]:
        self._reply_to.extend(_addresses(emails, "reply_to_many"))
        return self

    # -------------------------------------------------------------- content

    def subject(self, subject: str) -> EmailBuilder[R]:
        _expect(subject, str, "subject")
        self._subject = subject
        return self

    def text_body(self, text: str) -> EmailBuilder[R]:
        _expect(text, str, "text_body")
        self._text = text
        return self

    def html_body(self, html: str) -> EmailBuilder[R]:
        _expect(html, str, "html_body")
        self._html = html
        return self

    def body(self, text: str, html: str) -> EmailBuilder[R]:
        """Both parts at once; mail clients show the HTML one when they can."""
        _expect(text, str, "body.text")
        _expect(html, str, "body.html")
        self._text = text
        self._html = html
        return self

    def template(self, name: str) -> EmailBuilder[R]:
        """Send the stored SES template ``name`` instead of a subject and body."""
        _expect(name, str, "template")
        _rule(_rules.check_name, name, "template")
        self._template = name
        return self

    def template_data(self, data: Any) -> EmailBuilder[R]:
        """Template variables: a mapping, a msgspec Struct or a dataclass instance."""
        self._template_data = encode_template_data(data)
        return self

    def template_data_json(self, data: str | bytes) -> EmailBuilder[R]:
        """Template variables as JSON text; it must hold a JSON object."""
        _expect(data, (str, bytes), "template_data_json")
        self._template_data = encode_template_data(data, field="template_data_json")
        return self

    def attachment(self, attachment: Attachment) -> EmailBuilder[R]:
        _expect(attachment, Attachment, "attachment")
        self._attachments.append(attachment)
        return self

    def attach_file(self, path: str | os.PathLike[str]) -> EmailBuilder[R]:
        """Attach a file; its content type is guessed from its name."""
        _expect(path, (str, os.PathLike), "attach_file")
        self._attachments.append(Attachment.from_path(path))
        return self

    def attach_bytes(self, filename: str, content_type: str, data: bytes) -> EmailBuilder[R]:
        _expect(filename, str, "attach_bytes.filename")
        _expect(content_type, str, "attach_bytes.content_type")
        _expect(data, (bytes, bytearray, memoryview), "attach_bytes.data")
        self._attachments.append(Attachment(filename, data, content_type=content_type))
        return self

    def inline_image(
        self,
        content_id: str,
        data_or_path: bytes | str | os.PathLike[str],
        filename: str | None = None,
        content_type: str | None = None,
    ) -> EmailBuilder[R]:
        """An image the HTML body shows with ``<img src="cid:{content_id}">``.

        ``data_or_path`` is the image bytes or the path of the image file
        (the file name then defaults to the path's name). The content type
        comes from ``content_type``, else the file name, else the image's
        signature (PNG, JPEG, GIF, WebP).
        """
        _expect(content_id, str, "inline_image.content_id")
        _expect(data_or_path, (bytes, bytearray, memoryview, str, os.PathLike), "inline_image")
        if filename is not None:
            _expect(filename, str, "inline_image.filename")
        if content_type is not None:
            _expect(content_type, str, "inline_image.content_type")
        if isinstance(data_or_path, bytes | bytearray | memoryview):
            data = bytes(data_or_path)
            name = filename or content_id.strip("<>")
        else:
            path = Path(data_or_path)
            data = path.read_bytes()
            name = filename or path.name
        image = Attachment.inline(name, data, content_id.strip("<>"), content_type=content_type)
        if image.resolved_content_type == "application/octet-stream":
            # Mail clients only show an inline part whose type says "image".
            sniffed = _image_type(data)
            if sniffed is not None:
                image = dataclasses.replace(image, content_type=sniffed)
        self._attachments.append(image)
        return self

    def header(self, name: str, value: str) -> EmailBuilder[R]:
        """A custom header (at most 15); non-ASCII values are RFC 2047-encoded."""
        _expect(name, str, "header.name")
        _expect(value, str, "header.value")
        self._headers.append((name, value))
        return self

    def raw(self, enabled: bool = True) -> EmailBuilder[R]:
        """Compose the MIME message here and send it as ``Raw`` content."""
        _expect(enabled, bool, "raw")
        self._raw = enabled
        return self

    # -------------------------------------------------------- configuration

    def configuration_set(self, name: str) -> EmailBuilder[R]:
        _expect(name, str, "configuration_set")
        _rule(_rules.check_name, name, "configuration_set")
        self._configuration_set = name
        return self

    def feedback_forwarding_email(self, email: str) -> EmailBuilder[R]:
        """Where SES forwards bounces and complaints for this message."""
        _expect(email, str, "feedback_forwarding_email")
        self._feedback = email
        return self

    def tag(self, name: str, value: str) -> EmailBuilder[R]:
        """A message tag for event publishing (a later tag of the same name wins)."""
        _expect(name, str, "tag.name")
        _expect(value, str, "tag.value")
        self._tags[name] = value
        return self

    def tags(self, tags: Mapping[str, str] | Iterable[tuple[str, str] | Any]) -> EmailBuilder[R]:
        """Several tags: a mapping, ``(name, value)`` pairs or ``MessageTag`` structs."""
        for name, value in _tag_pairs(tags):
            self._tags[name] = value
        return self

    def list_management(self, contact_list: str, topic: str | None = None) -> EmailBuilder[R]:
        """Send as part of a contact list (and topic) so SES handles unsubscribes."""
        _expect(contact_list, str, "list_management.contact_list")
        if topic is not None:
            _expect(topic, str, "list_management.topic")
        self._list_management = (contact_list, topic)
        return self

    # ---------------------------------------------------------------- build

    def build(self) -> dict[str, Any]:
        """Check everything and return the ``SendEmail`` parameters (wire names).

        Raises :class:`SesValidationError` naming the offending field; it does
        no I/O, so calling it is how to check a message without sending it.
        The result has passed the same request checks as a flat
        ``send_email`` call (and is encoded already, so ``send()`` does not
        check it twice); it is read-only.
        """
        params = self._params()
        return encode_prepared(params)

    def _params(self) -> dict[str, Any]:
        sender = self._sender()
        to = _normalize_all(self._to, "to")
        cc = _normalize_all(self._cc, "cc")
        bcc = _normalize_all(self._bcc, "bcc")
        reply_to = _normalize_all(self._reply_to, "reply_to")
        count = len(to) + len(cc) + len(bcc)
        problem = _rules.check_recipient_count(count)
        if problem is not None:
            more = " (use send_bulk for more)" if count > MAX_RECIPIENTS else ""
            raise SesValidationError("to" if count == 0 else "destination", problem + more)
        headers = _check_headers(self._headers)
        tags = _check_tags(self._tags)
        has_body = self._text is not None or self._html is not None
        if self._template is not None and has_body:
            raise SesValidationError(
                "template", "a message has either a template or a body, not both"
            )
        if self._template is None and not has_body:
            raise SesValidationError("body", "set a text or HTML body, or a template")
        if self._template is not None and self._subject is not None:
            # SES would silently use the template's subject instead.
            raise SesValidationError("subject", "a templated message takes the template's subject")
        if self._subject is not None:
            _rule(_rules.check_no_crlf, self._subject, "subject")
        content_ids: set[str] = set()
        for index, att in enumerate(self._attachments):
            _check_attachment(att, f"attachments[{index}]")
            if att.content_id is not None:
                if att.content_id in content_ids:
                    raise SesValidationError(
                        f"attachments[{index}].content_id", "is used by another attachment"
                    )
                content_ids.add(att.content_id)
        inline = [a for a in self._attachments if a.disposition == "inline"]
        if inline and self._template is None and self._html is None:
            raise SesValidationError(
                "attachments", "inline images are shown by an HTML body; set html_body()"
            )
        # Estimate before encoding anything, so a huge message fails fast.
        body_size = len((self._text or "").encode()) + len((self._html or "").encode())
        check_message_size(
            body_size + estimated_encoded_size(self._attachments), field="attachments"
        )

        params: dict[str, Any] = {"FromEmailAddress": sender}
        destination: dict[str, list[str]] = {}
        if to:
            destination["ToAddresses"] = to
        if cc:
            destination["CcAddresses"] = cc
        if bcc:
            destination["BccAddresses"] = bcc
        params["Destination"] = destination

        if self._template is not None:
            if self._raw:
                raise SesValidationError(
                    "raw", "a templated message is rendered by SES and cannot be sent raw"
                )
            params["Content"] = {"Template": self._template_content(headers)}
            if reply_to:
                params["ReplyToAddresses"] = reply_to
        elif self._raw or inline:
            params["Content"] = {"Raw": {"Data": self._compose(sender, to, cc, reply_to, headers)}}
        else:
            params["Content"] = {"Simple": self._simple_content(headers)}
            if reply_to:
                params["ReplyToAddresses"] = reply_to

        if self._feedback is not None:
            params["FeedbackForwardingEmailAddress"] = normalize_address(
                self._feedback, field="feedback_forwarding_email"
            )
        if tags:
            params["EmailTags"] = tags
        if self._configuration_set is not None:
            params["ConfigurationSetName"] = self._configuration_set
        if self._list_management is not None:
            contact_list, topic = self._list_management
            options = {"ContactListName": contact_list}
            if topic is not None:
                options["TopicName"] = topic
            params["ListManagementOptions"] = options
        return params

    def send(self) -> R:
        """Build (validating everything) and send; the async client's is awaitable."""
        return self._send(self.build())

    # -------------------------------------------------------------- helpers

    def _sender(self) -> str:
        if self._from is None:
            raise SesValidationError("from_", "a message needs a sender: call from_()")
        name, email = self._from
        if name is None:  # "Name <addr>" is accepted here too
            return normalize_address(email, field="from_")
        return format_address(email, name, field="from_")

    def _subject_or_fail(self) -> str:
        if self._subject is None:
            raise SesValidationError("subject", "a message with a body needs a subject")
        return self._subject

    def _simple_content(self, headers: list[tuple[str, str]]) -> dict[str, Any]:
        body: dict[str, Any] = {}
        if self._text is not None:
            body["Text"] = {"Data": self._text, "Charset": _UTF8}
        if self._html is not None:
            body["Html"] = {"Data": self._html, "Charset": _UTF8}
        message: dict[str, Any] = {
            "Subject": {"Data": self._subject_or_fail(), "Charset": _UTF8},
            "Body": body,
        }
        if headers:
            message["Headers"] = [{"Name": n, "Value": _encode_header_value(v)} for n, v in headers]
        if self._attachments:
            message["Attachments"] = [_attachment_wire(a) for a in self._attachments]
        return message

    def _template_content(self, headers: list[tuple[str, str]]) -> dict[str, Any]:
        assert self._template is not None
        content: dict[str, Any] = {
            "TemplateName": self._template,
            # SES requires TemplateData; an empty object renders a template
            # that has no variables.
            "TemplateData": self._template_data if self._template_data is not None else "{}",
        }
        if headers:
            content["Headers"] = [{"Name": n, "Value": _encode_header_value(v)} for n, v in headers]
        if self._attachments:
            content["Attachments"] = [_attachment_wire(a) for a in self._attachments]
        return content

    def _compose(
        self,
        sender: str,
        to: list[str],
        cc: list[str],
        reply_to: list[str],
        headers: list[tuple[str, str]],
    ) -> bytes:
        # Bcc stays out of the MIME headers: SES delivers it from Destination.
        try:
            data = compose_message(
                from_=sender,
                to=to,
                cc=cc,
                reply_to=reply_to,
                subject=self._subject_or_fail(),
                text=self._text,
                html=self._html,
                attachments=self._attachments,
                headers=headers,
            )
        except SesValidationError as exc:
            if exc.field != "content":
                raise
            # compose_message's own check of the composed size: name the
            # part of the message that makes it big.
            raise SesValidationError("attachments", exc.problem) from None
        check_message_size(len(data), field="attachments")
        return data


def encode_prepared(params: dict[str, Any]) -> PreparedParams:
    """``SendEmail`` parameters checked by the request serializer and encoded once."""
    return PreparedParams(params, encode_input(operation("send_email"), params))


def _addresses(emails: Iterable[str], method: str) -> list[str]:
    if isinstance(emails, str):  # a lone string is one address, not its letters
        return [emails]
    if isinstance(emails, bytes | Mapping) or not hasattr(emails, "__iter__"):
        raise SesValidationError(
            method, f"expected an iterable of str, got {type(emails).__name__}"
        )
    found = list(emails)
    for index, email in enumerate(found):
        _expect(email, str, f"{method}[{index}]")
    return found


def _normalize_all(addresses: list[str], field: str) -> list[str]:
    return [normalize_address(a, field=f"{field}[{i}]") for i, a in enumerate(addresses)]


def templated_email(
    builder: EmailBuilder[R],
    from_: str,
    to: str | Iterable[str],
    template_name: str,
    template_data: Any,
    *,
    configuration_set: str | None = None,
    tags: Mapping[str, str] | Iterable[tuple[str, str] | Any] | None = None,
    cc: str | Iterable[str] | None = None,
    bcc: str | Iterable[str] | None = None,
    reply_to: str | Iterable[str] | None = None,
) -> EmailBuilder[R]:
    """Fill ``builder`` from the arguments of the clients' ``send_templated_email``.

    ``template_data`` may be JSON text or anything
    :meth:`EmailBuilder.template_data` takes.
    """
    builder.from_(from_).to_many(_addresses_of(to, "to"))
    builder.template(template_name).template_data(template_data)
    builder.cc_many(_addresses_of(cc, "cc")).bcc_many(_addresses_of(bcc, "bcc"))
    builder.reply_to_many(_addresses_of(reply_to, "reply_to"))
    if configuration_set is not None:
        builder.configuration_set(configuration_set)
    if tags is not None:
        builder.tags(tags)
    return builder


def _addresses_of(value: str | Iterable[str] | None, argument: str) -> list[str]:
    if value is None:
        return []
    return _addresses(value, argument)
