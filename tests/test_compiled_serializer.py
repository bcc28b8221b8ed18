"""The compiled serializer against the generic walk it replaced, for every operation.

Inputs are generated from the model, mostly valid but with a wrong value here
and there (a wrong type, a bad string, an unknown member, a list too long), as
dicts with snake_case or wire keys or as typed structs. For each, both
serializers must agree exactly: the same path, query and body bytes, or a
``SesValidationError`` naming the same field with the same problem.
(``tests/test_conformance.py`` compares valid inputs with botocore.)
"""

from __future__ import annotations

import string
from datetime import UTC, datetime
from functools import cache
from typing import Any

import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import serialize_reference as reference
from aws_ses._encoders import encoder
from aws_ses._generated import types
from aws_ses._model import operation, operation_names, shape
from aws_ses._serialize import encode_input, to_wire
from aws_ses.errors import SesValidationError


class _Opaque:
    """A value of no type the model knows."""

    def __repr__(self) -> str:
        return "<opaque>"


_JUNK = st.sampled_from([1, True, 2.5, "x", b"x", [], {}, ("a",), _Opaque(), "\r\n"])
_ADDRESSES = st.sampled_from(
    ["a@example.com", "Zoë <info@bücher.example>", "not an address", "b@mail.example.com", ""]
)
_TEXT = st.text(string.ascii_letters + " -_.{}:\r\n", max_size=8)


@cache
def _value(name: str, depth: int) -> st.SearchStrategy[Any]:
    """A value for shape ``name``: one time in eight something of the wrong kind."""
    good = _valid(name, depth)
    return st.integers(0, 7).flatmap(lambda k: _JUNK if k == 0 else good)


@cache
def _string(name: str) -> st.SearchStrategy[Any]:
    sh = shape(name)
    options: list[st.SearchStrategy[Any]] = [_TEXT]
    if sh.enum:
        options += [st.sampled_from(sorted(sh.enum))] * 3
    if "Address" in name:
        options += [_ADDRESSES] * 3
    if sh.max is not None and sh.max < 300:
        options.append(st.just("x" * (sh.max + 1)))
    if name == "EmailTemplateData":
        options += [st.just({"name": "Ann"}), st.just('{"a": 1}'), st.just("[1]")]
    return st.one_of(options)


@cache
def _structure(name: str, depth: int) -> st.SearchStrategy[Any]:
    sh = shape(name)
    if depth > 4:
        return st.just({})
    members = {m.py: m for m in sh.members}

    def as_dict(keys: str) -> st.SearchStrategy[Any]:
        def key(py: str) -> str:
            return py if keys == "snake" else members[py].wire

        required = {
            key(m.py): _value(m.shape, depth + 1) for m in sh.members if m.wire in sh.required
        }
        optional = {
            key(m.py): _value(m.shape, depth + 1) for m in sh.members if m.wire not in sh.required
        }
        if keys == "unknown":
            optional["not_a_member"] = st.just("x")
        return st.fixed_dictionaries(required, optional=optional)

    options = [as_dict("snake"), as_dict("snake"), as_dict("wire"), as_dict("unknown")]
    cls = getattr(types, name, None)
    if isinstance(cls, type) and issubclass(cls, msgspec.Struct):
        fields = {m.py: _value(m.shape, depth + 1) for m in sh.members}
        required = {f.name for f in msgspec.structs.fields(cls) if f.required}
        options.append(
            st.fixed_dictionaries(
                {py: s for py, s in fields.items() if py in required},
                optional={py: s for py, s in fields.items() if py not in required},
            ).map(lambda kw: cls(**kw))
        )
    return st.one_of(options)


@cache
def _valid(name: str, depth: int) -> st.SearchStrategy[Any]:
    sh = shape(name)
    kind = sh.kind
    if kind == "structure":
        return _structure(name, depth)
    if kind == "list":
        hi = min((sh.max or 3) + 1, 4)
        items = st.lists(_value(sh.member or "", depth + 1), max_size=hi)
        return st.one_of(items, items.map(tuple))
    if kind == "map":
        return st.dictionaries(_string(sh.key or ""), _value(sh.value or "", depth + 1), max_size=2)
    if kind == "string":
        return _string(name)
    if kind in ("integer", "long"):
        lo, hi = sh.min, sh.max
        edges = [lo, hi, None if lo is None else lo - 1, None if hi is None else hi + 1]
        return st.one_of(
            st.integers(-3, 10**6), st.sampled_from([e for e in edges if e is not None] or [0])
        )
    if kind == "boolean":
        return st.booleans()
    if kind == "double":
        return st.one_of(st.floats(allow_nan=False, allow_infinity=False), st.integers(0, 9))
    if kind == "timestamp":
        aware = st.datetimes(
            min_value=datetime(2000, 1, 1), max_value=datetime(2035, 1, 1), timezones=st.just(UTC)
        )
        return st.one_of(aware, st.datetimes(min_value=datetime(2000, 1, 1)))
    if kind == "blob":
        return st.one_of(
            st.binary(max_size=8), st.text(max_size=4), st.binary(max_size=4).map(bytearray)
        )
    raise AssertionError(kind)


@cache
def _input(name: str) -> st.SearchStrategy[dict[str, Any]]:
    op = operation(name)
    if op.input is None:
        return st.just({})
    sh = shape(op.input)
    members = {m.wire: _value(m.shape, 1) for m in sh.members}
    # Required members mostly present, so the checks beyond them are reached.
    required = {w: s for w, s in members.items() if w in sh.required}
    optional = {w: s for w, s in members.items() if w not in sh.required}
    full = st.fixed_dictionaries(required, optional={**optional, "NotAMember": st.just(1)})
    return st.one_of(full, full, full, st.fixed_dictionaries({}, optional=members))


def _outcome(fn: Any) -> Any:
    try:
        return ("ok", fn())
    except SesValidationError as exc:
        return ("invalid", exc.field, exc.problem)


def _compare(name: str, params: dict[str, Any]) -> None:
    op = operation(name)

    def compiled() -> Any:
        encoded = encode_input(op, params)
        return encoded.path, encoded.query, encoded.payload

    assert _outcome(compiled) == _outcome(lambda: reference.encode_input(op, params))


@pytest.mark.parametrize("name", operation_names())
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_every_operation_matches_the_generic_walk(name: str, data: st.DataObject) -> None:
    _compare(name, data.draw(_input(name)))


@pytest.mark.parametrize(
    "name", ["send_email", "send_bulk_email", "put_email_identity_dkim_signing_attributes"]
)
@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_sending_operations_match_the_generic_walk(name: str, data: st.DataObject) -> None:
    _compare(name, data.draw(_input(name)))


@pytest.mark.parametrize("name", ["send_email", "send_bulk_email"])
@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_valid_sends_match_the_generic_walk(name: str, data: st.DataObject) -> None:
    from test_conformance import _strategy as valid_input  # valid by construction

    params = data.draw(valid_input(operation(name).input or ""))
    _compare(name, params)
    encode_input(operation(name), params)  # and it is accepted


def test_errors_name_the_field_as_the_caller_wrote_it() -> None:
    op = operation("send_email")
    params = {
        "FromEmailAddress": "a@example.com",
        "Destination": {"to_addresses": ["b@example.com", "not an address"]},
        "Content": {"Simple": {"subject": {"data": "Hi"}, "Body": {"text": {"Data": 5}}}},
    }
    with pytest.raises(SesValidationError) as info:
        encode_input(op, params)
    assert info.value.field == "destination.to_addresses[1]"
    params["Destination"] = {"to_addresses": ["b@example.com"]}
    with pytest.raises(SesValidationError) as info:
        encode_input(op, params)
    assert info.value.field == "content.simple.body.text.data"
    assert info.value.problem == "expected a string, got int"


def test_a_value_is_encoded_under_the_callers_path() -> None:
    entry = shape("BulkEmailEntry")
    with pytest.raises(SesValidationError) as info:
        to_wire({"destination": {"cc_addresses": ["x"]}}, entry, "entries[7]")
    assert info.value.field == "entries[7].destination.cc_addresses[0]"
    wire = to_wire({"destination": {"to_addresses": ["a@example.com"]}}, entry, "entries[0]")
    assert wire == {"Destination": {"ToAddresses": ["a@example.com"]}}


def test_encoders_are_compiled_once_per_shape() -> None:
    assert encoder("Destination") is encoder("Destination")
    assert encoder("EmailAddressList") is encoder("EmailAddressList")
