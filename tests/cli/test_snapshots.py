"""What people see: ``account``, ``templates list``, ``identities get`` and error lines.

The expected text is in ``snapshots/``; set ``UPDATE_SNAPSHOTS=1`` to rewrite
it after an intended change (and review the diff). The server's clock is
frozen and random tokens are masked, so the output is stable.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from aws_ses.cli import app
from aws_ses.local import LocalServer

from .conftest import admin

SNAPSHOTS = Path(__file__).parent / "snapshots"
FROZEN = 1_767_225_600.0  # 2026-01-01T00:00:00Z


@pytest.fixture(scope="module")
def frozen_server() -> Iterator[LocalServer]:
    with LocalServer() as srv:
        srv.state.clock = lambda: FROZEN
        ses = srv.client()
        ses.identities.create(email_identity="example.org")
        for name in ("welcome", "receipt"):
            ses.templates.create(template_name=name, template_content={"subject": "s", "text": "t"})
        yield srv


def _normalize(text: str) -> str:
    text = re.sub(r"\b[0-9a-f]{32}\b", "<token>", text)
    text = re.sub(r"request id [0-9a-f-]{36}", "request id <id>", text)
    text = re.sub(r"127\.0\.0\.1:\d+", "127.0.0.1:<port>", text)
    # Which providers the credential chain tried is the chain's business, not the CLI's.
    text = re.sub(r"\(tried: [^)]*\)", "(tried: <providers>)", text)
    return "\n".join(line.rstrip() for line in text.splitlines()).strip("\n") + "\n"


def _check(name: str, text: str) -> None:
    path = SNAPSHOTS / f"{name}.txt"
    actual = _normalize(text)
    if os.environ.get("UPDATE_SNAPSHOTS"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(actual)
    assert path.exists(), f"no snapshot {path}; run with UPDATE_SNAPSHOTS=1"
    assert actual == path.read_text()


@pytest.fixture
def env(frozen_server: LocalServer, tmp_path: Path) -> dict[str, str]:
    return {
        "AWS_ENDPOINT_URL_SESV2": frozen_server.url,
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_REGION": "us-east-1",
        "AWS_CONFIG_FILE": str(tmp_path / "none"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none"),
        "AWS_EC2_METADATA_DISABLED": "true",
        "COLUMNS": "100",
        "NO_COLOR": "1",
    }


def _run(env: dict[str, str], *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), env=env)
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("account", ["account"]),
        ("account-json", ["--output", "json", "account"]),
        ("templates-list", ["templates", "list"]),
        ("templates-list-csv", ["-o", "csv", "templates", "list"]),
        ("identities-get", ["identities", "get", "example.org"]),
    ],
)
def test_output(env: dict[str, str], name: str, args: list[str]) -> None:
    code, out, err = _run(env, *args)
    assert (code, err) == (0, "")
    _check(name, out)


def test_error_lines(env: dict[str, str], frozen_server: LocalServer) -> None:
    lines = []

    def case(label: str, expected_code: int, *args: str, **overrides: str | None) -> None:
        run_env = {k: v for k, v in {**env, **overrides}.items() if v is not None}
        code, out, err = _run(run_env, *args)
        assert code == expected_code, (label, out, err)
        lines.append(f"[{label}] exit {code}\n{err.strip()}")

    case("not found", 1, "templates", "get", "nope")
    case("no credentials", 3, "account", AWS_ACCESS_KEY_ID=None, AWS_SECRET_ACCESS_KEY=None)
    case("unreachable", 4, "--endpoint-url", "http://127.0.0.1:9", "account")
    admin(
        frozen_server,
        "POST",
        "/_aws/ses/faults",
        {
            "operation": "GetAccount",
            "count": 1,
            "code": "TooManyRequestsException",
            "message": "Maximum sending rate exceeded.",
        },
    )
    case("throttled", 4, "account", AWS_MAX_ATTEMPTS="1")
    case("bad data", 1, "templates", "render", "welcome", "--data", "{oops")
    case(
        "validation",
        1,
        "send",
        "--from",
        "me@example.org",
        "--to",
        "not an address",
        "--subject",
        "s",
        "--text",
        "t",
    )
    case(
        "missing file",
        1,
        "send",
        "--from",
        "me@example.org",
        "--to",
        "a@example.org",
        "--subject",
        "s",
        "--text-file",
        "/nonexistent/body.txt",
    )
    _check("errors", "\n\n".join(lines))
    for block in lines:  # one line each
        assert len(block.splitlines()) == 2, block


def test_usage_error_exits_2(env: dict[str, str]) -> None:
    code, _, err = _run(env, "send", "--to", "a@example.org")
    assert code == 2
    assert "Missing option '--from'" in err


def test_debug_adds_detail_but_never_the_secret(env: dict[str, str]) -> None:
    env = {**env, "AWS_SECRET_ACCESS_KEY": "s3cr3t-never-shown"}
    code, out, err = _run(env, "--debug", "templates", "get", "nope")
    assert code == 1  # signed with the wrong secret or not found: an AWS error either way
    assert "Traceback" in err and "aws-ses: debug:" in err
    assert "s3cr3t-never-shown" not in out + err
