"""`aws-ses local` and `python -m aws_ses.local` start a real server; --data-dir persists."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from aws_ses import NotFoundException, SesClient
from aws_ses.auth import Credentials


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def running(argv: list[str]) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    port = _free_port()
    proc = subprocess.Popen(
        [*argv, "--port", str(port)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if proc.poll() is not None:
                    pytest.fail(f"server exited: {proc.stdout.read() if proc.stdout else ''}")
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}", proc
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _client(url: str) -> SesClient:
    return SesClient(region="us-east-1", endpoint_url=url, credentials=Credentials("test", "test"))


CLI = [sys.executable, "-c", "from aws_ses.cli import main; main()", "local"]
MODULE = [sys.executable, "-m", "aws_ses.local"]


@pytest.mark.parametrize("argv", [CLI, MODULE], ids=["aws-ses local", "python -m aws_ses.local"])
def test_server_starts_and_prints_endpoint_and_inbox(argv: list[str]) -> None:
    with running(argv) as (url, proc), _client(url) as ses:
        assert ses.account.get().send_quota.max_send_rate == 14.0  # type: ignore[union-attr]
        proc.terminate()
        out = proc.communicate(timeout=10)[0]
    assert url in out
    assert f"{url}/_inbox" in out


def test_data_dir_survives_a_restart(tmp_path: Path) -> None:
    argv = [*MODULE, "--data-dir", str(tmp_path)]
    with running(argv) as (url, _), _client(url) as ses:
        ses.identities.create(email_identity="kept.example.com")
        ses.templates.create(template_name="kept", template_content={"subject": "s", "text": "t"})
    with running(argv) as (url, _), _client(url) as ses:
        assert ses.identities.get(email_identity="kept.example.com").identity_type == "DOMAIN"
        assert ses.templates.get(template_name="kept").template_content.subject == "s"  # type: ignore[union-attr]
    with running(MODULE) as (url, _), _client(url) as ses, pytest.raises(NotFoundException):
        ses.identities.get(email_identity="kept.example.com")  # in memory by default


def test_flags_change_behaviour() -> None:
    with running([*MODULE, "--no-auth", "--max-send-rate", "3"]) as (url, _):
        unsigned = SesClient(
            region="us-east-1", endpoint_url=url, credentials=Credentials("nobody", "wrong")
        )
        assert unsigned.account.get().send_quota.max_send_rate == 3.0  # type: ignore[union-attr]
