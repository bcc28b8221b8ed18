"""The Celery side: an app preset for campaigns, or settings for your own app.

Broker, result backend, ledger and the shared rate limiter all live on one
Redis. Use :func:`make_app` for a dedicated app, or call
:func:`configure_app` on yours and add ``"aws_ses.campaigns.tasks"`` to its
``include``/``imports``.
"""

from __future__ import annotations

import os
from typing import Any

from celery import Celery

from aws_ses.campaigns import REDIS_URL_ENV

__all__ = ["REDIS_URL_ENV", "TASK_NAME", "configure_app", "ledger_url", "make_app"]

TASK_NAME = "aws_ses.campaigns.send_chunk"

_CONF_KEY = "aws_ses_campaigns_redis_url"


def configure_app(app: Celery, redis_url: str | None = None, **overrides: Any) -> Celery:
    """Settings the campaign task relies on, applied to ``app``.

    ``task_acks_late`` + ``task_reject_on_worker_lost``: a chunk whose worker
    dies is delivered again (the ledger makes that harmless);
    ``worker_prefetch_multiplier=1``: a worker holds one chunk per process,
    so ``pause`` takes effect within one chunk; ``visibility_timeout``: how
    long Redis waits before it gives an unacknowledged chunk to another
    worker (a chunk taken twice is harmless, a lost one would not be).
    """
    url = redis_url or app.conf.get(_CONF_KEY) or app.conf.broker_url
    settings: dict[str, Any] = {
        _CONF_KEY: url,
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 1,
        "broker_connection_retry_on_startup": True,
        # A dead worker's chunks come back once visibility_timeout has passed,
        # found by a sweep every 30 s (kombu's default sweeps every 100 s).
        "broker_transport_options": {
            "visibility_timeout": 600,
            "unacked_restore_interval": 30,
            "unacked_restore_throttle": 1,
        },
        "result_expires": 3600,
    }
    settings.update(overrides)
    app.conf.update(settings)
    return app


def make_app(
    redis_url: str | None = None, *, name: str = "aws_ses_campaigns", **overrides: Any
) -> Celery:
    """A Celery app with broker and backend on ``redis_url`` (default: the env variable)."""
    url = redis_url or os.environ.get(REDIS_URL_ENV)
    if not url:
        raise ValueError(f"give redis_url or set {REDIS_URL_ENV} (a redis:// URL)")
    app = Celery(name, broker=url, backend=url, include=["aws_ses.campaigns.tasks"])
    return configure_app(app, url, **overrides)


def ledger_url(app: Celery | None) -> str:
    """The Redis URL of the ledger for ``app`` (its setting, else its broker)."""
    if app is not None:
        url = app.conf.get(_CONF_KEY) or app.conf.broker_url
        if url and str(url).startswith(("redis://", "rediss://", "unix://")):
            return str(url)
    env = os.environ.get(REDIS_URL_ENV)
    if env:
        return env
    raise ValueError(f"no Redis URL for the campaign ledger: pass redis_url or set {REDIS_URL_ENV}")
