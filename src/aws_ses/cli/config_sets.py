"""``aws-ses config-sets``: list, get, create, delete configuration sets."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from aws_ses.cli._context import Output, settings
from aws_ses.cli._output import emit_record, emit_rows
from aws_ses.cli._tags import parse_tags

__all__ = ["group"]

group = typer.Typer(help="Configuration sets: list, get, create, delete.")

Name = Annotated[str, typer.Argument(help="Configuration set name.", show_default=False)]


@group.command("list")
def list_sets(ctx: typer.Context) -> None:
    """List the configuration sets."""
    s = settings(ctx)
    with s.client() as ses:
        names = list(ses.configuration_sets.iter())
    emit_rows(
        s, [{"name": n} for n in names], ["name"], json_value=names, title="Configuration sets"
    )


@group.command("get")
def get(ctx: typer.Context, name: Name) -> None:
    """Show a configuration set and its event destinations."""
    s = settings(ctx)
    with s.client() as ses:
        found = ses.configuration_sets.get(configuration_set_name=name)
        destinations = (
            ses.configuration_sets.get_event_destinations(
                configuration_set_name=name
            ).event_destinations
            or []
        )
    sending = found.sending_options
    reputation = found.reputation_options
    delivery = found.delivery_options
    suppression = found.suppression_options
    pairs: list[tuple[str, Any]] = [
        ("name", found.configuration_set_name),
        ("sending", None if sending is None else sending.sending_enabled),
        (
            "reputation metrics",
            None if reputation is None else reputation.reputation_metrics_enabled,
        ),
        ("TLS policy", None if delivery is None else delivery.tls_policy),
        ("sending pool", None if delivery is None else delivery.sending_pool_name),
        ("suppressed reasons", None if suppression is None else suppression.suppressed_reasons),
        ("tags", [f"{t.key}={t.value}" for t in found.tags or ()]),
        (
            "event destinations",
            [f"{d.name} ({', '.join(d.matching_event_types or [])})" for d in destinations],
        ),
    ]
    if s.output is Output.json:
        from aws_ses.cli._output import to_json

        print(to_json({"ConfigurationSet": found, "EventDestinations": destinations}))
        return
    emit_record(s, pairs)


@group.command("create")
def create(
    ctx: typer.Context,
    name: Name,
    tag: Annotated[
        list[str] | None, typer.Option("--tag", help="Resource tag key=value (repeatable).")
    ] = None,
    sending: Annotated[
        bool, typer.Option("--sending/--no-sending", help="Whether mail may be sent with it.")
    ] = True,
) -> None:
    """Create a configuration set."""
    tags = [{"key": k, "value": v} for k, v in parse_tags(tag).items()] or None
    with settings(ctx).client() as ses:
        ses.configuration_sets.create(
            configuration_set_name=name, tags=tags, sending_options={"sending_enabled": sending}
        )
    print(f"created configuration set {name}")


@group.command("delete")
def delete(ctx: typer.Context, name: Name) -> None:
    """Delete a configuration set."""
    with settings(ctx).client() as ses:
        ses.configuration_sets.delete(configuration_set_name=name)
    print(f"deleted configuration set {name}")
