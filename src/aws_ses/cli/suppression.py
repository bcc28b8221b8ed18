"""``aws-ses suppression``: the account's suppression list.

``import`` reads a CSV with an ``email`` column and an optional ``reason``
column (or one address per line); ``export`` writes the same CSV, so an
export can be imported elsewhere. Both stream: no file is loaded at once.
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path
from typing import IO, Annotated

import typer

from aws_ses.cli._context import settings
from aws_ses.cli._errors import CliError
from aws_ses.cli._output import cell, emit_rows

__all__ = ["group"]

group = typer.Typer(help="The account-level suppression list: list, add, remove, import, export.")

EXPORT_COLUMNS = ["email", "reason", "last_update_time"]


class Reason(StrEnum):
    BOUNCE = "BOUNCE"
    COMPLAINT = "COMPLAINT"


ReasonOption = Annotated[Reason, typer.Option("--reason", help="Why the address is suppressed.")]


@group.command("list")
def list_suppressed(
    ctx: typer.Context,
    reason: Annotated[Reason | None, typer.Option("--reason", help="Only this reason.")] = None,
) -> None:
    """List the suppressed addresses."""
    s = settings(ctx)
    with s.client() as ses:
        items = list(ses.suppression.iter(reasons=[reason.value] if reason else None))
    rows = [
        {"email": i.email_address, "reason": i.reason, "last_update_time": i.last_update_time}
        for i in items
    ]
    emit_rows(s, rows, EXPORT_COLUMNS, json_value=items, title="Suppressed addresses")


@group.command("add")
def add(
    ctx: typer.Context,
    emails: Annotated[list[str], typer.Argument(help="Addresses to suppress.", show_default=False)],
    reason: ReasonOption = Reason.BOUNCE,
) -> None:
    """Add addresses to the suppression list."""
    with settings(ctx).client() as ses:
        for email in emails:
            ses.suppression.put(email_address=email, reason=reason.value)
            print(f"suppressed {email} ({reason.value})")


@group.command("remove")
def remove(
    ctx: typer.Context,
    emails: Annotated[list[str], typer.Argument(help="Addresses to remove.", show_default=False)],
) -> None:
    """Remove addresses from the suppression list."""
    with settings(ctx).client() as ses:
        for email in emails:
            ses.suppression.delete(email_address=email)
            print(f"removed {email}")


def _import_rows(handle: IO[str], default_reason: str) -> Iterator[tuple[int, str, str]]:
    """(line, email, reason) for every entry of a suppression CSV or address list."""
    first = handle.readline()
    if not first:
        return
    header = [c.strip().lower() for c in next(csv.reader([first]))]
    if "email" in header:
        reader = csv.DictReader(handle, fieldnames=header)
        for record in reader:
            email = (record.get("email") or "").strip()
            reason = (record.get("reason") or "").strip().upper() or default_reason
            if email:
                yield reader.line_num + 1, email, reason
        return
    for line, text in enumerate([first, *handle], start=1):
        email = text.strip()
        if email and not email.startswith("#"):
            yield line, email, default_reason


@group.command("import")
def import_(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="CSV (email[,reason]) or one address per line.")],
    reason: Annotated[
        Reason, typer.Option("--reason", help="Reason for rows that give none.")
    ] = Reason.BOUNCE,
) -> None:
    """Add every address in FILE to the suppression list."""
    from aws_ses.errors import SesValidationError

    added = 0
    try:
        handle = file.open(encoding="utf-8", newline="")
    except OSError as exc:
        raise CliError(f"cannot read {file}: {exc.strerror}") from None
    with handle, settings(ctx).client() as ses:
        for line, email, why in _import_rows(handle, reason.value):
            if why not in Reason.__members__:
                raise CliError(f"{file} line {line}: reason {why!r} is not BOUNCE or COMPLAINT")
            try:
                ses.suppression.put(email_address=email, reason=why)
            except SesValidationError as exc:
                raise CliError(f"{file} line {line}: {exc.problem} ({email!r})") from None
            added += 1
    print(f"imported {added} addresses from {file}")


@group.command("export")
def export(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="Where to write the CSV ('-' for stdout).")],
) -> None:
    """Write the suppression list to FILE as CSV (email, reason, last_update_time)."""
    out: IO[str]
    out = sys.stdout if str(file) == "-" else file.open("w", encoding="utf-8", newline="")
    count = 0
    try:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(EXPORT_COLUMNS)
        with settings(ctx).client() as ses:
            for item in ses.suppression.iter():
                writer.writerow([item.email_address, item.reason, cell(item.last_update_time)])
                count += 1
    finally:
        if out is not sys.stdout:
            out.close()
    if out is not sys.stdout:
        print(f"exported {count} addresses to {file}")
