"""Campaigns across many workers: Celery distributes chunks, Redis keeps the ledger.

Install the ``celery`` extra. Every recipient has one ledger record that moves
``queued -> sending -> sent | failed | maybe_sent`` (or ``skipped``) in atomic
Lua scripts, so a chunk delivered twice, or a worker killed mid-chunk, never
mails anyone twice by our doing. See ``docs/campaigns.md``.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from aws_ses.campaigns.celery_app import TASK_NAME as TASK_NAME
    from aws_ses.campaigns.celery_app import configure_app as configure_app
    from aws_ses.campaigns.celery_app import make_app as make_app
    from aws_ses.campaigns.control import CampaignStatus as CampaignStatus
    from aws_ses.campaigns.control import campaign_status as campaign_status
    from aws_ses.campaigns.control import cancel as cancel
    from aws_ses.campaigns.control import maybe_sent_addresses as maybe_sent_addresses
    from aws_ses.campaigns.control import pause as pause
    from aws_ses.campaigns.control import resend_unknown as resend_unknown
    from aws_ses.campaigns.control import resume as resume
    from aws_ses.campaigns.control import sweep as sweep
    from aws_ses.campaigns.control import wait as wait
    from aws_ses.campaigns.ledger import STATES as STATES
    from aws_ses.campaigns.ledger import Ledger as Ledger
    from aws_ses.campaigns.orphans import SweepResult as SweepResult
    from aws_ses.campaigns.report import write_report as write_report
    from aws_ses.campaigns.sources import Recipient as Recipient
    from aws_ses.campaigns.sources import read_source as read_source
    from aws_ses.campaigns.spec import CampaignSpec as CampaignSpec
    from aws_ses.campaigns.start import start_campaign as start_campaign

# Where the ledger and broker live when no URL is given (an environment variable).
REDIS_URL_ENV = "AWS_SES_CAMPAIGNS_REDIS_URL"

# Names are imported on first use: the command line can offer its
# ``campaign`` group without loading Celery or redis-py.
_LAZY = {
    "TASK_NAME": "celery_app", "configure_app": "celery_app", "make_app": "celery_app",
    "CampaignStatus": "control", "campaign_status": "control", "cancel": "control",
    "maybe_sent_addresses": "control", "pause": "control", "resend_unknown": "control",
    "resume": "control", "sweep": "control", "wait": "control", "STATES": "ledger",
    "Ledger": "ledger", "SweepResult": "orphans",
    "write_report": "report", "Recipient": "sources", "read_source": "sources",
    "CampaignSpec": "spec", "start_campaign": "start",
}  # fmt: skip

__all__ = ["REDIS_URL_ENV", *sorted(_LAZY)]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"aws_ses.campaigns.{module}"), name)
    globals()[name] = value
    return value
