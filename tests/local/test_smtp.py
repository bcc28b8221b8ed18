"""The local server's SMTP endpoint: SES SMTP credentials, STARTTLS, SES's
sending rules, and three real SMTP clients (smtplib, Django's SMTP backend,
swaks) delivering into the same store, read-back and inbox."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import shutil
import smtplib
import ssl
import subprocess
from collections.abc import Iterator
from email.message import EmailMessage
from typing import Any

import pytest

from aws_ses import SesClient, smtp_credentials
from aws_ses.local import LocalServer

from .conftest import admin
from .helpers import call

KEY, SECRET = "AKIASMTPTEST", "smtp/secret+key"


@pytest.fixture(scope="module")
def smtp_server() -> Iterator[LocalServer]:
    with LocalServer(credentials={KEY: SECRET}, smtp_port=0, smtp_tls=True) as running:
        yield running


@pytest.fixture
def clean(smtp_server: LocalServer) -> LocalServer:
    smtp_server.reset()
    with smtp_server.client() as client:
        client.identities.create(email_identity="example.com")
    return smtp_server


def _documented_password(secret: str, region: str) -> str:
    """AWS's published steps, written out again here (not calling the library)."""

    def sign(key: bytes, msg: str) -> bytes:
        return hmac.new(key, msg.encode("utf-8"), hashlib.sha256).digest()

    signature = sign(("AWS4" + secret).encode("utf-8"), "11111111")
    signature = sign(signature, region)
    signature = sign(signature, "ses")
    signature = sign(signature, "aws4_request")
    signature = sign(signature, "SendRawEmail")
    return base64.b64encode(bytes([0x04]) + signature).decode("utf-8")


@pytest.mark.parametrize(
    ("key", "secret", "region"),
    [
        ("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "us-east-1"),
        ("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "eu-west-1"),
        (KEY, SECRET, "ap-southeast-2"),
    ],
)
def test_smtp_credentials_follow_the_documented_derivation(
    key: str, secret: str, region: str
) -> None:
    user, password = smtp_credentials(key, secret, region)
    assert user == key
    assert password == _documented_password(secret, region)
    assert base64.b64decode(password)[0] == 4 and len(base64.b64decode(password)) == 33
    assert password != smtp_credentials(key, secret, "us-west-2")[1]


def _message(**headers: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = headers.pop("From", "App <app@example.com>")
    msg["To"] = headers.pop("To", "ann@example.org")
    msg["Subject"] = headers.pop("Subject", "over smtp")
    for name, value in headers.items():
        msg[name.replace("_", "-")] = value
    msg.set_content("hello from smtplib\n")
    return msg


def _login(server: LocalServer) -> smtplib.SMTP:
    assert server.smtp is not None and server.smtp.certificate_path is not None
    context = ssl.create_default_context(cafile=str(server.smtp.certificate_path))
    client = smtplib.SMTP(server.host, server.smtp_port or 0, timeout=10)
    client.starttls(context=context)  # verifies the generated certificate
    client.login(*smtp_credentials(KEY, SECRET, "us-east-1"))
    return client


def test_smtplib_delivers_into_the_store_and_inbox(clean: LocalServer) -> None:
    with _login(clean) as client:
        refused = client.send_message(
            _message(Cc="cy@example.org"), to_addrs=["ann@example.org", "cy@example.org", "b@x.org"]
        )
        assert refused == {}
        code, _ = client.noop()
        assert code == 250
    [doc] = clean.messages()
    assert doc["Destination"] == {
        "ToAddresses": ["ann@example.org"],
        "CcAddresses": ["cy@example.org"],
        "BccAddresses": ["b@x.org"],
    }
    assert doc["Subject"] == "over smtp"
    assert doc["Body"]["text_part"] == "hello from smtplib\r\n"  # as it went over the wire
    assert "hello from smtplib" in doc["RawData"]
    inbox = admin(clean, "GET", "/_aws/ses?bodies=false")["messages"]
    assert inbox[0]["Id"] == doc["Id"]
    events = [e["Type"] for e in clean.events(message_id=doc["Id"])]
    assert events.count("DELIVERY") == 3


def test_smtp_reply_carries_the_message_id(clean: LocalServer) -> None:
    with _login(clean) as client:
        client.mail("app@example.com")
        client.rcpt("ann@example.org")
        code, reply = client.data(_message().as_bytes())
    assert code == 250
    assert reply.decode().startswith("Ok ")
    assert reply.decode()[3:] == clean.messages()[0]["Id"]


def test_wrong_password_and_no_login_are_refused(clean: LocalServer) -> None:
    assert clean.smtp is not None and clean.smtp.certificate_path is not None
    context = ssl.create_default_context(cafile=str(clean.smtp.certificate_path))
    with smtplib.SMTP(clean.host, clean.smtp_port or 0, timeout=10) as client:
        client.starttls(context=context)
        with pytest.raises(smtplib.SMTPAuthenticationError) as info:
            client.login(KEY, smtp_credentials(KEY, SECRET, "eu-west-1")[1])  # other region
        assert info.value.smtp_code == 535
        with pytest.raises(smtplib.SMTPAuthenticationError):
            client.login(KEY, SECRET)  # the secret key itself is not the SMTP password
        with pytest.raises(smtplib.SMTPSenderRefused) as sender:
            client.send_message(_message())
        assert sender.value.smtp_code == 530
    with smtplib.SMTP(clean.host, clean.smtp_port or 0, timeout=10) as plain:
        plain.ehlo()
        # As on SES, AUTH needs TLS first when STARTTLS is offered.
        assert plain.has_extn("starttls")
        with pytest.raises(smtplib.SMTPException):
            plain.login(*smtp_credentials(KEY, SECRET, "us-east-1"))
    assert clean.messages() == []


@pytest.fixture
def ses(clean: LocalServer) -> Iterator[SesClient]:
    with clean.client() as client:
        yield client


def test_sending_rules_apply_over_smtp(clean: LocalServer, ses: SesClient) -> None:
    ses.configuration_sets.create(configuration_set_name="tracked")
    ses.suppression.put(email_address="gone@example.org", reason="BOUNCE")
    with _login(clean) as client:
        with pytest.raises(smtplib.SMTPDataError) as info:
            client.send_message(_message(From="stranger@unverified.test"))
        assert info.value.smtp_code == 554
        assert info.value.smtp_error.decode().startswith(
            "Message rejected: Email address is not verified."
        )
        client.send_message(
            _message(
                To="gone@example.org",
                X_SES_CONFIGURATION_SET="tracked",
                X_SES_MESSAGE_TAGS="campaign=spring, tier=gold",
            )
        )
        with pytest.raises(smtplib.SMTPDataError) as missing:
            client.send_message(_message(X_SES_CONFIGURATION_SET="nope"))
        assert missing.value.smtp_code == 554
    [doc] = clean.messages()
    assert doc["ConfigurationSetName"] == "tracked"
    assert doc["Tags"] == [
        {"Name": "campaign", "Value": "spring"},
        {"Name": "tier", "Value": "gold"},
    ]
    assert doc["Status"] == "SUPPRESSED"


def test_quota_applies_over_smtp(clean: LocalServer) -> None:
    call(clean, lambda c: c.account.put_sending_attributes(sending_enabled=False))
    with _login(clean) as client, pytest.raises(smtplib.SMTPDataError) as info:
        client.send_message(_message())
    assert info.value.smtp_code == 554
    call(clean, lambda c: c.account.put_sending_attributes(sending_enabled=True))
    with (
        LocalServer(credentials={KEY: SECRET}, smtp_port=0, max_send_rate=1.0) as slow,
        smtplib.SMTP(slow.host, slow.smtp_port or 0, timeout=10) as client,
    ):
        call(slow, lambda c: c.identities.create(email_identity="example.com"))
        client.login(*smtp_credentials(KEY, SECRET, "us-east-1"))  # no TLS: AUTH in the clear
        client.send_message(_message())
        with pytest.raises(smtplib.SMTPDataError) as throttled:
            client.send_message(_message())
        assert throttled.value.smtp_code == 454
        assert throttled.value.smtp_error == b"Throttling failure: Maximum sending rate exceeded."


def test_sandbox_applies_over_smtp() -> None:
    with LocalServer(credentials={KEY: SECRET}, smtp_port=0, sandbox=True) as sandboxed:
        call(sandboxed, lambda c: c.identities.create(email_identity="example.com"))
        with smtplib.SMTP(sandboxed.host, sandboxed.smtp_port or 0, timeout=10) as client:
            client.login(*smtp_credentials(KEY, SECRET, "us-east-1"))
            with pytest.raises(smtplib.SMTPDataError) as info:
                client.send_message(_message(To="stranger@example.org"))
            assert b"stranger@example.org" in info.value.smtp_error
            client.send_message(_message(To="success@simulator.amazonses.com"))
        assert len(sandboxed.messages()) == 1


def _django_backend(server: LocalServer, **options: Any) -> Any:
    from django.conf import settings

    if not settings.configured:
        settings.configure(EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend")
    from django.core.mail.backends.smtp import EmailBackend

    user, password = smtp_credentials(KEY, SECRET, "us-east-1")
    return EmailBackend(
        host=server.host, port=server.smtp_port, username=user, password=password, **options
    )


def test_djangos_smtp_backend_delivers() -> None:
    from django.core.mail import EmailMultiAlternatives

    with LocalServer(credentials={KEY: SECRET}, smtp_port=0) as server:
        call(server, lambda c: c.identities.create(email_identity="example.com"))
        backend = _django_backend(server, use_tls=False, timeout=10)
        message = EmailMultiAlternatives(
            "from django",
            "plain body",
            "Django <app@example.com>",
            ["ann@example.org"],
            bcc=["audit@example.org"],
            connection=backend,
        )
        message.attach_alternative("<p>html body</p>", "text/html")
        message.attach("report.csv", "a,b\n", "text/csv")
        assert message.send() == 1
        [doc] = server.messages()
    assert doc["Subject"] == "from django"
    assert doc["Destination"]["BccAddresses"] == ["audit@example.org"]
    assert doc["Body"]["html_part"].strip() == "<p>html body</p>"
    assert [a["filename"] for a in doc["Attachments"]] == ["report.csv"]


def test_swaks_delivers_with_starttls_and_auth_login(clean: LocalServer) -> None:
    if shutil.which("swaks") is None:
        # scripts/test.sh installs it; CI must not pass without this client.
        if os.environ.get("CI") == "true":
            pytest.fail("swaks (Debian package) is required on CI")
        pytest.skip("swaks (Debian package) not installed")
    user, password = smtp_credentials(KEY, SECRET, "us-east-1")
    result = subprocess.run(
        [
            "swaks",
            "--server", f"{clean.host}:{clean.smtp_port}",
            "--tls",
            "--auth", "LOGIN",
            "--auth-user", user,
            "--auth-password", password,
            "--from", "app@example.com",
            "--to", "ann@example.org",
            "--header", "Subject: from swaks",
            "--body", "swaks body",
        ],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "250 Ok 01" in result.stdout
    [doc] = clean.messages()
    assert doc["Subject"] == "from swaks"
    assert doc["Body"]["text_part"].strip() == "swaks body"
