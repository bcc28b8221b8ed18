"""Canned responses for every operation and every error shape, from the model."""

from __future__ import annotations

from typing import Any

import botocore.session
import msgspec
import pytest

from aws_ses import errors
from aws_ses._generated import types
from aws_ses._model import operation, operation_names
from aws_ses._parse import parse_error, parse_response
from aws_ses.testing import ERROR_SHAPES, canned_body, canned_error, canned_response, error_shapes
from aws_ses.testing.canned import FAKE_TIMESTAMP

FAKE_PREFIXES = ("fake-", "fake@example.com", "arn:aws:ses:us-east-1:000000000000:fake/")


def _leaves(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [leaf for v in value.values() for leaf in _leaves(v)]
    if isinstance(value, list):
        return [leaf for v in value for leaf in _leaves(v)]
    return [value]


def _enum_values() -> set[str]:
    from aws_ses._model import shape, shape_names

    return {value for name in shape_names() for value in shape(name).enum or ()}


@pytest.mark.parametrize("name", operation_names())
def test_every_operation_has_a_response_that_decodes_whole(name: str) -> None:
    op = operation(name)
    body = msgspec.json.encode(canned_body(name))
    if op.output is None:
        assert canned_body(name) == {}
        return
    # Strict about fields: nothing may be dropped to make it fit.
    decoded = msgspec.json.Decoder(getattr(types, op.output), strict=False).decode(body)
    assert msgspec.to_builtins(decoded) is not None
    assert parse_response(op, canned_response(name)) == decoded
    if op.paginator is not None:
        token = op.paginator.output_token
        assert token not in canned_body(name), "a canned page must end the paging"


def test_values_are_deterministic_and_obviously_fake() -> None:
    enums = _enum_values()
    for name in operation_names():
        assert canned_body(name) == canned_body(name)
        for leaf in _leaves(canned_body(name)):
            if isinstance(leaf, str):
                assert leaf in enums or leaf.startswith(FAKE_PREFIXES) or leaf == "ZmFrZQ==", leaf
            elif not isinstance(leaf, bool):
                assert leaf == FAKE_TIMESTAMP or 1 <= leaf <= 1000, (name, leaf)
    body = canned_body("send_email")
    assert body == {"MessageId": "fake-message-id"}


def test_canned_bodies_are_copies() -> None:
    canned_body("get_account")["SendQuota"]["MaxSendRate"] = 99
    assert canned_body("get_account")["SendQuota"]["MaxSendRate"] == 1.0


def test_overrides_and_ses_names() -> None:
    response = canned_response("SendEmail", MessageId="m-1")
    assert msgspec.json.decode(response.body) == {"MessageId": "m-1"}
    with pytest.raises(ValueError, match="not an SES v2 operation"):
        canned_body("send_mail")


def test_every_error_shape_matches_ses() -> None:
    model = botocore.session.get_session().get_service_model("sesv2")
    statuses = {s.name: s.metadata["error"]["httpStatusCode"] for s in model.error_shapes}
    assert set(error_shapes()) == set(statuses) == set(ERROR_SHAPES)
    for code in error_shapes():
        response = canned_error(code)
        assert response.status == statuses[code]
        error = parse_error(response)
        assert error.code == code
        assert isinstance(error, getattr(errors, code))


def test_canned_error_arguments() -> None:
    error = parse_error(canned_error("Throttling", "Rate exceeded", status=400))
    assert isinstance(error, errors.TooManyRequestsException)
    assert error.status == 400
    assert parse_error(canned_error("MessageRejected", "nope")).message == "nope"
    with pytest.raises(ValueError, match="non-empty error code"):
        canned_error("")
