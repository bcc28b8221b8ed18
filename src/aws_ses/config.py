"""Client configuration, validated when it is built."""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from aws_ses.errors import SesValidationError

if TYPE_CHECKING:
    from aws_ses.auth.credentials import Credentials
    from aws_ses.auth.providers import CredentialProvider
    from aws_ses.transport.base import AsyncTransport, Transport

__all__ = ["SesConfig"]

# Region names are DNS labels: lower-case letters, digits and dashes.
_REGION_RE = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
_TRUE = {"1", "true", "yes", "on"}


def _env_flag(env: Mapping[str, str], name: str) -> bool | None:
    value = env.get(name)
    if value is None or value == "":
        return None
    return value.strip().lower() in _TRUE


@dataclass(frozen=True, slots=True, kw_only=True)
class SesConfig:
    """Everything a client needs to know; immutable, checked on creation.

    ``region`` may be left out: the client then takes ``AWS_REGION``,
    ``AWS_DEFAULT_REGION`` or the profile's region, as the AWS CLI does.
    ``credentials`` may be :class:`~aws_ses.auth.Credentials`, any credential
    provider, or None for the default chain (environment, then shared files).
    """

    region: str | None = None
    endpoint_url: str | None = None
    credentials: Credentials | CredentialProvider | None = None
    profile: str | None = None
    timeout: float = 60.0
    connect_timeout: float = 10.0
    max_pool_connections: int = 10
    user_agent_extra: str | None = None
    use_fips: bool = False
    use_dual_stack: bool = False
    verify: bool | str = True
    transport: Transport | None = None
    async_transport: AsyncTransport | None = None

    def __post_init__(self) -> None:
        if self.region is not None and (
            not isinstance(self.region, str) or not _REGION_RE.fullmatch(self.region)
        ):
            raise SesValidationError(
                "region", f"{self.region!r} is not a region name (like 'us-east-1')"
            )
        if self.endpoint_url is not None:
            parts = urlsplit(self.endpoint_url)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise SesValidationError(
                    "endpoint_url",
                    f"{self.endpoint_url!r} needs an http:// or https:// scheme and a host",
                )
            if parts.query or parts.fragment:
                raise SesValidationError("endpoint_url", "must not carry a query or fragment")
        for name in ("timeout", "connect_timeout"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
                raise SesValidationError(
                    name, f"must be a positive number of seconds, not {value!r}"
                )
        if (
            isinstance(self.max_pool_connections, bool)
            or not isinstance(self.max_pool_connections, int)
            or self.max_pool_connections < 1
        ):
            raise SesValidationError("max_pool_connections", "must be a positive integer")
        if self.user_agent_extra is not None and (
            "\r" in self.user_agent_extra or "\n" in self.user_agent_extra
        ):
            raise SesValidationError("user_agent_extra", "must not contain CR or LF")
        if self.profile is not None and not self.profile.strip():
            raise SesValidationError("profile", "must not be empty")

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: Any) -> SesConfig:
        """Build a config from the standard AWS environment variables and profile.

        Reads ``AWS_PROFILE``, ``AWS_REGION`` / ``AWS_DEFAULT_REGION`` (then the
        profile's region), ``AWS_ENDPOINT_URL_SESV2`` / ``AWS_ENDPOINT_URL``,
        ``AWS_USE_FIPS_ENDPOINT`` and ``AWS_USE_DUALSTACK_ENDPOINT``.
        Keyword arguments win over the environment.
        """
        from aws_ses.auth.providers import resolve_region

        env = os.environ if env is None else env
        values: dict[str, Any] = {}
        profile = overrides.get("profile") or env.get("AWS_PROFILE") or None
        if profile:
            values["profile"] = profile
        region = resolve_region(overrides.get("region"), profile=profile, env=env)
        if region:
            values["region"] = region
        endpoint = env.get("AWS_ENDPOINT_URL_SESV2") or env.get("AWS_ENDPOINT_URL")
        if endpoint:
            values["endpoint_url"] = endpoint
        for field, var in (
            ("use_fips", "AWS_USE_FIPS_ENDPOINT"),
            ("use_dual_stack", "AWS_USE_DUALSTACK_ENDPOINT"),
        ):
            flag = _env_flag(env, var)
            if flag is not None:
                values[field] = flag
        values.update(overrides)
        return cls(**values)

    def with_options(self, **changes: Any) -> SesConfig:
        """A copy with some fields changed (validated again)."""
        return dataclasses.replace(self, **changes)
