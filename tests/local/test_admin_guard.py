"""The admin and inbox routes refuse what a web page could send them: foreign
Host names (DNS rebinding), foreign Origins, non-JSON state changes; and they
want the admin token when one is set."""

from __future__ import annotations

import socket

import pytest

from aws_ses.local import LocalServer, ServerOptions
from aws_ses.local.app import with_admin_token

from .helpers import raw

pytestmark = pytest.mark.usefixtures("reset")

JSON = {"Content-Type": "application/json"}
ROUTES = [
    ("GET", "/_aws/ses"),
    ("GET", "/_inbox"),
    ("DELETE", "/_aws/ses/state"),
    ("POST", "/_aws/ses/faults"),
    ("GET", "/_aws/ses/not-a-route"),  # every /_aws path, whoever serves it
]


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_foreign_host_is_refused(server: LocalServer, method: str, path: str) -> None:
    for host in ("evil.example", f"evil.example:{server.port}", "127.0.0.1.nip.io"):
        reply = raw(server, method, path, b"{}", {"Host": host, **JSON})
        assert (reply.status, reply.code) == (403, "ForbiddenHost"), (host, reply)


def test_loopback_names_are_allowed(server: LocalServer) -> None:
    for host in ("localhost", f"localhost:{server.port}", f"127.0.0.1:{server.port}", "[::1]"):
        reply = raw(server, "GET", "/_aws/ses", headers={"Host": host})
        assert reply.status == 200, (host, reply)


def test_configured_names_are_allowed() -> None:
    with LocalServer(allowed_hosts=("ses.dev.internal",)) as server:
        ok = raw(server, "GET", "/_inbox", headers={"Host": "ses.dev.internal:80"})
        assert ok.status == 200
        assert raw(server, "GET", "/_inbox", headers={"Host": "other.internal"}).status == 403


def test_foreign_origin_is_refused(server: LocalServer) -> None:
    for origin in ("https://evil.example", "null", f"http://evil.example:{server.port}"):
        reply = raw(server, "DELETE", "/_aws/ses/state", b"", {"Origin": origin})
        assert (reply.status, reply.code) == (403, "ForbiddenOrigin"), origin
    cross = raw(server, "GET", "/_aws/ses", headers={"Sec-Fetch-Site": "cross-site"})
    assert cross.status == 403
    same = raw(server, "GET", "/_aws/ses", headers={"Origin": f"http://localhost:{server.port}"})
    assert same.status == 200


def test_state_changes_need_json(server: LocalServer) -> None:
    # What an HTML form or a "simple" cross-site fetch can send.
    for media in ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data"):
        reply = raw(server, "POST", "/_aws/ses/faults", b'{"status": 500}', {"Content-Type": media})
        assert (reply.status, reply.code) == (415, "UnsupportedMediaType"), media
    assert raw(server, "GET", "/_aws/ses/faults").json() == {"faults": []}
    assert raw(server, "POST", "/_aws/ses/faults", b'{"status": 500}').status == 415
    ok = raw(server, "POST", "/_aws/ses/faults", b'{"status": 500}', JSON)
    assert ok.status == 200
    # A DELETE without a body (curl -X DELETE) needs no content type.
    assert raw(server, "DELETE", "/_aws/ses/faults").status == 200
    bad = raw(server, "DELETE", "/_aws/ses/state", b"x", {"Content-Type": "text/plain"})
    assert bad.status == 415


def test_admin_token_is_required_when_set() -> None:
    with LocalServer(admin_token="s3cret-token") as server:
        missing = raw(server, "GET", "/_aws/ses")
        assert (missing.status, missing.code) == (401, "MissingAdminToken")
        wrong = raw(server, "GET", "/_aws/ses", headers={"X-Admin-Token": "guess"})
        assert (wrong.status, wrong.code) == (401, "InvalidAdminToken")
        assert "s3cret" not in wrong.body.decode()
        bearer = raw(server, "GET", "/_aws/ses", headers={"Authorization": "Bearer s3cret-token"})
        assert bearer.status == 200
        page = raw(server, "GET", "/_inbox?token=s3cret-token")
        assert page.status == 200
        cookie = page.headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
        again = raw(server, "GET", "/_inbox", headers={"Cookie": cookie.split(";")[0]})
        assert again.status == 200
        # The helpers send it; the SES API itself is SigV4's business, not the token's.
        assert server.messages() == []
        assert raw(server, "GET", "/v2/email/account").code == "MissingAuthenticationToken"


def test_non_loopback_address_always_gets_a_token() -> None:
    assert with_admin_token("0.0.0.0", ServerOptions()).admin_token
    assert with_admin_token("192.0.2.7", ServerOptions()).admin_token
    assert with_admin_token("127.0.0.1", ServerOptions()).admin_token is None
    assert with_admin_token("::1", ServerOptions()).admin_token is None
    kept = with_admin_token("0.0.0.0", ServerOptions(admin_token="mine"))
    assert kept.admin_token == "mine"


def test_oversize_admin_body_is_refused(server: LocalServer) -> None:
    reply = raw(server, "POST", "/_aws/ses/faults", b"{" + b" " * (2 * 1024 * 1024) + b"}", JSON)
    assert reply.status == 413


def test_oversize_streamed_admin_body_is_refused(server: LocalServer) -> None:
    head = (
        f"POST /_aws/ses/faults HTTP/1.1\r\nHost: localhost:{server.port}\r\n"
        "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
    )
    chunk = b"%x\r\n" % 65536 + b" " * 65536 + b"\r\n"
    with socket.create_connection((server.host, server.port), timeout=10) as sock:
        sock.sendall(head.encode())
        try:
            for _ in range(40):  # 2.5 MiB, past the 1 MiB admin limit
                sock.sendall(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass
        reply = sock.recv(65536)
    assert reply.startswith(b"HTTP/1.1 413"), reply[:200]
    assert raw(server, "GET", "/_aws/ses/faults").json() == {"faults": []}
