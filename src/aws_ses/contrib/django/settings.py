"""The backend's Django settings, read and checked in one place.

Settings (all optional):

- ``AWS_SES_REGION`` (or ``AWS_SES_REGION_NAME``): the region; default the AWS
  chain (``AWS_REGION``, the profile).
- ``AWS_SES_ENDPOINT_URL``: the endpoint, e.g. the local server.
- ``AWS_SES_PROFILE``: a named AWS profile for credentials and region.
- ``AWS_SES_ACCESS_KEY_ID`` / ``AWS_SES_SECRET_ACCESS_KEY`` /
  ``AWS_SES_SESSION_TOKEN`` (or the same without ``SES_``): explicit keys;
  without them, the default credential chain.
- ``AWS_SES_CONFIGURATION_SET``, ``AWS_SES_TAGS`` (a dict): for every message.
- ``AWS_SES_RATE_LIMIT``: recipients per second, ``"auto"``, True (14/s) or
  None; ``AWS_SES_RATE_LIMIT_URL``: a Redis URL to share one rate between
  processes; ``AWS_SES_RATE_LIMIT_MAX_WAIT``: the longest wait, in seconds.
- ``AWS_SES_FROM_ARN`` (or ``AWS_SES_SOURCE_ARN``):
  ``FromEmailAddressIdentityArn``, for sending authorization.
- ``AWS_SES_CONFIG``: any other :class:`~aws_ses.SesConfig` fields, as a dict.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings as django_settings  # type: ignore[import-untyped]
from django.core.exceptions import ImproperlyConfigured  # type: ignore[import-untyped]

from aws_ses.config import SesConfig
from aws_ses.contrib.django.convert import MessageDefaults
from aws_ses.errors import SesValidationError

__all__ = ["BackendSettings", "read_settings"]

# SesConfig field -> the setting a user writes for it.
_CONFIG_SETTINGS = {
    "region": "AWS_SES_REGION",
    "endpoint_url": "AWS_SES_ENDPOINT_URL",
    "profile": "AWS_SES_PROFILE",
    "rate_limit": "AWS_SES_RATE_LIMIT",
    "rate_limit_url": "AWS_SES_RATE_LIMIT_URL",
    "rate_limit_max_wait": "AWS_SES_RATE_LIMIT_MAX_WAIT",
}
# Keyword arguments of the backend, beside the settings they override.
BACKEND_OPTIONS = frozenset(
    {*_CONFIG_SETTINGS, "credentials", "configuration_set", "tags", "from_arn", "config"}
)


@dataclass(frozen=True)
class BackendSettings:
    config: SesConfig
    defaults: MessageDefaults = field(default_factory=MessageDefaults)


def _setting(name: str, *aliases: str) -> Any:
    for candidate in (name, *aliases):
        value = getattr(django_settings, candidate, None)
        if value is not None:
            return value
    return None


def _credentials() -> Any:
    from aws_ses.auth.credentials import Credentials

    for prefix in ("AWS_SES_", "AWS_"):
        key = getattr(django_settings, f"{prefix}ACCESS_KEY_ID", None)
        secret = getattr(django_settings, f"{prefix}SECRET_ACCESS_KEY", None)
        token = getattr(django_settings, f"{prefix}SESSION_TOKEN", None)
        if key and secret:
            return Credentials(key, secret, token or None, source="django settings")
        if key or secret:
            missing = "SECRET_ACCESS_KEY" if key else "ACCESS_KEY_ID"
            raise ImproperlyConfigured(f"{prefix}{missing} is not set (it goes with the other key)")
    return None


def read_settings(overrides: Mapping[str, Any] | None = None) -> BackendSettings:
    """The backend's configuration from Django settings and keyword ``overrides``.

    Raises :class:`~django.core.exceptions.ImproperlyConfigured` naming the
    setting at fault.
    """
    overrides = dict(overrides or {})
    # send_mail() passes its SMTP auth_user/auth_password through; SES has keys.
    for smtp_only in ("username", "password"):
        if overrides.pop(smtp_only, None) is not None:
            raise TypeError(
                f"EmailBackend takes no {smtp_only}: SES uses AWS keys "
                "(AWS_SES_ACCESS_KEY_ID / AWS_SES_SECRET_ACCESS_KEY, or the credential chain)"
            )
    unknown = set(overrides) - BACKEND_OPTIONS
    if unknown:
        raise TypeError(
            f"unexpected EmailBackend arguments: {', '.join(sorted(unknown))} "
            f"(known: {', '.join(sorted(BACKEND_OPTIONS))})"
        )
    extra = overrides.pop("config", None)
    if extra is None:
        extra = getattr(django_settings, "AWS_SES_CONFIG", None) or {}
    if not isinstance(extra, Mapping):
        raise ImproperlyConfigured("AWS_SES_CONFIG must be a dict of SesConfig fields")
    values: dict[str, Any] = dict(extra)
    for option, setting in _CONFIG_SETTINGS.items():
        aliases = ("AWS_SES_REGION_NAME",) if option == "region" else ()
        value = overrides.pop(option, None)
        if value is None:
            value = _setting(setting, *aliases)
        if value is not None:
            values[option] = value
    if isinstance(values.get("rate_limit"), str) and values["rate_limit"] != "auto":
        try:
            values["rate_limit"] = float(values["rate_limit"])
        except ValueError:
            raise ImproperlyConfigured(
                f"AWS_SES_RATE_LIMIT: {values['rate_limit']!r} is not a number or 'auto'"
            ) from None
    credentials = overrides.pop("credentials", None) or _credentials()
    if credentials is not None:
        values["credentials"] = credentials
    try:
        config = SesConfig(**values)
    except SesValidationError as exc:
        setting = _CONFIG_SETTINGS.get(exc.field, f"AWS_SES_CONFIG[{exc.field!r}]")
        raise ImproperlyConfigured(f"{setting}: {exc.problem}") from None
    except TypeError as exc:  # an unknown field in AWS_SES_CONFIG
        raise ImproperlyConfigured(f"AWS_SES_CONFIG: {exc}") from None

    configuration_set = overrides.pop("configuration_set", None) or _setting(
        "AWS_SES_CONFIGURATION_SET"
    )
    tags = overrides.pop("tags", None)
    if tags is None:
        tags = _setting("AWS_SES_TAGS") or {}
    if not isinstance(tags, Mapping):
        raise ImproperlyConfigured("AWS_SES_TAGS must be a dict of tag name to value")
    from_arn = overrides.pop("from_arn", None)
    if from_arn is None:
        from_arn = _setting("AWS_SES_FROM_ARN")
        source_arn = _setting("AWS_SES_SOURCE_ARN")
        if from_arn and source_arn and from_arn != source_arn:
            raise ImproperlyConfigured(
                "AWS_SES_FROM_ARN and AWS_SES_SOURCE_ARN differ; SES v2 has one "
                "FromEmailAddressIdentityArn, set one of them"
            )
        from_arn = from_arn or source_arn
    defaults = MessageDefaults(
        configuration_set=configuration_set or None,
        tags={str(k): str(v) for k, v in tags.items()},
        from_arn=from_arn or None,
        charset=str(getattr(django_settings, "DEFAULT_CHARSET", "utf-8") or "utf-8"),
    )
    return BackendSettings(config, defaults)
