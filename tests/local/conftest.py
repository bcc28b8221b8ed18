"""Fixtures for the local SES v2 server: one uvicorn server on an ephemeral
port for the session, its state reset before every test that asks for it."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config

from aws_ses.local import LocalServer

# No retries: tests look at exactly what the server answered, 429s and 5xx included.
NO_RETRIES = Config(retries={"mode": "standard", "total_max_attempts": 1})


def admin(server: LocalServer, method: str, path: str, body: Any = None) -> Any:
    """Call one of the server's admin endpoints; the decoded JSON reply."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(server.url + path, data=data, method=method)
    request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read() or b"null")


def make_boto3_client(server: LocalServer, **overrides: Any) -> Any:
    options: dict[str, Any] = {
        "endpoint_url": server.url,
        "region_name": "us-east-1",
        "aws_access_key_id": "test",
        "aws_secret_access_key": "test",
        "config": NO_RETRIES,
    }
    options.update(overrides)
    return boto3.client("sesv2", **options)


@pytest.fixture(scope="session")
def server() -> Iterator[LocalServer]:
    with LocalServer() as running:
        yield running


@pytest.fixture
def reset(server: LocalServer) -> None:
    """A clean server: no resources, messages, events, quota counts or faults."""
    admin(server, "DELETE", "/_aws/ses/state")


@pytest.fixture(scope="session")
def _session_boto3_client(server: LocalServer) -> Any:
    return make_boto3_client(server)


@pytest.fixture
def boto3_client(_session_boto3_client: Any, reset: None) -> Any:
    """boto3's ``sesv2`` client on the (freshly reset) local server."""
    return _session_boto3_client
