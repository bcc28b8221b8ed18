"""The generic serializer the compiled one replaced, kept as a test oracle.

It walks the model's shapes for every value (``to_wire``), building each
field's path as it goes; ``aws_ses._encoders`` compiles the same rules into
one function per shape. ``tests/test_compiled_serializer.py`` checks that
both give the same wire form, or the same error naming the same field, for
generated inputs of every operation.
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

from aws_ses import _rules
from aws_ses._model import Operation, Shape, shape
from aws_ses.errors import SesValidationError

_json_encode = msgspec.json.Encoder().encode
_STRING_RULES = _rules.STRING_RULES
_STRUCTURE_RULES = _rules.STRUCTURE_RULES
_patterns: dict[str, re.Pattern[str]] = {}


def _pattern(sh: Shape) -> re.Pattern[str]:
    found = _patterns.get(sh.name)
    if found is None:
        found = _patterns[sh.name] = re.compile(sh.pattern or "")
    return found


@lru_cache(maxsize=4096)
def _address(value: str) -> tuple[str, str | None]:
    """(normalised address, problem); cached here too, so that the import of
    email-validator happens on the first address only."""
    from aws_ses.addresses import address_problem

    return address_problem(value)


def _type_name(value: object) -> str:
    return type(value).__name__


def client_path(base: str, sh: Shape, where: tuple[str | int, ...]) -> str:
    """``base`` extended by a rule's wire path, in the caller's snake_case names."""
    path, current = base, sh
    for step in where:
        if isinstance(step, int):
            path += f"[{step}]"
            current = shape(current.member or "")
            continue
        member = current.lookup(step)
        name = member.py if member is not None else step
        path = f"{path}.{name}" if path else name
        if member is not None:
            current = shape(member.shape)
    return path


def _check_string(value: Any, sh: Shape, path: str) -> str:
    name = sh.name
    text: str
    if isinstance(value, str):
        text = value
    else:
        if name != "EmailTemplateData" or isinstance(value, bytes | bytearray):
            raise SesValidationError(path, f"expected a string, got {_type_name(value)}")
        # TemplateData: a dict (Struct, dataclass) is encoded as the JSON object it is.
        try:
            text = _rules.encode_json_object(value)
        except ValueError as exc:
            raise SesValidationError(path, str(exc)) from None
    if sh.enum is not None and text not in sh.enum:
        allowed = ", ".join(sorted(sh.enum))
        raise SesValidationError(path, f"{text!r} is not one of: {allowed}")
    if sh.min is not None and len(text) < sh.min:
        raise SesValidationError(path, f"must be at least {sh.min} characters long")
    if sh.max is not None and len(text) > sh.max:
        raise SesValidationError(path, f"must be at most {sh.max} characters long")
    if name == "EmailAddress":
        normalized, problem = _address(text)
        if problem is not None:
            raise SesValidationError(path, problem)
        return normalized
    rule = _STRING_RULES.get(name)
    if rule is not None:
        problem = rule(text)
        if problem is not None:
            raise SesValidationError(path, problem)
    if sh.pattern is not None and _pattern(sh).fullmatch(text) is None:
        raise SesValidationError(path, f"does not match the pattern {sh.pattern}")
    return text


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
    rule = _STRUCTURE_RULES.get(sh.name)
    if rule is not None:
        violation = rule(out)
        if violation is not None:
            raise SesValidationError(client_path(path, sh, violation.where), violation.problem)
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


def encode_input(
    op: Operation, params: Mapping[str, Any]
) -> tuple[str, list[tuple[str, str]], bytes | None]:
    """Validate ``params`` (wire name -> value) and encode them; no I/O, no endpoint."""
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
        rule = _STRUCTURE_RULES.get(input_shape.name)
        if rule is not None:
            violation = rule(body)
            if violation is not None:
                raise SesValidationError(
                    client_path("", input_shape, violation.where), violation.problem
                )
    payload = _json_encode(body) if body or has_body_members else None
    return path, query, payload
