"""The per-recipient CSV report, streamed from the ledger."""

from __future__ import annotations

import csv
import os
from datetime import UTC, datetime
from typing import IO, Any

from aws_ses.campaigns.control import open_ledger

__all__ = ["REPORT_COLUMNS", "write_report"]

REPORT_COLUMNS = ("email", "state", "code", "message_id", "attempts", "updated_at", "resent")


def write_report(
    campaign_id: str,
    out: str | os.PathLike[str] | IO[str],
    *,
    redis_url: str | None = None,
    app: Any = None,
) -> int:
    """Write one CSV row per recipient to ``out`` (a path or a text file); returns the rows.

    ``state`` is the ledger state; after ``cancel`` the recipients never sent
    stay ``queued``. ``code`` is SES's status or error code for a failure, an
    unknown outcome or a skip (``Suppressed``, a hook's reason).
    """
    ledger = open_ledger(campaign_id, redis_url=redis_url, app=app)
    if isinstance(out, str | os.PathLike):
        with open(out, "w", newline="", encoding="utf-8") as handle:
            return _write(ledger, handle)
    return _write(ledger, out)


def _write(ledger: Any, handle: IO[str]) -> int:
    writer = csv.writer(handle)
    writer.writerow(REPORT_COLUMNS)
    rows = 0
    for record in ledger.records():
        writer.writerow(
            (
                record.address,
                record.state,
                record.code or "",
                record.message_id or "",
                record.attempts,
                datetime.fromtimestamp(record.updated, UTC).isoformat(timespec="milliseconds"),
                "yes" if record.resent else "",
            )
        )
        rows += 1
    return rows
