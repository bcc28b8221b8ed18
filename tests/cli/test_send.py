"""``aws-ses send`` through the library's EmailBuilder, checked on the server's read-back."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

from aws_ses.local import LocalServer

from .conftest import SENDER, Run, read_back

PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489")


def test_simple_mail_with_everything(run: Run, server: LocalServer, tmp_path: Path) -> None:
    tag = uuid.uuid4().hex[:8]
    (tmp_path / "body.html").write_text('<p>Hi <img src="cid:logo.png"></p>')
    (tmp_path / "report.csv").write_text("a,b\n1,2\n")
    (tmp_path / "logo.png").write_bytes(PNG)
    result = run(
        "send",
        "--from",
        f"Team <{SENDER}>",
        "--to",
        f"to-{tag}@example.com",
        "--cc",
        f"cc-{tag}@example.com",
        "--bcc",
        f"bcc-{tag}@example.com",
        "--reply-to",
        "help@example.com",
        "--subject",
        "Quarterly report",
        "--text",
        "See attached.",
        "--html-file",
        str(tmp_path / "body.html"),
        "--attach",
        str(tmp_path / "report.csv"),
        "--inline",
        str(tmp_path / "logo.png"),
        "--tag",
        "campaign=q4",
        "--header",
        "X-Batch: 7",
    )
    assert result.exit_code == 0, result.output
    message_id = result.stdout.split()[-1]
    assert result.stdout.startswith("sent message ")
    [message] = read_back(server, id=message_id)
    assert message["Subject"] == "Quarterly report"
    assert message["Destination"]["CcAddresses"] == [f"cc-{tag}@example.com"]
    assert message["Destination"]["BccAddresses"] == [f"bcc-{tag}@example.com"]
    assert sorted(a["filename"] for a in message["Attachments"]) == ["logo.png", "report.csv"]
    raw = json.dumps(message)
    assert "X-Batch" in raw and "campaign" in raw
    assert "help@example.com" in raw


def test_templated_mail_with_data_file(run: Run, server: LocalServer, tmp_path: Path) -> None:
    name = f"s{uuid.uuid4().hex[:8]}"
    assert (
        run("templates", "create", name, "--subject", "Hi {{name}}", "--text", "t").exit_code == 0
    )
    (tmp_path / "data.json").write_text('{"name": "Grace"}')
    result = run(
        "--output",
        "json",
        "send",
        "--from",
        SENDER,
        "--to",
        "grace@example.com",
        "--template",
        name,
        "--data",
        f"@{tmp_path / 'data.json'}",
    )
    assert result.exit_code == 0, result.output
    message_id = json.loads(result.stdout)["MessageId"]
    assert read_back(server, id=message_id)[0]["Subject"] == "Hi Grace"


def test_conflicting_or_missing_bodies_are_user_errors(run: Run) -> None:
    result = run("send", "--from", SENDER, "--to", "a@example.com", "--subject", "s")
    assert result.exit_code == 1
    assert result.stderr == (
        "aws-ses: error: give --text, --text-file, --html or --html-file (or --template)\n"
    )
    result = run(
        "send", "--from", SENDER, "--to", "a@example.com", "--template", "t", "--subject", "s"
    )
    assert result.exit_code == 1
    assert "--template sends the template's own subject" in result.stderr
    result = run(
        "send", "--from", SENDER, "--to", "a@example.com", "--text", "x", "--text-file", "x.txt"
    )
    assert "give --text or --text-file, not both" in result.stderr
    result = run(
        "send", "--from", SENDER, "--to", "a@example.com", "--text", "x", "--tag", "novalue"
    )
    assert result.exit_code == 2
