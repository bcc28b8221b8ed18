"""Signature verification of SNS envelopes: what passes, what fails and why."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from aws_ses.events import SnsVerificationError, SnsVerifier, parse_envelope
from aws_ses.events.sns import canonical_string, check_sns_url

from .conftest import CERT_URL, TOPIC, Fetcher, Signer, load, now_stamp

Make = Callable[..., dict[str, Any]]


def verify(envelope: dict[str, Any], fetcher: Fetcher, **options: Any) -> None:
    SnsVerifier(fetch=fetcher, **options).verify(parse_envelope(json.dumps(envelope)))


def test_canonical_string_of_a_notification_follows_the_documented_order() -> None:
    envelope = parse_envelope(load("sns_notification.json"))
    assert canonical_string(envelope) == (
        b"Message\nREPLACED BY THE TEST\n"
        b"MessageId\n22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324\n"
        b"Subject\nAmazon SES Email Event Notification\n"
        b"Timestamp\n2026-12-01T00:54:06.655Z\n"
        b"TopicArn\narn:aws:sns:us-west-2:123456789012:ses-events\n"
        b"Type\nNotification\n"
    )
    envelope.Subject = None  # absent Subject: the field is left out, not empty
    assert b"Subject" not in canonical_string(envelope)


def test_canonical_string_of_a_subscription_confirmation_signs_url_and_token() -> None:
    envelope = parse_envelope(load("sns_subscription_confirmation.json") | {"Message": "M"})
    names = [line for i, line in enumerate(canonical_string(envelope).split(b"\n")) if i % 2 == 0]
    assert names == [
        b"Message",
        b"MessageId",
        b"SubscribeURL",
        b"Timestamp",
        b"Token",
        b"TopicArn",
        b"Type",
        b"",
    ]


@pytest.mark.parametrize("version", ["1", "2"])
def test_valid_signatures_pass(version: str, notification: Make, fetcher: Fetcher) -> None:
    verify(notification(version=version), fetcher, topic_arns=[TOPIC])
    assert fetcher.calls == [CERT_URL]


def test_version_1_signature_does_not_pass_as_version_2(
    notification: Make, fetcher: Fetcher
) -> None:
    envelope = notification(version="1")
    envelope["SignatureVersion"] = "2"
    with pytest.raises(SnsVerificationError, match="signature does not match"):
        verify(envelope, fetcher)


def test_subscription_confirmation_signature_passes(signer: Signer, fetcher: Fetcher) -> None:
    envelope = load("sns_subscription_confirmation.json") | {"Timestamp": now_stamp()}
    verify(signer.sign(envelope, "2"), fetcher)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("Message", '{"eventType": "Complaint"}'),
        ("MessageId", "00000000-0000-0000-0000-000000000000"),
        ("Subject", "changed"),
        ("TopicArn", "arn:aws:sns:us-west-2:123456789012:other"),
        ("Type", "SubscriptionConfirmation"),
    ],
)
def test_tampered_message_fails(
    field: str, value: str, notification: Make, fetcher: Fetcher
) -> None:
    envelope = notification()
    envelope[field] = value
    if field == "Type":
        envelope |= {"SubscribeURL": "https://sns.us-west-2.amazonaws.com/?x", "Token": "t"}
    with pytest.raises(SnsVerificationError, match="signature does not match"):
        verify(envelope, fetcher)


def test_tampered_signature_fails(notification: Make, fetcher: Fetcher) -> None:
    envelope = notification()
    raw = bytearray(base64.b64decode(envelope["Signature"]))
    raw[10] ^= 0x01
    envelope["Signature"] = base64.b64encode(bytes(raw)).decode()
    with pytest.raises(SnsVerificationError, match="signature does not match"):
        verify(envelope, fetcher)


def test_signature_by_another_key_fails(
    notification: Make, fetcher: Fetcher, other_signer: Signer
) -> None:
    envelope = other_signer.sign(notification())
    with pytest.raises(SnsVerificationError, match="signature does not match"):
        verify(envelope, fetcher)


def test_garbage_signature_and_missing_signature_fail(notification: Make, fetcher: Fetcher) -> None:
    with pytest.raises(SnsVerificationError, match="not base64"):
        verify(notification() | {"Signature": "%%%"}, fetcher)
    with pytest.raises(SnsVerificationError, match="no Signature"):
        verify(notification() | {"Signature": ""}, fetcher)


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("https://sns.evil.com/SimpleNotificationService-1.pem", "not an Amazon SNS host"),
        ("https://evil.s3.amazonaws.com/x.pem", "not an Amazon SNS host"),
        ("https://sns.us-east-1.amazonaws.com.evil.com/x.pem", "not an Amazon SNS host"),
        ("https://sns.us-east-1.amazonaws.com@evil.com/x.pem", "credentials"),
        ("https://s3.amazonaws.com/sns.us-east-1.amazonaws.com/x.pem", "not an Amazon SNS host"),
        ("https://sns.amazonaws.com/x.pem", "not an Amazon SNS host"),
        ("http://sns.us-east-1.amazonaws.com/x.pem", "must use https"),
        ("https://sns.us-east-1.amazonaws.com/x.crt", "must end with .pem"),
        ("https://sns.us-east-1.amazonaws.com/x.pem?redirect=evil", "query"),
        ("https://sns.us-east-1.amazonaws.com:8443/x.pem", "port"),
        ("https://sns.us-east-1.amazonaws.com/x?v=1.pem", "must end with .pem"),
    ],
)
def test_certificate_url_is_refused_before_any_fetch(
    url: str, reason: str, notification: Make, signer: Signer
) -> None:
    # The fetcher would serve the right certificate: only the URL check stops it.
    fetcher = Fetcher({url: signer.pem}, [])
    with pytest.raises(SnsVerificationError, match=reason):
        verify(notification(SigningCertURL=url), fetcher)
    assert fetcher.calls == []


@pytest.mark.parametrize(
    "url",
    [
        "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-abc.pem",
        "https://sns.eu-central-1.amazonaws.com/a/b.pem",
        "https://sns.cn-north-1.amazonaws.com.cn/SimpleNotificationService-abc.pem",
        "https://sns.us-gov-west-1.amazonaws.com/SimpleNotificationService-abc.pem",
        "https://sns-fips.us-gov-east-1.amazonaws.com/SimpleNotificationService-abc.pem",
        "https://SNS.US-EAST-1.AMAZONAWS.COM/SimpleNotificationService-abc.pem",
    ],
)
def test_sns_hosts_of_every_partition_are_accepted(url: str) -> None:
    check_sns_url(url)


def test_expired_and_future_timestamps_fail(notification: Make, fetcher: Fetcher) -> None:
    old = notification(Timestamp=now_stamp(-timedelta(hours=2)))
    with pytest.raises(SnsVerificationError, match=r"Timestamp .* outside"):
        verify(old, fetcher)
    verify(old, fetcher, tolerance=timedelta(hours=3))  # configurable
    future = notification(Timestamp=now_stamp(timedelta(minutes=30)))
    with pytest.raises(SnsVerificationError, match="outside"):
        verify(future, fetcher, tolerance=60)
    with pytest.raises(SnsVerificationError, match="not ISO 8601"):
        verify(notification(Timestamp="yesterday"), fetcher)


def test_topic_not_allowed_fails_before_fetching(notification: Make, fetcher: Fetcher) -> None:
    with pytest.raises(SnsVerificationError, match=r"topic .*ses-events.* is not allowed"):
        verify(notification(), fetcher, topic_arns=["arn:aws:sns:us-west-2:123456789012:x"])
    assert fetcher.calls == []


def test_unsupported_signature_version_fails(notification: Make, fetcher: Fetcher) -> None:
    with pytest.raises(SnsVerificationError, match="unsupported SignatureVersion '3'"):
        verify(notification() | {"SignatureVersion": "3"}, fetcher)


def test_certificate_is_fetched_once_and_cached(notification: Make, fetcher: Fetcher) -> None:
    verifier = SnsVerifier(fetch=fetcher)
    for _ in range(3):
        verifier.verify(parse_envelope(notification()))
    assert fetcher.calls == [CERT_URL]


def test_fetch_failure_and_bad_pem_fail_with_reason(notification: Make, signer: Signer) -> None:
    with pytest.raises(SnsVerificationError, match="could not fetch the signing certificate"):
        verify(notification(), Fetcher({}, []))
    with pytest.raises(SnsVerificationError, match=r"not PEM X\.509"):
        verify(notification(), Fetcher({CERT_URL: b"not a certificate"}, []))


def test_expired_certificate_fails(notification: Make) -> None:
    from .conftest import make_signer

    stale = make_signer(days=-1)  # valid until yesterday, i.e. not at all today
    envelope = stale.sign(notification())
    with pytest.raises(SnsVerificationError, match="not valid now"):
        verify(envelope, Fetcher({CERT_URL: stale.pem}, []))


def test_pinned_certificate_skips_the_host_check_and_the_fetch(
    notification: Make, signer: Signer
) -> None:
    local_url = "http://127.0.0.1:4579/_aws/sns/SimpleNotificationService-local.pem"
    envelope = notification(SigningCertURL=local_url)
    fetcher = Fetcher({}, [])
    verify(envelope, fetcher, trusted_certificates={local_url: signer.pem})
    assert fetcher.calls == []
    # A pin for one URL does not make other URLs trusted.
    with pytest.raises(SnsVerificationError, match="must use https"):
        verify(envelope, fetcher, trusted_certificates={CERT_URL: signer.pem})


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"not json", "not an SNS message"),
        (b'{"Type": "Notification"}', "not an SNS message"),
        (json.dumps(load("sns_notification.json") | {"Type": "Other"}).encode(), "unknown SNS"),
    ],
)
def test_malformed_envelopes_are_refused(body: bytes, reason: str) -> None:
    with pytest.raises(SnsVerificationError, match=reason):
        parse_envelope(body)
