"""SIGKILL ``aws-ses bulk`` at random points, resume it three times: nobody gets two mails.

The kills land wherever they land: between calls, while a call is in flight,
while the report is being written. After each kill the report's rows that
were in flight are ``pending`` (the mail may or may not have gone out); the
resumed run must list them and leave them alone. At the end, the server's
read-back must show exactly one message for every address except those
listed as unknown, which have at most one.
"""

from __future__ import annotations

import csv
import json
import os
import random
import re
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

from aws_ses.cli.bulk import SHOWN_UNKNOWN
from aws_ses.local import LocalServer

from .conftest import CLI, SENDER, Run, read_back

ROWS = 400


def _last_status(report: Path) -> dict[int, str]:
    last: dict[int, str] = {}
    if not report.exists():
        return last
    with report.open(newline="") as handle:
        for record in csv.reader(handle):
            if len(record) == 5 and record[0].isdigit() and last.get(int(record[0])) != "sent":
                last[int(record[0])] = record[2]
    return last


def _sent_count(report: Path) -> int:
    return sum(1 for s in _last_status(report).values() if s == "sent")


def test_killed_three_times_and_resumed_every_address_gets_one_message(
    run: Run, server: LocalServer, tmp_path: Path
) -> None:
    rng = random.Random()
    seed = rng.randrange(1 << 30)
    rng.seed(seed)
    tag = uuid.uuid4().hex[:8]
    template = f"k{tag}"
    assert (
        run(
            "templates", "create", template, "--subject", "Hello {{n}}", "--text", "row {{n}}"
        ).exit_code
        == 0
    )
    people = tmp_path / "people.csv"
    people.write_text("email,n\n" + "".join(f"r{i}-{tag}@example.com,{i}\n" for i in range(ROWS)))
    report = tmp_path / "report.csv"
    env = {**os.environ, **run.env, "PYTHONPATH": os.pathsep.join(sys.path)}
    base = [
        *CLI,
        "bulk",
        "--template",
        template,
        "--recipients",
        str(people),
        "--from",
        SENDER,
        "--batch-size",
        "5",
        "--concurrency",
        "2",
        "--rate",
        "off",
    ]

    unknown_listed: set[int] = set()
    kills = 0
    for attempt in range(3):
        args = base + (["--report", str(report)] if attempt == 0 else ["--resume", str(report)])
        before = _sent_count(report)
        proc = subprocess.Popen(
            args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        # Let at least one batch of this run finish, then kill at a random moment.
        deadline = time.monotonic() + 60
        while _sent_count(report) <= before and proc.poll() is None:
            assert time.monotonic() < deadline, "the bulk run made no progress"
            time.sleep(0.02)
        time.sleep(rng.uniform(0.0, 0.3))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        _, err = proc.communicate(timeout=30)
        pending = {r for r, s in _last_status(report).items() if s in ("pending", "unknown")}
        unknown_listed |= pending
        if attempt:
            listed = {int(n) for n in re.findall(r"row (\d+): r\d+-", err)}
            assert listed <= unknown_listed, err
    assert kills == 3, f"every run should be killed mid-way (seed {seed})"

    # The last resume runs to the end and lists every unresolved row.
    done = subprocess.run(
        [*base, "--resume", str(report)], env=env, capture_output=True, text=True, timeout=120
    )
    final = _last_status(report)
    unresolved = {r for r, s in final.items() if s == "unknown"}
    assert unresolved == unknown_listed - {r for r, s in final.items() if s == "sent"}
    listed = {int(n) for n in re.findall(r"row (\d+): r\d+-", done.stderr)}
    assert listed == set(sorted(unresolved)[:SHOWN_UNKNOWN]), done.stderr
    if unresolved:
        assert f"{len(unresolved)} rows have an unknown outcome" in done.stderr
    assert done.returncode == (1 if unresolved else 0), done.stderr
    assert f"unknown and not resent {len(unresolved)}" in done.stdout

    counts: dict[str, int] = {}
    by_id: dict[str, str] = {}
    for message in read_back(server):
        to = message["Destination"].get("ToAddresses", [])
        if to and tag in to[0]:
            counts[to[0]] = counts.get(to[0], 0) + 1
            by_id[message["Id"]] = to[0]
    for i in range(ROWS):
        address = f"r{i}-{tag}@example.com"
        got = counts.get(address, 0)
        if i + 1 in unresolved:
            assert got <= 1, f"{address} got {got} messages (seed {seed})"
        else:
            assert got == 1, f"{address} got {got} messages (seed {seed})"
            assert final[i + 1] == "sent"
    # Every message id the report records is the message that address received.
    with report.open(newline="") as handle:
        for record in csv.DictReader(handle):
            if record["status"] == "sent":
                assert by_id[record["message_id"]] == record["email"]
    print(json.dumps({"seed": seed, "unknown": len(unresolved)}))


def test_ctrl_c_finishes_the_calls_in_flight_and_exits_130(
    run: Run, server: LocalServer, tmp_path: Path
) -> None:
    tag = uuid.uuid4().hex[:8]
    template = f"c{tag}"
    assert (
        run("templates", "create", template, "--subject", "s {{n}}", "--text", "t").exit_code == 0
    )
    people = tmp_path / "people.csv"
    people.write_text("email,n\n" + "".join(f"i{i}-{tag}@example.com,{i}\n" for i in range(80)))
    report = tmp_path / "report.csv"
    env = {**os.environ, **run.env, "PYTHONPATH": os.pathsep.join(sys.path)}
    args = [
        *CLI,
        "bulk",
        "--template",
        template,
        "--recipients",
        str(people),
        "--from",
        SENDER,
        "--batch-size",
        "5",
        "--concurrency",
        "2",
        "--report",
        str(report),
    ]
    proc = subprocess.Popen(
        args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    deadline = time.monotonic() + 60
    while _sent_count(report) == 0:
        assert proc.poll() is None and time.monotonic() < deadline
        time.sleep(0.1)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "interrupted; waiting for" in err
    assert f"continue with --resume {report}" in err
    last = _last_status(report)
    assert "pending" not in last.values()  # every call in flight was waited for and recorded
    assert 0 < _sent_count(report) < 80
    resumed = run.process(
        "bulk",
        "--template",
        template,
        "--recipients",
        str(people),
        "--from",
        SENDER,
        "--resume",
        str(report),
        "--batch-size",
        "20",
    )
    assert resumed.returncode == 0, resumed.stderr
    counts: dict[str, int] = {}
    for message in read_back(server):
        address = message["Destination"]["ToAddresses"][0]
        counts[address] = counts.get(address, 0) + 1
    assert counts == {f"i{i}-{tag}@example.com": 1 for i in range(80)}
