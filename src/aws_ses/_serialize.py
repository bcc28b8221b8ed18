"""Validate call parameters and turn them into an HTTP request (pure, no I/O).

One walk over the generated shapes does both jobs: every value is checked
against its shape (type, required members, lengths, enumerations, e-mail
syntax, header safety) and converted to its wire form at the same time, so
nothing is ever sent half-validated. Errors name the field with the Python
names the caller used (``content.simple.subject.data``).
"""

from __future__ import annotations

import base64
import calendar
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any
from urllib.parse import quote

import msgspec

from aws_ses._http import HttpRequest
from aws_ses._model import Operation, Shape, shape
from aws_ses.errors import SesValidationError

__all__ = ["MAX_RECIPIENTS", "build_request", "to_wire"]

MAX_RECIPIENTS = 50  # To + Cc + Bcc of one message
MAX_CUSTOM_HEADERS = 15
_TAG_RE = re.compile(r"[A-Za-z0-9_-]{1,256}")
_HEADER_NAME_RE = re.compile(r"[!-9;-~]{1,126}")  # printable ASCII without ':'
_json_encode = msgspec.json.Encoder().encode


@lru_cache(maxsize=4096)
def _address(value: str) -> tuple[bool, str]:
    """(ok, normalised address or problem); cached because senders repeat."""
    from aws_ses.mime import normalize_address

    try:
        return True, normalize_address(value, field="address")
    except SesValidationError as exc:
        return False, exc.problem


def _type_name(value: object) -> str:
    return type(value).__name__


def _check_string(value: Any, sh: Shape, path: str) -> str:
    if not isinstance(value, str):
        raise SesValidationError(path, f"expected a string, got {_type_name(value)}")
    if sh.enum is not None and value not in sh.enum:
        allowed = ", ".join(sorted(sh.enum))
        raise SesValidationError(path, f"{value!r} is not one of: {allowed}")
    if sh.min is not None and len(value) < sh.min:
        raise SesValidationError(path, f"must be at least {sh.min} characters long")
    if sh.max is not None and len(value) > sh.max:
        raise SesValidationError(path, f"must be at most {sh.max} characters long")
    name = sh.name
    if name == "EmailAddress":
        ok, result = _address(value)
        if not ok:
            raise SesValidationError(path, result)
        return result
    if name in ("MessageTagName", "MessageTagValue"):
        if not _TAG_RE.fullmatch(value):
            raise SesValidationError(
                path,
                "message tags may hold only ASCII letters, digits, '_' and '-' "
                "(1 to 256 characters)",
            )
    elif name == "MessageHeaderName":
        if not _HEADER_NAME_RE.fullmatch(value):
            raise SesValidationError(path, "a header name is printable ASCII without ':'")
    elif (name == "MessageHeaderValue" or path.endswith("subject.data")) and (
        "\r" in value or "\n" in value
    ):
        raise SesValidationError(path, "must not contain CR or LF characters")
    return value


def _check_int(value: Any, sh: Shape, path: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise SesValidationError(path, f"expected an integer, got {_type_name(value)}")
    if sh.min is not None and value < sh.min:
        raise SesValidationError(path, f"must be at least {sh.min}")
    if sh.max is not None and value > sh.max:
        raise SesValidationError(path, f"must be at most {sh.max}")
    return value


def _aware(value: Any, path: str) -> datetime:
    if not isinstance(value, datetime):
        raise SesValidationError(path, f"expected a datetime, got {_type_name(value)}")
    # A naive datetime is taken as UTC, as the AWS SDKs do.
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _epoch(value: datetime) -> int | float:
    seconds = calendar.timegm(value.utctimetuple())
    if value.microsecond:
        return (seconds * 10**6 + value.microsecond) / 10**6
    return seconds


def _iso(value: datetime) -> str:
    value = value.astimezone(UTC)
    fmt = "%Y-%m-%dT%H:%M:%S.%fZ" if value.microsecond else "%Y-%m-%dT%H:%M:%SZ"
    return value.strftime(fmt)


def to_wire(value: Any, sh: Shape, path: str) -> Any:
    """Validate ``value`` against ``sh`` and return its JSON-ready wire form."""
    kind = sh.kind
    if kind == "string":
        return _check_string(value, sh, path)
    if kind == "structure":
        return _structure(value, sh, path)
    if kind == "list":
        if isinstance(value, str | bytes | Mapping) or not hasattr(value, "__iter__"):
            raise SesValidationError(path, f"expected a list, got {_type_name(value)}")
        item = shape(sh.member or "")
        out = [to_wire(v, item, f"{path}[{i}]") for i, v in enumerate(value)]
        if sh.min is not None and len(out) < sh.min:
            raise SesValidationError(path, f"needs at least {sh.min} item(s)")
        if sh.max is not None and len(out) > sh.max:
            raise SesValidationError(path, f"takes at most {sh.max} item(s), got {len(out)}")
        return out
    if kind == "map":
        if not isinstance(value, Mapping):
            raise SesValidationError(path, f"expected a mapping, got {_type_name(value)}")
        key_shape, value_shape = shape(sh.key or ""), shape(sh.value or "")
        result = {
            to_wire(k, key_shape, f"{path}.<key>"): to_wire(v, value_shape, f"{path}[{k!r}]")
            for k, v in value.items()
        }
        if sh.max is not None and len(result) > sh.max:
            raise SesValidationError(path, f"takes at most {sh.max} entries")
        return result
    if kind in ("integer", "long"):
        return _check_int(value, sh, path)
    if kind == "boolean":
        if not isinstance(value, bool):
            raise SesValidationError(path, f"expected True or False, got {_type_name(value)}")
        return value
    if kind == "double":
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise SesValidationError(path, f"expected a number, got {_type_name(value)}")
        return value
    if kind == "timestamp":
        return _epoch(_aware(value, path))
    if kind == "blob":
        if isinstance(value, str):
            value = value.encode()
        if not isinstance(value, bytes | bytearray | memoryview):
            raise SesValidationError(path, f"expected bytes, got {_type_name(value)}")
        return base64.b64encode(value).decode("ascii")
    raise AssertionError(f"unknown shape kind {kind}")  # pragma: no cover


def _structure(value: Any, sh: Shape, path: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    prefix = f"{path}." if path else ""
    if isinstance(value, msgspec.Struct):
        if type(value).__name__ != sh.name:
            raise SesValidationError(path, f"expected {sh.name}, got {_type_name(value)}")
        for m in sh.members:
            v = getattr(value, m.py, None)
            if v is not None:
                out[m.wire] = to_wire(v, shape(m.shape), prefix + m.py)
    elif isinstance(value, Mapping):
        for key, v in value.items():
            found = sh.lookup(key) if isinstance(key, str) else None
            if found is None:
                known = ", ".join(x.py for x in sh.members)
                raise SesValidationError(
                    prefix + str(key), f"unknown member of {sh.name} (known: {known})"
                )
            if v is not None:
                out[found.wire] = to_wire(v, shape(found.shape), prefix + found.py)
    else:
        raise SesValidationError(path, f"expected {sh.name} or a dict, got {_type_name(value)}")
    for wire in sh.required:
        if wire not in out:
            member = sh.lookup(wire)
            raise SesValidationError(prefix + (member.py if member else wire), "is required")
    if sh.name == "Destination":
        count = sum(len(out.get(k, ())) for k in ("ToAddresses", "CcAddresses", "BccAddresses"))
        if count > MAX_RECIPIENTS:
            raise SesValidationError(
                path or "destination",
                f"{count} recipients; SES accepts at most {MAX_RECIPIENTS} per message",
            )
    elif sh.name == "Message" and len(out.get("Headers", ())) > MAX_CUSTOM_HEADERS:
        raise SesValidationError(
            prefix + "headers", f"SES accepts at most {MAX_CUSTOM_HEADERS} custom headers"
        )
    return out


def _query_value(value: Any, sh: Shape, path: str) -> str:
    kind = sh.kind
    if kind == "boolean":
        return "true" if to_wire(value, sh, path) else "false"
    if kind == "timestamp":
        return _iso(_aware(value, path))
    return str(to_wire(value, sh, path))


def _quote(value: str) -> str:
    return quote(value, safe="-._~")


def build_request(op: Operation, params: Mapping[str, Any], endpoint: str) -> HttpRequest:
    """Validate ``params`` (wire name -> value) and build the unsigned request."""
    path = op.uri
    query: list[tuple[str, str]] = []
    body: dict[str, Any] = {}
    has_body_members = False
    if op.input is not None:
        input_shape = shape(op.input)
        # Like the AWS SDKs, send "{}" whenever the input has body members at all.
        has_body_members = any(m.location is None for m in input_shape.members)
        for m in input_shape.members:
            value = params.get(m.wire)
            if value is None:
                if m.wire in input_shape.required:
                    raise SesValidationError(m.py, "is required")
                continue
            member_shape = shape(m.shape)
            if m.location == "uri":
                text = _query_value(value, member_shape, m.py)
                if text == "":
                    raise SesValidationError(m.py, "must not be empty (it is part of the URL)")
                path = path.replace("{" + (m.location_name or m.wire) + "}", _quote(text))
            elif m.location == "querystring":
                name = m.location_name or m.wire
                if member_shape.kind == "list":
                    to_wire(value, member_shape, m.py)  # checks the list itself
                    item = shape(member_shape.member or "")
                    query.extend(
                        (name, _query_value(v, item, f"{m.py}[{i}]")) for i, v in enumerate(value)
                    )
                else:
                    query.append((name, _query_value(value, member_shape, m.py)))
            else:
                body[m.wire] = to_wire(value, member_shape, m.py)
        unknown = set(params) - {m.wire for m in input_shape.members}
        if unknown:
            raise SesValidationError(", ".join(sorted(unknown)), f"not a member of {op.input}")
    url = endpoint + path
    if query:
        url += "?" + "&".join(f"{_quote(k)}={_quote(v)}" for k, v in query)
    headers: dict[str, str] = {}
    payload = b""
    if body or has_body_members:
        payload = _json_encode(body)
        headers["Content-Type"] = "application/json"
    return HttpRequest(op.method, url, headers, payload)
