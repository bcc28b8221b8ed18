"""Reading option values that may name a file: ``--data JSON|@file``, ``--text-file``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from aws_ses.cli._errors import CliError

__all__ = ["json_object", "read_text", "text_or_file"]


def read_text(path: Path, option: str) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CliError(f"{option}: no such file: {path}") from None
    except UnicodeDecodeError:
        raise CliError(f"{option}: {path} is not UTF-8 text") from None
    except OSError as exc:
        raise CliError(f"{option}: cannot read {path}: {exc.strerror}") from None


def json_object(value: str, option: str) -> dict[str, Any]:
    """A JSON object given inline or as ``@path``; errors name the option."""
    source = value
    where = option
    if value.startswith("@"):
        path = Path(value[1:])
        source = read_text(path, option)
        where = f"{option} {path}"
    try:
        data = json.loads(source)
    except json.JSONDecodeError as exc:
        raise CliError(
            f"{where}: not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})"
        ) from None
    if not isinstance(data, dict):
        raise CliError(f"{where}: must be a JSON object, not {type(data).__name__}")
    return data


def text_or_file(text: str | None, path: Path | None, option: str) -> str | None:
    """The value of ``--X`` or the contents of ``--X-file`` (never both)."""
    if text is not None and path is not None:
        raise CliError(f"give --{option} or --{option}-file, not both")
    if path is not None:
        return read_text(path, f"--{option}-file")
    return text
