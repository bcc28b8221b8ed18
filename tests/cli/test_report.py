"""The bulk report and the recipients reader on their own (no server)."""

from __future__ import annotations

from pathlib import Path

import pytest

from aws_ses.cli._errors import CliError
from aws_ses.cli._recipients import BadRow, Row, detect_format, read_recipients
from aws_ses.cli._report import DONE, MAYBE, NONE, ReportWriter, read_report


def test_a_line_cut_off_by_a_crash_is_ignored_and_appending_starts_a_new_line(
    tmp_path: Path,
) -> None:
    path = tmp_path / "r.csv"
    writer = ReportWriter(path)
    writer.write(1, "a@example.com", "pending")
    writer.write(2, "b@example.com", "pending")
    writer.write(1, "a@example.com", "sent", "m-1")
    writer.close()
    with path.open("a") as handle:
        handle.write("2,b@example.com,se")  # the process died mid-line
    state = read_report(path)
    assert (state.kind(1), state.kind(2), state.kind(3)) == (DONE, MAYBE, NONE)
    assert state.maybe_sent == {2: "b@example.com"}
    again = ReportWriter(path)
    again.write(2, "b@example.com", "sent", "m-2")
    again.close()
    state = read_report(path)
    assert state.kind(2) == DONE and state.maybe_sent == {}
    assert path.read_text().splitlines()[-2:] == ["2,b@example.com,se", "2,b@example.com,sent,m-2,"]


def test_sent_is_final_and_emails_are_checked(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    writer = ReportWriter(path)
    writer.write(5, "e@example.com", "sent", "m")
    writer.write(5, "e@example.com", "pending")
    writer.close()
    state = read_report(path)
    assert state.kind(5) == DONE
    assert state.same_email(5, "E@Example.com ")
    assert not state.same_email(5, "other@example.com")
    assert state.same_email(9, "anyone@example.com")  # not in the report


def test_a_file_that_is_not_a_report_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text("email,name\na@example.com,A\n")
    with pytest.raises(CliError, match="is not an aws-ses bulk report"):
        read_report(path)


def test_jsonl_rows(tmp_path: Path) -> None:
    path = tmp_path / "p.jsonl"
    path.write_text(
        '{"email": "a@example.com", "cc": ["c@example.com"], "name": "A", "n": {"x": 1}}\n'
        "\n"
        '{"email": 5}\n'
        '["not", "an", "object"]\n'
        '{"email": "b@example.com", "bcc": "d@example.com; e@example.com"}\n'
    )
    assert detect_format(path) == "jsonl"
    items = list(read_recipients(path, "jsonl"))
    assert items[0] == Row(
        1, 1, "a@example.com", ("c@example.com",), (), {"name": "A", "n": {"x": 1}}
    )
    assert items[1] == BadRow(2, 3, "", "no email address")
    assert isinstance(items[2], BadRow) and items[2].line == 4
    assert items[3] == Row(4, 5, "b@example.com", (), ("d@example.com", "e@example.com"), {})


def test_csv_needs_an_email_column(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text("address,name\na@example.com,A\n")
    with pytest.raises(CliError, match="the header has no 'email' column"):
        list(read_recipients(path, "csv"))
    with pytest.raises(CliError, match="no such file"):
        list(read_recipients(tmp_path / "missing.csv", "csv"))
