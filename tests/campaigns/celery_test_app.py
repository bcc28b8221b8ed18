"""The Celery app the test workers run: the library's preset, tuned for fast tests."""

from __future__ import annotations

import os

from aws_ses.campaigns.celery_app import make_app

# The kill test wants the broker to hand a dead worker's chunks on quickly.
_visibility = float(os.environ.get("CAMPAIGN_TEST_VISIBILITY", "600"))

app = make_app(
    broker_transport_options={
        "visibility_timeout": _visibility,
        "unacked_restore_interval": 1,
        "unacked_restore_throttle": 1,
    },
    worker_hijack_root_logger=False,
)
