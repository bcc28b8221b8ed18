"""Watching and steering a running campaign: status, pause, resume, cancel, resend, sweep."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from aws_ses.campaigns.celery_app import TASK_NAME, ledger_url
from aws_ses.campaigns.ledger import ChunkRow, Ledger, connect
from aws_ses.campaigns.orphans import ORPHAN_GRACE, STARTER_TIMEOUT, SweepResult, sweep_ledger
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
    "resolve_app",
    "resume",
    "sweep",
]

RATE_WINDOW = 10.0  # seconds of history behind recipients/s


def open_ledger(campaign_id: str, *, redis_url: str | None = None, app: Any = None) -> Ledger:
    """The ledger of an existing campaign; KeyError when Redis has no such campaign."""
    ledger = Ledger(connect(redis_url or ledger_url(app)), campaign_id)
    if not ledger.exists():
        raise KeyError(f"no campaign {campaign_id!r} in this Redis")
    return ledger


def resolve_app(app: Any, redis_url: str | None) -> Any:
    """The Celery app to enqueue on: ``app``, else the current app if it has a
    broker, else the preset app on the campaign's Redis (never Celery's
    default AMQP broker, which would only hang)."""
    if app is not None:
        return app
    from celery import current_app

    if current_app.conf.broker_url:
        return current_app
    from aws_ses.campaigns.celery_app import make_app

    return make_app(redis_url or ledger_url(None))


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
    #: Chunks written but not known to be enqueued (a starter at work, or a dead one's).
    pending_chunks: int = 0
    #: Not done reading, and no chunk written for ``STARTER_TIMEOUT`` s: finish
    #: with ``start_campaign(..., campaign_id=..., resume=True)``.
    starter_lost: bool = False

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
            "pending_chunks": self.pending_chunks,
            "starter_lost": self.starter_lost,
            "done": self.done,
        }


def campaign_status(
    campaign_id: str,
    *,
    redis_url: str | None = None,
    app: Any = None,
    sweep_orphans: bool = True,
) -> CampaignStatus:
    """Counts per state, recipients/s, ETA and errors by code.

    With ``sweep_orphans`` (the default) a chunk left pending for
    ``ORPHAN_GRACE`` seconds (its starter died before enqueueing it) is
    enqueued on ``app`` first, so watching a campaign is enough to finish it.
    """
    ledger = open_ledger(campaign_id, redis_url=redis_url, app=app)
    if sweep_orphans and ledger.pending_chunks(ORPHAN_GRACE):
        _sweep(ledger, app, redis_url, ORPHAN_GRACE)
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
    enqueued = meta.get("enqueued") == "1"
    beat = float(meta.get("beat") or created)
    return CampaignStatus(
        campaign_id=campaign_id,
        control=control,
        counts=counts,
        total=int(meta.get("total", 0)),
        read=int(meta.get("read", 0)),
        enqueued=enqueued,
        duplicates=int(meta.get("duplicates", 0)),
        rate=rate,
        eta=eta,
        errors=ledger.errors(),
        retries=ledger.retries(),
        pause_reason=meta.get("pause_reason") or None,
        enqueue_error=meta.get("enqueue_error") or None,
        created=created,
        pending_chunks=ledger.pending_count(),
        starter_lost=not enqueued and now - beat > STARTER_TIMEOUT,
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


def _submitter(ledger: Ledger, app: Any, redis_url: str | None) -> Callable[[list[ChunkRow]], None]:
    """A function enqueueing one chunk of ``ledger``'s campaign on the resolved app."""
    target = resolve_app(app, redis_url)
    queue = CampaignSpec.from_json(ledger.spec()).queue

    def submit(rows: list[ChunkRow]) -> None:
        target.send_task(TASK_NAME, args=(ledger.campaign_id, rows), queue=queue)

    return submit


def _sweep(ledger: Ledger, app: Any, redis_url: str | None, grace: float) -> SweepResult:
    return sweep_ledger(ledger, _submitter(ledger, app, redis_url), grace=grace)


def sweep(
    campaign_id: str, *, redis_url: str | None = None, app: Any = None, grace: float = 0.0
) -> SweepResult:
    """Enqueue the chunks a dead starter wrote but never enqueued (see :mod:`.orphans`).

    Only chunks pending for ``grace`` seconds or more are taken; with the
    default 0 a chunk a live starter is enqueueing right now may be enqueued
    twice, which sends nobody twice (claims are atomic).
    """
    ledger = open_ledger(campaign_id, redis_url=redis_url, app=app)
    return _sweep(ledger, app, redis_url, grace)


def resume(campaign_id: str, *, redis_url: str | None = None, app: Any = None) -> int:
    """Let workers claim again, enqueue the chunks parked while paused and sweep orphans.

    Returns the number of chunks enqueued. A running campaign is only swept
    (so ``resume`` also recovers from a dead starter); a cancelled one refuses.
    """
    ledger = open_ledger(campaign_id, redis_url=redis_url, app=app)
    _old, new = ledger.control("running")
    if new != "running":
        raise ValueError(f"campaign {campaign_id} is {new}; only a paused campaign resumes")
    ledger.set_meta(pause_reason="")
    submit = _submitter(ledger, app, redis_url)
    count = 0
    for payload in ledger.pop_parked():  # each removed only once it is enqueued again
        submit(json.loads(payload))
        count += 1
    return count + sweep_ledger(ledger, submit, grace=0.0).chunks


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
    submit = _submitter(ledger, app, redis_url)
    total = 0
    for group in chunked(addresses, spec.chunk_size):
        data = ledger.data_of(group)
        candidates = [[a, a, d or ""] for a, d in zip(group, data, strict=True)]
        # Pending first: a crash after the records moved back to queued
        # leaves a chunk the sweep finds.
        chunk = ledger.add_pending_chunk(candidates)
        moved = set(ledger.requeue_unknown(group))
        rows = [row for row in candidates if row[0] in moved]
        if rows:
            submit(rows)
            total += len(rows)
        ledger.chunk_enqueued(chunk)
    return total
