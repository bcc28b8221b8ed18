"""The bulk campaign behind ``aws-ses bulk``: check every row, then send, resumably.

Two streaming passes over the recipients file, so a million rows take the
memory of one batch:

1. every row is checked (addresses, recipient count, and a local render of
   the template with the row's data, with the renderer the local server
   uses), counting what will be sent and listing the bad rows;
2. the rows to send go out 50 per ``SendBulkEmail`` call, ``concurrency``
   calls at a time, through ``run_bulk`` on the client (so its rate limiter
   and retry policy apply). The report gets ``pending`` lines before each
   call and the outcome after it, fsynced each time (see ``_report``).

Rows SES answered with a transient status (throttled, transient failure) were
not sent and are tried again after a back-off, up to ``max_attempts``. A call
whose request may have reached SES (``maybe_sent``) makes its rows
``unknown``: they are never sent again by us unless ``--resend-unknown``.
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import random
import signal
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aws_ses.bulk import MAX_BULK_ENTRIES, BulkEntry, BulkSend, run_bulk
from aws_ses.cli._errors import EXIT_ERROR, EXIT_TRANSIENT, CliError
from aws_ses.cli._progress import BulkProgress
from aws_ses.cli._recipients import BadRow, Format, Row, read_recipients
from aws_ses.cli._report import AGAIN, DONE, MAYBE, ReportWriter, ResumeState, Status
from aws_ses.client import SesClient
from aws_ses.errors import CircuitOpenError, SesError, SesValidationError
from aws_ses.mime import normalize_address
from aws_ses.template_builder import render_locally

__all__ = ["Campaign", "CampaignHalted", "Summary", "check_row"]

SHOWN_ERRORS = 50  # bad rows printed one by one; the rest are counted
MAX_RECIPIENTS = 50
_TRANSIENT_STATUSES = frozenset({"ACCOUNT_THROTTLED", "TRANSIENT_FAILURE"})


def check_row(
    row: Row, template: Any, default_data: dict[str, Any]
) -> tuple[dict[str, Any] | None, str | None]:
    """(the row's template data, None) or (None, why the row cannot be sent)."""
    try:
        normalize_address(row.email, field="email")
        for kind, addresses in (("cc", row.cc), ("bcc", row.bcc)):
            for address in addresses:
                normalize_address(address, field=kind)
    except SesValidationError as exc:
        return None, f"{exc.field}: {exc.problem}"
    if row.recipients > MAX_RECIPIENTS:
        return None, f"{row.recipients} recipients; SES takes at most {MAX_RECIPIENTS} per message"
    data = {**default_data, **row.data}
    try:
        rendered = render_locally(template, data)
    except SesValidationError as exc:
        return None, f"template data: {exc.problem}"
    if rendered.missing:
        return None, f"missing template variables: {', '.join(rendered.missing)}"
    return data, None


@dataclass(slots=True)
class Summary:
    rows: int = 0
    valid: int = 0
    invalid: int = 0
    already_sent: int = 0
    unknown_skipped: int = 0
    to_send: int = 0
    recipients: int = 0
    sent: int = 0
    failed: int = 0
    unknown: int = 0
    throttled: int = 0


class CampaignHalted(CliError):
    """Sending stopped early: the endpoint keeps failing. Exit 4; resume later."""

    def __init__(self, message: str) -> None:
        super().__init__(message, code=EXIT_TRANSIENT)


class _StopFlag:
    """SIGINT as a request to stop between calls (a second SIGINT interrupts at once)."""

    def __init__(self) -> None:
        self.requested = False

    def _handle(self, signum: int, frame: Any) -> None:
        if self.requested:
            raise KeyboardInterrupt
        self.requested = True

    @contextlib.contextmanager
    def installed(self) -> Iterator[None]:
        if threading.current_thread() is not threading.main_thread():
            yield  # signals reach the main thread only; keep the default behaviour
            return
        previous = signal.signal(signal.SIGINT, self._handle)
        try:
            yield
        finally:
            signal.signal(signal.SIGINT, previous)


@dataclass(slots=True)
class _Batch:
    rows: list[tuple[Row, dict[str, Any]]]
    attempt: int = 1


@dataclass(slots=True)
class Campaign:
    client: SesClient
    recipients: Path
    fmt: Format
    template_name: str
    template: Any  # the stored template's content, for local renders
    sender: str
    default_data: dict[str, Any] = field(default_factory=dict)
    configuration_set: str | None = None
    tags: dict[str, str] = field(default_factory=dict)
    concurrency: int = 4
    max_attempts: int = 5
    skip_invalid: bool = False
    resend_unknown: bool = False
    resume: ResumeState | None = None
    batch_size: int = MAX_BULK_ENTRIES
    summary: Summary = field(default_factory=Summary)
    halted: str | None = None  # why sending stopped early (the circuit breaker opened)

    # ------------------------------------------------------------ pass 1

    def _decision(self, row: Row) -> int:
        """DONE (skip: sent), MAYBE (skip unless resending unknowns) or AGAIN (send)."""
        if self.resume is None:
            return AGAIN
        if not self.resume.same_email(row.number, row.email):
            raise CliError(
                f"{self.recipients} line {row.line}: row {row.number} is {row.email} here but "
                "another address in the report; the recipients file changed since that run"
            )
        kind = self.resume.kind(row.number)
        if kind == DONE:
            return DONE
        if kind == MAYBE and not self.resend_unknown:
            return MAYBE
        return AGAIN

    def check(self) -> list[BadRow]:
        """Check every row; returns the first bad rows (all are counted in summary)."""
        bad: list[BadRow] = []
        s = self.summary
        for item in read_recipients(self.recipients, self.fmt):
            s.rows += 1
            if isinstance(item, Row):
                _, reason = check_row(item, self.template, self.default_data)
                if reason is None:
                    s.valid += 1
                    decision = self._decision(item)
                    if decision == DONE:
                        s.already_sent += 1
                    elif decision == MAYBE:
                        s.unknown_skipped += 1
                    else:
                        s.to_send += 1
                        s.recipients += item.recipients
                    continue
                item = BadRow(item.number, item.line, item.email, reason)
            s.invalid += 1
            if len(bad) < SHOWN_ERRORS:
                bad.append(item)
        return bad

    # ------------------------------------------------------------ pass 2

    def _batches(self, report: ReportWriter) -> Iterator[_Batch]:
        batch: list[tuple[Row, dict[str, Any]]] = []
        for item in read_recipients(self.recipients, self.fmt):
            if isinstance(item, BadRow):
                report.write(item.number, item.email, Status.INVALID, error=item.reason)
                continue
            data, reason = check_row(item, self.template, self.default_data)
            if data is None:
                report.write(item.number, item.email, Status.INVALID, error=reason or "")
                continue
            if self._decision(item) != AGAIN:
                continue
            batch.append((item, data))
            if len(batch) == self.batch_size:
                yield _Batch(batch)
                batch = []
        if batch:
            yield _Batch(batch)

    def _send(self, batch: _Batch) -> list[tuple[str, str, str]]:
        """(status, message id, error) per row; runs on a worker thread."""
        request = BulkSend.create(
            self.sender,
            self.template_name,
            [
                BulkEntry(to=[row.email], cc=list(row.cc), bcc=list(row.bcc), template_data=data)
                for row, data in batch.rows
            ],
            default_template_data=self.default_data,
            configuration_set=self.configuration_set,
            default_tags=self.tags or None,
            chunk_size=self.batch_size,
        )
        failures: list[SesError] = []
        invoke = self.client._invoke

        def recording(operation: str, params: dict[str, Any]) -> Any:
            try:
                return invoke(operation, params)
            except SesError as exc:
                failures.append(exc)
                raise

        try:
            result = run_bulk(recording, request)
        except SesValidationError as exc:  # checked before any call: nothing was sent
            return [(Status.FAILED, "", f"ValidationError: {exc}")] * len(batch.rows)
        maybe_sent = next((e for e in failures if e.maybe_sent), None)
        circuit = next((e for e in failures if isinstance(e, CircuitOpenError)), None)
        if circuit is not None and maybe_sent is None:
            # Nothing was sent, and nothing will be until the endpoint recovers: stop here.
            self.halted = str(circuit)
            return [(Status.RETRYING, "", f"{circuit.code}: {circuit.message}")] * len(batch.rows)
        outcomes: list[tuple[str, str, str]] = []
        for entry in result.results:
            detail = " ".join(p for p in (entry.error, entry.message) if p)
            if entry.ok:
                outcomes.append((Status.SENT, entry.message_id or "", ""))
            elif maybe_sent is not None or entry.status == "UNKNOWN":
                why = str(maybe_sent) if maybe_sent is not None else detail or "no answer"
                outcomes.append((Status.UNKNOWN, "", f"maybe_sent: {why}"))
            elif entry.transient:
                outcomes.append((Status.RETRYING, "", f"{entry.status}: {detail}".strip()))
            else:
                outcomes.append((Status.FAILED, "", f"{entry.status}: {detail}".strip(": ")))
        return outcomes

    def run(self, report: ReportWriter, progress: BulkProgress) -> None:
        """Send every row that is due; Ctrl-C lets the calls in flight finish first.

        The first Ctrl-C only sets a flag, checked between calls, so it can
        never land between writing a batch as ``pending`` and handing it to a
        worker; a second one stops at once (its rows stay ``pending``).
        """
        stop = _StopFlag()
        with stop.installed():
            self._loop(report, progress, stop)

    def _loop(self, report: ReportWriter, progress: BulkProgress, stop: _StopFlag) -> None:
        rows = self._batches(report)
        retry: list[tuple[float, int, _Batch]] = []
        order = itertools.count()
        in_flight: dict[Future[list[tuple[str, str, str]]], _Batch] = {}
        exhausted = False
        with ThreadPoolExecutor(self.concurrency, thread_name_prefix="aws-ses-bulk") as pool:
            try:
                while not stop.requested and self.halted is None:
                    while len(in_flight) < self.concurrency and not (stop.requested or self.halted):
                        batch: _Batch | None = None
                        if retry and retry[0][0] <= time.monotonic():
                            batch = heapq.heappop(retry)[2]
                        elif not exhausted:
                            batch = next(rows, None)
                            exhausted = batch is None
                        if batch is None:
                            break
                        for row, _ in batch.rows:
                            report.write(row.number, row.email, Status.PENDING)
                        report.sync()  # durable before the call can reach SES
                        in_flight[pool.submit(self._send, batch)] = batch
                    if not in_flight:
                        if exhausted and not retry:
                            break
                        if retry:
                            time.sleep(max(0.0, min(retry[0][0] - time.monotonic(), 0.5)))
                        continue
                    done, _ = wait(in_flight, timeout=0.5, return_when=FIRST_COMPLETED)
                    for future in done:
                        self._record(
                            in_flight.pop(future), future.result(), report, progress, retry, order
                        )
                if stop.requested:
                    print(
                        f"aws-ses: interrupted; waiting for {len(in_flight)} calls in flight "
                        "(Ctrl-C again to stop at once)",
                        file=sys.stderr,
                    )
                    for future in list(in_flight):
                        self._record(
                            in_flight.pop(future), future.result(), report, progress, retry, order
                        )
                    raise KeyboardInterrupt
                if self.halted is not None:
                    for future in list(in_flight):
                        self._record(
                            in_flight.pop(future), future.result(), report, progress, retry, order
                        )
                    raise CampaignHalted(
                        f"stopped sending: {self.halted}; the rows not sent are 'retrying' in "
                        "the report"
                    )
            finally:
                report.sync()

    def _record(
        self,
        batch: _Batch,
        outcomes: list[tuple[str, str, str]],
        report: ReportWriter,
        progress: BulkProgress,
        retry: list[tuple[float, int, _Batch]],
        order: Iterator[int],
    ) -> None:
        s = self.summary
        again: list[tuple[Row, dict[str, Any]]] = []
        counts = {"sent": 0, "failed": 0, "unknown": 0, "recipients": 0}
        for (row, data), (status, message_id, error) in zip(batch.rows, outcomes, strict=True):
            if status == Status.RETRYING and self.halted is not None:
                report.write(row.number, row.email, status, error=error)
                continue  # left for --resume
            if status == Status.RETRYING and batch.attempt < self.max_attempts:
                report.write(row.number, row.email, status, error=error)
                again.append((row, data))
                continue
            if status == Status.RETRYING:
                status = Status.FAILED
                s.throttled += 1
            report.write(row.number, row.email, status, message_id, error)
            key = {"sent": "sent", "unknown": "unknown"}.get(status, "failed")
            counts[key] += 1
            counts["recipients"] += row.recipients
        report.sync()
        s.sent += counts["sent"]
        s.failed += counts["failed"]
        s.unknown += counts["unknown"]
        progress.update(**counts)
        if again:
            # Full jitter on an exponential back-off, as the SDKs do for throttling.
            delay = random.uniform(0, min(20.0, 1.0 * 2 ** (batch.attempt - 1)))
            heapq.heappush(
                retry, (time.monotonic() + delay, next(order), _Batch(again, batch.attempt + 1))
            )

    def exit_code(self) -> int:
        s = self.summary
        if s.failed and s.throttled == s.failed and not s.unknown:
            return EXIT_TRANSIENT
        if s.failed or s.unknown or s.unknown_skipped or (s.invalid and not self.skip_invalid):
            return EXIT_ERROR
        return 0
