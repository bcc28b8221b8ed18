"""Certificates, signatures and SNS envelopes made in the tests with cryptography."""

from __future__ import annotations

import base64
import copy
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

from aws_ses.events.sns import SnsMessage, canonical_string

DATA = Path(__file__).parent / "data"
CERT_URL = (
    "https://sns.us-west-2.amazonaws.com/"
    "SimpleNotificationService-f3ecfb7224c7233fe7bb5f59f96de52f.pem"
)
TOPIC = "arn:aws:sns:us-west-2:123456789012:ses-events"


def load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DATA / name).read_text())
    return data


@dataclass
class Signer:
    key: rsa.RSAPrivateKey
    pem: bytes

    def sign(self, envelope: dict[str, Any], version: str | None = None) -> dict[str, Any]:
        """A copy of ``envelope`` with a fresh Signature (and SignatureVersion)."""
        signed = copy.deepcopy(envelope)
        if version is not None:
            signed["SignatureVersion"] = version
        algorithm = hashes.SHA256() if signed["SignatureVersion"] == "2" else hashes.SHA1()
        fields = {k: v for k, v in signed.items() if k in SnsMessage.__struct_fields__}
        data = canonical_string(SnsMessage(**fields))
        signature = self.key.sign(data, padding.PKCS1v15(), algorithm)
        signed["Signature"] = base64.b64encode(signature).decode()
        return signed


def make_signer(common_name: str = "sns.amazonaws.com", *, days: int = 365) -> Signer:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=days))
        .sign(key, hashes.SHA256())
    )
    return Signer(key, cert.public_bytes(serialization.Encoding.PEM))


@pytest.fixture(scope="session")
def signer() -> Signer:
    return make_signer()


@pytest.fixture(scope="session")
def other_signer() -> Signer:
    return make_signer("someone-else")


@dataclass
class Fetcher:
    """A certificate fetcher that serves PEMs by URL and counts calls."""

    certs: dict[str, bytes]
    calls: list[str]

    def __call__(self, url: str, timeout: float) -> bytes:
        assert timeout <= 10, "certificate fetches must use a short timeout"
        self.calls.append(url)
        if url not in self.certs:
            raise OSError(f"404 for {url}")
        return self.certs[url]


@pytest.fixture
def fetcher(signer: Signer) -> Fetcher:
    return Fetcher({CERT_URL: signer.pem}, [])


def now_stamp(offset: timedelta = timedelta()) -> str:
    moment = datetime.now(UTC) + offset
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


@pytest.fixture
def notification(signer: Signer) -> Callable[..., dict[str, Any]]:
    """A signed Notification in SNS's documented layout carrying an SES record."""

    def make(
        record: dict[str, Any] | None = None, *, version: str = "1", **fields: Any
    ) -> dict[str, Any]:
        envelope = load("sns_notification.json")
        envelope["Message"] = json.dumps(record or load("ses_bounce_event.json"))
        envelope["Timestamp"] = now_stamp()
        envelope.update(fields)
        return signer.sign(envelope, version)

    return make


@pytest.fixture
def django_settings() -> Iterator[None]:
    import django
    from django.conf import settings

    if not settings.configured:
        settings.configure(
            DEBUG=False,
            SECRET_KEY="docs-example",
            ALLOWED_HOSTS=["127.0.0.1"],
            ROOT_URLCONF="docs_events_django_urls",
            INSTALLED_APPS=[],
            MIDDLEWARE=[
                "django.middleware.common.CommonMiddleware",
                "django.middleware.csrf.CsrfViewMiddleware",
            ],
        )
        django.setup()
    from django.test.utils import override_settings

    with override_settings(ROOT_URLCONF="docs_events_django_urls", ALLOWED_HOSTS=["127.0.0.1"]):
        yield
