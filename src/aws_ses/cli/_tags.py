"""``--tag key=value`` and ``--header 'Name: value'`` option values."""

from __future__ import annotations

from collections.abc import Sequence

import typer

__all__ = ["parse_headers", "parse_tags"]


def parse_tags(values: Sequence[str] | None, option: str = "--tag") -> dict[str, str]:
    tags: dict[str, str] = {}
    for value in values or ():
        key, sep, val = value.partition("=")
        if not sep or not key:
            raise typer.BadParameter(f"{value!r} is not key=value", param_hint=option)
        tags[key] = val
    return tags


def parse_headers(values: Sequence[str] | None) -> list[tuple[str, str]]:
    headers: list[tuple[str, str]] = []
    for value in values or ():
        name, sep, val = value.partition(":")
        if not sep or not name.strip():
            raise typer.BadParameter(f"{value!r} is not 'Name: value'", param_hint="--header")
        headers.append((name.strip(), val.strip()))
    return headers
