"""Watching and steering a running campaign: status, pause, resume, cancel, resend."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from aws_ses.campaigns.celery_app import TASK_NAME, ledger_url
from aws_ses.campaigns.ledger import Ledger, connect
from aws_ses.campaigns.sources import chunked
from aws_ses.campaigns.spec import CampaignSpec

__all__ = [
    "CampaignStatus",
    "campaign_status",
    "cancel",
    "maybe_sent_addresses",
    "open_ledger",
    "pause",
    "resend_unknown",
    "resume",
]

RATE_WINDOW = 10.0  # seconds of history behind recipients/s


def open_ledger(campaign_id: str, *, redis_url: str | None = None, app: Any = None) -> Ledger:
    """The ledger of an existing campaign; KeyError when Redis has no such campaign."""
    ledger = Ledger(connect(redis_url or ledger_url(app)), campaign_id)
    if not ledger.exists():
        raise KeyError(f"no campaign {campaign_id!r} in this Redis")
    return ledger


@dataclass(frozen=True, slots=True)
class CampaignStatus:
    """A snapshot of a campaign, read from the ledger.

    ``rate`` is recipients/s over the last ten seconds; ``eta`` the seconds
    left at that rate (None while unknown). ``errors`` counts final failures
    and unknown outcomes by SES status or error code; ``retries`` the
    transient ones that were tried again.
    """

    campaign_id: str
    control: str
    counts: dict[str, int]
    total: int
    read: int
    enqueued: bool
    duplicates: int
    rate: float
    eta: float | None
    errors: dict[str, int] = field(default_factory=dict)
    retries: dict[str, int] = field(default_factory=dict)
    pause_reason: str | None = None
    enqueue_error: str | None = None
    created: float = 0.0

    @property
    def remaining(self) -> int:
        return self.counts["queued"] + self.counts["sending"]

    @property
    def done(self) -> bool:
        """Everything read and nobody left to send (or cancelled with nothing in flight)."""
        if self.control == "cancelled":
            return self.enqueued and self.counts["sending"] == 0
        return self.enqueued and self.remaining == 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "campaign_id": self.campaign_id,
            "control": self.control,
            "counts": self.counts,
            "total": self.total,
            "read": self.read,
            "enqueued": self.enqueued,
            "duplicates": self.duplicates,
            "rate": round(self.rate, 2),
            "eta": None if self.eta is None else round(self.eta, 1),
            "errors": self.errors,
            "retries": self.retries,
            "pause_reason": self.pause_reason,
            "enqueue_error": self.enqueue_error,
            "done": self.done,
        }


def campaign_status(
    campaign_id: str, *, redis_url: str | None = None, app: Any = None
) -> CampaignStatus:
    """Counts per state, recipients/s, ETA and errors by code."""
    ledger = open_ledger(campaign_id, redis_url=redis_url, app=app)
    meta = ledger.meta_fields()
    counts = ledger.counts()
    now = ledger.clock()
    created = float(meta.get("created", now))
    window = max(1.0, min(RATE_WINDOW, now - created))
    processed = ledger.processed_between(now - window, now)
    rate = processed / window
    remaining = counts["queued"] + counts["sending"]
    control = meta.get("control", "running")
    eta = remaining / rate if rate > 0 and control == "running" else None
    if remaining == 0:
        eta = 0.0
    return CampaignStatus(
        campaign_id=campaign_id,
        control=control,
        counts=counts,
        total=int(meta.get("total", 0)),
        read=int(meta.get("read", 0)),
        enqueued=meta.get("enqueued") == "1",
        duplicates=int(meta.get("duplicates", 0)),
        rate=rate,
        eta=eta,
        errors=ledger.errors(),
        retries=ledger.retries(),
        pause_reason=meta.get("pause_reason") or None,
        enqueue_error=meta.get("enqueue_error") or None,
        created=created,
    )


def wait(
    campaign_id: str,
    *,
    redis_url: str | None = None,
    app: Any = None,
    timeout: float = 3600.0,
    poll: float = 0.25,
) -> CampaignStatus:
    """Block until :attr:`CampaignStatus.done` (or ``timeout``, TimeoutError)."""
    deadline = time.monotonic() + timeout
    while True:
        status = campaign_status(campaign_id, redis_url=redis_url, app=app)
        if status.done:
            return status
        if time.monotonic() > deadline:
            raise TimeoutError(f"campaign {campaign_id} not done after {timeout} s: {status}")
        time.sleep(poll)


def pause(campaign_id: str, *, redis_url: str | None = None, app: Any = None) -> str:
    """Workers stop claiming; chunks in flight finish. Returns the new control state."""
    ledger = open_ledger(campaign_id, redis_url=redis_url, app=app)
    return ledger.control("paused")[1]


def _submit(app: Any, campaign_id: str, rows: list[list[str]], queue: str | None) -> None:
    if app is None:
        from celery import current_app

        app = current_app
    app.send_task(TASK_NAME, args=(campaign_id, rows), queue=queue)


def resume(campaign_id: str, *, redis_url: str | None = None, app: Any = None) -> int:
    """Let workers claim again and enqueue the chunks parked while paused; returns their number."""
    ledger = open_ledger(campaign_id, redis_url=redis_url, app=app)
    _old, new = ledger.control("running")
    if new != "running":
        raise ValueError(f"campaign {campaign_id} is {new}; only a paused campaign resumes")
    ledger.set_meta(pause_reason="")
    queue = CampaignSpec.from_json(ledger.spec()).queue
    count = 0
    for payload in ledger.pop_parked():  # each removed only once it is enqueued again
        _submit(app, campaign_id, json.loads(payload), queue)
        count += 1
    return count


def cancel(campaign_id: str, *, redis_url: str | None = None, app: Any = None) -> str:
    """Stop for good: nobody is claimed again, the rest stays ``queued`` in the report."""
    ledger = open_ledger(campaign_id, redis_url=redis_url, app=app)
    return ledger.control("cancelled")[1]


def maybe_sent_addresses(
    campaign_id: str, *, redis_url: str | None = None, app: Any = None
) -> Iterator[str]:
    """Every recipient whose outcome is unknown (the request may have reached SES)."""
    yield from open_ledger(campaign_id, redis_url=redis_url, app=app).addresses_in("maybe_sent")


def resend_unknown(campaign_id: str, *, redis_url: str | None = None, app: Any = None) -> int:
    """Send the ``maybe_sent`` recipients again, by explicit choice: some may get two mails.

    Returns how many were queued again.
    """
    ledger = open_ledger(campaign_id, redis_url=redis_url, app=app)
    if ledger.control_state() != "running":
        raise ValueError(f"campaign {campaign_id} is {ledger.control_state()}; resume it first")
    spec = CampaignSpec.from_json(ledger.spec())
    addresses = list(ledger.addresses_in("maybe_sent"))
    total = 0
    for group in chunked(addresses, spec.chunk_size):
        data = ledger.data_of(group)
        moved = set(ledger.requeue_unknown(group))
        rows = [[a, a, d or ""] for a, d in zip(group, data, strict=True) if a in moved]
        if rows:
            _submit(app, campaign_id, rows, spec.queue)
            total += len(rows)
    return total
