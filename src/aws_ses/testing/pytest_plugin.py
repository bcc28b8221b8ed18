"""The aws-ses pytest plugin, registered through the ``pytest11`` entry point.

Loading it imports only pytest: every fixture imports what it needs when a
test asks for it, so projects that never use these fixtures pay nothing.

Fixtures:

* ``ses_client`` / ``async_ses_client``: a client on a mock transport
  answering :func:`aws_ses.testing.responder.ok`; the transports are
  ``ses_transport`` / ``async_ses_transport`` (swap ``.handler``, read
  ``.recorded_requests``). Their retries sleep on ``ses_clock``, a
  :class:`~aws_ses.testing.FakeClock`: no test waits for a backoff.
* ``local_ses``: a fresh local SES server in this process (ASGI, no socket),
  with ``.client``, ``.async_client()``, ``.messages()``, ``.assert_sent()``.
* ``local_ses_http``: the local server on a real port (one per session,
  emptied before each test); the AWS environment variables point at it for
  the test, so code that builds its own client, or boto3, finds it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from aws_ses.async_client import AsyncSesClient
    from aws_ses.client import SesClient
    from aws_ses.local import LocalServer
    from aws_ses.testing.clock import FakeClock
    from aws_ses.testing.local import LocalSes, LocalSesHttp
    from aws_ses.transport.mock import AsyncMockTransport, MockTransport


@pytest.fixture
def ses_transport() -> MockTransport:
    """The recording mock transport behind ``ses_client`` (answers ``responder.ok()``)."""
    from aws_ses.testing.responder import ok
    from aws_ses.transport.mock import MockTransport

    return MockTransport(ok())


@pytest.fixture
def ses_clock() -> FakeClock:
    """The virtual clock the mock clients retry on: ``.sleeps`` lists their waits."""
    from aws_ses.testing.clock import FakeClock

    return FakeClock()


@pytest.fixture
def ses_client(ses_transport: MockTransport, ses_clock: FakeClock) -> Iterator[SesClient]:
    """A :class:`~aws_ses.SesClient` on ``ses_transport``, with fake credentials."""
    from aws_ses.testing.mocks import mock_client

    client, _ = mock_client(transport=ses_transport, clock=ses_clock)
    with client:
        yield client


@pytest.fixture
def async_ses_transport() -> AsyncMockTransport:
    """The recording mock transport behind ``async_ses_client``."""
    from aws_ses.testing.responder import ok
    from aws_ses.transport.mock import AsyncMockTransport

    return AsyncMockTransport(ok())


@pytest.fixture
def async_ses_client(
    async_ses_transport: AsyncMockTransport, ses_clock: FakeClock
) -> AsyncSesClient:
    """An :class:`~aws_ses.AsyncSesClient` on ``async_ses_transport``.

    A plain fixture (no event loop needed to build it), so it works with
    pytest-asyncio, anyio or ``asyncio.run`` alike.
    """
    from aws_ses.testing.mocks import mock_async_client

    client, _ = mock_async_client(transport=async_ses_transport, clock=ses_clock)
    return client


@pytest.fixture
def local_ses() -> Iterator[LocalSes]:
    """A fresh in-process local SES server for this test."""
    from aws_ses.testing.local import LocalSes

    with LocalSes() as server:
        yield server


@pytest.fixture(scope="session")
def _aws_ses_local_server() -> Iterator[LocalServer]:
    from aws_ses.testing.local import start_http_server

    server = start_http_server()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def local_ses_http(
    _aws_ses_local_server: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> Iterator[LocalSesHttp]:
    """The local SES server on a real port, empty, with the AWS environment pointing at it."""
    from aws_ses.testing.local import LocalSesHttp

    _aws_ses_local_server.reset()
    server = LocalSesHttp(_aws_ses_local_server)
    for name, value in server.env.items():
        monkeypatch.setenv(name, value)
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)
    try:
        yield server
    finally:
        server.close()
