"""Client configuration, validated when it is built."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlsplit

import msgspec

from aws_ses.errors import SesValidationError

if TYPE_CHECKING:
    from aws_ses._runtime import Runtime
    from aws_ses.auth.credentials import Credentials
    from aws_ses.auth.providers import CredentialProvider
    from aws_ses.transport.base import AsyncTransport, Transport

__all__ = ["SesConfig"]

# Region names are DNS labels: lower-case letters, digits and dashes.
_REGION_RE = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
_TRUE = {"1", "true", "yes", "on"}
_RETRY_MODES = ("standard", "adaptive", "off")
_HOOK_EVENTS = ("request", "response")
# The specification's default rate when limiting is switched on without a number.
DEFAULT_RATE_LIMIT = 14.0

RetryMode = Literal["standard", "adaptive", "off"]
RateLimit = float | int | Literal["auto"] | bool | None


def _env_flag(env: Mapping[str, str], name: str) -> bool | None:
    value = env.get(name)
    if value is None or value == "":
        return None
    return value.strip().lower() in _TRUE


def _number(text: str, name: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise SesValidationError(name, f"{text!r} is not a number") from None


class SesConfig(msgspec.Struct, frozen=True, kw_only=True):
    """Everything a client needs to know; immutable, checked on creation.

    ``region`` may be left out: the client then takes ``AWS_REGION``,
    ``AWS_DEFAULT_REGION`` or the profile's region, as the AWS CLI does.
    ``credentials`` may be :class:`~aws_ses.auth.Credentials`, any credential
    provider, or None for the default chain (environment, then shared files).

    A msgspec ``Struct`` rather than a dataclass: the same keyword-only
    constructor, equality, hashing, pickling and immutability, without
    importing ``dataclasses`` and building the class (about 5 ms for these
    35 fields), which every client's cold start paid. It is never encoded.
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
    # Retries (docs/resilience.md). None: AWS_RETRY_MODE / AWS_MAX_ATTEMPTS, the
    # profile's retry_mode / max_attempts, then standard mode with 3 attempts.
    retry_mode: RetryMode | None = None
    max_attempts: int | None = None
    # Resend a mail-sending call whose request may already have reached SES.
    retry_ambiguous_sends: bool = False
    # Total seconds a call may take across attempts and sleeps (None: no limit).
    deadline: float | None = None
    # Circuit breaker per (region, endpoint): opens after `breaker_threshold`
    # consecutive failures, probes again after `breaker_cooldown` seconds.
    circuit_breaker: bool = True
    breaker_threshold: int = 5
    breaker_cooldown: float = 30.0
    # Recipient-weighted rate limit: None/False (off), True (14/s), a number of
    # recipients per second, or "auto" (SendQuota.MaxSendRate from GetAccount).
    rate_limit: RateLimit = None
    rate_limit_burst: float | None = None
    rate_limit_max_wait: float | None = None
    rate_limit_url: str | None = None
    rate_limit_fallback: Literal["local", "fail"] = "local"
    # Observability: addresses, subjects and bodies stay out of logs, spans and
    # hook payloads unless this is True. Secrets never appear.
    log_sensitive: bool = False
    hooks: Mapping[str, Sequence[Callable[..., Any]]] | None = None
    # Clock, sleep and randomness for the pipeline (tests inject fakes).
    runtime: Runtime | None = None
    # Called with an assume-role profile's mfa_serial; returns the current MFA
    # code (a coroutine function works with the async client).
    mfa_token_provider: Callable[[str], Any] | None = None

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
        self._check_resilience()

    def _check_resilience(self) -> None:
        if self.retry_mode is not None and self.retry_mode not in _RETRY_MODES:
            raise SesValidationError(
                "retry_mode", f"{self.retry_mode!r} is not one of {', '.join(_RETRY_MODES)}"
            )
        for name, minimum in (("max_attempts", 1), ("breaker_threshold", 1)):
            value = getattr(self, name)
            if value is not None and (
                isinstance(value, bool) or not isinstance(value, int) or value < minimum
            ):
                raise SesValidationError(name, f"must be an integer >= {minimum}, not {value!r}")
        for name in ("deadline", "breaker_cooldown", "rate_limit_burst", "rate_limit_max_wait"):
            value = getattr(self, name)
            if value is not None and (
                isinstance(value, bool) or not isinstance(value, int | float) or value <= 0
            ):
                raise SesValidationError(name, f"must be a positive number, not {value!r}")
        rate = self.rate_limit
        if not (
            rate is None
            or isinstance(rate, bool)
            or rate == "auto"
            or (isinstance(rate, int | float) and rate > 0)
        ):
            raise SesValidationError(
                "rate_limit",
                f"must be None, True, a positive number of recipients per second or 'auto', "
                f"not {rate!r}",
            )
        if self.rate_limit_url is not None and not self.rate_limit_url.startswith(
            ("redis://", "rediss://", "unix://")
        ):
            raise SesValidationError(
                "rate_limit_url", "must be a redis://, rediss:// or unix:// URL"
            )
        if self.rate_limit_fallback not in ("local", "fail"):
            raise SesValidationError("rate_limit_fallback", "must be 'local' or 'fail'")
        if self.hooks is not None:
            for event, funcs in self.hooks.items():
                if event not in _HOOK_EVENTS:
                    raise SesValidationError(
                        f"hooks[{event!r}]", f"unknown event; use {' or '.join(_HOOK_EVENTS)}"
                    )
                if not all(callable(f) for f in funcs):
                    raise SesValidationError(f"hooks[{event!r}]", "must be a list of callables")

    @property
    def effective_rate_limit(self) -> float | Literal["auto"] | None:
        """The rate limit in recipients per second, ``"auto"``, or None when off."""
        rate = self.rate_limit
        if rate is None or rate is False:
            return None
        if rate is True:
            return DEFAULT_RATE_LIMIT
        if rate == "auto":
            return "auto"
        return float(rate)

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
        mode = env.get("AWS_RETRY_MODE")
        if mode:
            values["retry_mode"] = mode.strip().lower()
        attempts = env.get("AWS_MAX_ATTEMPTS")
        if attempts:
            try:
                values["max_attempts"] = int(attempts)
            except ValueError:
                raise SesValidationError(
                    "AWS_MAX_ATTEMPTS", f"{attempts!r} is not a whole number"
                ) from None
        rate = env.get("AWS_SES_RATE_LIMIT", "").strip().lower()
        if rate in _TRUE or rate in ("false", "off", "no"):
            values["rate_limit"] = rate in _TRUE
        elif rate:
            values["rate_limit"] = rate if rate == "auto" else _number(rate, "AWS_SES_RATE_LIMIT")
        url = env.get("AWS_SES_RATE_LIMIT_URL")
        if url:
            values["rate_limit_url"] = url
        for field, var in (
            ("rate_limit_burst", "AWS_SES_RATE_LIMIT_BURST"),
            ("rate_limit_max_wait", "AWS_SES_RATE_LIMIT_MAX_WAIT"),
        ):
            if env.get(var):
                values[field] = _number(env[var], var)
        fallback = env.get("AWS_SES_RATE_LIMIT_FALLBACK")
        if fallback:
            values["rate_limit_fallback"] = fallback.strip().lower()
        sensitive = _env_flag(env, "AWS_SES_LOG_SENSITIVE")
        if sensitive is not None:
            values["log_sensitive"] = sensitive
        values.update(overrides)
        return cls(**values)

    def __repr__(self) -> str:
        # The defaults belong to the last fields (all of them, today).
        names = self.__struct_fields__
        defaults = dict(zip(reversed(names), reversed(self.__struct_defaults__), strict=False))
        shown = ", ".join(
            f"{name}={getattr(self, name)!r}"
            for name in names
            if name not in defaults or getattr(self, name) != defaults[name]
        )
        return f"SesConfig({shown})"

    def with_options(self, **changes: Any) -> SesConfig:
        """A copy with some fields changed (validated again)."""
        return msgspec.structs.replace(self, **changes)
