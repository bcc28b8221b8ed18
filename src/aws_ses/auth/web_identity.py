"""Web identity: an OIDC token file exchanged at STS for role credentials.

This is how EKS (IRSA), GitHub Actions OIDC and other federated runners get
AWS credentials. ``AWS_WEB_IDENTITY_TOKEN_FILE``, ``AWS_ROLE_ARN`` and
``AWS_ROLE_SESSION_NAME`` win, key by key, over the profile's
``web_identity_token_file``, ``role_arn`` and ``role_session_name``. The token
file is read at every fetch (the platform rotates it) and sent, unsigned, to
STS ``AssumeRoleWithWebIdentity``.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import asyncio
else:
    from ._aio import asyncio

from ..errors import CredentialsError
from .base import Declined, Outcome, Provider, select_profile, value
from .credentials import Credentials
from .http import HttpClient
from .profiles import Section, env_value, environ_of, expand_path, load_shared_files
from .sts import StsClient

if TYPE_CHECKING:
    from aws_ses.transport.base import AsyncTransport, Transport

__all__ = ["WebIdentityCredentialProvider", "default_session_name"]


def default_session_name() -> str:
    return f"aws-ses-session-{int(time.time())}"


@dataclass(frozen=True, slots=True)
class _Plan:
    token_file: Path
    role_arn: str
    session_name: str
    region: str | None
    env: Mapping[str, str]

    def read_token(self) -> str:
        try:
            token = self.token_file.read_text(encoding="utf-8").strip()
        except OSError as exc:
            problem = exc.strerror or type(exc).__name__
        else:
            if not token:
                raise CredentialsError(f"web identity token file {self.token_file} is empty")
            return token
        raise CredentialsError(f"cannot read web identity token file {self.token_file}: {problem}")

    def params(self, token: str) -> dict[str, str]:
        return {
            "RoleArn": self.role_arn,
            "RoleSessionName": self.session_name,
            "WebIdentityToken": token,
        }


def sts_region(env: Mapping[str, str], section: Section | None) -> str | None:
    """The region STS is called in: the environment's, else the profile's."""
    return (
        env_value(env, "AWS_REGION")
        or env_value(env, "AWS_DEFAULT_REGION")
        or (value(section, "region") if section else None)
    )


class WebIdentityCredentialProvider(Provider):
    """``AssumeRoleWithWebIdentity`` with a token read from a file."""

    name = "web-identity"

    def __init__(
        self,
        profile: str | None = None,
        env: Mapping[str, str] | None = None,
        *,
        transport: Transport | None = None,
        async_transport: AsyncTransport | None = None,
        use_environment: bool = True,
    ) -> None:
        self._profile = profile or None
        self._env = env
        self._http = HttpClient(transport, async_transport)
        self._use_environment = use_environment

    def _plan(self) -> _Plan | Declined:
        env = environ_of(self._env)
        name, section = select_profile(load_shared_files(env), self._profile, env)
        return plan_web_identity(env, name, section, use_environment=self._use_environment)

    def _fetch(self, plan: _Plan, token: str) -> Credentials:
        sts = StsClient(self._http, region=plan.region, env=plan.env)
        return sts.call("AssumeRoleWithWebIdentity", plan.params(token), source=self.name)

    def attempt(self) -> Outcome:
        plan = self._plan()
        if isinstance(plan, Declined):
            return plan
        return self._fetch(plan, plan.read_token())

    async def aattempt(self) -> Outcome:
        plan = await asyncio.to_thread(self._plan)
        if isinstance(plan, Declined):
            return plan
        token = await asyncio.to_thread(plan.read_token)
        sts = StsClient(self._http, region=plan.region, env=plan.env)
        return await sts.acall("AssumeRoleWithWebIdentity", plan.params(token), source=self.name)

    def __repr__(self) -> str:
        return f"WebIdentityCredentialProvider(profile={self._profile!r})"


def plan_web_identity(
    env: Mapping[str, str],
    profile: str,
    section: Section | None,
    *,
    use_environment: bool = True,
) -> _Plan | Declined:
    def setting(variable: str, key: str) -> str | None:
        if use_environment:
            found = env_value(env, variable)
            if found is not None:
                return found
        return value(section, key) if section else None

    token_file = setting("AWS_WEB_IDENTITY_TOKEN_FILE", "web_identity_token_file")
    if token_file is None:
        return Declined(
            "AWS_WEB_IDENTITY_TOKEN_FILE is not set, "
            f"nor web_identity_token_file in profile {profile!r}"
        )
    role_arn = setting("AWS_ROLE_ARN", "role_arn")
    if role_arn is None:
        raise CredentialsError(
            "a web identity token file is configured but no role: set AWS_ROLE_ARN "
            f"or role_arn in profile {profile!r}"
        )
    session = setting("AWS_ROLE_SESSION_NAME", "role_session_name") or default_session_name()
    return _Plan(expand_path(token_file, env), role_arn, session, sts_region(env, section), env)
