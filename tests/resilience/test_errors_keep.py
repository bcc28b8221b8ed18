"""Errors people can keep: they pickle, compare equal, and hold no secret."""

from __future__ import annotations

import inspect
import pickle
import re
from typing import Any

import pytest

import aws_ses
from aws_ses import SesClient, SesConfig, errors
from aws_ses._http import HttpRequest
from aws_ses.auth import Credentials
from aws_ses.transport import MockTransport, error_response, json_response

SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
TOKEN = "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQ-session-token"
CREDS = Credentials("AKIDEXAMPLE", SECRET, TOKEN)

ERROR_CLASSES = sorted(
    (
        cls
        for _, cls in inspect.getmembers(errors, inspect.isclass)
        if issubclass(cls, errors.SesError)
    ),
    key=lambda c: c.__name__,
)


def make(cls: type[errors.SesError]) -> errors.SesError:
    if cls is errors.SesValidationError:
        return cls("destination.to_addresses[0]", "not an e-mail address")
    if issubclass(cls, errors.SesTransportError):
        return cls("connection reset", sent=True)
    if issubclass(cls, errors.SesServiceError):
        return cls("boom", code=cls.__name__, status=400, request_id="r-1", details={"x": [1]})
    return cls("something", code="X", status=None)


@pytest.mark.parametrize("cls", ERROR_CLASSES, ids=lambda c: c.__name__)
def test_every_error_pickles_to_an_equal_one(cls: type[errors.SesError]) -> None:
    error = make(cls)
    error.attempts = 2
    error.maybe_sent = True
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is cls
    assert copy == error
    assert str(copy) == str(error) and repr(copy) == repr(error)
    assert (copy.code, copy.maybe_sent, copy.attempts) == (error.code, True, 2)
    if isinstance(error, errors.SesServiceError):
        assert copy.details == {"x": [1]}  # type: ignore[attr-defined]


def test_service_errors_always_have_details() -> None:
    client = SesClient(
        SesConfig(
            region="us-east-1",
            credentials=CREDS,
            transport=MockTransport(lambda r: error_response("NotFoundException", "no", 404)),
        )
    )
    with pytest.raises(errors.NotFoundException) as info:
        client.get_account()
    assert info.value.details == {}
    assert errors.SesServiceError("x").details == {}


def test_service_error_classes_come_from_the_model() -> None:
    import botocore.session

    from aws_ses._generated.errors import SERVICE_ERRORS

    model = botocore.session.get_session().get_service_model("sesv2")
    assert set(SERVICE_ERRORS) == {shape.name for shape in model.error_shapes}
    for name, cls in SERVICE_ERRORS.items():
        assert getattr(errors, name) is cls and getattr(aws_ses, name) is cls


def test_every_error_class_is_exported_from_the_package() -> None:
    for cls in ERROR_CLASSES:
        assert getattr(aws_ses, cls.__name__) is cls, cls.__name__
    for name in ("EmailBuilder", "BulkEmailBuilder", "BulkEntry", "BulkResult",
                 "TemplateBuilder", "HealthStatus", "render_locally", "MockTransport",
                 "AsyncMockTransport"):  # fmt: skip
        assert name in aws_ses.__all__ and getattr(aws_ses, name) is not None


def _all_text(*objects: Any) -> str:
    return "\n".join(f"{o!r}\n{o!s}" for o in objects)


def test_no_secret_in_reprs_of_requests_responses_clients_and_errors() -> None:
    transport = MockTransport(
        lambda r: error_response("TooManyRequestsException", "Maximum sending rate exceeded.", 429)
    )
    client = SesClient(SesConfig(region="us-east-1", credentials=CREDS, transport=transport))
    with pytest.raises(errors.SesError) as info:
        client.send_email(content={"raw": {"data": b"Subject: x\r\n\r\nx"}})
    ok = SesClient(
        SesConfig(
            region="us-east-1",
            credentials=CREDS,
            transport=MockTransport(lambda r: json_response({"MessageId": "m"})),
        )
    )
    sent = ok.send_email(content={"raw": {"data": b"Subject: x\r\n\r\nx"}})
    requests = transport.requests
    assert len(requests) == 3 and all("Authorization" in r.headers for r in requests)
    signatures = [r.headers["Authorization"].rsplit("Signature=", 1)[1] for r in requests]
    text = _all_text(
        *requests, [*requests], transport, client, ok, client.config, info.value,
        info.value.__dict__, sent, sent.response_metadata, CREDS,
    )  # fmt: skip
    assert SECRET not in text
    assert TOKEN not in text
    for signature in signatures:
        assert signature not in text
    assert "***" in repr(requests[0])


def test_request_repr_redacts_presigned_query_values() -> None:
    request = HttpRequest(
        "GET", "https://x/?X-Amz-Signature=abc123&X-Amz-Security-Token=tok456&a=1", {}, b""
    )
    text = repr(request)
    assert "abc123" not in text and "tok456" not in text and "a=1" in text
    assert re.search(r"X-Amz-Signature=\*\*\*", text)
