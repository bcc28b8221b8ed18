"""The lean MIME reader gives what the email package gives, for the mail the
server composes and for hand-written multipart messages."""

from __future__ import annotations

import smtplib
import socket
import subprocess
import sys
import time

import pytest

from aws_ses.local.mime_index import parts
from aws_ses.local.sending import message_parts
from aws_ses.mime import Attachment, compose_message
from aws_ses.smtp import smtp_credentials

CASES = [
    compose_message(from_="a@example.com", to=["b@example.org"], subject="t", text="only text"),
    compose_message(
        from_="a@example.com",
        to=["b@example.org"],
        subject="Grüße",
        text="plain ünïcode",
        html="<p>html</p>",
        attachments=[
            Attachment(filename="r.csv", data=b"a,b\n1,2\n", content_type="text/csv"),
            Attachment(
                filename="logo.png",
                data=bytes(range(256)) * 40,
                content_type="image/png",
                disposition="inline",
                content_id="logo@x",
            ),
        ],
    ),
    (
        b"From: a@example.com\n"
        b"Subject: nested\n"
        b'Content-Type: multipart/mixed; boundary="outer"\n\n'
        b"preamble\n--outer\n"
        b'Content-Type: multipart/alternative; boundary="inner"\n\n'
        b"--inner\nContent-Type: text/plain; charset=utf-8\n"
        b"Content-Transfer-Encoding: quoted-printable\n\ncaf=C3=A9\n"
        b"--inner\nContent-Type: text/html\n\n<b>x</b>\n--inner--\n"
        b"--outer\nContent-Type: application/pdf\n"
        b'Content-Disposition: attachment; filename="d.pdf"\n'
        b"Content-Transfer-Encoding: base64\n\nJVBERi0xLjQK\n--outer--\n"
    ),
]


@pytest.mark.parametrize("raw", CASES)
def test_lean_reader_matches_the_email_package(raw: bytes) -> None:
    lean = parts(raw)
    full = message_parts(raw)
    assert lean[0] == full[0]
    assert (lean[1] or "").replace("\r\n", "\n") == (full[1] or "").replace("\r\n", "\n")
    assert (lean[2] or "").replace("\r\n", "\n") == (full[2] or "").replace("\r\n", "\n")
    assert lean[3] == full[3]
    assert parts(raw, bodies=False)[1:3] == (None, None)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_command_line_serves_smtp_with_the_printed_credentials() -> None:
    http_port, smtp_port = _free_port(), _free_port()
    child = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "aws_ses.local",
            "--port",
            str(http_port),
            *("--smtp-port", str(smtp_port)),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert child.stdout is not None
        lines = [child.stdout.readline() for _ in range(6)]
        printed = "".join(lines)
        user, password = smtp_credentials("test", "test", "us-east-1")
        assert f"127.0.0.1:{smtp_port}" in printed
        assert password in printed
        deadline = time.monotonic() + 15
        while True:
            try:
                client = smtplib.SMTP("127.0.0.1", smtp_port, timeout=5)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        with client:
            code, _ = client.login(user, password)
            assert code == 235
    finally:
        child.terminate()
        child.wait(timeout=10)
