"""Sending one chunk: claim, mark, call ``SendBulkEmail``, record; no Celery here.

The order of steps is what makes a crash harmless:

1. **claim** (``queued -> sending``, w=0): a crash now leaves a claim whose
   request certainly never left; once it expires, the chunk's redelivery
   claims it again;
2. **wire** (w=1) just before the call: from here a crash leaves the outcome
   unknown, and a redelivery marks the recipient ``maybe_sent`` instead;
3. the call, then **finish** with SES's per-entry status. Entries SES
   answered ``TRANSIENT_FAILURE`` / ``ACCOUNT_THROTTLED`` (or a call refused
   before anything was sent) go back to w=0 and are tried again after a
   back-off, at most ``max_entry_attempts`` calls per recipient.

A call that raises with ``maybe_sent=True`` marks its recipients
``maybe_sent``; they are never sent again unless ``resend_unknown`` is called.
"""

from __future__ import annotations

import json
import logging
import random
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from aws_ses.campaigns.ledger import Ledger, Outcome
from aws_ses.campaigns.spec import CampaignSpec
from aws_ses.errors import SesError, TooManyRequestsException

__all__ = ["ChunkReport", "Row", "send_chunk"]

log = logging.getLogger("aws_ses.campaigns")

#: A chunk row: (ledger key, address to send to, template data JSON or "").
Row = tuple[str, str, str]

_TRANSIENT_ENTRY = frozenset({"TRANSIENT_FAILURE", "ACCOUNT_THROTTLED"})
# Waiting seconds will not help: stop the campaign, keep the recipients queued.
_ACCOUNT_STOP_ENTRY = frozenset(
    {"ACCOUNT_DAILY_QUOTA_EXCEEDED", "ACCOUNT_SENDING_PAUSED", "ACCOUNT_SUSPENDED"}
)
_ACCOUNT_STOP_CODES = frozenset(
    {"DailyQuotaExceeded", "SendingPausedException", "AccountSuspendedException"}
)


@dataclass(slots=True)
class ChunkReport:
    """What one run of a chunk did; ``held`` rows belong to another live claim."""

    control: str = "running"
    sent: int = 0
    failed: int = 0
    maybe_sent: int = 0
    calls: int = 0
    held: list[Row] = field(default_factory=list)
    retry_after: float = 0.0


def _entry(row: Row) -> dict[str, Any]:
    entry: dict[str, Any] = {"destination": {"to_addresses": [row[1]]}}
    if row[2]:
        entry["replacement_email_content"] = {
            "replacement_template": {"replacement_template_data": row[2]}
        }
    return entry


def _call_outcome(exc: SesError) -> tuple[Outcome | None, str]:
    """How every entry of a call that raised ``exc`` ends (None: stop the campaign)."""
    code = exc.code or type(exc).__name__
    if exc.maybe_sent:
        return "maybe_sent", code
    if code in _ACCOUNT_STOP_CODES or type(exc).__name__ in _ACCOUNT_STOP_CODES:
        return None, code
    if exc.retryable or isinstance(exc, TooManyRequestsException):
        return "retry", code
    if type(exc).__name__ in ("RateLimitTimeout", "CircuitOpenError"):
        return "retry", code  # nothing was sent; try again later
    return "failed", code


def send_chunk(
    ledger: Ledger,
    spec: CampaignSpec,
    rows: Sequence[Row],
    send: Callable[..., Any],
    *,
    sleep: Callable[[float], None] = time.sleep,
    rand: Callable[[], float] = random.random,
) -> ChunkReport:
    """Send ``rows`` with ``send`` (``client.send_bulk_email``) under the ledger's rules."""
    report = ChunkReport()
    token = uuid.uuid4().hex
    payload = json.dumps([list(r) for r in rows])
    by_key = {r[0]: r for r in rows}
    claim = ledger.claim(list(by_key), token=token, lease=spec.lease_seconds, payload=payload)
    report.control = claim.control
    report.maybe_sent += len(claim.unknown)
    if claim.held:
        report.held = [by_key[k] for k in claim.held]
        report.retry_after = max(claim.held.values()) + 0.1
    pending = [by_key[k] for k in claim.claimed]
    attempt = 0
    while pending:
        attempt += 1
        control, owned = ledger.mark_wire(
            [(r[0], r[2]) for r in pending],
            token=token,
            lease=spec.lease_seconds,
            payload=json.dumps([list(r) for r in pending]),
        )
        report.control = control
        if control != "running":
            return report  # pending went back to queued (and were parked when paused)
        owned_set = set(owned)
        pending = [r for r in pending if r[0] in owned_set]
        if not pending:
            break
        outcomes, stop = _send_once(spec, pending, send, report)
        last = attempt >= spec.max_entry_attempts
        final = [
            (k, ("failed" if o == "retry" and last and stop is None else o), c, m)
            for k, o, c, m in outcomes
        ]
        ledger.finish(final, token=token)
        for _, o, _, _ in final:
            if o == "sent":
                report.sent += 1
            elif o == "failed":
                report.failed += 1
            elif o == "maybe_sent":
                report.maybe_sent += 1
        retry_keys = {k for k, o, _, _ in final if o == "retry"}
        pending = [r for r in pending if r[0] in retry_keys]
        if stop is not None:
            ledger.control("paused")
            ledger.set_meta(pause_reason=stop)
            log.warning("campaign %s paused: SES answered %s", ledger.campaign_id, stop)
            continue  # the next mark_wire returns them to queued and parks them
        if pending:
            sleep(rand() * min(spec.retry_cap, spec.retry_base * 2 ** (attempt - 1)))
    return report


def _send_once(
    spec: CampaignSpec, rows: Sequence[Row], send: Callable[..., Any], report: ChunkReport
) -> tuple[list[tuple[str, Outcome, str, str]], str | None]:
    """One SendBulkEmail call; per-row (key, outcome, code, message id) and a stop reason."""
    report.calls += 1
    try:
        response = send(**spec.send_params([_entry(r) for r in rows]))
    except SesError as exc:
        outcome, code = _call_outcome(exc)
        if outcome is None:
            return [(r[0], "retry", code, "") for r in rows], code
        return [(r[0], outcome, code, "") for r in rows], None
    results = list(getattr(response, "bulk_email_entry_results", None) or ())
    out: list[tuple[str, Outcome, str, str]] = []
    stop: str | None = None
    for i, row in enumerate(rows):
        if i >= len(results):  # SES answers one row per entry; never guess a success
            out.append((row[0], "maybe_sent", "NoResultForEntry", ""))
            continue
        result = results[i]
        status = str(result.status or "UNKNOWN")
        if status == "SUCCESS":
            out.append((row[0], "sent", "", str(result.message_id or "")))
        elif status in _TRANSIENT_ENTRY:
            out.append((row[0], "retry", status, ""))
        elif status in _ACCOUNT_STOP_ENTRY:
            out.append((row[0], "retry", status, ""))
            stop = status
        else:
            out.append((row[0], "failed", status, ""))
    return out, stop
