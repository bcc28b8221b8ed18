"""The benchmark command runs end to end and reports every row (no timing is asserted)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ROWS = {
    "cold", "cold-async", "cpu", "threads", "async", "bulk", "bulk-async", "rss",
    "attach-cpu", "attach-rss", "transport:http11", "transport:urllib3",
    "transport:http.client", "transport:pycurl", "transport:pyreqwest", "floor",
    "async-transport:http11", "async-transport:aiohttp", "interpreter",
}  # fmt: skip
MEASURED_HERE = {  # rows whose aws-ses value must be a number even with --main-only
    "cold", "cold-async", "cpu", "threads", "async", "bulk", "bulk-async", "rss",
    "attach-cpu", "attach-rss",
}  # fmt: skip


def test_compare_quick_produces_every_row(tmp_path: Path) -> None:
    out = tmp_path / "rows.json"
    done = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "compare.py"), "--quick", "--main-only",
         "--json", str(out)],
        capture_output=True, text=True, timeout=600, cwd=REPO,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    rows = {row["key"]: row for row in json.loads(out.read_text())}
    assert set(rows) == ROWS
    for key in MEASURED_HERE:
        value = rows[key]["values"]["aws-ses"]
        assert isinstance(value, float | int) and value > 0, (key, value)
    # boto3 is a dev dependency: its rows are measured, not skipped.
    for key in ("cold", "cpu", "threads", "bulk", "rss", "attach-cpu", "attach-rss"):
        value = rows[key]["values"]["boto3"]
        assert isinstance(value, float | int) and value > 0, (key, value)
    for key in ("transport:http11", "transport:urllib3", "floor", "async-transport:http11"):
        assert rows[key]["values"]["value"] > 0
    # Clients of other virtualenvs are named as skipped, never left blank.
    assert rows["async"]["values"]["aiobotocore"] == "skipped (--main-only)"
    assert rows["cpu"]["values"]["capo-sesv2"] == "skipped (--main-only)"
    assert rows["cold"]["target"] == "<= 1/4 of boto3"
    assert rows["cold"]["met"] in (True, False)
    table = done.stdout
    for title in ("cold start", "CPU per sequential send_email", "64 concurrent tasks",
                  "send_bulk", "RSS after", "1 MiB attachment", "the floor"):  # fmt: skip
        assert title in table
