"""Recovery from a starter that died: pending chunks, the orphan sweep, resumed streaming."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
import uuid
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from aws_ses.campaigns import campaign_status, start_campaign, sweep, wait
from aws_ses.campaigns.cli import app as campaign_app
from aws_ses.campaigns.control import open_ledger
from aws_ses.campaigns.ledger import Ledger, connect
from aws_ses.campaigns.orphans import ORPHAN_GRACE, sweep_ledger
from aws_ses.campaigns.sources import read_source
from aws_ses.campaigns.start import enqueue_rows
from aws_ses.errors import SesValidationError

from .conftest import ROOT, TEMPLATE, to_addresses, wait_for


def _ledger(redis_url: str) -> Ledger:
    ledger = Ledger(connect(redis_url), uuid.uuid4().hex[:12])
    ledger.create({"from_": "a@example.com", "queue": None})
    return ledger


def _row(address: str) -> tuple[str, str, str, str, str]:
    return (address.lower(), "queued", "", address, '{"n": 1}')


def test_sweep_takes_only_chunks_never_enqueued_and_rows_still_queued(redis_url):
    ledger = _ledger(redis_url)
    done = ledger.write_chunk([_row("a@x.org"), _row("b@x.org")])
    ledger.chunk_enqueued(done.chunk_id)  # type: ignore[arg-type]
    orphan = ledger.write_chunk([_row("C@x.org"), _row("d@x.org"), _row("e@x.org")])
    assert orphan.rows == [["c@x.org", "C@x.org", '{"n": 1}'], ["d@x.org", "d@x.org", '{"n": 1}'],
                           ["e@x.org", "e@x.org", '{"n": 1}']]  # fmt: skip
    assert ledger.pending_chunks() == [orphan.chunk_id]
    # A task of another copy already took d: only the rows still queued go again.
    ledger.claim(["d@x.org"], token="t", lease=30, payload="[]")
    submitted: list[list[list[str]]] = []
    assert sweep_ledger(ledger, submitted.append, grace=ORPHAN_GRACE).chunks == 0  # too fresh
    result = sweep_ledger(ledger, submitted.append)
    assert (result.chunks, result.recipients, result.cleared) == (1, 2, 0)
    assert submitted == [[["c@x.org", "C@x.org", '{"n": 1}'], ["e@x.org", "e@x.org", '{"n": 1}']]]
    assert ledger.pending_chunks() == [] and ledger.chunk_rows(orphan.chunk_id) is None  # type: ignore[arg-type]
    # A chunk whose recipients all moved on is forgotten without a task.
    gone = ledger.write_chunk([_row("f@x.org")])
    ledger.claim(["f@x.org"], token="t", lease=30, payload="[]")
    assert sweep_ledger(ledger, submitted.append).cleared == 1 and len(submitted) == 1
    # A cancelled campaign's queued recipients stay queued.
    ledger.write_chunk([_row("g@x.org")])
    ledger.control("cancelled")
    assert sweep_ledger(ledger, submitted.append).chunks == 0 and len(submitted) == 1
    assert gone.chunk_id not in ledger.pending_chunks()


def test_resumed_stream_passes_over_recipients_already_written(redis_url):
    ledger = _ledger(redis_url)
    first = ledger.write_chunk([_row("a@x.org"), _row("b@x.org")])
    again = ledger.write_chunk([_row("b@x.org"), _row("c@x.org")], resume=True)
    assert [r[0] for r in again.rows] == ["c@x.org"] and again.chunk_id != first.chunk_id
    assert ledger.meta_fields().get("duplicates") is None  # not the source's duplicates
    ledger.write_chunk([_row("c@x.org")])
    assert ledger.meta_fields()["duplicates"] == "1"
    assert ledger.write_chunk([_row("a@x.org")], resume=True).chunk_id is None
    # The pending chunk keeps the rows as the task gets them, any text intact.
    odd = ("zoe@x.org", "queued", "", "Zoë <zoe@x.org>", '{"n": "a/b \\u00e9 é"}')
    written = ledger.write_chunk([odd])
    assert ledger.chunk_rows(written.chunk_id) == written.rows == [list(odd[:1] + odd[3:])]  # type: ignore[arg-type]


def test_status_sweeps_stale_chunks_and_reports_a_lost_starter(redis_url, celery_app):
    from aws_ses.campaigns.spec import CampaignSpec

    queue = f"unused-{uuid.uuid4().hex[:6]}"  # nobody consumes it: the broker list is read
    ledger = Ledger(connect(redis_url), uuid.uuid4().hex[:12])
    ledger.create(CampaignSpec(from_="a@example.com", template="t", queue=queue).to_json())
    real_clock = ledger.clock
    ledger.clock = lambda: real_clock() - 2 * ORPHAN_GRACE  # written a minute ago
    ledger.write_chunk([_row("a@x.org")])
    ledger.set_meta(beat=ledger.clock() - 60)  # and the starter was silent since
    ledger.clock = real_clock
    watched = campaign_status(ledger.campaign_id, redis_url=redis_url, sweep_orphans=False)
    assert watched.pending_chunks == 1 and watched.starter_lost and not watched.done
    status = campaign_status(ledger.campaign_id, redis_url=redis_url, app=celery_app)
    assert status.pending_chunks == 0 and status.as_dict()["starter_lost"] is True
    assert connect(redis_url).llen(queue) == 1  # the chunk's task is on the broker
    assert ledger.write_chunk([_row("b@x.org")]).chunk_id is not None
    # Fresh: the status leaves it to the starter.
    fresh = campaign_status(ledger.campaign_id, redis_url=redis_url, app=celery_app)
    assert fresh.pending_chunks == 1


def _broker_drained(redis_url: str, queue: str) -> bool:
    """Nothing for ``queue`` waiting or running (kombu keeps [message, exchange, routing key])."""
    client = connect(redis_url)
    running = [json.loads(v)[2] for v in client.hvals("unacked")]
    return client.llen(queue) == 0 and queue not in running


def test_a_chunk_enqueued_twice_mails_each_address_once(
    ses_server, shared_workers, celery_app, redis_url
):
    server = ses_server()
    server.add_fault(operation="SendBulkEmail", count=10_000, latency=0.1)  # copies overlap
    queue = shared_workers.queue
    cid = start_campaign(
        [],
        from_="news@example.com",
        template=TEMPLATE,
        ses={"endpoint_url": server.url, "region": "us-east-1", "rate_limit": None},
        app=celery_app,
        queue=queue,
        lease_seconds=1,
        check_suppression=False,
        background=False,
    )
    ledger = open_ledger(cid, redis_url=redis_url)
    swept: list[int] = []

    def late_submit(rows: list[list[str]]) -> None:
        # A sweep runs while this starter is between writing and enqueueing.
        swept.append(sweep(cid, redis_url=redis_url, app=celery_app).chunks)
        celery_app.send_task("aws_ses.campaigns.send_chunk", args=(cid, rows), queue=queue)

    people = read_source([f"twice{i}@example.org" for i in range(100)])
    rows = enqueue_rows(
        ledger, people, chunk_size=25, suppressed=set(), skip=None, submit=late_submit
    )
    assert list(rows) == [25, 50, 75, 100]
    assert swept == [1, 1, 1, 1]  # every chunk went to the broker twice
    status = wait(cid, redis_url=redis_url, timeout=60, poll=0.05)
    wait_for(lambda: _broker_drained(redis_url, queue), 30, "every copy to have run")
    got = to_addresses(server)
    assert len(got) == 100 and set(got.values()) == {1}, shared_workers.log_text()
    status = campaign_status(cid, redis_url=redis_url)
    assert status.counts["sent"] == 100 == status.total and status.pending_chunks == 0


def test_starter_killed_after_writing_a_chunk(
    ses_server, shared_workers, celery_app, redis_url, tmp_path
):
    server = ses_server()
    people = tmp_path / "people.csv"
    people.write_text("email\n" + "".join(f"kill{i}@example.org\n" for i in range(200)))
    cid = f"killed-{uuid.uuid4().hex[:8]}"
    queue = shared_workers.queue
    starter = subprocess.run(
        [sys.executable, "-m", "tests.campaigns.starter_proc", redis_url, server.url, queue, cid,
         str(people), "3"],
        cwd=ROOT, env=shared_workers.env, timeout=60, capture_output=True,
    )  # fmt: skip
    assert starter.returncode == -signal.SIGKILL, starter.stderr.decode()
    # Chunks 1-2 were enqueued, chunk 3 written but not enqueued, 4 never read.
    status = campaign_status(cid, redis_url=redis_url, sweep_orphans=False)
    assert (status.read, status.total, status.pending_chunks) == (100, 150, 1)
    assert not status.enqueued

    def sent(n: int) -> bool:
        return campaign_status(cid, redis_url=redis_url, sweep_orphans=False).counts["sent"] >= n

    wait_for(lambda: sent(100), 30, "the two enqueued chunks")
    time.sleep(0.2)
    counts = campaign_status(cid, redis_url=redis_url, sweep_orphans=False).counts
    assert (counts["sent"], counts["queued"]) == (100, 50)  # chunk 3 has no task

    root = typer.Typer()
    root.add_typer(campaign_app, name="campaign")
    root.command()(lambda: None)
    swept = CliRunner().invoke(
        root, ["campaign", "sweep", cid], env={"AWS_SES_CAMPAIGNS_REDIS_URL": redis_url}
    )
    assert swept.exit_code == 0, swept.output
    assert swept.output.strip() == "1 chunks (50 recipients) enqueued again, 0 already taken"
    wait_for(lambda: sent(150), 30, "the swept chunk")

    options: dict[str, Any] = {
        "from_": "news@example.com",
        "ses": {"endpoint_url": server.url, "region": "us-east-1", "rate_limit": None},
        "app": celery_app,
        "queue": queue,
        "campaign_id": cid,
        "check_suppression": False,
        "background": False,
        "resume": True,
    }
    with pytest.raises(SesValidationError, match="other values of template") as caught:
        start_campaign(people, template="another", **options)
    assert caught.value.field == "campaign_id"
    start_campaign(people, template=TEMPLATE, **options)  # the rest of the file
    status = wait(cid, redis_url=redis_url, timeout=60, poll=0.05)
    assert status.counts["sent"] == 200 == status.total and status.duplicates == 0
    got = to_addresses(server)
    assert len(got) == 200 and set(got.values()) == {1}


def test_the_beat_task_sweeps_on_a_worker(ses_server, shared_workers, celery_app, redis_url):
    server = ses_server()
    cid = start_campaign(
        [],
        from_="news@example.com",
        template=TEMPLATE,
        ses={"endpoint_url": server.url, "region": "us-east-1", "rate_limit": None},
        app=celery_app,
        queue=shared_workers.queue,
        check_suppression=False,
        background=False,
    )
    ledger = open_ledger(cid, redis_url=redis_url)
    # A starter died right after writing this chunk: records and pending mark, no task.
    ledger.write_chunk([_row(f"beat{i}@example.org") for i in range(30)])
    celery_app.send_task(
        "aws_ses.campaigns.sweep", kwargs={"campaign_id": cid, "grace": 0},
        queue=shared_workers.queue,
    )  # fmt: skip
    status = wait(cid, redis_url=redis_url, timeout=60, poll=0.05)
    assert status.counts["sent"] == 30 and status.pending_chunks == 0
    got = to_addresses(server)
    assert len(got) == 30 and set(got.values()) == {1}
