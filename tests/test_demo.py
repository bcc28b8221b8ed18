"""The README's first command runs the demo; the demo must keep working."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

DEMO = Path(__file__).resolve().parents[1] / "examples" / "demo.py"


def test_demo_sends_and_shows_what_arrived() -> None:
    result = subprocess.run(
        [sys.executable, str(DEMO)], capture_output=True, text=True, timeout=120, check=True
    )
    out = result.stdout
    assert "local SES v2 server: http://127.0.0.1:" in out
    received = out.split("what the server received:")[1]
    assert "'Hello from aws-ses'" in received
    assert "'Welcome, Grace!'" in received
    assert "[attachments: report.csv]" in received
    assert received.count("'Welcome, Reader") == 3
    assert "bulk send: 3 of 3 accepted" in out
    assert "web inbox: http://127.0.0.1:" in out
