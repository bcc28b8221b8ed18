"""MIME messages for SES ``Raw`` content, and the address helpers.

SES's ``Simple`` content cannot express inline images referenced by content id
or a custom multipart layout, so the e-mail builder composes such messages
here and sends the bytes as ``Raw`` content. Everything is a pure function
over the stdlib :mod:`email` package (plus ``email-validator`` for address
syntax).

Why the header text is written here rather than by ``email.headerregistry``:
given a subject, display name or filename, the stdlib's modern API turns an
encoded-word lookalike such as ``=?utf-8?q?x?=`` into ``x``, drops leading
whitespace, and refuses characters that :meth:`str.splitlines` treats as line
breaks (``\\x0b``, ``\\x85``, ``\\u2028``). So every header value is encoded
(RFC 2047 / RFC 2231) and folded by the small functions below, and the
part tree is written out by :meth:`_Part.to_bytes`, byte for byte what
:class:`~email.generator.BytesGenerator` makes of the same headers set with
:meth:`~email.message.Message.set_raw` (``tests/test_mime.py`` holds the two
side by side), at a fraction of its cost: the generator parses every
Content-Type header again to walk the tree. What is sent is exactly what was
validated, and the stdlib's parser reads it back unchanged (``tests/test_mime.py``
checks this with property tests), bar CPython gh-128110: a parser bug that
keeps the space between two encoded words of a display name.
"""

from __future__ import annotations

import base64
import binascii
import mimetypes
import os
import re
import secrets
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime, make_msgid
from typing import Final, Literal

from email_validator import EmailNotValidError, validate_email

from aws_ses import _rules
from aws_ses.addresses import (
    check_text,
    encoded_words,
    format_address,
    normalize_address,
    printable_ascii,
)
from aws_ses.errors import SesValidationError

__all__ = [
    "MAX_MESSAGE_BYTES",
    "Attachment",
    "check_message_size",
    "compose_message",
    "estimated_encoded_size",
    "format_address",
    "normalize_address",
]

#: SES v2's limit for one message, attachments included, after base64 encoding.
MAX_MESSAGE_BYTES: Final = _rules.MAX_MESSAGE_BYTES

TransferEncoding = Literal["base64", "quoted-printable", "7bit", "8bit"]

# refold_source="none": headers stored raw are already encoded and folded, so
# the generator must write them as they are (it would otherwise re-parse any
# line over 78 characters, which is where the stdlib's folder goes wrong).

_MAX_LINE: Final = 78  # RFC 5322 "SHOULD"; the hard limit is 998
_HARD_LINE: Final = 998
_B64_LINE: Final = 76

_NEWLINES: Final = re.compile(r"\r\n|\r|\n")
_LONE_LF: Final = re.compile(rb"(?<!\r)\n")
# RFC 2231 attribute-char: what may stay unescaped in an extended parameter.
_ATTR_CHAR: Final = frozenset(
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#$&+-.^_`|~"
)
# Filenames written as a plain quoted string; anything else goes as RFC 2231,
# which every parser decodes the same way.
_PLAIN_FILENAME: Final = re.compile(r"[A-Za-z0-9._()+,@&!#$~-]+(?: [A-Za-z0-9._()+,@&!#$~-]+)*")
_TOKEN: Final = r"[!#$%&'*+.^_`|~0-9A-Za-z-]+"
_CONTENT_TYPE: Final = re.compile(rf"({_TOKEN})/({_TOKEN})((?:\s*;\s*[ -~]*)?)")
_HEADER_VALUE_BAD: Final = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")

# Headers compose_message writes from its own arguments; a custom copy would
# contradict them (and a Bcc header would leak the blind copies).
_STRUCTURAL: Final = frozenset(
    {
        "from",
        "to",
        "cc",
        "bcc",
        "reply-to",
        "subject",
        "content-type",
        "mime-version",
        "content-transfer-encoding",
    }
)
# Headers we add only when the caller did not; RFC 5322 allows one of each.
_SINGLETONS: Final = frozenset({"date", "message-id"})

# mimetypes reports a compressed file as its inner type plus an encoding
# ("a.tar.gz" -> x-tar, gzip); the bytes on the wire are the compressed ones.
_COMPRESSED_TYPES: Final = {
    "gzip": "application/gzip",
    "bzip2": "application/x-bzip2",
    "xz": "application/x-xz",
    "compress": "application/x-compress",
    "br": "application/x-brotli",
}


# ---------------------------------------------------------------- attachments


@dataclass(frozen=True)
class Attachment:
    """A file to attach, or an inline part the HTML body refers to by ``cid:``.

    ``content_type`` is guessed from ``filename`` when omitted (see
    :attr:`resolved_content_type`). ``content_id`` is kept without angle
    brackets (they are removed if given). ``transfer_encoding`` defaults to
    base64; "7bit" and "8bit" send the data as lines (line breaks become CRLF)
    and are only for data that is already text.
    """

    filename: str
    data: bytes
    content_type: str | None = None
    disposition: Literal["attachment", "inline"] = "attachment"
    content_id: str | None = None
    description: str | None = None
    transfer_encoding: TransferEncoding | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.data, bytes):
            # bytearray / memoryview: freeze a copy so the value stays immutable.
            object.__setattr__(self, "data", bytes(self.data))
        cid = self.content_id
        if cid is not None and cid.startswith("<") and cid.endswith(">"):
            object.__setattr__(self, "content_id", cid[1:-1])

    @classmethod
    def from_path(cls, path: str | os.PathLike[str]) -> Attachment:
        """Read a file; the attachment is named after its last path component."""
        with open(path, "rb") as fh:
            data = fh.read()
        return cls(filename=os.path.basename(os.fspath(path)), data=data)

    @classmethod
    def inline(
        cls,
        filename: str,
        data: bytes,
        content_id: str,
        content_type: str | None = None,
    ) -> Attachment:
        """An inline part (typically an image) shown where the HTML says ``cid:<id>``."""
        return cls(
            filename=filename,
            data=data,
            content_type=content_type,
            disposition="inline",
            content_id=content_id,
        )

    @property
    def resolved_content_type(self) -> str:
        """``content_type``, else a guess from the filename, else octet-stream."""
        if self.content_type:
            return self.content_type
        guessed, encoding = mimetypes.guess_type(self.filename, strict=False)
        if encoding is not None:
            return _COMPRESSED_TYPES.get(encoding, "application/octet-stream")
        return guessed or "application/octet-stream"


def estimated_encoded_size(attachments: Iterable[Attachment]) -> int:
    """Bytes the attachments' data take once transfer-encoded, line breaks included.

    Cheap enough to run before building anything: base64 (the default) is
    computed from the length alone (4 bytes per 3, CRLF every 76 characters).
    MIME headers and the message body come on top of this.
    """
    total = 0
    for att in attachments:
        encoding = att.transfer_encoding or "base64"
        if encoding == "base64":
            total += _rules.encoded_size(len(att.data))
        elif encoding == "quoted-printable":
            total += len(_qp(att.data, text=False))
        else:
            total += len(att.data) + att.data.count(b"\n") + 2
    return total


def check_message_size(size: int, *, field: str = "content") -> None:
    """Raise :class:`SesValidationError` when ``size`` bytes exceed what SES accepts."""
    problem = _rules.check_message_size(size)
    if problem is not None:
        raise SesValidationError(field, problem)


# ---------------------------------------------------------------- header text


def _unstructured(text: str) -> list[str]:
    """Words for an unstructured header (Subject, descriptions), folded at spaces.

    Plain text when it reads back unchanged and folds within 78 columns;
    otherwise the whole value as encoded words.
    """
    words = text.split(" ")
    if (
        printable_ascii(text)
        and "=?" not in text
        and not text.startswith(" ")
        and not text.endswith(" ")
        and max(map(len, words)) <= _MAX_LINE - len("Subject: ")
    ):
        return words
    return encoded_words(text)


def _fold(name: str, words: Sequence[str], field: str) -> str:
    """Join ``words`` with single spaces, breaking lines before a space as needed.

    Unfolding (deleting the CRLF) restores the joined text exactly. No break
    goes before an empty word, so no continuation line is only whitespace.
    """
    lines: list[str] = []
    line = ""
    column = len(name) + 2
    for index, word in enumerate(words):
        if index == 0:
            line = word
        elif word and column + 1 + len(word) > _MAX_LINE:
            lines.append(line)
            line = " " + word
            column = 0
        else:
            line += " " + word
        column += len(word) + (1 if index else 0)
    lines.append(line)
    if any(len(x) > _HARD_LINE for x in lines) or len(name) + 2 + len(lines[0]) > _HARD_LINE:
        raise SesValidationError(field, "a line of this header would exceed 998 characters")
    return "\r\n".join(lines)


def _address_list(values: Sequence[str], field: str) -> list[str]:
    """Header words for a list of mailboxes, validated and normalised."""
    if isinstance(values, str):
        raise SesValidationError(field, "expected a list of addresses, got a single string")
    words: list[str] = []
    for index, value in enumerate(values):
        mailbox_words = normalize_address(value, field=f"{field}[{index}]").split(" ")
        if words:
            words[-1] += ","
        words.extend(mailbox_words)
    return words


# ---------------------------------------------------------------- bodies


def _crlf(data: bytes) -> bytes:
    return _LONE_LF.sub(b"\r\n", data)


def _qp(data: bytes, *, text: bool) -> bytes:
    # b2a_qp keeps lines within 76 characters with soft breaks; text mode
    # leaves the (already CRLF) line breaks as they are.
    return _crlf(binascii.b2a_qp(data, istext=text))


def _base64(data: bytes) -> bytes:
    encoded = base64.b64encode(data)
    return b"".join(encoded[i : i + _B64_LINE] + b"\r\n" for i in range(0, len(encoded), _B64_LINE))


def _text_body(text: str, field: str) -> tuple[str, str]:
    """(transfer encoding, payload) for a text body.

    Line breaks are canonicalised to CRLF (MIME's form for text). Quoted-
    printable or base64, whichever is smaller: both keep every line short, so
    even one 5,000-character line is safe. Every payload line ends in CRLF; a
    QP body that does not end a line gets a soft break, which decodes to
    nothing.
    """
    try:
        data = _NEWLINES.sub("\r\n", text).encode("utf-8")
    except UnicodeEncodeError as exc:
        raise SesValidationError(
            field, f"is not valid Unicode (lone surrogate at index {exc.start})"
        ) from None
    qp = _qp(data, text=True)
    b64 = _base64(data)
    if len(qp) <= len(b64):
        if qp and not qp.endswith(b"\r\n"):
            qp += b"=\r\n"
        return "quoted-printable", qp.decode("ascii")
    return "base64", b64.decode("ascii")


class _Part:
    """One MIME entity: header (name, folded value) pairs and a payload or sub-parts."""

    __slots__ = ("boundary", "headers", "parts", "payload")

    def __init__(
        self,
        headers: list[tuple[str, str]],
        payload: str = "",
        parts: Sequence[_Part] = (),
        boundary: str = "",
    ) -> None:
        self.headers = headers
        self.payload = payload  # CRLF lines; 8bit bytes as surrogate escapes
        self.parts = parts
        self.boundary = boundary  # set for a multipart, which has parts instead

    def to_bytes(self) -> bytes:
        out: list[str] = []
        self._write(out)
        return "".join(out).encode("ascii", "surrogateescape")

    def _write(self, out: list[str]) -> None:
        for name, value in self.headers:
            # As the SMTP policy writes a header it is not to refold: the
            # value's own lines, joined with CRLF.
            out.append(f"{name}: {_CRLF.join(value.splitlines())}{_CRLF}")
        out.append(_CRLF)
        if not self.boundary:
            out.append(self.payload)
            return
        delimiter = f"--{self.boundary}"
        for index, part in enumerate(self.parts):
            out.append(f"{_CRLF if index else ''}{delimiter}{_CRLF}")
            part._write(out)
        out.append(f"{_CRLF}{delimiter}--{_CRLF}")


_CRLF: Final = "\r\n"


def _leaf(headers: list[tuple[str, str]], cte: str, payload: str) -> _Part:
    return _Part([*headers, ("Content-Transfer-Encoding", cte)], payload)


def _text_part(body: str, subtype: str, field: str) -> _Part:
    cte, payload = _text_body(body, field)
    return _leaf([("Content-Type", f"text/{subtype}; charset=utf-8")], cte, payload)


def _multipart(subtype: str, parts: Sequence[_Part], *params: str) -> _Part:
    # "=_" cannot start a base64 or quoted-printable line, and 128 random bits
    # will not turn up in 7bit/8bit data, so no part needs to be scanned.
    boundary = f"=_{secrets.token_hex(16)}"
    words = [f"multipart/{subtype};", *(f"{p};" for p in params), f'boundary="{boundary}"']
    content_type = _fold("Content-Type", words, "content_type")
    return _Part([("Content-Type", content_type)], parts=parts, boundary=boundary)


def _attachment_part(att: Attachment, field: str) -> _Part:
    filename = att.filename
    if not isinstance(filename, str):
        raise SesValidationError(f"{field}.filename", "expected a string")
    check_text(filename, f"{field}.filename")
    _rule(_rules.check_text_line, filename, f"{field}.filename")
    content_type = _check_content_type(att.resolved_content_type, f"{field}.content_type")
    if att.disposition not in ("attachment", "inline"):
        raise SesValidationError(f"{field}.disposition", "must be 'attachment' or 'inline'")

    type_words = [content_type + (";" if filename else "")]
    disposition_words = [att.disposition + (";" if filename else "")]
    if filename:
        type_words += _name_param(filename)
        disposition_words += _filename_params(filename)
    headers = [
        ("Content-Type", _fold("Content-Type", type_words, f"{field}.content_type")),
        ("Content-Disposition", _fold("Content-Disposition", disposition_words, field)),
    ]
    if att.content_id is not None:
        _rule(_rules.check_content_id, att.content_id, f"{field}.content_id")
        headers.append(("Content-ID", f"<{att.content_id}>"))
    if att.description is not None:
        check_text(att.description, f"{field}.description")
        _rule(_rules.check_text_line, att.description, f"{field}.description")
        words = _unstructured(att.description)
        headers.append(
            ("Content-Description", _fold("Content-Description", words, f"{field}.description"))
        )
    cte, payload = _attachment_payload(att, field)
    return _leaf(headers, cte, payload)


def _rule(check: Callable[[str], str | None], value: str, field: str) -> None:
    problem = check(value)
    if problem is not None:
        raise SesValidationError(field, problem)


def _check_content_type(value: str, field: str) -> str:
    if not isinstance(value, str):
        raise SesValidationError(field, f"expected a string, got {type(value).__name__}")
    _rule(_rules.check_content_type, value, field)
    match = _CONTENT_TYPE.fullmatch(value)
    assert match is not None  # the rule above checked the same syntax
    maintype = match.group(1).lower()
    params = match.group(3).strip().rstrip(";").rstrip()
    return f"{maintype}/{match.group(2).lower()}" + (f" {params}" if params else "")


def _name_param(filename: str) -> list[str]:
    """Content-Type ``name=``: what old clients (Outlook) read for the filename."""
    if _plain_filename(filename):
        return [f'name="{filename}"']
    # RFC 2047 inside a quoted string is non-standard but is what those
    # clients understand; RFC 2231 in Content-Disposition is the real one.
    words = encoded_words(filename)
    words[0] = 'name="' + words[0]
    words[-1] += '"'
    return words


def _plain_filename(filename: str) -> bool:
    return len(filename) <= 60 and _PLAIN_FILENAME.fullmatch(filename) is not None


def _filename_params(filename: str) -> list[str]:
    """``filename=`` words: a quoted string, or RFC 2231 (continued if long)."""
    if _plain_filename(filename):
        return [f'filename="{filename}"']
    pieces = [
        "".join(chr(b) if b in _ATTR_CHAR else f"%{b:02X}" for b in char.encode("utf-8"))
        for char in filename
    ]
    encoded = "".join(pieces)
    if len(encoded) <= 50:
        return [f"filename*=utf-8''{encoded}"]
    # Continuations (filename*0*, filename*1*, ...) split between characters.
    segments: list[str] = []
    current = "utf-8''"
    for piece in pieces:
        if len(current) + len(piece) > 56:
            segments.append(current)
            current = ""
        current += piece
    segments.append(current)
    last = len(segments) - 1
    return [
        f"filename*{i}*={segment}" + (";" if i < last else "") for i, segment in enumerate(segments)
    ]


def _attachment_payload(att: Attachment, field: str) -> tuple[str, str]:
    encoding = att.transfer_encoding or "base64"
    data = att.data
    if encoding == "base64":
        return "base64", _base64(data).decode("ascii")
    if encoding == "quoted-printable":
        # Binary mode: CR and LF are escaped too, so the bytes come back exact.
        payload = _qp(data, text=False)
        if payload and not payload.endswith(b"\r\n"):
            payload += b"=\r\n"
        return "quoted-printable", payload.decode("ascii")
    if encoding in ("7bit", "8bit"):
        where = f"{field}.transfer_encoding"
        if encoding == "7bit" and not data.isascii():
            raise SesValidationError(where, "7bit data must be ASCII; use base64")
        if b"\x00" in data:
            raise SesValidationError(where, f"{encoding} data must not contain NUL; use base64")
        lines = _NEWLINES.split(data.decode("ascii", "surrogateescape"))
        if any(len(line) > _HARD_LINE for line in lines):
            raise SesValidationError(
                where, f"{encoding} data has a line over 998 bytes; use base64"
            )
        # surrogateescape carries 8bit bytes through to the written message.
        return encoding, "\r\n".join(lines) + ("\r\n" if lines[-1] else "")
    raise SesValidationError(
        f"{field}.transfer_encoding",
        "must be one of base64, quoted-printable, 7bit, 8bit",
    )


# ---------------------------------------------------------------- messages


def _custom_headers(
    headers: Sequence[tuple[str, str]] | Mapping[str, str],
) -> tuple[list[tuple[str, str]], set[str]]:
    """Validated, encoded and folded custom headers, and their lower-cased names."""
    out: list[tuple[str, str]] = []
    seen: set[str] = set()
    items = headers.items() if isinstance(headers, Mapping) else headers
    for item in items:
        if not (isinstance(item, tuple | list) and len(item) == 2):
            raise SesValidationError("headers", "expected (name, value) pairs")
        name, value = item
        if not isinstance(name, str):
            raise SesValidationError(
                f"headers[{name}]", f"expected a string name, got {type(name).__name__}"
            )
        _rule(_rules.check_header_name, name, f"headers[{name}]")
        field = f"headers[{name}]"
        lower = name.lower()
        if lower in _STRUCTURAL:
            raise SesValidationError(
                field, "is set by compose_message itself; use its argument instead"
            )
        if lower in _SINGLETONS and lower in seen:
            raise SesValidationError(field, "may appear only once")
        if not isinstance(value, str):
            raise SesValidationError(field, f"expected a string value, got {type(value).__name__}")
        check_text(value, field)
        bad = _HEADER_VALUE_BAD.search(value)
        if bad:
            raise SesValidationError(
                field, f"must not contain control characters (found {bad.group()!r})"
            )
        # ASCII goes as given (folding at spaces is undone by unfolding);
        # anything else can only travel as encoded words.
        words = value.split(" ")
        if not value.isascii() or len(name) + 2 + max(map(len, words)) > _HARD_LINE:
            # A word too long for any line (SES allows a 995-character value
            # without spaces) can only travel as encoded words too.
            words = encoded_words(value)
        out.append((name, _fold(name, words, field)))
        seen.add(lower)
    return out, seen


def compose_message(
    *,
    from_: str,
    to: Sequence[str] = (),
    cc: Sequence[str] = (),
    reply_to: Sequence[str] = (),
    subject: str,
    text: str | None = None,
    html: str | None = None,
    attachments: Sequence[Attachment] = (),
    headers: Sequence[tuple[str, str]] | Mapping[str, str] = (),
    message_id_domain: str | None = None,
    date: datetime | None = None,
) -> bytes:
    """The complete RFC 5322 message (CRLF line endings) for SES ``Raw`` content.

    Layout: ``text/plain``, ``text/html``, or ``multipart/alternative`` of
    both. Attachments with ``disposition="inline"`` and a ``content_id`` wrap
    the HTML in ``multipart/related``; every other attachment wraps the whole
    in ``multipart/mixed``. Bcc recipients never appear: SES takes them from
    the request's Destination. ``Date`` (``date``, default now) and
    ``MIME-Version`` are always written, ``Message-ID`` only for
    ``message_id_domain`` (unless ``headers`` carries its own ``Date`` or
    ``Message-ID``). Custom ``headers`` (pairs, or a mapping) are validated
    and written as given,
    after the standard ones; non-ASCII values are RFC 2047 encoded.

    Raises :class:`SesValidationError` naming the argument at fault, including
    when the message would exceed :data:`MAX_MESSAGE_BYTES`.
    """
    if not isinstance(subject, str):
        raise SesValidationError("subject", f"expected a string, got {type(subject).__name__}")
    check_text(subject, "subject")
    custom, custom_names = _custom_headers(headers)
    attachments = _check_attachments(attachments)
    if message_id_domain is not None and "message-id" in custom_names:
        raise SesValidationError(
            "headers[Message-ID]", "conflicts with message_id_domain; pass only one of them"
        )
    check_message_size(estimated_encoded_size(attachments), field="attachments")

    head: list[tuple[str, str]] = []
    if "date" not in custom_names:
        when = date or datetime.now(UTC)
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        head.append(("Date", format_datetime(when)))
    sender = normalize_address(from_, field="from_").split(" ")
    head.append(("From", _fold("From", sender, "from_")))
    for name, values, field in (
        ("To", to, "to"),
        ("Cc", cc, "cc"),
        ("Reply-To", reply_to, "reply_to"),
    ):
        words = _address_list(values, field)
        if words:
            head.append((name, _fold(name, words, field)))
    head.append(("Subject", _fold("Subject", _unstructured(subject), "subject")))
    if message_id_domain is not None:
        head.append(("Message-ID", make_msgid(domain=_message_id_domain(message_id_domain))))
    head.append(("MIME-Version", "1.0"))
    head.extend(custom)

    root = _body(text, html, attachments)
    root.headers[:0] = head
    data = root.to_bytes()
    check_message_size(len(data))
    return data


def _message_id_domain(domain: str) -> str:
    if not isinstance(domain, str) or not domain or "@" in domain:
        raise SesValidationError("message_id_domain", "expected a domain name")
    check_text(domain, "message_id_domain")
    # email-validator knows the domain rules (IDNA 2008 to punycode included).
    try:
        result = validate_email(f"id@{domain}", check_deliverability=False)
    except EmailNotValidError as exc:
        raise SesValidationError("message_id_domain", f"is not a valid domain: {exc}") from None
    return str(result.ascii_domain)


def _check_attachments(attachments: Sequence[Attachment]) -> Sequence[Attachment]:
    if isinstance(attachments, Attachment):
        raise SesValidationError("attachments", "expected a list of attachments")
    for index, att in enumerate(attachments):
        if not isinstance(att, Attachment):
            raise SesValidationError(
                f"attachments[{index}]", f"expected an Attachment, got {type(att).__name__}"
            )
    return attachments


def _body(text: str | None, html: str | None, attachments: Sequence[Attachment]) -> _Part:
    related: list[_Part] = []
    mixed: list[_Part] = []
    content_ids: set[str] = set()
    for index, att in enumerate(attachments):
        field = f"attachments[{index}]"
        part = _attachment_part(att, field)
        if att.content_id is not None:
            if att.content_id in content_ids:
                raise SesValidationError(f"{field}.content_id", "is used by another attachment")
            content_ids.add(att.content_id)
        # Only the HTML can refer to a cid; without it, inline parts are
        # simply shown after the text.
        if html is not None and att.disposition == "inline" and att.content_id is not None:
            related.append(part)
        else:
            mixed.append(part)

    for value, field in ((text, "text"), (html, "html")):
        if value is not None and not isinstance(value, str):
            raise SesValidationError(field, f"expected a string, got {type(value).__name__}")
    html_part = _text_part(html, "html", "html") if html is not None else None
    if html_part is not None and related:
        html_part = _multipart("related", [html_part, *related], 'type="text/html"')
    text_part = _text_part(text, "plain", "text") if text is not None else None

    body: _Part | None
    if text_part is not None and html_part is not None:
        body = _multipart("alternative", [text_part, html_part])
    else:
        body = text_part or html_part
    if not mixed:
        # A message needs a body, even an empty one.
        return body if body is not None else _text_part("", "plain", "text")
    return _multipart("mixed", [body, *mixed] if body is not None else mixed)
