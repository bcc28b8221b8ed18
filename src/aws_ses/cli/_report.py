"""The per-row report of ``aws-ses bulk``, written as the campaign goes.

Columns: ``row, email, status, message_id, error``. A row can appear several
times; its last complete line counts, except that ``sent`` is final. Before a
batch is sent its rows are written as ``pending`` and the file is fsynced;
after the answer, their outcome is written and fsynced again. So a crash at
any point leaves each row either with its outcome or ``pending``, and a
pending row is one whose mail may have gone out: ``--resume`` treats it as
``unknown`` and does not send it again unless told to.

Statuses: ``sent``, ``failed`` (SES refused it; the error says why),
``retrying`` (not sent, to be tried again), ``unknown`` (the request may have
reached SES), ``pending``, ``invalid`` (never sent: the reason is in error).
"""

from __future__ import annotations

import csv
import os
import zlib
from array import array
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from aws_ses.cli._errors import CliError

__all__ = ["COLUMNS", "ReportWriter", "ResumeState", "Status", "email_hash", "read_report"]

COLUMNS = ["row", "email", "status", "message_id", "error"]


class Status:
    SENT = "sent"
    FAILED = "failed"
    RETRYING = "retrying"
    UNKNOWN = "unknown"
    PENDING = "pending"
    INVALID = "invalid"


# What --resume needs per row, one byte each so a million rows cost a megabyte.
NONE, DONE, MAYBE, AGAIN = 0, 1, 2, 3
_KIND = {
    Status.SENT: DONE,
    Status.UNKNOWN: MAYBE,
    Status.PENDING: MAYBE,
    Status.FAILED: AGAIN,
    Status.RETRYING: AGAIN,
    Status.INVALID: AGAIN,
}


def email_hash(address: str) -> int:
    return zlib.crc32(address.strip().lower().encode("utf-8"))


class ReportWriter:
    """Appends report lines; :meth:`sync` makes everything written so far durable."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            new = not path.exists() or path.stat().st_size == 0
            self._file: IO[str] = path.open("a", encoding="utf-8", newline="")
            if not new and not _ends_with_newline(path):
                self._file.write("\n")  # a line cut off by a crash stays cut off
        except OSError as exc:
            raise CliError(f"--report: cannot write {path}: {exc.strerror}") from None
        self._csv = csv.writer(self._file, lineterminator="\n")
        if new:
            self._csv.writerow(COLUMNS)
            self.sync()

    def write(
        self, row: int, email: str, status: str, message_id: str = "", error: str = ""
    ) -> None:
        self._csv.writerow([row, email, status, message_id, " ".join(error.split())])

    def sync(self) -> None:
        self._file.flush()
        os.fsync(self._file.fileno())

    def close(self) -> None:
        if not self._file.closed:
            self.sync()
            self._file.close()


def _ends_with_newline(path: Path) -> bool:
    with path.open("rb") as handle:
        handle.seek(-1, os.SEEK_END)
        return handle.read(1) == b"\n"


@dataclass(slots=True)
class ResumeState:
    """What an earlier run's report says about each row."""

    kinds: bytearray = field(default_factory=bytearray)
    hashes: array[int] = field(default_factory=lambda: array("I"))
    maybe_sent: dict[int, str] = field(default_factory=dict)  # row -> email

    def kind(self, row: int) -> int:
        return self.kinds[row] if row < len(self.kinds) else NONE

    def same_email(self, row: int, address: str) -> bool:
        return row >= len(self.hashes) or self.hashes[row] in (0, email_hash(address))

    def record(self, row: int, address: str, status: str) -> None:
        kind = _KIND.get(status)
        if kind is None:
            return
        if row >= len(self.kinds):
            grow = row + 1 - len(self.kinds) + 1024
            self.kinds.extend(bytes(grow))
            self.hashes.extend([0] * grow)
        if self.kinds[row] == DONE:
            return  # a row once sent stays sent
        self.kinds[row] = kind
        self.hashes[row] = email_hash(address)
        if kind == MAYBE:
            self.maybe_sent[row] = address
        else:
            self.maybe_sent.pop(row, None)
        if kind == DONE:
            self.maybe_sent.pop(row, None)

    @property
    def sent(self) -> int:
        return self.kinds.count(DONE)


def read_report(path: Path) -> ResumeState:
    """Read a report line by line (a cut-off last line is ignored)."""
    state = ResumeState()
    try:
        handle = path.open(encoding="utf-8", newline="")
    except FileNotFoundError:
        raise CliError(f"--resume: no such report: {path}") from None
    except OSError as exc:
        raise CliError(f"--resume: cannot read {path}: {exc.strerror}") from None
    with handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if header != COLUMNS:
            raise CliError(
                f"--resume: {path} is not an aws-ses bulk report "
                f"(its header should be {','.join(COLUMNS)})"
            )
        for record in reader:
            if len(record) != len(COLUMNS) or not record[0].isdigit():
                continue  # the fragment of a line a crash cut off
            state.record(int(record[0]), record[1], record[2])
    return state
