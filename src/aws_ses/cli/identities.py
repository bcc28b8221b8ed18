"""``aws-ses identities``: list, get, create, delete, verify-status.

DKIM tokens are printed as DNS records ready to paste into a zone file.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from aws_ses.cli._context import Output, settings
from aws_ses.cli._output import emit_record, emit_rows, to_json

__all__ = ["dkim_records", "group"]

group = typer.Typer(help="Sending identities (domains and addresses) and their DKIM records.")

Identity = Annotated[
    str, typer.Argument(help="A domain (example.com) or an address.", show_default=False)
]


def dkim_records(identity: str, tokens: list[str] | None) -> list[str]:
    """Easy DKIM CNAME records for ``identity``, one zone-file line each."""
    domain = identity.rpartition("@")[2].rstrip(".")
    return [
        f"{token}._domainkey.{domain}. CNAME {token}.dkim.amazonses.com." for token in tokens or ()
    ]


@group.command("list")
def list_identities(ctx: typer.Context) -> None:
    """List identities with their type and verification status."""
    s = settings(ctx)
    with s.client() as ses:
        items = list(ses.identities.iter())
    rows = [
        {
            "identity": i.identity_name,
            "type": i.identity_type,
            "status": i.verification_status,
            "sending": i.sending_enabled,
        }
        for i in items
    ]
    emit_rows(
        s, rows, ["identity", "type", "status", "sending"], json_value=items, title="Identities"
    )


@group.command("get")
def get(ctx: typer.Context, identity: Identity) -> None:
    """Show an identity: verification, DKIM status and DNS records, MAIL FROM."""
    s = settings(ctx)
    with s.client() as ses:
        found = ses.identities.get(email_identity=identity)
    dkim = found.dkim_attributes
    mail_from = found.mail_from_attributes
    records = dkim_records(identity, dkim.tokens if dkim else None)
    pairs: list[tuple[str, Any]] = [
        ("identity", identity),
        ("type", found.identity_type),
        ("verification status", found.verification_status),
        ("verified for sending", found.verified_for_sending_status),
        ("feedback forwarding", found.feedback_forwarding_status),
        ("DKIM status", dkim.status if dkim else None),
        ("DKIM signing", dkim.signing_enabled if dkim else None),
        ("DKIM origin", dkim.signing_attributes_origin if dkim else None),
        ("MAIL FROM domain", mail_from.mail_from_domain if mail_from else None),
        ("configuration set", found.configuration_set_name),
    ]
    if s.output is not Output.table:
        emit_record(s, [*pairs, ("DKIM records", records)], json_value=found)
        return
    emit_record(s, pairs)
    _print_records(s.console, records)


@group.command("create")
def create(
    ctx: typer.Context,
    identity: Identity,
    configuration_set: Annotated[
        str | None, typer.Option("--config-set", help="Default configuration set.")
    ] = None,
) -> None:
    """Create an identity; for a domain, prints the DKIM records to publish."""
    s = settings(ctx)
    with s.client() as ses:
        made = ses.identities.create(
            email_identity=identity, configuration_set_name=configuration_set
        )
    if s.output is Output.json:
        print(to_json(made))
        return
    print(f"created identity {identity} ({made.identity_type})")
    _print_records(
        s.console,
        dkim_records(identity, made.dkim_attributes.tokens if made.dkim_attributes else None),
    )


@group.command("delete")
def delete(ctx: typer.Context, identity: Identity) -> None:
    """Delete an identity."""
    with settings(ctx).client() as ses:
        ses.identities.delete(email_identity=identity)
    print(f"deleted identity {identity}")


@group.command("verify-status")
def verify_status(ctx: typer.Context, identity: Identity) -> None:
    """Print whether an identity is verified; exit 0 when it is, 1 when not."""
    s = settings(ctx)
    with s.client() as ses:
        found = ses.identities.get(email_identity=identity)
    verified = bool(found.verified_for_sending_status)
    dkim = found.dkim_attributes
    emit_record(
        s,
        [
            ("identity", identity),
            ("verification status", found.verification_status),
            ("verified for sending", verified),
            ("DKIM status", dkim.status if dkim else None),
        ],
    )
    if not verified:
        raise typer.Exit(1)


def _print_records(console: Any, records: list[str]) -> None:
    if not records:
        return
    console.print("DKIM records (paste into your DNS zone):")
    for line in records:
        console.print(line, markup=False, soft_wrap=True)
