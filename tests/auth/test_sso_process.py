"""SSO (the CLI's token cache, OIDC refresh, the portal) and credential_process."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from aws_ses.auth import ProcessCredentialProvider, SsoCredentialProvider, sso_cache_path
from aws_ses.errors import CredentialsError

from .conftest import World
from .fakes import MARKER, iso

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)

SESSION_CONFIG = """
[profile dev]
sso_session = corp
sso_account_id = 123456789012
sso_role_name = Developer

[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = eu-west-1
sso_registration_scopes = sso:account:access
"""

LEGACY_CONFIG = """
[profile old]
sso_start_url = https://old.awsapps.com/start
sso_region = us-east-1
sso_account_id = 123456789012
sso_role_name = ReadOnly
"""


def token(access: str, expires: datetime, **extra: str) -> dict[str, str]:
    return {"accessToken": access, "expiresAt": iso(expires), **extra}


def provider(world: World, profile: str) -> SsoCredentialProvider:
    return SsoCredentialProvider(profile, world.env, clock=lambda: NOW)


def test_cache_file_named_as_the_cli_names_it(world: World) -> None:
    from botocore.utils import SSOTokenLoader

    loader = SSOTokenLoader(cache={})
    url = "https://old.awsapps.com/start"
    assert sso_cache_path("corp", world.env).stem == loader._generate_cache_key(url, "corp")
    assert sso_cache_path(url, world.env).stem == loader._generate_cache_key(url, None)
    assert sso_cache_path("corp", world.env).parent == world.home / ".aws" / "sso" / "cache"


def test_sso_session_profile(world: World) -> None:
    world.files(config=SESSION_CONFIG)
    world.fake.sso_tokens = {f"{MARKER}-access"}
    world.sso_cache("corp", token(f"{MARKER}-access", NOW + timedelta(hours=2)))
    creds = provider(world, "dev").load()
    assert creds is not None and creds.access_key_id.startswith("ASIASSO")
    assert creds.expiration is not None and creds.expiration > NOW
    (call,) = world.fake.seen("/federation/credentials")
    assert call.query == {"account_id": ["123456789012"], "role_name": ["Developer"]}


async def test_legacy_profile_async(world: World) -> None:
    world.files(config=LEGACY_CONFIG)
    world.fake.sso_tokens = {f"{MARKER}-legacy"}
    world.sso_cache(
        "https://old.awsapps.com/start", token(f"{MARKER}-legacy", NOW + timedelta(hours=1))
    )
    creds = await provider(world, "old").aload()
    assert creds is not None and creds.access_key_id.startswith("ASIASSO")


@pytest.mark.parametrize("use_async", [False, True])
async def test_expired_token_is_refreshed_and_cached(world: World, use_async: bool) -> None:
    world.files(config=SESSION_CONFIG)
    world.fake.oidc_refresh = {f"{MARKER}-refresh-1": f"{MARKER}-fresh"}
    path = world.sso_cache(
        "corp",
        token(
            f"{MARKER}-stale",
            NOW - timedelta(minutes=1),
            refreshToken=f"{MARKER}-refresh-1",
            clientId="client-1",
            clientSecret=f"{MARKER}-client-secret",
            registrationExpiresAt=iso(NOW + timedelta(days=30)),
        ),
    )
    sso = provider(world, "dev")
    creds = await sso.aload() if use_async else sso.load()
    assert creds is not None
    (refresh,) = world.fake.seen("/token")
    assert json.loads(refresh.body)["grantType"] == "refresh_token"
    portal = world.fake.seen("/federation/credentials")[0]
    assert portal.headers["x-amz-sso_bearer_token"] == f"{MARKER}-fresh"
    cached = json.loads(path.read_text())
    assert cached["accessToken"] == f"{MARKER}-fresh"
    assert cached["refreshToken"] == f"{MARKER}-refresh-2"
    assert cached["expiresAt"] == iso(NOW + timedelta(seconds=28800))


def test_expired_legacy_token_says_run_sso_login(world: World) -> None:
    world.files(config=LEGACY_CONFIG)
    world.sso_cache("https://old.awsapps.com/start", token("t", NOW - timedelta(seconds=1)))
    with pytest.raises(CredentialsError, match=r"has expired: run `aws sso login --profile old`"):
        provider(world, "old").load()
    assert not world.fake.requests


def test_failed_refresh_of_expired_token_says_run_sso_login(world: World) -> None:
    world.files(config=SESSION_CONFIG)
    world.sso_cache(
        "corp",
        token(
            "t", NOW - timedelta(hours=1), refreshToken="unknown", clientId="c", clientSecret="s"
        ),
    )
    with pytest.raises(CredentialsError, match="aws sso login --sso-session corp"):
        provider(world, "dev").load()
    assert len(world.fake.seen("/token")) == 1


def test_rejected_token_and_missing_cache(world: World) -> None:
    world.files(config=SESSION_CONFIG)
    with pytest.raises(CredentialsError, match=r"no SSO token cached.*aws sso login"):
        provider(world, "dev").load()
    world.sso_cache("corp", token("revoked", NOW + timedelta(hours=1)))
    with pytest.raises(CredentialsError, match=r"rejected the token .*\(HTTP 401\)"):
        provider(world, "dev").load()


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ("[profile x]\nsso_session = nope\n", r"no \[sso-session nope\] section"),
        ("[profile x]\nsso_start_url = https://a\nsso_region = eu-west-1\n", "lacks sso_account"),
        (SESSION_CONFIG.replace("[profile dev]", "[profile x]").replace(
            "sso_role_name = Developer", "sso_role_name = D\nsso_region = us-west-2"
        ), "sso_region of profile 'x' differs"),
    ],
)  # fmt: skip
def test_bad_sso_profiles(world: World, config: str, message: str) -> None:
    world.files(config=config)
    with pytest.raises(CredentialsError, match=message):
        provider(world, "x").load()


def test_profile_without_sso_declines(world: World) -> None:
    world.files(config="[profile plain]\nregion = eu-west-1\n")
    assert provider(world, "plain").load() is None


# ---------------------------------------------------------------- credential_process

PRINT_CREDS = f"""
import json, sys
print("fetching credentials", file=sys.stderr)
print(json.dumps({{
    "Version": 1,
    "AccessKeyId": "AKIAPROC",
    "SecretAccessKey": "{MARKER}-proc-secret",
    "SessionToken": "{MARKER}-proc-token",
    "Expiration": "2026-12-01T13:00:00Z",
}}))
"""


@pytest.mark.parametrize("use_async", [False, True])
async def test_process_success_and_stderr_passthrough(
    world: World, capfd: pytest.CaptureFixture[str], use_async: bool
) -> None:
    command = world.script("creds.py", PRINT_CREDS)
    env = world.files(config=f"[default]\ncredential_process = {command}\n")
    process = ProcessCredentialProvider(None, env)
    creds = await process.aload() if use_async else process.load()
    assert creds is not None
    assert (creds.access_key_id, creds.secret_access_key) == ("AKIAPROC", f"{MARKER}-proc-secret")
    assert creds.expiration == datetime(2026, 12, 1, 13, 0, tzinfo=UTC)
    assert "fetching credentials" in capfd.readouterr().err


@pytest.mark.parametrize("use_async", [False, True])
async def test_process_failure_is_clear(world: World, use_async: bool) -> None:
    command = world.script("fail.py", f"import sys\nprint('{MARKER}-half-written')\nsys.exit(3)\n")
    env = world.files(config=f"[profile p]\ncredential_process = {command}\n")
    process = ProcessCredentialProvider("p", env)
    with pytest.raises(CredentialsError) as info:
        await process.aload() if use_async else process.load()
    assert "credential_process of profile 'p'" in str(info.value)
    assert "exited with status 3" in str(info.value)
    assert MARKER not in str(info.value)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("print('not json')", "did not print a JSON object"),
        ("print('{\"Version\": 2}')", "unsupported Version"),
        ('print(\'{"Version": 1, "AccessKeyId": "A"}\')', "printed no SecretAccessKey"),
    ],
)
def test_process_bad_output(world: World, body: str, message: str) -> None:
    env = world.files(config=f"[default]\ncredential_process = {world.script('p.py', body)}\n")
    with pytest.raises(CredentialsError, match=message):
        ProcessCredentialProvider(None, env).load()


def test_process_missing_program(world: World) -> None:
    env = world.files(config="[default]\ncredential_process = /nonexistent/helper --x\n")
    with pytest.raises(CredentialsError, match="could not start /nonexistent/helper"):
        ProcessCredentialProvider(None, env).load()


async def test_cancelled_process_is_killed(world: World) -> None:
    import asyncio
    import os

    pid_file = world.root / "pid"
    command = world.script(
        "hang.py",
        f"import os, time\nopen({str(pid_file)!r}, 'w').write(str(os.getpid()))\ntime.sleep(30)\n",
    )
    env = world.files(config=f"[default]\ncredential_process = {command}\n")
    task = asyncio.ensure_future(ProcessCredentialProvider(None, env).aload())
    for _ in range(500):
        if pid_file.exists() and pid_file.read_text():
            break
        await asyncio.sleep(0.01)
    pid = int(pid_file.read_text())
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    for _ in range(300):  # reaped by the worker thread once killed
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        await asyncio.sleep(0.01)
    else:
        raise AssertionError("the credential_process child is still running")
