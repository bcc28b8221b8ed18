"""``aws-ses events tail``: print the local server's SES events as they happen.

It reads ``GET /_aws/ses/events`` of an aws-ses local server (the read-back
endpoint; Amazon SES itself publishes events to SNS, Firehose or EventBridge
instead, which this command does not read).
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Annotated, Any

import typer

from aws_ses.cli._context import Output, settings
from aws_ses.cli._errors import CliError

__all__ = ["fetch_events", "group"]

group = typer.Typer(help="SES events from the local server's event stream.")


def fetch_events(endpoint: str, event_type: str | None = None) -> list[dict[str, Any]]:
    query = f"?{urllib.parse.urlencode({'type': event_type})}" if event_type else ""
    url = f"{endpoint.rstrip('/')}/_aws/ses/events{query}"
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            body = json.load(response)
    except urllib.error.HTTPError as exc:
        raise CliError(
            f"{url} answered HTTP {exc.code}: is the endpoint an aws-ses local server?"
        ) from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise CliError(f"cannot read events from {url}: {reason}", code=4) from None
    except json.JSONDecodeError:
        raise CliError(f"{url} did not answer JSON: is it an aws-ses local server?") from None
    events = body.get("events") if isinstance(body, dict) else None
    if not isinstance(events, list):
        raise CliError(f"{url} did not answer an event list")
    return events


def _line(event: dict[str, Any]) -> str:
    recipients = ", ".join(event.get("Recipients") or [])
    return (
        f"{event.get('Timestamp', '')}  {event.get('Type', ''):<18} "
        f"{event.get('MessageId', '')}  {recipients}"
    )


@group.command("tail")
def tail(
    ctx: typer.Context,
    follow: Annotated[
        bool, typer.Option("--follow", "-f", help="Keep printing new events until Ctrl-C.")
    ] = False,
    event_type: Annotated[
        str | None, typer.Option("--type", help="Only events of this type (BOUNCE, DELIVERY...).")
    ] = None,
    interval: Annotated[
        float, typer.Option("--interval", min=0.05, help="Seconds between polls with --follow.")
    ] = 1.0,
) -> None:
    """Print the events the local server recorded (one line each; JSON lines with
    --output json); with --follow, keep printing new ones."""
    s = settings(ctx)
    endpoint = s.config().endpoint_url
    if endpoint is None:
        raise CliError(
            "events tail reads a local server: give --endpoint-url or set AWS_ENDPOINT_URL_SESV2"
        )
    seen: set[str] = set()
    while True:
        for event in fetch_events(endpoint, event_type):
            key = str(event.get("Id"))
            if key in seen:
                continue
            seen.add(key)
            if s.output is Output.json:
                print(json.dumps(event, ensure_ascii=False), flush=True)
            else:
                print(_line(event), flush=True)
        if not follow:
            return
        time.sleep(interval)
