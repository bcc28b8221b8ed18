"""Recipient sources, read as a stream: nothing holds the whole list in memory.

A source is an iterable of rows, a CSV or JSON Lines file, or a function
returning such an iterable. A row is an address (``str``), a
:class:`Recipient`, or a mapping: its address under ``email`` (or the column
named by ``email_field``), its template data under ``data`` when that is a
mapping, else every other field.
"""

from __future__ import annotations

import csv
import itertools
import json
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar, Union

__all__ = ["Recipient", "RecipientSource", "chunked", "read_source"]

T = TypeVar("T")

RecipientSource = Union[
    str,
    "os.PathLike[str]",
    Iterable["Recipient | Mapping[str, Any] | str"],
    Callable[[], Iterable["Recipient | Mapping[str, Any] | str"]],
]


@dataclass(frozen=True, slots=True)
class Recipient:
    """One recipient: an address and the template data for it."""

    email: str
    data: Mapping[str, Any] = field(default_factory=dict)


class SourceError(ValueError):
    """A row of a recipient source that names no address; says which row."""


def _row(value: Recipient | Mapping[str, Any] | str, number: int, email_field: str) -> Recipient:
    if isinstance(value, Recipient):
        return value
    if isinstance(value, str):
        return Recipient(value.strip())
    if isinstance(value, Mapping):
        address = value.get(email_field)
        if not isinstance(address, str) or not address.strip():
            raise SourceError(f"recipient row {number} has no {email_field!r} address: {value!r}")
        nested = value.get("data")
        if isinstance(nested, Mapping):
            data: Mapping[str, Any] = dict(nested)
        else:
            data = {k: v for k, v in value.items() if k != email_field}
        return Recipient(address.strip(), data)
    raise SourceError(
        f"recipient row {number} is a {type(value).__name__}; "
        "expected an address, a mapping or a Recipient"
    )


def _csv_rows(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        yield from csv.DictReader(handle)


def _jsonl_rows(path: Path) -> Iterator[Any]:
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if line.strip():
                try:
                    yield json.loads(line)
                except json.JSONDecodeError as exc:
                    raise SourceError(f"{path}: line {number} is not JSON ({exc.msg})") from None


def _file_rows(path: Path) -> Iterator[Any]:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _csv_rows(path)
    if suffix in (".jsonl", ".ndjson"):
        return _jsonl_rows(path)
    raise SourceError(f"{path}: a recipient file is .csv, .jsonl or .ndjson")


def read_source(source: RecipientSource, *, email_field: str = "email") -> Iterator[Recipient]:
    """Recipients from ``source``, one at a time; a missing file fails here, at once."""
    rows: Iterable[Any]
    if isinstance(source, str | os.PathLike):
        path = Path(source)
        if not path.is_file():
            raise SourceError(f"recipient file {str(path)!r} does not exist")
        rows = _file_rows(path)
    elif callable(source):
        rows = source()
    else:
        rows = source
    if isinstance(rows, str | bytes | Mapping):
        raise SourceError("recipients must be an iterable of rows, a file path or a function")
    return _rows(rows, email_field)


def _rows(rows: Iterable[Any], email_field: str) -> Iterator[Recipient]:
    for number, value in enumerate(rows, 1):
        yield _row(value, number, email_field)


def chunked(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Consecutive lists of at most ``size`` items, read lazily."""
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk
