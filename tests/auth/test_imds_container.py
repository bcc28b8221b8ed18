"""IMDS and container credentials against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

from pathlib import Path

import pytest

from aws_ses.auth import (
    ContainerCredentialProvider,
    ImdsCredentialProvider,
    InstanceMetadataClient,
    resolve_region,
)
from aws_ses.auth.container import container_url
from aws_ses.errors import CredentialsError

from .conftest import World
from .fakes import MARKER

TOKEN_PATH = "/latest/api/token"
ROLE_PATH = "/latest/meta-data/iam/security-credentials/"


# ---------------------------------------------------------------- IMDS


def test_imds_v2_token_protocol(world: World) -> None:
    provider = ImdsCredentialProvider(world.with_imds())
    creds = provider.load()
    assert creds is not None and creds.access_key_id.startswith("ASIAIMDS")
    assert creds.session_token and creds.expiration is not None
    fake = world.fake
    assert fake.imds_ttl_seen == ["21600"]
    gets = fake.seen(ROLE_PATH) + fake.seen(ROLE_PATH + "app-role")
    assert all(r.headers["x-aws-ec2-metadata-token"] in fake.imds_tokens for r in gets)
    # The token is kept: a second load asks for none.
    assert provider.load() is not None
    assert len(fake.seen(TOKEN_PATH)) == 1


def test_imds_stale_token_is_fetched_again_on_401(world: World) -> None:
    provider = ImdsCredentialProvider(world.with_imds())
    assert provider.load() is not None
    world.fake.imds_tokens.clear()  # every token the server gave out is now stale
    creds = provider.load()
    assert creds is not None
    assert len(world.fake.seen(TOKEN_PATH)) == 2


def test_imds_v1_fallback_when_token_refused(world: World) -> None:
    world.fake.imds_mode = "v1-only"
    creds = ImdsCredentialProvider(world.with_imds()).load()
    assert creds is not None
    assert all("x-aws-ec2-metadata-token" not in r.headers for r in world.fake.seen(ROLE_PATH))


def test_imds_v1_disabled_declines_with_reason(world: World) -> None:
    world.fake.imds_mode = "v1-only"
    provider = ImdsCredentialProvider(world.with_imds(AWS_EC2_METADATA_V1_DISABLED="true"))
    outcome = provider.attempt()
    assert provider.load() is None
    assert "IMDSv1 is disabled" in getattr(outcome, "reason", "")
    assert not world.fake.seen(ROLE_PATH)  # nothing sent without a token


def test_imds_v1_disabled_in_profile(world: World) -> None:
    world.fake.imds_mode = "v1-only"
    env = world.files(config="[default]\nec2_metadata_v1_disabled = true\n")
    env = {**world.with_imds(), **{k: env[k] for k in ("AWS_CONFIG_FILE",)}}
    assert ImdsCredentialProvider(env).load() is None


def test_imds_instance_that_requires_v2_gets_tokens(world: World) -> None:
    world.fake.imds_mode = "v2-only"
    assert ImdsCredentialProvider(world.with_imds()).load() is not None


def test_imds_down_is_tried_twice_then_declines(world: World) -> None:
    world.fake.imds_mode = "down"
    provider = ImdsCredentialProvider(world.with_imds())
    outcome = provider.attempt()
    assert "IMDS did not answer" in getattr(outcome, "reason", "")
    assert len(world.fake.seen(ROLE_PATH)) == 2


def test_imds_without_role_and_disabled(world: World) -> None:
    world.fake.imds_role = None
    assert "no IAM role" in ImdsCredentialProvider(world.with_imds()).attempt().reason
    before = len(world.fake.requests)
    disabled = ImdsCredentialProvider(world.env)  # AWS_EC2_METADATA_DISABLED=true
    assert "AWS_EC2_METADATA_DISABLED" in disabled.attempt().reason
    assert len(world.fake.requests) == before


def test_imds_endpoint_mode_and_bad_settings() -> None:
    assert InstanceMetadataClient({}).endpoint == "http://169.254.169.254"
    ipv6 = InstanceMetadataClient({"AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE": "IPv6"})
    assert ipv6.endpoint == "http://[fd00:ec2::254]"
    with pytest.raises(CredentialsError, match="IPv4 or IPv6"):
        InstanceMetadataClient({"AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE": "IPv5"})
    with pytest.raises(CredentialsError, match="not an http"):
        InstanceMetadataClient({"AWS_EC2_METADATA_SERVICE_ENDPOINT": "ftp://x"})


def test_region_from_imds_only_when_nothing_else(world: World) -> None:
    env = world.with_imds()
    world.files()
    assert resolve_region(env=env) is None  # off unless asked for
    assert resolve_region(env=env, imds=True) == "eu-central-1"
    assert resolve_region(env={**env, "AWS_REGION": "us-west-1"}, imds=True) == "us-west-1"
    assert resolve_region(env=world.env, imds=True) is None  # disabled


async def test_imds_async(world: World) -> None:
    provider = ImdsCredentialProvider(world.with_imds())
    creds = await provider.aload()
    assert creds is not None and creds.access_key_id.startswith("ASIAIMDS")
    world.fake.imds_tokens.clear()
    assert await provider.aload() is not None
    assert len(world.fake.seen(TOKEN_PATH)) == 2


# ---------------------------------------------------------------- container


def container_env(world: World, **extra: str) -> dict[str, str]:
    return {
        **world.env,
        "AWS_CONTAINER_CREDENTIALS_FULL_URI": world.fake.url + "/container-creds",
        **extra,
    }


def test_container_full_uri_with_token(world: World) -> None:
    token = f"{MARKER}-auth-1"
    world.fake.container_tokens = {token}
    env = container_env(world, AWS_CONTAINER_AUTHORIZATION_TOKEN=token)
    creds = ContainerCredentialProvider(env).load()
    assert creds is not None and creds.access_key_id.startswith("ASIAECS")
    assert world.fake.seen("/container-creds")[0].headers["authorization"] == token


def test_container_token_file_is_read_at_every_fetch(world: World, tmp_path: Path) -> None:
    token_file = tmp_path / "eks-token"
    token_file.write_text(f"{MARKER}-first\n")
    world.fake.container_tokens = {f"{MARKER}-first"}
    env = container_env(
        world,
        AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=str(token_file),
        AWS_CONTAINER_AUTHORIZATION_TOKEN="ignored-when-a-file-is-set",
    )
    provider = ContainerCredentialProvider(env)
    assert provider.load() is not None
    # EKS Pod Identity rotates the token: the old one stops working.
    token_file.write_text(f"{MARKER}-second")
    world.fake.container_tokens = {f"{MARKER}-second"}
    assert provider.load() is not None
    sent = [r.headers["authorization"] for r in world.fake.seen("/container-creds")]
    assert sent == [f"{MARKER}-first", f"{MARKER}-second"]


async def test_container_async_and_refusal(world: World, tmp_path: Path) -> None:
    token_file = tmp_path / "token"
    token_file.write_text("wrong")
    world.fake.container_tokens = {"right"}
    provider = ContainerCredentialProvider(
        container_env(world, AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=str(token_file))
    )
    with pytest.raises(CredentialsError, match="HTTP 403 AccessDenied: bad authorization token"):
        await provider.aload()
    assert len(world.fake.seen("/container-creds")) == 1  # a refusal is not retried
    token_file.write_text("right")
    creds = await provider.aload()
    assert creds is not None and creds.access_key_id.startswith("ASIAECS")


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/creds/abc"}, "http://169.254.170.2/v2/creds/abc"),
        ({"AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.0.0.1:9/x"}, "http://127.0.0.1:9/x"),
        ({"AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.5.0.1/x"}, "http://127.5.0.1/x"),
        ({"AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://[::1]/x"}, "http://[::1]/x"),
        ({"AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://localhost/x"}, "http://localhost/x"),
        ({"AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://169.254.170.23/v1/credentials"}, "http://169.254.170.23/v1/credentials"),
        ({"AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://[fd00:ec2::23]/v1/credentials"}, "http://[fd00:ec2::23]/v1/credentials"),
        ({"AWS_CONTAINER_CREDENTIALS_FULL_URI": "https://creds.example.com/x"}, "https://creds.example.com/x"),
        ({}, None),
    ],
)  # fmt: skip
def test_container_url_allow_list(env: dict[str, str], expected: str | None) -> None:
    assert container_url(env) == expected


@pytest.mark.parametrize(
    "uri",
    ["http://example.com/x", "http://169.254.170.3/x", "http://10.0.0.1/x", "ftp://127.0.0.1"],
)
def test_container_url_refused(uri: str) -> None:
    with pytest.raises(CredentialsError, match="must be https, or http to a loopback"):
        ContainerCredentialProvider({"AWS_CONTAINER_CREDENTIALS_FULL_URI": uri}).load()


def test_container_token_with_line_break_is_refused(world: World) -> None:
    env = container_env(world, AWS_CONTAINER_AUTHORIZATION_TOKEN="a\r\nX-Injected: 1")
    with pytest.raises(CredentialsError, match="line break"):
        ContainerCredentialProvider(env).load()
    assert not world.fake.requests


def test_imds_unreachable_declines_fast(world: World) -> None:
    import socket
    import time

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed again: nothing listens there
    env = world.with_imds(AWS_EC2_METADATA_SERVICE_ENDPOINT=f"http://127.0.0.1:{port}")
    started = time.perf_counter()
    outcome = ImdsCredentialProvider(env).attempt()
    assert "IMDS did not answer" in getattr(outcome, "reason", "")
    assert time.perf_counter() - started < 1.0


async def test_transports_are_injectable() -> None:
    import json

    from aws_ses._http import HttpRequest, HttpResponse
    from aws_ses.transport import AsyncMockTransport, MockTransport

    body = json.dumps({"AccessKeyId": "AKIAMOCK", "SecretAccessKey": "s", "Token": "t"}).encode()
    seen: list[HttpRequest] = []

    def handler(request: HttpRequest) -> HttpResponse:
        seen.append(request)
        return HttpResponse(200, {}, body)

    async def ahandler(request: HttpRequest) -> HttpResponse:
        return handler(request)

    env = {"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/credentials/x"}
    provider = ContainerCredentialProvider(
        env, transport=MockTransport(handler), async_transport=AsyncMockTransport(ahandler)
    )
    sync_creds = provider.load()
    async_creds = await provider.aload()
    assert sync_creds is not None and async_creds is not None
    assert sync_creds.access_key_id == async_creds.access_key_id == "AKIAMOCK"
    assert [r.url for r in seen] == ["http://169.254.170.2/v2/credentials/x"] * 2


def test_mfa_token_provider_must_be_callable() -> None:
    from aws_ses.auth import AssumeRoleCredentialProvider

    with pytest.raises(TypeError, match="mfa_token_provider must be a callable"):
        AssumeRoleCredentialProvider(mfa_token_provider="123456")  # type: ignore[arg-type]
