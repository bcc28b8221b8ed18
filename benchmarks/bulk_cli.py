"""Large runs of ``aws-ses bulk`` that are too slow for the test suite.

    python benchmarks/bulk_cli.py send [--rows 10000] [--kills 3]
    python benchmarks/bulk_cli.py dry-run [--rows 1000000] [--max-rss-mb 150]

``send`` starts a local server (real port), runs the campaign as a real
subprocess, SIGKILLs it at random points ``--kills`` times, resumes it each
time and once more to the end, then checks the report against the server's
read-back one to one: every row the report marks sent has exactly the
message it names, no address has two messages, and every address outside the
listed unknown rows has one.

``dry-run`` writes a CSV of ``--rows`` rows, checks and renders all of them
with ``--dry-run`` and reports the child's peak RSS, failing above the limit.
Both print what they measured and exit non-zero when a check fails.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

CLI = [sys.executable, "-c", "from aws_ses.cli import main; main()"]
SENDER = "sender@example.com"


def _env(endpoint: str) -> dict[str, str]:
    root = Path(__file__).resolve().parents[1]
    return {
        **os.environ,
        "AWS_ENDPOINT_URL_SESV2": endpoint,
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_REGION": "us-east-1",
        "PYTHONPATH": os.pathsep.join([str(root / "src"), str(root)]),
    }


def _last_status(report: Path) -> dict[int, tuple[str, str, str]]:
    last: dict[int, tuple[str, str, str]] = {}
    if not report.exists():
        return last
    with report.open(newline="") as handle:
        for record in csv.reader(handle):
            if len(record) == 5 and record[0].isdigit():
                row = int(record[0])
                if last.get(row, ("",))[0] != "sent":
                    last[row] = (record[2], record[1], record[3])
    return last


def _sent(report: Path) -> int:
    return sum(s == "sent" for s, _, _ in _last_status(report).values())


def send(rows: int, kills: int, concurrency: int) -> int:
    from aws_ses.local import LocalServer

    work = Path(tempfile.mkdtemp(prefix="aws-ses-bulk-"))
    people = work / "people.csv"
    with people.open("w") as handle:
        handle.write("email,n\n")
        for i in range(rows):
            handle.write(f"r{i}@example.com,{i}\n")
    report = work / "report.csv"
    rng = random.Random()
    with LocalServer(max_send_rate=1_000_000) as server:
        ses = server.client()
        ses.identities.create(email_identity="example.com")
        ses.templates.create(
            template_name="bench", template_content={"subject": "Hi {{n}}", "text": "row {{n}}"}
        )
        env = _env(server.url)
        base = [
            *CLI,
            "bulk",
            "--template",
            "bench",
            "--recipients",
            str(people),
            "--from",
            SENDER,
            "--concurrency",
            str(concurrency),
            "--rate",
            "off",
        ]
        start = time.monotonic()
        for attempt in range(kills):
            extra = ["--report", str(report)] if attempt == 0 else ["--resume", str(report)]
            proc = subprocess.Popen(
                [*base, *extra], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
            # Kill at a random moment after this run has sent something.
            before = _sent(report)
            while _sent(report) <= before and proc.poll() is None:
                time.sleep(0.5)  # reading the report competes with the server for the GIL
            time.sleep(rng.uniform(0.0, 5.0))
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
                print(f"killed run {attempt + 1} with {_sent(report)} rows sent", flush=True)
            proc.wait()
        extra = ["--resume", str(report)] if kills else ["--report", str(report)]
        final_run = subprocess.run([*base, *extra], env=env, capture_output=True, text=True)
        elapsed = time.monotonic() - start
        print(final_run.stdout.strip().splitlines()[-1] if final_run.stdout.strip() else "")
        with urllib.request.urlopen(f"{server.url}/_aws/ses") as response:
            messages = json.load(response)["messages"]
    final = _last_status(report)
    unknown = {r for r, (s, _, _) in final.items() if s == "unknown"}
    counts: dict[str, int] = {}
    by_id = {}
    for m in messages:
        address = m["Destination"]["ToAddresses"][0]
        counts[address] = counts.get(address, 0) + 1
        by_id[m["Id"]] = address
    problems = []
    for i in range(rows):
        address = f"r{i}@example.com"
        got = counts.get(address, 0)
        status, email, message_id = final.get(i + 1, ("missing", "", ""))
        if got > 1:
            problems.append(f"{address}: {got} messages")
        if status == "sent" and by_id.get(message_id) != email:
            problems.append(f"row {i + 1}: report says {message_id}, not received")
        if i + 1 not in unknown and (got != 1 or status != "sent"):
            problems.append(f"{address}: {got} messages, report {status}")
    delivered_unknown = sum(counts.get(f"r{r - 1}@example.com", 0) for r in unknown)
    print(
        f"{rows} rows in {elapsed:.1f} s ({rows / elapsed:.0f} rows/s) with {kills} kills; "
        f"{len(unknown)} unknown ({delivered_unknown} of them were in fact delivered, "
        f"{len(unknown) - delivered_unknown} not); {len(messages)} messages on the server"
    )
    for line in problems[:20]:
        print("MISMATCH", line)
    return 1 if problems else 0


def dry_run(rows: int, max_rss_mb: float) -> int:
    from aws_ses.local import LocalServer

    work = Path(tempfile.mkdtemp(prefix="aws-ses-dry-"))
    people = work / "people.csv"
    with people.open("w") as handle:
        handle.write("email,name,city\n")
        for i in range(rows):
            handle.write(f"user{i}@example.com,User {i},Town {i % 100}\n")
    print(f"wrote {rows} rows ({people.stat().st_size / 1e6:.0f} MB)")
    with LocalServer() as server:
        server.client().templates.create(
            template_name="bench",
            template_content={"subject": "Hi {{name}}", "text": "{{name}} in {{city}}"},
        )
        start = time.monotonic()
        result = subprocess.run(
            [
                *CLI,
                "bulk",
                "--template",
                "bench",
                "--recipients",
                str(people),
                "--from",
                SENDER,
                "--dry-run",
            ],
            env=_env(server.url),
            capture_output=True,
            text=True,
        )
        elapsed = time.monotonic() - start
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(result.stdout.strip())
    print(
        f"{rows} rows checked in {elapsed:.1f} s; peak RSS {peak_mb:.0f} MB "
        f"(limit {max_rss_mb:.0f} MB)"
    )
    if result.returncode != 0:
        print(result.stderr, file=sys.stderr)
        return 1
    return 0 if peak_mb < max_rss_mb else 1


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="what", required=True)
    s = sub.add_parser("send", help="a real campaign, killed and resumed")
    s.add_argument("--rows", type=int, default=10_000)
    s.add_argument("--kills", type=int, default=3)
    s.add_argument("--concurrency", type=int, default=4)
    d = sub.add_parser("dry-run", help="peak memory of a --dry-run")
    d.add_argument("--rows", type=int, default=1_000_000)
    d.add_argument("--max-rss-mb", type=float, default=150.0)
    args = parser.parse_args()
    if args.what == "send":
        raise SystemExit(send(args.rows, args.kills, args.concurrency))
    raise SystemExit(dry_run(args.rows, args.max_rss_mb))


if __name__ == "__main__":
    main()
