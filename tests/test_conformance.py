"""Our serializer against botocore's, for every SES v2 operation.

Inputs are generated from the service model and SES's rules (valid by
construction: enums, lengths, patterns, e-mail syntax, tag and name charsets,
one content kind, non-empty destinations); each is serialized by ``aws_ses`` and by
botocore's rest-json serializer (no network), and the HTTP method, path, query,
Content-Type and JSON body must agree.
"""

from __future__ import annotations

import json
import string
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aws_ses._model import operation, operation_names, shape
from aws_ses._serialize import build_request

botocore_session = pytest.importorskip("botocore.session")
from botocore.awsrequest import create_request_object, prepare_request_dict  # noqa: E402
from botocore.serialize import create_serializer  # noqa: E402

ENDPOINT = "https://email.us-east-1.amazonaws.com"

SERVICE_MODEL = botocore_session.get_session().get_service_model("sesv2")
SERIALIZER = create_serializer("rest-json", include_validation=False)

_addresses = st.builds(
    "{}@{}.example.com".format,
    st.text(string.ascii_lowercase + string.digits, min_size=1, max_size=10),
    st.sampled_from(["mail", "news", "b-c"]),
)
_tag = st.text(string.ascii_letters + string.digits + "_-", min_size=1, max_size=20)
_text = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=20
)
_timestamps = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2035, 1, 1), timezones=st.just(UTC)
)


# Members SES's rules (aws_ses._rules) require beyond the model's own list.
_ALSO_REQUIRED = {
    "SendEmailRequest": {"FromEmailAddress", "Destination"},
    "SendBulkEmailRequest": {"FromEmailAddress"},
    "BulkEmailContent": {"Template"},
    "Destination": {"ToAddresses"},
}
# Structures that take exactly one of these members.
_ONE_OF = {
    "EmailContent": ("Simple", "Raw", "Template"),
    "Template": ("TemplateName", "TemplateArn", "TemplateContent"),
}
_NON_EMPTY_LISTS = {"EmailAddressList", "BulkEmailEntryList"}
_STRINGS: dict[str, st.SearchStrategy[str]] = {
    "MessageTagName": _tag,
    "MessageTagValue": _tag,
    "MessageHeaderName": _tag,
    "EmailTemplateName": _tag,
    "ConfigurationSetName": _tag,
    "AttachmentContentId": _tag,
    "AttachmentContentType": st.sampled_from(["text/plain", "image/png", "application/pdf"]),
    "EmailTemplateData": st.dictionaries(_tag, _tag, max_size=2).map(json.dumps),
}


def _strategy(name: str, depth: int = 0) -> st.SearchStrategy[Any]:
    sh = shape(name)
    kind = sh.kind
    if kind == "structure":
        if depth > 4:
            return st.just({})
        one_of = _ONE_OF.get(name, ())
        must = sh.required | _ALSO_REQUIRED.get(name, set())
        required = {m.wire: _strategy(m.shape, depth + 1) for m in sh.members if m.wire in must}
        optional = {
            m.wire: _strategy(m.shape, depth + 1)
            for m in sh.members
            if m.wire not in must and m.wire not in one_of
        }
        if not one_of:
            return st.fixed_dictionaries(required, optional=optional)
        choices = [
            st.fixed_dictionaries(
                {**required, m.wire: _strategy(m.shape, depth + 1)}, optional=optional
            )
            for m in sh.members
            if m.wire in one_of
        ]
        return st.one_of(choices)
    if kind == "list":
        lo = max(sh.min or 0, 1 if name in _NON_EMPTY_LISTS else 0)
        hi = min(sh.max or 3, 3)
        return st.lists(_strategy(sh.member or "", depth + 1), min_size=min(lo, hi), max_size=hi)
    if kind == "map":
        return st.dictionaries(
            _strategy(sh.key or "", depth + 1), _strategy(sh.value or "", depth + 1), max_size=2
        )
    if kind == "string":
        if sh.enum:
            return st.sampled_from(sorted(sh.enum))
        if name == "EmailAddress":
            return _addresses
        if name in _STRINGS:
            return _STRINGS[name]
        lo, hi = sh.min or 1, min(sh.max or 20, 20)
        if sh.pattern is not None:
            return st.from_regex(sh.pattern, fullmatch=True).filter(
                lambda v: lo <= len(v) <= (sh.max or len(v))
            )
        return st.text(
            st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")),
            min_size=max(lo, 1),
            max_size=max(hi, lo),
        )
    if kind in ("integer", "long"):
        return st.integers(min_value=sh.min or 0, max_value=sh.max or 10_000)
    if kind == "double":
        return st.floats(min_value=0, max_value=1e6, allow_nan=False)
    if kind == "boolean":
        return st.booleans()
    if kind == "timestamp":
        return _timestamps
    if kind == "blob":
        return st.binary(max_size=30)
    raise AssertionError(kind)


def _botocore(name: str, params: dict[str, Any]) -> dict[str, Any]:
    op_model = SERVICE_MODEL.operation_model(operation(name).name)
    return SERIALIZER.serialize_to_request(params, op_model)


@pytest.mark.parametrize("name", operation_names())
@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_matches_botocore(name: str, data: st.DataObject) -> None:
    op = operation(name)
    params = data.draw(_strategy(op.input) if op.input else st.just({}))
    ours = build_request(op, params, ENDPOINT)
    theirs = _botocore(name, params)

    prepare_request_dict(theirs, ENDPOINT)
    their_url = urlsplit(create_request_object(theirs).prepare().url)

    assert ours.method == theirs["method"]
    url = urlsplit(ours.url)
    assert url.path == their_url.path  # byte for byte, percent-encoding included
    assert sorted(parse_qsl(url.query, keep_blank_values=True)) == sorted(
        parse_qsl(their_url.query, keep_blank_values=True)
    )
    assert ours.headers.get("Content-Type") == theirs["headers"].get("Content-Type")
    if theirs["body"]:
        assert json.loads(ours.body) == json.loads(theirs["body"])
    else:
        assert ours.body == b""


def test_every_operation_is_covered() -> None:
    assert len(operation_names()) == 117
    assert {operation(n).name for n in operation_names()} == set(SERVICE_MODEL.operation_names)
