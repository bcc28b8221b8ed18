"""The simple providers, the chain that walks providers, and region resolution.

A provider answers one question, "are credentials configured *here*?" (see
:mod:`aws_ses.auth.base`). This module holds the providers that only read the
environment or the shared files, :class:`CredentialChain`, the default chain
in botocore's order, and :func:`resolve_region`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import asyncio
else:
    from ._aio import asyncio

from .._lazy import lazy_logger
from ..errors import CredentialsError
from .base import (
    AsyncCredentialProvider,
    CredentialProvider,
    Declined,
    Outcome,
    Provider,
    no_profile,
    parse_timestamp,
    select_profile,
    value,
)
from .credentials import Credentials
from .profiles import Section, SharedFiles, chosen_profile, env_value, environ_of, load_shared_files

if TYPE_CHECKING:
    from pathlib import Path

    from aws_ses.transport.base import AsyncTransport, Transport

    from .assume_role import MfaTokenProvider
    from .http import HttpClient

__all__ = [
    "AsyncCredentialProvider",
    "ConfigFileCredentialProvider",
    "CredentialChain",
    "CredentialProvider",
    "DeferredProvider",
    "EnvironmentCredentialProvider",
    "SharedCredentialsFileProvider",
    "SharedFilesCredentialProvider",
    "StaticCredentialProvider",
    "default_chain",
    "profile_providers",
    "resolve_region",
]

logger = lazy_logger("aws_ses.auth")


class StaticCredentialProvider(Provider):
    """Credentials given in code."""

    name = "explicit"

    def __init__(self, credentials: Credentials) -> None:
        if not isinstance(credentials, Credentials):
            raise TypeError("credentials must be a Credentials instance")
        self._credentials = credentials

    def attempt(self) -> Credentials:
        return self._credentials

    async def aattempt(self) -> Credentials:
        return self._credentials

    def load(self) -> Credentials:
        return self._credentials

    def __repr__(self) -> str:
        return f"StaticCredentialProvider({self._credentials!r})"


class EnvironmentCredentialProvider(Provider):
    """``AWS_ACCESS_KEY_ID``, ``AWS_SECRET_ACCESS_KEY`` and friends.

    ``AWS_SESSION_TOKEN`` is preferred to the legacy ``AWS_SECURITY_TOKEN``;
    ``AWS_CREDENTIAL_EXPIRATION`` (ISO 8601) sets the expiry. An empty
    variable counts as unset. Either key without the other is an error
    (botocore ignores a lone secret; a lone secret is a mistake worth
    reporting rather than falling through to some other identity).

    The environment is read at each ``load()``, not when the provider is made.
    """

    name = "environment"

    def __init__(self, env: Mapping[str, str] | None = None) -> None:
        self._env = env

    def attempt(self) -> Outcome:
        env = environ_of(self._env)
        access_key = env_value(env, "AWS_ACCESS_KEY_ID")
        secret_key = env_value(env, "AWS_SECRET_ACCESS_KEY")
        if access_key is None and secret_key is None:
            return Declined("AWS_ACCESS_KEY_ID is not set")
        if access_key is None:
            raise CredentialsError("AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not")
        if secret_key is None:
            raise CredentialsError("AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not")
        token = env_value(env, "AWS_SESSION_TOKEN") or env_value(env, "AWS_SECURITY_TOKEN")
        raw_expiry = env_value(env, "AWS_CREDENTIAL_EXPIRATION")
        expiration = (
            None if raw_expiry is None else parse_timestamp(raw_expiry, "AWS_CREDENTIAL_EXPIRATION")
        )
        return Credentials(access_key, secret_key, token, expiration=expiration, source=self.name)

    async def aattempt(self) -> Outcome:
        return self.attempt()  # no I/O

    def __repr__(self) -> str:
        return "EnvironmentCredentialProvider()"


def _from_section(section: Section, profile: str, path: Path, source: str) -> Credentials | None:
    access_key = value(section, "aws_access_key_id")
    secret_key = value(section, "aws_secret_access_key")
    if access_key is None and secret_key is None:
        return None
    where = f"profile {profile!r} in {path}"
    if access_key is None:
        raise CredentialsError(f"{where} sets aws_secret_access_key but not aws_access_key_id")
    if secret_key is None:
        raise CredentialsError(f"{where} sets aws_access_key_id but not aws_secret_access_key")
    token = value(section, "aws_session_token") or value(section, "aws_security_token")
    return Credentials(access_key, secret_key, token, source=source)


class SharedFilesCredentialProvider(Provider):
    """Static keys from a profile in the shared credentials and config files.

    The profile is ``profile`` if given, else ``AWS_PROFILE``, else
    ``AWS_DEFAULT_PROFILE``, else ``default``. The credentials file is looked
    at before the config file, each on its own (a key in one and its secret in
    the other is an error, not a match). As in botocore, a profile that was
    asked for (argument or environment) must exist; an absent ``default``
    profile that nobody asked for just means "not configured here".

    The default chain uses the two halves, :class:`SharedCredentialsFileProvider`
    and :class:`ConfigFileCredentialProvider`, with ``credential_process``
    between them, as botocore does. The files are read at each ``load()``.
    """

    name = "shared-files"
    _which: tuple[str, ...] = ("credentials", "config")

    def __init__(self, profile: str | None = None, env: Mapping[str, str] | None = None) -> None:
        self._profile = profile or None
        self._env = env

    def attempt(self) -> Outcome:
        env = environ_of(self._env)
        files = load_shared_files(env)
        profile, section = select_profile(files, self._profile, env)
        if section is None:
            logger.debug("no default profile in the AWS shared files")
            return no_profile(profile)
        places: dict[str, tuple[Path, dict[str, Section]]] = {
            "credentials": (files.credentials_path, files.credentials),
            "config": (files.config_path, files.config),
        }
        for which in self._which:
            path, profiles = places[which]
            found = profiles.get(profile)
            if found is None:
                continue
            credentials = _from_section(found, profile, path, self.name)
            if credentials is not None:
                logger.debug("profile %r: static keys from %s", profile, path)
                return credentials
        logger.debug("profile %r has no static keys", profile)
        where = " or ".join(str(places[which][0]) for which in self._which)
        return Declined(f"profile {profile!r} has no aws_access_key_id in {where}")

    def __repr__(self) -> str:
        return f"{type(self).__name__}(profile={self._profile!r})"


class SharedCredentialsFileProvider(SharedFilesCredentialProvider):
    """Static keys from the shared credentials file only."""

    name = "shared-credentials-file"
    _which = ("credentials",)


class ConfigFileCredentialProvider(SharedFilesCredentialProvider):
    """Static keys from the shared config file only."""

    name = "config-file"
    _which = ("config",)


def _with_source(credentials: Credentials, source: str) -> Credentials:
    if credentials.source == source:
        return credentials
    # A copy, so a caller's Credentials object is never changed behind its back.
    return Credentials(
        credentials.access_key_id,
        credentials.secret_access_key,
        credentials.session_token,
        expiration=credentials.expiration,
        source=source,
    )


class DeferredProvider:
    """A provider that is built, and its module imported, when first needed.

    The default chain names nine providers, but a process with keys in its
    environment only ever asks the first: building the others up front would
    import STS, SSO, subprocess and XML code that never runs.
    ``DeferredProvider("sso", ".sso", "SsoCredentialProvider", profile, env)``
    stands for ``SsoCredentialProvider(profile, env)`` from
    ``aws_ses.auth.sso``; ``name`` must be the provider's own ``name``.
    """

    __slots__ = ("_args", "_built", "_class", "_kwargs", "_module", "name")

    def __init__(self, name: str, module: str, class_name: str, /, *args: Any, **kwargs: Any):
        self.name = name
        self._module = module
        self._class = class_name
        self._args = args
        self._kwargs = kwargs
        self._built: CredentialProvider | None = None

    def get(self) -> CredentialProvider:
        """The provider itself, built on the first call."""
        built = self._built
        if built is None:
            cls = getattr(import_module(self._module, __package__), self._class)
            built = self._built = cls(*self._args, **self._kwargs)
        return built

    def __repr__(self) -> str:
        if self._built is not None:
            return repr(self._built)
        return f"DeferredProvider({self._class})"


class CredentialChain(Provider):
    """Providers tried in order; the first to return credentials wins.

    The credentials come back with ``source`` set to the winning provider's
    name. A provider that raises stops the walk (its source is configured but
    broken): the error then names every provider tried before it and why
    each declined. When none has credentials, :class:`CredentialsError` lists
    every provider and its reason. A chain is itself a provider and may be
    nested. ``aload()`` awaits each provider's ``aload()`` (a provider with
    only ``load()`` runs in a worker thread), so it never blocks the loop.
    A :class:`DeferredProvider` in the list is built when the walk reaches it.
    """

    name = "chain"

    def __init__(self, providers: Iterable[CredentialProvider | DeferredProvider]) -> None:
        self._entries = tuple(providers)
        if not self._entries:
            raise ValueError("a CredentialChain needs at least one provider")
        self._winner: CredentialProvider | None = None

    @property
    def providers(self) -> tuple[CredentialProvider, ...]:
        """Every provider, in order (deferred ones are built to be returned)."""
        return tuple(self._provider(entry) for entry in self._entries)

    @staticmethod
    def _provider(entry: CredentialProvider | DeferredProvider) -> CredentialProvider:
        return entry.get() if isinstance(entry, DeferredProvider) else entry

    @property
    def static_stability(self) -> bool:
        """Whether the last winner's credentials may be used past their expiry."""
        return bool(getattr(self._winner, "static_stability", False))

    def _accept(self, provider: CredentialProvider, outcome: object) -> Credentials | str:
        if isinstance(outcome, Credentials):
            logger.debug("credentials supplied by %s", provider.name)
            self._winner = provider
            if isinstance(provider, CredentialChain):
                return outcome  # keep the inner chain's attribution
            return _with_source(outcome, provider.name)
        logger.debug("no credentials from %s", provider.name)
        if isinstance(outcome, Declined):
            return outcome.reason
        return "not configured"

    def _fail(self, tried: list[str], provider: CredentialProvider, exc: CredentialsError) -> None:
        if not tried:
            raise exc
        earlier = "; ".join(tried)
        raise CredentialsError(
            f"{provider.name}: {exc.message} (tried before it: {earlier})",
            code=exc.code,
            status=exc.status,
        ) from None

    def attempt(self) -> Outcome:
        tried: list[str] = []
        for entry in self._entries:
            provider = self._provider(entry)
            try:
                outcome: object = (
                    provider.attempt() if isinstance(provider, Provider) else provider.load()
                )
            except CredentialsError as exc:
                self._fail(tried, provider, exc)
                raise
            result = self._accept(provider, outcome)
            if isinstance(result, Credentials):
                return result
            tried.append(f"{provider.name}: {result}")
        return Declined("; ".join(tried))

    async def aattempt(self) -> Outcome:
        tried: list[str] = []
        for entry in self._entries:
            provider = self._provider(entry)
            try:
                if isinstance(provider, Provider):
                    outcome: object = await provider.aattempt()
                elif isinstance(provider, AsyncCredentialProvider):
                    outcome = await provider.aload()
                else:
                    outcome = await asyncio.to_thread(provider.load)
            except CredentialsError as exc:
                self._fail(tried, provider, exc)
                raise
            result = self._accept(provider, outcome)
            if isinstance(result, Credentials):
                return result
            tried.append(f"{provider.name}: {result}")
        return Declined("; ".join(tried))

    def _nothing(self, outcome: Declined) -> CredentialsError:
        return CredentialsError(f"no AWS credentials found (tried: {outcome.reason})")

    def load(self) -> Credentials:
        outcome = self.attempt()
        if isinstance(outcome, Declined):
            raise self._nothing(outcome)
        return outcome

    async def aload(self) -> Credentials:
        outcome = await self.aattempt()
        if isinstance(outcome, Declined):
            raise self._nothing(outcome)
        return outcome

    def __repr__(self) -> str:
        return f"CredentialChain({[entry.name for entry in self._entries]!r})"


class _DefaultChain(CredentialChain):
    """The default chain, which also insists that ``AWS_PROFILE`` names a
    profile that exists, even when environment keys would win: botocore
    refuses a session whose profile is missing, and so do we."""

    def __init__(
        self,
        providers: Iterable[CredentialProvider | DeferredProvider],
        env: Mapping[str, str] | None,
    ) -> None:
        super().__init__(providers)
        self._env = env

    def _check_profile(self) -> None:
        env = environ_of(self._env)
        if chosen_profile(env) is not None:
            select_profile(load_shared_files(env), None, env)  # raises if missing

    def attempt(self) -> Outcome:
        self._check_profile()
        return super().attempt()

    async def aattempt(self) -> Outcome:
        if chosen_profile(environ_of(self._env)) is not None:
            await asyncio.to_thread(self._check_profile)
        return await super().aattempt()


def profile_providers(
    profile: str | None,
    env: Mapping[str, str] | None,
    *,
    transport: Transport | None = None,
    async_transport: AsyncTransport | None = None,
    web_identity_environment: bool = True,
) -> list[CredentialProvider]:
    """The providers that read a profile, in chain order (no assume-role).

    Used for a ``source_profile`` too, where ``web_identity_environment=False``
    keeps ``AWS_WEB_IDENTITY_TOKEN_FILE`` from standing in for the profile's keys.
    """
    entries = _profile_entries(
        profile,
        env,
        transport=transport,
        async_transport=async_transport,
        web_identity_environment=web_identity_environment,
    )
    return [CredentialChain._provider(entry) for entry in entries]


def _profile_entries(
    profile: str | None,
    env: Mapping[str, str] | None,
    *,
    transport: Transport | None,
    async_transport: AsyncTransport | None,
    web_identity_environment: bool = True,
) -> list[CredentialProvider | DeferredProvider]:
    http = {"transport": transport, "async_transport": async_transport}
    return [
        DeferredProvider(
            "web-identity", ".web_identity", "WebIdentityCredentialProvider", profile, env,
            use_environment=web_identity_environment, **http,
        ),
        DeferredProvider("sso", ".sso", "SsoCredentialProvider", profile, env, **http),
        SharedCredentialsFileProvider(profile, env),
        DeferredProvider(
            "credential-process", ".process", "ProcessCredentialProvider", profile, env
        ),
        ConfigFileCredentialProvider(profile, env),
    ]  # fmt: skip


def default_chain(
    profile: str | None = None,
    env: Mapping[str, str] | None = None,
    *,
    transport: Transport | None = None,
    async_transport: AsyncTransport | None = None,
    mfa_token_provider: MfaTokenProvider | None = None,
) -> CredentialChain:
    """The standard chain, in botocore's order.

    environment, assume-role, web identity, SSO, shared credentials file,
    ``credential_process``, shared config file, container, IMDS.

    With an explicit ``profile`` the environment provider is left out, as in
    botocore: naming a profile in code means "use that profile", and keys
    lingering in the environment must not override it. ``AWS_PROFILE`` does
    not count as explicit, so environment keys still win over it.
    ``transport``/``async_transport`` carry the HTTP of the STS, SSO,
    container and IMDS providers (tests inject them). Each provider that
    needs more than the environment and the shared files is built, and its
    module imported, only when the chain reaches it.
    """
    if mfa_token_provider is not None and not callable(mfa_token_provider):
        raise TypeError("mfa_token_provider must be a callable taking the MFA serial")
    http = {"transport": transport, "async_transport": async_transport}
    entries: list[CredentialProvider | DeferredProvider] = []
    if not profile:
        entries.append(EnvironmentCredentialProvider(env))
    entries.append(
        DeferredProvider(
            "assume-role", ".assume_role", "AssumeRoleCredentialProvider", profile, env,
            mfa_token_provider=mfa_token_provider, **http,
        )
    )  # fmt: skip
    entries += _profile_entries(profile, env, transport=transport, async_transport=async_transport)
    entries.append(
        DeferredProvider("container", ".container", "ContainerCredentialProvider", env, **http)
    )
    entries.append(
        DeferredProvider("imds", ".imds", "ImdsCredentialProvider", env, profile=profile, **http)
    )
    if profile:
        return CredentialChain(entries)  # the named profile is checked by its providers
    return _DefaultChain(entries, env)


def _region_from_files(
    profile: str | None, env: Mapping[str, str]
) -> tuple[str | None, SharedFiles]:
    files = load_shared_files(env)
    name, section = select_profile(files, profile, env)
    region = None if section is None else value(section, "region")
    if region is not None:
        logger.debug("region from profile %r", name)
    return region, files


def resolve_region(
    explicit: str | None = None,
    *,
    profile: str | None = None,
    env: Mapping[str, str] | None = None,
    imds: bool = False,
    transport: Transport | None = None,
) -> str | None:
    """The region: ``explicit``, ``AWS_REGION``, ``AWS_DEFAULT_REGION``, the profile's.

    The profile's ``region`` is taken from the merged shared files (the
    credentials file wins, as in botocore). With ``imds=True``, when none of
    those gives a region, EC2 instance metadata is asked last (unless
    ``AWS_EC2_METADATA_DISABLED``); it is off by default because it is a
    network call of up to a few seconds off EC2. A profile that was asked for
    and does not exist raises :class:`CredentialsError`; None means no region
    is configured anywhere.
    """
    if explicit is not None and explicit.strip():
        return explicit.strip()
    e = environ_of(env)
    for variable in ("AWS_REGION", "AWS_DEFAULT_REGION"):
        region = env_value(e, variable)
        if region is not None:
            logger.debug("region from %s", variable)
            return region
    found, _ = _region_from_files(profile, e)
    if found is not None or not imds:
        return found
    from .imds import InstanceMetadataClient, imds_disabled, metadata_settings

    if imds_disabled(e):
        return None
    client = InstanceMetadataClient(
        e, settings=metadata_settings(e, profile), http=_http_for(transport)
    )
    region = client.region()
    if region is not None:
        logger.debug("region from IMDS")
    return region


def _http_for(transport: Transport | None) -> HttpClient:
    from .http import HttpClient

    return HttpClient(transport, trust_env=False)
