"""Streaming the recipients file of ``aws-ses bulk``, one row at a time.

CSV: a header row with an ``email`` column, optional ``cc`` and ``bcc``
columns (several addresses separated by ``,`` or ``;``); every other column
is template data, and a dotted name (``user.name``) makes nested data.
JSONL: one JSON object per line with ``email`` (and optional ``cc``/``bcc``,
strings or lists); the other members are template data.

Rows are numbered from 1 in file order (the CSV header is not a row); the
report and ``--resume`` use these numbers, and error messages give the line
in the file as well. Nothing is loaded at once.
"""

from __future__ import annotations

import csv
import email.utils
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from aws_ses.cli._errors import CliError

__all__ = ["BadRow", "Format", "Row", "detect_format", "read_recipients"]

Format = Literal["csv", "jsonl"]
_ADDRESS_COLUMNS = ("email", "cc", "bcc")


@dataclass(frozen=True, slots=True)
class Row:
    number: int
    line: int
    email: str
    cc: tuple[str, ...]
    bcc: tuple[str, ...]
    data: dict[str, Any]

    @property
    def recipients(self) -> int:
        return 1 + len(self.cc) + len(self.bcc)


@dataclass(frozen=True, slots=True)
class BadRow:
    number: int
    line: int
    email: str
    reason: str


def detect_format(path: Path, explicit: str | None = None) -> Format:
    if explicit is not None:
        if explicit not in ("csv", "jsonl"):
            raise CliError(f"--format must be csv or jsonl, not {explicit!r}", code=2)
        return "csv" if explicit == "csv" else "jsonl"
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson", ".json"):
        return "jsonl"
    if suffix in (".csv", ".tsv", ".txt"):
        return "csv"
    with _open(path) as handle:
        head = handle.read(512).lstrip()
    return "jsonl" if head.startswith("{") else "csv"


def _open(path: Path) -> Any:
    try:
        return path.open(encoding="utf-8-sig", newline="")
    except FileNotFoundError:
        raise CliError(f"--recipients: no such file: {path}") from None
    except OSError as exc:
        raise CliError(f"--recipients: cannot read {path}: {exc.strerror}") from None


def _address_list(value: Any, name: str) -> tuple[str, ...] | str:
    """Addresses from a cell or JSON value, or an error message."""
    if value is None or value == "":
        return ()
    if isinstance(value, list):
        if not all(isinstance(v, str) for v in value):
            return f"{name} must be a list of addresses"
        return tuple(v.strip() for v in value if v.strip())
    if not isinstance(value, str):
        return f"{name} must be an address or a list of addresses"
    pairs = email.utils.getaddresses([value.replace(";", ",")])
    return tuple(email.utils.formataddr(p) if p[0] else p[1] for p in pairs if p[1])


def _nest(flat: dict[str, str]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for key, value in flat.items():
        parts = key.split(".")
        target = data
        for part in parts[:-1]:
            child = target.get(part)
            if not isinstance(child, dict):
                child = target[part] = {}
            target = child
        target[parts[-1]] = value
    return data


def _row(
    number: int, line: int, email_value: Any, cc: Any, bcc: Any, data: dict[str, Any]
) -> Row | BadRow:
    shown = email_value if isinstance(email_value, str) else ""
    if not isinstance(email_value, str) or not email_value.strip():
        return BadRow(number, line, shown, "no email address")
    lists = []
    for name, value in (("cc", cc), ("bcc", bcc)):
        parsed = _address_list(value, name)
        if isinstance(parsed, str):
            return BadRow(number, line, shown, parsed)
        lists.append(parsed)
    return Row(number, line, email_value.strip(), lists[0], lists[1], data)


def _read_csv(handle: Any, path: Path) -> Iterator[Row | BadRow]:
    reader = csv.reader(handle)
    try:
        header = next(reader)
    except StopIteration:
        return
    except csv.Error as exc:
        raise CliError(f"{path} line 1: {exc}") from None
    columns = [c.strip() for c in header]
    lowered = [c.lower() for c in columns]
    if "email" not in lowered:
        raise CliError(
            f"{path} line 1: the header has no 'email' column (found: "
            f"{', '.join(columns) or 'nothing'})"
        )
    where = {name: lowered.index(name) for name in _ADDRESS_COLUMNS if name in lowered}
    data_columns = [
        (i, c) for i, c in enumerate(columns) if lowered[i] not in _ADDRESS_COLUMNS and c
    ]
    number = 0
    previous = reader.line_num
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            number += 1
            yield BadRow(number, previous + 1, "", f"unreadable CSV: {exc}")
            previous = reader.line_num
            continue
        line, previous = previous + 1, reader.line_num
        if not any(cell.strip() for cell in record):
            continue  # blank lines are not rows
        number += 1
        if len(record) != len(columns):
            address = record[where["email"]] if where["email"] < len(record) else ""
            yield BadRow(
                number,
                line,
                address.strip(),
                f"{len(record)} fields; the header has {len(columns)}",
            )
            continue
        flat = {name: record[i] for i, name in data_columns}
        yield _row(
            number,
            line,
            record[where["email"]],
            record[where["cc"]] if "cc" in where else None,
            record[where["bcc"]] if "bcc" in where else None,
            _nest(flat),
        )


def _read_jsonl(handle: Any) -> Iterator[Row | BadRow]:
    number = 0
    for line, text in enumerate(handle, start=1):
        if not text.strip():
            continue
        number += 1
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as exc:
            yield BadRow(number, line, "", f"not valid JSON ({exc.msg} at column {exc.colno})")
            continue
        if not isinstance(obj, dict):
            yield BadRow(number, line, "", f"a JSON object is needed, not {type(obj).__name__}")
            continue
        address = obj.pop("email", None)
        cc, bcc = obj.pop("cc", None), obj.pop("bcc", None)
        yield _row(number, line, address, cc, bcc, obj)


def read_recipients(path: Path, fmt: Format) -> Iterator[Row | BadRow]:
    """Every row of the file, in order; a row that cannot be read is a :class:`BadRow`."""
    with _open(path) as handle:
        if fmt == "csv":
            yield from _read_csv(handle, path)
        else:
            yield from _read_jsonl(handle)
