"""One encoder per shape, compiled from the model: validate and encode in one pass.

:func:`encoder` turns a shape of ``_generated/model.py`` into a function
``value -> wire form`` the first time the shape is used, and keeps it. Each
function knows its shape's constraints up front (type, required members,
enumerations, lengths, patterns, the SES rules of :mod:`aws_ses._rules`), so
a call does no look-ups in the model and builds no field paths: the path of
a bad value is assembled only when something is wrong, on the way out of the
nested encoders (:class:`Invalid`), and reads exactly as the caller wrote it
(``content.simple.attachments[0].file_name``).

The wire form is what goes into the JSON body: dicts keyed by wire name
(in the caller's order for a dict, the model's for a typed struct), lists,
strings, numbers, base64 text for blobs and epoch seconds for timestamps.
"""

from __future__ import annotations

import binascii
import re
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

import msgspec

from aws_ses import _rules
from aws_ses._model import Shape, shape
from aws_ses.errors import SesValidationError

__all__ = [
    "Encoder",
    "Invalid",
    "as_utc",
    "client_path",
    "encode_value",
    "encoder",
    "epoch_seconds",
    "iso_timestamp",
    "type_name",
]

Encoder = Callable[[Any], Any]

_Struct = msgspec.Struct
_STRING_RULES = _rules.STRING_RULES
_STRUCTURE_RULES = _rules.STRUCTURE_RULES


class Invalid(Exception):
    """A value broke its shape. ``where`` is its path below the value being
    encoded, written as it continues a path (``.subject.data``, ``[0]``, or
    empty for the value itself); :func:`join` puts it after the caller's."""

    __slots__ = ("problem", "where")

    def __init__(self, where: str, problem: str) -> None:
        super().__init__(where, problem)
        self.where = where
        self.problem = problem


def join(base: str, where: str) -> str:
    """``base`` continued by a relative ``where`` (see :class:`Invalid`)."""
    if base:
        return base + where
    return where[1:] if where.startswith(".") else where


def encode_value(sh: Shape, value: Any, path: str) -> Any:
    """Validate ``value`` against ``sh`` and return its wire form; errors name ``path``."""
    try:
        return encoder(sh.name)(value)
    except Invalid as exc:
        raise SesValidationError(join(path, exc.where), exc.problem) from None


def type_name(value: object) -> str:
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


def _rule_where(sh: Shape, where: tuple[str | int, ...]) -> str:
    path = client_path("", sh, where)
    return "." + path if path and not path.startswith("[") else path


def as_utc(value: Any) -> datetime:
    """A datetime, naive taken as UTC (as the AWS SDKs do); raises Invalid otherwise."""
    if not isinstance(value, datetime):
        raise Invalid("", f"expected a datetime, got {type_name(value)}")
    return value if value.tzinfo else value.replace(tzinfo=UTC)


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def epoch_seconds(value: datetime) -> int | float:
    # Whole seconds as calendar.timegm(value.utctimetuple()) counts them,
    # without importing calendar (and locale) for one subtraction.
    delta = (value if value.tzinfo else value.replace(tzinfo=UTC)) - _EPOCH
    seconds = delta.days * 86_400 + delta.seconds
    if value.microsecond:
        return (seconds * 10**6 + value.microsecond) / 10**6
    return seconds


def iso_timestamp(value: datetime) -> str:
    value = value.astimezone(UTC)
    fmt = "%Y-%m-%dT%H:%M:%S.%fZ" if value.microsecond else "%Y-%m-%dT%H:%M:%SZ"
    return value.strftime(fmt)


# ------------------------------------------------------------------ compiling

_encoders: dict[str, Encoder] = {}


def encoder(name: str) -> Encoder:
    """The encoder of shape ``name``, compiled on first use."""
    found = _encoders.get(name)
    if found is None:
        found = _compile(shape(name))
    return found


def _compile(sh: Shape) -> Encoder:
    kind = sh.kind
    if kind == "structure":
        # Registered before its members are compiled, so a shape that
        # contains itself (through a list or map) finds it.
        return _structure(sh)
    if kind == "string":
        enc = _string(sh)
    elif kind == "list":
        enc = _list(sh)
    elif kind == "map":
        enc = _map(sh)
    elif kind in ("integer", "long"):
        enc = _integer(sh)
    elif kind == "boolean":
        enc = _boolean
    elif kind == "double":
        enc = _double
    elif kind == "timestamp":
        enc = _timestamp
    elif kind == "blob":
        enc = _blob
    else:  # pragma: no cover - the model has no other kinds
        raise AssertionError(f"unknown shape kind {kind}")
    _encoders[sh.name] = enc
    return enc


def _string(sh: Shape) -> Encoder:
    name = sh.name
    enum, lo, hi = sh.enum, sh.min, sh.max
    allowed = ", ".join(sorted(enum)) if enum is not None else ""
    rule = _STRING_RULES.get(name)
    is_address = name == "EmailAddress"
    if is_address:
        # Imported when the first encoder that checks addresses is compiled (at
        # the first call that carries one); it loads email-validator only for
        # an address its own fast check cannot settle. It caches its answers.
        from aws_ses.addresses import address_problem
    json_object = name == "EmailTemplateData"  # a dict is sent as the JSON text it encodes
    source = sh.pattern
    pattern = re.compile(source).fullmatch if source is not None else None

    unchecked = enum is None and lo is None and hi is None and pattern is None
    if unchecked and rule is None and not is_address and not json_object:

        def plain(value: Any) -> str:
            if isinstance(value, str):
                return value
            raise Invalid("", f"expected a string, got {type_name(value)}")

        return plain

    def checked(value: Any) -> str:
        text: str
        if isinstance(value, str):
            text = value
        else:
            if not json_object or isinstance(value, bytes | bytearray):
                raise Invalid("", f"expected a string, got {type_name(value)}")
            try:
                text = _rules.encode_json_object(value)
            except ValueError as exc:
                raise Invalid("", str(exc)) from None
        if enum is not None and text not in enum:
            raise Invalid("", f"{text!r} is not one of: {allowed}")
        if lo is not None and len(text) < lo:
            raise Invalid("", f"must be at least {lo} characters long")
        if hi is not None and len(text) > hi:
            raise Invalid("", f"must be at most {hi} characters long")
        if is_address:
            normalized, problem = address_problem(text)
            if problem is not None:
                raise Invalid("", problem)
            return normalized
        if rule is not None:
            problem = rule(text)
            if problem is not None:
                raise Invalid("", problem)
        if pattern is not None and pattern(text) is None:
            raise Invalid("", f"does not match the pattern {source}")
        return text

    return checked


def _integer(sh: Shape) -> Encoder:
    lo, hi = sh.min, sh.max

    def integer(value: Any) -> int:
        if not isinstance(value, int) or isinstance(value, bool):
            raise Invalid("", f"expected an integer, got {type_name(value)}")
        if lo is not None and value < lo:
            raise Invalid("", f"must be at least {lo}")
        if hi is not None and value > hi:
            raise Invalid("", f"must be at most {hi}")
        return value

    return integer


def _boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise Invalid("", f"expected True or False, got {type_name(value)}")
    return value


def _double(value: Any) -> int | float:
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise Invalid("", f"expected a number, got {type_name(value)}")
    return value


def _timestamp(value: Any) -> int | float:
    return epoch_seconds(as_utc(value))


def _blob(value: Any) -> str:
    if isinstance(value, str):
        value = value.encode()
    if not isinstance(value, bytes | bytearray | memoryview):
        raise Invalid("", f"expected bytes, got {type_name(value)}")
    return binascii.b2a_base64(value, newline=False).decode("ascii")


def _list(sh: Shape) -> Encoder:
    item = encoder(sh.member or "")
    lo, hi = sh.min, sh.max

    def encode_list(value: Any) -> list[Any]:
        if value.__class__ is not list and (
            isinstance(value, str | bytes | Mapping) or not hasattr(value, "__iter__")
        ):
            raise Invalid("", f"expected a list, got {type_name(value)}")
        out: list[Any] = []
        append = out.append
        i = 0
        try:
            for v in value:
                append(item(v))
                i += 1
        except Invalid as exc:
            exc.where = f"[{i}]{exc.where}"
            raise
        if lo is not None and len(out) < lo:
            raise Invalid("", f"needs at least {lo} item(s)")
        if hi is not None and len(out) > hi:
            raise Invalid("", f"takes at most {hi} item(s), got {len(out)}")
        return out

    return encode_list


def _map(sh: Shape) -> Encoder:
    key_enc, value_enc = encoder(sh.key or ""), encoder(sh.value or "")
    hi = sh.max

    def encode_map(value: Any) -> dict[Any, Any]:
        if not isinstance(value, Mapping):
            raise Invalid("", f"expected a mapping, got {type_name(value)}")
        out: dict[Any, Any] = {}
        for k, v in value.items():
            try:
                wire_key = key_enc(k)
            except Invalid as exc:
                exc.where = f".<key>{exc.where}"
                raise
            try:
                out[wire_key] = value_enc(v)
            except Invalid as exc:
                exc.where = f"[{k!r}]{exc.where}"
                raise
        if hi is not None and len(out) > hi:
            raise Invalid("", f"takes at most {hi} entries")
        return out

    return encode_map


def _structure(sh: Shape) -> Encoder:
    name = sh.name
    # (Python name, wire name, encoder): in model order for typed structs,
    # and by either name for dicts.
    members: list[tuple[str, str, Encoder]] = []
    by_key: dict[str, tuple[str, str, Encoder]] = {}
    required = sh.required
    rule = _STRUCTURE_RULES.get(name)
    known = ", ".join(m.py for m in sh.members)

    def encode_structure(value: Any) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if value.__class__ is dict or (
            not isinstance(value, _Struct) and isinstance(value, Mapping)
        ):
            for key, v in value.items():
                found = by_key.get(key) if isinstance(key, str) else None
                if found is None:
                    raise Invalid("." + str(key), f"unknown member of {name} (known: {known})")
                if v is not None:
                    py, wire, enc = found
                    try:
                        out[wire] = enc(v)
                    except Invalid as exc:
                        exc.where = f".{py}{exc.where}"
                        raise
        elif isinstance(value, _Struct):
            if type(value).__name__ != name:
                raise Invalid("", f"expected {name}, got {type_name(value)}")
            for py, wire, enc in members:
                v = getattr(value, py, None)
                if v is not None:
                    try:
                        out[wire] = enc(v)
                    except Invalid as exc:
                        exc.where = f".{py}{exc.where}"
                        raise
        else:
            raise Invalid("", f"expected {name} or a dict, got {type_name(value)}")
        for wire in required:
            if wire not in out:
                member = sh.lookup(wire)
                raise Invalid("." + (member.py if member else wire), "is required")
        if rule is not None:
            violation = rule(out)
            if violation is not None:
                raise Invalid(_rule_where(sh, violation.where), violation.problem)
        return out

    _encoders[name] = encode_structure
    for m in sh.members:
        entry = (m.py, m.wire, encoder(m.shape))
        members.append(entry)
        by_key[m.py] = entry
        by_key[m.wire] = entry
    return encode_structure
