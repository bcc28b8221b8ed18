"""The neutral HTTP values every layer shares: request, response, timeout.

Signing, serialization, parsing, the pipeline and the transports all import
these from here, so none of them depends on another's module. Headers that
carry secrets are redacted from every ``repr``.

They are msgspec ``Struct`` classes (never encoded, only used as records):
as cheap to build as a tuple, with equality and ``repr`` for free, and
importing ``dataclasses`` for three records would cost every cold start more
than the rest of this layer.
"""

from __future__ import annotations

import msgspec

__all__ = [
    "SENSITIVE_HEADERS",
    "HttpRequest",
    "HttpResponse",
    "Timeout",
    "redact_headers",
    "redact_url",
]

# Lower-case names of headers whose values are secrets or signatures.
SENSITIVE_HEADERS = frozenset(
    {
        "authorization",
        "x-amz-security-token",
        "x-amz-signature",
        "proxy-authorization",
        "cookie",
        "x-amz-sso_bearer_token",
        "x-aws-ec2-metadata-token",
    }
)


def redact_headers(headers: dict[str, str]) -> dict[str, str]:
    """A copy of ``headers`` with secret values replaced by ``***``."""
    return {k: ("***" if k.lower() in SENSITIVE_HEADERS else v) for k, v in headers.items()}


def redact_url(url: str) -> str:
    # Presigned URLs carry the signature and token in the query.
    if "X-Amz-" not in url:
        return url
    import re

    return re.sub(r"(X-Amz-(?:Signature|Security-Token|Credential)=)[^&]*", r"\1***", url)


class HttpRequest(msgspec.Struct):
    """An outgoing request. ``headers`` keys keep the case they were set with."""

    method: str
    url: str
    headers: dict[str, str] = msgspec.field(default_factory=dict)
    body: bytes = b""

    def __repr__(self) -> str:
        return (
            f"HttpRequest(method={self.method!r}, url={redact_url(self.url)!r}, "
            f"headers={redact_headers(self.headers)!r}, body=<{len(self.body)} bytes>)"
        )


class HttpResponse(msgspec.Struct):
    """A complete response; ``headers`` keys are lower-case."""

    status: int
    headers: dict[str, str] = msgspec.field(default_factory=dict)
    body: bytes = b""


class Timeout(msgspec.Struct, frozen=True):
    """Seconds allowed to connect and to wait for each read of the response."""

    connect: float = 10.0
    read: float = 60.0
