"""Campaigns from Django: the options ``start_campaign`` needs, read from settings.

Settings (all optional except the Redis URL, which may also come from the
``AWS_SES_CAMPAIGNS_REDIS_URL`` environment variable):

- ``AWS_SES_CAMPAIGNS_REDIS_URL``: the Redis of the ledger (and of the preset
  Celery app's broker);
- ``AWS_SES_CAMPAIGNS_CELERY_APP``: your project's Celery app, as a dotted
  path (``"proj.celery.app"`` or ``"proj.celery:app"``); default: the preset
  app on the Redis URL;
- ``AWS_SES_CAMPAIGNS_QUEUE``: the Celery queue of the campaign workers;
- ``AWS_SES_CAMPAIGNS_SES``: the workers' client settings (``ses=`` of
  ``start_campaign``); ``region`` and ``endpoint_url`` default to the email
  backend's ``AWS_SES_REGION`` and ``AWS_SES_ENDPOINT_URL``;
- ``AWS_SES_CAMPAIGNS_FROM``: the sender; default ``DEFAULT_FROM_EMAIL``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import import_module
from typing import Any

from aws_ses.campaigns import REDIS_URL_ENV

__all__ = [
    "CampaignSettings",
    "read_campaign_settings",
    "start_from_settings",
    "status_from_settings",
]


@dataclass(frozen=True)
class CampaignSettings:
    """What the project's settings say about campaigns."""

    redis_url: str
    app: Any
    queue: str | None = None
    ses: Mapping[str, Any] = field(default_factory=dict)
    from_email: str | None = None


_apps: dict[str, Any] = {}


def _improperly(message: str) -> Exception:
    from django.core.exceptions import ImproperlyConfigured  # type: ignore[import-untyped]

    return ImproperlyConfigured(message)  # type: ignore[no-any-return]


def _load_app(path: str) -> Any:
    module, _, attr = path.replace(":", ".").rpartition(".")
    if not module:
        raise _improperly(f"AWS_SES_CAMPAIGNS_CELERY_APP must be a dotted path, not {path!r}")
    try:
        return getattr(import_module(module), attr)
    except (ImportError, AttributeError) as exc:
        raise _improperly(f"AWS_SES_CAMPAIGNS_CELERY_APP {path!r} cannot be loaded: {exc}") from exc


def read_campaign_settings() -> CampaignSettings:
    """Read and check the settings; ImproperlyConfigured names the one that is wrong."""
    from django.conf import settings  # type: ignore[import-untyped]

    url = getattr(settings, "AWS_SES_CAMPAIGNS_REDIS_URL", None) or os.environ.get(REDIS_URL_ENV)
    if not url:
        raise _improperly(f"set AWS_SES_CAMPAIGNS_REDIS_URL (or {REDIS_URL_ENV}) to a redis:// URL")
    if not str(url).startswith(("redis://", "rediss://", "unix://")):
        raise _improperly(f"AWS_SES_CAMPAIGNS_REDIS_URL is not a Redis URL: {url!r}")
    ses: dict[str, Any] = {}
    for key, setting in (("region", "AWS_SES_REGION"), ("endpoint_url", "AWS_SES_ENDPOINT_URL")):
        value = getattr(settings, setting, None)
        if value:
            ses[key] = value
    extra = getattr(settings, "AWS_SES_CAMPAIGNS_SES", None) or {}
    if not isinstance(extra, Mapping):
        raise _improperly("AWS_SES_CAMPAIGNS_SES must be a dict of client settings")
    ses.update(extra)
    app_path = getattr(settings, "AWS_SES_CAMPAIGNS_CELERY_APP", None)
    if app_path:
        app = _load_app(str(app_path))
    else:
        app = _apps.get(url)
        if app is None:
            from aws_ses.campaigns.celery_app import make_app

            app = _apps[url] = make_app(url)
    return CampaignSettings(
        redis_url=str(url),
        app=app,
        queue=getattr(settings, "AWS_SES_CAMPAIGNS_QUEUE", None) or None,
        ses=ses,
        from_email=getattr(settings, "AWS_SES_CAMPAIGNS_FROM", None)
        or getattr(settings, "DEFAULT_FROM_EMAIL", None),
    )


def start_from_settings(recipients: Any, **options: Any) -> str:
    """``start_campaign`` with the app, Redis, queue, ``ses`` and sender from settings.

    Keyword arguments are those of :func:`~aws_ses.campaigns.start_campaign`
    and win over the settings (``ses=`` is merged over ``AWS_SES_CAMPAIGNS_SES``).
    """
    from aws_ses.campaigns.start import start_campaign

    found = read_campaign_settings()
    ses = {**dict(found.ses), **dict(options.pop("ses", None) or {})}
    options.setdefault("from_", found.from_email)
    options.setdefault("queue", found.queue)
    return start_campaign(recipients, app=found.app, redis_url=found.redis_url, ses=ses, **options)


def status_from_settings(campaign_id: str) -> Any:
    """:func:`~aws_ses.campaigns.campaign_status` on the Redis and app of the settings."""
    from aws_ses.campaigns.control import campaign_status

    found = read_campaign_settings()
    return campaign_status(campaign_id, redis_url=found.redis_url, app=found.app)
