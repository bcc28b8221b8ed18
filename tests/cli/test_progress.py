"""The bulk progress bar under a real pseudo-terminal, and plain lines without one."""

from __future__ import annotations

import os
import sys
import uuid
from pathlib import Path

import pexpect

from .conftest import CLI, SENDER, Run


def _campaign(run: Run, tmp_path: Path, rows: int) -> list[str]:
    tag = uuid.uuid4().hex[:8]
    name = f"p{tag}"
    assert run("templates", "create", name, "--subject", "Hi {{n}}", "--text", "x").exit_code == 0
    people = tmp_path / "people.csv"
    people.write_text("email,n\n" + "".join(f"g{i}-{tag}@example.com,{i}\n" for i in range(rows)))
    return [
        "bulk",
        "--template",
        name,
        "--recipients",
        str(people),
        "--from",
        SENDER,
        "--batch-size",
        "5",
        "--concurrency",
        "1",
        "--report",
        str(tmp_path / "r.csv"),
    ]


def test_progress_bar_on_a_terminal(run: Run, tmp_path: Path) -> None:
    args = _campaign(run, tmp_path, 30)
    env = {**os.environ, **run.env, "PYTHONPATH": os.pathsep.join(sys.path), "TERM": "xterm"}
    env.pop("NO_COLOR", None)
    child = pexpect.spawn(
        CLI[0], [*CLI[1:], *args], env=env, encoding="utf-8", dimensions=(24, 160), timeout=60
    )
    child.expect(pexpect.EOF)
    child.close()
    screen = child.before or ""
    assert child.exitstatus == 0, screen
    assert "sending" in screen
    assert "━" in screen  # the bar itself
    assert "30/30" in screen
    assert "sent 30" in screen and "failed 0" in screen
    assert "recipients/s" in screen and "ETA" in screen
    assert "\x1b[" in screen  # drawn with terminal control sequences
    assert "bulk: 30/30 rows" not in screen  # no plain lines on a terminal


def test_plain_lines_when_stdout_is_not_a_terminal(run: Run, tmp_path: Path) -> None:
    result = run.process(*_campaign(run, tmp_path, 12))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "bulk: 12/12 rows, sent 12, failed 0, unknown 0" in out
    assert "recipients/s, ETA 0:00:00" in out
    assert "━" not in out and "\x1b[" not in out
    assert "bulk: sent 12, failed 0" in out
