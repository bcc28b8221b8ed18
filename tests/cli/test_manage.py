"""Templates, identities, suppression, config sets, events, SMTP credentials, demo."""

from __future__ import annotations

import csv
import io
import json
import uuid
from pathlib import Path

from aws_ses.local import LocalServer
from aws_ses.smtp import smtp_credentials

from .conftest import SENDER, Run


def test_template_lifecycle_and_renders(run: Run, tmp_path: Path) -> None:
    name = f"m{uuid.uuid4().hex[:8]}"
    (tmp_path / "body.html").write_text("<b>{{name}}</b>")
    assert (
        run(
            "templates",
            "create",
            name,
            "--subject",
            "Hi {{name}}",
            "--text",
            "Hello {{name}} from {{city}}",
            "--html-file",
            str(tmp_path / "body.html"),
        ).exit_code
        == 0
    )
    bad = run("templates", "create", f"{name}x", "--subject", "{{#if}}")
    assert bad.exit_code == 1 and "subject" in bad.stderr

    got = run("templates", "get", name)
    assert "Hello {{name}} from {{city}}" in got.stdout and "<b>{{name}}</b>" in got.stdout

    rendered = run("templates", "render", name, "--data", '{"name": "<Ada>", "city": "Oslo"}')
    assert rendered.exit_code == 0, rendered.output
    assert "Hi <Ada>" in rendered.stdout and "<b>&lt;Ada&gt;</b>" in rendered.stdout
    missing = run("templates", "render", name, "--data", '{"name": "Ada"}')
    assert missing.exit_code == 1
    assert "the data lacks city" in missing.stderr
    remote = run(
        "templates", "render", name, "--remote", "--data", '{"name": "Ada", "city": "Oslo"}'
    )
    assert remote.exit_code == 0, remote.output
    assert "Subject: Hi Ada" in remote.stdout

    assert run("templates", "update", name, "--subject", "Bye {{name}}").exit_code == 0
    as_json = json.loads(run("-o", "json", "templates", "get", name).stdout)
    assert as_json["TemplateContent"]["Subject"] == "Bye {{name}}"
    assert as_json["TemplateContent"]["Text"] == "Hello {{name}} from {{city}}"  # kept

    names = [
        row["TemplateName"] for row in json.loads(run("-o", "json", "templates", "list").stdout)
    ]
    assert name in names
    assert run("templates", "delete", name).exit_code == 0
    gone = run("templates", "get", name)
    assert gone.exit_code == 1 and "NotFoundException" in gone.stderr


def test_identities(run: Run) -> None:
    domain = f"d{uuid.uuid4().hex[:8]}.example"
    made = run("identities", "create", domain)
    assert made.exit_code == 0, made.output
    records = [line for line in made.stdout.splitlines() if "CNAME" in line]
    assert len(records) == 3
    token = records[0].split(".")[0]
    assert records[0] == f"{token}._domainkey.{domain}. CNAME {token}.dkim.amazonses.com."
    listed = run("-o", "csv", "identities", "list")
    rows = list(csv.DictReader(io.StringIO(listed.stdout)))
    assert {"identity": domain, "type": "DOMAIN", "status": "SUCCESS", "sending": "yes"} in rows
    status = run("identities", "verify-status", domain)
    assert status.exit_code == 0 and "SUCCESS" in status.stdout
    assert run("identities", "delete", domain).exit_code == 0
    assert run("identities", "verify-status", domain).exit_code == 1


def test_suppression_round_trip(run: Run, tmp_path: Path) -> None:
    tag = uuid.uuid4().hex[:8]
    assert run("suppression", "add", f"a-{tag}@example.com", "--reason", "COMPLAINT").exit_code == 0
    source = tmp_path / "in.csv"
    source.write_text(f"email,reason\nb-{tag}@example.com,BOUNCE\nc-{tag}@example.com,\n")
    imported = run("suppression", "import", str(source))
    assert imported.exit_code == 0 and "imported 2 addresses" in imported.stdout
    plain = tmp_path / "plain.txt"
    plain.write_text(f"# one per line\nd-{tag}@example.com\n")
    assert run("suppression", "import", str(plain), "--reason", "COMPLAINT").exit_code == 0
    bad = tmp_path / "bad.csv"
    bad.write_text("email,reason\nx@example.com,SPAM\n")
    refused = run("suppression", "import", str(bad))
    assert refused.exit_code == 1 and "line 2: reason 'SPAM'" in refused.stderr

    out = tmp_path / "out.csv"
    assert run("suppression", "export", str(out)).exit_code == 0
    exported = {r["email"]: r["reason"] for r in csv.DictReader(out.open())}
    assert {k: v for k, v in exported.items() if tag in k} == {
        f"a-{tag}@example.com": "COMPLAINT",
        f"b-{tag}@example.com": "BOUNCE",
        f"c-{tag}@example.com": "BOUNCE",
        f"d-{tag}@example.com": "COMPLAINT",
    }
    assert run("suppression", "remove", f"a-{tag}@example.com").exit_code == 0
    listed = run("suppression", "list", "--reason", "COMPLAINT")
    assert f"d-{tag}@example.com" in listed.stdout and f"a-{tag}" not in listed.stdout


def test_config_sets(run: Run) -> None:
    name = f"cs{uuid.uuid4().hex[:8]}"
    assert run("config-sets", "create", name, "--tag", "team=mail").exit_code == 0
    got = run("config-sets", "get", name)
    assert got.exit_code == 0 and "team=mail" in got.stdout
    assert name in run("config-sets", "list").stdout
    assert run("config-sets", "delete", name).exit_code == 0
    assert run("config-sets", "get", name).exit_code == 1


def test_events_tail_reads_the_local_event_stream(run: Run) -> None:
    sent = run(
        "send",
        "--from",
        SENDER,
        "--to",
        "bounce@simulator.amazonses.com",
        "--subject",
        "s",
        "--text",
        "t",
    )
    message_id = sent.stdout.split()[-1]
    tail = run("events", "tail", "--type", "BOUNCE")
    assert tail.exit_code == 0, tail.output
    assert any(message_id in line and "BOUNCE" in line for line in tail.stdout.splitlines())
    as_json = run("-o", "json", "events", "tail")
    events = [json.loads(line) for line in as_json.stdout.splitlines()]
    assert {e["Type"] for e in events if e["MessageId"] == message_id} >= {"SEND", "BOUNCE"}


def test_events_tail_needs_a_local_endpoint(run: Run) -> None:
    result = run("--endpoint-url", "http://127.0.0.1:9", "events", "tail")
    assert result.exit_code == 4
    assert result.stderr.startswith("aws-ses: error: cannot read events from")


def test_smtp_credentials_come_from_the_chain(run: Run) -> None:
    result = run("-o", "json", "--region", "eu-west-1", "smtp-credentials")
    assert result.exit_code == 0, result.output
    shown = json.loads(result.stdout)
    assert (shown["user"], shown["password"]) == smtp_credentials("test", "test", "eu-west-1")
    assert shown["host"] == "email-smtp.eu-west-1.amazonaws.com"


def test_demo_runs_what_the_readme_shows(run: Run) -> None:
    result = run("demo")
    assert result.exit_code == 0, result.output
    assert "bulk send: 3 of 3 accepted" in result.stdout
    assert "[attachments: report.csv]" in result.stdout


def test_version_and_help(run: Run, server: LocalServer) -> None:
    from aws_ses._version import __version__

    assert run("version").stdout.strip() == __version__
    for group in ("templates", "identities", "suppression", "config-sets", "events"):
        help_text = run(group, "--help")
        assert help_text.exit_code == 0 and "Commands" in help_text.stdout
    assert "--resume" in run("bulk", "--help").stdout
