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
from aws_ses.campaigns.ledger import Ledger, connect
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
    submit: Callable[[list[list[str]]], None],
) -> Iterator[int]:
    """Write each chunk's records, submit its new rows; yields the running total read."""
    read = 0
    for chunk in chunked(recipients, chunk_size):
        read += len(chunk)
        rows = [_classify(r, suppressed, skip) for r in chunk]
        address_of = {r.email.strip().lower(): r.email.strip() for r in chunk}
        data_of = {key: data for key, _, _, data in rows}
        accepted = ledger.enqueue([(key, state, code) for key, state, code, _ in rows])
        if accepted:
            submit([[key, address_of[key], data_of[key]] for key in accepted])
        yield read


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
    cid = campaign_id or uuid.uuid4().hex[:16]
    if not cid.replace("-", "").replace("_", "").isalnum():
        raise SesValidationError("campaign_id", "letters, digits, '-' and '_' only")
    source = read_source(recipients, email_field=email_field)  # bad paths fail here
    ledger = Ledger(connect(url), cid)
    ledger.create(spec.to_json())

    def submit(rows: list[list[str]]) -> None:
        app.send_task(TASK_NAME, args=(cid, rows), queue=queue)

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
            ):
                ledger.set_meta(read=read)
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
