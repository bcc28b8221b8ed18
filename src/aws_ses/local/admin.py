"""Who may use the server's own routes (``/_aws/*``, ``/_inbox``).

They are not SES operations and carry no SigV4 signature, so a web page the
developer visits must not reach them: cross-site requests and DNS rebinding
are what this guards against. Every request to those paths, whichever module
serves it, passes :func:`refusal` first (the app calls it before routing):

- **Host**: the ``Host`` header must name the address the connection came in
  on (ASGI's ``server``), ``localhost``, ``127.0.0.1``, ``[::1]`` or one of
  ``ServerOptions.allowed_hosts``; the port is not compared.
- **Origin**: a request with an ``Origin`` (or ``Sec-Fetch-Site: cross-site``)
  whose host is not allowed in the same way is refused.
- **State changes** (any method but GET/HEAD/OPTIONS) need a JSON content
  type; only a DELETE without a body may omit the header.
- **Token**: when ``ServerOptions.admin_token`` is set (it always is on a
  non-loopback address), the request must carry it as ``Authorization:
  Bearer <token>``, an ``X-Admin-Token`` header, or ``?token=`` (which also
  sets an HttpOnly cookie so the inbox's links keep working).
"""

from __future__ import annotations

import hmac
import json
from collections.abc import MutableMapping
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from aws_ses.local.state import ServerOptions

__all__ = ["ADMIN_PATHS", "TOKEN_COOKIE", "Refusal", "is_admin_path", "refusal"]

ADMIN_PATHS = ("/_aws", "/_inbox")
TOKEN_COOKIE = "aws_ses_admin_token"
_LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "[::1]", "::1"})
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def is_admin_path(path: str) -> bool:
    return any(path == p or path.startswith(p + "/") for p in ADMIN_PATHS)


class Refusal:
    """An admin request the guard turned away: status, SES-style code, message."""

    def __init__(self, status: int, code: str, message: str) -> None:
        self.status, self.code, self.message = status, code, message

    def body(self) -> bytes:
        return json.dumps({"__type": self.code, "message": self.message}).encode()


def _host_name(authority: str) -> str:
    """``example.com`` for ``example.com:4579``; ``[::1]`` stays bracketed."""
    authority = authority.strip().lower()
    if authority.startswith("["):
        return authority.partition("]")[0] + "]"
    return authority.rpartition(":")[0] if authority.count(":") == 1 else authority


def _allowed(name: str, scope: MutableMapping[str, Any], options: ServerOptions) -> bool:
    if not name:
        return False
    if name in _LOOPBACK_NAMES or name in {h.lower() for h in options.allowed_hosts}:
        return True
    server = scope.get("server")
    if server and server[0]:
        bound = str(server[0]).lower()
        return name in (bound, f"[{bound}]")
    return False


def _headers(scope: MutableMapping[str, Any]) -> dict[str, str]:
    found: dict[str, str] = {}
    for key, value in scope.get("headers") or []:
        found.setdefault(key.decode("latin-1").lower(), value.decode("latin-1"))
    return found


def _query(scope: MutableMapping[str, Any]) -> dict[str, str]:
    raw = scope.get("query_string") or b""
    return dict(parse_qsl(raw.decode("latin-1"), keep_blank_values=True))


def _cookie(headers: dict[str, str], name: str) -> str | None:
    for item in headers.get("cookie", "").split(";"):
        key, _, value = item.strip().partition("=")
        if key == name:
            return value
    return None


def presented_token(scope: MutableMapping[str, Any]) -> str | None:
    """The admin token the request carries, wherever it put it."""
    headers = _headers(scope)
    auth = headers.get("authorization", "")
    if auth[:7].lower() == "bearer ":
        return auth[7:].strip()
    return (
        headers.get("x-admin-token") or _query(scope).get("token") or _cookie(headers, TOKEN_COOKIE)
    )


def refusal(scope: MutableMapping[str, Any], options: ServerOptions) -> Refusal | None:
    """Why this admin request is refused, or None when it may go ahead."""
    headers = _headers(scope)
    host = _host_name(headers.get("host", ""))
    if not _allowed(host, scope, options):
        return Refusal(
            403,
            "ForbiddenHost",
            f"Host {headers.get('host', '')!r} is not allowed for the admin routes; "
            "use localhost or add the name to allowed_hosts (--allow-host).",
        )
    origin = headers.get("origin")
    if origin is not None:
        parts = urlsplit(origin)
        if parts.scheme not in ("http", "https") or not _allowed(
            _host_name(parts.netloc), scope, options
        ):
            return Refusal(403, "ForbiddenOrigin", f"Cross-site request from {origin!r} refused.")
    elif headers.get("sec-fetch-site") == "cross-site":
        return Refusal(403, "ForbiddenOrigin", "Cross-site request refused.")
    method = str(scope.get("method", "GET")).upper()
    if method not in _SAFE_METHODS:
        media = headers.get("content-type", "").partition(";")[0].strip().lower()
        bodyless_delete = method == "DELETE" and not media and _no_body(headers)
        if not bodyless_delete and media != "application/json":
            return Refusal(
                415,
                "UnsupportedMediaType",
                "Admin requests that change state need 'Content-Type: application/json'.",
            )
    token = options.admin_token
    if token is not None:
        given = presented_token(scope)
        if given is None or not hmac.compare_digest(given.encode(), token.encode()):
            return Refusal(
                401,
                "MissingAdminToken" if given is None else "InvalidAdminToken",
                "The admin routes need the server's admin token "
                "(Authorization: Bearer <token>, X-Admin-Token, or ?token=).",
            )
    return None


def _no_body(headers: dict[str, str]) -> bool:
    return headers.get("content-length", "0").strip() in ("", "0") and (
        "transfer-encoding" not in headers
    )
