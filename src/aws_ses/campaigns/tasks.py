"""The Celery tasks: one chunk sent, and the orphan sweep; every worker process imports this.

``acks_late=True`` + ``reject_on_worker_lost=True``: the broker keeps a chunk
until its task returns, and a worker that dies mid-chunk gives it back. The
redelivered task runs :func:`aws_ses.campaigns.sender.send_chunk` again, which
skips whoever is already ``sent`` or ``maybe_sent``.

``aws_ses.campaigns.sweep`` (:data:`SWEEP_TASK_NAME`) enqueues the chunks of
starters that died; run it from Celery beat, e.g. every minute.
"""

from __future__ import annotations

import threading
from typing import Any

from celery import shared_task

from aws_ses.campaigns.celery_app import TASK_NAME, ledger_url
from aws_ses.campaigns.ledger import INDEX, ChunkRow, Ledger, connect
from aws_ses.campaigns.orphans import ORPHAN_GRACE, sweep_ledger
from aws_ses.campaigns.sender import Row, send_chunk
from aws_ses.campaigns.spec import CampaignSpec

__all__ = ["SWEEP_TASK_NAME", "send_chunk_task", "sweep_task"]

SWEEP_TASK_NAME = "aws_ses.campaigns.sweep"

_lock = threading.Lock()
# Per worker process: one Redis client, and one SES client per campaign.
_redis: dict[str, Any] = {}
_contexts: dict[str, tuple[Ledger, CampaignSpec, Any]] = {}


def _redis_for(app: Any) -> Any:
    url = ledger_url(app)
    client = _redis.get(url)
    if client is None:
        client = _redis[url] = connect(url)
    return client


def _context(app: Any, campaign_id: str) -> tuple[Ledger, CampaignSpec, Any]:
    with _lock:
        found = _contexts.get(campaign_id)
        if found is not None:
            return found
        ledger = Ledger(_redis_for(app), campaign_id)
        spec = CampaignSpec.from_json(ledger.spec())
        from aws_ses.client import SesClient
        from aws_ses.config import SesConfig

        ses = SesClient(SesConfig.from_env(**dict(spec.ses)))
        if len(_contexts) > 64:  # long-lived workers see many campaigns
            _contexts.clear()
        found = _contexts[campaign_id] = (ledger, spec, ses)
        return found


def _send_chunk(self: Any, campaign_id: str, rows: list[list[str]]) -> dict[str, Any]:
    """Send one chunk of a campaign; reschedule the rows another live claim holds."""
    ledger, spec, ses = _context(self.app, campaign_id)
    chunk: list[Row] = [(r[0], r[1], r[2]) for r in rows]
    report = send_chunk(ledger, spec, chunk, ses.send_bulk_email)
    if report.held:
        # Another run holds them (a redelivery while the first copy still
        # runs): look again once its claim has expired.
        self.apply_async(
            args=(campaign_id, [list(r) for r in report.held]),
            countdown=report.retry_after,
            queue=spec.queue,
        )
    return {
        "control": report.control,
        "sent": report.sent,
        "failed": report.failed,
        "maybe_sent": report.maybe_sent,
        "calls": report.calls,
        "held": len(report.held),
    }


send_chunk_task = shared_task(
    bind=True,
    name=TASK_NAME,
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
)(_send_chunk)


def _sweep(self: Any, campaign_id: str | None = None, grace: float = ORPHAN_GRACE) -> int:
    """Sweep one campaign, or every campaign in this Redis; returns the chunks enqueued."""
    with _lock:
        client = _redis_for(self.app)
    ids = [campaign_id] if campaign_id else sorted(client.smembers(INDEX))
    enqueued = 0
    for cid in ids:
        ledger = Ledger(client, cid)
        if not ledger.pending_chunks(grace) or not ledger.exists():
            continue  # most campaigns: nothing pending, one command
        queue = CampaignSpec.from_json(ledger.spec()).queue

        def submit(rows: list[ChunkRow], cid: str = cid, queue: str | None = queue) -> None:
            self.app.send_task(TASK_NAME, args=(cid, rows), queue=queue)

        enqueued += sweep_ledger(ledger, submit, grace=grace).chunks
    return enqueued


sweep_task = shared_task(bind=True, name=SWEEP_TASK_NAME, ignore_result=True)(_sweep)
