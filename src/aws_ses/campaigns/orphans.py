"""The orphan sweep: send the chunks a dead starter wrote but never enqueued.

The starter writes a chunk's records and keeps the chunk *pending* in one
Lua script, enqueues its Celery task, then clears the mark. A starter killed
between the two leaves recipients ``queued`` with no task; the sweep finds
such chunks (pending for at least ``grace`` seconds) and enqueues their
still-``queued`` rows. Enqueueing a chunk twice (a sweep racing a starter
that was only slow) is harmless: a task claims a recipient only by moving
it ``queued -> sending`` atomically, so the second copy finds nothing to do.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from aws_ses.campaigns.ledger import ChunkRow, Ledger

__all__ = ["ORPHAN_GRACE", "STARTER_TIMEOUT", "SweepResult", "sweep_ledger"]

#: How long a chunk may stay pending before an automatic sweep takes it (seconds).
#: A live starter enqueues within milliseconds; the grace only avoids needless
#: second copies, safety does not depend on it.
ORPHAN_GRACE = 30.0
#: A starter that wrote no chunk for this long while not done is reported lost.
STARTER_TIMEOUT = 60.0


@dataclass(frozen=True, slots=True)
class SweepResult:
    """What a sweep did: chunks enqueued again (with their recipients), chunks forgotten."""

    chunks: int = 0
    recipients: int = 0
    cleared: int = 0


def sweep_ledger(
    ledger: Ledger, submit: Callable[[list[ChunkRow]], None], *, grace: float = 0.0
) -> SweepResult:
    """Enqueue (with ``submit``) the still-``queued`` rows of every chunk pending ``grace`` s.

    A chunk whose recipients all moved on (its task did run, or a claim took
    them) is just forgotten. A cancelled campaign is left as it is: its
    recipients stay ``queued`` and reported.
    """
    if ledger.control_state() == "cancelled":
        return SweepResult()
    chunks = recipients = cleared = 0
    for chunk_id in ledger.pending_chunks(grace):
        rows = ledger.chunk_rows(chunk_id) or []
        states = ledger.states_of([row[0] for row in rows])
        still = [row for row, state in zip(rows, states, strict=True) if state == "queued"]
        if still:
            submit(still)  # before the mark is cleared: a crash here loses nothing
            chunks += 1
            recipients += len(still)
        else:
            cleared += 1
        ledger.chunk_enqueued(chunk_id)
    return SweepResult(chunks, recipients, cleared)
