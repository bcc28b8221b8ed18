"""Validate call parameters and turn them into an HTTP request (pure, no I/O).

Every value is checked against its shape (type, required members, lengths,
enumerations and patterns from the model) and against SES's own rules
(:mod:`aws_ses._rules`: e-mail addresses, header and tag charsets,
recipient counts, message size, template data), and converted to its wire
form at the same time, so nothing is ever sent half-validated. Errors name
the field with the Python names the caller used
(``content.simple.subject.data``).

The work is done by encoders compiled once per shape (:mod:`aws_ses._encoders`)
and, here, once per operation: the first call of an operation builds the
plan of where each member goes (path label, query string or JSON body) and
later calls only run it.

:func:`encode_input` is the pure step the call pipeline runs;
:class:`PreparedParams` carries an input that was validated and encoded
earlier (bulk sending checks each entry once), which it then sends as is.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import quote

import msgspec

from aws_ses._encoders import (
    Encoder,
    Invalid,
    as_utc,
    client_path,
    encode_value,
    encoder,
    iso_timestamp,
    join,
)
from aws_ses._http import HttpRequest
from aws_ses._model import Operation, Shape, shape
from aws_ses._rules import MAX_CUSTOM_HEADERS, MAX_RECIPIENTS, STRUCTURE_RULES
from aws_ses.errors import SesValidationError

__all__ = [
    "MAX_CUSTOM_HEADERS",
    "MAX_RECIPIENTS",
    "EncodedInput",
    "PreparedParams",
    "build_request",
    "client_path",
    "encode_input",
    "to_wire",
]

_json_encode = msgspec.json.Encoder().encode


def to_wire(value: Any, sh: Shape, path: str) -> Any:
    """Validate ``value`` against ``sh`` and return its JSON-ready wire form."""
    return encode_value(sh, value, path)


def _quote(value: str) -> str:
    return quote(value, safe="-._~")


class EncodedInput:
    """An operation's input, validated and encoded: what a request is built from.

    ``path`` has its labels filled in, ``query`` holds (name, value) pairs and
    ``payload`` the JSON body (``None`` when the operation sends no body).
    """

    __slots__ = ("operation", "path", "payload", "query")

    def __init__(
        self, operation: str, path: str, query: list[tuple[str, str]], payload: bytes | None
    ) -> None:
        self.operation = operation
        self.path = path
        self.query = query
        self.payload = payload

    def request(self, method: str, endpoint: str) -> HttpRequest:
        """The unsigned request to ``endpoint`` (scheme and host, no trailing slash)."""
        url = endpoint + self.path
        if self.query:
            url += "?" + "&".join(f"{_quote(k)}={_quote(v)}" for k, v in self.query)
        if self.payload is None:
            return HttpRequest(method, url, {}, b"")
        return HttpRequest(method, url, {"Content-Type": "application/json"}, self.payload)


class PreparedParams(dict[str, Any]):
    """Wire parameters already validated and encoded (see :func:`prepared`).

    :func:`build_request` sends ``encoded`` as it is instead of walking the
    parameters again; bulk sending validates each entry once this way. The
    mapping is read-only so that what is sent stays what was checked.
    """

    __slots__ = ("encoded",)

    def __init__(self, params: dict[str, Any], encoded: EncodedInput) -> None:
        super().__init__(params)
        self.encoded = encoded

    def _read_only(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError("PreparedParams are read-only: they have been validated and encoded")

    __setitem__ = __delitem__ = __ior__ = _read_only
    pop = popitem = clear = update = setdefault = _read_only

    def copy(self) -> dict[str, Any]:
        """A plain (unvalidated) dict of the same parameters."""
        return dict(self)

    def __reduce__(self) -> tuple[type[dict[str, Any]], tuple[dict[str, Any]]]:
        # copy.copy, copy.deepcopy and pickle give a plain dict, to be checked afresh.
        return dict, (dict(self),)


def prepared(op: Operation, body: dict[str, Any]) -> PreparedParams:
    """Wrap a body-only input whose members were each validated by :func:`to_wire`.

    Runs the input's structure rules (they read the wire form) and encodes
    the JSON once; for operations whose members all travel in the body.
    """
    input_shape = shape(op.input or "")
    for wire in input_shape.required:
        if wire not in body:
            member = input_shape.lookup(wire)
            raise SesValidationError(member.py if member else wire, "is required")
    rule = STRUCTURE_RULES.get(input_shape.name)
    if rule is not None:
        violation = rule(body)
        if violation is not None:
            raise SesValidationError(
                client_path("", input_shape, violation.where), violation.problem
            )
    return PreparedParams(body, EncodedInput(op.name, op.uri, [], _json_encode(body)))


# ------------------------------------------------------------ per operation

InputEncoder = Callable[[Mapping[str, Any]], EncodedInput]
_inputs: dict[str, InputEncoder] = {}


def encode_input(op: Operation, params: Mapping[str, Any]) -> EncodedInput:
    """Validate ``params`` (wire name -> value) and encode them; no I/O, no endpoint."""
    if type(params) is PreparedParams and params.encoded.operation == op.name:
        return params.encoded
    encode = _inputs.get(op.name)
    if encode is None:
        encode = _inputs[op.name] = _compile_input(op)
    return encode(params)


def build_request(op: Operation, params: Mapping[str, Any], endpoint: str) -> HttpRequest:
    """Validate ``params`` (wire name -> value) and build the unsigned request."""
    return encode_input(op, params).request(op.method, endpoint)


def _member_value(enc: Encoder, value: Any, path: str) -> Any:
    try:
        return enc(value)
    except Invalid as exc:
        raise SesValidationError(join(path, exc.where), exc.problem) from None


def _text_encoder(sh: Shape) -> Callable[[Any, str], str]:
    """``(value, path) -> text`` for a path label or query value of shape ``sh``."""
    enc = encoder(sh.name)
    kind = sh.kind
    if kind == "boolean":
        return lambda value, path: "true" if _member_value(enc, value, path) else "false"
    if kind == "timestamp":

        def timestamp(value: Any, path: str) -> str:
            return iso_timestamp(_member_value(as_utc, value, path))

        return timestamp
    return lambda value, path: str(_member_value(enc, value, path))


def _compile_input(op: Operation) -> InputEncoder:
    """The encoder of one operation's input: members in model order, each to its place."""
    name, uri = op.name, op.uri
    if op.input is None:
        return lambda params: EncodedInput(name, uri, [], None)
    input_shape = shape(op.input)
    required = input_shape.required
    wires = frozenset(m.wire for m in input_shape.members)
    rule = STRUCTURE_RULES.get(input_shape.name)
    # Like the AWS SDKs, send "{}" whenever the input has body members at all.
    has_body_members = any(m.location is None for m in input_shape.members)
    body_members = tuple(
        (m.wire, m.py, encoder(m.shape), m.wire in required)
        for m in input_shape.members
        if m.location is None
    )
    if all(m.location is None for m in input_shape.members):
        return _body_only(name, uri, body_members, wires, rule, input_shape, has_body_members)

    # (wire, py, location, label or query name, encoders, required), in model order.
    plan: list[tuple[str, str, str | None, str, Any, bool]] = []
    for m in input_shape.members:
        member_shape = shape(m.shape)
        where = m.location_name or m.wire
        if m.location == "uri":
            plan.append((m.wire, m.py, "uri", "{" + where + "}", _text_encoder(member_shape),
                         m.wire in required))  # fmt: skip
        elif m.location == "querystring" and member_shape.kind == "list":
            item = _text_encoder(shape(member_shape.member or ""))
            plan.append((m.wire, m.py, "query-list", where, (encoder(m.shape), item),
                         m.wire in required))  # fmt: skip
        elif m.location == "querystring":
            plan.append((m.wire, m.py, "query", where, _text_encoder(member_shape),
                         m.wire in required))  # fmt: skip
        else:
            plan.append((m.wire, m.py, None, m.wire, encoder(m.shape), m.wire in required))

    def encode_bound(params: Mapping[str, Any]) -> EncodedInput:
        path = uri
        query: list[tuple[str, str]] = []
        body: dict[str, Any] = {}
        for wire, py, location, where, enc, needed in plan:
            value = params.get(wire)
            if value is None:
                if needed:
                    raise SesValidationError(py, "is required")
                continue
            if location is None:
                body[wire] = _member_value(enc, value, py)
            elif location == "uri":
                text = enc(value, py)
                if text == "":
                    raise SesValidationError(py, "must not be empty (it is part of the URL)")
                path = path.replace(where, _quote(text))
            elif location == "query":
                query.append((where, enc(value, py)))
            else:
                list_enc, item = enc
                _member_value(list_enc, value, py)  # checks the list itself
                query.extend((where, item(v, f"{py}[{i}]")) for i, v in enumerate(value))
        _finish(params, wires, rule, input_shape, body)
        payload = _json_encode(body) if body or has_body_members else None
        return EncodedInput(name, path, query, payload)

    return encode_bound


def _body_only(
    name: str,
    uri: str,
    members: tuple[tuple[str, str, Encoder, bool], ...],
    wires: frozenset[str],
    rule: Any,
    input_shape: Shape,
    has_body_members: bool,
) -> InputEncoder:
    """The encoder of an input whose members all go in the JSON body (SendEmail...)."""

    def encode_body(params: Mapping[str, Any]) -> EncodedInput:
        body: dict[str, Any] = {}
        get = params.get
        for wire, py, enc, needed in members:
            value = get(wire)
            if value is None:
                if needed:
                    raise SesValidationError(py, "is required")
                continue
            try:
                body[wire] = enc(value)
            except Invalid as exc:
                raise SesValidationError(join(py, exc.where), exc.problem) from None
        _finish(params, wires, rule, input_shape, body)
        payload = _json_encode(body) if body or has_body_members else None
        return EncodedInput(name, uri, [], payload)

    return encode_body


def _finish(
    params: Mapping[str, Any],
    wires: frozenset[str],
    rule: Any,
    input_shape: Shape,
    body: dict[str, Any],
) -> None:
    """The checks after every member: unknown names, then the input's own rule."""
    if not wires.issuperset(params):
        unknown = set(params) - wires
        raise SesValidationError(", ".join(sorted(unknown)), f"not a member of {input_shape.name}")
    if rule is not None:
        violation = rule(body)
        if violation is not None:
            raise SesValidationError(
                client_path("", input_shape, violation.where), violation.problem
            )
