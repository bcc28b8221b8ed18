"""Credential and region resolution: environment, shared files, chain.

Every test passes an ``env`` mapping that points the shared files into
``tmp_path``: the real home directory and the real environment are never read.
botocore serves as an independent oracle for the profile-file semantics.
"""

from __future__ import annotations

import logging
import os
import pickle
import textwrap
import traceback
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aws_ses.auth import (
    CredentialChain,
    CredentialProvider,
    Credentials,
    EnvironmentCredentialProvider,
    SharedFilesCredentialProvider,
    StaticCredentialProvider,
    default_chain,
    load_profiles,
    load_shared_files,
    profile_name,
    resolve_region,
)
from aws_ses.errors import CredentialsError

SECRET = "wJalrXUtnFEMI/K7MDENG+Zq9SeCrEtLeAk0000"
TOKEN = "IQoJb3JpZ2luX2VjTOKENLEAK+unique/abc=="


class Files:
    """Writes the two shared files into a temporary directory."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.credentials = root / "credentials"
        self.config = root / "config"
        self.env: dict[str, str] = {
            "AWS_SHARED_CREDENTIALS_FILE": str(self.credentials),
            "AWS_CONFIG_FILE": str(self.config),
            "HOME": str(root / "home"),
            # The chain ends with IMDS: never let a test reach for the real one.
            "AWS_EC2_METADATA_DISABLED": "true",
        }

    def write(
        self, credentials: str | None = None, config: str | None = None, **env: str
    ) -> dict[str, str]:
        if credentials is not None:
            self.credentials.write_text(textwrap.dedent(credentials), encoding="utf-8")
        if config is not None:
            self.config.write_text(textwrap.dedent(config), encoding="utf-8")
        return {**self.env, **env}


@pytest.fixture
def files(tmp_path: Path) -> Files:
    return Files(tmp_path)


def no_leak(text: str) -> None:
    for secret in (SECRET, TOKEN):
        assert secret not in text
        assert secret.lower() not in text.lower()


# ---------------------------------------------------------------- environment


def test_env_keys_without_token() -> None:
    creds = EnvironmentCredentialProvider(
        {"AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": SECRET}
    ).load()
    assert creds is not None
    assert creds.access_key_id == "AKIDENV"
    assert creds.secret_access_key == SECRET
    assert creds.session_token is None
    assert creds.expiration is None
    assert creds.source == "environment"


def test_env_session_token_preferred_to_security_token() -> None:
    base = {"AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": SECRET}
    both = {**base, "AWS_SESSION_TOKEN": TOKEN, "AWS_SECURITY_TOKEN": "legacy"}
    legacy = {**base, "AWS_SECURITY_TOKEN": "legacy"}
    assert EnvironmentCredentialProvider(both).load().session_token == TOKEN  # type: ignore[union-attr]
    assert EnvironmentCredentialProvider(legacy).load().session_token == "legacy"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2026-05-09T07:35:25Z", datetime(2026, 5, 9, 7, 35, 25, tzinfo=UTC)),
        ("2026-05-09T07:35:25+02:00", datetime(2026, 5, 9, 5, 35, 25, tzinfo=UTC)),
        ("2026-05-09T07:35:25.123456Z", datetime(2026, 5, 9, 7, 35, 25, 123456, tzinfo=UTC)),
        ("2026-05-09T07:35:25", datetime(2026, 5, 9, 7, 35, 25, tzinfo=UTC)),
    ],
)
def test_env_expiration_is_aware(raw: str, expected: datetime) -> None:
    creds = EnvironmentCredentialProvider(
        {
            "AWS_ACCESS_KEY_ID": "AKID",
            "AWS_SECRET_ACCESS_KEY": SECRET,
            "AWS_CREDENTIAL_EXPIRATION": raw,
        }
    ).load()
    assert creds is not None
    assert creds.expiration is not None
    assert creds.expiration.tzinfo is not None
    assert creds.expiration == expected
    if raw.endswith("+02:00"):
        assert creds.expiration.utcoffset() == timedelta(hours=2)
        assert creds.expiration.tzinfo == timezone(timedelta(hours=2))


def test_env_bad_expiration_names_variable() -> None:
    env = {
        "AWS_ACCESS_KEY_ID": "AKID",
        "AWS_SECRET_ACCESS_KEY": SECRET,
        "AWS_CREDENTIAL_EXPIRATION": "next tuesday",
    }
    with pytest.raises(CredentialsError, match="AWS_CREDENTIAL_EXPIRATION"):
        EnvironmentCredentialProvider(env).load()


@pytest.mark.parametrize(
    ("env", "missing"),
    [
        ({"AWS_ACCESS_KEY_ID": "AKID"}, "AWS_SECRET_ACCESS_KEY"),
        ({"AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": ""}, "AWS_SECRET_ACCESS_KEY"),
        ({"AWS_ACCESS_KEY_ID": "AKID", "AWS_SESSION_TOKEN": TOKEN}, "AWS_SECRET_ACCESS_KEY"),
        ({"AWS_SECRET_ACCESS_KEY": SECRET}, "AWS_ACCESS_KEY_ID"),
        ({"AWS_SECRET_ACCESS_KEY": SECRET, "AWS_ACCESS_KEY_ID": "  "}, "AWS_ACCESS_KEY_ID"),
    ],
)
def test_env_partial_names_the_missing_variable(env: dict[str, str], missing: str) -> None:
    with pytest.raises(CredentialsError) as info:
        EnvironmentCredentialProvider(env).load()
    assert f"but {missing} is not" in str(info.value)


@pytest.mark.parametrize(
    "env",
    [{}, {"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": ""}, {"AWS_SESSION_TOKEN": TOKEN}],
)
def test_env_not_configured(env: dict[str, str]) -> None:
    assert EnvironmentCredentialProvider(env).load() is None


def test_env_is_read_at_load_time(monkeypatch: pytest.MonkeyPatch) -> None:
    env: dict[str, str] = {}
    provider = EnvironmentCredentialProvider(env)
    assert provider.load() is None
    env.update(AWS_ACCESS_KEY_ID="AKID", AWS_SECRET_ACCESS_KEY=SECRET)
    assert provider.load() is not None

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKOSENV")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET)
    creds = EnvironmentCredentialProvider().load()
    assert creds is not None
    assert creds.access_key_id == "AKOSENV"


# ---------------------------------------------------------------- file format


def test_profile_sections_in_each_file(files: Files) -> None:
    env = files.write(
        credentials="""
        [default]
        aws_access_key_id = AKDEFAULT
        [dev]
        aws_access_key_id = AKDEV
        [profile odd]
        aws_access_key_id = AKODD
        """,
        config="""
        [default]
        region = eu-west-1
        [profile dev]
        region = us-west-2
        [staging]
        region = ap-south-1
        [profile "with space"]
        region = sa-east-1
        """,
    )
    profiles = load_profiles(env)
    assert profiles["default"] == {"aws_access_key_id": "AKDEFAULT", "region": "eu-west-1"}
    assert profiles["dev"] == {"aws_access_key_id": "AKDEV", "region": "us-west-2"}
    # The credentials file takes section names verbatim; the config file
    # needs the "profile" prefix, so [staging] there is not a profile.
    assert profiles["profile odd"] == {"aws_access_key_id": "AKODD"}
    assert "staging" not in profiles
    assert profiles["with space"] == {"region": "sa-east-1"}


def test_credentials_file_wins_key_by_key(files: Files) -> None:
    env = files.write(
        credentials="""
        [dev]
        aws_access_key_id = FROM_CREDENTIALS
        region = us-east-2
        """,
        config="""
        [profile dev]
        aws_access_key_id = FROM_CONFIG
        region = us-west-1
        output = json
        """,
    )
    assert load_profiles(env)["dev"] == {
        "aws_access_key_id": "FROM_CREDENTIALS",
        "region": "us-east-2",
        "output": "json",
    }


def test_nested_sections_comments_and_whitespace(files: Files) -> None:
    env = files.write(
        config="""
        # a comment
        ; another comment
        [default]   # comment after a header
          Region=us-east-1
        s3 =
          max_concurrent_requests = 10
            # an indented comment inside the block
          addressing_style=path

          signature_version =s3v4
        output   :   json
        role_arn = arn:aws:iam::123456789012:role/x
        token = abc==
        note = x # not a comment: no inline comments on value lines
        multi = first
          second

        [sso-session corp]
        sso_start_url = https://example.awsapps.com/start
        sso_region = us-east-1

        [services local]
        sesv2 =
          endpoint_url = http://localhost:4566

        [plugins]
        cli_legacy_plugin_path = /x

        [DEFAULT]
        leaks = no
        """,
    )
    files_ = load_shared_files(env)
    assert files_.config["default"] == {
        "region": "us-east-1",
        "s3": {
            "max_concurrent_requests": "10",
            "addressing_style": "path",
            "signature_version": "s3v4",
        },
        "output": "json",
        "role_arn": "arn:aws:iam::123456789012:role/x",
        "token": "abc==",
        "note": "x # not a comment: no inline comments on value lines",
        "multi": "first\nsecond",
    }
    assert files_.sso_sessions == {
        "corp": {"sso_start_url": "https://example.awsapps.com/start", "sso_region": "us-east-1"}
    }
    assert files_.services == {"local": {"sesv2": {"endpoint_url": "http://localhost:4566"}}}
    assert set(load_profiles(env)) == {"default"}


def test_bom_and_crlf(files: Files) -> None:
    files.credentials.write_bytes(
        b"\xef\xbb\xbf[default]\r\naws_access_key_id = AKBOM\r\naws_secret_access_key = s\r\n"
    )
    assert load_profiles(files.env)["default"]["aws_access_key_id"] == "AKBOM"


def test_later_default_section_replaces_earlier(files: Files) -> None:
    env = files.write(
        config="""
        [default]
        region = us-east-1
        output = text
        [profile default]
        region = eu-central-1
        """
    )
    assert load_profiles(env)["default"] == {"region": "eu-central-1"}


def test_missing_files_are_empty(files: Files) -> None:
    assert load_profiles(files.env) == {}
    assert load_profiles({"HOME": str(files.root / "nowhere")}) == {}


def test_paths_expand_home_and_variables(files: Files) -> None:
    home = files.root / "home"
    (home / ".aws").mkdir(parents=True)
    (home / ".aws" / "credentials").write_text("[default]\naws_access_key_id = AKHOME\n")
    (home / "alt").write_text("[profile alt]\nregion = eu-north-1\n")
    env = {"HOME": str(home)}
    assert load_profiles(env)["default"] == {"aws_access_key_id": "AKHOME"}

    env = {"HOME": str(home), "AWS_CONFIG_FILE": "~/alt", "AWS_SHARED_CREDENTIALS_FILE": "~/none"}
    shared = load_shared_files(env)
    assert shared.config_path == home / "alt"
    assert load_profiles(env) == {"alt": {"region": "eu-north-1"}}

    env = {
        "BASE": str(home),
        "AWS_CONFIG_FILE": "${BASE}/alt",
        "AWS_SHARED_CREDENTIALS_FILE": "$BASE/x",
    }
    assert load_shared_files(env).config_path == home / "alt"
    assert load_shared_files(env).credentials_path == home / "x"


@pytest.mark.parametrize(
    ("text", "line", "problem"),
    [
        ("[default]\naws_access_key_id\n", 2, "expected 'key = value'"),
        ("aws_access_key_id = a\n[default]\n", 1, "before the first '[section]'"),
        ("[default\nregion = x\n", 1, "'[section]' header"),
        ("[]\n", 1, "'[section]' header"),
        ("[default] junk\n", 1, "'[section]' header"),
        ("[a]\nx = 1\n[b]\n[a]\n", 4, "repeats the section header at line 1"),
        ("[a]\nx = 1\n\nX = 2\n", 4, "repeats the key set at line 2"),
        ("[a]\ns3 =\n  ok = 1\n  broken\n", 4, "sub-section"),
        ("[a]\n = value\n", 2, "no key"),
    ],
)
def test_malformed_file_names_file_and_line(
    files: Files, text: str, line: int, problem: str
) -> None:
    files.config.write_text(text)
    with pytest.raises(CredentialsError) as info:
        load_profiles(files.env)
    message = str(info.value)
    assert str(files.config) in message
    assert f"line {line}:" in message
    assert problem in message


def test_invalid_utf8_names_line(files: Files) -> None:
    files.credentials.write_bytes(b"[default]\nx = 1\ny = \xff\xfe\n")
    with pytest.raises(CredentialsError, match=r"line 3: not valid UTF-8"):
        load_profiles(files.env)


def test_unreadable_path_is_an_error(files: Files) -> None:
    files.config.mkdir()
    with pytest.raises(CredentialsError, match="is a directory"):
        load_profiles(files.env)


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "default"),
        ({"AWS_DEFAULT_PROFILE": "old"}, "old"),
        ({"AWS_PROFILE": "new", "AWS_DEFAULT_PROFILE": "old"}, "new"),
        ({"AWS_PROFILE": "", "AWS_DEFAULT_PROFILE": "old"}, "old"),
        ({"AWS_PROFILE": ""}, "default"),
    ],
)
def test_profile_name(env: dict[str, str], expected: str) -> None:
    assert profile_name(env) == expected


# ---------------------------------------------------------------- shared-files provider


CREDENTIALS = """
[default]
aws_access_key_id = AKCREDDEFAULT
aws_secret_access_key = secret-default

[dev]
aws_access_key_id = AKCREDDEV
aws_secret_access_key = secret-dev
aws_session_token = token-dev

[legacy]
aws_access_key_id = AKLEGACY
aws_secret_access_key = secret-legacy
aws_security_token = legacy-token

[regiononly]
region = us-east-2
"""

CONFIG = """
[default]
region = eu-west-1

[profile dev]
aws_access_key_id = AKCONFIGDEV
aws_secret_access_key = secret-config-dev
region = us-west-2

[profile cfgonly]
aws_access_key_id = AKCFGONLY
aws_secret_access_key = secret-cfgonly

[profile regiononly]
aws_access_key_id = AKREGIONONLY
aws_secret_access_key = secret-regiononly

[profile nokeys]
region = ap-southeast-2
"""


@pytest.fixture
def standard(files: Files) -> dict[str, str]:
    return files.write(credentials=CREDENTIALS, config=CONFIG)


@pytest.mark.parametrize(
    ("profile", "env_profile", "key", "token"),
    [
        (None, None, "AKCREDDEFAULT", None),
        ("dev", None, "AKCREDDEV", "token-dev"),  # credentials file before config
        (None, "dev", "AKCREDDEV", "token-dev"),  # AWS_PROFILE
        ("cfgonly", "dev", "AKCFGONLY", None),  # argument beats AWS_PROFILE
        ("legacy", None, "AKLEGACY", "legacy-token"),
        ("regiononly", None, "AKREGIONONLY", None),  # no keys in credentials file
    ],
)
def test_shared_files_provider(
    standard: dict[str, str],
    profile: str | None,
    env_profile: str | None,
    key: str,
    token: str | None,
) -> None:
    env = dict(standard)
    if env_profile:
        env["AWS_PROFILE"] = env_profile
    creds = SharedFilesCredentialProvider(profile, env).load()
    assert creds is not None
    assert creds.access_key_id == key
    assert creds.session_token == token
    assert creds.source == "shared-files"


def test_profile_without_keys_is_not_configured(standard: dict[str, str]) -> None:
    assert SharedFilesCredentialProvider("nokeys", standard).load() is None


@pytest.mark.parametrize(
    ("profile", "env_extra"),
    [("nope", {}), (None, {"AWS_PROFILE": "nope"}), (None, {"AWS_DEFAULT_PROFILE": "nope"})],
)
def test_missing_chosen_profile_is_an_error(
    files: Files, standard: dict[str, str], profile: str | None, env_extra: dict[str, str]
) -> None:
    with pytest.raises(CredentialsError) as info:
        SharedFilesCredentialProvider(profile, {**standard, **env_extra}).load()
    message = str(info.value)
    assert "profile 'nope' not found in" in message
    assert str(files.credentials) in message
    assert str(files.config) in message


def test_missing_default_profile_is_not_configured(files: Files) -> None:
    assert SharedFilesCredentialProvider(None, files.env).load() is None
    env = files.write(credentials="[other]\naws_access_key_id = a\naws_secret_access_key = b\n")
    assert SharedFilesCredentialProvider(None, env).load() is None
    # Asking for "default" by name makes it required, as in botocore.
    with pytest.raises(CredentialsError, match="profile 'default' not found"):
        SharedFilesCredentialProvider("default", env).load()


@pytest.mark.parametrize(
    ("text", "missing", "which"),
    [
        ("[default]\naws_access_key_id = AK\n", "but not aws_secret_access_key", "credentials"),
        ("[default]\naws_secret_access_key = s\n", "but not aws_access_key_id", "credentials"),
        (
            "[default]\naws_access_key_id = AK\naws_secret_access_key =\n",
            "but not aws_secret",
            "credentials",
        ),
    ],
)
def test_partial_profile_is_an_error(files: Files, text: str, missing: str, which: str) -> None:
    env = files.write(
        credentials=text, config="[default]\naws_access_key_id = A\naws_secret_access_key = B\n"
    )
    with pytest.raises(CredentialsError) as info:
        SharedFilesCredentialProvider(None, env).load()
    assert missing in str(info.value)
    assert f"profile 'default' in {files.credentials}" in str(info.value)


def test_partial_in_config_file_names_config(files: Files) -> None:
    env = files.write(config="[profile x]\naws_access_key_id = AK\n")
    with pytest.raises(CredentialsError, match=r"in .*config sets aws_access_key_id"):
        SharedFilesCredentialProvider("x", env).load()


def test_files_are_read_at_load_time(files: Files) -> None:
    provider = SharedFilesCredentialProvider(None, files.env)
    assert provider.load() is None
    files.write(credentials="[default]\naws_access_key_id = AKLATE\naws_secret_access_key = s\n")
    creds = provider.load()
    assert creds is not None
    assert creds.access_key_id == "AKLATE"


# ---------------------------------------------------------------- chain


class Recording:
    def __init__(self, name: str, result: Credentials | Exception | None) -> None:
        self.name = name
        self.result = result
        self.calls = 0

    def load(self) -> Credentials | None:
        self.calls += 1
        if isinstance(self.result, Exception):
            raise self.result
        return self.result


def test_providers_satisfy_protocol(files: Files) -> None:
    for provider in (
        StaticCredentialProvider(Credentials("a", "b")),
        EnvironmentCredentialProvider({}),
        SharedFilesCredentialProvider(None, files.env),
        CredentialChain([EnvironmentCredentialProvider({})]),
        Recording("x", None),
    ):
        assert isinstance(provider, CredentialProvider)


def test_chain_order_and_attribution() -> None:
    first = Recording("first", None)
    second = Recording("second", Credentials("AKSECOND", "s", source="whatever"))
    third = Recording("third", Credentials("AKTHIRD", "s"))
    creds = CredentialChain([first, second, third]).load()
    assert creds.access_key_id == "AKSECOND"
    assert creds.source == "second"
    assert (first.calls, second.calls, third.calls) == (1, 1, 0)


def test_chain_does_not_mutate_callers_credentials() -> None:
    mine = Credentials("AKMINE", SECRET, source="mine")
    creds = CredentialChain([StaticCredentialProvider(mine)]).load()
    assert creds.source == "explicit"
    assert mine.source == "mine"
    assert creds == mine


def test_chain_error_stops_the_walk() -> None:
    after = Recording("after", Credentials("AK", "s"))
    chain = CredentialChain([Recording("broken", CredentialsError("broken here")), after])
    with pytest.raises(CredentialsError, match="broken here"):
        chain.load()
    assert after.calls == 0


def test_chain_nothing_found_lists_providers() -> None:
    chain = CredentialChain([Recording("a", None), Recording("b", None)])
    with pytest.raises(
        CredentialsError, match=r"no AWS credentials found \(tried: a: not configured; b: not"
    ):
        chain.load()
    with pytest.raises(ValueError):
        CredentialChain([])


def test_nested_chain_keeps_inner_attribution() -> None:
    inner = CredentialChain([Recording("inner", Credentials("AK", "s"))])
    assert CredentialChain([inner]).load().source == "inner"


def test_default_chain_environment_then_files(standard: dict[str, str]) -> None:
    creds = default_chain(env=standard).load()
    assert (creds.access_key_id, creds.source) == ("AKCREDDEFAULT", "shared-credentials-file")

    env = {**standard, "AWS_ACCESS_KEY_ID": "AKENV", "AWS_SECRET_ACCESS_KEY": SECRET}
    creds = default_chain(env=env).load()
    assert (creds.access_key_id, creds.source) == ("AKENV", "environment")

    # AWS_PROFILE is not an explicit profile: environment keys still win.
    creds = default_chain(env={**env, "AWS_PROFILE": "dev"}).load()
    assert creds.access_key_id == "AKENV"


def test_default_chain_explicit_profile_skips_environment(standard: dict[str, str]) -> None:
    env = {**standard, "AWS_ACCESS_KEY_ID": "AKENV", "AWS_SECRET_ACCESS_KEY": SECRET}
    chain = default_chain("dev", env)
    assert "environment" not in [p.name for p in chain.providers]
    creds = chain.load()
    assert (creds.access_key_id, creds.source) == ("AKCREDDEV", "shared-credentials-file")


def test_default_chain_nothing_configured(files: Files) -> None:
    with pytest.raises(CredentialsError) as info:
        default_chain(env=files.env).load()
    message = str(info.value)
    for name in [
        "environment: AWS_ACCESS_KEY_ID is not set",
        "assume-role: no 'default' profile in the shared files",
        "web-identity: AWS_WEB_IDENTITY_TOKEN_FILE is not set",
        "sso: no 'default' profile",
        "shared-credentials-file: no 'default' profile",
        "credential-process: ",
        "config-file: ",
        "container: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and _FULL_URI are not set",
        "imds: disabled by AWS_EC2_METADATA_DISABLED",
    ]:
        assert name in message


def test_chain_logs_which_provider(
    standard: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG, logger="aws_ses.auth"):
        default_chain(env=standard).load()
    messages = [r.getMessage() for r in caplog.records if r.name == "aws_ses.auth"]
    assert "no credentials from environment" in messages
    assert "credentials supplied by shared-credentials-file" in messages


# ---------------------------------------------------------------- region


@pytest.mark.parametrize(
    ("explicit", "env_extra", "profile", "expected"),
    [
        ("ap-east-1", {"AWS_REGION": "r1", "AWS_DEFAULT_REGION": "r2"}, None, "ap-east-1"),
        (None, {"AWS_REGION": "r1", "AWS_DEFAULT_REGION": "r2"}, None, "r1"),
        ("  ", {"AWS_DEFAULT_REGION": "r2"}, None, "r2"),
        (None, {"AWS_REGION": "", "AWS_DEFAULT_REGION": "r2"}, "dev", "r2"),
        (None, {}, None, "eu-west-1"),
        (None, {}, "dev", "us-west-2"),
        (None, {"AWS_PROFILE": "nokeys"}, None, "ap-southeast-2"),
        (None, {"AWS_PROFILE": "nokeys"}, "dev", "us-west-2"),
        (None, {}, "regiononly", "us-east-2"),  # credentials file wins, as in botocore
        (None, {}, "cfgonly", None),
    ],
)
def test_region_precedence(
    standard: dict[str, str],
    explicit: str | None,
    env_extra: dict[str, str],
    profile: str | None,
    expected: str | None,
) -> None:
    assert resolve_region(explicit, profile=profile, env={**standard, **env_extra}) == expected


def test_region_missing(files: Files) -> None:
    assert resolve_region(env=files.env) is None
    with pytest.raises(CredentialsError, match="profile 'nope' not found"):
        resolve_region(profile="nope", env=files.env)
    # An explicit region never needs the files.
    assert resolve_region("us-east-1", profile="nope", env=files.env) == "us-east-1"


# ---------------------------------------------------------------- secret hygiene


def _error_cases(files: Files) -> Iterator[tuple[str, Callable[[], object]]]:
    env_creds = {"AWS_SECRET_ACCESS_KEY": SECRET, "AWS_SESSION_TOKEN": TOKEN}
    yield "env lone secret", lambda: EnvironmentCredentialProvider(env_creds).load()
    yield (
        "env bad expiry",
        lambda: EnvironmentCredentialProvider(
            {
                "AWS_ACCESS_KEY_ID": "AK",
                "AWS_SECRET_ACCESS_KEY": SECRET,
                "AWS_CREDENTIAL_EXPIRATION": SECRET,
            }
        ).load(),
    )
    yield (
        "env lone token",
        lambda: EnvironmentCredentialProvider(
            {"AWS_ACCESS_KEY_ID": "AK", "AWS_SESSION_TOKEN": TOKEN}
        ).load(),
    )

    def file_case(credentials: str, profile: str | None = None) -> Callable[[], object]:
        def run() -> object:
            env = files.write(credentials=credentials, config="")
            return default_chain(profile, env).load()

        return run

    bad_files = {
        "line without =": f"[default]\n{SECRET}\n",
        "token line without =": f"[default]\naws_access_key_id = AK\n  \n{TOKEN}\n",
        "secret as header": f"[{SECRET}\n",
        "junk after header": f"[default] {SECRET}\n",
        "before header": f"aws_secret_access_key = {SECRET}\n",
        "duplicate secret key": (
            f"[default]\naws_secret_access_key = {SECRET}\naws_secret_access_key = {SECRET}\n"
        ),
        "duplicate pasted secret": f"[default]\n{TOKEN}\n{TOKEN}\n",
        "nested without =": f"[default]\nsub =\n  {SECRET}\n",
        "missing access key": f"[default]\naws_secret_access_key = {SECRET}\n",
        "missing secret": f"[default]\naws_access_key_id = AK\naws_session_token = {TOKEN}\n",
        "bad line after secret": f"[default]\naws_secret_access_key = {SECRET}\n!!!\n",
    }
    for label, text in bad_files.items():
        yield label, file_case(text)
    good = f"[default]\naws_access_key_id = AK\naws_secret_access_key = {SECRET}\n"
    yield "missing profile", file_case(good, "nope")
    yield (
        "none found",
        lambda: CredentialChain(
            [EnvironmentCredentialProvider(env_creds | {"AWS_ACCESS_KEY_ID": ""})]
        ).load(),
    )

    def bad_utf8() -> object:
        files.write(config="")
        files.credentials.write_bytes(f"[default]\nx = {SECRET}\xff\n".encode("latin-1"))
        return load_profiles(files.env)

    yield "bad utf-8", bad_utf8


def test_no_secret_in_any_error_or_log(files: Files, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    seen = 0
    for label, case in _error_cases(files):
        with pytest.raises(CredentialsError) as info:
            case()
        exc = info.value
        for text in (str(exc), repr(exc), "".join(traceback.format_exception(exc))):
            assert SECRET not in text, label
            assert TOKEN not in text, label
            no_leak(text)
        seen += 1
    assert seen >= 15
    assert any(r.name == "aws_ses.auth" for r in caplog.records)
    no_leak(caplog.text)
    no_leak("\n".join(repr(r.args) for r in caplog.records))


def test_no_secret_on_success_paths(files: Files, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    env = files.write(
        credentials=f"[default]\naws_access_key_id = AK\naws_secret_access_key = {SECRET}\n"
        f"aws_session_token = {TOKEN}\n",
        config="[default]\nregion = us-east-1\n",
    )
    creds = default_chain(env=env).load()
    assert creds.secret_access_key == SECRET
    assert creds.session_token == TOKEN
    env_creds = {
        "AWS_ACCESS_KEY_ID": "AK",
        "AWS_SECRET_ACCESS_KEY": SECRET,
        "AWS_SESSION_TOKEN": TOKEN,
    }
    from_env = default_chain(env=env_creds).load()
    static = StaticCredentialProvider(from_env)
    resolve_region(env=env)
    for text in (
        repr(creds),
        str(creds),
        repr(from_env),
        repr(static),
        repr(load_shared_files(env)),
        repr(default_chain(env=env)),
        repr(SharedFilesCredentialProvider(None, env)),
        repr(EnvironmentCredentialProvider(env_creds)),
        caplog.text,
    ):
        no_leak(text)
    assert "credentials supplied by shared-credentials-file" in caplog.text
    with pytest.raises(TypeError):
        pickle.dumps(creds)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.sampled_from(
            [
                "[default]",
                "[profile x]",
                "[",
                "]",
                f"[{SECRET}]",
                f"aws_secret_access_key = {SECRET}",
                f"aws_session_token={TOKEN}",
                SECRET,
                TOKEN,
                f"  {SECRET}",
                f"  {TOKEN}",
                "aws_access_key_id = AK",
                "sub =",
                "  k = v",
                "# comment",
                "",
                "=",
                f"= {SECRET}",
            ]
        ),
        max_size=8,
    )
)
def test_fuzzed_files_never_leak(files: Files, lines: list[str]) -> None:
    env = files.write(credentials="\n".join(lines), config="\n".join(reversed(lines)))
    try:
        creds = default_chain(env=env).load()
    except CredentialsError as exc:
        no_leak("".join(traceback.format_exception(exc)))
        no_leak(repr(exc))
    else:
        no_leak(repr(creds))


# ---------------------------------------------------------------- botocore oracle

botocore_session = pytest.importorskip("botocore.session")
botocore_exceptions = pytest.importorskip("botocore.exceptions")

NAMES = ["default", "dev", "prod"]


@st.composite
def profile_files(draw: st.DrawFn) -> tuple[str, str, str | None, str | None]:
    """A credentials file, a config file, a profile argument and AWS_PROFILE."""
    sep = draw(st.sampled_from([" = ", "=", "   =  ", ": ", " :"]))
    upper = draw(st.booleans())

    def line(key: str, value: str) -> str:
        return f"{key.upper() if upper else key}{sep}{value}"

    def keys(tag: str, how: str) -> list[str]:
        out = []
        if how in ("full", "key-only"):
            out.append(line("aws_access_key_id", f"AK{tag}"))
        if how == "full":
            out.append(line("aws_secret_access_key", f"secret{tag}"))
            if draw(st.booleans()):
                out.append(line("aws_session_token", f"token{tag}"))
        return out

    creds_lines: list[str] = []
    config_lines: list[str] = []
    for name in draw(st.lists(st.sampled_from(NAMES), unique=True)):
        in_creds = draw(st.booleans())
        in_config = draw(st.booleans())
        if in_creds:
            creds_lines.append(f"[{name}]")
            creds_lines += keys(
                f"CRED{name.upper()}", draw(st.sampled_from(["full", "none", "key-only"]))
            )
            if draw(st.integers(0, 4)) == 0:
                creds_lines.append(line("region", f"cred-{name}-1"))
            if draw(st.booleans()):
                creds_lines.append(draw(st.sampled_from(["# note", "; note", "", "  # indented"])))
        if in_config:
            header = (
                "[default]" if name == "default" and draw(st.booleans()) else f"[profile {name}]"
            )
            config_lines.append(header)
            config_lines += keys(
                f"CONF{name.upper()}", draw(st.sampled_from(["full", "none", "key-only"]))
            )
            if draw(st.booleans()):
                config_lines.append(line("region", f"conf-{name}-1"))
            if draw(st.booleans()):
                config_lines += [
                    "s3 =",
                    "  max_concurrent_requests = 10",
                    "  addressing_style = path",
                ]
    if draw(st.booleans()):
        config_lines += [
            "[sso-session corp]",
            "sso_region = us-east-1",
            "[services x]",
            "sesv2 =",
            "  endpoint_url = http://localhost",
        ]
    choice = st.one_of(st.none(), st.sampled_from([*NAMES, "missing"]))
    return "\n".join(creds_lines) + "\n", "\n".join(config_lines) + "\n", draw(choice), draw(choice)


def _ours(env: dict[str, str], profile: str | None) -> tuple[object, object]:
    try:
        creds: object = default_chain(profile, env).load().access_key_id
    except CredentialsError as exc:
        creds = None if exc.message.startswith("no AWS credentials found") else "error"
    try:
        region: object = resolve_region(profile=profile, env=env)
    except CredentialsError:
        region = "error"
    return creds, region


def _botocore(env: dict[str, str], profile: str | None) -> tuple[object, object]:
    errors = (botocore_exceptions.ProfileNotFound, botocore_exceptions.PartialCredentialsError)
    with mock.patch.dict(os.environ, {**env, "AWS_EC2_METADATA_DISABLED": "true"}, clear=True):
        session = botocore_session.Session(profile=profile)
        try:
            found = session.get_credentials()
            creds: object = None if found is None else found.access_key
        except errors:
            creds = "error"
        session = botocore_session.Session(profile=profile)
        try:
            region: object = session.get_config_variable("region")
        except errors:
            region = "error"
    return creds, region


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(profile_files(), st.one_of(st.none(), st.just("env-region")))
def test_matches_botocore(
    files: Files, case: tuple[str, str, str | None, str | None], default_region: str | None
) -> None:
    credentials, config, profile, env_profile = case
    env = files.write(credentials=credentials, config=config)
    if env_profile is not None:
        env["AWS_PROFILE"] = env_profile
    if default_region is not None:
        env["AWS_DEFAULT_REGION"] = default_region
    assert _ours(env, profile) == _botocore(env, profile)


def test_botocore_oracle_sees_the_same_example(files: Files) -> None:
    # A fixed case, so the oracle is known to compare real values.
    env = files.write(credentials=CREDENTIALS, config=CONFIG)
    assert _botocore(env, "dev") == ("AKCREDDEV", "us-west-2") == _ours(env, "dev")
    assert _botocore(env, None) == ("AKCREDDEFAULT", "eu-west-1") == _ours(env, None)


def test_missing_aws_profile_is_an_error_even_with_environment_keys(files: Files) -> None:
    # botocore refuses a session whose AWS_PROFILE does not exist; so do we.
    env = {
        **files.write(credentials="", config=""),
        "AWS_PROFILE": "gone",
        "AWS_ACCESS_KEY_ID": "AKENV",
        "AWS_SECRET_ACCESS_KEY": SECRET,
    }
    with pytest.raises(CredentialsError, match="profile 'gone' not found"):
        default_chain(env=env).load()
    assert _botocore(env, None)[0] == "error"
