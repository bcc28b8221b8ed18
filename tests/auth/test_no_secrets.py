"""No secret key, session token, web identity token, SSO token or container
token in any repr, str, exception text or traceback of the credential code.
(Log records of every test here are checked by the autouse fixture in
conftest.py.)"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from aws_ses import AsyncSesClient, SesClient
from aws_ses.auth import (
    AssumeRoleCredentialProvider,
    ContainerCredentialProvider,
    CredentialCache,
    ImdsCredentialProvider,
    ProcessCredentialProvider,
    SsoCredentialProvider,
    StsClient,
    WebIdentityCredentialProvider,
    default_chain,
)
from aws_ses.auth.http import HttpClient
from aws_ses.errors import CredentialsError

from .conftest import World
from .fakes import MARKER, iso


def texts_of(exc: BaseException) -> list[str]:
    return [str(exc), repr(exc), "".join(traceback.format_exception(exc))]


def failures(world: World) -> dict[str, Callable[[], object]]:
    fake = world.fake
    jwt = world.root / "jwt"
    jwt.write_text(f"{MARKER}-jwt-but-rejected")
    token_file = world.root / "eks"
    token_file.write_text(f"{MARKER}-eks-wrong")
    fake.container_tokens = {"right"}
    base = (
        f"[base]\naws_access_key_id = AKIABASE\naws_secret_access_key = {MARKER}-unknown-secret\n"
    )

    def sts_refused() -> object:
        env = world.files(
            credentials=base, config="[profile x]\nrole_arn = r\nsource_profile = base\n"
        )
        return AssumeRoleCredentialProvider("x", env).load()  # signature fails: 403 XML

    def web_identity_refused() -> object:
        fake.sts_errors = [(400, "InvalidIdentityToken", "bad token")]
        env = {
            **world.files(),
            "AWS_WEB_IDENTITY_TOKEN_FILE": str(jwt),
            "AWS_ROLE_ARN": "arn:aws:iam::1:role/x",
        }
        return WebIdentityCredentialProvider(None, env).load()

    def container_refused() -> object:
        env = {
            **world.env,
            "AWS_CONTAINER_CREDENTIALS_FULL_URI": fake.url + "/container-creds",
            "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": str(token_file),
        }
        return ContainerCredentialProvider(env).load()

    def sso_rejected() -> object:
        world.files(
            config="[profile s]\nsso_start_url = https://a\nsso_region = eu-west-1\n"
            "sso_account_id = 1\nsso_role_name = R\n"
        )
        later = iso(datetime.now(UTC) + timedelta(hours=1))
        world.sso_cache("https://a", {"accessToken": f"{MARKER}-sso", "expiresAt": later})
        return SsoCredentialProvider("s", world.env).load()

    def process_failed() -> object:
        command = world.script("p.py", f"print('{MARKER}-partial')\nraise SystemExit(2)\n")
        env = world.files(config=f"[default]\ncredential_process = {command}\n")
        return ProcessCredentialProvider(None, env).load()

    def process_bad_json() -> object:
        command = world.script("q.py", f'print(\'{{"Version": 1, "x": "{MARKER}"\')\n')
        env = world.files(config=f"[default]\ncredential_process = {command}\n")
        return ProcessCredentialProvider(None, env).load()

    def chain_after_declines() -> object:
        env = {
            **world.files(),
            "AWS_CONTAINER_CREDENTIALS_FULL_URI": fake.url + "/container-creds",
            "AWS_CONTAINER_AUTHORIZATION_TOKEN": f"{MARKER}-inline-wrong",
        }
        return default_chain(env=env).load()

    def cache_with_failing_chain() -> object:
        return CredentialCache(default_chain(env=world.files())).get()

    return {
        "sts refused": sts_refused,
        "web identity refused": web_identity_refused,
        "container refused": container_refused,
        "sso rejected": sso_rejected,
        "process failed": process_failed,
        "process bad json": process_bad_json,
        "chain after declines": chain_after_declines,
        "cache": cache_with_failing_chain,
    }


def test_no_secret_in_errors(world: World) -> None:
    cases = failures(world)
    for label, case in cases.items():
        with pytest.raises(CredentialsError) as info:
            case()
        for text in texts_of(info.value):
            assert MARKER not in text, label
    assert len(cases) == 8


async def test_no_secret_in_reprs(world: World) -> None:
    env = world.with_imds()
    providers: list[object] = list(default_chain(env=env).providers)
    cache = CredentialCache(ImdsCredentialProvider(env))
    creds = await cache.aget()
    assert MARKER in creds.secret_access_key  # the real thing was loaded
    objects = [
        *providers,
        default_chain(env=env),
        cache,
        creds,
        StsClient(HttpClient(), region="eu-west-1", env=env),
        SesClient(region="us-east-1", credentials=creds),
        AsyncSesClient(region="us-east-1", credentials=creds),
    ]
    for obj in objects:
        assert MARKER not in repr(obj), type(obj).__name__
        assert MARKER not in str(obj), type(obj).__name__
