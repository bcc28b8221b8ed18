"""The pipeline over real HTTP: the local server's faults and a raw socket server.

The local server's read-back proves what SES (here: the server) stored, so
"no mail twice" is checked where it matters, not inferred from call counts.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from aws_ses import AsyncSesClient, SesClient, SesConfig
from aws_ses._runtime import Runtime
from aws_ses.auth import Credentials
from aws_ses.errors import (
    CircuitOpenError,
    SesError,
    SesResponseError,
    SesTimeoutError,
    SesTransportError,
)
from aws_ses.local import LocalServer
from aws_ses.resilience.breaker import BreakerState

SENDER = "sender@example.com"
NO_WAIT = Runtime(random=lambda: 0.0)  # backoff of 0 s: real retries, no idle time


@pytest.fixture(scope="module")
def server() -> Iterator[LocalServer]:
    with LocalServer() as running:
        yield running


@pytest.fixture
def ses(server: LocalServer) -> LocalServer:
    server.reset()
    with server.client() as client:
        client.identities.create(email_identity=SENDER)
    return server


def call(flavour: str, server: LocalServer, method: str, /, **kwargs: Any) -> Any:
    options = kwargs.pop("_options", {})
    options.setdefault("runtime", NO_WAIT)
    if flavour == "sync":
        with server.client(**options) as client:
            return getattr(client, method)(**kwargs)

    async def run() -> Any:
        async with server.async_client(**options) as client:
            return await getattr(client, method)(**kwargs)

    return asyncio.run(run())


def send(flavour: str, server: LocalServer, to: str, **options: Any) -> Any:
    return call(
        flavour, server, "send_email",
        from_email_address=SENDER,
        destination={"to_addresses": [to]},
        content={"simple": {"subject": {"data": "hi"}, "body": {"text": {"data": "x"}}}},
        _options=options,
    )  # fmt: skip


FLAVOURS = pytest.mark.parametrize("flavour", ["sync", "async"])


@FLAVOURS
def test_throttled_sends_are_retried_and_stored_once(ses: LocalServer, flavour: str) -> None:
    ses.add_fault(operation="SendEmail", count=2, status=429, code="TooManyRequestsException",
                  message="Maximum sending rate exceeded.")  # fmt: skip
    sent = send(flavour, ses, "a@example.com")
    assert sent.response_metadata.retry_attempts == 2
    assert [m["Id"] for m in ses.messages()] == [sent.message_id]


@FLAVOURS
def test_a_5xx_send_is_not_repeated(ses: LocalServer, flavour: str) -> None:
    ses.add_fault(operation="SendEmail", count=1, status=503, code="ServiceUnavailable")
    with pytest.raises(SesError) as info:
        send(flavour, ses, "b@example.com")
    assert (info.value.status, info.value.maybe_sent, info.value.retryable) == (503, True, False)
    assert info.value.attempts == 1
    assert ses.messages() == []  # the fault is not used up by a second attempt either...
    # ...and the next send (a new call) goes through normally.
    send(flavour, ses, "b@example.com")
    assert len(ses.messages()) == 1


@FLAVOURS
def test_non_sends_are_retried_after_5xx(ses: LocalServer, flavour: str) -> None:
    ses.add_fault(operation="GetAccount", count=2, status=500, code="InternalFailure")
    account = call(flavour, ses, "get_account")
    assert account.response_metadata.retry_attempts == 2


@FLAVOURS
def test_a_send_that_timed_out_is_not_resent(ses: LocalServer, flavour: str) -> None:
    # The server takes 1.5 s, then stores the mail; the client gives up after 0.5 s.
    ses.add_fault(operation="SendEmail", count=1, latency=1.5)
    with pytest.raises(SesTimeoutError) as info:
        send(flavour, ses, "c@example.com", timeout=0.5)
    assert info.value.maybe_sent is True and info.value.retryable is False
    deadline = time.monotonic() + 5
    while not ses.messages() and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)
    assert len(ses.messages()) == 1  # it went out once, and only once


@FLAVOURS
def test_a_dropped_connection_on_a_send_is_not_resent(ses: LocalServer, flavour: str) -> None:
    ses.add_fault(operation="SendEmail", count=1, drop_connection=True)
    with pytest.raises(SesTransportError) as info:
        send(flavour, ses, "d@example.com")
    assert info.value.maybe_sent is True
    assert len(ses.messages()) <= 1


@FLAVOURS
def test_deadline_over_real_http(ses: LocalServer, flavour: str) -> None:
    ses.add_fault(operation="GetAccount", count=1, latency=2.0)
    started = time.monotonic()
    with pytest.raises(SesTimeoutError) as info:
        call(flavour, ses, "get_account", _options={"deadline": 0.6})
    assert time.monotonic() - started < 1.8
    assert "deadline" in info.value.message or info.value.maybe_sent is True


@FLAVOURS
def test_breaker_opens_at_threshold_and_closes_after_a_good_probe(
    ses: LocalServer, flavour: str
) -> None:
    from aws_ses.resilience.breaker import reset_breakers

    reset_breakers()
    clock = [1000.0]
    runtime = Runtime(monotonic=lambda: clock[0], random=lambda: 0.0)
    ses.add_fault(operation="GetAccount", count=5, status=503, code="ServiceUnavailable")
    options = {"runtime": runtime, "max_attempts": 1, "breaker_cooldown": 30}

    async def run_async() -> None:
        async with ses.async_client(**options) as client:
            await steps(client, lambda c: c.get_account())

    async def steps(client: Any, get: Any) -> None:
        for _ in range(5):
            with pytest.raises(SesError):
                await get(client)
        assert client.circuit_state is BreakerState.OPEN
        ses.add_fault(operation="GetAccount", count=1, status=400, code="BadRequestException")
        with pytest.raises(CircuitOpenError):
            await get(client)  # fails fast: the queued fault is still there
        assert len(ses._admin("GET", "/_aws/ses/faults")["faults"]) == 1
        ses._admin("DELETE", "/_aws/ses/faults")
        clock[0] += 30
        assert (await get(client)).send_quota is not None  # the probe
        assert client.circuit_state is BreakerState.CLOSED

    if flavour == "async":
        asyncio.run(run_async())
        return

    async def sync_get(client: SesClient) -> Any:
        return client.get_account()

    with ses.client(**options) as client:
        asyncio.run(steps(client, sync_get))


# ----------------------------------------------------- a raw socket server


class RawServer:
    """Answers every HTTP request with fixed bytes, then closes the connection."""

    def __init__(self, reply: bytes) -> None:
        self.reply = reply
        self.requests = 0
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                data = b""
                while b"\r\n\r\n" not in data:
                    chunk = conn.recv(65536)
                    if not chunk:
                        break
                    data += chunk
                head, _, body = data.partition(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":", 1)[1])
                while len(body) < length:
                    chunk = conn.recv(65536)
                    if not chunk:
                        break
                    body += chunk
                self.requests += 1
                conn.sendall(self.reply)

    def close(self) -> None:
        self.sock.close()


REPLIES = {
    "cut-in-headers": b"HTTP/1.1 200 OK\r\nContent-Type: applic",
    "cut-in-body": b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
    b'Content-Length: 100\r\n\r\n{"MessageId": "m',
    "empty-body": b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
    "no-message-id": b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}",
    "not-json": b"HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nnot json!",
    "nothing": b"",
}


@pytest.mark.parametrize("reply", list(REPLIES), ids=list(REPLIES))
@FLAVOURS
def test_a_broken_reply_is_never_a_success(reply: str, flavour: str) -> None:
    raw = RawServer(REPLIES[reply])
    config = SesConfig(
        region="us-east-1", endpoint_url=raw.url, credentials=Credentials("AKID", "secret"),
        runtime=NO_WAIT, timeout=5,
    )  # fmt: skip
    kwargs: dict[str, Any] = {
        "from_email_address": SENDER,
        "destination": {"to_addresses": ["x@example.com"]},
        "content": {"raw": {"data": b"Subject: x\r\n\r\nx"}},
    }
    try:
        if flavour == "sync":
            with SesClient(config) as client, pytest.raises(SesError) as info:
                client.send_email(**kwargs)
        else:

            async def run() -> pytest.ExceptionInfo[SesError]:
                async with AsyncSesClient(config) as client:
                    with pytest.raises(SesError) as caught:
                        await client.send_email(**kwargs)
                    return caught

            info = asyncio.run(run())
    finally:
        raw.close()
    error = info.value
    assert isinstance(error, SesTransportError | SesResponseError), repr(error)
    assert error.maybe_sent is True
    assert error.retryable is False
    assert raw.requests == 1  # the send was not repeated
