"""``aws-ses campaign ...`` through a Typer app that registers the group, as the main CLI does."""

from __future__ import annotations

import csv
import json

import typer
from typer.testing import CliRunner

from aws_ses.campaigns.cli import app as campaign_app

from .conftest import TEMPLATE, to_addresses


def _cli() -> typer.Typer:
    root = typer.Typer()
    root.add_typer(campaign_app, name="campaign")

    @root.command()
    def version() -> None:  # a second command, so "campaign" stays a group
        typer.echo("0")

    return root


def test_start_watch_status_report_and_control(ses_server, shared_workers, redis_url, tmp_path):
    server = ses_server()
    people = tmp_path / "people.csv"
    people.write_text("email,name\n" + "".join(f"cli{i}@example.org,P{i}\n" for i in range(30)))
    runner = CliRunner()
    env = {"AWS_SES_CAMPAIGNS_REDIS_URL": redis_url}
    result = runner.invoke(
        _cli(),
        [
            "campaign", "start", str(people),
            "--from", "news@example.com",
            "--template", TEMPLATE,
            "--endpoint-url", server.url,
            "--region", "us-east-1",
            "--rate-limit", "100000",
            "--queue", shared_workers.queue,
            "--watch",
        ],
        env=env,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    cid = result.stdout.splitlines()[0].strip()
    assert "sent" in result.output and "30" in result.output
    got = to_addresses(server)
    assert len(got) == 30 and set(got.values()) == {1}

    status = runner.invoke(_cli(), ["campaign", "status", cid, "--json"], env=env)
    doc = json.loads(status.stdout)
    assert doc["counts"]["sent"] == 30 and doc["done"] is True and doc["total"] == 30

    out = tmp_path / "report.csv"
    report = runner.invoke(_cli(), ["campaign", "report", cid, "--out", str(out)], env=env)
    assert report.exit_code == 0, report.output
    with out.open() as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 30 and {r["state"] for r in rows} == {"sent"}
    assert all(r["message_id"] for r in rows)

    assert runner.invoke(_cli(), ["campaign", "pause", cid], env=env).output.strip() == "paused"
    resumed = runner.invoke(_cli(), ["campaign", "resume", cid], env=env)
    assert resumed.output.startswith("running (0 parked")
    assert runner.invoke(_cli(), ["campaign", "cancel", cid], env=env).output.strip() == "cancelled"


def test_bad_input_gets_a_clear_error(redis_url, tmp_path):
    runner = CliRunner()
    env = {"AWS_SES_CAMPAIGNS_REDIS_URL": redis_url}
    missing = runner.invoke(_cli(), ["campaign", "status", "nope"], env=env)
    assert missing.exit_code == 2 and "no campaign 'nope'" in missing.output
    people = tmp_path / "p.csv"
    people.write_text("email\na@example.org\n")
    bad = runner.invoke(
        _cli(),
        ["campaign", "start", str(people), "--from", "x@example.com", "--template", "t",
         "--data", "[1]"],
        env=env,
    )  # fmt: skip
    assert bad.exit_code == 2 and "--data must be a JSON object" in bad.output
