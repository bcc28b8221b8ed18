"""Campaigns on real engines: redis-server, Celery prefork worker processes, the local server."""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

from aws_ses.campaigns import (
    campaign_status,
    cancel,
    maybe_sent_addresses,
    pause,
    resend_unknown,
    resume,
    start_campaign,
    wait,
)
from aws_ses.campaigns.ledger import Ledger, connect

from .conftest import BIG, TEMPLATE, to_addresses, wait_for


def _start(app: Any, server: Any, queue: str, recipients: Any, **options: Any) -> str:
    ses = {"endpoint_url": server.url, "region": "us-east-1", **options.pop("ses", {})}
    return start_campaign(
        recipients,
        from_="news@example.com",
        template=TEMPLATE,
        default_data={"name": "friend"},
        ses=ses,
        app=app,
        queue=queue,
        **options,
    )


def _people(n: int, prefix: str = "user") -> list[dict[str, Any]]:
    return [{"email": f"{prefix}{i}@example.org", "name": f"N{i}"} for i in range(n)]


def test_five_thousand_recipients_each_mailed_once(big_campaign, redis_url):
    # Started by the conftest with the first campaign test (default settings:
    # rate_limit="auto", the account's MaxSendRate, on the campaign's Redis).
    cid, server = big_campaign.campaign_id, big_campaign.server
    status = wait(cid, redis_url=redis_url, timeout=240, poll=0.1)
    got = to_addresses(server)
    assert len(got) == BIG, big_campaign.workers.log_text()
    assert set(got.values()) == {1}
    assert set(got) == {p["email"] for p in big_campaign.people}
    assert status.counts["sent"] == BIG == sum(got.values())
    assert status.counts["queued"] == status.counts["sending"] == 0
    assert status.total == BIG and status.duplicates == 1 and status.pending_chunks == 0
    # Per-recipient data reached the template.
    ledger = Ledger(connect(redis_url), cid)
    record = ledger.record("user42@example.org")
    assert record is not None and record.state == "sent" and record.message_id
    assert '"N42"' in server.messages(id=record.message_id)[0]["TemplateData"]
    # Every worker drew on the one bucket in Redis.
    assert list(connect(redis_url).scan_iter("aws_ses:ratelimit:*"))


# The configured rate for the fault tests: a GCRA bucket of BURST recipients
# lets through at most RATE + BURST in any one second, whatever the workers do.
RATE, BURST = 200.0, 50.0
LIMIT = {"rate_limit": RATE, "rate_limit_burst": BURST}


def _stamps(server: Any) -> list[float]:
    return [
        datetime.fromisoformat(m["Timestamp"].replace("Z", "+00:00")).timestamp()
        for m in server.messages()
    ]


def _max_in_any_second(timestamps: list[float]) -> int:
    timestamps.sort()
    best, first = 0, 0
    for last, t in enumerate(timestamps):
        while t - timestamps[first] >= 1.0:
            first += 1
        best = max(best, last - first + 1)
    return best


def _check_outcomes(cid: str, redis_url: str, server: Any, total: int) -> tuple[set, set, Any]:
    """No address twice; sent ones on the server; nothing on the server unaccounted for."""
    status = campaign_status(cid, redis_url=redis_url)
    got = to_addresses(server)
    assert max(got.values(), default=1) == 1, [a for a, n in got.items() if n > 1]
    ledger = Ledger(connect(redis_url), cid)
    records = list(ledger.records())
    assert len(records) == total == sum(status.counts.values())
    sent = {r.address for r in records if r.state == "sent"}
    unknown = {r.address for r in records if r.state == "maybe_sent"}
    assert sent <= set(got)
    assert set(got) <= sent | unknown
    assert set(maybe_sent_addresses(cid, redis_url=redis_url)) == unknown
    return sent, unknown, status


def test_worker_killed_mid_campaign(ses_server, workers, celery_app, redis_url):
    server = ses_server()
    # Every call spends a while on the server, so the kill lands mid-chunk.
    server.add_fault(operation="SendBulkEmail", count=10_000, latency=0.25)
    group = workers(2, concurrency=2, visibility=3)
    cid = _start(celery_app, server, group.queue, _people(300), lease_seconds=2, ses=LIMIT)

    def busy() -> bool:
        counts = campaign_status(cid, redis_url=redis_url).counts
        return counts["sent"] >= 60 and counts["sending"] > 0

    wait_for(busy, 60, "the campaign to be under way")
    group.kill(group.procs[0])
    group.start(2)  # the replacement
    status = wait(cid, redis_url=redis_url, timeout=90, poll=0.05)
    assert status.counts["queued"] == status.counts["sending"] == 0
    sent, unknown, _ = _check_outcomes(cid, redis_url, server, 300)
    assert len(sent) + len(unknown) + status.counts["failed"] == 300
    assert status.counts["failed"] == 0
    assert _max_in_any_second(_stamps(server)) <= RATE + BURST


def _bulk_faults(server: Any, statuses: list[str]) -> None:
    server._admin("POST", "/_aws/ses/bulk-faults", {"statuses": statuses})


def test_503s_and_throttling_then_resend_unknown(ses_server, shared_workers, celery_app, redis_url):
    server = ses_server(max_send_rate=RATE)  # SES's quota; the limiter keeps under it
    server.add_fault(operation="SendBulkEmail", count=2, status=503)  # outcome unknown
    server.add_fault(operation="SendBulkEmail", count=2, status=429)  # retried by the pipeline
    _bulk_faults(server, ["TRANSIENT_FAILURE"] * 5)
    group = shared_workers
    cid = _start(
        celery_app,
        server,
        group.queue,
        _people(200),
        max_entry_attempts=20,
        retry_base=0.2,
        ses=LIMIT,
    )
    status = wait(cid, redis_url=redis_url, timeout=90, poll=0.05)
    assert _max_in_any_second(_stamps(server)) <= RATE + BURST
    sent, unknown, status = _check_outcomes(cid, redis_url, server, 200)
    assert len(unknown) == 100 and status.counts["maybe_sent"] == 100
    assert not unknown & set(to_addresses(server))  # the 503s delivered nothing
    assert status.errors == {"ServiceUnavailable": 100}
    assert status.retries.get("TRANSIENT_FAILURE", 0) >= 5
    assert len(sent) == 100
    # Only an explicit call sends the unknown ones again.
    assert resend_unknown(cid, redis_url=redis_url, app=celery_app) == 100
    status = wait(cid, redis_url=redis_url, timeout=60, poll=0.05)
    got = to_addresses(server)
    assert len(got) == 200 and set(got.values()) == {1}
    assert status.counts["sent"] == 200


def test_pause_resume_and_cancel(ses_server, shared_workers, celery_app, redis_url):
    server = ses_server()
    server.add_fault(operation="SendBulkEmail", count=10_000, latency=0.2)
    # 20 chunks for 4 processes: five rounds, so a pause after the first
    # still leaves chunks that nobody has claimed.
    group = shared_workers  # four worker processes in all
    cid = _start(celery_app, server, group.queue, _people(1000), ses={"rate_limit": None})
    wait_for(lambda: campaign_status(cid, redis_url=redis_url).counts["sent"] >= 50, 60, "sends")
    assert pause(cid, redis_url=redis_url) == "paused"
    at_pause = campaign_status(cid, redis_url=redis_url).counts
    wait_for(
        lambda: campaign_status(cid, redis_url=redis_url).counts["sending"] == 0, 30, "in flight"
    )
    time.sleep(0.5)  # nothing more is sent while paused
    paused = campaign_status(cid, redis_url=redis_url)
    # At most the chunk each of the four processes had in flight finished.
    assert paused.counts["sent"] - at_pause["sent"] <= 4 * 50
    assert paused.counts["queued"] > 0 and paused.control == "paused"
    assert sum(to_addresses(server).values()) == paused.counts["sent"]
    assert resume(cid, redis_url=redis_url, app=celery_app) >= 1
    status = wait(cid, redis_url=redis_url, timeout=60, poll=0.05)
    assert status.counts["sent"] == 1000
    got = to_addresses(server)
    assert len(got) == 1000 and set(got.values()) == {1}

    other = _start(celery_app, server, group.queue, _people(1000, "late"), ses={"rate_limit": None})
    wait_for(lambda: campaign_status(other, redis_url=redis_url).counts["sent"] >= 50, 60, "sends")
    assert cancel(other, redis_url=redis_url) == "cancelled"
    status = wait(other, redis_url=redis_url, timeout=30, poll=0.05)
    time.sleep(0.3)  # and nothing after the cancel
    status = campaign_status(other, redis_url=redis_url)
    assert status.counts["queued"] > 0
    assert status.counts["sent"] + status.counts["queued"] == 1000
    late = {a for a in to_addresses(server) if a.startswith("late")}
    assert len(late) == status.counts["sent"]
