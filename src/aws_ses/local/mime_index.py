"""A lean reader of MIME structure, for messages too large for :mod:`email`.

The standard parser keeps a message as many text lines and copies each part
while decoding: about seven times the message size for a 40 MiB message. This
reader works on byte offsets into the one ``bytes`` object: it parses only
header blocks (with :mod:`email`), finds part boundaries with ``bytes.find``,
and decodes a leaf's payload straight from a ``memoryview`` of the message,
so its cost is the message plus the one part being decoded. It gives the same
answer as :func:`aws_ses.local.sending.message_parts` for well-formed mail.
"""

from __future__ import annotations

import binascii
import email.message
import email.parser
import email.policy
from collections.abc import Iterator
from typing import Any

__all__ = ["Leaf", "leaves", "parts"]

_HEADERS = email.parser.BytesParser(policy=email.policy.default)
_MAX_DEPTH = 20


def _header_end(raw: bytes, start: int, end: int) -> tuple[int, int]:
    """(end of the header block, start of the body) within ``raw[start:end]``."""
    if raw.startswith((b"\r\n", b"\n"), start):  # no headers at all
        return start, start + (2 if raw.startswith(b"\r\n", start) else 1)
    best = (end, end)
    for separator in (b"\r\n\r\n", b"\n\n"):
        found = raw.find(separator, start, end)
        if found != -1 and found < best[0]:
            best = (found, found + len(separator))
    return best


class Leaf:
    """One non-multipart part: its headers and where its payload lies."""

    def __init__(self, headers: email.message.EmailMessage, raw: bytes, start: int, end: int):
        self.headers, self._raw, self._start, self._end = headers, raw, start, end

    def payload(self) -> bytes:
        """The payload with its transfer encoding undone."""
        view = memoryview(self._raw)[self._start : self._end]
        cte = str(self.headers.get("Content-Transfer-Encoding", "")).strip().lower()
        if cte == "base64":
            return binascii.a2b_base64(view)  # skips line breaks and stray characters
        if cte == "quoted-printable":
            return binascii.a2b_qp(bytes(view))
        return bytes(view)

    def text(self) -> str:
        charset = self.headers.get_content_charset() or "us-ascii"
        try:
            return self.payload().decode(charset, "replace")
        except LookupError:
            return self.payload().decode("utf-8", "replace")


def leaves(raw: bytes, start: int = 0, end: int | None = None, depth: int = 0) -> Iterator[Leaf]:
    """The leaf parts of the message in ``raw[start:end]``, in document order."""
    end = len(raw) if end is None else end
    header_end, body = _header_end(raw, start, end)
    headers = _HEADERS.parsebytes(raw[start:header_end] + b"\r\n\r\n", headersonly=True)
    boundary = headers.get_boundary() if headers.get_content_maintype() == "multipart" else None
    if boundary is None or depth >= _MAX_DEPTH:
        yield Leaf(headers, raw, body, end)
        return
    marker = b"--" + boundary.encode("latin-1", "replace")
    position = raw.find(marker, body, end)
    while position != -1:
        after = position + len(marker)
        if raw.startswith(b"--", after):
            return  # the closing delimiter
        line_end = raw.find(b"\n", after, end)
        if line_end == -1:
            return
        part_start = line_end + 1
        following = raw.find(b"\n" + marker, part_start, end)
        part_end = end if following == -1 else following
        if part_end > part_start and raw[part_end - 1 : part_end] == b"\r":
            part_end -= 1  # the CR of the CRLF before the delimiter belongs to it
        yield from leaves(raw, part_start, part_end, depth + 1)
        position = -1 if following == -1 else following + 1


def parts(
    raw: bytes, *, bodies: bool = True
) -> tuple[str | None, str | None, str | None, list[tuple[dict[str, Any], bytes]]]:
    """Subject, text body, HTML body and attachments, as ``message_parts`` returns them
    (without decoding the bodies when ``bodies`` is false: they come back None)."""
    header_end, _ = _header_end(raw, 0, len(raw))
    top = _HEADERS.parsebytes(raw[:header_end] + b"\r\n\r\n", headersonly=True)
    subject = top.get("Subject")
    text: str | None = None
    html: str | None = None
    attachments: list[tuple[dict[str, Any], bytes]] = []
    seen_text = seen_html = False
    for leaf in leaves(raw):
        headers = leaf.headers
        disposition = headers.get_content_disposition()
        filename = headers.get_filename()
        content_id = headers.get("Content-ID")
        ctype = headers.get_content_type()
        is_attachment = (
            disposition == "attachment"
            or (disposition == "inline" and (filename or content_id))
            or (disposition is None and filename)
        )
        if not is_attachment and ctype == "text/plain" and not seen_text:
            seen_text = True
            text = leaf.text() if bodies else None
            continue
        if not is_attachment and ctype == "text/html" and not seen_html:
            seen_html = True
            html = leaf.text() if bodies else None
            continue
        if is_attachment:
            data = leaf.payload()
            meta = {
                "filename": filename,
                "content_type": ctype,
                "size": len(data),
                "content_id": str(content_id).strip("<>") if content_id else None,
                "disposition": disposition or "attachment",
            }
            attachments.append((meta, data))
    return (str(subject) if subject is not None else None, text, html, attachments)
