"""SNS envelopes and their signature verification.

SNS POSTs a JSON envelope to HTTP(S) subscribers (and writes the same
envelope into SQS queues). Its ``Signature`` is an RSA PKCS#1 v1.5 signature,
SHA1 for ``SignatureVersion`` 1 and SHA256 for 2, over a canonical string:
for each signed field in alphabetical order, the field name, a newline, its
value, a newline. The signed fields are

- ``Notification``: Message, MessageId, Subject (only when present),
  Timestamp, TopicArn, Type;
- ``SubscriptionConfirmation`` / ``UnsubscribeConfirmation``: Message,
  MessageId, SubscribeURL, Timestamp, Token, TopicArn, Type.

The certificate comes from ``SigningCertURL``, which must be https on an SNS
host of an AWS partition (``sns.<region>.amazonaws.com``,
``sns.<region>.amazonaws.com.cn``, GovCloud's ``sns.us-gov-<...>.amazonaws.com``
and its ``sns-fips`` names), with a path ending in ``.pem``. Anything else is
refused before any network I/O, because accepting a certificate from any
``*.amazonaws.com`` host lets anyone with an S3 bucket forge notifications.
"""

from __future__ import annotations

import base64
import binascii
import re
import threading
import urllib.request
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import msgspec

if TYPE_CHECKING:
    from cryptography.x509 import Certificate

__all__ = [
    "CertificateFetcher",
    "SnsMessage",
    "SnsVerificationError",
    "SnsVerifier",
    "canonical_string",
    "check_sns_url",
    "parse_envelope",
]

NOTIFICATION = "Notification"
SUBSCRIPTION_CONFIRMATION = "SubscriptionConfirmation"
UNSUBSCRIBE_CONFIRMATION = "UnsubscribeConfirmation"
MESSAGE_TYPES = (NOTIFICATION, SUBSCRIPTION_CONFIRMATION, UNSUBSCRIBE_CONFIRMATION)

# sns.<region>.amazonaws.com, sns-fips.<region>..., and the China partition's
# sns.<region>.amazonaws.com.cn. A region is "us-east-1", "us-gov-west-1", "cn-north-1".
_SNS_HOST = re.compile(r"sns(?:-fips)?\.[a-z]{2}(?:-gov)?-[a-z]+-\d+\.amazonaws\.com(?:\.cn)?")

#: How long a fetched certificate is reused, and how many are kept.
CERT_CACHE_SIZE = 32
#: Seconds to wait for a certificate or a SubscribeURL.
FETCH_TIMEOUT = 5.0


class SnsVerificationError(ValueError):
    """An SNS message was refused; the message says why."""


class SnsMessage(msgspec.Struct, kw_only=True, omit_defaults=True):
    """An SNS HTTP/SQS envelope (field names as SNS writes them)."""

    Type: str
    MessageId: str
    TopicArn: str
    Message: str
    Timestamp: str
    SignatureVersion: str = "1"
    Signature: str = ""
    SigningCertURL: str = ""
    Subject: str | None = None
    UnsubscribeURL: str | None = None
    SubscribeURL: str | None = None
    Token: str | None = None
    MessageAttributes: dict[str, Any] | None = None


def parse_envelope(data: bytes | str | Mapping[str, Any]) -> SnsMessage:
    """Decode an envelope; :class:`SnsVerificationError` names a missing or bad field."""
    try:
        if isinstance(data, Mapping):
            envelope = msgspec.convert(dict(data), SnsMessage)
        else:
            envelope = msgspec.json.decode(data, type=SnsMessage)
    except (msgspec.ValidationError, msgspec.DecodeError) as exc:
        raise SnsVerificationError(f"not an SNS message: {exc}") from None
    if envelope.Type not in MESSAGE_TYPES:
        raise SnsVerificationError(f"unknown SNS message Type {envelope.Type!r}")
    return envelope


def canonical_string(envelope: SnsMessage) -> bytes:
    """The bytes SNS signs for this envelope."""
    if envelope.Type == NOTIFICATION:
        fields: list[tuple[str, str | None]] = [
            ("Message", envelope.Message),
            ("MessageId", envelope.MessageId),
        ]
        if envelope.Subject is not None:
            fields.append(("Subject", envelope.Subject))
        fields += [
            ("Timestamp", envelope.Timestamp),
            ("TopicArn", envelope.TopicArn),
            ("Type", envelope.Type),
        ]
    else:
        fields = [
            ("Message", envelope.Message),
            ("MessageId", envelope.MessageId),
            ("SubscribeURL", envelope.SubscribeURL),
            ("Timestamp", envelope.Timestamp),
            ("Token", envelope.Token),
            ("TopicArn", envelope.TopicArn),
            ("Type", envelope.Type),
        ]
    parts = []
    for name, value in fields:
        if value is None:
            raise SnsVerificationError(f"{envelope.Type} without {name}")
        parts.append(f"{name}\n{value}\n")
    return "".join(parts).encode("utf-8")


def check_sns_url(url: str, what: str = "SigningCertURL", *, pem: bool = True) -> None:
    """Refuse a URL that is not https on an SNS host (and, for certificates, a ``.pem`` path)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise SnsVerificationError(f"{what} is not a valid URL") from None
    # Errors show the URL without query or credentials: a SubscribeURL's query
    # holds the token that confirms the subscription.
    shown = f"{parts.scheme}://{parts.hostname or ''}{parts.path}"
    if parts.scheme != "https":
        raise SnsVerificationError(f"{what} must use https: {shown!r}")
    host = (parts.hostname or "").lower()
    if parts.username or parts.password or port not in (None, 443):
        raise SnsVerificationError(f"{what} must not carry credentials or a port: {shown!r}")
    if not _SNS_HOST.fullmatch(host):
        raise SnsVerificationError(f"{what} host {host!r} is not an Amazon SNS host")
    if pem and not parts.path.endswith(".pem"):
        raise SnsVerificationError(f"{what} path must end with .pem: {shown!r}")
    if pem and (parts.query or parts.fragment):
        raise SnsVerificationError(f"{what} must not have a query or fragment: {shown!r}")


#: Fetches a URL and returns its body; raises on any failure.
CertificateFetcher = Callable[[str, float], bytes]


def urllib_fetch(url: str, timeout: float) -> bytes:
    """GET ``url`` with the standard library (TLS verified, no redirects followed)."""

    class _NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any, **kwargs: Any) -> None:
            return None

    opener = urllib.request.build_opener(_NoRedirect)
    with opener.open(url, timeout=timeout) as response:
        body: bytes = response.read(64 * 1024)
        return body


def _parse_timestamp(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise SnsVerificationError(f"Timestamp {text!r} is not ISO 8601") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment


def _load_certificate(pem: bytes | str) -> Certificate:
    from cryptography import x509

    data = pem.encode("ascii") if isinstance(pem, str) else pem
    try:
        return x509.load_pem_x509_certificate(data)
    except ValueError:
        raise SnsVerificationError("the signing certificate is not PEM X.509") from None


class SnsVerifier:
    """Checks SNS envelopes: certificate URL, signature, timestamp, topic.

    ``topic_arns``: when given, only these topics are accepted.
    ``tolerance``: how old (or how far in the future) a ``Timestamp`` may be;
    SNS retries for up to an hour by default, so that is the default.
    ``trusted_certificates``: ``{SigningCertURL: PEM}`` pinned certificates;
    a URL found here is neither host-checked nor fetched (the local server's
    test certificate is trusted this way). ``fetch`` replaces the HTTP GET
    used for certificates and ``clock`` the current time (both for tests).
    """

    def __init__(
        self,
        *,
        topic_arns: Iterable[str] | None = None,
        tolerance: timedelta | float = timedelta(hours=1),
        trusted_certificates: Mapping[str, bytes | str] | None = None,
        fetch: CertificateFetcher | None = None,
        timeout: float = FETCH_TIMEOUT,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.topic_arns = frozenset(topic_arns) if topic_arns is not None else None
        self.tolerance = (
            tolerance if isinstance(tolerance, timedelta) else timedelta(seconds=tolerance)
        )
        self._pinned = {
            url: _load_certificate(pem) for url, pem in (trusted_certificates or {}).items()
        }
        self._fetch = fetch or urllib_fetch
        self._timeout = timeout
        self._clock = clock or (lambda: datetime.now(UTC))
        self._cache: OrderedDict[str, Certificate] = OrderedDict()
        self._lock = threading.Lock()

    def topic_allowed(self, topic_arn: str) -> bool:
        return self.topic_arns is None or topic_arn in self.topic_arns

    def check_topic(self, topic_arn: str) -> None:
        if not self.topic_allowed(topic_arn):
            raise SnsVerificationError(f"topic {topic_arn!r} is not allowed")

    def verify(self, envelope: SnsMessage) -> None:
        """Raise :class:`SnsVerificationError` unless ``envelope`` is genuine and wanted."""
        self.check_topic(envelope.TopicArn)
        moment = _parse_timestamp(envelope.Timestamp)
        age = self._clock() - moment
        if abs(age) > self.tolerance:
            raise SnsVerificationError(
                f"Timestamp {envelope.Timestamp} is outside the allowed {self.tolerance}"
            )
        algorithm = self._algorithm(envelope.SignatureVersion)
        if not envelope.Signature:
            raise SnsVerificationError("the message has no Signature")
        try:
            signature = base64.b64decode(envelope.Signature, validate=True)
        except (binascii.Error, ValueError):
            raise SnsVerificationError("Signature is not base64") from None
        certificate = self.certificate(envelope.SigningCertURL)
        self._check_validity(certificate)
        self._verify_signature(certificate, signature, canonical_string(envelope), algorithm)

    @staticmethod
    def _algorithm(version: str) -> Any:
        from cryptography.hazmat.primitives import hashes

        if version == "1":
            return hashes.SHA1()
        if version == "2":
            return hashes.SHA256()
        raise SnsVerificationError(f"unsupported SignatureVersion {version!r}")

    def _check_validity(self, certificate: Certificate) -> None:
        now = self._clock()
        if not certificate.not_valid_before_utc <= now <= certificate.not_valid_after_utc:
            raise SnsVerificationError("the signing certificate is not valid now")

    @staticmethod
    def _verify_signature(
        certificate: Certificate, signature: bytes, data: bytes, algorithm: Any
    ) -> None:
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives.asymmetric import padding, rsa

        key = certificate.public_key()
        if not isinstance(key, rsa.RSAPublicKey):
            raise SnsVerificationError("the signing certificate does not hold an RSA key")
        try:
            key.verify(signature, data, padding.PKCS1v15(), algorithm)
        except InvalidSignature:
            raise SnsVerificationError("the signature does not match the message") from None

    def certificate(self, url: str) -> Certificate:
        """The certificate at ``url``: pinned, cached, or fetched after the URL check."""
        pinned = self._pinned.get(url)
        if pinned is not None:
            return pinned
        check_sns_url(url)
        with self._lock:
            cached = self._cache.get(url)
            if cached is not None:
                self._cache.move_to_end(url)
                return cached
        try:
            body = self._fetch(url, self._timeout)
        except Exception as exc:
            raise SnsVerificationError(
                f"could not fetch the signing certificate {url}: {type(exc).__name__}"
            ) from None
        certificate = _load_certificate(body)
        with self._lock:
            self._cache[url] = certificate
            while len(self._cache) > CERT_CACHE_SIZE:
                self._cache.popitem(last=False)
        return certificate

    def confirm_subscription(self, envelope: SnsMessage) -> None:
        """GET the envelope's ``SubscribeURL`` after checking its host."""
        url = envelope.SubscribeURL or ""
        check_sns_url(url, "SubscribeURL", pem=False)
        try:
            self._fetch(url, self._timeout)
        except Exception as exc:
            raise SnsVerificationError(
                f"could not confirm the subscription: {type(exc).__name__}"
            ) from None
