"""Container credentials: ECS task roles and EKS Pod Identity.

``AWS_CONTAINER_CREDENTIALS_RELATIVE_URI`` is a path on the ECS agent at
``http://169.254.170.2``. ``AWS_CONTAINER_CREDENTIALS_FULL_URI`` is a whole
URL: any ``https`` URL, or plain ``http`` only to a loopback address, the ECS
agent (169.254.170.2) or the EKS Pod Identity agent (169.254.170.23,
fd00:ec2::23). The ``Authorization`` header comes from
``AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE`` (read at every fetch, since EKS
rotates it) or else ``AWS_CONTAINER_AUTHORIZATION_TOKEN``.
"""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from aws_ses._http import HttpRequest, HttpResponse, Timeout

if TYPE_CHECKING:
    import asyncio
else:
    from ._aio import asyncio

from ..errors import CredentialsError
from .base import Declined, Outcome, Provider, parse_timestamp
from .credentials import Credentials
from .http import Flow, HttpClient, Send, Sleep, run_async, run_sync
from .profiles import env_value, environ_of

if TYPE_CHECKING:
    from aws_ses.transport.base import AsyncTransport, Transport

__all__ = ["ContainerCredentialProvider", "container_url"]

_ECS_HOST = "http://169.254.170.2"
_ALLOWED_HTTP_HOSTS = frozenset(
    {ipaddress.ip_address(a) for a in ("169.254.170.2", "169.254.170.23", "fd00:ec2::23")}
)
_ATTEMPTS = 3


def _allowed_http_host(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False  # a name could resolve anywhere; only literal addresses
    return address.is_loopback or address in _ALLOWED_HTTP_HOSTS


def container_url(env: Mapping[str, str]) -> str | None:
    """The credentials URL the environment names, checked; None when none is set."""
    relative = env_value(env, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")
    if relative is not None:
        return _ECS_HOST + ("" if relative.startswith("/") else "/") + relative
    full = env_value(env, "AWS_CONTAINER_CREDENTIALS_FULL_URI")
    if full is None:
        return None
    parts = urlsplit(full)
    if parts.scheme == "https" and parts.hostname:
        return full
    if parts.scheme == "http" and parts.hostname and _allowed_http_host(parts.hostname):
        return full
    raise CredentialsError(
        "AWS_CONTAINER_CREDENTIALS_FULL_URI must be https, or http to a loopback address, "
        "169.254.170.2, 169.254.170.23 or fd00:ec2::23"
    )


def _read_token(env: Mapping[str, str]) -> str | None:
    path = env_value(env, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE")
    if path is not None:
        try:
            token = Path(path).read_text(encoding="utf-8").strip()
        except OSError as exc:
            problem = exc.strerror or type(exc).__name__
        else:
            return _checked(token)
        raise CredentialsError(
            f"cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE {path}: {problem}"
        )
    inline = env_value(env, "AWS_CONTAINER_AUTHORIZATION_TOKEN")
    return None if inline is None else _checked(inline)


def _checked(token: str) -> str:
    if "\r" in token or "\n" in token:
        raise CredentialsError("the container authorization token contains a line break")
    return token


class ContainerCredentialProvider(Provider):
    """Credentials from the ECS agent or the EKS Pod Identity agent."""

    name = "container"

    def __init__(
        self,
        env: Mapping[str, str] | None = None,
        *,
        transport: Transport | None = None,
        async_transport: AsyncTransport | None = None,
        timeout: float = 2.0,
    ) -> None:
        self._env = env
        self._http = HttpClient(transport, async_transport, trust_env=False)
        self._timeout = Timeout(connect=timeout, read=timeout)

    def _flow(self, url: str, token: str | None) -> Flow[Outcome]:
        headers = {"Accept": "application/json"}
        if token:
            headers["Authorization"] = token
        last = "no reply"
        for attempt in range(_ATTEMPTS):
            reply = yield Send(HttpRequest("GET", url, headers), self._timeout)
            if isinstance(reply, HttpResponse):
                if reply.status == 200:
                    return _parse(reply.body, self.name)
                last = _describe_error(reply)
                if reply.status < 500 and reply.status != 429:
                    break  # a refusal (bad token, unknown role): repeating will not help
            elif reply is not None:
                last = reply.message
            if attempt + 1 < _ATTEMPTS:
                yield Sleep(0.05 * 2**attempt)
        host = urlsplit(url).netloc
        raise CredentialsError(f"container credentials endpoint {host} failed: {last}")

    def _prepare(self) -> tuple[str, Mapping[str, str]] | Declined:
        env = environ_of(self._env)
        url = container_url(env)
        if url is None:
            return Declined("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and _FULL_URI are not set")
        return url, env

    def attempt(self) -> Outcome:
        prepared = self._prepare()
        if isinstance(prepared, Declined):
            return prepared
        url, env = prepared
        return run_sync(self._flow(url, _read_token(env)), self._http)

    async def aattempt(self) -> Outcome:
        prepared = self._prepare()
        if isinstance(prepared, Declined):
            return prepared
        url, env = prepared
        token = await asyncio.to_thread(_read_token, env)
        return await run_async(self._flow(url, token), self._http)

    def __repr__(self) -> str:
        return "ContainerCredentialProvider()"


def _describe_error(reply: HttpResponse) -> str:
    text = f"HTTP {reply.status}"
    try:
        data = json.loads(reply.body)
    except ValueError:
        return text
    if isinstance(data, dict):
        code, message = (
            data.get("code") or data.get("Code"),
            data.get("message") or data.get("Message"),
        )
        if isinstance(code, str):
            text += f" {code[:100]}"
        if isinstance(message, str):
            text += f": {message[:300]}"
    return text


def _parse(body: bytes, source: str) -> Credentials:
    try:
        data = json.loads(body)
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise CredentialsError("container credentials reply is not a JSON object")
    key, secret = data.get("AccessKeyId"), data.get("SecretAccessKey")
    token, expiry = data.get("Token"), data.get("Expiration")
    if not (isinstance(key, str) and key and isinstance(secret, str) and secret):
        raise CredentialsError("container credentials reply lacks AccessKeyId or SecretAccessKey")
    expiration = None if expiry is None else parse_timestamp(expiry, "container Expiration")
    return Credentials(
        key, secret, token if isinstance(token, str) else None, expiration=expiration, source=source
    )
