"""One real HTTP server on 127.0.0.1 that plays every AWS endpoint the
credential providers talk to: IMDS, the container credentials endpoint, STS
(query protocol, XML replies, SigV4 checked for AssumeRole), the SSO portal
and SSO OIDC.

Every secret it hands out contains ``LEAKCHECK``, so a test can grep logs,
reprs and exception texts for that marker alone.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from aws_ses.signing.verify import verify_request

MARKER = "LEAKCHECK"
STS_NS = "https://sts.amazonaws.com/doc/2011-06-15/"


@dataclass
class Seen:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    @property
    def form(self) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(self.body.decode()).items()}


def iso(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class FakeAws:
    """Behaviour switches are plain attributes; tests flip them."""

    # IMDS
    imds_mode: str = "v2"  # v2 | v2-only (tokenless GET -> 401) | v1-only (PUT -> 403) | down
    imds_role: str | None = "app-role"
    imds_region: str = "eu-central-1"
    imds_ttl_seen: list[str] = field(default_factory=list)
    # Credentials served by IMDS and the container endpoint expire this far ahead.
    lifetime: timedelta = timedelta(hours=1)
    # Container: accepted Authorization values (None: no check).
    container_tokens: set[str] | None = None
    # STS: queued error replies (status, code, message), used up one per call.
    sts_errors: list[tuple[int, str, str]] = field(default_factory=list)
    # SSO
    sso_tokens: set[str] = field(default_factory=set)
    oidc_refresh: dict[str, str] = field(default_factory=dict)  # refresh token -> new access
    # Seconds every reply waits (the loop-lag test).
    delay: float = 0.0
    # Hand out the same keys for the same kind every time (botocore comparisons).
    sticky: bool = False

    def __post_init__(self) -> None:
        self.requests: list[Seen] = []
        self.secrets: dict[str, str] = {}  # every issued access key -> secret
        self.imds_tokens: set[str] = set()
        self.on_issue: Callable[[str, str], None] | None = None
        self._count = itertools.count(1)
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    # ------------------------------------------------------------ lifecycle

    def start(self) -> FakeAws:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                parts = urlsplit(self.path)
                seen = Seen(
                    self.command,
                    parts.path,
                    parse_qs(parts.query),
                    {k.lower(): v for k, v in self.headers.items()},
                    body,
                )
                with fake._lock:
                    fake.requests.append(seen)
                if fake.delay:
                    time.sleep(fake.delay)
                status, headers, reply = fake.handle(seen, self.path)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            do_GET = do_PUT = do_POST = _serve

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        ).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    # ------------------------------------------------------------ helpers

    def issue(self, prefix: str) -> tuple[str, str, str]:
        n = 0 if self.sticky else next(self._count)
        key = f"ASIA{prefix.upper()}{n:04d}"
        secret = f"{MARKER}-secret-{prefix}-{n}"
        token = f"{MARKER}-token-{prefix}-{n}"
        with self._lock:
            self.secrets[key] = secret
        if self.on_issue is not None:
            self.on_issue(key, secret)
        return key, secret, token

    def seen(self, path: str) -> list[Seen]:
        with self._lock:
            return [r for r in self.requests if r.path == path]

    def _json_creds(self, prefix: str) -> dict[str, Any]:
        key, secret, token = self.issue(prefix)
        return {
            "Code": "Success",
            "AccessKeyId": key,
            "SecretAccessKey": secret,
            "Token": token,
            "Expiration": iso(datetime.now(UTC) + self.lifetime),
        }

    # ------------------------------------------------------------ routes

    def handle(self, r: Seen, raw: str) -> tuple[int, dict[str, str], bytes]:
        if r.path.startswith("/latest/"):
            return self._imds(r)
        if r.path == "/container-creds":
            return self._container(r)
        if r.path == "/" and r.method == "POST":
            return self._sts(r, raw)
        if r.path == "/federation/credentials":
            return self._portal(r)
        if r.path == "/token" and r.method == "POST":
            return self._oidc(r)
        return 404, {}, b"not found"

    def _imds(self, r: Seen) -> tuple[int, dict[str, str], bytes]:
        if self.imds_mode == "down":
            return 503, {}, b""
        if r.path == "/latest/api/token":
            if r.method != "PUT":
                return 405, {}, b""
            if self.imds_mode == "v1-only":
                return 403, {}, b""
            self.imds_ttl_seen.append(r.headers.get("x-aws-ec2-metadata-token-ttl-seconds", ""))
            token = f"{MARKER}-imds-{next(self._count)}"
            with self._lock:
                self.imds_tokens.add(token)
            return 200, {}, token.encode()
        token = r.headers.get("x-aws-ec2-metadata-token")
        if token is not None and token not in self.imds_tokens:
            return 401, {}, b""
        if token is None and self.imds_mode == "v2-only":
            return 401, {}, b""
        base = "/latest/meta-data/iam/security-credentials/"
        if r.path == "/latest/meta-data/placement/region":
            return 200, {}, self.imds_region.encode()
        if r.path == base:
            if self.imds_role is None:
                return 404, {}, b""
            return 200, {}, self.imds_role.encode()
        if self.imds_role is not None and r.path == base + self.imds_role:
            return 200, {}, json.dumps(self._json_creds("imds")).encode()
        return 404, {}, b""

    def _container(self, r: Seen) -> tuple[int, dict[str, str], bytes]:
        if self.container_tokens is not None and (
            r.headers.get("authorization") not in self.container_tokens
        ):
            body = {"code": "AccessDenied", "message": "bad authorization token"}
            return 403, {}, json.dumps(body).encode()
        data = self._json_creds("ecs")
        del data["Code"]
        return 200, {}, json.dumps(data).encode()

    def _sts_error(self, status: int, code: str, message: str) -> tuple[int, dict[str, str], bytes]:
        kind = "Receiver" if status >= 500 else "Sender"
        xml = (
            f'<ErrorResponse xmlns="{STS_NS}"><Error><Type>{kind}</Type><Code>{code}</Code>'
            f"<Message>{message}</Message></Error><RequestId>req-err-1</RequestId></ErrorResponse>"
        )
        return status, {"Content-Type": "text/xml"}, xml.encode()

    def _sts(self, r: Seen, raw: str) -> tuple[int, dict[str, str], bytes]:
        form = r.form
        action = form.get("Action", "")
        if action not in ("AssumeRole", "AssumeRoleWithWebIdentity"):
            return self._sts_error(400, "InvalidAction", "unknown action")
        if self.sts_errors:
            return self._sts_error(*self.sts_errors.pop(0))
        if action == "AssumeRole":
            try:
                verify_request("POST", "/", "", r.headers, r.body, self.secrets.get, service="sts")
            except Exception as exc:  # the verifier's SignatureError
                return self._sts_error(403, getattr(exc, "code", "SignatureDoesNotMatch"), "bad")
        elif "authorization" in r.headers:
            return self._sts_error(400, "InvalidRequest", "web identity calls are unsigned")
        elif MARKER not in form.get("WebIdentityToken", ""):
            return self._sts_error(400, "InvalidIdentityToken", "token rejected")
        key, secret, token = self.issue("sts")
        expiry = iso(datetime.now(UTC) + timedelta(hours=1))
        xml = (
            f'<{action}Response xmlns="{STS_NS}"><{action}Result>'
            f"<Credentials><AccessKeyId>{key}</AccessKeyId>"
            f"<SecretAccessKey>{secret}</SecretAccessKey>"
            f"<SessionToken>{token}</SessionToken><Expiration>{expiry}</Expiration>"
            f"</Credentials><AssumedRoleUser><Arn>{form.get('RoleArn')}</Arn></AssumedRoleUser>"
            f"</{action}Result><ResponseMetadata><RequestId>req-1</RequestId>"
            f"</ResponseMetadata></{action}Response>"
        )
        return 200, {"Content-Type": "text/xml"}, xml.encode()

    def _portal(self, r: Seen) -> tuple[int, dict[str, str], bytes]:
        if r.headers.get("x-amz-sso_bearer_token") not in self.sso_tokens:
            body = {"message": "Session token not found or invalid"}
            return 401, {"x-amzn-errortype": "UnauthorizedException"}, json.dumps(body).encode()
        key, secret, token = self.issue("sso")
        expires = int((datetime.now(UTC) + timedelta(hours=1)).timestamp() * 1000)
        role = {
            "accessKeyId": key,
            "secretAccessKey": secret,
            "sessionToken": token,
            "expiration": expires,
        }
        return 200, {}, json.dumps({"roleCredentials": role}).encode()

    def _oidc(self, r: Seen) -> tuple[int, dict[str, str], bytes]:
        data = json.loads(r.body)
        new = self.oidc_refresh.get(data.get("refreshToken", ""))
        if data.get("grantType") != "refresh_token" or new is None:
            return 400, {}, json.dumps({"error": "invalid_grant"}).encode()
        self.sso_tokens.add(new)
        reply = {"accessToken": new, "expiresIn": 28800, "refreshToken": f"{MARKER}-refresh-2"}
        return 200, {}, json.dumps(reply).encode()
