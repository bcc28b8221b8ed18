"""Campaigns across many workers: Celery distributes chunks, Redis keeps the ledger.

Install the ``celery`` extra. Every recipient has one ledger record that moves
``queued -> sending -> sent | failed | maybe_sent`` (or ``skipped``) in atomic
Lua scripts, so a chunk delivered twice, or a worker killed mid-chunk, never
mails anyone twice by our doing. See ``docs/campaigns.md``.
"""

from __future__ import annotations

from aws_ses.campaigns.celery_app import REDIS_URL_ENV, TASK_NAME, configure_app, make_app
from aws_ses.campaigns.control import (
    CampaignStatus,
    campaign_status,
    cancel,
    maybe_sent_addresses,
    pause,
    resend_unknown,
    resume,
    wait,
)
from aws_ses.campaigns.ledger import STATES, Ledger
from aws_ses.campaigns.report import write_report
from aws_ses.campaigns.sources import Recipient, read_source
from aws_ses.campaigns.spec import CampaignSpec
from aws_ses.campaigns.start import start_campaign

__all__ = [
    "REDIS_URL_ENV",
    "STATES",
    "TASK_NAME",
    "CampaignSpec",
    "CampaignStatus",
    "Ledger",
    "Recipient",
    "campaign_status",
    "cancel",
    "configure_app",
    "make_app",
    "maybe_sent_addresses",
    "pause",
    "read_source",
    "resend_unknown",
    "resume",
    "start_campaign",
    "wait",
    "write_report",
]
