"""``aws-ses campaign start|status|pause|resume|cancel|report|resend-unknown|sweep``.

Registered in the main CLI with ``app.add_typer(campaign_app, name="campaign")``.
Every command talks to the campaign's Redis (``--redis-url`` or
``AWS_SES_CAMPAIGNS_REDIS_URL``); ``start`` also enqueues on the Celery broker
there, for workers started with ``celery -A aws_ses.campaigns.worker worker``.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Annotated, Any

import typer

from aws_ses.campaigns import REDIS_URL_ENV

__all__ = ["app"]

app = typer.Typer(
    name="campaign",
    help="Campaigns sent by Celery workers, with a per-recipient ledger in Redis.",
    no_args_is_help=True,
    add_completion=False,
)

RedisUrl = Annotated[
    str,
    typer.Option("--redis-url", envvar=REDIS_URL_ENV, help="Redis of the ledger and broker."),
]
CampaignId = Annotated[str, typer.Argument(help="The id start printed.")]


def _fail(message: str, code: int = 2) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code)


def _status(campaign_id: str, redis_url: str) -> Any:
    from aws_ses.campaigns.control import campaign_status

    try:  # the status also sweeps orphaned chunks, onto the broker in that Redis
        return campaign_status(campaign_id, redis_url=redis_url, app=_app(redis_url))
    except KeyError as exc:
        raise _fail(str(exc.args[0])) from None


_apps: dict[str, Any] = {}


def _app(redis_url: str) -> Any:
    """The preset Celery app on ``redis_url``, built once per process."""
    found = _apps.get(redis_url)
    if found is None:
        from aws_ses.campaigns.celery_app import make_app

        found = _apps[redis_url] = make_app(redis_url)
    return found


def _summary_table(status: Any) -> Any:
    from rich.table import Table

    table = Table(title=f"campaign {status.campaign_id} ({status.control})")
    table.add_column("state")
    table.add_column("recipients", justify="right")
    for state, count in status.counts.items():
        table.add_row(state, str(count))
    table.add_row("total", str(status.total))
    if status.pending_chunks:
        table.add_row("chunks not yet enqueued", str(status.pending_chunks))
    if status.starter_lost:
        table.add_row("starter", "lost: finish with start --resume --campaign-id")
    if status.errors:
        for code, count in sorted(status.errors.items()):
            table.add_row(f"error {code}", str(count))
    return table


def watch(campaign_id: str, redis_url: str, *, interval: float = 0.5, out: Any = None) -> Any:
    """A live progress view fed from the ledger until the campaign is done."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    console = Console(file=out) if out is not None else Console()
    status = _status(campaign_id, redis_url)
    columns = (
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[detail]}"),
    )
    with Progress(*columns, console=console, transient=False) as progress:
        task = progress.add_task(campaign_id, total=max(status.total, 1), detail="")
        while True:
            counts = status.counts
            finished = counts["sent"] + counts["failed"] + counts["maybe_sent"] + counts["skipped"]
            eta = "?" if status.eta is None else f"{status.eta:.0f}s"
            detail = (
                f"sent {counts['sent']} failed {counts['failed']} "
                f"unknown {counts['maybe_sent']} skipped {counts['skipped']} "
                f"queued {counts['queued']} | {status.rate:.0f}/s eta {eta} | {status.control}"
            )
            progress.update(task, completed=finished, total=max(status.total, 1), detail=detail)
            if status.done or status.control == "paused":
                break
            time.sleep(interval)
            status = _status(campaign_id, redis_url)
    console.print(_summary_table(status))
    return status


@app.command(help="Start a campaign from a CSV or JSON Lines file; prints its id.")
def start(
    recipients: Annotated[Path, typer.Argument(help="CSV or JSONL; an 'email' column/field.")],
    from_: Annotated[str, typer.Option("--from", help="Sender address.")],
    redis_url: RedisUrl,
    template: Annotated[str, typer.Option(help="Name of the SES template.")],
    data: Annotated[str, typer.Option(help="Default template data, a JSON object.")] = "{}",
    region: Annotated[str | None, typer.Option(help="SES region for the workers.")] = None,
    endpoint_url: Annotated[str | None, typer.Option(help="SES endpoint for the workers.")] = None,
    rate_limit: Annotated[
        str, typer.Option(help="Recipients/s for all workers together, or 'auto'.")
    ] = "auto",
    configuration_set: Annotated[str | None, typer.Option()] = None,
    queue: Annotated[str | None, typer.Option(help="Celery queue of the workers.")] = None,
    campaign_id: Annotated[str | None, typer.Option(help="Choose the id.")] = None,
    resume_: Annotated[
        bool,
        typer.Option(
            "--resume",
            help="Finish the campaign --campaign-id whose starter died: same file, same options.",
        ),
    ] = False,
    suppression: Annotated[
        bool, typer.Option(help="Skip the account's suppressed addresses.")
    ] = True,
    watch_: Annotated[bool, typer.Option("--watch", help="Show live progress.")] = False,
) -> None:
    from aws_ses.campaigns.start import start_campaign
    from aws_ses.errors import SesValidationError

    try:
        default_data = json.loads(data)
    except json.JSONDecodeError as exc:
        raise _fail(f"--data is not JSON: {exc.msg}") from None
    if not isinstance(default_data, dict):
        raise _fail("--data must be a JSON object")
    rate: Any = rate_limit
    if rate_limit != "auto":
        try:
            rate = float(rate_limit)
        except ValueError:
            raise _fail(f"--rate-limit is a number or 'auto', not {rate_limit!r}") from None
    ses: dict[str, Any] = {"rate_limit": rate}
    if region:
        ses["region"] = region
    if endpoint_url:
        ses["endpoint_url"] = endpoint_url
    try:
        cid = start_campaign(
            recipients,
            from_=from_,
            template=template,
            default_data=default_data,
            configuration_set=configuration_set,
            ses=ses,
            app=_app(redis_url),
            redis_url=redis_url,
            campaign_id=campaign_id,
            check_suppression=suppression,
            queue=queue,
            background=False,
            resume=resume_,
        )
    except (SesValidationError, ValueError) as exc:
        raise _fail(str(exc)) from None
    typer.echo(cid)
    if watch_:
        watch(cid, redis_url)


@app.command(help="Counts per state, recipients/s, ETA and errors by code.")
def status(
    campaign_id: CampaignId,
    redis_url: RedisUrl,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    watch_: Annotated[bool, typer.Option("--watch", help="Live progress until done.")] = False,
) -> None:
    if watch_:
        watch(campaign_id, redis_url)
        return
    found = _status(campaign_id, redis_url)
    if as_json:
        typer.echo(json.dumps(found.as_dict()))
        return
    from rich.console import Console

    Console().print(_summary_table(found))


@app.command(help="Workers stop claiming; chunks in flight finish.")
def pause(campaign_id: CampaignId, redis_url: RedisUrl) -> None:
    from aws_ses.campaigns.control import pause as do_pause

    try:
        typer.echo(do_pause(campaign_id, redis_url=redis_url))
    except KeyError as exc:
        raise _fail(str(exc.args[0])) from None


@app.command(help="Resume a paused campaign.")
def resume(campaign_id: CampaignId, redis_url: RedisUrl) -> None:
    from aws_ses.campaigns.control import resume as do_resume

    try:
        chunks = do_resume(campaign_id, redis_url=redis_url, app=_app(redis_url))
    except (KeyError, ValueError) as exc:
        raise _fail(str(exc.args[0])) from None
    typer.echo(f"running ({chunks} parked or orphaned chunks enqueued again)")


@app.command(help="Stop for good; recipients not yet sent stay queued in the report.")
def cancel(campaign_id: CampaignId, redis_url: RedisUrl) -> None:
    from aws_ses.campaigns.control import cancel as do_cancel

    try:
        typer.echo(do_cancel(campaign_id, redis_url=redis_url))
    except KeyError as exc:
        raise _fail(str(exc.args[0])) from None


@app.command(help="Write the per-recipient CSV report (to stdout without --out).")
def report(
    campaign_id: CampaignId,
    redis_url: RedisUrl,
    out: Annotated[Path | None, typer.Option(help="CSV file to write.")] = None,
) -> None:
    from aws_ses.campaigns.report import write_report

    try:
        rows = write_report(
            campaign_id, out if out is not None else sys.stdout, redis_url=redis_url
        )
    except KeyError as exc:
        raise _fail(str(exc.args[0])) from None
    if out is not None:
        typer.echo(f"{rows} recipients written to {out}", err=True)


@app.command("resend-unknown", help="Send the maybe_sent recipients again (may duplicate).")
def resend_unknown(campaign_id: CampaignId, redis_url: RedisUrl) -> None:
    from aws_ses.campaigns.control import resend_unknown as do_resend

    try:
        count = do_resend(campaign_id, redis_url=redis_url, app=_app(redis_url))
    except (KeyError, ValueError) as exc:
        raise _fail(str(exc.args[0])) from None
    typer.echo(f"{count} recipients queued again")


@app.command(help="Enqueue the chunks a starter wrote but never enqueued (it died).")
def sweep(
    campaign_id: CampaignId,
    redis_url: RedisUrl,
    grace: Annotated[
        float,
        typer.Option(help="Only chunks pending this many seconds (0: all; a copy is harmless)."),
    ] = 0.0,
) -> None:
    from aws_ses.campaigns.control import sweep as do_sweep

    if grace < 0:
        raise _fail(f"--grace is a number of seconds >= 0, not {grace}")
    try:
        found = do_sweep(campaign_id, redis_url=redis_url, app=_app(redis_url), grace=grace)
    except KeyError as exc:
        raise _fail(str(exc.args[0])) from None
    typer.echo(
        f"{found.chunks} chunks ({found.recipients} recipients) enqueued again, "
        f"{found.cleared} already taken"
    )
