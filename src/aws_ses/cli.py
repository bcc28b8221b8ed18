"""The ``aws-ses`` command line (needs the ``cli`` extra: typer and rich)."""

import sys

try:
    import typer
except ImportError:  # pragma: no cover - depends on the installed extras
    sys.exit("the aws-ses command needs the cli extra: pip install 'aws-ses[cli]'")

__all__ = ["app", "main"]

app = typer.Typer(
    name="aws-ses",
    help="Amazon SES v2 from the command line, and a local SES v2 server.",
    no_args_is_help=True,
    add_completion=False,
)


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


@app.command(help="Print the version.")
def version() -> None:
    from aws_ses._version import __version__

    print(__version__)


def main() -> None:
    """Entry point of the ``aws-ses`` console script."""
    app()
