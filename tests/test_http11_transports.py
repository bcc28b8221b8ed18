"""What the own HTTP/1.1 transports share, and the async one's in-flight limit.

``tests/test_transport.py`` runs the transport contract against every
transport; these tests cover the pieces of ``transport/_http11_base.py`` and
the slot counter that bounds the async transport's requests in flight.
"""

from __future__ import annotations

import asyncio

import pytest

from aws_ses._http import HttpRequest, Timeout
from aws_ses.errors import SesTimeoutError, SesTransportError
from aws_ses.transport import AsyncHttp11Transport, Http11Transport
from aws_ses.transport._http11 import Incomplete, ProtocolError, ResponseParser
from aws_ses.transport._http11_base import Route, describe, translate
from aws_ses.transport._proxy import ProxyChooser, split_url
from aws_ses.transport.async_http11_transport import _Slots

REPLY = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}"


class _CountingServer:
    """Answers every request after a short pause, counting requests in flight."""

    def __init__(self) -> None:
        self.in_flight = 0
        self.most = 0
        self.served = 0

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":", 1)[1])
                await reader.readexactly(length)
                self.in_flight += 1
                self.most = max(self.most, self.in_flight)
                await asyncio.sleep(0.005)  # holds the slot while others queue
                self.in_flight -= 1
                self.served += 1
                writer.write(REPLY)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()


async def _serve() -> tuple[_CountingServer, asyncio.Server, str]:
    counting = _CountingServer()
    server = await asyncio.start_server(counting.handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    return counting, server, f"http://127.0.0.1:{port}/v2/x"


async def test_no_more_requests_in_flight_than_the_limit() -> None:
    counting, server, url = await _serve()
    async with server, AsyncHttp11Transport(max_pool_connections=2) as transport:
        request = HttpRequest("POST", url, {"Content-Type": "application/json"}, b"{}")
        replies = await asyncio.gather(
            *(transport.send(request, timeout=Timeout()) for _ in range(12))
        )
    assert [r.status for r in replies] == [200] * 12
    assert counting.served == 12
    assert counting.most == 2


async def test_a_request_cancelled_while_waiting_for_a_slot_leaks_nothing() -> None:
    counting, server, url = await _serve()
    async with server, AsyncHttp11Transport(max_pool_connections=1) as transport:
        request = HttpRequest("GET", url)
        first = asyncio.ensure_future(transport.send(request, timeout=Timeout()))
        waiting = asyncio.ensure_future(transport.send(request, timeout=Timeout()))
        third = asyncio.ensure_future(transport.send(request, timeout=Timeout()))
        await asyncio.sleep(0)
        waiting.cancel()
        assert (await first).status == 200 and (await third).status == 200
        with pytest.raises(asyncio.CancelledError):
            await waiting
        # The slot came back: one more request goes through.
        assert (await transport.send(request, timeout=Timeout())).status == 200
    assert counting.served == 3 and counting.most == 1


async def test_a_slot_handed_to_a_cancelled_waiter_goes_to_the_next() -> None:
    loop = asyncio.get_running_loop()
    slots = _Slots(1)
    assert slots.take()
    assert not slots.take()
    handed = asyncio.ensure_future(slots.wait(loop))
    after = asyncio.ensure_future(slots.wait(loop))
    await asyncio.sleep(0)
    slots.release()  # the slot goes to `handed`, which has not run yet...
    handed.cancel()  # ...and is cancelled before it could use it
    with pytest.raises(asyncio.CancelledError):
        await handed
    await asyncio.wait_for(after, 1)  # so `after` got it
    assert not slots.take()
    slots.release()
    assert slots.take()


def test_route_of_a_url_is_worked_out_once() -> None:
    transport = Http11Transport(trust_env=False)
    url = "http://[::1]:8080/v2/email/identities/a%40b.com?x=1#frag"
    route = transport._route(url)
    assert transport._route(url) is route
    assert (route.host, route.path) == ("[::1]:8080", "/v2/email/identities/a%40b.com?x=1")
    assert route.key == ("http", "::1", 8080, None)


def test_route_through_a_plain_http_proxy_uses_the_absolute_form() -> None:
    chooser = ProxyChooser(proxy="http://user:pw@proxy.example:3128", trust_env=False)
    route = Route("http://email.example/v2/x?y=1", chooser)
    assert route.path == "http://email.example/v2/x?y=1"
    assert route.host == "email.example"
    head = route.head(HttpRequest("GET", "http://email.example/v2/x?y=1", {"A": "b"}))
    assert head.startswith(b"GET http://email.example/v2/x?y=1 HTTP/1.1\r\n")
    assert b"\r\nProxy-Authorization: Basic " in head
    tunnelled = Route("https://email.example/v2/x", chooser)
    assert tunnelled.path == "/v2/x"  # through a CONNECT tunnel: origin form, no proxy headers
    assert b"Proxy-Authorization" not in tunnelled.head(
        HttpRequest("GET", "https://email.example/v2/x")
    )


def test_errors_after_the_request_left_say_so_and_name_no_path() -> None:
    target = split_url("https://email.example/v2/email/identities/a%40b.com")
    timeout = Timeout(connect=1, read=2)
    cases = [
        (TimeoutError(), SesTimeoutError, "read timeout 2 s"),
        (BlockingIOError(11, "Resource temporarily unavailable"), SesTimeoutError, "read timeout"),
        (Incomplete("the response was cut short"), SesTransportError, "cut short"),
        (ConnectionResetError(104, "Connection reset by peer"), SesTransportError, "reset by peer"),
    ]
    for exc, kind, text in cases:
        for sent in (True, False):
            err = translate(exc, target, timeout, sent=sent)
            assert type(err) is kind and err.sent is sent
            assert text in str(err) and "a%40b.com" not in str(err)
    assert describe(OSError()) == "OSError"


@pytest.mark.parametrize(
    "reply",
    [
        REPLY,
        b"HTTP/1.1 100 Continue\r\n\r\n" + REPLY,
        b"HTTP/1.1 204 No Content\r\nX-A: 1\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nContent-Length: 2, 2\r\nConnection: close\r\n\r\n{}",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
        b"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\n{}",
    ],
)
def test_a_reply_in_one_piece_parses_as_it_does_byte_by_byte(reply: bytes) -> None:
    whole, pieces = ResponseParser(), ResponseParser()
    assert whole.feed(reply)
    done = False
    for i in range(len(reply)):
        assert not done, "complete before the last byte"
        done = pieces.feed(reply[i : i + 1])
    assert done
    for parser in (whole, pieces):
        assert parser.done
    assert (whole.status, whole.headers, whole.body, whole.reusable) == (
        pieces.status,
        pieces.headers,
        pieces.body,
        pieces.reusable,
    )


def test_stray_bytes_after_a_reply_make_the_connection_unusable() -> None:
    parser = ResponseParser()
    assert parser.feed(REPLY + b"HTTP/1.1 200 OK\r\n")
    assert parser.body == b"{}" and not parser.reusable


def test_a_short_body_in_one_piece_waits_for_the_rest() -> None:
    parser = ResponseParser()
    assert not parser.feed(b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\n{}")
    assert parser.feed(b"{}") and parser.body == b"{}{}"
    with pytest.raises(ProtocolError):
        ResponseParser().feed(b"HTTP/1.1 200 OK\r\nContent-Length: 1, 2\r\n\r\n{}")


def _closed_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_both_transports_name_a_refused_connect_alike() -> None:
    url = f"http://127.0.0.1:{_closed_port()}"
    request = HttpRequest("POST", url + "/v2/email/outbound-emails", {}, b"{}")
    timeout = Timeout(connect=2, read=2)
    with Http11Transport() as sync, pytest.raises(SesTransportError) as sync_error:
        sync.send(request, timeout=timeout)

    async def go() -> SesTransportError:
        async with AsyncHttp11Transport() as transport:
            with pytest.raises(SesTransportError) as info:
                await transport.send(request, timeout=timeout)
            return info.value

    async_error = asyncio.run(go())
    for error in (sync_error.value, async_error):
        assert str(error).startswith(f"SesTransportError: could not connect to {url}: ")
        assert error.sent is False and not isinstance(error, SesTimeoutError)
