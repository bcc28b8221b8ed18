"""``start_campaign``: check the spec, stream the source into the ledger and the queue."""

from __future__ import annotations

import json
import logging
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from aws_ses.bulk import MAX_BULK_ENTRIES
from aws_ses.campaigns.celery_app import TASK_NAME, ledger_url
from aws_ses.campaigns.ledger import ChunkRow, Ledger, connect
from aws_ses.campaigns.orphans import sweep_ledger
from aws_ses.campaigns.sources import Recipient, RecipientSource, chunked, read_source
from aws_ses.campaigns.spec import CampaignSpec
from aws_ses.errors import SesValidationError
from aws_ses.mime import normalize_address

__all__ = ["SkipHook", "enqueue_rows", "load_suppressed", "start_campaign"]

log = logging.getLogger("aws_ses.campaigns")

#: Return a reason (or True) to mark a recipient ``skipped`` before sending.
SkipHook = Callable[[Recipient], "str | bool | None"]


def load_suppressed(ses: Mapping[str, Any]) -> set[str]:
    """The account-level suppression list (read once per campaign), lower-cased."""
    from aws_ses.client import SesClient
    from aws_ses.config import SesConfig

    with SesClient(SesConfig.from_env(**dict(ses))) as client:
        return {
            str(item.email_address).lower()
            for item in client.iter_suppressed_destinations()
            if item.email_address
        }


def _classify(
    recipient: Recipient, suppressed: set[str], skip: SkipHook | None
) -> tuple[str, str, str, str]:
    """(key, state, code, data JSON) for one recipient at enqueue time."""
    key = recipient.email.strip().lower()
    try:
        normalize_address(recipient.email, field="email")
    except SesValidationError:
        return key, "failed", "InvalidAddress", ""
    if key in suppressed:
        return key, "skipped", "Suppressed", ""
    if skip is not None:
        verdict = skip(recipient)
        if verdict:
            return key, "skipped", verdict if isinstance(verdict, str) else "SkippedByHook", ""
    try:
        data = json.dumps(dict(recipient.data)) if recipient.data else ""
    except (TypeError, ValueError):
        return key, "failed", "InvalidTemplateData", ""
    return key, "queued", "", data


def enqueue_rows(
    ledger: Ledger,
    recipients: Iterable[Recipient],
    *,
    chunk_size: int,
    suppressed: set[str],
    skip: SkipHook | None,
    submit: Callable[[list[ChunkRow]], None],
    resume: bool = False,
) -> Iterator[int]:
    """Write each chunk's records, submit its new rows; yields the running total read.

    The records and the pending chunk are written in one step and the mark
    is cleared only once ``submit`` returned, so a process killed in between
    leaves a chunk the orphan sweep enqueues. With ``resume`` the recipients
    already in the ledger (written by a starter that died) are passed over.
    """
    read = 0
    for chunk in chunked(recipients, chunk_size):
        read += len(chunk)
        rows = [_classify(r, suppressed, skip) for r in chunk]
        address_of = {r.email.strip().lower(): r.email.strip() for r in chunk}
        written = ledger.write_chunk(
            [(key, state, code, address_of[key], data) for key, state, code, data in rows],
            resume=resume,
        )
        if written.chunk_id is not None:
            submit(written.rows)
            ledger.chunk_enqueued(written.chunk_id)
        yield read


def _resume_check(ledger: Ledger, spec: CampaignSpec) -> None:
    """A resumed campaign must be started again with the settings it has."""
    stored = ledger.spec()
    wanted = json.loads(json.dumps(spec.to_json()))
    changed = sorted(k for k in set(stored) | set(wanted) if stored.get(k) != wanted.get(k))
    if changed:
        raise SesValidationError(
            "campaign_id",
            f"campaign {ledger.campaign_id!r} was started with other values of "
            f"{', '.join(changed)}; resume it with the same settings",
        )


def start_campaign(
    recipients: RecipientSource,
    *,
    from_: str,
    template: str | None = None,
    template_content: Mapping[str, str] | None = None,
    default_data: Mapping[str, Any] | None = None,
    configuration_set: str | None = None,
    reply_to: Iterable[str] = (),
    tags: Mapping[str, str] | None = None,
    ses: Mapping[str, Any] | None = None,
    app: Any = None,
    redis_url: str | None = None,
    campaign_id: str | None = None,
    chunk_size: int = MAX_BULK_ENTRIES,
    email_field: str = "email",
    check_suppression: bool = True,
    skip: SkipHook | None = None,
    lease_seconds: float = 120.0,
    max_entry_attempts: int = 5,
    retry_base: float = 0.5,
    queue: str | None = None,
    background: bool = True,
    resume: bool = False,
) -> str:
    """Start a campaign and return its id at once.

    ``recipients`` is streamed (see :mod:`aws_ses.campaigns.sources`) into
    chunks of ``chunk_size`` (at most 50, one ``SendBulkEmail`` each); every
    chunk becomes one Celery task on ``app`` (default: Celery's current app).
    ``ses`` holds the workers' client settings (region, endpoint_url,
    rate_limit, ...); unless it says otherwise every worker uses the
    Redis-backed rate limiter on the campaign's Redis with ``rate_limit="auto"``.
    ``background=True`` reads the source on a thread of this process (the
    interpreter waits for it before exiting); ``False`` reads it before returning.

    ``resume=True`` with the ``campaign_id`` of a campaign whose starter died
    finishes it: the orphaned chunks are enqueued, then the same source is
    streamed again, passing over every recipient already in the ledger.
    """
    if app is None:
        from celery import current_app

        app = current_app
    url = redis_url or ledger_url(app)
    settings = {"rate_limit": "auto", "rate_limit_url": url, **dict(ses or {})}
    spec = CampaignSpec(
        from_=from_,
        template=template,
        template_content=template_content,
        default_data=dict(default_data or {}),
        configuration_set=configuration_set,
        reply_to=tuple(reply_to),
        tags=dict(tags or {}),
        ses=settings,
        chunk_size=chunk_size,
        lease_seconds=lease_seconds,
        max_entry_attempts=max_entry_attempts,
        retry_base=retry_base,
        queue=queue,
    )
    spec.check()
    if resume and not campaign_id:
        raise SesValidationError("campaign_id", "resume=True needs the id of the campaign")
    cid = campaign_id or uuid.uuid4().hex[:16]
    if not cid.replace("-", "").replace("_", "").isalnum():
        raise SesValidationError("campaign_id", "letters, digits, '-' and '_' only")
    source = read_source(recipients, email_field=email_field)  # bad paths fail here
    ledger = Ledger(connect(url), cid)

    def submit(rows: list[ChunkRow]) -> None:
        app.send_task(TASK_NAME, args=(cid, rows), queue=queue)

    if resume:
        if not ledger.exists():
            raise SesValidationError("campaign_id", f"no campaign {cid!r} to resume in this Redis")
        _resume_check(ledger, spec)
        ledger.set_meta(enqueued=0, enqueue_error="", beat=ledger.clock())
        sweep_ledger(ledger, submit)  # the dead starter's last chunk first
    else:
        ledger.create(spec.to_json())
        ledger.set_meta(beat=ledger.clock())

    def run() -> None:
        try:
            suppressed = load_suppressed(settings) if check_suppression else set()
            for read in enqueue_rows(
                ledger,
                source,
                chunk_size=chunk_size,
                suppressed=suppressed,
                skip=skip,
                submit=submit,
                resume=resume,
            ):
                ledger.set_meta(read=read, beat=ledger.clock())  # the starter is alive
        except Exception as exc:  # reported by campaign_status, not lost in a thread
            log.exception("campaign %s: reading the recipients failed", cid)
            ledger.set_meta(enqueue_error=f"{type(exc).__name__}: {exc}")
            if not background:
                raise
        finally:
            ledger.set_meta(enqueued=1, enqueued_at=ledger.clock())

    if background:
        threading.Thread(target=run, name=f"aws-ses-campaign-{cid}", daemon=False).start()
    else:
        run()
    return cid
