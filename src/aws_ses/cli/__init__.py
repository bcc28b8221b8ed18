"""The ``aws-ses`` command line (needs the ``cli`` extra: typer and rich).

One module per command group; this one assembles them, reads the global
options and turns every failure into one line on stderr and an exit code
(see ``_errors``).
"""

from __future__ import annotations

import sys
from typing import Annotated, Any

try:
    import typer
    from typer.core import TyperGroup

    try:  # typer >= 0.20 vendors click; older releases raise click's own errors
        from typer import TyperException as _ClickError
    except ImportError:  # pragma: no cover - depends on the installed typer
        from click import ClickException as _ClickError  # type: ignore[assignment]
except ImportError:  # pragma: no cover - depends on the installed extras
    sys.exit("the aws-ses command needs the cli extra: pip install 'aws-ses[cli]'")

from aws_ses.campaigns.cli import app as campaign_app
from aws_ses.cli import (
    account,
    bulk,
    config_sets,
    demo,
    events,
    identities,
    send,
    smtp,
    suppression,
    templates,
)
from aws_ses.cli._context import Output, Settings, settings
from aws_ses.cli._errors import exit_code_for, print_error

__all__ = ["app", "main"]


class _Group(TyperGroup):
    """The root group: every error below it becomes one line and an exit code."""

    def invoke(self, ctx: Any) -> Any:  # typer's vendored click Context
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, _ClickError):
            raise
        except BrokenPipeError:
            # The reader went away (| head): stop quietly, as other tools do.
            import os

            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise typer.Exit(1) from None
        except (Exception, KeyboardInterrupt) as exc:
            obj = ctx.obj
            print_error(exc, debug=isinstance(obj, Settings) and obj.debug)
            raise typer.Exit(exit_code_for(exc)) from None


app = typer.Typer(
    name="aws-ses",
    cls=_Group,
    help="Amazon SES v2 from the command line: send, run bulk campaigns, manage templates, "
    "identities, suppression and configuration sets, and run a local SES v2 server.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


@app.callback()
def _global_options(
    ctx: typer.Context,
    region: Annotated[
        str | None, typer.Option("--region", help="AWS region (else AWS_REGION, the profile).")
    ] = None,
    profile: Annotated[
        str | None, typer.Option("--profile", help="Shared-config profile for credentials.")
    ] = None,
    endpoint_url: Annotated[
        str | None,
        typer.Option(
            "--endpoint-url",
            help="SES endpoint (else AWS_ENDPOINT_URL_SESV2 or AWS_ENDPOINT_URL), e.g. the "
            "local server.",
        ),
    ] = None,
    output: Annotated[
        Output, typer.Option("--output", "-o", help="How results are printed.")
    ] = Output.table,
    debug: Annotated[
        bool, typer.Option("--debug", help="Log requests and show tracebacks (never secrets).")
    ] = False,
    no_color: Annotated[bool, typer.Option("--no-color", help="Plain text, no colours.")] = False,
) -> None:
    s = settings(ctx)
    s.region, s.profile, s.endpoint_url = region, profile, endpoint_url
    s.output, s.debug, s.color = output, debug, not no_color
    if debug:
        s.enable_debug_logging()


app.command("send")(send.send)
app.command("bulk")(bulk.bulk)
app.add_typer(templates.group, name="templates")
app.add_typer(identities.group, name="identities")
app.add_typer(suppression.group, name="suppression")
app.add_typer(config_sets.group, name="config-sets")
app.command("account")(account.account)
app.add_typer(events.group, name="events")
app.command("smtp-credentials")(smtp.smtp_credentials)
app.add_typer(campaign_app, name="campaign", help="Campaigns across Celery workers (celery extra).")


@app.command(
    context_settings={
        "allow_extra_args": True,
        "ignore_unknown_options": True,
        "help_option_names": [],
    },
    help=(
        "Run the local SES v2 server. Options: --host, --port, --data-dir, --region, "
        "--no-auth, --sandbox, --no-auto-verify, --max-send-rate, --smtp-port, --smtp-tls, "
        "--allow-host, --admin-token (aws-ses local --help lists them)."
    ),
)
def local(ctx: typer.Context) -> None:
    from aws_ses.local.__main__ import main as local_main

    raise typer.Exit(local_main(list(ctx.args), prog="aws-ses local") or 0)


app.command("demo")(demo.demo)


@app.command(help="Print the version.")
def version() -> None:
    from aws_ses._version import __version__

    print(__version__)


def main() -> None:
    """Entry point of the ``aws-ses`` console script."""
    app()
