"""Every SES error shape, and the odd error bodies real front ends return."""

from __future__ import annotations

import pickle
from typing import Any

import pytest

from aws_ses import SesClient, errors
from aws_ses._model import operation, operation_names
from aws_ses.auth import Credentials
from aws_ses.transport import HttpResponse, MockTransport, error_response

CREDS = Credentials("AKIDEXAMPLE", "SECRETSECRETSECRET")
ALL_ERROR_SHAPES = sorted({e for n in operation_names() for e in operation(n).errors})


def client_returning(response: HttpResponse) -> SesClient:
    return SesClient(
        region="us-east-1", credentials=CREDS, transport=MockTransport(lambda r: response)
    )


def test_every_modelled_error_has_a_class() -> None:
    assert len(ALL_ERROR_SHAPES) == 13
    for code in ALL_ERROR_SHAPES:
        assert hasattr(errors, code), code
        assert issubclass(getattr(errors, code), errors.SesServiceError)


STATUS = {
    "NotFoundException": 404,
    "TooManyRequestsException": 429,
    "ConflictException": 409,
    "InternalServiceErrorException": 500,
    "ConcurrentModificationException": 500,
}


@pytest.mark.parametrize("code", ALL_ERROR_SHAPES)
def test_error_shape_maps_to_its_class(code: str) -> None:
    status = STATUS.get(code, 400)
    response = error_response(code, f"something about {code}", status)
    response.headers["x-amzn-requestid"] = "req-123"
    with pytest.raises(getattr(errors, code)) as info:
        client_returning(response).get_account()
    err = info.value
    assert err.code == code
    assert err.status == status
    assert err.request_id == "req-123"
    assert err.message == f"something about {code}"
    assert f"something about {code}" in str(err)
    assert err.retryable is (
        code
        in {
            "TooManyRequestsException",
            "LimitExceededException",  # throttling, as the AWS SDKs treat it
            "InternalServiceErrorException",
            "ConcurrentModificationException",
        }
    )


def _response(status: int, body: bytes, **headers: str) -> HttpResponse:
    return HttpResponse(
        status=status, headers={k.lower(): v for k, v in headers.items()}, body=body
    )


@pytest.mark.parametrize(
    ("response", "cls", "code", "message"),
    [
        # The header wins over the body, and its ':'-suffix is cut.
        (
            _response(
                400,
                b'{"__type": "BadRequestException", "message": "x"}',
                **{"X-Amzn-ErrorType": "MessageRejected:http://internal.amazon.com/"},
            ),
            errors.MessageRejected,
            "MessageRejected",
            "x",
        ),
        # __type with a namespace prefix and a capitalised Message.
        (
            _response(404, b'{"__type": "com.amazon.coral#NotFoundException", "Message": "gone"}'),
            errors.NotFoundException,
            "NotFoundException",
            "gone",
        ),
        # "code" in the body.
        (
            _response(400, b'{"code": "AlreadyExistsException", "message": "dup"}'),
            errors.AlreadyExistsException,
            "AlreadyExistsException",
            "dup",
        ),
        # Seed fixture: the validation error.
        (
            _response(
                400,
                b'{"message": "1 validation error detected: Value null at '
                b"'content.simple.subject' failed to satisfy constraint: Member must not "
                b'be null", "__type": "ValidationException"}',
            ),
            errors.BadRequestException,
            "ValidationException",
            "1 validation error detected: Value null at 'content.simple.subject' failed to "
            "satisfy constraint: Member must not be null",
        ),
    ],
)
def test_code_and_message_sources(
    response: HttpResponse, cls: type[errors.SesError], code: str, message: str
) -> None:
    with pytest.raises(cls) as info:
        client_returning(response).get_account()
    assert info.value.code == code
    assert info.value.message == message


def test_html_404_still_gives_a_useful_error() -> None:
    page = b"<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>"
    with pytest.raises(errors.SesServiceError) as info:
        client_returning(_response(404, page, **{"Content-Type": "text/html"})).get_account()
    assert info.value.status == 404
    assert "404 Not Found" in info.value.message
    assert info.value.code == "HTTP404"
    assert info.value.retryable is False


def test_xml_error_body() -> None:
    body = (
        b'<?xml version="1.0" encoding="utf-8"?><ErrorResponse><Errors><Error>'
        b"<Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated "
        b"does not match.</Message></Error></Errors></ErrorResponse>"
    )
    with pytest.raises(errors.SesServiceError) as info:
        client_returning(_response(403, body)).get_account()
    assert info.value.code == "SignatureDoesNotMatch"
    assert info.value.message == "The request signature we calculated does not match."
    assert info.value.status == 403


def test_empty_5xx_is_retryable_service_error() -> None:
    with pytest.raises(errors.SesServiceError) as info:
        client_returning(_response(503, b"")).get_account()
    assert info.value.status == 503
    assert info.value.retryable is True


def test_content_type_is_not_needed() -> None:
    body = b'{"__type": "MessageRejected", "message": "Email address is not verified."}'
    with pytest.raises(errors.MessageRejected):
        client_returning(_response(400, body, **{"Content-Type": "text/plain"})).get_account()


@pytest.mark.parametrize(
    ("message", "cls", "retryable"),
    [
        ("Maximum sending rate exceeded.", errors.MaxSendRateExceeded, True),
        ("Daily message quota exceeded.", errors.DailyQuotaExceeded, False),
        ("Rate exceeded", errors.TooManyRequestsException, True),
    ],
)
def test_throttling_kinds(message: str, cls: type[errors.SesError], retryable: bool) -> None:
    with pytest.raises(cls) as info:
        client_returning(error_response("TooManyRequestsException", message, 429)).get_account()
    assert type(info.value) is cls
    assert isinstance(info.value, errors.TooManyRequestsException)
    assert info.value.retryable is retryable


def test_throttling_code_variants() -> None:
    for code in ("Throttling", "ThrottlingException"):
        with pytest.raises(errors.TooManyRequestsException):
            client_returning(error_response(code, "Rate exceeded", 400)).get_account()


def test_unknown_code_keeps_code() -> None:
    with pytest.raises(errors.SesServiceError) as info:
        client_returning(error_response("SomethingNewException", "new", 400)).get_account()
    assert type(info.value) is errors.SesServiceError
    assert info.value.code == "SomethingNewException"


def test_extra_body_members_are_kept() -> None:
    body = b'{"__type": "LimitExceededException", "message": "m", "Limit": 10}'
    with pytest.raises(errors.LimitExceededException) as info:
        client_returning(_response(400, body)).get_account()
    assert info.value.details == {"Limit": 10}


def test_transport_errors_propagate_with_sent_flag() -> None:
    def boom(request: Any) -> HttpResponse:
        raise errors.SesTransportError("connection refused", sent=False)

    client = SesClient(region="us-east-1", credentials=CREDS, transport=MockTransport(boom))
    with pytest.raises(errors.SesTransportError) as info:
        client.get_account()
    assert info.value.sent is False


def test_validation_error_names_field() -> None:
    err = errors.SesValidationError("destination.to_addresses[3]", "is not an address")
    assert err.field == "destination.to_addresses[3]"
    assert "destination.to_addresses[3]" in str(err)
    assert isinstance(err, ValueError)


def test_credentials_refuse_pickling() -> None:
    with pytest.raises(TypeError):
        pickle.dumps(CREDS)
