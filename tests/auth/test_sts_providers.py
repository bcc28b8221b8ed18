"""Assume-role profiles and web identity against a fake STS on 127.0.0.1."""

from __future__ import annotations

from pathlib import Path

import pytest

from aws_ses.auth import AssumeRoleCredentialProvider, WebIdentityCredentialProvider
from aws_ses.auth.sts import sts_endpoint
from aws_ses.errors import CredentialsError

from .conftest import World
from .fakes import MARKER

BASE = f"""
[base]
aws_access_key_id = AKIABASE
aws_secret_access_key = {MARKER}-base-secret
"""


def sts_calls(world: World) -> list[dict[str, str]]:
    return [r.form for r in world.fake.seen("/") if r.method == "POST"]


@pytest.fixture
def base_key(world: World) -> None:
    world.fake.secrets["AKIABASE"] = f"{MARKER}-base-secret"


def test_assume_role_signed_with_source_keys(world: World, base_key: None) -> None:
    env = world.files(
        credentials=BASE,
        config="""
        [profile app]
        role_arn = arn:aws:iam::123456789012:role/app
        source_profile = base
        external_id = ext-1
        duration_seconds = 1800
        role_session_name = my-session
        region = eu-west-1
        """,
    )
    creds = AssumeRoleCredentialProvider("app", env).load()
    assert creds is not None and creds.access_key_id.startswith("ASIASTS")
    assert creds.session_token is not None and creds.expiration is not None
    (call,) = sts_calls(world)
    assert call["Action"] == "AssumeRole" and call["Version"] == "2011-06-15"
    assert call["RoleArn"] == "arn:aws:iam::123456789012:role/app"
    assert (call["ExternalId"], call["DurationSeconds"], call["RoleSessionName"]) == (
        "ext-1", "1800", "my-session",
    )  # fmt: skip
    auth = world.fake.seen("/")[0].headers["authorization"]
    assert "Credential=AKIABASE/" in auth and "/eu-west-1/sts/aws4_request" in auth


def test_chained_source_profiles_assume_each_role(world: World, base_key: None) -> None:
    env = world.files(
        credentials=BASE,
        config="""
        [profile middle]
        role_arn = arn:aws:iam::111111111111:role/middle
        source_profile = base
        [profile top]
        role_arn = arn:aws:iam::222222222222:role/top
        source_profile = middle
        """,
    )
    creds = AssumeRoleCredentialProvider("top", env).load()
    assert creds is not None
    calls = sts_calls(world)
    assert [c["RoleArn"].rsplit("/", 1)[1] for c in calls] == ["middle", "top"]
    # The second call is signed with the first role's keys.
    second = world.fake.seen("/")[1].headers["authorization"]
    assert "Credential=ASIASTS" in second
    assert f"{MARKER}" not in repr(creds)


def test_source_profile_cycle_is_named(world: World) -> None:
    env = world.files(
        config="""
        [profile a]
        role_arn = arn:aws:iam::1:role/a
        source_profile = b
        [profile b]
        role_arn = arn:aws:iam::1:role/b
        source_profile = a
        """
    )
    with pytest.raises(CredentialsError, match="source_profile loop: a -> b -> a"):
        AssumeRoleCredentialProvider("a", env).load()
    assert not world.fake.requests


def test_profile_may_be_its_own_source_with_static_keys(world: World) -> None:
    world.fake.secrets["AKIASELF"] = "s"
    env = world.files(
        credentials="""
        [self]
        aws_access_key_id = AKIASELF
        aws_secret_access_key = s
        role_arn = arn:aws:iam::1:role/self
        source_profile = self
        """
    )
    assert AssumeRoleCredentialProvider("self", env).load() is not None
    assert len(sts_calls(world)) == 1


def test_credential_source_environment(world: World) -> None:
    world.fake.secrets["AKIAENV"] = "env-secret"
    env = world.files(
        config="[profile ci]\nrole_arn = arn:aws:iam::1:role/ci\ncredential_source = Environment\n"
    )
    env = {**env, "AWS_ACCESS_KEY_ID": "AKIAENV", "AWS_SECRET_ACCESS_KEY": "env-secret"}
    assert AssumeRoleCredentialProvider("ci", env).load() is not None
    bad = world.files(config="[profile x]\nrole_arn = r\ncredential_source = Moon\n")
    with pytest.raises(CredentialsError, match="credential_source 'Moon' of profile 'x'"):
        AssumeRoleCredentialProvider("x", bad).load()


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ("[profile x]\nrole_arn = r\n", "neither source_profile nor credential_source"),
        (
            "[profile x]\nrole_arn = r\nsource_profile = y\ncredential_source = Environment\n",
            "both source_profile and credential_source",
        ),
        ("[profile x]\nrole_arn = r\nsource_profile = nope\n", "'nope' of profile 'x' does not"),
        ("[profile x]\nrole_arn = r\nsource_profile = x\n", "source_profile loop: x -> x"),
        (
            "[profile x]\nrole_arn = r\nsource_profile = base\nduration_seconds = 5\n",
            "duration_seconds of profile 'x' must be",
        ),
    ],
)
def test_bad_assume_role_profiles(world: World, config: str, message: str) -> None:
    env = world.files(credentials=BASE, config=config)
    with pytest.raises(CredentialsError, match=message):
        AssumeRoleCredentialProvider("x", env).load()


MFA = """
[profile mfa]
role_arn = arn:aws:iam::1:role/mfa
source_profile = base
mfa_serial = arn:aws:iam::1:mfa/alice
"""


def test_mfa_needs_a_callback(world: World, base_key: None) -> None:
    env = world.files(credentials=BASE, config=MFA)
    with pytest.raises(CredentialsError, match=r"needs an MFA code.*mfa_token_provider"):
        AssumeRoleCredentialProvider("mfa", env).load()
    asked: list[str] = []

    def code(serial: str) -> str:
        asked.append(serial)
        return "123456"

    assert AssumeRoleCredentialProvider("mfa", env, mfa_token_provider=code).load() is not None
    assert asked == ["arn:aws:iam::1:mfa/alice"]
    call = sts_calls(world)[-1]
    assert (call["SerialNumber"], call["TokenCode"]) == ("arn:aws:iam::1:mfa/alice", "123456")


async def test_mfa_async_callback(world: World, base_key: None) -> None:
    env = world.files(credentials=BASE, config=MFA)

    async def code(serial: str) -> str:
        return "654321"

    provider = AssumeRoleCredentialProvider("mfa", env, mfa_token_provider=code)
    assert await provider.aload() is not None
    assert sts_calls(world)[-1]["TokenCode"] == "654321"
    with pytest.raises(CredentialsError, match="only with the async client"):
        provider.load()


def test_sts_xml_error_is_reported(world: World, base_key: None) -> None:
    world.fake.sts_errors = [(403, "AccessDenied", "not authorized to assume the role")]
    env = world.files(credentials=BASE, config="[profile x]\nrole_arn = r\nsource_profile = base\n")
    with pytest.raises(CredentialsError) as info:
        AssumeRoleCredentialProvider("x", env).load()
    assert info.value.code == "AccessDenied"
    assert str(info.value).endswith(
        "STS AssumeRole failed: AccessDenied: not authorized to assume the role "
        "(request id req-err-1) (HTTP 403)"
    )
    assert len(sts_calls(world)) == 1  # a refusal is not retried


async def test_sts_5xx_is_retried_once(world: World, base_key: None) -> None:
    world.fake.sts_errors = [(503, "ServiceUnavailable", "try later")]
    env = world.files(credentials=BASE, config="[profile x]\nrole_arn = r\nsource_profile = base\n")
    assert await AssumeRoleCredentialProvider("x", env).aload() is not None
    assert len(sts_calls(world)) == 2


# ---------------------------------------------------------------- web identity


def web_env(world: World, token_file: Path, **extra: str) -> dict[str, str]:
    world.files()
    return {
        **world.env,
        "AWS_WEB_IDENTITY_TOKEN_FILE": str(token_file),
        "AWS_ROLE_ARN": "arn:aws:iam::1:role/gha",
        "AWS_ROLE_SESSION_NAME": "gha-run",
        **extra,
    }


def test_web_identity_unsigned_and_token_reread(world: World, tmp_path: Path) -> None:
    token_file = tmp_path / "token"
    token_file.write_text(f"{MARKER}-jwt-1\n")
    provider = WebIdentityCredentialProvider(None, web_env(world, token_file))
    creds = provider.load()
    assert creds is not None and creds.access_key_id.startswith("ASIASTS")
    token_file.write_text(f"{MARKER}-jwt-2")
    assert provider.load() is not None
    calls = sts_calls(world)
    assert [c["WebIdentityToken"] for c in calls] == [f"{MARKER}-jwt-1", f"{MARKER}-jwt-2"]
    assert calls[0]["Action"] == "AssumeRoleWithWebIdentity"
    assert calls[0]["RoleSessionName"] == "gha-run"
    assert all("authorization" not in r.headers for r in world.fake.seen("/"))


async def test_web_identity_xml_error_async(world: World, tmp_path: Path) -> None:
    token_file = tmp_path / "token"
    token_file.write_text("not-a-valid-jwt")
    provider = WebIdentityCredentialProvider(None, web_env(world, token_file))
    with pytest.raises(CredentialsError, match="InvalidIdentityToken: token rejected"):
        await provider.aload()


def test_web_identity_from_profile_and_missing_role(world: World, tmp_path: Path) -> None:
    token_file = tmp_path / "token"
    token_file.write_text(f"{MARKER}-jwt")
    env = world.files(
        config=f"[profile eks]\nweb_identity_token_file = {token_file}\n"
        "role_arn = arn:aws:iam::1:role/eks\n"
    )
    assert WebIdentityCredentialProvider("eks", env).load() is not None
    assert sts_calls(world)[0]["RoleArn"] == "arn:aws:iam::1:role/eks"
    lone = {**world.env, "AWS_WEB_IDENTITY_TOKEN_FILE": str(token_file)}
    with pytest.raises(CredentialsError, match="no role: set AWS_ROLE_ARN"):
        WebIdentityCredentialProvider(None, lone).load()
    gone = {**lone, "AWS_ROLE_ARN": "r", "AWS_WEB_IDENTITY_TOKEN_FILE": str(tmp_path / "gone")}
    with pytest.raises(CredentialsError, match="cannot read web identity token file"):
        WebIdentityCredentialProvider(None, gone).load()


LEGACY = {"AWS_STS_REGIONAL_ENDPOINTS": "legacy"}
CONFIGURED = {"AWS_ENDPOINT_URL_STS": "http://127.0.0.1:1"}
IGNORED = {**CONFIGURED, "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true"}
GLOBAL = ("https://sts.amazonaws.com/", "us-east-1")


@pytest.mark.parametrize(
    ("region", "env", "expected"),
    [
        ("eu-west-1", {}, ("https://sts.eu-west-1.amazonaws.com/", "eu-west-1")),
        (None, {}, GLOBAL),
        ("cn-north-1", {}, ("https://sts.cn-north-1.amazonaws.com.cn/", "cn-north-1")),
        ("eu-west-1", LEGACY, GLOBAL),
        ("ap-east-1", LEGACY, ("https://sts.ap-east-1.amazonaws.com/", "ap-east-1")),
        ("eu-west-1", CONFIGURED, ("http://127.0.0.1:1/", "eu-west-1")),
        (
            "eu-west-1",
            {"AWS_ENDPOINT_URL": "http://127.0.0.1:2"},
            ("http://127.0.0.1:2/", "eu-west-1"),
        ),
        ("eu-west-1", IGNORED, ("https://sts.eu-west-1.amazonaws.com/", "eu-west-1")),
    ],
)
def test_sts_endpoint(region: str | None, env: dict[str, str], expected: tuple[str, str]) -> None:
    assert sts_endpoint(region, env) == expected


def test_source_profile_without_credentials_says_why(world: World) -> None:
    env = world.files(
        config="[profile x]\nrole_arn = r\nsource_profile = empty\n[profile empty]\nregion = a\n"
    )
    with pytest.raises(CredentialsError) as info:
        AssumeRoleCredentialProvider("x", env).load()
    message = str(info.value)
    assert "source_profile 'empty' gave no credentials" in message
    assert "shared-credentials-file: profile 'empty' has no aws_access_key_id" in message
    assert not world.fake.requests
