"""Peak memory of the local server while it accepts one large raw message.

    python benchmarks/local_server_memory.py [--mib 39] [--attachment]

Starts ``python -m aws_ses.local`` in a child process on a free loopback
port, sends one signed ``SendEmail`` whose raw message is ``--mib`` MiB (a
text body by default; ``--attachment`` makes it one base64 attachment), then
reads the child's peak resident set (``VmHWM``) from ``/proc``. It prints the
baseline, the peak and both as multiples of the message size, and exits 1
when the peak passes 4 times the message size (the budget the server keeps).
Linux only (``/proc``).
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

MIB = 1024 * 1024


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _status(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"no {field} for {pid}")


def _message(size: int, attachment: bool) -> bytes:
    head = (
        b"From: me@example.com\r\nTo: success@simulator.amazonses.com\r\n"
        b"Subject: large\r\nMIME-Version: 1.0\r\n"
    )
    if not attachment:
        head += b"Content-Type: text/plain; charset=us-ascii\r\n\r\n"
        line = b"x" * 76 + b"\r\n"
        return head + line * ((size - len(head)) // len(line))
    boundary = b"b0undary"
    head += b"Content-Type: multipart/mixed; boundary=" + boundary + b"\r\n\r\n"
    head += b"--" + boundary + b"\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n"
    head += b"--" + boundary + b"\r\nContent-Type: application/octet-stream\r\n"
    head += b'Content-Disposition: attachment; filename="blob.bin"\r\n'
    head += b"Content-Transfer-Encoding: base64\r\n\r\n"
    tail = b"\r\n--" + boundary + b"--\r\n"
    payload = base64.encodebytes(os.urandom((size - len(head) - len(tail)) * 57 // 78 - 100))
    return head + payload.replace(b"\n", b"\r\n") + tail


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mib", type=float, default=39.0)
    parser.add_argument("--attachment", action="store_true")
    args = parser.parse_args()
    port = _free_port()
    child = subprocess.Popen(
        [sys.executable, "-m", "aws_ses.local", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        from aws_ses import SesClient
        from aws_ses.auth import Credentials

        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 20
        while True:
            try:
                urllib.request.urlopen(url + "/_aws/ses?limit=1", timeout=1).read()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        with SesClient(
            region="us-east-1", endpoint_url=url, credentials=Credentials("test", "test")
        ) as ses:
            ses.identities.create(email_identity="example.com")
            raw = _message(int(args.mib * MIB), args.attachment)
            baseline = _status(child.pid, "VmRSS")
            started = time.monotonic()
            sent = ses.send_email(content={"raw": {"data": raw}})
            elapsed = time.monotonic() - started
        peak = _status(child.pid, "VmHWM")
        size = len(raw)
        print(
            json.dumps(
                {
                    "message_bytes": size,
                    "message_id": sent.message_id,
                    "seconds": round(elapsed, 2),
                    "baseline_rss_mib": round(baseline / MIB, 1),
                    "peak_rss_mib": round(peak / MIB, 1),
                    "peak_over_message": round(peak / size, 2),
                    "growth_over_message": round((peak - baseline) / size, 2),
                },
                indent=2,
            )
        )
        return 0 if peak < 4 * size else 1
    finally:
        child.terminate()
        child.wait(timeout=10)


if __name__ == "__main__":
    raise SystemExit(main())
