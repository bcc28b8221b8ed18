"""Transports: real HTTP on loopback for every network transport, plus mock and ASGI.

The shared contract tests run against each network transport (ours, blocking
and asyncio; urllib3; aiohttp) through one blocking interface.

The network tests run against small stdlib servers started once per session:
an echo server (plain and TLS with a self-signed certificate made here) and
a forward proxy that relays absolute-form requests and CONNECT tunnels.
"""

from __future__ import annotations

import asyncio
import base64
import datetime
import http.client
import ipaddress
import json
import select
import socket
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlsplit

import aiohttp
import pytest
import urllib3
from urllib3 import exceptions as u3
from urllib3.connection import HTTPConnection

from aws_ses.errors import SesTimeoutError, SesTransportError
from aws_ses.transport import (
    ASGITransport,
    AsyncHttp11Transport,
    AsyncMockTransport,
    AsyncTransport,
    Http11Transport,
    HttpRequest,
    HttpResponse,
    MockTransport,
    SyncASGITransport,
    Timeout,
    Transport,
    Urllib3Transport,
    _http11,
    _proxy,
    error_response,
    json_response,
)
from aws_ses.transport import aiohttp_transport as aio_mod
from aws_ses.transport import urllib3_transport as u3_mod
from aws_ses.transport.aiohttp_transport import AiohttpTransport

SIGNATURE = "Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7"
AUTHORIZATION = (
    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240101/us-east-1/ses/aws4_request, "
    f"SignedHeaders=content-type;host;x-amz-date, {SIGNATURE}"
)
SECRET_BODY = b'{"Content":{"Simple":{"Body":{"Text":{"Data":"top secret mail"}}}}}'
QUICK = Timeout(connect=2.0, read=2.0)

PROXY_VARS = (
    "http_proxy",
    "HTTP_PROXY",
    "https_proxy",
    "HTTPS_PROXY",
    "no_proxy",
    "NO_PROXY",
    "all_proxy",
    "ALL_PROXY",
    "REQUEST_METHOD",
)


@pytest.fixture(autouse=True)
def _clean_proxy_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in PROXY_VARS:
        monkeypatch.delenv(name, raising=False)


# ------------------------------------------------------------------ servers


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # aborted handshakes and dropped clients are part of the tests


class _EchoHandler(BaseHTTPRequestHandler):
    """Echoes the request as JSON; /status/N, /sleep/S and /drop change that."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out in two writes
    server: _EchoServer

    def setup(self) -> None:
        if self.server.tls is not None:
            # Handshake in this connection's thread, not in the accept loop.
            sock = self.server.tls.wrap_socket(
                self.request, server_side=True, do_handshake_on_connect=False
            )
            try:
                sock.settimeout(5)
                sock.do_handshake()
            except OSError:
                sock.close()  # a client that rejected our certificate
                raise
            self.request = sock
        super().setup()

    def finish(self) -> None:
        super().finish()
        if self.server.tls is not None:
            self.request.close()  # socketserver closes only the plain socket

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        route = self.path.split("?")[0]
        if route == "/drop":
            self.close_connection = True  # hang up without a response
            return
        status = 200
        if route.startswith("/sleep/"):
            time.sleep(float(route.rsplit("/", 1)[1]))
        elif route.startswith("/status/"):
            status = int(route.rsplit("/", 1)[1])
        echo = {
            "method": self.command,
            "target": self.path,
            "headers": [[name, value] for name, value in self.headers.items()],
            "body": base64.b64encode(body).decode(),
            "peer": self.client_address[1],
        }
        payload = json.dumps(echo).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("X-Amzn-RequestId", "req-1")
            self.send_header("X-Multi", "a")
            self.send_header("X-Multi", "b")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except OSError:
            self.close_connection = True  # the client gave up (timeout tests)

    do_GET = do_POST = do_PUT = do_DELETE = _handle


class _EchoServer(_QuietServer):
    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        self.tls = tls
        super().__init__(("127.0.0.1", 0), _EchoHandler)


class _ProxyHandler(BaseHTTPRequestHandler):
    """A forward proxy: relays absolute-form requests and CONNECT tunnels."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server: _ProxyServer

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _record(self) -> None:
        with self.server.lock:
            self.server.seen.append(
                (self.command, self.path, self.headers.get("Proxy-Authorization"))
            )

    def do_CONNECT(self) -> None:
        self._record()
        host, _, port = self.path.rpartition(":")
        upstream = socket.create_connection((host, int(port)), timeout=5)
        self.send_response(200, "Connection established")
        self.end_headers()
        self.wfile.flush()
        sockets = [self.connection, upstream]
        try:
            while True:
                readable, _, _ = select.select(sockets, [], [], 5)
                if not readable:
                    break
                for sock in readable:
                    data = sock.recv(65536)
                    if not data:
                        return
                    (upstream if sock is self.connection else self.connection).sendall(data)
        finally:
            upstream.close()
            self.close_connection = True

    def _relay(self) -> None:
        self._record()
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        headers = {
            k: v
            for k, v in self.headers.items()
            if k.lower() not in ("proxy-authorization", "proxy-connection", "connection")
        }
        upstream = http.client.HTTPConnection(url.hostname or "", url.port or 80, timeout=5)
        target = self.path[len(f"{url.scheme}://{url.netloc}") :] or "/"
        upstream.request(self.command, target, body=body, headers=headers)
        response = upstream.getresponse()
        payload = response.read()
        self.send_response(response.status)
        for name, value in response.getheaders():
            if name.lower() not in ("connection", "content-length", "date", "server"):
                self.send_header(name, value)
        self.send_header("X-Proxied", "yes")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)
        upstream.close()

    do_GET = do_POST = do_PUT = do_DELETE = _relay


class _ProxyServer(_QuietServer):
    def __init__(self) -> None:
        self.seen: list[tuple[str, str, str | None]] = []
        self.lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), _ProxyHandler)


def _serve(server: ThreadingHTTPServer) -> Iterator[str]:
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    try:
        yield f"127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class Cert:
    cert_path: Path
    key_path: Path


@pytest.fixture(scope="session")
def tls_cert(tmp_path_factory: pytest.TempPathFactory) -> Cert:
    """A self-signed certificate for 127.0.0.1 and localhost, made with cryptography."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "aws-ses test")])
    now = datetime.datetime.now(datetime.UTC)
    ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(ski, critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ski), critical=False
        )
        .sign(key, hashes.SHA256())
    )
    directory = tmp_path_factory.mktemp("tls")
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return Cert(cert_path, key_path)


@pytest.fixture(scope="session")
def echo() -> Iterator[str]:
    yield from _serve(_EchoServer())


@pytest.fixture(scope="session")
def tls_echo(tls_cert: Cert) -> Iterator[str]:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(tls_cert.cert_path, tls_cert.key_path)
    yield from _serve(_EchoServer(ctx))


@pytest.fixture(scope="session")
def proxy_server() -> Iterator[_ProxyServer]:
    server = _ProxyServer()
    for _ in _serve(server):
        yield server


@pytest.fixture
def proxy(proxy_server: _ProxyServer) -> _ProxyServer:
    with proxy_server.lock:
        proxy_server.seen.clear()
    return proxy_server


def _proxy_url(server: _ProxyServer) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}"


@pytest.fixture
def closed_port() -> int:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port: int = sock.getsockname()[1]
    sock.close()
    return port


@pytest.fixture
def silent_port() -> Iterator[int]:
    """Accepts TCP connections (via the backlog) and never says a word."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    yield sock.getsockname()[1]
    sock.close()


# ------------------------------------------------ one interface, two transports


SyncNetworkTransport = Urllib3Transport | Http11Transport
AsyncNetworkTransport = AiohttpTransport | AsyncHttp11Transport
TRANSPORTS: dict[str, type[SyncNetworkTransport | AsyncNetworkTransport]] = {
    "http11": Http11Transport,
    "async-http11": AsyncHttp11Transport,
    "urllib3": Urllib3Transport,
    "aiohttp": AiohttpTransport,
}


@dataclass
class Client:
    """Drives any network transport through one blocking interface."""

    transport: SyncNetworkTransport | AsyncNetworkTransport
    runner: asyncio.Runner | None = None
    closed: bool = field(default=False)

    def send(
        self,
        method: str,
        url: str,
        headers: dict[str, str] | None = None,
        body: bytes = b"",
        timeout: Timeout = QUICK,
    ) -> HttpResponse:
        request = HttpRequest(method, url, dict(headers or {}), body)
        if isinstance(self.transport, SyncNetworkTransport):
            return self.transport.send(request, timeout=timeout)
        assert self.runner is not None
        return self.runner.run(self.transport.send(request, timeout=timeout))

    def echo(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        response = self.send(*args, **kwargs)
        assert response.status == 200, response.body
        data: dict[str, Any] = json.loads(response.body)
        data["response_headers"] = response.headers
        return data

    def close(self) -> None:
        if isinstance(self.transport, SyncNetworkTransport):
            self.transport.close()
        else:
            assert self.runner is not None
            self.runner.run(self.transport.aclose())
            self.runner.close()


@pytest.fixture(params=sorted(TRANSPORTS))
def make_client(request: pytest.FixtureRequest) -> Iterator[Callable[..., Client]]:
    made: list[Client] = []

    def make(**kwargs: Any) -> Client:
        transport = TRANSPORTS[request.param](**kwargs)
        client = (
            Client(transport)
            if isinstance(transport, SyncNetworkTransport)
            else Client(transport, asyncio.Runner())
        )
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()


def _received_headers(data: dict[str, Any]) -> dict[str, str]:
    return {name.lower(): value for name, value in data["headers"]}


# ------------------------------------------------------------ network tests


def test_path_query_headers_and_body_arrive_exactly(
    make_client: Callable[..., Client], echo: str
) -> None:
    client = make_client()
    target = "/v2/email/identities/a%40b.com/%2f?x=%2F&y=a%20b&z=%7E&w=%2f"
    body = SECRET_BODY + b"\x00\xff"
    headers = {
        "Authorization": AUTHORIZATION,
        "X-Amz-Date": "20240101T000000Z",
        "Content-Type": "application/json",
        "X-Odd-Case": "  inner  spaces kept",
    }
    data = client.echo("POST", f"http://{echo}{target}", headers, body)
    assert data["target"] == target
    assert data["method"] == "POST"
    assert base64.b64decode(data["body"]) == body
    received = _received_headers(data)
    assert received["authorization"] == AUTHORIZATION
    assert received["x-amz-date"] == "20240101T000000Z"
    assert received["content-type"] == "application/json"
    assert received["x-odd-case"] == "inner  spaces kept"  # the server strips the leading blanks
    assert received["content-length"] == str(len(body))
    assert received["host"] == echo


def test_nothing_unsigned_that_matters_is_added(
    make_client: Callable[..., Client], echo: str
) -> None:
    client = make_client()
    post = _received_headers(client.echo("POST", f"http://{echo}/echo", {}, b"raw"))
    assert "content-type" not in post
    assert "gzip" not in post.get("accept-encoding", "")
    get = _received_headers(client.echo("GET", f"http://{echo}/echo"))
    assert "content-length" not in get
    assert "content-type" not in get


def test_given_host_header_is_kept(make_client: Callable[..., Client], echo: str) -> None:
    client = make_client()
    data = client.echo("GET", f"http://{echo}/echo", {"Host": "email.us-east-1.amazonaws.com"})
    hosts = [value for name, value in data["headers"] if name.lower() == "host"]
    assert hosts == ["email.us-east-1.amazonaws.com"]


def test_error_statuses_are_responses(make_client: Callable[..., Client], echo: str) -> None:
    client = make_client()
    for status in (400, 404, 429, 500, 503):
        response = client.send("POST", f"http://{echo}/status/{status}", body=b"{}")
        assert response.status == status
        assert json.loads(response.body)["target"] == f"/status/{status}"


def test_response_headers_are_lower_case_and_joined(
    make_client: Callable[..., Client], echo: str
) -> None:
    headers = make_client().send("GET", f"http://{echo}/echo").headers
    assert headers["x-amzn-requestid"] == "req-1"
    assert headers["x-multi"] == "a, b"
    assert headers["content-type"] == "application/json"
    assert all(name == name.lower() for name in headers)


def test_connections_are_kept_alive(make_client: Callable[..., Client], echo: str) -> None:
    client = make_client()
    peers = {client.echo("POST", f"http://{echo}/echo", body=b"x")["peer"] for _ in range(4)}
    peers |= {client.echo("GET", f"http://{echo}/status/200")["peer"]}
    assert len(peers) == 1


def test_read_timeout_is_sent(make_client: Callable[..., Client], echo: str) -> None:
    client = make_client()
    started = time.monotonic()
    with pytest.raises(SesTimeoutError) as info:
        client.send("POST", f"http://{echo}/sleep/1", timeout=Timeout(connect=2, read=0.2))
    assert time.monotonic() - started < 0.9
    assert info.value.sent is True
    assert "read timeout" in str(info.value)


def test_refused_connection_is_not_sent(
    make_client: Callable[..., Client], closed_port: int
) -> None:
    with pytest.raises(SesTransportError) as info:
        make_client().send("POST", f"http://127.0.0.1:{closed_port}/v2/x", body=b"{}")
    assert not isinstance(info.value, SesTimeoutError)
    assert info.value.sent is False
    assert info.value.retryable is True


def test_tls_handshake_timeout_is_not_sent(
    make_client: Callable[..., Client], silent_port: int
) -> None:
    client = make_client()
    with pytest.raises(SesTimeoutError) as info:
        client.send(
            "POST", f"https://127.0.0.1:{silent_port}/", body=b"{}", timeout=Timeout(0.2, 5)
        )
    assert info.value.sent is False


def test_dropped_connection_is_sent_and_message_is_clean(
    make_client: Callable[..., Client], echo: str
) -> None:
    client = make_client()
    with pytest.raises(SesTransportError) as info:
        client.send(
            "POST",
            f"http://{echo}/drop?who=a%40b.com",
            {"Authorization": AUTHORIZATION},
            SECRET_BODY,
        )
    err = info.value
    assert not isinstance(err, SesTimeoutError)
    assert err.sent is True
    for text in (str(err), repr(err)):
        assert SIGNATURE not in text
        assert "top secret" not in text
        assert "a%40b.com" not in text
        assert f"http://{echo}" in text


def test_http_proxy_from_environment(
    make_client: Callable[..., Client],
    echo: str,
    proxy: _ProxyServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HTTP_PROXY", _proxy_url(proxy))
    url = f"http://{echo}/v2/email/identities/a%40b.com/./%2f?x=%2F&y=%2f"
    data = make_client().echo("POST", url, {"Authorization": AUTHORIZATION}, b"{}")
    assert data["response_headers"]["x-proxied"] == "yes"
    assert proxy.seen == [("POST", url, None)]
    assert data["target"] == "/v2/email/identities/a%40b.com/./%2f?x=%2F&y=%2f"
    assert _received_headers(data)["authorization"] == AUTHORIZATION


@pytest.mark.parametrize(
    "no_proxy", ["127.0.0.1", "*", " other.example , 127.0.0.0/8", "localhost"]
)
def test_no_proxy_bypasses_the_proxy(
    make_client: Callable[..., Client],
    echo: str,
    proxy: _ProxyServer,
    monkeypatch: pytest.MonkeyPatch,
    no_proxy: str,
) -> None:
    monkeypatch.setenv("http_proxy", _proxy_url(proxy))
    monkeypatch.setenv("NO_PROXY", no_proxy)
    host = "localhost" if no_proxy == "localhost" else "127.0.0.1"
    port = echo.rsplit(":", 1)[1]
    data = make_client().echo("GET", f"http://{host}:{port}/echo")
    assert "x-proxied" not in data["response_headers"]
    assert proxy.seen == []


def test_trust_env_false_ignores_the_environment(
    make_client: Callable[..., Client],
    echo: str,
    proxy: _ProxyServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HTTP_PROXY", _proxy_url(proxy))
    data = make_client(trust_env=False).echo("GET", f"http://{echo}/echo")
    assert "x-proxied" not in data["response_headers"]
    assert proxy.seen == []


def test_explicit_proxy_with_credentials(
    make_client: Callable[..., Client], echo: str, proxy: _ProxyServer
) -> None:
    port = proxy.server_address[1]
    client = make_client(proxy=f"http://user:p%40ss@127.0.0.1:{port}", trust_env=False)
    data = client.echo("GET", f"http://{echo}/echo")
    assert data["response_headers"]["x-proxied"] == "yes"
    expected = "Basic " + base64.b64encode(b"user:p@ss").decode()
    assert proxy.seen == [("GET", f"http://{echo}/echo", expected)]
    assert "proxy-authorization" not in _received_headers(data)


def test_https_proxy_tunnels_with_connect(
    make_client: Callable[..., Client],
    tls_echo: str,
    tls_cert: Cert,
    proxy: _ProxyServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    port = proxy.server_address[1]
    monkeypatch.setenv("HTTPS_PROXY", f"http://user:p%40ss@127.0.0.1:{port}")
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")  # must not be used for https
    client = make_client(verify=str(tls_cert.cert_path))
    target = "/v2/email/identities/a%40b.com?x=%2F&y=%2f"
    data = client.echo("POST", f"https://{tls_echo}{target}", {"X-Amz-Date": "d"}, b"{}")
    assert data["target"] == target
    expected = "Basic " + base64.b64encode(b"user:p@ss").decode()
    assert proxy.seen == [("CONNECT", tls_echo, expected)]
    assert "proxy-authorization" not in _received_headers(data)


def test_tls_verification(
    make_client: Callable[..., Client], tls_echo: str, tls_cert: Cert
) -> None:
    with pytest.raises(SesTransportError) as info:
        make_client().send("POST", f"https://{tls_echo}/echo", body=b"{}")
    assert info.value.sent is False
    assert "certificate" in str(info.value).lower()

    trusting = make_client(verify=str(tls_cert.cert_path))
    data = trusting.echo("POST", f"https://{tls_echo}/v2/x%2Fy?a=%20", body=b"{}")
    assert data["target"] == "/v2/x%2Fy?a=%20"

    insecure = make_client(verify=False)
    with (
        pytest.warns(urllib3.exceptions.InsecureRequestWarning)
        if isinstance(insecure.transport, Urllib3Transport)
        else _no_warning()
    ):
        assert insecure.send("GET", f"https://{tls_echo}/echo").status == 200


class _no_warning:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *args: object) -> None:
        return None


class _ScriptedServer:
    """A raw TCP server whose reply depends on the request path: cut-off and odd replies."""

    OK = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
    REPLIES: ClassVar[dict[str, bytes]] = {
        "/cut-headers": b"HTTP/1.1 200 OK\r\nContent-Len",
        "/cut-body": b'HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{"MessageId":',
        "/cut-chunk": b'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\n{"Mess',
        "/chunked": (
            b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
            b"X-Extra: a\r\n\r\n5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n"
        ),
        "/until-close": b"HTTP/1.1 200 OK\r\n\r\nall of it",
        # Answers, then hangs up without saying "Connection: close".
        "/then-close": OK,
    }

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        with conn:
            data = b""
            while True:
                while b"\r\n\r\n" not in data:
                    chunk = conn.recv(65536)
                    if not chunk:
                        return
                    data += chunk
                head, _, data = data.partition(b"\r\n\r\n")
                path = head.split(b" ")[1].decode()
                length = 0
                for line in head.split(b"\r\n")[1:]:
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value)
                while len(data) < length:
                    data += conn.recv(65536)
                data = data[length:]
                reply = self.REPLIES.get(path, self.OK)
                conn.sendall(reply)
                if path in self.REPLIES:
                    return  # hang up after every scripted reply

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def scripted() -> Iterator[_ScriptedServer]:
    server = _ScriptedServer()
    yield server
    server.close()


@pytest.mark.parametrize("path", ["/cut-headers", "/cut-body", "/cut-chunk"])
def test_cut_off_reply_is_an_error_that_may_have_been_sent(
    make_client: Callable[..., Client], scripted: _ScriptedServer, path: str
) -> None:
    with pytest.raises(SesTransportError) as info:
        make_client().send("POST", f"http://127.0.0.1:{scripted.port}{path}", body=b"{}")
    assert info.value.sent is True
    assert not isinstance(info.value, SesTimeoutError)


def test_chunked_reply_after_100_continue(
    make_client: Callable[..., Client], scripted: _ScriptedServer
) -> None:
    response = make_client().send("POST", f"http://127.0.0.1:{scripted.port}/chunked", body=b"x")
    assert response.status == 200
    assert response.body == b"hello world"
    assert response.headers["x-extra"] == "a"


def test_reply_read_until_close(
    make_client: Callable[..., Client], scripted: _ScriptedServer
) -> None:
    response = make_client().send("GET", f"http://127.0.0.1:{scripted.port}/until-close")
    assert (response.status, response.body) == (200, b"all of it")


def test_connection_closed_while_idle_is_not_reused(
    make_client: Callable[..., Client], scripted: _ScriptedServer
) -> None:
    client = make_client()
    base = f"http://127.0.0.1:{scripted.port}"
    assert client.send("POST", f"{base}/then-close", body=b"{}").body == b"ok"
    time.sleep(0.4)  # the server's FIN arrives while the connection sits in the pool
    assert client.send("POST", f"{base}/next", body=b"{}").body == b"ok"
    assert scripted.connections == 2


def test_bad_ca_path_fails_at_construction(make_client: Callable[..., Client]) -> None:
    with pytest.raises(FileNotFoundError):
        make_client(verify="/nonexistent/ca.pem")


def test_transports_satisfy_the_protocols() -> None:
    sync = Urllib3Transport()
    assert isinstance(sync, Transport)
    sync.close()
    sync.close()  # twice is harmless
    assert isinstance(AiohttpTransport(), AsyncTransport)
    assert isinstance(MockTransport(lambda r: HttpResponse(200)), Transport)
    assert isinstance(AsyncMockTransport(lambda r: HttpResponse(200)), AsyncTransport)
    assert isinstance(SyncASGITransport(_echo_app), Transport)
    assert isinstance(ASGITransport(_echo_app), AsyncTransport)


async def test_aiohttp_session_is_lazy_and_bound_to_its_loop(echo: str) -> None:
    transport = AiohttpTransport()
    assert transport._session is None
    response = await transport.send(HttpRequest("GET", f"http://{echo}/echo"), timeout=QUICK)
    assert response.status == 200
    assert transport._session is not None

    def other_loop() -> None:
        request = HttpRequest("GET", f"http://{echo}/echo")
        asyncio.run(transport.send(request, timeout=QUICK))

    with pytest.raises(RuntimeError, match="event loop"):
        await asyncio.to_thread(other_loop)
    await transport.aclose()
    await transport.aclose()


def test_aiohttp_transport_moves_loops_after_aclose(echo: str) -> None:
    transport = AiohttpTransport()
    request = HttpRequest("GET", f"http://{echo}/echo")

    async def once() -> int:
        async with transport:
            return (await transport.send(request, timeout=QUICK)).status

    assert asyncio.run(once()) == 200
    assert asyncio.run(once()) == 200


def test_import_does_not_load_aiohttp() -> None:
    code = (
        "import sys, aws_ses.transport as t\n"
        "assert 'aiohttp' not in sys.modules, 'aiohttp imported eagerly'\n"
        "assert t.AiohttpTransport.__name__ == 'AiohttpTransport'\n"
        "assert 'aiohttp' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# ------------------------------------------------------------ error mapping


def _pool() -> urllib3.HTTPConnectionPool:
    return urllib3.HTTPConnectionPool("127.0.0.1", 1)


@pytest.mark.parametrize(
    ("exc", "kind", "sent"),
    [
        (u3.ConnectTimeoutError("x"), SesTimeoutError, False),
        (
            u3.NameResolutionError("h", HTTPConnection("h"), socket.gaierror("no")),
            SesTransportError,
            False,
        ),
        (u3.ProxyError("p", u3.ConnectTimeoutError("t")), SesTimeoutError, False),
        (u3.ProxyError("p", OSError("Tunnel connection failed: 403")), SesTransportError, False),
        (u3.ReadTimeoutError(_pool(), "/", "Read timed out."), SesTimeoutError, True),
        (u3.ProtocolError("Connection aborted.", ConnectionResetError()), SesTransportError, True),
    ],
)
def test_urllib3_error_mapping(exc: Exception, kind: type[Exception], sent: bool) -> None:
    target = _proxy.split_url("https://email.us-east-1.amazonaws.com/v2/x")
    err = u3_mod._translate(exc, target, QUICK, sent=True)
    assert type(err) is kind
    assert err.sent is sent
    assert "email.us-east-1.amazonaws.com" in str(err)


def test_urllib3_read_timeout_before_sending_is_not_sent() -> None:
    target = _proxy.split_url("https://h/")
    exc = u3.ReadTimeoutError(_pool(), "/", "Read timed out.")
    err = u3_mod._translate(exc, target, QUICK, sent=False)
    assert isinstance(err, SesTimeoutError)
    assert err.sent is False


def test_aiohttp_error_mapping() -> None:
    target = _proxy.split_url("https://h/v2/a%40b.com")
    cases: list[tuple[BaseException, type[Exception], bool]] = [
        (aiohttp.ConnectionTimeoutError("Connection timeout to host https://h/v2/a%40b.com"),
         SesTimeoutError, False),
        (aiohttp.SocketTimeoutError("Timeout on reading data"), SesTimeoutError, True),
        (aiohttp.ServerDisconnectedError(), SesTransportError, True),
        (aiohttp.ClientPayloadError("cut"), SesTransportError, True),
        (aiohttp.ClientOSError(104, "Connection reset by peer"), SesTransportError, True),
        (TimeoutError(), SesTimeoutError, True),
    ]  # fmt: skip
    for exc, kind, sent in cases:
        err = aio_mod._translate(exc, target, QUICK)
        assert type(err) is kind, exc
        assert err.sent is sent, exc
        assert "a%40b.com" not in str(err)


# ------------------------------------------------------------ proxy helpers


@pytest.mark.parametrize(
    ("host", "port", "no_proxy", "bypass"),
    [
        ("example.com", 443, "", False),
        ("example.com", 443, "*", True),
        ("example.com", 443, "example.com", True),
        ("api.example.com", 443, "example.com", True),
        ("api.example.com", 443, ".example.com", True),
        ("example.com", 443, ".example.com", True),
        ("api.example.com", 443, "*.example.com", True),
        ("badexample.com", 443, "example.com", False),
        ("EXAMPLE.COM.", 443, "Example.Com", True),
        ("example.com", 443, "example.com:443", True),
        ("example.com", 8443, "example.com:443", False),
        ("10.1.2.3", 443, "10.0.0.0/8", True),
        ("11.1.2.3", 443, "10.0.0.0/8", False),
        ("127.0.0.1", 80, "127.0.0.1", True),
        ("::1", 443, "::1", True),
        ("::1", 443, "[::1]:443", True),
        ("::1", 80, "[::1]:443", False),
        ("[fd00::5]", 443, "fd00::/8", True),
        ("10.0.0.1", 443, "example.com, ,10.0.0.1", True),
        ("localhost", 80, "127.0.0.1", False),  # no DNS lookups
    ],
)
def test_bypass_proxy(host: str, port: int, no_proxy: str, bypass: bool) -> None:
    assert _proxy.bypass_proxy(host, port, no_proxy) is bypass


def test_proxy_from_environment_precedence() -> None:
    env = {"https_proxy": "http://lower:1", "HTTPS_PROXY": "http://upper:1", "NO_PROXY": "x"}
    assert _proxy.proxy_from_environment("https", env) == ("http://lower:1", "x")
    assert _proxy.proxy_from_environment("http", env) == (None, "x")
    assert _proxy.proxy_from_environment("https", {"https_proxy": " ", "HTTPS_PROXY": "u:2"}) == (
        "u:2",
        "",
    )
    # httpoxy: in a CGI request, HTTP_PROXY may come from a client's Proxy header.
    cgi = {"HTTP_PROXY": "http://evil:1", "REQUEST_METHOD": "GET"}
    assert _proxy.proxy_from_environment("http", cgi) == (None, "")
    assert _proxy.proxy_from_environment("http", {"http_proxy": "http://ok:1"}) == (
        "http://ok:1",
        "",
    )


def test_parse_proxy_url() -> None:
    assert _proxy.parse_proxy_url("proxy.local:3128").url == "http://proxy.local:3128"
    assert _proxy.parse_proxy_url("https://proxy.local").url == "https://proxy.local:443"
    proxy = _proxy.parse_proxy_url("http://us%3Aer:s3cr%40t@proxy.local:8080")
    assert proxy.url == "http://proxy.local:8080"
    assert proxy.headers == {
        "Proxy-Authorization": "Basic " + base64.b64encode(b"us:er:s3cr@t").decode()
    }
    assert "s3cr" not in repr(proxy)
    with pytest.raises(ValueError, match="socks5") as info:
        _proxy.parse_proxy_url("socks5://user:hunter2@proxy:1080")
    assert "hunter2" not in str(info.value)
    with pytest.raises(ValueError) as info:
        _proxy.parse_proxy_url("http://user:hunter2@proxy:notaport")
    assert "hunter2" not in str(info.value)


def test_select_proxy() -> None:
    target = _proxy.split_url("https://email.us-east-1.amazonaws.com/v2/x")
    env = {"HTTPS_PROXY": "http://corp:3128", "NO_PROXY": ".internal"}
    chosen = _proxy.select_proxy(target, proxy=None, trust_env=True, environ=env)
    assert chosen is not None
    assert chosen.url == "http://corp:3128"
    assert _proxy.select_proxy(target, proxy=None, trust_env=False, environ=env) is None
    explicit = _proxy.select_proxy(
        target, proxy="http://mine:1", trust_env=True, environ={"NO_PROXY": "*"}
    )
    assert explicit is not None
    assert explicit.url == "http://mine:1"
    inside = _proxy.split_url("https://ses.internal/v2/x")
    assert _proxy.select_proxy(inside, proxy=None, trust_env=True, environ=env) is None


def test_split_url_keeps_the_target_exactly() -> None:
    t = _proxy.split_url("https://Email.us-east-1.amazonaws.com/v2/a%40b.com/../x?y=%2f#frag")
    assert (t.scheme, t.host, t.port) == ("https", "email.us-east-1.amazonaws.com", 443)
    assert t.target == "/v2/a%40b.com/../x?y=%2f"
    assert _proxy.split_url("http://h:8080?x=1").target == "/?x=1"
    assert _proxy.split_url("http://h").target == "/"
    v6 = _proxy.split_url("http://[::1]:9000/p")
    assert (v6.host, v6.port, v6.origin) == ("::1", 9000, "http://[::1]:9000")
    with pytest.raises(ValueError, match="scheme"):
        _proxy.split_url("ftp://h/x")


# --------------------------------------------------------------------- mocks


def test_mock_transport_records_and_answers() -> None:
    transport = MockTransport(lambda request: json_response({"MessageId": "m-1"}))
    request = HttpRequest("POST", "https://h/v2/email/outbound-emails", {"A": "b"}, b"{}")
    response = transport.send(request, timeout=QUICK)
    assert json.loads(response.body) == {"MessageId": "m-1"}
    assert transport.requests == [request]
    assert transport.timeouts == [QUICK]
    with transport:
        pass
    assert transport.closed


def test_mock_transport_propagates_handler_errors_unchanged() -> None:
    boom = SesTransportError("refused", sent=False)

    def handler(request: HttpRequest) -> HttpResponse:
        raise boom

    transport = MockTransport(handler)
    with pytest.raises(SesTransportError) as info:
        transport.send(HttpRequest("GET", "https://h/"), timeout=QUICK)
    assert info.value is boom
    assert len(transport.requests) == 1


def test_mock_transport_rejects_async_handlers() -> None:
    async def handler(request: HttpRequest) -> HttpResponse:
        return HttpResponse(200)

    transport = MockTransport(handler)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="AsyncMockTransport"):
        transport.send(HttpRequest("GET", "https://h/"), timeout=QUICK)


async def test_async_mock_transport_accepts_both_kinds_of_handler() -> None:
    async def async_handler(request: HttpRequest) -> HttpResponse:
        await asyncio.sleep(0)
        return json_response({"kind": "async"})

    for handler, kind in (
        (async_handler, "async"),
        (lambda r: json_response({"kind": "sync"}), "sync"),
    ):
        transport = AsyncMockTransport(handler)
        response = await transport.send(HttpRequest("GET", "https://h/"), timeout=QUICK)
        assert json.loads(response.body) == {"kind": kind}
        assert len(transport.requests) == 1
        async with transport:
            pass
        assert transport.closed

    def failing(request: HttpRequest) -> HttpResponse:
        raise SesTimeoutError("slow", sent=True)

    with pytest.raises(SesTimeoutError):
        await AsyncMockTransport(failing).send(HttpRequest("GET", "https://h/"), timeout=QUICK)


def test_json_and_error_responses() -> None:
    ok = json_response({"a": [1, 2]}, 201, headers={"X-Extra": "1"})
    assert ok.status == 201
    assert json.loads(ok.body) == {"a": [1, 2]}
    assert ok.headers["content-type"] == "application/json"
    assert ok.headers["x-extra"] == "1"
    assert ok.headers["x-amzn-requestid"]
    assert json_response({}).headers["x-amzn-requestid"] != ok.headers["x-amzn-requestid"]

    err = error_response("MessageRejected", "Email address is not verified.", 400)
    assert err.status == 400
    assert err.headers["x-amzn-errortype"] == "MessageRejected"
    assert err.headers["content-type"] == "application/json"
    assert json.loads(err.body) == {
        "message": "Email address is not verified.",
        "__type": "MessageRejected",
    }
    throttled = error_response(
        "TooManyRequestsException", "slow down", 429, headers={"x-amz-retry-after": "2"}
    )
    assert throttled.headers["x-amz-retry-after"] == "2"


# ---------------------------------------------------------------------- ASGI


async def _echo_app(scope: Any, receive: Any, send: Any) -> None:
    """Echoes the scope; no lifespan support (it raises on other scope types)."""
    assert scope["type"] == "http", "lifespan not supported"
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    route = scope["path"]
    if route == "/boom":
        raise ValueError("server bug")
    if route.startswith("/sleep/"):
        await asyncio.sleep(float(route.rsplit("/", 1)[1]))
    if route == "/silent":
        return
    echo = {
        key: scope[key]
        for key in ("method", "scheme", "path", "root_path", "http_version", "server", "client")
    }
    echo["raw_path"] = scope["raw_path"].decode()
    echo["query_string"] = scope["query_string"].decode()
    echo["headers"] = [[k.decode(), v.decode()] for k, v in scope["headers"]]
    echo["body"] = base64.b64encode(body).decode()
    echo["asgi"] = scope["asgi"]
    echo["state"] = dict(scope.get("state", {}))
    payload = json.dumps(echo).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 201,
            "headers": [
                (b"Content-Type", b"application/json"),
                (b"X-Multi", b"a"),
                (b"x-multi", b"b"),
            ],
        }
    )
    # Two chunks, to exercise more_body.
    await send({"type": "http.response.body", "body": payload[:10], "more_body": True})
    await send({"type": "http.response.body", "body": payload[10:]})


class _LifespanApp:
    def __init__(self, fail_startup: bool = False) -> None:
        self.events: list[str] = []
        self.fail_startup = fail_startup

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                self.events.append(message["type"])
                if message["type"] == "lifespan.startup":
                    if self.fail_startup:
                        await send({"type": "lifespan.startup.failed", "message": "no db"})
                        return
                    scope["state"]["db"] = "ready"
                    await send({"type": "lifespan.startup.complete"})
                else:
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        await _echo_app(scope, receive, send)


def _request(path: str, body: bytes = b"", **headers: str) -> HttpRequest:
    return HttpRequest("POST", f"http://local.test:4566{path}", dict(headers), body)


async def test_asgi_scope_is_what_a_server_would_build() -> None:
    async with ASGITransport(_echo_app, root_path="/api") as transport:
        request = _request(
            "/v2/email/identities/a%40b.com?x=%2F&y=1", b"\x00{}", **{"X-Amz-Date": "d"}
        )
        response = await transport.send(request, timeout=QUICK)
    assert response.status == 201
    assert response.headers["x-multi"] == "a, b"
    assert response.headers["content-type"] == "application/json"
    scope = json.loads(response.body)
    assert scope["raw_path"] == "/v2/email/identities/a%40b.com"
    assert scope["path"] == "/v2/email/identities/a@b.com"
    assert scope["query_string"] == "x=%2F&y=1"
    assert scope["method"] == "POST"
    assert scope["scheme"] == "http"
    assert scope["http_version"] == "1.1"
    assert scope["root_path"] == "/api"
    assert scope["server"] == ["local.test", 4566]
    assert scope["client"] == ["127.0.0.1", 123]
    assert scope["asgi"]["version"] == "3.0"
    assert base64.b64decode(scope["body"]) == b"\x00{}"
    assert dict(scope["headers"]) == {
        "host": "local.test:4566",
        "x-amz-date": "d",
        "content-length": "3",
    }


async def test_asgi_app_errors_propagate() -> None:
    transport = ASGITransport(_echo_app)
    with pytest.raises(ValueError, match="server bug"):
        await transport.send(_request("/boom"), timeout=QUICK)
    with pytest.raises(RuntimeError, match="without sending"):
        await transport.send(_request("/silent"), timeout=QUICK)
    await transport.aclose()


async def test_asgi_read_timeout() -> None:
    transport = ASGITransport(_echo_app)
    with pytest.raises(SesTimeoutError) as info:
        await transport.send(_request("/sleep/5"), timeout=Timeout(connect=1, read=0.05))
    assert info.value.sent is True
    assert (await transport.send(_request("/sleep/0.01"), timeout=QUICK)).status == 201


async def test_asgi_lifespan_runs_and_shares_state() -> None:
    app = _LifespanApp()
    transport = ASGITransport(app)
    assert app.events == []
    first, second = await asyncio.gather(
        transport.send(_request("/a"), timeout=QUICK), transport.send(_request("/b"), timeout=QUICK)
    )
    assert json.loads(first.body)["state"] == {"db": "ready"}
    assert json.loads(second.body)["path"] == "/b"
    assert app.events == ["lifespan.startup"]
    await transport.aclose()
    await transport.aclose()
    assert app.events == ["lifespan.startup", "lifespan.shutdown"]


async def test_asgi_lifespan_startup_failure_raises() -> None:
    transport = ASGITransport(_LifespanApp(fail_startup=True))
    with pytest.raises(RuntimeError, match="no db"):
        await transport.send(_request("/a"), timeout=QUICK)


def test_sync_asgi_transport_runs_the_app_on_its_own_loop() -> None:
    app = _LifespanApp()
    transport = SyncASGITransport(app)
    responses = [transport.send(_request(f"/n/{i}"), timeout=QUICK) for i in range(3)]
    assert [json.loads(r.body)["path"] for r in responses] == ["/n/0", "/n/1", "/n/2"]
    with pytest.raises(ValueError, match="server bug"):
        transport.send(_request("/boom"), timeout=QUICK)
    thread = transport._thread
    assert thread is not None
    assert thread.daemon
    transport.close()
    transport.close()
    assert not thread.is_alive()
    assert app.events == ["lifespan.startup", "lifespan.shutdown"]


def _starlette_app(events: list[str]) -> Any:
    import contextlib

    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> Any:
        events.append("startup")
        yield {"region": "us-east-1"}
        events.append("shutdown")

    async def identity(request: Request) -> JSONResponse:
        body = await request.body()
        return JSONResponse(
            {
                "identity": request.path_params["identity"],
                "raw_path": request.scope["raw_path"].decode(),
                "query": request.url.query,
                "region": request.state.region,
                "length": len(body),
            },
            status_code=200,
            headers={"X-Amzn-RequestId": "local-1"},
        )

    return Starlette(
        routes=[Route("/v2/email/identities/{identity}", identity, methods=["POST"])],
        lifespan=lifespan,
    )


@pytest.mark.parametrize("kind", ["async", "sync"])
async def test_starlette_app_through_both_asgi_transports(kind: str) -> None:
    events: list[str] = []
    app = _starlette_app(events)
    request = _request("/v2/email/identities/a%40b.com?x=%2F", b"{}")
    if kind == "async":
        async with ASGITransport(app) as transport:
            response = await transport.send(request, timeout=QUICK)
    else:
        sync = SyncASGITransport(app)
        response = await asyncio.to_thread(sync.send, request, timeout=QUICK)
        await asyncio.to_thread(sync.close)
    assert response.status == 200
    assert response.headers["x-amzn-requestid"] == "local-1"
    assert json.loads(response.body) == {
        "identity": "a@b.com",
        "raw_path": "/v2/email/identities/a%40b.com",
        "query": "x=%2F",
        "region": "us-east-1",
        "length": 2,
    }
    assert events == ["startup", "shutdown"]


# ------------------------------------------------------ our HTTP/1.1 parser


def _parse(*pieces: bytes, head_only: bool = False) -> _http11.ResponseParser:
    parser = _http11.ResponseParser(head_only=head_only)
    for piece in pieces:
        if parser.feed(piece):
            return parser
    parser.feed_eof()
    return parser


def test_parser_frames_by_length_byte_by_byte() -> None:
    reply = b"HTTP/1.1 201 Created\r\nContent-Length: 5\r\nX-A: 1\r\nx-a: 2\r\n\r\nhello"
    parser = _parse(*(reply[i : i + 1] for i in range(len(reply))))
    assert (parser.status, parser.body, parser.reusable) == (201, b"hello", True)
    assert parser.headers == {"content-length": "5", "x-a": "1, 2"}


def test_parser_head_and_no_body_statuses() -> None:
    assert _parse(b"HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n", head_only=True).body == b""
    assert _parse(b"HTTP/1.1 204 No Content\r\nContent-Length: 9\r\n\r\n").body == b""
    closing = _parse(b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n")
    assert closing.reusable is False
    old = _parse(b"HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n")
    assert old.reusable is False


@pytest.mark.parametrize(
    "reply",
    [
        b"HTTP/1.1 2000 OK\r\n\r\n",
        b"SPDY/3 200 OK\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nContent-Length: 1, 2\r\n\r\nx",
        b"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nno colon here\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabXY",
    ],
)
def test_parser_rejects_malformed_replies(reply: bytes) -> None:
    with pytest.raises(_http11.ProtocolError):
        _parse(reply)


def test_parser_refuses_endless_headers() -> None:
    with pytest.raises(_http11.ProtocolError, match="too long"):
        _parse(b"HTTP/1.1 200 OK\r\n" + b"X: " + b"a" * (_http11.MAX_HEAD + 1))


def test_request_head_refuses_injected_lines() -> None:
    with pytest.raises(ValueError, match="line break"):
        _http11.encode_head("GET", "/", "h", {"X-Evil": "a\r\nInjected: 1"}, 0)
    head = _http11.encode_head("PUT", "/p%2f", "h:1", {"Content-Length": "99", "A": "b"}, 0)
    assert head == b"PUT /p%2f HTTP/1.1\r\nHost: h:1\r\nA: b\r\nContent-Length: 0\r\n\r\n"


def test_http_endpoint_loads_no_ssl_nor_mail_modules(echo: str) -> None:
    # asyncio itself imports ssl and logging, so this holds for the sync client only.
    code = (
        "import sys\n"
        "from aws_ses import Credentials, SesClient\n"
        "from aws_ses.transport import HttpRequest, Timeout, sync_transport\n"
        f"c = SesClient(region='us-east-1', endpoint_url='http://{echo}',"
        " credentials=Credentials('a', 'b'), transport=sync_transport())\n"
        f"r = c._transport.send(HttpRequest('GET', 'http://{echo}/x'), timeout=Timeout())\n"
        "assert r.status == 200\n"
        "loaded = {'ssl', 'email', 'email_validator', 'aws_ses.mime', 'urllib3', 'aiohttp',\n"
        "          'http.client', 'asyncio'} & set(sys.modules)\n"
        "assert not loaded, loaded\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_transports_by_name() -> None:
    from aws_ses.transport import async_transport, sync_transport

    assert type(sync_transport()) is Http11Transport
    assert type(sync_transport("urllib3", max_pool_connections=2)) is Urllib3Transport
    assert type(async_transport()) is AsyncHttp11Transport
    assert type(async_transport("aiohttp")) is AiohttpTransport
    with pytest.raises(ValueError, match="urllib3"):
        sync_transport("curl")
    with pytest.raises(ValueError, match="invalid proxy URL"):
        sync_transport(proxy="http://user:pw@proxy:notaport")
