"""Server-side SigV4 verification, for the local SES server.

The verifier rebuilds the canonical request from the request exactly as it
arrived (raw path, raw query, the headers the client listed as signed) with
the same functions the signer uses, and compares signatures in constant time.
Failures raise :class:`SignatureError` carrying the error code and HTTP status
AWS returns in the same situation, so SDKs react to the local server as they
do to SES.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime, timedelta

from aws_ses.errors import SesError
from aws_ses.signing.sigv4 import (
    ALGORITHM,
    AMZ_DATE_FORMAT,
    canonical_request_parts,
    credential_scope,
    payload_hash,
    signature,
    signing_key,
    string_to_sign,
)

__all__ = ["SignatureError", "verify_request"]

_UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"
# Spelt out here so that importing the verifier does not import sigv4a.
_ALGORITHM_V4A = "AWS4-ECDSA-P256-SHA256"


class SignatureError(SesError):
    """A request failed authentication; ``code`` and ``status`` are AWS's."""

    def __init__(self, code: str, message: str, *, status: int = 403) -> None:
        super().__init__(message, code=code, status=status)


def _missing() -> SignatureError:
    return SignatureError("MissingAuthenticationToken", "Missing Authentication Token")


def _incomplete(message: str) -> SignatureError:
    return SignatureError("IncompleteSignatureException", message, status=400)


def _mismatch(message: str) -> SignatureError:
    return SignatureError("SignatureDoesNotMatch", message)


_WRONG_SIGNATURE = (
    "The request signature we calculated does not match the signature you provided. "
    "Check your AWS Secret Access Key and signing method. "
    "Consult the service documentation for details."
)


def _collect_headers(
    headers: Mapping[str, str] | Iterable[tuple[str | bytes, str | bytes]],
) -> dict[str, list[str]]:
    # Lower-case name -> values in arrival order. A Mapping's items() is used so
    # that multi-valued header objects (Starlette's Headers) keep repeats; raw
    # ASGI byte pairs are latin-1 as HTTP/1.1 defines them.
    items = headers.items() if isinstance(headers, Mapping) else headers
    grouped: dict[str, list[str]] = {}
    for name, value in items:
        if isinstance(name, bytes):
            name = name.decode("latin-1")
        if isinstance(value, bytes):
            value = value.decode("latin-1")
        grouped.setdefault(name.lower(), []).append(value)
    return grouped


def _parse_authorization(header: str) -> tuple[str, str, list[str], list[str]]:
    """(algorithm, signature, signed header names, credential parts)."""
    algorithm, _, rest = header.strip().partition(" ")
    if algorithm not in (ALGORITHM, _ALGORITHM_V4A):
        if algorithm.startswith("AWS4-"):
            raise _incomplete(f"Unsupported AWS 'algorithm': '{algorithm}'.")
        raise _incomplete(
            "Authorization header requires 'Credential' parameter. "
            "Authorization header requires 'Signature' parameter. "
            "Authorization header requires 'SignedHeaders' parameter. "
            f"Authorization={header}"
        )
    fields: dict[str, str] = {}
    for part in rest.split(","):
        part = part.strip()
        if not part:
            continue
        key, eq, value = part.partition("=")
        if not eq:
            raise _incomplete(
                f"'{part}' not a valid key=value pair (missing equal-sign) "
                f"in Authorization header: '{header}'."
            )
        fields[key.strip()] = value.strip()
    missing = [
        f"Authorization header requires '{name}' parameter."
        for name in ("Credential", "Signature", "SignedHeaders")
        if not fields.get(name)
    ]
    if missing:
        raise _incomplete(" ".join([*missing, f"Authorization={header}"]))
    credential = fields["Credential"].split("/")
    # SigV4a scopes have no region: keyid/date/service/term.
    parts, form = (5, "keyid/date/region/service/term")
    if algorithm == _ALGORITHM_V4A:
        parts, form = (4, "keyid/date/service/term")
    if len(credential) != parts or not all(credential):
        raise _incomplete(
            f"Credential must have exactly {parts} slash-delimited elements, "
            f"e.g. {form}, got '{fields['Credential']}'"
        )
    return algorithm, fields["Signature"], fields["SignedHeaders"].split(";"), credential


def _request_time(grouped: dict[str, list[str]]) -> tuple[str, datetime]:
    if "x-amz-date" in grouped:
        text = grouped["x-amz-date"][0].strip()
        try:
            when = datetime.strptime(text, AMZ_DATE_FORMAT).replace(tzinfo=UTC)
        except ValueError:
            raise _incomplete(f"Date must be in ISO-8601 'basic format'. Got '{text}'.") from None
        return text, when
    if "date" in grouped:
        from email.utils import parsedate_to_datetime  # rare: only botocore's Date mode

        text = grouped["date"][0].strip()
        try:
            when = parsedate_to_datetime(text)
        except (TypeError, ValueError):
            raise _incomplete(f"Date must be in RFC 1123 format. Got '{text}'.") from None
        when = when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)
        return when.strftime(AMZ_DATE_FORMAT), when
    raise _incomplete(
        "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."
    )


def verify_request(
    method: str,
    raw_path: str | bytes,
    query_string: str | bytes,
    headers: Mapping[str, str] | Iterable[tuple[str | bytes, str | bytes]],
    body: bytes,
    lookup_secret: Callable[[str], str | None],
    *,
    region: str | None = None,
    service: str = "ses",
    now: datetime | None = None,
    max_skew: timedelta = timedelta(minutes=15),
) -> str:
    """Check a request's SigV4 (or SigV4a) ``Authorization`` header; return the
    access key id.

    ``raw_path`` and ``query_string`` are the path and query as received, still
    percent-encoded (ASGI's ``raw_path`` and ``query_string``; bytes are
    accepted). ``headers`` is a mapping (names in any case) or (name, value)
    pairs, which keeps repeated headers apart. ``lookup_secret`` maps an access
    key id to its secret, or ``None`` for an unknown key. ``region``, when
    given, is the only region accepted in the credential scope (for SigV4a:
    it must be in ``X-Amz-Region-Set``, or the set be ``*``). SigV4a needs
    ``cryptography``, imported only when such a request arrives.

    Raises :class:`SignatureError` (``MissingAuthenticationToken``,
    ``IncompleteSignatureException``, ``UnrecognizedClientException``,
    ``InvalidSignatureException`` or ``SignatureDoesNotMatch``).
    """
    grouped = _collect_headers(headers)
    auth_values = grouped.get("authorization")
    if not auth_values or not auth_values[0].strip():
        raise _missing()
    algorithm, claimed, signed_names, credential = _parse_authorization(auth_values[0])
    v4a = algorithm == _ALGORITHM_V4A
    if v4a:
        access_key, date, scope_service, terminator = credential
        scope_region = ""
    else:
        access_key, date, scope_region, scope_service, terminator = credential

    timestamp, when = _request_time(grouped)
    if date != timestamp[:8]:
        raise _mismatch(
            "Date in Credential scope does not match YYYYMMDD from ISO-8601 version "
            f"of date from HTTP: '{date}' != '{timestamp[:8]}', from '{timestamp}'."
        )
    if v4a:
        region_set = grouped.get("x-amz-region-set")
        if not region_set or "x-amz-region-set" not in signed_names:
            raise _incomplete("SigV4a requests must sign an 'X-Amz-Region-Set' header.")
        regions = [r.strip() for r in ",".join(region_set).split(",")]
        if region is not None and "*" not in regions and region not in regions:
            raise _mismatch(
                f"Credential should be scoped to a valid region, not '{','.join(regions)}'."
            )
    elif region is not None and scope_region != region:
        raise _mismatch(f"Credential should be scoped to a valid region, not '{scope_region}'.")
    if scope_service != service:
        raise _mismatch(f"Credential should be scoped to correct service: '{service}'.")
    if terminator != "aws4_request":
        raise _mismatch(
            f"Credential should be scoped with a valid terminator: 'aws4_request', "
            f"not '{terminator}'."
        )
    if "host" not in signed_names:
        raise SignatureError(
            "InvalidSignatureException",
            "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
        )
    selected: list[tuple[str, str]] = []
    for name in dict.fromkeys(signed_names):
        values = grouped.get(name)
        if values is None:
            raise _incomplete(
                f"'{name}' is named as a SignedHeader, but it does not exist in the HTTP request."
            )
        selected.extend((name, value) for value in values)

    secret = lookup_secret(access_key)
    if secret is None:
        raise SignatureError(
            "UnrecognizedClientException", "The security token included in the request is invalid."
        )

    current = datetime.now(UTC) if now is None else now
    if current.tzinfo is None:
        current = current.replace(tzinfo=UTC)
    minutes = f"{max_skew.total_seconds() / 60:g} min."
    stamp = AMZ_DATE_FORMAT
    if when < current - max_skew:
        raise SignatureError(
            "InvalidSignatureException",
            f"Signature expired: {timestamp} is now earlier than "
            f"{(current - max_skew).strftime(stamp)} ({current.strftime(stamp)} - {minutes})",
        )
    if when > current + max_skew:
        raise SignatureError(
            "InvalidSignatureException",
            f"Signature not yet current: {timestamp} is still later than "
            f"{(current + max_skew).strftime(stamp)} ({current.strftime(stamp)} + {minutes})",
        )

    # The client may have signed a stated payload hash instead of hashing the
    # body itself; only an explicitly signed UNSIGNED-PAYLOAD skips the body.
    body_hash = payload_hash(body)
    stated = grouped.get("x-amz-content-sha256")
    if stated and stated[0].strip() == _UNSIGNED_PAYLOAD and "x-amz-content-sha256" in signed_names:
        body_hash = _UNSIGNED_PAYLOAD

    path = raw_path.decode("utf-8", "replace") if isinstance(raw_path, bytes) else raw_path
    query = (
        query_string.decode("utf-8", "replace") if isinstance(query_string, bytes) else query_string
    )
    canonical, names = canonical_request_parts(method, path, query, selected, body_hash, True)
    if names != ";".join(signed_names):
        raise _mismatch(_WRONG_SIGNATURE)
    if v4a:
        from aws_ses.signing import sigv4a

        scope = sigv4a.credential_scope_v4a(date, scope_service)
        text = string_to_sign(timestamp, scope, canonical, _ALGORITHM_V4A)
        if not sigv4a.verify_signature(sigv4a.public_key(access_key, secret), text, claimed):
            raise _mismatch(_WRONG_SIGNATURE)
        return access_key
    scope = credential_scope(date, scope_region, scope_service)
    expected = signature(
        signing_key(secret, date, scope_region, scope_service),
        string_to_sign(timestamp, scope, canonical),
    )
    if not hmac.compare_digest(expected.encode(), claimed.encode()):
        raise _mismatch(_WRONG_SIGNATURE)
    return access_key
