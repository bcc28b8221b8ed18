"""One definition per thing: settings resolution, shared signatures, run-time types."""

from __future__ import annotations

import inspect
import typing
from pathlib import Path

import pytest

from aws_ses import AsyncSesClient, SesClient
from aws_ses.auth import Credentials
from aws_ses.transport import AsyncMockTransport, MockTransport, json_response

CREDS = Credentials("AKID", "secret")


def client(**options: object) -> SesClient:
    transport = MockTransport(lambda r: json_response({}))
    return SesClient(region="us-east-1", credentials=CREDS, transport=transport, **options)


def test_retry_settings_come_from_config_then_env_then_profile(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "config"
    config.write_text("[default]\nretry_mode = adaptive\nmax_attempts = 7\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.delenv("AWS_RETRY_MODE", raising=False)
    monkeypatch.delenv("AWS_MAX_ATTEMPTS", raising=False)
    policy = client()._core.retry
    assert (policy.mode, policy.max_attempts) == ("adaptive", 7)
    monkeypatch.setenv("AWS_RETRY_MODE", "standard")
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "4")
    policy = client()._core.retry
    assert (policy.mode, policy.max_attempts) == ("standard", 4)
    policy = client(retry_mode="off", max_attempts=9)._core.retry
    assert (policy.mode, policy.max_attempts) == ("off", 1)
    config.write_text("[default]\nretry_mode = sometimes\n")
    monkeypatch.delenv("AWS_RETRY_MODE")
    with pytest.raises(ValueError, match="retry_mode"):
        client()


def test_bad_retry_settings_name_the_field() -> None:
    for options, field in (
        ({"retry_mode": "always"}, "retry_mode"),
        ({"max_attempts": 0}, "max_attempts"),
        ({"deadline": -1}, "deadline"),
        ({"breaker_threshold": 0}, "breaker_threshold"),
        ({"rate_limit": -3}, "rate_limit"),
    ):
        with pytest.raises(ValueError, match=field):
            client(**options)


def test_type_hints_resolve_at_run_time() -> None:
    hints = typing.get_type_hints(SesClient.send_email)
    assert hints["return"].__name__ == "SendEmailResponse"
    for cls in (SesClient, AsyncSesClient):
        for name, method in inspect.getmembers(cls, callable):
            if not name.startswith("_"):
                typing.get_type_hints(method)  # raises NameError when a name is missing


def test_group_methods_are_the_flat_methods() -> None:
    ses = client()
    assert ses.templates.create == ses.create_email_template
    assert ses.identities.iter == ses.iter_email_identities
    assert ses.emails.send == ses.send_email
    assert ses.emails.send_bulk_email == ses.send_bulk_email


async def test_send_bulk_is_one_signature_everywhere() -> None:
    ses = client()
    aio = AsyncSesClient(
        region="us-east-1",
        credentials=CREDS,
        async_transport=AsyncMockTransport(lambda r: json_response({})),
    )
    flat = inspect.signature(SesClient.send_bulk)
    assert ses.emails.send_bulk == ses.send_bulk
    assert aio.emails.send_bulk == aio.send_bulk
    assert list(inspect.signature(AsyncSesClient.send_bulk).parameters) == list(flat.parameters)
    await aio.aclose()
