"""Shared fixtures."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]

# Tests never reach EC2 instance metadata (169.254.169.254) by accident; the
# IMDS tests serve their own on 127.0.0.1 and say so explicitly. Subprocesses
# started by tests inherit this.
os.environ.setdefault("AWS_EC2_METADATA_DISABLED", "true")


def _testdata_dir() -> Path:
    env = os.environ.get("AWS_SES_TESTDATA")
    return Path(env) if env else REPO_ROOT.parent / "shared" / "testdata"


@pytest.fixture(scope="session")
def testdata_dir() -> Path:
    """The shared official test data (SigV4 suite, endpoint rule cases).

    It lives beside the checkout, in ``../shared/testdata`` (or wherever
    ``AWS_SES_TESTDATA`` points); tests that need it skip when it is absent.
    """
    path = _testdata_dir()
    if not path.is_dir():
        reason = f"official test data not found at {path} (set AWS_SES_TESTDATA)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason + "; CI always has it")
        pytest.skip(reason)
    return path


@pytest.fixture(autouse=True)
def _fresh_circuit_breakers() -> None:
    """Each test starts with closed circuits (breakers are process-wide)."""
    from aws_ses.resilience.breaker import reset_breakers

    reset_breakers()


@pytest.fixture(autouse=True)
def _quiet_aws_ses_logger() -> Iterator[None]:
    """A command run with ``--debug`` turns DEBUG on for the process; tests put it back."""
    import logging

    logger = logging.getLogger("aws_ses")
    level, handlers = logger.level, list(logger.handlers)
    yield
    logger.setLevel(level)
    logger.handlers[:] = handlers
