"""Assume-role profiles: ``role_arn`` with ``source_profile`` or ``credential_source``.

The profile's role is assumed through STS ``AssumeRole``, signed with the
source credentials. A ``source_profile`` may itself assume a role, and so on;
the chain of profiles is walked first (cycles are an error naming the loop),
then the roles are assumed from the innermost out. A source profile with
static keys uses them, even when it names a role of its own (which is how a
profile may be its own ``source_profile``); one without a role is resolved
through the profile providers (web identity, SSO, the shared files,
``credential_process``). ``credential_source`` is ``Environment``,
``Ec2InstanceMetadata`` or ``EcsContainer``.

``external_id``, ``duration_seconds``, ``role_session_name`` and ``mfa_serial``
are honoured; ``mfa_serial`` needs the ``mfa_token_provider`` callback (given
the serial, it returns the current code), otherwise it is a clear error.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import asyncio
else:
    from ._aio import asyncio

from ..errors import CredentialsError
from .base import Declined, Outcome, Provider, no_profile, select_profile, value
from .credentials import Credentials
from .http import HttpClient
from .profiles import Section, SharedFiles, environ_of, load_shared_files
from .sts import StsClient
from .web_identity import default_session_name, sts_region

if TYPE_CHECKING:
    from aws_ses.transport.base import AsyncTransport, Transport

__all__ = ["AssumeRoleCredentialProvider", "MfaTokenProvider"]

#: Given the MFA device serial (or ARN), returns the current code.
MfaTokenProvider = Callable[[str], str | Awaitable[str]]

_CREDENTIAL_SOURCES = ("Environment", "Ec2InstanceMetadata", "EcsContainer")


@dataclass(frozen=True, slots=True)
class _Role:
    profile: str
    role_arn: str
    session_name: str
    external_id: str | None
    duration: int | None
    mfa_serial: str | None

    def params(self, mfa_code: str | None) -> dict[str, str]:
        params = {"RoleArn": self.role_arn, "RoleSessionName": self.session_name}
        if self.external_id:
            params["ExternalId"] = self.external_id
        if self.duration is not None:
            params["DurationSeconds"] = str(self.duration)
        if self.mfa_serial and mfa_code:
            params["SerialNumber"] = self.mfa_serial
            params["TokenCode"] = mfa_code
        return params


@dataclass(frozen=True, slots=True)
class _Plan:
    source: Provider
    source_label: str
    roles: tuple[_Role, ...]  # innermost first
    region: str | None
    env: Mapping[str, str]


def _has_static_keys(section: Section) -> bool:
    return value(section, "aws_access_key_id") is not None


def _is_assume_role(section: Section) -> bool:
    # A profile with a web identity token file is the web identity provider's.
    return value(section, "role_arn") is not None and (
        value(section, "web_identity_token_file") is None
    )


def _role(name: str, section: Section) -> _Role:
    role_arn = value(section, "role_arn")
    assert role_arn is not None
    raw_duration = value(section, "duration_seconds")
    duration = None
    if raw_duration is not None:
        if not raw_duration.isdigit() or not 900 <= int(raw_duration) <= 43200:
            raise CredentialsError(
                f"duration_seconds of profile {name!r} must be a whole number from 900 to 43200"
            )
        duration = int(raw_duration)
    return _Role(
        name,
        role_arn,
        value(section, "role_session_name") or default_session_name(),
        value(section, "external_id"),
        duration,
        value(section, "mfa_serial"),
    )


class AssumeRoleCredentialProvider(Provider):
    """Credentials for the role a profile names, via STS ``AssumeRole``."""

    name = "assume-role"

    def __init__(
        self,
        profile: str | None = None,
        env: Mapping[str, str] | None = None,
        *,
        transport: Transport | None = None,
        async_transport: AsyncTransport | None = None,
        mfa_token_provider: MfaTokenProvider | None = None,
    ) -> None:
        if mfa_token_provider is not None and not callable(mfa_token_provider):
            raise TypeError("mfa_token_provider must be a callable taking the MFA serial")
        self._profile = profile or None
        self._env = env
        self._transport = transport
        self._async_transport = async_transport
        self._http = HttpClient(transport, async_transport)
        self._mfa = mfa_token_provider

    # ------------------------------------------------------------ planning

    def _plan(self) -> _Plan | Declined:
        env = environ_of(self._env)
        files = load_shared_files(env)
        name, section = select_profile(files, self._profile, env)
        if section is None:
            return no_profile(name)
        if not _is_assume_role(section):
            return Declined(f"profile {name!r} has no role_arn")
        roles: list[_Role] = []
        visited: list[str] = []
        current, current_section = name, section
        while True:
            source_profile = value(current_section, "source_profile")
            credential_source = value(current_section, "credential_source")
            if source_profile and credential_source:
                raise CredentialsError(
                    f"profile {current!r} sets both source_profile and credential_source; keep one"
                )
            if not source_profile and not credential_source:
                raise CredentialsError(
                    f"profile {current!r} sets role_arn but neither source_profile "
                    "nor credential_source"
                )
            roles.append(_role(current, current_section))
            visited.append(current)
            if credential_source:
                source = self._credential_source(current, credential_source, env)
                label = f"credential_source {credential_source} of profile {current!r}"
                break
            assert source_profile is not None
            profiles = files.profiles
            if source_profile not in profiles:
                raise CredentialsError(
                    f"source_profile {source_profile!r} of profile {current!r} does not exist"
                )
            source_section = profiles[source_profile]
            label = f"source_profile {source_profile!r}"
            if _has_static_keys(source_section) or not _is_assume_role(source_section):
                # Static keys win, which lets a profile be its own source.
                source = self._profile_chain(source_profile, env, files)
                break
            if source_profile in visited:
                loop = " -> ".join([*visited, source_profile])
                raise CredentialsError(f"source_profile loop: {loop}")
            current, current_section = source_profile, source_section
        roles.reverse()
        return _Plan(source, label, tuple(roles), sts_region(env, section), env)

    def _credential_source(self, profile: str, kind: str, env: Mapping[str, str]) -> Provider:
        from .container import ContainerCredentialProvider
        from .imds import ImdsCredentialProvider
        from .providers import EnvironmentCredentialProvider

        if kind == "Environment":
            return EnvironmentCredentialProvider(env)
        if kind == "Ec2InstanceMetadata":
            return ImdsCredentialProvider(
                env, transport=self._transport, async_transport=self._async_transport
            )
        if kind == "EcsContainer":
            return ContainerCredentialProvider(
                env, transport=self._transport, async_transport=self._async_transport
            )
        raise CredentialsError(
            f"credential_source {kind!r} of profile {profile!r} is not one of "
            f"{', '.join(_CREDENTIAL_SOURCES)}"
        )

    def _profile_chain(self, profile: str, env: Mapping[str, str], files: SharedFiles) -> Provider:
        from .providers import CredentialChain, profile_providers

        return CredentialChain(
            profile_providers(
                profile,
                env,
                transport=self._transport,
                async_transport=self._async_transport,
                web_identity_environment=False,
            )
        )

    # ------------------------------------------------------------ fetching

    def _source_credentials(self, plan: _Plan, outcome: Outcome) -> Credentials:
        if isinstance(outcome, Declined):
            raise CredentialsError(f"{plan.source_label} gave no credentials ({outcome.reason})")
        return outcome

    def _mfa_code(self, role: _Role) -> str | None:
        if role.mfa_serial is None:
            return None
        if self._mfa is None:
            raise _mfa_missing(role)
        code = self._mfa(role.mfa_serial)
        if not isinstance(code, str):
            if inspect.isawaitable(code):
                close = getattr(code, "close", None)
                if close is not None:
                    close()  # never awaited: close it so Python does not warn
            raise CredentialsError(
                "mfa_token_provider must return the code as a string here "
                "(an async callback works only with the async client)"
            )
        return code

    async def _amfa_code(self, role: _Role) -> str | None:
        if role.mfa_serial is None:
            return None
        if self._mfa is None:
            raise _mfa_missing(role)
        fn = self._mfa
        if inspect.iscoroutinefunction(fn):
            code: object = await fn(role.mfa_serial)
        else:
            # A plain callback may block (a prompt): keep it off the event loop.
            code = await asyncio.to_thread(fn, role.mfa_serial)
            if inspect.isawaitable(code):
                code = await code
        if not isinstance(code, str):
            raise CredentialsError("mfa_token_provider must return the code as a string")
        return code

    def attempt(self) -> Outcome:
        plan = self._plan()
        if isinstance(plan, Declined):
            return plan
        credentials = self._source_credentials(plan, plan.source.attempt())
        sts = StsClient(self._http, region=plan.region, env=plan.env)
        for role in plan.roles:
            credentials = sts.call(
                "AssumeRole",
                role.params(self._mfa_code(role)),
                source=self.name,
                signer_creds=credentials,
            )
        return credentials

    async def aattempt(self) -> Outcome:
        plan = await asyncio.to_thread(self._plan)
        if isinstance(plan, Declined):
            return plan
        credentials = self._source_credentials(plan, await plan.source.aattempt())
        sts = StsClient(self._http, region=plan.region, env=plan.env)
        for role in plan.roles:
            credentials = await sts.acall(
                "AssumeRole",
                role.params(await self._amfa_code(role)),
                source=self.name,
                signer_creds=credentials,
            )
        return credentials

    def __repr__(self) -> str:
        return f"AssumeRoleCredentialProvider(profile={self._profile!r})"


def _mfa_missing(role: _Role) -> CredentialsError:
    return CredentialsError(
        f"profile {role.profile!r} needs an MFA code (mfa_serial is set): pass "
        "mfa_token_provider=... (a callback returning the code) to the client's configuration"
    )
