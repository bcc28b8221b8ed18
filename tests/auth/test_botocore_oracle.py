"""botocore as the oracle: for the same environment, files and endpoints, our
default chain picks the same provider and the same keys.

Both resolve against the same fake AWS on 127.0.0.1, which hands out the same
keys for the same kind of source every time (``sticky``), so the keys compare
exactly.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aws_ses.auth import default_chain
from aws_ses.errors import CredentialsError

from .conftest import World
from .fakes import MARKER, iso

botocore_session = pytest.importorskip("botocore.session")

# botocore's method names for our provider names.
BOTOCORE_NAMES = {
    "environment": "env",
    "assume-role": "assume-role",
    "web-identity": "assume-role-with-web-identity",
    "sso": "sso",
    "shared-credentials-file": "shared-credentials-file",
    "credential-process": "custom-process",
    "config-file": "config-file",
    "container": "container-role",
    "imds": "iam-role",
}

STATIC = f"""
[default]
aws_access_key_id = AKIACREDFILE
aws_secret_access_key = {MARKER}-credfile
"""

PROCESS = """
import json
print(json.dumps({"Version": 1, "AccessKeyId": "AKIAPROCESS", "SecretAccessKey": "s"}))
"""

Scenario = Callable[[World], dict[str, str]]


def env_keys(world: World) -> dict[str, str]:
    env = world.files(credentials=STATIC)
    return {**env, "AWS_ACCESS_KEY_ID": "AKIAENV", "AWS_SECRET_ACCESS_KEY": f"{MARKER}-env"}


def assume_role(world: World) -> dict[str, str]:
    world.fake.secrets["AKIACREDFILE"] = f"{MARKER}-credfile"
    return world.files(
        credentials=STATIC + "\n[base]\naws_access_key_id = AKIACREDFILE\n"
        f"aws_secret_access_key = {MARKER}-credfile\n",
        config="[profile app]\nrole_arn = arn:aws:iam::1:role/app\nsource_profile = base\n",
    ) | {"AWS_PROFILE": "app"}


def web_identity(world: World) -> dict[str, str]:
    token = world.root / "jwt"
    token.write_text(f"{MARKER}-jwt")
    return world.files(credentials=STATIC) | {
        "AWS_WEB_IDENTITY_TOKEN_FILE": str(token),
        "AWS_ROLE_ARN": "arn:aws:iam::1:role/ci",
        "AWS_ROLE_SESSION_NAME": "ci",
    }


def sso(world: World) -> dict[str, str]:
    world.fake.sso_tokens = {f"{MARKER}-sso"}
    later = datetime.now(UTC) + timedelta(hours=2)
    world.sso_cache("corp", {"accessToken": f"{MARKER}-sso", "expiresAt": iso(later)})
    return world.files(
        credentials=STATIC.replace("[default]", "[other]"),
        config="[default]\nsso_session = corp\nsso_account_id = 1\nsso_role_name = Dev\n"
        "[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\n"
        "sso_region = eu-west-1\n",
    )


def credentials_file_before_process(world: World) -> dict[str, str]:
    command = world.script("p.py", PROCESS)
    return world.files(credentials=STATIC, config=f"[default]\ncredential_process = {command}\n")


def process_before_config_file(world: World) -> dict[str, str]:
    command = world.script("p.py", PROCESS)
    return world.files(
        config=f"[default]\ncredential_process = {command}\naws_access_key_id = AKIACONFIG\n"
        "aws_secret_access_key = s\n"
    )


def config_file(world: World) -> dict[str, str]:
    return world.files(
        config="[default]\naws_access_key_id = AKIACONFIG\naws_secret_access_key = s\n"
    )


def container(world: World) -> dict[str, str]:
    return world.with_imds(
        AWS_CONTAINER_CREDENTIALS_FULL_URI=world.fake.url + "/container-creds",
        AWS_CONTAINER_AUTHORIZATION_TOKEN=f"{MARKER}-auth",
    ) | {
        k: v
        for k, v in world.files().items()
        if k.startswith("AWS_SHARED") or k == "AWS_CONFIG_FILE"
    }


def imds(world: World) -> dict[str, str]:
    world.files()
    return world.with_imds()


def imds_v1_only(world: World) -> dict[str, str]:
    world.fake.imds_mode = "v1-only"
    return imds(world)


def named_profile_beats_nothing(world: World) -> dict[str, str]:
    return world.files(
        credentials=STATIC + "\n[dev]\naws_access_key_id = AKIADEV\naws_secret_access_key = s\n"
    ) | {"AWS_PROFILE": "dev"}


SCENARIOS: dict[str, Scenario] = {
    "environment": env_keys,
    "assume-role": assume_role,
    "web-identity": web_identity,
    "sso": sso,
    "credentials file before credential_process": credentials_file_before_process,
    "credential_process before config file": process_before_config_file,
    "config file": config_file,
    "container": container,
    "imds": imds,
    "imds v1 only": imds_v1_only,
    "AWS_PROFILE": named_profile_beats_nothing,
}


def _no_event_loop(*args: object, **kwargs: object) -> None:
    raise AssertionError("the sync path started an event loop")


def ours(env: dict[str, str]) -> tuple[str | None, str | None]:
    # The sync chain must never start an event loop, whatever it loads from.
    with (
        mock.patch("asyncio.run", _no_event_loop),
        mock.patch("asyncio.new_event_loop", _no_event_loop),
    ):
        try:
            creds = default_chain(env=env).load()
        except CredentialsError as exc:
            if exc.message.startswith("no AWS credentials found"):
                return None, None
            return "error", None
    return BOTOCORE_NAMES[creds.source], creds.access_key_id


def botocore(env: dict[str, str]) -> tuple[str | None, str | None]:
    import botocore.credentials
    import botocore.tokens

    # botocore fixes its SSO cache directory from HOME when it is imported.
    cache_dir = str(Path(env["HOME"]) / ".aws" / "sso" / "cache")
    with (
        mock.patch.dict(os.environ, env, clear=True),
        mock.patch.object(botocore.tokens.SSOTokenProvider, "_SSO_TOKEN_CACHE_DIR", cache_dir),
        mock.patch.object(botocore.credentials.SSOProvider, "_SSO_TOKEN_CACHE_DIR", cache_dir),
    ):
        found = botocore_session.Session().get_credentials()
        if found is None:
            return None, None
        key = found.access_key  # a deferred provider fetches here
        return found.method, key


@pytest.mark.parametrize("scenario", list(SCENARIOS), ids=list(SCENARIOS))
def test_same_provider_and_keys_as_botocore(world: World, scenario: str) -> None:
    world.fake.sticky = True
    # A region, as botocore's STS client needs one with a configured endpoint.
    env = SCENARIOS[scenario](world) | {"AWS_DEFAULT_REGION": "eu-west-1"}
    mine = ours(env)
    assert mine[0] is not None
    assert mine == botocore(env)


def test_nothing_anywhere_is_nothing_for_both(world: World, tmp_path: Path) -> None:
    env = world.files()
    assert ours(env) == botocore(env) == (None, None)


# ---------------------------------------------------------------- random profile graphs

NAMES = ["default", "a", "b", "c"]


@st.composite
def profile_graphs(draw: st.DrawFn) -> tuple[str, str, str | None, bool]:
    """Credentials and config files whose profiles assume roles from each other,
    run credential_process, or hold keys; plus AWS_PROFILE and environment keys."""
    creds: list[str] = []
    config: list[str] = []
    for name in NAMES:
        kind = draw(st.sampled_from(["static", "role", "role-env", "process", "empty", "none"]))
        if kind == "none":
            continue
        lines: list[str] = []
        target = config
        if kind == "static":
            lines = [f"aws_access_key_id = AKIA{name.upper()}", "aws_secret_access_key = s"]
            target = draw(st.sampled_from([creds, config]))
        elif kind == "role":
            source = draw(st.sampled_from(NAMES))
            lines = [f"role_arn = arn:aws:iam::1:role/{name}", f"source_profile = {source}"]
        elif kind == "role-env":
            lines = [f"role_arn = arn:aws:iam::1:role/{name}", "credential_source = Environment"]
        elif kind == "process":
            lines = ["credential_process = PROCESS"]
        else:
            lines = ["region = eu-west-1"]
        header = f"[{name}]" if target is creds or name == "default" else f"[profile {name}]"
        target += [header, *lines]
    profile = draw(st.one_of(st.none(), st.sampled_from(NAMES)))
    return "\n".join(creds) + "\n", "\n".join(config) + "\n", profile, draw(st.booleans())


def _outcome(run: Callable[[], tuple[str | None, str | None]]) -> tuple[str | None, str | None]:
    try:
        return run()
    except Exception:  # either side's configuration error
        return "error", None


@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
@given(profile_graphs())
def test_profile_graphs_match_botocore(
    world: World, case: tuple[str, str, str | None, bool]
) -> None:
    credentials, config, profile, env_keys_set = case
    world.fake.sticky = True
    for key in ("AKIADEFAULT", "AKIAA", "AKIAB", "AKIAC", "AKIAPROCESS"):
        world.fake.secrets[key] = "s"
    world.fake.secrets["AKIAENV"] = f"{MARKER}-env"
    command = world.script("p.py", PROCESS)
    env = world.files(credentials=credentials, config=config.replace("PROCESS", command))
    env = env | {"AWS_DEFAULT_REGION": "eu-west-1"}
    if profile is not None:
        env["AWS_PROFILE"] = profile
    if env_keys_set:
        env |= {"AWS_ACCESS_KEY_ID": "AKIAENV", "AWS_SECRET_ACCESS_KEY": f"{MARKER}-env"}
    assert _outcome(lambda: ours(env)) == _outcome(lambda: botocore(env))
