"""``aws-ses bulk`` against a real local server: checks first, report, retries, resume."""

from __future__ import annotations

import csv
import json
import uuid
from pathlib import Path
from typing import Any

import pytest

from aws_ses.local import LocalServer

from .conftest import SENDER, Run, admin, read_back


def _report(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


def _final(path: Path) -> dict[int, dict[str, str]]:
    last: dict[int, dict[str, str]] = {}
    for record in _report(path):
        row = int(record["row"])
        if last.get(row, {}).get("status") != "sent":
            last[row] = record
    return last


@pytest.fixture
def template(run: Run) -> str:
    name = f"t{uuid.uuid4().hex[:8]}"
    result = run(
        "templates",
        "create",
        name,
        "--subject",
        "Hi {{name}}",
        "--text",
        "Hello {{name}} from {{city}}",
    )
    assert result.exit_code == 0, result.output
    return name


def _csv(path: Path, rows: list[dict[str, Any]]) -> Path:
    columns = list(rows[0])
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, columns)
        writer.writeheader()
        writer.writerows(rows)
    return path


def _people(n: int, tag: str) -> list[dict[str, Any]]:
    return [{"email": f"p{i}-{tag}@example.com", "name": f"P{i}", "city": "Oslo"} for i in range(n)]


def _people_file(tmp_path: Path, n: int, tag: str) -> Path:
    return _csv(tmp_path / "people.csv", _people(n, tag))


@pytest.fixture
def tag() -> str:
    """A mark in this test's addresses, to find its messages in the shared server."""
    return uuid.uuid4().hex[:8]


def bulk(run: Run, template: str, recipients: Path, *options: str) -> Any:
    """``aws-ses bulk`` of ``template`` to ``recipients`` from the verified sender."""
    return run(
        "bulk", "--template", template, "--recipients", str(recipients), "--from", SENDER, *options
    )


def _delivered(server: LocalServer, tag: str) -> list[dict[str, Any]]:
    """The messages the server accepted for addresses carrying ``tag``."""
    return [m for m in read_back(server) if tag in json.dumps(m["Destination"])]


def test_sends_every_row_and_the_report_matches_the_read_back(
    run: Run, server: LocalServer, template: str, tmp_path: Path, tag: str
) -> None:
    people = _people_file(tmp_path, 120, tag)
    report = tmp_path / "out.csv"
    result = bulk(
        run, template, people, "--report", str(report), "--concurrency", "3", "--batch-size", "25"
    )
    assert result.exit_code == 0, result.output
    assert "bulk: sent 120, failed 0, unknown 0" in result.output
    final = _final(report)
    assert sorted(final) == list(range(1, 121))
    delivered = {m["Id"]: m for m in _delivered(server, tag)}
    assert len(delivered) == 120
    for row, record in final.items():
        assert record["status"] == "sent"
        message = delivered[record["message_id"]]
        assert message["Destination"]["ToAddresses"] == [f"p{row - 1}-{tag}@example.com"]
        assert message["Subject"] == f"Hi P{row - 1}"
    # Running the same campaign again without --resume is refused: it would mail everyone twice.
    again = bulk(run, template, people, "--report", str(report))
    assert again.exit_code == 1
    assert f"--resume {report}" in again.output


def test_bad_rows_are_listed_with_line_numbers_and_nothing_is_sent(
    run: Run, server: LocalServer, template: str, tmp_path: Path, tag: str
) -> None:
    people = tmp_path / "people.csv"
    people.write_text(
        "email,name,city\n"
        f"ok1-{tag}@example.com,A,Oslo\n"
        f"not-an-address,B,Oslo\n"
        f"ok2-{tag}@example.com,C\n"
        f'"multi\nline-{tag}@example.com",D,Oslo\n'
        f"ok3-{tag}@example.com,E,Oslo\n",
    )
    result = bulk(run, template, people)
    assert result.exit_code == 1
    err = result.stderr
    assert "line 3: row 2 (not-an-address): email:" in err
    assert "line 4: row 3 (" in err and "2 fields; the header has 3" in err
    assert "line 5: row 4" in err
    assert "3 of 5 rows are invalid; nothing was sent" in err
    assert not _delivered(server, tag)

    # --skip-invalid sends the others and records the bad rows as invalid.
    report = tmp_path / "r.csv"
    result = bulk(run, template, people, "--skip-invalid", "--report", str(report))
    assert result.exit_code == 0, result.output
    final = _final(report)
    assert {r: v["status"] for r, v in final.items()} == {
        1: "sent",
        2: "invalid",
        3: "invalid",
        4: "invalid",
        5: "sent",
    }
    assert len(_delivered(server, tag)) == 2


def test_missing_variables_are_reported_before_sending(
    run: Run, template: str, tmp_path: Path
) -> None:
    people = tmp_path / "people.jsonl"
    people.write_text(
        json.dumps({"email": "j1@example.com", "name": "J", "city": "Rome"})
        + "\n"
        + json.dumps({"email": "j2@example.com", "name": "K"})
        + "\n"
        + "{broken\n"
    )
    result = bulk(run, template, people, "--dry-run")
    assert result.exit_code == 1
    assert "line 2: row 2 (j2@example.com): missing template variables: city" in result.stderr
    assert "line 3: row 3: not valid JSON" in result.stderr
    # --default-data fills what rows lack.
    result = bulk(
        run, template, people, "--dry-run", "--skip-invalid", "--default-data", '{"city": "Paris"}'
    )
    assert result.exit_code == 0, result.output
    assert "dry run: 3 rows, 2 valid, 1 invalid" in result.output
    assert "would send 2 messages to 2 recipients" in result.output


def test_cc_bcc_columns_and_nested_data(
    run: Run, server: LocalServer, tmp_path: Path, tag: str
) -> None:
    name = f"n{tag}"
    assert (
        run(
            "templates", "create", name, "--subject", "{{user.first}} {{user.last}}", "--text", "x"
        ).exit_code
        == 0
    )
    people = tmp_path / "p.csv"
    people.write_text(
        "email,cc,bcc,user.first,user.last\n"
        f"to-{tag}@example.com,cc1-{tag}@example.com; cc2-{tag}@example.com,"
        f"bcc-{tag}@example.com,Ada,Lovelace\n"
    )
    result = bulk(run, name, people, "--report", str(tmp_path / "r.csv"))
    assert result.exit_code == 0, result.output
    [message] = _delivered(server, f"to-{tag}")
    assert message["Subject"] == "Ada Lovelace"
    assert message["Destination"]["CcAddresses"] == [
        f"cc1-{tag}@example.com",
        f"cc2-{tag}@example.com",
    ]
    assert message["Destination"]["BccAddresses"] == [f"bcc-{tag}@example.com"]


def test_transient_statuses_are_retried_and_sent_once(
    run: Run, server: LocalServer, template: str, tmp_path: Path, tag: str
) -> None:
    people = _people_file(tmp_path, 6, tag)
    report = tmp_path / "r.csv"
    admin(
        server,
        "POST",
        "/_aws/ses/bulk-faults",
        {"statuses": ["ACCOUNT_THROTTLED", "TRANSIENT_FAILURE"]},
    )
    try:
        result = bulk(run, template, people, "--report", str(report), "--concurrency", "1")
    finally:
        admin(server, "DELETE", "/_aws/ses/bulk-faults")
    assert result.exit_code == 0, result.output
    statuses = [(int(r["row"]), r["status"]) for r in _report(report)]
    assert (1, "retrying") in statuses and (2, "retrying") in statuses
    assert all(v["status"] == "sent" for v in _final(report).values())
    sent = _delivered(server, tag)
    assert sorted(m["Destination"]["ToAddresses"][0] for m in sent) == sorted(
        p["email"] for p in _people(6, tag)
    )


def test_a_maybe_sent_call_is_unknown_and_not_resent_unless_asked(
    run: Run, server: LocalServer, template: str, tmp_path: Path, tag: str
) -> None:
    people = _people_file(tmp_path, 4, tag)
    report = tmp_path / "r.csv"
    admin(
        server,
        "POST",
        "/_aws/ses/faults",
        {"operation": "SendBulkEmail", "count": 1, "drop_connection": True},
    )
    result = bulk(
        run, template, people, "--report", str(report), "--batch-size", "2", "--concurrency", "1"
    )
    assert result.exit_code == 1
    final = _final(report)
    assert [final[r]["status"] for r in (1, 2, 3, 4)] == ["unknown", "unknown", "sent", "sent"]
    assert final[1]["error"].startswith("maybe_sent: ")

    resumed = bulk(run, template, people, "--resume", str(report))
    assert resumed.exit_code == 1  # the unknown rows are still unresolved
    assert "2 rows have an unknown outcome" in resumed.stderr
    assert f"row 1: p0-{tag}@example.com" in resumed.stderr
    assert "already sent 2" in resumed.output
    assert len(_delivered(server, tag)) == 2

    forced = bulk(run, template, people, "--resume", str(report), "--resend-unknown")
    assert forced.exit_code == 0, forced.output
    assert all(v["status"] == "sent" for v in _final(report).values())
    assert len(_delivered(server, tag)) == 4


def test_resume_refuses_a_changed_recipients_file(
    run: Run, template: str, tmp_path: Path, tag: str
) -> None:
    people = _people_file(tmp_path, 3, tag)
    report = tmp_path / "r.csv"
    assert bulk(run, template, people, "--report", str(report)).exit_code == 0
    _csv(people, list(reversed(_people(3, tag))))
    result = bulk(run, template, people, "--resume", str(report))
    assert result.exit_code == 1
    assert "the recipients file changed since that run" in result.stderr


def test_rate_and_attempts_reach_the_client_config(
    run: Run, template: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from aws_ses.cli._context import Settings

    seen: list[Any] = []
    original = Settings.client

    def recording(self: Settings, **options: Any) -> Any:
        client = original(self, **options)
        seen.append(client.config)
        return client

    monkeypatch.setattr(Settings, "client", recording)
    people = _people_file(tmp_path, 1, uuid.uuid4().hex[:8])
    for rate, expected in (("25", 25.0), ("auto", "auto"), ("off", None)):
        result = bulk(run, template, people, "--rate", rate, "--dry-run", "--concurrency", "7")
        assert result.exit_code == 0, result.output
        assert seen[-1].rate_limit == expected
        assert seen[-1].max_pool_connections == 7
    bad = bulk(run, template, people, "--rate", "fast")
    assert bad.exit_code == 2
    assert "'fast' is not a number of recipients per second" in bad.output


def test_an_open_circuit_stops_the_campaign_with_exit_4(
    run: Run, server: LocalServer, template: str, tmp_path: Path, tag: str
) -> None:
    people = _people_file(tmp_path, 10, tag)
    report = tmp_path / "r.csv"
    admin(
        server,
        "POST",
        "/_aws/ses/faults",
        {"operation": "SendBulkEmail", "count": 5, "status": 503, "code": "InternalFailure"},
    )
    result = bulk(
        run, template, people, "--report", str(report), "--batch-size", "1", "--concurrency", "1"
    )
    assert result.exit_code == 4, result.output
    assert "aws-ses: error: stopped sending: " in result.stderr
    assert "circuit open" in result.stderr
    assert f"continue with --resume {report}" in result.stderr
    final = _final(report)
    # Five 5xx answers: SES may have sent those; then the breaker opened and nothing was sent.
    assert [final[r]["status"] for r in range(1, 7)] == ["unknown"] * 5 + ["retrying"]
    assert set(final) == set(range(1, 7))
    assert not _delivered(server, tag)


def test_rate_paces_the_campaign_end_to_end(
    run: Run, server: LocalServer, template: str, tmp_path: Path, tag: str
) -> None:
    from datetime import datetime

    people = _people_file(tmp_path, 8, tag)
    result = bulk(
        run,
        template,
        people,
        "--report",
        str(tmp_path / "r.csv"),
        "--rate",
        "1",
        "--batch-size",
        "1",
        "--concurrency",
        "2",
    )
    assert result.exit_code == 0, result.output
    stamps = sorted(
        datetime.fromisoformat(m["Timestamp"].replace("Z", "+00:00"))
        for m in _delivered(server, tag)
    )
    assert len(stamps) == 8
    # 8 recipients at 1 per second, at most one at once: 7 s from the first to the last
    # (unpaced, this server takes well under 2 s for them).
    assert (stamps[-1] - stamps[0]).total_seconds() >= 6.0
