"""Progress of a bulk send: a rich bar on a terminal, plain lines otherwise.

The bar shows rows done out of the total, sent, failed, recipients per
second and the time left. When stdout is not a terminal (CI logs, a pipe) a
plain line is printed every few seconds instead, so logs stay readable.
"""

from __future__ import annotations

import time
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    TextColumn,
    TimeRemainingColumn,
)
from rich.text import Text

__all__ = ["BulkProgress"]

PLAIN_INTERVAL = 2.0  # seconds between plain progress lines


class _RateColumn(ProgressColumn):
    def render(self, task: Any) -> Text:
        rate = task.fields.get("rate", 0.0)
        return Text(f"{rate:,.1f} recipients/s")


def _format_seconds(seconds: float | None) -> str:
    if seconds is None:
        return "?"
    seconds = int(seconds)
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


class BulkProgress:
    def __init__(self, console: Console, total: int, *, interactive: bool | None = None) -> None:
        self.total = total
        self.done = 0
        self.sent = 0
        self.failed = 0
        self.unknown = 0
        self.recipients = 0
        self._console = console
        self._start = time.monotonic()
        self._last_line = 0.0
        self._interactive = console.is_terminal if interactive is None else interactive
        self._bar: Progress | None = None
        if self._interactive:
            self._bar = Progress(
                TextColumn("[bold]sending"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("sent [green]{task.fields[sent]}"),
                TextColumn("failed [red]{task.fields[failed]}"),
                _RateColumn(),
                TextColumn("ETA"),
                TimeRemainingColumn(),
                console=console,
                transient=False,
            )
            self._task = self._bar.add_task("bulk", total=total, sent=0, failed=0, rate=0.0)
            self._bar.start()

    @property
    def rate(self) -> float:
        elapsed = time.monotonic() - self._start
        return self.recipients / elapsed if elapsed > 0 else 0.0

    def update(
        self, *, sent: int = 0, failed: int = 0, unknown: int = 0, recipients: int = 0
    ) -> None:
        self.sent += sent
        self.failed += failed
        self.unknown += unknown
        self.done += sent + failed + unknown
        self.recipients += recipients
        if self._bar is not None:
            self._bar.update(
                self._task,
                completed=self.done,
                sent=self.sent,
                failed=self.failed + self.unknown,
                rate=self.rate,
            )
            return
        now = time.monotonic()
        if now - self._last_line >= PLAIN_INTERVAL or self.done >= self.total:
            self._last_line = now
            self._plain_line()

    def _plain_line(self) -> None:
        rate = self.rate
        left = self.total - self.done
        eta = left / (self.done / (time.monotonic() - self._start)) if self.done else None
        print(
            f"bulk: {self.done}/{self.total} rows, sent {self.sent}, failed {self.failed}, "
            f"unknown {self.unknown}, {rate:.1f} recipients/s, ETA {_format_seconds(eta)}",
            flush=True,
        )

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None
