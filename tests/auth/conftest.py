"""Fixtures for the credential tests: a fake AWS on 127.0.0.1, shared files in
a temporary directory, an environment that never reaches the real machine's
credentials or the real IMDS, and a check that no secret reaches a log."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .fakes import MARKER, FakeAws

_CLEARED = (
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_ROLE_ARN",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "http_proxy",
    "https_proxy",
    "ALL_PROXY",
    "all_proxy",
)


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.texts: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.name.startswith("botocore"):
            return  # the oracle's own logs (botocore logs whole STS replies at DEBUG)
        self.texts.append(f"{record.getMessage()} {record.args!r} {record.exc_text or ''}")


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The process environment never supplies credentials, proxies or IMDS; and
    no log record of any test here carries a secret."""
    for name in _CLEARED:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    handler = _Collect()
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
    leaked = [text for text in handler.texts if MARKER in text]
    assert not leaked, f"a secret reached a log record: {leaked[0][:200]}"


@pytest.fixture
def fake() -> Iterator[FakeAws]:
    server = FakeAws().start()
    try:
        yield server
    finally:
        server.stop()


class World:
    """Shared files, the SSO cache and an environment pointing at the fake."""

    def __init__(self, root: Path, fake: FakeAws) -> None:
        self.root = root
        self.fake = fake
        self.home = root / "home"
        self.home.mkdir()
        self.credentials = root / "credentials"
        self.config = root / "config"
        self.env: dict[str, str] = {
            "PATH": os.environ.get("PATH", ""),
            "HOME": str(self.home),
            "AWS_SHARED_CREDENTIALS_FILE": str(self.credentials),
            "AWS_CONFIG_FILE": str(self.config),
            "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_ENDPOINT_URL_STS": fake.url,
            "AWS_ENDPOINT_URL_SSO": fake.url,
            "AWS_ENDPOINT_URL_SSO_OIDC": fake.url,
        }

    def files(self, credentials: str = "", config: str = "") -> dict[str, str]:
        self.credentials.write_text(textwrap.dedent(credentials), encoding="utf-8")
        self.config.write_text(textwrap.dedent(config), encoding="utf-8")
        return self.env

    def with_imds(self, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in self.env.items() if k != "AWS_EC2_METADATA_DISABLED"}
        env["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = self.fake.url
        return {**env, **extra}

    def sso_cache(self, key: str, data: dict[str, Any]) -> Path:
        directory = self.home / ".aws" / "sso" / "cache"
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / (hashlib.sha1(key.encode()).hexdigest() + ".json")
        path.write_text(json.dumps(data), encoding="utf-8")
        return path

    def script(self, name: str, body: str) -> str:
        """A Python script for credential_process; the command line that runs it."""
        path = self.root / name
        path.write_text(textwrap.dedent(body), encoding="utf-8")
        return f"{sys.executable} {path}"


@pytest.fixture
def world(tmp_path: Path, fake: FakeAws) -> World:
    return World(tmp_path, fake)
