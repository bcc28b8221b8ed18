"""Clients wired to a mock transport: what the ``ses_client`` fixtures build."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from aws_ses._http import HttpRequest, HttpResponse
from aws_ses.testing.clock import FakeClock
from aws_ses.testing.credentials import MockCredentialProvider
from aws_ses.transport.mock import AsyncHandler, AsyncMockTransport, MockTransport

if TYPE_CHECKING:
    from aws_ses.async_client import AsyncSesClient
    from aws_ses.client import SesClient

__all__ = ["mock_async_client", "mock_client"]

#: The endpoint mock clients use; nothing is ever sent to it.
MOCK_ENDPOINT = "https://email.us-east-1.amazonaws.com"


def _options(options: dict[str, Any], clock: FakeClock | None) -> dict[str, Any]:
    options.setdefault("region", "us-east-1")
    options.setdefault("credentials", MockCredentialProvider())
    # Retries and breaker cool-downs run on virtual time: no test waits for them.
    if "runtime" not in options:
        options["runtime"] = (clock or FakeClock()).runtime
    return options


def mock_client(
    handler: Callable[[HttpRequest], HttpResponse] | None = None,
    *,
    transport: MockTransport | None = None,
    clock: FakeClock | None = None,
    **options: Any,
) -> tuple[SesClient, MockTransport]:
    """A :class:`~aws_ses.SesClient` on a :class:`MockTransport`, and that transport.

    ``handler`` defaults to :func:`aws_ses.testing.responder.ok`; swap it
    later with ``transport.handler = ...``. ``options`` are SesConfig fields
    (fake credentials and ``us-east-1`` unless given). The client's retries
    sleep on ``clock`` (a new :class:`FakeClock` by default), so they take no
    time; pass ``runtime=`` to choose otherwise.
    """
    from aws_ses.client import SesClient
    from aws_ses.testing.responder import ok

    if transport is None:
        transport = MockTransport(handler or ok())
    elif handler is not None:
        raise ValueError("pass a handler or a transport, not both")
    return SesClient(**_options(options, clock), transport=transport), transport


def mock_async_client(
    handler: AsyncHandler | None = None,
    *,
    transport: AsyncMockTransport | None = None,
    clock: FakeClock | None = None,
    **options: Any,
) -> tuple[AsyncSesClient, AsyncMockTransport]:
    """An :class:`~aws_ses.AsyncSesClient` on an :class:`AsyncMockTransport`."""
    from aws_ses.async_client import AsyncSesClient
    from aws_ses.testing.responder import ok

    if transport is None:
        transport = AsyncMockTransport(handler or ok())
    elif handler is not None:
        raise ValueError("pass a handler or a transport, not both")
    return AsyncSesClient(**_options(options, clock), async_transport=transport), transport
