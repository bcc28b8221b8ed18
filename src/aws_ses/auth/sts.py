"""STS ``AssumeRole`` and ``AssumeRoleWithWebIdentity`` over the query protocol.

Requests are form-encoded POSTs; replies are XML, errors too
(``<ErrorResponse><Error><Code>``). ``AssumeRole`` is SigV4-signed with the
source credentials; ``AssumeRoleWithWebIdentity`` is unsigned, as STS requires
(the web identity token is the proof).

The endpoint is ``AWS_ENDPOINT_URL_STS``, else ``AWS_ENDPOINT_URL`` (unless
``AWS_IGNORE_CONFIGURED_ENDPOINT_URLS`` is true), else the regional endpoint
``https://sts.<region>.amazonaws.com``, else the global one
(``AWS_STS_REGIONAL_ENDPOINTS=legacy`` keeps the old regions on it).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from urllib.parse import urlencode, urlsplit
from xml.etree import ElementTree

from aws_ses._http import HttpRequest, HttpResponse, Timeout

from ..errors import CredentialsError, SesTransportError
from .base import parse_timestamp
from .credentials import Credentials
from .http import Flow, HttpClient, Send, Sleep, run_async, run_sync
from .profiles import env_value

__all__ = ["StsClient", "sts_endpoint"]

logger = logging.getLogger("aws_ses.auth")

_VERSION = "2011-06-15"
_RETRYABLE_CODES = frozenset(
    {"Throttling", "ThrottlingException", "RequestLimitExceeded", "IDPCommunicationError"}
)
# Regions that STS's "legacy" mode still sends to the global endpoint.
_LEGACY_GLOBAL = frozenset(
    {
        "ap-northeast-1", "ap-south-1", "ap-southeast-1", "ap-southeast-2", "aws-global",
        "ca-central-1", "eu-central-1", "eu-north-1", "eu-west-1", "eu-west-2", "eu-west-3",
        "sa-east-1", "us-east-1", "us-east-2", "us-west-1", "us-west-2",
    }
)  # fmt: skip
_ATTEMPTS = 2
_TIMEOUT = Timeout(connect=5.0, read=10.0)


def sts_endpoint(region: str | None, env: Mapping[str, str]) -> tuple[str, str]:
    """(endpoint URL, signing region) for STS."""
    signing_region = region or "us-east-1"
    if (env_value(env, "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS") or "").lower() != "true":
        configured = env_value(env, "AWS_ENDPOINT_URL_STS") or env_value(env, "AWS_ENDPOINT_URL")
        if configured:
            parts = urlsplit(configured)
            if parts.scheme not in ("http", "https") or not parts.netloc:
                raise CredentialsError("AWS_ENDPOINT_URL_STS is not an http(s) URL")
            return configured.rstrip("/") + "/", signing_region
    legacy = (env_value(env, "AWS_STS_REGIONAL_ENDPOINTS") or "").lower() == "legacy"
    if region is None or (legacy and region in _LEGACY_GLOBAL):
        return "https://sts.amazonaws.com/", "us-east-1"
    suffix = "amazonaws.com.cn" if region.startswith("cn-") else "amazonaws.com"
    return f"https://sts.{region}.{suffix}/", region


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _find(root: ElementTree.Element, name: str) -> ElementTree.Element | None:
    for element in root.iter():
        if _local(element.tag) == name:
            return element
    return None


def _text(root: ElementTree.Element, name: str) -> str | None:
    element = _find(root, name)
    if element is None or element.text is None:
        return None
    return element.text.strip() or None


def _parse_xml(body: bytes) -> ElementTree.Element | None:
    try:
        return ElementTree.fromstring(body)
    except ElementTree.ParseError:
        return None


class _StsFailure(CredentialsError):
    def __init__(self, message: str, *, code: str, status: int | None, retry: bool) -> None:
        super().__init__(message, code=code, status=status)
        self.retry = retry


def _error(action: str, response: HttpResponse) -> _StsFailure:
    root = _parse_xml(response.body)
    code = message = request_id = None
    if root is not None:
        code = _text(root, "Code")
        message = _text(root, "Message")
        request_id = _text(root, "RequestId")
    code = code or f"HTTP{response.status}"
    text = f"STS {action} failed: {code}"
    if message:
        text += f": {message}"
    if request_id:
        text += f" (request id {request_id})"
    retry = response.status >= 500 or code in _RETRYABLE_CODES
    return _StsFailure(text, code=code, status=response.status, retry=retry)


def _credentials(action: str, response: HttpResponse, source: str) -> Credentials:
    if response.status != 200:
        raise _error(action, response)
    root = _parse_xml(response.body)
    found = None if root is None else _find(root, "Credentials")
    if found is None:
        raise CredentialsError(f"STS {action} reply has no Credentials element")
    key = _text(found, "AccessKeyId")
    secret = _text(found, "SecretAccessKey")
    token = _text(found, "SessionToken")
    expiry = _text(found, "Expiration")
    if not (key and secret and token and expiry):
        raise CredentialsError(f"STS {action} reply lacks a key, secret, token or expiration")
    expiration = parse_timestamp(expiry, f"STS {action} Expiration")
    return Credentials(key, secret, token, expiration=expiration, source=source)


class StsClient:
    """Just enough of STS for the providers: two actions, retried once."""

    def __init__(self, http: HttpClient, *, region: str | None, env: Mapping[str, str]) -> None:
        self._http = http
        self._url, self._signing_region = sts_endpoint(region, env)

    @property
    def url(self) -> str:
        return self._url

    def _request(
        self, action: str, params: Mapping[str, str], signer_creds: Credentials | None
    ) -> HttpRequest:
        body = urlencode({"Action": action, "Version": _VERSION, **params}).encode()
        request = HttpRequest(
            "POST",
            self._url,
            {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
            body,
        )
        if signer_creds is not None:
            from aws_ses.signing import SigV4Signer

            SigV4Signer("sts").sign(request, signer_creds, region=self._signing_region)
        return request

    def _flow(
        self,
        action: str,
        params: Mapping[str, str],
        source: str,
        signer_creds: Credentials | None,
    ) -> Flow[Credentials]:
        for attempt in range(_ATTEMPTS):
            # Signed anew per attempt: the signature carries the time.
            reply = yield Send(self._request(action, params, signer_creds), _TIMEOUT)
            if isinstance(reply, HttpResponse) and reply.status == 200:
                return _credentials(action, reply, source)
            if isinstance(reply, HttpResponse):
                failure: CredentialsError = _error(action, reply)
                retry = isinstance(failure, _StsFailure) and failure.retry
            else:
                failure = CredentialsError(f"STS {action} failed: {_reason(reply)}")
                retry = True
            if not retry or attempt + 1 == _ATTEMPTS:
                raise failure
            logger.info("STS %s: %s; trying again", action, failure.message)
            yield Sleep(0.1 * 2**attempt)
        raise AssertionError("unreachable")

    def call(
        self,
        action: str,
        params: Mapping[str, str],
        *,
        source: str,
        signer_creds: Credentials | None = None,
    ) -> Credentials:
        return run_sync(self._flow(action, params, source, signer_creds), self._http)

    async def acall(
        self,
        action: str,
        params: Mapping[str, str],
        *,
        source: str,
        signer_creds: Credentials | None = None,
    ) -> Credentials:
        return await run_async(self._flow(action, params, source, signer_creds), self._http)

    def __repr__(self) -> str:
        return f"StsClient(url={self._url!r})"


def _reason(reply: object) -> str:
    if isinstance(reply, SesTransportError):
        return reply.message
    return "no reply"
