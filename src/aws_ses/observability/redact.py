"""What may leave a call for logs, spans and hooks, and what may not.

Addresses, subjects, bodies, template data and raw messages are personal
data; keys and tokens are secrets. Unless ``log_sensitive=True`` the views
built here replace them: members whose shape holds such data become ``***``
(bytes become ``<N bytes>``), and any e-mail address left in free text keeps
only its domain (``***@example.com``). Secrets are removed even with
``log_sensitive=True``. The walk follows the service model, so it knows a
``ToAddresses`` list from a ``ConfigurationSetName``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from aws_ses._http import redact_headers

__all__ = [
    "MASK",
    "destination_count",
    "destinations",
    "redact_headers",
    "redact_params",
    "redact_text",
    "redact_url",
    "redact_userinfo",
]

MASK = "***"

# Shapes whose values are personal data (addresses, subjects, message content).
_PERSONAL_SHAPES = frozenset(
    {
        "EmailAddress",
        "EmailAddressList",
        "AdditionalContactEmailAddress",
        "InsightsEmailAddress",
        "Subject",
        "EmailSubject",
        "DeliverabilityTestSubject",
        "MessageData",
        "MessageContent",
        "RawMessageData",
        "RawAttachmentData",
        "AttachmentContent",
        "EmailTemplateData",
        "EmailTemplateHtml",
        "EmailTemplateSubject",
        "EmailTemplateText",
        "TemplateContent",
        "MessageHeaderValue",
    }
)
# Shapes that are secrets: never shown, whatever log_sensitive says.
_SECRET_SHAPES = frozenset({"PrivateKey"})

# Good enough to find addresses in free text; it is a filter, not a validator.
_EMAIL_RE = re.compile(r"[^\s<>()\[\],;:\"'/?&=%]+(?:@|%40)((?:[A-Za-z0-9-]+\.)+[A-Za-z0-9-]+)")


def redact_text(text: str) -> str:
    """``text`` with every e-mail address reduced to ``***@domain``."""
    if "@" not in text and "%40" not in text:
        return text
    return _EMAIL_RE.sub(lambda m: f"{MASK}@{m.group(1)}", text)


def redact_url(url: str) -> str:
    """A URL fit for a log line: addresses in the path and query masked."""
    from aws_ses._http import _redact_url

    return redact_text(_redact_url(url))


def _get(value: Any, wire: str, py: str) -> Any:
    if type(value) is dict or isinstance(value, Mapping):
        found = value.get(wire)
        return value.get(py) if found is None else found
    return getattr(value, py, None)


def _mask(value: Any) -> Any:
    if isinstance(value, bytes | bytearray | memoryview):
        return f"<{len(value)} bytes>"
    if isinstance(value, list | tuple):
        return [_mask(v) for v in value]
    if isinstance(value, Mapping):
        return {k: _mask(v) for k, v in value.items()}
    return MASK


def _walk(value: Any, shape_name: str | None, sensitive: bool) -> Any:
    from aws_ses._model import shape

    sh = None
    if shape_name is not None:
        try:
            sh = shape(shape_name)
        except KeyError:
            sh = None
    if sh is not None and (sh.name in _SECRET_SHAPES or (sh.sensitive and not sensitive)):
        return _mask(value)
    if sh is not None and not sensitive and sh.name in _PERSONAL_SHAPES:
        return _mask(value)
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, str):
        return value if sensitive else redact_text(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value) if sensitive else f"<{len(value)} bytes>"
    if isinstance(value, list | tuple):
        member = sh.member if sh is not None and sh.kind == "list" else None
        return [_walk(v, member, sensitive) for v in value]
    if sh is not None and sh.kind == "map" and isinstance(value, Mapping):
        return {str(k): _walk(v, sh.value, sensitive) for k, v in value.items()}
    if isinstance(value, Mapping) or hasattr(value, "__struct_fields__"):
        return _structure(value, sh, sensitive)
    return value if sensitive else redact_text(repr(value))


def _structure(value: Any, sh: Any, sensitive: bool) -> dict[str, Any]:
    items: list[tuple[str, Any]]
    if isinstance(value, Mapping):
        items = [(str(k), v) for k, v in value.items()]
    else:
        items = [(f, getattr(value, f)) for f in value.__struct_fields__]
    out: dict[str, Any] = {}
    for key, item in items:
        if item is None:
            continue
        member = sh.lookup(key) if sh is not None and sh.kind == "structure" else None
        name = member.wire if member is not None else key
        out[name] = _walk(item, member.shape if member is not None else None, sensitive)
    return out


def redact_params(
    operation: str, params: Mapping[str, Any], *, sensitive: bool = False
) -> dict[str, Any]:
    """A wire-named copy of a call's parameters fit for logs and hooks.

    ``operation`` is the Python operation name (``send_email``). Unset
    (None) members are left out.
    """
    from aws_ses._model import operation as lookup

    try:
        input_shape = lookup(operation).input
    except KeyError:
        input_shape = None
    return _structure(params, _shape_or_none(input_shape), sensitive)


def _shape_or_none(name: str | None) -> Any:
    if name is None:
        return None
    from aws_ses._model import shape

    return shape(name)


# ------------------------------------------------------------------ recipients


def _addresses(destination: Any) -> list[str]:
    if destination is None:
        return []
    found: list[str] = []
    for wire, py in (
        ("ToAddresses", "to_addresses"),
        ("CcAddresses", "cc_addresses"),
        ("BccAddresses", "bcc_addresses"),
    ):
        values = _get(destination, wire, py)
        if isinstance(values, str):
            found.append(values)
        elif values:
            found.extend(str(v) for v in values)
    return found


def _raw_addresses(content: Any) -> list[str]:
    # A raw message without Destination goes to the addresses in its headers.
    raw = _get(_get(content, "Raw", "raw"), "Data", "data") if content is not None else None
    if isinstance(raw, str):
        raw = raw.encode()
    if not isinstance(raw, bytes | bytearray | memoryview):
        return []
    # Only raw sends get here: the email package is not loaded for the others.
    from email.parser import BytesHeaderParser
    from email.utils import getaddresses

    headers = BytesHeaderParser().parsebytes(bytes(raw))
    fields = [str(v) for name in ("To", "Cc", "Bcc") for v in headers.get_all(name, [])]
    return [addr for _, addr in getaddresses(fields) if addr]


def destinations(operation: str, params: Mapping[str, Any]) -> list[str]:
    """Every recipient address of a sending call, in order (empty for other calls).

    ``operation`` is the SES name (``SendEmail``, ``SendBulkEmail``,
    ``SendCustomVerificationEmail``).
    """
    if operation == "SendEmail":
        found = _addresses(_get(params, "Destination", "destination"))
        return found or _raw_addresses(_get(params, "Content", "content"))
    if operation == "SendBulkEmail":
        entries = _get(params, "BulkEmailEntries", "bulk_email_entries") or ()
        return [a for e in entries for a in _addresses(_get(e, "Destination", "destination"))]
    if operation == "SendCustomVerificationEmail":
        address = _get(params, "EmailAddress", "email_address")
        return [str(address)] if address else []
    return []


def destination_count(operation: str, params: Mapping[str, Any]) -> int:
    """How many recipients a sending call addresses (To + Cc + Bcc, summed over bulk entries)."""
    return len(destinations(operation, params))


def redact_userinfo(url: str) -> str:
    """A URL with any ``user:password@`` part masked (Redis URLs carry passwords)."""
    return re.sub(r"^([a-z][a-z0-9+.-]*://)[^@/]*@", rf"\1{MASK}@", url)
