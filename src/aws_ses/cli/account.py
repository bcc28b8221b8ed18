"""``aws-ses account``: quota, sending status, sandbox or production, enforcement."""

from __future__ import annotations

import typer

from aws_ses.cli._context import settings
from aws_ses.cli._output import emit_record

__all__ = ["account"]


def account(ctx: typer.Context) -> None:
    """Show the account: sending quota and rate, sending status, sandbox or
    production access, and enforcement status (GetAccount)."""
    s = settings(ctx)
    with s.client() as ses:
        info = ses.account.get()
    quota = info.send_quota
    suppression = info.suppression_attributes
    pairs = [
        ("sending", "enabled" if info.sending_enabled else "paused"),
        ("access", "production" if info.production_access_enabled else "sandbox"),
        ("enforcement", info.enforcement_status),
        ("max send rate (per second)", quota.max_send_rate if quota else None),
        ("24-hour quota", quota.max24_hour_send if quota else None),
        ("sent in the last 24 hours", quota.sent_last24_hours if quota else None),
        (
            "suppressed reasons",
            suppression.suppressed_reasons if suppression else None,
        ),
        ("dedicated IP auto warm-up", info.dedicated_ip_auto_warmup_enabled),
    ]
    emit_record(s, pairs, json_value=info)
