"""Credential providers, the chain that walks them, and region resolution.

A provider answers one question, "are credentials configured *here*?":
``load()`` returns them, returns None when its source is simply not set up
(so the chain moves on), and raises :class:`CredentialsError` when its source
is set up but broken (an access key without a secret): silently falling
through to another source would sign with credentials nobody meant to use.

Web identity, SSO, ``credential_process``, assume-role, container and IMDS
providers slot into the same protocol; refresh and caching wrap a provider
rather than living inside one.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol, runtime_checkable

from ..errors import CredentialsError
from .credentials import Credentials
from .profiles import (
    Section,
    _environ,
    _get,
    chosen_profile,
    load_shared_files,
)

__all__ = [
    "CredentialChain",
    "CredentialProvider",
    "EnvironmentCredentialProvider",
    "SharedFilesCredentialProvider",
    "StaticCredentialProvider",
    "default_chain",
    "resolve_region",
]

logger = logging.getLogger("aws_ses.auth")


@runtime_checkable
class CredentialProvider(Protocol):
    """One place credentials may come from.

    ``name`` is short and stable (``"environment"``); it becomes the
    ``source`` of the credentials the chain returns. ``load()`` returns
    credentials, None when this source is not configured, or raises
    :class:`CredentialsError` when it is configured but unusable. Messages
    must never contain a secret.
    """

    # A read-only property so implementations may use a plain class
    # attribute, an instance attribute or a property.
    @property
    def name(self) -> str: ...

    def load(self) -> Credentials | None: ...


class StaticCredentialProvider:
    """Credentials given in code."""

    name = "explicit"

    def __init__(self, credentials: Credentials) -> None:
        if not isinstance(credentials, Credentials):
            raise TypeError("credentials must be a Credentials instance")
        self._credentials = credentials

    def load(self) -> Credentials:
        return self._credentials

    def __repr__(self) -> str:
        return f"StaticCredentialProvider({self._credentials!r})"


def _parse_expiration(raw: str, variable: str) -> datetime:
    try:
        when = datetime.fromisoformat(raw)
    except ValueError:
        pass
    else:
        # A timestamp without an offset is taken as UTC, as AWS writes them.
        return when if when.tzinfo is not None else when.replace(tzinfo=UTC)
    # Raised outside the except block so no chained exception rides along.
    raise CredentialsError(f"{variable} is not an ISO 8601 timestamp")


class EnvironmentCredentialProvider:
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

    def load(self) -> Credentials | None:
        env = _environ(self._env)
        access_key = _get(env, "AWS_ACCESS_KEY_ID")
        secret_key = _get(env, "AWS_SECRET_ACCESS_KEY")
        if access_key is None and secret_key is None:
            return None
        if access_key is None:
            raise CredentialsError("AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not")
        if secret_key is None:
            raise CredentialsError("AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not")
        token = _get(env, "AWS_SESSION_TOKEN") or _get(env, "AWS_SECURITY_TOKEN")
        raw_expiry = _get(env, "AWS_CREDENTIAL_EXPIRATION")
        expiration = (
            None
            if raw_expiry is None
            else _parse_expiration(raw_expiry, "AWS_CREDENTIAL_EXPIRATION")
        )
        return Credentials(access_key, secret_key, token, expiration=expiration, source=self.name)

    def __repr__(self) -> str:
        return "EnvironmentCredentialProvider()"


def _value(section: Section, key: str) -> str | None:
    value = section.get(key)
    if not isinstance(value, str):  # absent, or an indented sub-section
        return None
    return value.strip() or None


def _from_section(section: Section, profile: str, path: Path, source: str) -> Credentials | None:
    access_key = _value(section, "aws_access_key_id")
    secret_key = _value(section, "aws_secret_access_key")
    if access_key is None and secret_key is None:
        return None
    where = f"profile {profile!r} in {path}"
    if access_key is None:
        raise CredentialsError(f"{where} sets aws_secret_access_key but not aws_access_key_id")
    if secret_key is None:
        raise CredentialsError(f"{where} sets aws_access_key_id but not aws_secret_access_key")
    token = _value(section, "aws_session_token") or _value(section, "aws_security_token")
    return Credentials(access_key, secret_key, token, source=source)


class SharedFilesCredentialProvider:
    """Static keys from a profile in the shared credentials and config files.

    The profile is ``profile`` if given, else ``AWS_PROFILE``, else
    ``AWS_DEFAULT_PROFILE``, else ``default``. The credentials file is looked
    at before the config file, each on its own (a key in one and its secret in
    the other is an error, not a match). As in botocore, a profile that was
    asked for (argument or environment) must exist; an absent ``default``
    profile that nobody asked for just means "not configured here".

    The files are read at each ``load()``.
    """

    name = "shared-files"

    def __init__(self, profile: str | None = None, env: Mapping[str, str] | None = None) -> None:
        self._profile = profile or None
        self._env = env

    def load(self) -> Credentials | None:
        env = _environ(self._env)
        asked = self._profile or chosen_profile(env)
        profile = asked or "default"
        files = load_shared_files(env)
        if not files.has_profile(profile):
            if asked is not None:
                raise CredentialsError(
                    f"profile {profile!r} not found in "
                    f"{files.credentials_path} or {files.config_path}"
                )
            logger.debug("no default profile in the AWS shared files")
            return None
        for path, profiles in (
            (files.credentials_path, files.credentials),
            (files.config_path, files.config),
        ):
            section = profiles.get(profile)
            if section is None:
                continue
            credentials = _from_section(section, profile, path, self.name)
            if credentials is not None:
                logger.debug("profile %r: static keys from %s", profile, path)
                return credentials
        logger.debug("profile %r has no static keys", profile)
        return None

    def __repr__(self) -> str:
        return f"SharedFilesCredentialProvider(profile={self._profile!r})"


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


class CredentialChain:
    """Providers tried in order; the first to return credentials wins.

    The credentials come back with ``source`` set to the winning provider's
    name. A provider that raises stops the walk (its source is configured but
    broken). When none has credentials, :class:`CredentialsError` lists the
    providers tried. A chain is itself a provider and may be nested.
    """

    name = "chain"

    def __init__(self, providers: Iterable[CredentialProvider]) -> None:
        self._providers = tuple(providers)
        if not self._providers:
            raise ValueError("a CredentialChain needs at least one provider")

    @property
    def providers(self) -> tuple[CredentialProvider, ...]:
        return self._providers

    def load(self) -> Credentials:
        for provider in self._providers:
            credentials = provider.load()
            if credentials is None:
                logger.debug("no credentials from %s", provider.name)
                continue
            logger.debug("credentials supplied by %s", provider.name)
            if isinstance(provider, CredentialChain):
                return credentials  # keep the inner chain's attribution
            return _with_source(credentials, provider.name)
        tried = ", ".join(provider.name for provider in self._providers)
        raise CredentialsError(f"no AWS credentials found (tried: {tried})")

    def __repr__(self) -> str:
        return f"CredentialChain({[provider.name for provider in self._providers]!r})"


def default_chain(
    profile: str | None = None, env: Mapping[str, str] | None = None
) -> CredentialChain:
    """The standard chain: environment, then the shared files.

    With an explicit ``profile`` the environment provider is left out, as in
    botocore: naming a profile in code means "use that profile", and keys
    lingering in the environment must not override it. ``AWS_PROFILE`` does
    not count as explicit, so environment keys still win over it.
    """
    shared = SharedFilesCredentialProvider(profile, env)
    if profile:
        return CredentialChain([shared])
    return CredentialChain([EnvironmentCredentialProvider(env), shared])


def resolve_region(
    explicit: str | None = None,
    *,
    profile: str | None = None,
    env: Mapping[str, str] | None = None,
) -> str | None:
    """The region: ``explicit``, ``AWS_REGION``, ``AWS_DEFAULT_REGION``, the profile's.

    The profile's ``region`` is taken from the merged shared files (the
    credentials file wins, as in botocore). A profile that was asked for and
    does not exist raises :class:`CredentialsError`; None means no region is
    configured anywhere.
    """
    if explicit is not None and explicit.strip():
        return explicit.strip()
    e = _environ(env)
    for variable in ("AWS_REGION", "AWS_DEFAULT_REGION"):
        region = _get(e, variable)
        if region is not None:
            logger.debug("region from %s", variable)
            return region
    asked = profile or chosen_profile(e)
    name = asked or "default"
    files = load_shared_files(e)
    if not files.has_profile(name):
        if asked is not None:
            raise CredentialsError(
                f"profile {name!r} not found in {files.credentials_path} or {files.config_path}"
            )
        return None
    region = _value(files.profiles[name], "region")
    if region is not None:
        logger.debug("region from profile %r", name)
    return region
