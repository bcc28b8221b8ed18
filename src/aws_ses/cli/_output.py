"""Printing results as a table, JSON or CSV (``--output``).

Tables are for people and show chosen columns; JSON is the whole SES answer
with SES's own member names (what scripts want); CSV has the table's columns.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import msgspec

from aws_ses.cli._context import Output, Settings

__all__ = ["cell", "emit_record", "emit_rows", "to_json"]


def cell(value: Any) -> str:
    """A value as a table or CSV cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list | tuple):
        return ", ".join(cell(v) for v in value)
    return str(value)


def _without_metadata(value: Any) -> Any:
    # The HTTP details of the call are not part of SES's answer.
    if isinstance(value, dict):
        return {k: _without_metadata(v) for k, v in value.items() if k != "ResponseMetadata"}
    if isinstance(value, list):
        return [_without_metadata(v) for v in value]
    return value


def to_json(value: Any) -> str:
    data = _without_metadata(msgspec.to_builtins(value))
    return json.dumps(data, indent=2, ensure_ascii=False, default=str)


def emit_rows(
    settings: Settings,
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[str],
    *,
    json_value: Any = None,
    title: str | None = None,
) -> None:
    """Print ``rows`` (dicts keyed by column name) in the chosen format."""
    if settings.output is Output.json:
        print(to_json(rows if json_value is None else json_value))
        return
    if settings.output is Output.csv:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([cell(row.get(c)) for c in columns])
        return
    from rich import box
    from rich.table import Table

    table = Table(*columns, box=box.SIMPLE_HEAD, title=title, title_justify="left")
    for row in rows:
        table.add_row(*(cell(row.get(c)) for c in columns))
    if not rows:
        settings.console.print(f"(no {title.lower() if title else 'rows'})")
        return
    settings.console.print(table)


def emit_record(
    settings: Settings, pairs: Sequence[tuple[str, Any]], *, json_value: Any = None
) -> None:
    """Print one object: a two-column table, one CSV row, or JSON."""
    if settings.output is Output.json:
        print(to_json(dict(pairs) if json_value is None else json_value))
        return
    if settings.output is Output.csv:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow([name for name, _ in pairs])
        writer.writerow([cell(value) for _, value in pairs])
        return
    from rich import box
    from rich.table import Table

    table = Table(box=box.SIMPLE, show_header=False)
    table.add_column("field", style="bold")
    table.add_column("value")
    for name, value in pairs:
        table.add_row(name, cell(value))
    settings.console.print(table)
