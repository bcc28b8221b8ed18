"""Random requests, signed and unsigned, never get a 500 or a traceback, and the
server keeps answering. Bodies are random bytes, random JSON, or random values
shaped like the operation's own input (so handlers see well-typed oddities)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aws_ses._model import operation, operation_names, shape
from aws_ses.auth.credentials import Credentials
from aws_ses.local import LocalServer
from aws_ses.signing import SigV4Signer
from aws_ses.transport.base import HttpRequest

from .helpers import Reply, call, raw

OPERATIONS = sorted(operation(n).name for n in operation_names())
ADMIN_PATHS = [
    "/_aws/ses",
    "/_aws/ses/events",
    "/_aws/ses/bulk-faults",
    "/_aws/ses/delivery-delays",
    "/_aws/ses/messages/x/raw",
    "/_aws/ses/messages/x/attachments/0",
    "/_aws/ses/state",
    "/_inbox",
    "/_inbox/%00",
]
TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)


@pytest.fixture(scope="module")
def fuzz_server() -> Iterator[LocalServer]:
    with LocalServer(max_send_rate=1_000_000) as running:
        call(running, lambda c: c.identities.create(email_identity="example.com"))
        yield running


def _value(shape_name: str, depth: int = 0) -> st.SearchStrategy[Any]:
    sh = shape(shape_name)
    if sh.kind == "string":
        choices = [TEXT, st.sampled_from(["example.com", "a@example.com", "", "x" * 300])]
        if sh.enum:
            choices.append(st.sampled_from(sorted(sh.enum)))
        return st.one_of(*choices)
    if sh.kind in ("integer", "long"):
        return st.integers(-(2**40), 2**40)
    if sh.kind == "double":
        return st.floats(allow_nan=False, allow_infinity=False)
    if sh.kind == "boolean":
        return st.booleans()
    if sh.kind == "timestamp":
        return st.one_of(st.floats(-1e12, 1e12), st.sampled_from(["2024-01-01T00:00:00Z", "x"]))
    if sh.kind == "blob":
        return st.sampled_from(
            ["", "aGVsbG8=", "!!notbase64", "RnJvbTogYUBleGFtcGxlLmNvbQ0KDQpoaQ=="]
        )
    if depth > 4:
        return st.none()
    if sh.kind == "list" and sh.member:
        return st.lists(_value(sh.member, depth + 1), max_size=3)
    if sh.kind == "map" and sh.value:
        key = _value(sh.key, depth + 1) if sh.key else TEXT
        return st.dictionaries(
            key.filter(lambda k: isinstance(k, str)), _value(sh.value, depth + 1), max_size=3
        )
    if sh.kind == "structure":
        body = [m for m in sh.members if m.location is None]
        required = {m.wire: _value(m.shape, depth + 1) for m in body if m.wire in sh.required}
        optional = {m.wire: _value(m.shape, depth + 1) for m in body if m.wire not in sh.required}
        return st.fixed_dictionaries(required, optional=optional)
    return st.none()


def _path(op_name: str, draw: Any) -> tuple[str, str]:
    op = next(operation(n) for n in operation_names() if operation(n).name == op_name)
    template = op.uri.partition("?")[0]

    def fill(found: re.Match[str]) -> str:
        label = draw(st.sampled_from(["example.com", "a@example.com", "x"]) | TEXT)
        return quote(label, safe="") or "x"

    return op.method, re.sub(r"\{[^}]+\}", fill, template) or "/"


@st.composite
def requests(draw: Any) -> tuple[str, str, bytes, dict[str, str], bool]:
    kind = draw(st.sampled_from(["operation"] * 6 + ["admin", "garbage"]))
    headers: dict[str, str] = {}
    if kind == "operation":
        op_name = draw(st.sampled_from(OPERATIONS))
        method, path = _path(op_name, draw)
        op = next(operation(n) for n in operation_names() if operation(n).name == op_name)
        if op.input:
            body_value = draw(st.one_of(_value(op.input), st.dictionaries(TEXT, TEXT, max_size=3)))
            body = json.dumps(body_value).encode()
        else:
            body = b""
        headers["Content-Type"] = "application/json"
    elif kind == "admin":
        path = draw(st.sampled_from(ADMIN_PATHS))
        method = draw(st.sampled_from(["GET", "POST", "DELETE", "PUT"]))
        body = draw(st.sampled_from([b"", b"{}", b"[", b'{"statuses": 1}', b'{"addresses": [1]}']))
        query = draw(st.sampled_from(["", "?limit=-1", "?next_token=zz", "?id=%ff", "?type=x"]))
        path += query
        headers["Content-Type"] = draw(st.sampled_from(["application/json", "text/plain"]))
    else:
        method = draw(st.sampled_from(["GET", "POST", "PATCH", "OPTIONS"]))
        path = "/" + quote(draw(TEXT), safe="/")
        body = draw(st.binary(max_size=64))
    if draw(st.sampled_from([False, False, False, True])):
        body = draw(
            st.sampled_from([body, b"\xff\xfe", b"null", b"[]", b'{"a": 1e999}', b"1" * 400])
        )
    for name in draw(
        st.lists(st.sampled_from(["X-Amz-Date", "Origin", "Accept", "X-Foo"]), max_size=2)
    ):
        headers[name] = draw(
            st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=20)
        )
    sign = (
        draw(st.sampled_from([True, True, True, True, False]))
        if kind == "operation"
        else draw(st.booleans())
    )
    return method, path, body, headers, sign


def _send(
    server: LocalServer, method: str, path: str, body: bytes, headers: dict[str, str], sign: bool
) -> Reply:
    if sign:
        request = HttpRequest(method, server.url + path, dict(headers), body)
        SigV4Signer().sign(request, Credentials("test", "test"), region="us-east-1")
        headers = dict(request.headers)
    return raw(server, method, path, body, headers)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(request_=requests())
def test_random_requests_never_get_a_500(
    fuzz_server: LocalServer, request_: tuple[str, str, bytes, dict[str, str], bool]
) -> None:
    method, path, body, headers, sign = request_
    reply = _send(fuzz_server, method, path, body, headers, sign)
    assert reply.status < 500, (method, path, body[:200], reply)
    assert b"Traceback" not in reply.body
    assert b'File "' not in reply.body
    if reply.status >= 400 and not path.startswith(("/_aws", "/_inbox")):
        assert reply.code, reply  # SES's error shape: X-Amzn-ErrorType and a message
        assert reply.json()["__type"] == reply.code and reply.json()["message"]


def test_server_still_answers_after_the_fuzzing(fuzz_server: LocalServer) -> None:
    assert call(fuzz_server, lambda c: c.account.get().send_quota) is not None
