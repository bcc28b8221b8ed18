"""EC2 instance metadata (IMDS): role credentials and the region.

IMDSv2 first: a session token from ``PUT /latest/api/token`` (TTL 21600 s),
kept until shortly before it lapses and fetched anew when a request is
answered 401 (the token went stale). Every request has 1 s timeouts and is
tried twice. When the token request is refused as IMDSv1-only instances
refuse it (403, 404, 405) or times out, requests go without a token (IMDSv1),
unless ``AWS_EC2_METADATA_V1_DISABLED`` / ``ec2_metadata_v1_disabled`` says
not to. ``AWS_EC2_METADATA_DISABLED=true`` switches IMDS off entirely.

The endpoint is ``AWS_EC2_METADATA_SERVICE_ENDPOINT`` (or the profile's
``ec2_metadata_service_endpoint``), else ``http://169.254.169.254`` or, with
``AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE=IPv6``, ``http://[fd00:ec2::254]``.
Proxy variables never apply to it.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from aws_ses._http import HttpRequest, HttpResponse, Timeout

from ..errors import CredentialsError, SesTransportError
from .base import Declined, Outcome, Provider, parse_timestamp, select_profile, value
from .credentials import Credentials
from .http import Flow, HttpClient, Send, run_async, run_sync
from .profiles import env_value, environ_of, load_shared_files

if TYPE_CHECKING:
    from aws_ses.transport.base import AsyncTransport, Transport

__all__ = ["ImdsCredentialProvider", "InstanceMetadataClient", "imds_disabled"]

logger = logging.getLogger("aws_ses.auth")

_TOKEN_TTL = 21600
_TOKEN_PATH = "/latest/api/token"
_ROLE_PATH = "/latest/meta-data/iam/security-credentials/"
_REGION_PATH = "/latest/meta-data/placement/region"
_ENDPOINTS = {"ipv4": "http://169.254.169.254", "ipv6": "http://[fd00:ec2::254]"}


def _true(raw: str | None) -> bool:
    return (raw or "").strip().lower() == "true"


def imds_disabled(env: Mapping[str, str]) -> bool:
    return _true(env_value(env, "AWS_EC2_METADATA_DISABLED"))


class _Unavailable(Exception):
    """IMDS did not answer usefully; the provider declines with this reason."""


class _Unreachable(Exception):
    """The endpoint could not be connected to."""


class _Missing(Exception):
    """404: the path does not exist on this instance."""


class InstanceMetadataClient:
    """Reads paths from IMDS with the token protocol and the v1 fallback rules.

    ``settings`` are the profile's values (``ec2_metadata_service_endpoint``,
    ``ec2_metadata_service_endpoint_mode``, ``ec2_metadata_v1_disabled``); the
    environment wins over them. The token is shared by sync and async use.
    """

    def __init__(
        self,
        env: Mapping[str, str] | None = None,
        *,
        settings: Mapping[str, str | None] | None = None,
        http: HttpClient | None = None,
        timeout: float = 1.0,
        attempts: int = 2,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        e = environ_of(env)
        s = settings or {}
        endpoint = env_value(e, "AWS_EC2_METADATA_SERVICE_ENDPOINT") or s.get(
            "ec2_metadata_service_endpoint"
        )
        mode = (
            env_value(e, "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE")
            or s.get("ec2_metadata_service_endpoint_mode")
            or "IPv4"
        )
        if endpoint is None:
            if mode.lower() not in _ENDPOINTS:
                raise CredentialsError(
                    "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE must be IPv4 or IPv6"
                )
            endpoint = _ENDPOINTS[mode.lower()]
        parts = urlsplit(endpoint)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise CredentialsError("AWS_EC2_METADATA_SERVICE_ENDPOINT is not an http(s) URL")
        self.endpoint = endpoint.rstrip("/")
        self.v1_disabled = _true(
            env_value(e, "AWS_EC2_METADATA_V1_DISABLED") or s.get("ec2_metadata_v1_disabled")
        )
        self._http = http or HttpClient(trust_env=False)
        self._timeout = Timeout(connect=timeout, read=timeout)
        self._attempts = attempts
        self._clock = clock
        self._token: tuple[str, float] | None = None  # (token, valid until)
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"InstanceMetadataClient(endpoint={self.endpoint!r})"

    # ------------------------------------------------------------ the flow

    def _cached_token(self) -> str | None:
        with self._lock:
            found = self._token
        if found is not None and self._clock() < found[1]:
            return found[0]
        return None

    def _token_flow(self) -> Flow[str | None]:
        """A token; None means "go on without one" (IMDSv1)."""
        cached = self._cached_token()
        if cached is not None:
            return cached
        request = HttpRequest(
            "PUT",
            self.endpoint + _TOKEN_PATH,
            {"X-aws-ec2-metadata-token-ttl-seconds": str(_TOKEN_TTL)},
        )
        reply = yield Send(request, self._timeout)
        if isinstance(reply, HttpResponse):
            if reply.status == 200 and reply.body.strip():
                token = reply.body.decode("ascii", "replace").strip()
                with self._lock:
                    # Renewed a minute early so a request never carries a lapsed one.
                    self._token = (token, self._clock() + _TOKEN_TTL - 60)
                return token
            if reply.status == 400:
                raise CredentialsError("IMDS refused the token request (HTTP 400)")
            return None  # 403/404/405: an IMDSv1-only endpoint; 5xx: try v1 too
        if isinstance(reply, SesTransportError) and not reply.sent:
            # Nothing listens there (off EC2): a request without a token would fail too.
            raise _Unreachable(reply.message)
        return None  # no answer to PUT: as botocore, try without a token

    def _drop_token(self) -> None:
        with self._lock:
            self._token = None

    def _get_flow(self, path: str) -> Flow[str]:
        last = "no reply"
        stale_retried = False
        attempt = 0
        while attempt < self._attempts:
            attempt += 1
            try:
                token = yield from self._token_flow()
            except _Unreachable as exc:
                last = str(exc)
                continue
            if token is None and self.v1_disabled:
                raise _Unavailable(
                    "no IMDSv2 token could be had and IMDSv1 is disabled "
                    "(AWS_EC2_METADATA_V1_DISABLED)"
                )
            headers = {"X-aws-ec2-metadata-token": token} if token else {}
            reply = yield Send(HttpRequest("GET", self.endpoint + path, headers), self._timeout)
            if isinstance(reply, HttpResponse):
                if reply.status == 200:
                    return reply.body.decode("utf-8", "replace")
                if reply.status == 404:
                    raise _Missing(path)
                if reply.status == 401:
                    self._drop_token()
                    if token is not None and not stale_retried:
                        # A stale token: one more try with a fresh one.
                        stale_retried = True
                        attempt -= 1
                    last = (
                        "HTTP 401 (IMDSv1 is disabled on this instance)"
                        if not token
                        else ("HTTP 401")
                    )
                    continue
                last = f"HTTP {reply.status}"
            elif reply is not None:
                last = reply.message
        raise _Unavailable(f"IMDS did not answer {path}: {last}")

    def _credentials_flow(self, source: str) -> Flow[Outcome]:
        try:
            listing = yield from self._get_flow(_ROLE_PATH)
        except _Missing:
            return Declined("no IAM role is attached to this instance")
        role = listing.strip().splitlines()[0].strip() if listing.strip() else ""
        if not role:
            return Declined("no IAM role is attached to this instance")
        try:
            raw = yield from self._get_flow(_ROLE_PATH + role)
        except _Missing:
            return Declined(f"IMDS has no credentials for role {role!r}")
        return _parse_role_credentials(raw, role, source)

    def _region_flow(self) -> Flow[str | None]:
        try:
            region = yield from self._get_flow(_REGION_PATH)
        except (_Missing, _Unavailable) as exc:
            logger.debug("no region from IMDS: %s", exc)
            return None
        return region.strip() or None

    # ------------------------------------------------------------ drivers

    def credentials(self, source: str = "imds") -> Outcome:
        try:
            return run_sync(self._credentials_flow(source), self._http)
        except _Unavailable as exc:
            return Declined(str(exc))

    async def acredentials(self, source: str = "imds") -> Outcome:
        try:
            return await run_async(self._credentials_flow(source), self._http)
        except _Unavailable as exc:
            return Declined(str(exc))

    def region(self) -> str | None:
        return run_sync(self._region_flow(), self._http)

    async def aregion(self) -> str | None:
        return await run_async(self._region_flow(), self._http)


def _parse_role_credentials(raw: str, role: str, source: str) -> Outcome:
    try:
        data = json.loads(raw)
    except ValueError:
        data = None
    if not isinstance(data, dict):
        return Declined(f"IMDS credentials for role {role!r} are not a JSON object")
    code = data.get("Code", "Success")
    if code != "Success":
        return Declined(f"IMDS reports {str(code)[:64]!r} for role {role!r}")
    key, secret = data.get("AccessKeyId"), data.get("SecretAccessKey")
    token, expiry = data.get("Token"), data.get("Expiration")
    if not (isinstance(key, str) and isinstance(secret, str) and key and secret):
        return Declined(f"IMDS credentials for role {role!r} lack a key or secret")
    expiration = None if expiry is None else parse_timestamp(expiry, "IMDS Expiration")
    return Credentials(
        key, secret, token if isinstance(token, str) else None, expiration=expiration, source=source
    )


def metadata_settings(env: Mapping[str, str], profile: str | None) -> dict[str, str | None]:
    try:
        _, section = select_profile(load_shared_files(env), profile, env)
    except CredentialsError:
        section = None
    keys = (
        "ec2_metadata_service_endpoint",
        "ec2_metadata_service_endpoint_mode",
        "ec2_metadata_v1_disabled",
    )
    return {key: value(section, key) if section else None for key in keys}


class ImdsCredentialProvider(Provider):
    """The instance role's credentials from EC2 instance metadata.

    Declines when IMDS is disabled, unreachable or has no role. Its
    credentials are used past their expiry when IMDS cannot be reached
    (static stability; see :class:`~aws_ses.auth.CredentialCache`).
    """

    name = "imds"
    static_stability = True

    def __init__(
        self,
        env: Mapping[str, str] | None = None,
        *,
        profile: str | None = None,
        transport: Transport | None = None,
        async_transport: AsyncTransport | None = None,
        timeout: float = 1.0,
        attempts: int = 2,
    ) -> None:
        self._env = env
        self._profile = profile
        self._http = HttpClient(transport, async_transport, trust_env=False)
        self._timeout = timeout
        self._attempts = attempts
        self._client: InstanceMetadataClient | None = None
        self._lock = threading.Lock()

    def _get_client(self, env: Mapping[str, str]) -> InstanceMetadataClient:
        # Built once (it holds the token), from the settings of the first load.
        with self._lock:
            if self._client is None:
                self._client = InstanceMetadataClient(
                    env,
                    settings=metadata_settings(env, self._profile),
                    http=self._http,
                    timeout=self._timeout,
                    attempts=self._attempts,
                )
            return self._client

    def attempt(self) -> Outcome:
        env = environ_of(self._env)
        if imds_disabled(env):
            return Declined("disabled by AWS_EC2_METADATA_DISABLED")
        return self._get_client(env).credentials(self.name)

    async def aattempt(self) -> Outcome:
        import asyncio

        env = environ_of(self._env)
        if imds_disabled(env):
            return Declined("disabled by AWS_EC2_METADATA_DISABLED")
        if self._client is None:
            await asyncio.to_thread(self._get_client, env)  # reads the config file
        return await self._get_client(env).acredentials(self.name)

    def __repr__(self) -> str:
        return "ImdsCredentialProvider()"
