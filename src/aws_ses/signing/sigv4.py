"""AWS Signature Version 4 (HMAC-SHA256), for services other than S3.

Each step of the algorithm is a small pure function so that it can be tested
alone against the official suite and reused, unchanged, by the server-side
verifier in :mod:`aws_ses.signing.verify`:

    canonical_uri / canonical_query_string / canonical_headers / signed_headers
      -> canonical_request -> string_to_sign -> signing_key -> signature

:class:`SigV4Signer` strings them together for an outgoing
:class:`~aws_ses.transport.base.HttpRequest` and caches the derived signing
key, which only changes once a day per region and service.

The request URL is taken to be on-the-wire form (already percent-encoded).
Its path is encoded once more for the canonical request, as every AWS service
except S3 expects; the query is decoded and encoded again in the canonical
(RFC 3986, upper-case hex) form, which leaves a canonically encoded query as
it was.
"""

from __future__ import annotations

import functools
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from aws_ses._http import HttpRequest
from aws_ses.signing.digests import hmac_sha256, sha256_digest, sha256_hex

if TYPE_CHECKING:
    # Typing only: the signer needs just the two attributes, and importing the
    # credential providers is not free.
    from aws_ses.auth.credentials import Credentials

__all__ = [
    "ALGORITHM",
    "AMZ_DATE_FORMAT",
    "EMPTY_SHA256",
    "UNSIGNED_HEADERS",
    "HeaderInput",
    "SigV4Signer",
    "amz_date",
    "canonical_headers",
    "canonical_host",
    "canonical_query_string",
    "canonical_request",
    "canonical_uri",
    "credential_scope",
    "headers_to_sign",
    "payload_hash",
    "prepare_request",
    "signature",
    "signed_headers",
    "signing_key",
    "split_url",
    "string_to_sign",
]

ALGORITHM = "AWS4-HMAC-SHA256"
EMPTY_SHA256 = sha256_hex(b"")
AMZ_DATE_FORMAT = "%Y%m%dT%H%M%SZ"

# Headers that proxies and HTTP stacks add, drop or rewrite in flight (hop-by-hop
# headers, tracing, the user agent): signing them would make a valid request fail
# verification. Same list as botocore, so both sign the same set.
UNSIGNED_HEADERS = frozenset(
    {
        "baggage",
        "connection",
        "expect",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "traceparent",
        "tracestate",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "user-agent",
        "x-amzn-trace-id",
    }
)

# Headers the signer owns: dropped before every signing so a retry starts clean.
_SIGNING_HEADERS = frozenset(
    {"authorization", "x-amz-date", "x-amz-security-token", "x-amz-region-set"}
)
_CONTENT_SHA256 = "x-amz-content-sha256"
_DEFAULT_PORTS = {"http": 80, "https": 443}

# Strings made only of RFC 3986 unreserved characters need no encoding.
_UNRESERVED_RUN = re.compile(r"[A-Za-z0-9\-._~]*").fullmatch
_PLAIN_PATH = re.compile(r"/[A-Za-z0-9\-._~/]*").fullmatch

HeaderInput = Mapping[str, str] | Iterable[tuple[str, str]]
"""Headers as a mapping or as (name, value) pairs (pairs may repeat a name)."""


# ------------------------------------------------------------------ URL parts


def split_url(url: str) -> tuple[str, str, str, str]:
    """Split an absolute URL into (scheme, netloc, path, query), nothing decoded.

    Unlike :func:`urllib.parse.urlsplit` this keeps every character as sent
    (the signer must see the exact bytes the transport will send) and is cheap.
    """
    scheme, sep, rest = url.partition("://")
    if not sep:
        raise ValueError(f"request URL must be absolute: {url!r}")
    end = len(rest)
    for stop in "/?#":
        i = rest.find(stop)
        if 0 <= i < end:
            end = i
    netloc, rest = rest[:end], rest[end:]
    rest = rest.partition("#")[0]
    path, _, query = rest.partition("?")
    return scheme.lower(), netloc, path, query


def canonical_host(scheme: str, netloc: str) -> str:
    """The ``host`` header value for a URL authority: lower case, no user info,
    and the port only when it is not the scheme's default."""
    hostport = netloc.rpartition("@")[2]
    if hostport.startswith("["):  # IPv6 literal: the port follows the bracket
        close = hostport.find("]")
        host, port = hostport[: close + 1], hostport[close + 2 :]
    else:
        host, _, port = hostport.partition(":")
    host = host.lower()
    if port and int(port) != _DEFAULT_PORTS.get(scheme):
        return f"{host}:{int(port)}"
    return host


# ------------------------------------------------------------ canonical form


def _remove_dot_segments(path: str) -> str:
    # RFC 3986 dot-segment removal, and empty segments ("//") dropped as AWS
    # services do; a trailing slash survives only if something is left.
    out: list[str] = []
    for segment in path.split("/"):
        if segment == "..":
            if out:
                out.pop()
        elif segment and segment != ".":
            out.append(segment)
    lead = "/" if path.startswith("/") else ""
    trail = "/" if path.endswith("/") and out else ""
    return lead + "/".join(out) + trail


def canonical_uri(path: str, *, normalize: bool = True) -> str:
    """The canonical URI for an on-the-wire request path.

    With ``normalize`` (all services but S3) ``.``/``..`` segments and repeated
    slashes are removed first. Every byte outside the unreserved set and ``/``
    is then percent-encoded, so an already encoded ``%2F`` becomes ``%252F``:
    the double encoding non-S3 services expect.
    """
    if not path:
        return "/"
    if _PLAIN_PATH(path) and "//" not in path and "/." not in path:
        return path  # the usual SES path: nothing to normalise or encode
    if normalize:
        path = _remove_dot_segments(path) or "/"
    from urllib.parse import quote  # only for unusual paths (imports ipaddress on 3.11)

    return quote(path, safe="/~")


def _encode_query_part(text: str) -> str:
    if _UNRESERVED_RUN(text):
        return text
    # Decode to bytes first so "%e1", "%E1" and a raw "ሴ" all end up "%E1..".
    from urllib.parse import quote, unquote_to_bytes

    return quote(unquote_to_bytes(text), safe="-_.~")


def canonical_query_string(query: str) -> str:
    """The canonical query: each name and value canonically percent-encoded,
    ``name=value`` pairs sorted by name then value, joined with ``&``."""
    if not query:
        return ""
    pairs = []
    for item in query.split("&"):
        if not item:
            continue
        name, _, value = item.partition("=")
        pairs.append((_encode_query_part(name), _encode_query_part(value)))
    pairs.sort()
    return "&".join(f"{name}={value}" for name, value in pairs)


def _header_pairs(headers: HeaderInput) -> Iterable[tuple[str, str]]:
    if isinstance(headers, Mapping):
        return headers.items()
    return headers


def _canonical_headers_and_names(headers: HeaderInput) -> tuple[str, str]:
    # Both results come from one pass: this runs for every request.
    grouped: dict[str, list[str]] = {}
    for name, value in _header_pairs(headers):
        # Trim and collapse all whitespace runs; this also folds obsolete
        # multi-line values onto one line. Most values have nothing to
        # collapse: printable (so no tab, newline or Unicode space) and no
        # doubled, leading or trailing space means split/join is a no-op.
        if "  " in value or not value.isprintable() or value[:1] == " " or value[-1:] == " ":
            value = " ".join(value.split())
        lname = name.lower()
        values = grouped.get(lname)
        if values is None:
            grouped[lname] = [value]
        else:
            values.append(value)  # repeated header: values joined by ","
    names = sorted(grouped)
    lines = "\n".join(f"{name}:{','.join(grouped[name])}" for name in names)
    return lines, ";".join(names)


def canonical_headers(headers: HeaderInput) -> str:
    """``name:value`` lines for the given (already selected) headers: names
    lower-cased and sorted, values trimmed with inner whitespace collapsed,
    values of a repeated name joined by ``,`` in the order given."""
    return _canonical_headers_and_names(headers)[0]


def signed_headers(headers: HeaderInput) -> str:
    """The sorted, lower-case, ``;``-separated names of the given headers."""
    return _canonical_headers_and_names(headers)[1]


def headers_to_sign(headers: Mapping[str, str], host: str) -> list[tuple[str, str]]:
    """The headers of a request that get signed: all of them except the
    :data:`UNSIGNED_HEADERS`, plus ``host`` (from the URL) unless one is set."""
    selected: list[tuple[str, str]] = []
    has_host = False
    for name, value in headers.items():
        lname = name.lower()
        if lname in UNSIGNED_HEADERS:
            continue
        if lname == "host":
            has_host = True
        selected.append((lname, value))
    if not has_host:
        selected.append(("host", host))
    return selected


def payload_hash(body: bytes) -> str:
    """Hex SHA-256 of the request body."""
    return sha256_hex(body) if body else EMPTY_SHA256


def canonical_request_parts(
    method: str,
    path: str,
    query: str,
    headers: HeaderInput,
    body_hash: str,
    normalize: bool,
) -> tuple[str, str]:
    header_lines, names = _canonical_headers_and_names(headers)
    request = (
        f"{method.upper()}\n{canonical_uri(path, normalize=normalize)}\n"
        f"{canonical_query_string(query)}\n{header_lines}\n\n{names}\n{body_hash}"
    )
    return request, names


def canonical_request(
    method: str,
    path: str,
    query: str,
    headers: HeaderInput,
    body_hash: str,
    *,
    normalize: bool = True,
) -> str:
    """The canonical request.

    ``path`` and ``query`` are as sent on the wire (the query without ``?``);
    ``headers`` are exactly the headers to sign; ``body_hash`` is the hex
    SHA-256 of the body (see :func:`payload_hash`) or a literal such as
    ``UNSIGNED-PAYLOAD``.
    """
    return canonical_request_parts(method, path, query, headers, body_hash, normalize)[0]


def credential_scope(date: str, region: str, service: str) -> str:
    """``YYYYMMDD/region/service/aws4_request``."""
    return f"{date}/{region}/{service}/aws4_request"


def string_to_sign(timestamp: str, scope: str, canonical: str, algorithm: str = ALGORITHM) -> str:
    """The string to sign for an ``X-Amz-Date`` timestamp and credential scope."""
    digest = sha256_hex(canonical.encode("utf-8"))
    return f"{algorithm}\n{timestamp}\n{scope}\n{digest}"


def _hmac(key: bytes, msg: str) -> bytes:
    return hmac_sha256(key, msg.encode("utf-8"))


def signing_key(secret: str, date: str, region: str, service: str) -> bytes:
    """The day-, region- and service-scoped key derived from a secret key."""
    key = _hmac(("AWS4" + secret).encode("utf-8"), date)
    key = _hmac(key, region)
    key = _hmac(key, service)
    return _hmac(key, "aws4_request")


def signature(key: bytes, text: str) -> str:
    """Hex HMAC-SHA256 of the string to sign under a signing key."""
    return hmac_sha256(key, text.encode("utf-8")).hex()


_clock: tuple[int, str] = (0, "")  # (whole second, its X-Amz-Date): one format per second


def amz_date(now: datetime | None = None) -> str:
    """``YYYYMMDDTHHMMSSZ`` for ``now`` (default: the current time).

    A naive datetime is taken to be UTC already.
    """
    global _clock
    if now is None:
        second = int(time.time())
        cached = _clock
        if cached[0] == second:
            return cached[1]
        text = time.strftime(AMZ_DATE_FORMAT, time.gmtime(second))
        _clock = (second, text)
        return text
    if now.tzinfo is not None:
        now = now.astimezone(UTC)
    return now.strftime(AMZ_DATE_FORMAT)


# ----------------------------------------------------------------- the signer


def prepare_request(
    request: HttpRequest,
    token: str | None,
    now: datetime | None,
    extra: Iterable[tuple[str, str]] = (),
) -> tuple[str, str, str]:
    """Reset a request's signing headers and build its canonical request.

    Drops any signing headers an earlier attempt left, sets ``X-Amz-Security-Token``
    (when there is a token), ``X-Amz-Date`` and the ``extra`` headers, and returns
    (timestamp, canonical request, signed header names). Shared by SigV4 and SigV4a,
    which differ only in scope and signature.
    """
    headers = request.headers
    body_hash = None
    for name in list(headers):
        lname = name.lower()
        if lname in _SIGNING_HEADERS:
            del headers[name]
        elif lname == _CONTENT_SHA256:
            body_hash = headers[name]
    timestamp = amz_date(now)
    if token:
        headers["X-Amz-Security-Token"] = token
    headers["X-Amz-Date"] = timestamp
    for name, value in extra:
        headers[name] = value
    host, uri, query = _url_parts(request.url)
    selected = headers_to_sign(headers, host)
    if body_hash is None:
        body_hash = payload_hash(request.body)
    header_lines, names = _canonical_headers_and_names(selected)
    canonical = f"{request.method.upper()}\n{uri}\n{query}\n{header_lines}\n\n{names}\n{body_hash}"
    return timestamp, canonical, names


@functools.lru_cache(maxsize=512)
def _url_parts(url: str) -> tuple[str, str, str]:
    """(host header, canonical URI, canonical query) of a URL.

    A client sends most calls to a few URLs (every SendEmail has the same
    one), so the parsing and percent-encoding are done once per URL.
    """
    scheme, netloc, path, query = split_url(url)
    return (
        canonical_host(scheme, netloc),
        canonical_uri(path, normalize=True),
        canonical_query_string(query),
    )


_KeyId = tuple[str, str, str, str, bytes]


class SigV4Signer:
    """Signs requests for one service with SigV4 (``Authorization`` header).

    Safe to share between threads. The signing key is derived once per
    (day, region, service, access key, secret) and kept in a small LRU cache;
    the cache key holds a digest of the secret rather than the secret, so a
    rotated secret under the same access key id never reuses a stale key.
    """

    __slots__ = ("_keys", "_last", "_lock", "max_keys", "service")

    def __init__(self, service: str = "ses", *, max_keys: int = 32) -> None:
        self.service = service
        self.max_keys = max_keys
        self._keys: OrderedDict[_KeyId, bytes] = OrderedDict()
        self._lock = threading.Lock()
        # The last key handed out, for the same credentials *object*: a
        # client signs call after call with one Credentials, so this skips
        # hashing the secret and taking the lock on nearly every call.
        self._last: tuple[object, str, str, bytes] | None = None

    def __repr__(self) -> str:
        return f"SigV4Signer(service={self.service!r})"

    def _key(self, credentials: Credentials, date: str, region: str) -> bytes:
        last = self._last
        if last is not None and last[0] is credentials and last[1] == date and last[2] == region:
            return last[3]
        key = self._cached_key(credentials, date, region)
        self._last = (credentials, date, region, key)
        return key

    def _cached_key(self, credentials: Credentials, date: str, region: str) -> bytes:
        secret = credentials.secret_access_key
        fingerprint = sha256_digest(secret.encode("utf-8"))
        cache_key = (date, region, self.service, credentials.access_key_id, fingerprint)
        with self._lock:
            key = self._keys.get(cache_key)
            if key is not None:
                self._keys.move_to_end(cache_key)
                return key
        # Derived outside the lock; two threads racing here compute the same value.
        key = signing_key(secret, date, region, self.service)
        with self._lock:
            self._keys[cache_key] = key
            while len(self._keys) > self.max_keys:
                self._keys.popitem(last=False)
        return key

    def sign(
        self,
        request: HttpRequest,
        credentials: Credentials,
        *,
        region: str,
        now: datetime | None = None,
    ) -> None:
        """Add ``X-Amz-Date``, ``X-Amz-Security-Token`` (with a session token)
        and ``Authorization`` to ``request.headers``, replacing any left by an
        earlier signing of the same request.

        The body is hashed unless an ``X-Amz-Content-SHA256`` header already
        gives the payload hash to use.
        """
        timestamp, canonical, names = prepare_request(request, credentials.session_token, now)
        date = timestamp[:8]
        scope = credential_scope(date, region, self.service)
        sig = signature(
            self._key(credentials, date, region), string_to_sign(timestamp, scope, canonical)
        )
        headers = request.headers
        headers["Authorization"] = (
            f"{ALGORITHM} Credential={credentials.access_key_id}/{scope}, "
            f"SignedHeaders={names}, Signature={sig}"
        )
