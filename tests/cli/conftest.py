"""A real local server on a real port, and ways to run ``aws-ses`` against it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from aws_ses.cli import app
from aws_ses.local import LocalServer

SENDER = "sender@example.com"
CLI = [sys.executable, "-c", "from aws_ses.cli import main; main()"]


@pytest.fixture
def server() -> Iterator[LocalServer]:
    # A fresh server per test keeps its send log short (the quota check reads all of
    # it). A high rate: the tests check pacing through the config, not the server's 429s.
    with LocalServer(max_send_rate=1_000_000) as srv:
        srv.client().identities.create(email_identity="example.com")
        yield srv


@pytest.fixture
def cli_env(server: LocalServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The environment a user would set to point aws-ses at the local server."""
    env = {
        "AWS_ENDPOINT_URL_SESV2": server.url,
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_REGION": "us-east-1",
        "AWS_CONFIG_FILE": str(tmp_path / "aws-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "aws-credentials"),
        "AWS_EC2_METADATA_DISABLED": "true",
        "COLUMNS": "100",
        "NO_COLOR": "1",
    }
    for name in ("AWS_PROFILE", "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return env


class Run:
    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None) -> Any:
        return self.runner.invoke(app, list(args), env=self.env, input=input)

    def process(
        self, *args: str, timeout: float = 120, **kw: Any
    ) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, **self.env, "PYTHONPATH": os.pathsep.join(sys.path)}
        return subprocess.run(
            [*CLI, *args], env=env, capture_output=True, text=True, timeout=timeout, **kw
        )


@pytest.fixture
def run(cli_env: dict[str, str]) -> Run:
    return Run(cli_env)


def read_back(server: LocalServer, **query: str) -> list[dict[str, Any]]:
    suffix = "?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else ""
    with urllib.request.urlopen(f"{server.url}/_aws/ses{suffix}") as response:
        return list(json.load(response)["messages"])


def admin(server: LocalServer, method: str, path: str, body: Any = None) -> Any:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        f"{server.url}{path}",
        data=data,
        method=method,
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request) as response:
        raw = response.read()
    return json.loads(raw) if raw else None
