"""Raw HTTP to the local server, signed or not, for tests that look at the wire."""

from __future__ import annotations

import http.client
import json
from collections.abc import Callable
from typing import Any, TypeVar

from aws_ses import SesClient
from aws_ses.auth.credentials import Credentials
from aws_ses.local import LocalServer
from aws_ses.signing import SigV4Signer
from aws_ses.transport.base import HttpRequest

T = TypeVar("T")

__all__ = ["Reply", "raw", "signed"]


class Reply:
    def __init__(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.status, self.headers, self.body = status, headers, body

    @property
    def code(self) -> str:
        return self.headers.get("x-amzn-errortype", "")

    def json(self) -> Any:
        return json.loads(self.body or b"null")

    def __repr__(self) -> str:
        return f"Reply({self.status}, {self.code!r}, {self.body[:200]!r})"


def raw(
    server: LocalServer,
    method: str,
    path: str,
    body: bytes = b"",
    headers: dict[str, str] | None = None,
    timeout: float = 10,
) -> Reply:
    """One request over a fresh connection, headers exactly as given (plus Host)."""
    conn = http.client.HTTPConnection(server.host, server.port, timeout=timeout)
    try:
        conn.putrequest(method, path, skip_host="host" in {k.lower() for k in headers or {}})
        for name, value in (headers or {}).items():
            conn.putheader(name, value)
        if body and "content-length" not in {k.lower() for k in headers or {}}:
            conn.putheader("Content-Length", str(len(body)))
        conn.endheaders(body or None)
        response = conn.getresponse()
        found = {k.lower(): v for k, v in response.getheaders()}
        return Reply(response.status, found, response.read())
    finally:
        conn.close()


def signed(
    server: LocalServer,
    method: str,
    path: str,
    body: bytes = b"",
    headers: dict[str, str] | None = None,
) -> Reply:
    """A SigV4-signed request with the server's default credentials."""
    all_headers = {"Content-Type": "application/json"} if body else {}
    all_headers.update(headers or {})
    request = HttpRequest(method, server.url + path, all_headers, body)
    SigV4Signer().sign(request, Credentials("test", "test"), region="us-east-1")
    return raw(server, method, path, body, dict(request.headers))


def admin_json(server: LocalServer, method: str, path: str, body: Any = None) -> Reply:
    data = b"" if body is None else json.dumps(body).encode()
    return raw(server, method, path, data, {"Content-Type": "application/json"})


def call(server: LocalServer, action: Callable[[SesClient], T]) -> T:
    """``action`` with a client of ``server`` that is closed afterwards."""
    with server.client() as client:
        return action(client)
