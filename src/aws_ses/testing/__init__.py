"""Test doubles for code that uses aws-ses: mock transports with SES-shaped
answers, recorded requests, fake credentials, the local server as fixtures
and assertions on what was sent.

Names load on first use (``import aws_ses.testing`` costs nothing), so the
pytest plugin registered by the package adds nothing to a test run that does
not use it. See ``docs/testing.md``.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from aws_ses.testing import responder as responder
    from aws_ses.testing.assertions import assert_not_sent as assert_not_sent
    from aws_ses.testing.assertions import assert_sent as assert_sent
    from aws_ses.testing.assertions import matching_messages as matching_messages
    from aws_ses.testing.canned import ERROR_SHAPES as ERROR_SHAPES
    from aws_ses.testing.canned import canned_body as canned_body
    from aws_ses.testing.canned import canned_error as canned_error
    from aws_ses.testing.canned import canned_response as canned_response
    from aws_ses.testing.canned import error_shapes as error_shapes
    from aws_ses.testing.clock import FakeClock as FakeClock
    from aws_ses.testing.credentials import MockCredentialProvider as MockCredentialProvider
    from aws_ses.testing.local import LocalSes as LocalSes
    from aws_ses.testing.local import LocalSesHttp as LocalSesHttp
    from aws_ses.testing.mocks import mock_async_client as mock_async_client
    from aws_ses.testing.mocks import mock_client as mock_client
    from aws_ses.transport.mock import AsyncMockTransport as AsyncMockTransport
    from aws_ses.transport.mock import MockTransport as MockTransport
    from aws_ses.transport.mock import RecordedRequest as RecordedRequest
    from aws_ses.transport.mock import decode_request as decode_request

_LAZY = {
    "responder": "",
    "assert_sent": ".assertions",
    "assert_not_sent": ".assertions",
    "matching_messages": ".assertions",
    "ERROR_SHAPES": ".canned",
    "canned_body": ".canned",
    "canned_error": ".canned",
    "canned_response": ".canned",
    "error_shapes": ".canned",
    "FakeClock": ".clock",
    "MockCredentialProvider": ".credentials",
    "LocalSes": ".local",
    "LocalSesHttp": ".local",
    "mock_client": ".mocks",
    "mock_async_client": ".mocks",
    "MockTransport": "aws_ses.transport.mock",
    "AsyncMockTransport": "aws_ses.transport.mock",
    "RecordedRequest": "aws_ses.transport.mock",
    "decode_request": "aws_ses.transport.mock",
}

__all__ = sorted(_LAZY)


def __getattr__(name: str) -> Any:
    where = _LAZY.get(name)
    if where is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    if where == "":
        value: Any = import_module(f"{__name__}.{name}")
    else:
        value = getattr(import_module(where, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
