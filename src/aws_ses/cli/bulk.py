"""``aws-ses bulk``: a templated campaign from a CSV or JSONL file, killable and resumable."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from aws_ses.cli._context import settings
from aws_ses.cli._errors import CliError
from aws_ses.cli._inputs import json_object
from aws_ses.cli._recipients import BadRow, detect_format
from aws_ses.cli._report import ReportWriter, ResumeState, read_report
from aws_ses.cli._tags import parse_tags

__all__ = ["bulk", "parse_rate"]

SHOWN_UNKNOWN = 50


def parse_rate(value: str) -> float | str | None:
    """``--rate``: recipients per second, ``auto`` (the account's quota) or ``off``."""
    text = value.strip().lower()
    if text == "auto":
        return "auto"
    if text in ("off", "none", "0"):
        return None
    try:
        rate = float(text)
    except ValueError:
        raise typer.BadParameter(
            f"{value!r} is not a number of recipients per second, 'auto' or 'off'",
            param_hint="--rate",
        ) from None
    if rate <= 0:
        raise typer.BadParameter("must be positive", param_hint="--rate")
    return rate


def _print_bad_rows(bad: list[BadRow], total: int, path: Path) -> None:
    for row in bad:
        shown = f" ({row.email})" if row.email else ""
        print(f"{path} line {row.line}: row {row.number}{shown}: {row.reason}", file=sys.stderr)
    if total > len(bad):
        print(f"... and {total - len(bad)} more invalid rows", file=sys.stderr)


def _list_unknown(state: ResumeState, report: ReportWriter | None, resend: bool) -> None:
    rows = sorted(state.maybe_sent.items())
    if not rows:
        return
    action = (
        "sending them again (--resend-unknown)"
        if resend
        else ("not sending them again (--resend-unknown would)")
    )
    print(
        f"aws-ses: {len(rows)} rows have an unknown outcome (their mail may have gone out); "
        f"{action}:",
        file=sys.stderr,
    )
    for number, email in rows[:SHOWN_UNKNOWN]:
        print(f"  row {number}: {email}", file=sys.stderr)
    if len(rows) > SHOWN_UNKNOWN:
        print(
            f"  ... and {len(rows) - SHOWN_UNKNOWN} more (status unknown in the report)",
            file=sys.stderr,
        )
    if report is not None and not resend:
        # A crash leaves them "pending"; say what that means.
        for number, email in rows:
            report.write(number, email, "unknown", error="maybe_sent: outcome not recorded")
        report.sync()


def bulk(
    ctx: typer.Context,
    template: Annotated[
        str, typer.Option("--template", help="Stored template to send.", show_default=False)
    ],
    recipients: Annotated[
        Path,
        typer.Option(
            "--recipients",
            help="CSV (email column, optional cc/bcc, other columns = data) or JSONL file.",
            show_default=False,
        ),
    ],
    from_: Annotated[
        str, typer.Option("--from", help="Sender: addr or 'Name <addr>'.", show_default=False)
    ],
    default_data: Annotated[
        str | None,
        typer.Option("--default-data", help="Data every row starts from: JSON or @FILE."),
    ] = None,
    concurrency: Annotated[
        int, typer.Option("--concurrency", min=1, max=64, help="SendBulkEmail calls at once.")
    ] = 4,
    rate: Annotated[
        str,
        typer.Option(
            "--rate", help="Recipients per second: a number, auto (the account quota) or off."
        ),
    ] = "auto",
    batch_size: Annotated[
        int, typer.Option("--batch-size", min=1, max=50, help="Rows per SendBulkEmail call.")
    ] = 50,
    max_attempts: Annotated[
        int, typer.Option("--max-attempts", min=1, max=20, help="Tries per throttled row.")
    ] = 5,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Check and render every row; send nothing.")
    ] = False,
    report: Annotated[
        Path | None,
        typer.Option("--report", help="Per-row report CSV (default: RECIPIENTS.report.csv)."),
    ] = None,
    resume: Annotated[
        Path | None,
        typer.Option("--resume", help="Continue the campaign of this report (appends to it)."),
    ] = None,
    resend_unknown: Annotated[
        bool,
        typer.Option(
            "--resend-unknown",
            help="With --resume: also send rows whose outcome is unknown (they may get two mails).",
        ),
    ] = False,
    skip_invalid: Annotated[
        bool, typer.Option("--skip-invalid", help="Send the valid rows even if some are bad.")
    ] = False,
    config_set: Annotated[
        str | None, typer.Option("--config-set", help="Configuration set name.")
    ] = None,
    tag: Annotated[
        list[str] | None, typer.Option("--tag", help="Message tag key=value (repeatable).")
    ] = None,
    file_format: Annotated[
        str | None, typer.Option("--format", help="csv or jsonl (default: from the name).")
    ] = None,
) -> None:
    """Send a stored template to every row of a CSV or JSONL file.

    Every row is checked and rendered locally first; bad rows are listed with
    their line numbers and nothing is sent (unless --skip-invalid). The
    report records every row as it goes, so a killed run continues with
    --resume REPORT, never mailing anyone twice: rows whose outcome is
    unknown are listed and left alone unless --resend-unknown.
    """
    from aws_ses.cli._campaign import Campaign, CampaignHalted
    from aws_ses.cli._progress import BulkProgress

    s = settings(ctx)
    rate_limit = parse_rate(rate)
    tags = parse_tags(tag)
    if resend_unknown and resume is None:
        raise CliError("--resend-unknown only makes sense with --resume")
    if resume is not None and report is not None and report.resolve() != resume.resolve():
        raise CliError("--resume appends to its own report; drop --report or give the same file")
    fmt = detect_format(recipients, file_format)
    defaults = json_object(default_data, "--default-data") if default_data else {}
    report_path = resume or report or recipients.with_name(recipients.name + ".report.csv")
    if resume is None and not dry_run and report_path.exists() and report_path.stat().st_size:
        raise CliError(
            f"the report {report_path} already exists: continue that campaign with "
            f"--resume {report_path}, or choose another --report"
        )
    state = read_report(resume) if resume is not None else None
    # A send that may have reached SES is never repeated by the retry policy here.
    options: dict[str, Any] = {
        "rate_limit": rate_limit,
        "max_pool_connections": concurrency,
        "retry_ambiguous_sends": False,
    }
    with s.client(**options) as ses:
        stored = ses.templates.get(template_name=template)
        campaign = Campaign(
            client=ses, recipients=recipients, fmt=fmt, template_name=template,
            template=stored.template_content, sender=from_, default_data=defaults,
            configuration_set=config_set, tags=tags, concurrency=concurrency,
            max_attempts=max_attempts, skip_invalid=skip_invalid,
            resend_unknown=resend_unknown, resume=state, batch_size=batch_size,
        )  # fmt: skip
        bad = campaign.check()
        summary = campaign.summary
        if bad:
            _print_bad_rows(bad, summary.invalid, recipients)
        if dry_run:
            print(
                f"dry run: {summary.rows} rows, {summary.valid} valid, {summary.invalid} invalid, "
                f"{summary.already_sent} already sent, {summary.unknown_skipped} unknown; "
                f"would send {summary.to_send} messages to {summary.recipients} recipients"
            )
            raise typer.Exit(1 if summary.invalid and not skip_invalid else 0)
        if summary.invalid and not skip_invalid:
            raise CliError(
                f"{summary.invalid} of {summary.rows} rows are invalid; nothing was sent "
                "(fix them, or pass --skip-invalid to send the rest)"
            )
        writer = ReportWriter(report_path)
        try:
            if state is not None:
                _list_unknown(state, writer, resend_unknown)
                if summary.already_sent:
                    print(
                        f"aws-ses: skipping {summary.already_sent} rows already sent",
                        file=sys.stderr,
                    )
            progress = BulkProgress(s.console, summary.to_send)
            try:
                campaign.run(writer, progress)
            finally:
                progress.close()
        except (KeyboardInterrupt, CampaignHalted):
            print(
                f"aws-ses: the report {report_path} is complete up to here; "
                f"continue with --resume {report_path}",
                file=sys.stderr,
            )
            raise
        finally:
            writer.close()
    print(
        f"bulk: sent {summary.sent}, failed {summary.failed}, unknown {summary.unknown}, "
        f"invalid {summary.invalid}, already sent {summary.already_sent}, "
        f"unknown and not resent {summary.unknown_skipped}; report: {report_path}"
    )
    code = campaign.exit_code()
    if code:
        raise typer.Exit(code)
