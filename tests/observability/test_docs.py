"""Every Python example in docs/resilience.md runs, against the local server."""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from aws_ses.local import LocalServer

DOC = Path(__file__).resolve().parents[2] / "docs" / "resilience.md"
BLOCKS = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)


@pytest.fixture(scope="module")
def server() -> Iterator[LocalServer]:
    with LocalServer(max_send_rate=1000) as running:
        yield running


@pytest.fixture
def endpoint(server: LocalServer) -> str:
    server.reset()  # each example starts from a fresh account
    return server.url


@pytest.fixture
def redis_url() -> Iterator[str]:
    from tests.resilience.test_ratelimit_redis import RedisServer, free_port

    if shutil.which("redis-server") is None:
        if os.environ.get("CI"):
            pytest.fail("redis-server is missing: apt-get install redis-server")
        pytest.skip("redis-server not installed (apt-get install redis-server)")
    server = RedisServer(free_port()).start()
    try:
        yield server.url
    finally:
        server.kill()


def test_the_doc_has_its_examples() -> None:
    assert len(BLOCKS) >= 5


@pytest.mark.parametrize("source", BLOCKS, ids=[f"block-{i}" for i in range(len(BLOCKS))])
def test_example_runs(
    source: str,
    endpoint: str,
    request: pytest.FixtureRequest,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    env = {
        "AWS_ENDPOINT_URL_SESV2": endpoint,
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_CONFIG_FILE": str(tmp_path / "config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "credentials"),
    }
    if "redis://" in source:
        url = request.getfixturevalue("redis_url")
        source = source.replace("redis://localhost:6379/0", url)
    if "opentelemetry.sdk" in source:
        # It installs a global tracer provider: run it on its own.
        result = subprocess.run(
            [sys.executable, "-c", source],
            env={**os.environ, **env},
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, result.stderr
        assert result.stdout.splitlines() == ["SESv2.GetAccount 200", "spans exported: 1"]
        return
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    logger = logging.getLogger("aws_ses.call")
    handlers, level = list(logger.handlers), logger.level
    try:
        exec(compile(source, str(DOC), "exec"), {"__name__": "__doc_example__"})
    finally:
        logger.handlers[:] = handlers
        logger.setLevel(level)
    assert capsys.readouterr().out.strip(), "every example prints what it did"
