"""The ledger's transitions and the chunk sender, against a real redis-server (no Celery)."""

from __future__ import annotations

import io
import json
import uuid
from typing import Any

import pytest

from aws_ses.campaigns import CampaignSpec, read_source, write_report
from aws_ses.campaigns.ledger import Ledger, connect
from aws_ses.campaigns.sender import send_chunk
from aws_ses.campaigns.sources import SourceError, chunked
from aws_ses.campaigns.start import enqueue_rows
from aws_ses.errors import SesError, SesValidationError


class _Result:
    def __init__(self, status: str, message_id: str | None = None) -> None:
        self.status, self.message_id = status, message_id


class _Response:
    def __init__(self, results: list[_Result]) -> None:
        self.bulk_email_entry_results = results


def _ledger(redis_url: str) -> Ledger:
    ledger = Ledger(connect(redis_url), uuid.uuid4().hex[:12])
    ledger.create({"from_": "a@example.com"})
    return ledger


def _spec(**changes: Any) -> CampaignSpec:
    values: dict[str, Any] = {"from_": "news@example.com", "template": "t", "lease_seconds": 30.0}
    values.update(changes)
    return CampaignSpec(**values)


def _rows(*addresses: str) -> list[tuple[str, str, str]]:
    return [(a, a, json.dumps({"name": a})) for a in addresses]


def test_enqueue_counts_duplicates_once(redis_url):
    ledger = _ledger(redis_url)
    accepted = ledger.enqueue([("a@x.org", "queued", ""), ("b@x.org", "skipped", "Suppressed")])
    assert accepted == ["a@x.org"]
    assert ledger.enqueue([("a@x.org", "queued", "")]) == []
    assert ledger.counts()["queued"] == 1 and ledger.counts()["skipped"] == 1
    assert ledger.meta_fields()["duplicates"] == "1"
    with pytest.raises(ValueError, match="already exists"):
        ledger.create({})


def test_claim_wire_finish_and_a_second_claimer(redis_url):
    ledger = _ledger(redis_url)
    ledger.enqueue([(a, "queued", "") for a in ("a@x.org", "b@x.org")])
    first = ledger.claim(["a@x.org", "b@x.org"], token="t1", lease=30, payload="[]")
    assert first.claimed == ["a@x.org", "b@x.org"]
    second = ledger.claim(["a@x.org", "b@x.org"], token="t2", lease=30, payload="[]")
    assert second.claimed == [] and set(second.held) == {"a@x.org", "b@x.org"}
    # A stranger cannot mark or finish what it does not own.
    assert ledger.mark_wire([("a@x.org", "")], token="t2", lease=30, payload="[]")[1] == []
    assert ledger.finish([("a@x.org", "sent", "", "m1")], token="t2") == 0
    assert ledger.mark_wire([("a@x.org", ""), ("b@x.org", "")], token="t1", lease=30, payload="[]")[
        1
    ] == ["a@x.org", "b@x.org"]
    assert (
        ledger.finish(
            [("a@x.org", "sent", "", "m1"), ("b@x.org", "failed", "MESSAGE_REJECTED", "")],
            token="t1",
        )
        == 2
    )
    assert ledger.counts() == {
        "queued": 0,
        "sending": 0,
        "sent": 1,
        "failed": 1,
        "maybe_sent": 0,
        "skipped": 0,
    }
    assert ledger.errors() == {"MESSAGE_REJECTED": 1}
    # A redelivered chunk finds nothing left to do.
    again = ledger.claim(["a@x.org", "b@x.org"], token="t3", lease=30, payload="[]")
    assert again.claimed == [] and again.held == {} and again.unknown == []


def test_expired_claims_never_left_are_retaken_maybe_sent_are_not(redis_url):
    ledger = _ledger(redis_url)
    ledger.enqueue([(a, "queued", "") for a in ("a@x.org", "b@x.org")])
    now = [1000.0]
    ledger.clock = lambda: now[0]
    ledger.claim(["a@x.org", "b@x.org"], token="dead", lease=5, payload="[]")
    ledger.mark_wire([("b@x.org", '{"n":1}')], token="dead", lease=5, payload="[]")  # b left
    now[0] += 6  # the claim of the dead worker expired
    claim = ledger.claim(["a@x.org", "b@x.org"], token="new", lease=5, payload="[]")
    assert claim.claimed == ["a@x.org"]
    assert claim.unknown == ["b@x.org"]
    record = ledger.record("b@x.org")
    assert record is not None and record.state == "maybe_sent" and record.code == "WorkerLost"
    assert ledger.data_of(["b@x.org"]) == ['{"n":1}']  # kept for resend_unknown
    # The dead worker's late answer still counts: it knows what happened.
    assert ledger.finish([("b@x.org", "sent", "", "m9")], token="dead") == 1
    assert ledger.counts()["sent"] == 1 and ledger.counts()["maybe_sent"] == 0


def test_pause_parks_the_chunk_resume_hands_it_back_cancel_drops_it(redis_url):
    ledger = _ledger(redis_url)
    ledger.enqueue([("a@x.org", "queued", "")])
    assert ledger.control("paused") == ("running", "paused")
    claim = ledger.claim(["a@x.org"], token="t", lease=30, payload='[["a@x.org","a@x.org",""]]')
    assert claim.control == "paused" and claim.claimed == []
    assert ledger.counts()["queued"] == 1
    assert ledger.control("running") == ("paused", "running")
    assert list(ledger.pop_parked()) == ['[["a@x.org","a@x.org",""]]']
    assert list(ledger.pop_parked()) == []
    # Paused between claim and call: back to queued, parked again.
    ledger.claim(["a@x.org"], token="t2", lease=30, payload="p")
    ledger.control("paused")
    state, owned = ledger.mark_wire([("a@x.org", "")], token="t2", lease=30, payload="p2")
    assert state == "paused" and owned == ["a@x.org"]
    assert ledger.counts()["queued"] == 1 and ledger.counts()["sending"] == 0
    assert ledger.control("cancelled") == ("paused", "cancelled")
    assert list(ledger.pop_parked()) == []
    assert ledger.control("running") == ("cancelled", "cancelled")  # cancel is final


def test_sender_retries_transient_entries_and_records_statuses(redis_url):
    ledger = _ledger(redis_url)
    ledger.enqueue([(a, "queued", "") for a in ("a@x.org", "b@x.org", "c@x.org")])
    calls: list[list[str]] = []

    def send(**params: Any) -> _Response:
        to = [e["destination"]["to_addresses"][0] for e in params["bulk_email_entries"]]
        calls.append(to)
        if len(calls) == 1:
            return _Response(
                [
                    _Result("SUCCESS", "m-a"),
                    _Result("TRANSIENT_FAILURE"),
                    _Result("MESSAGE_REJECTED"),
                ]
            )
        return _Response([_Result("SUCCESS", "m-b")])

    sleeps: list[float] = []
    report = send_chunk(
        ledger,
        _spec(),
        _rows("a@x.org", "b@x.org", "c@x.org"),
        send,
        sleep=sleeps.append,
        rand=lambda: 1.0,
    )
    assert calls == [["a@x.org", "b@x.org", "c@x.org"], ["b@x.org"]]
    assert sleeps == [0.5]
    assert (report.sent, report.failed, report.calls) == (2, 1, 2)
    assert ledger.record("c@x.org").code == "MESSAGE_REJECTED"  # type: ignore[union-attr]
    assert ledger.record("b@x.org").attempts == 2  # type: ignore[union-attr]
    assert ledger.retries() == {"TRANSIENT_FAILURE": 1}


def test_sender_marks_maybe_sent_and_never_retries_them(redis_url):
    ledger = _ledger(redis_url)
    ledger.enqueue([(a, "queued", "") for a in ("a@x.org", "b@x.org")])
    calls = 0

    def send(**params: Any) -> Any:
        nonlocal calls
        calls += 1
        raise SesError("boom", code="ServiceUnavailable", status=503, maybe_sent=True)

    report = send_chunk(ledger, _spec(), _rows("a@x.org", "b@x.org"), send, sleep=lambda s: None)
    assert calls == 1 and report.maybe_sent == 2
    assert ledger.counts()["maybe_sent"] == 2
    assert ledger.errors() == {"ServiceUnavailable": 2}
    # Redelivered: nothing is sent again.
    send_chunk(ledger, _spec(), _rows("a@x.org", "b@x.org"), send, sleep=lambda s: None)
    assert calls == 1


def test_sender_gives_up_after_max_attempts(redis_url):
    ledger = _ledger(redis_url)
    ledger.enqueue([("a@x.org", "queued", "")])

    def send(**params: Any) -> Any:
        raise SesError("slow down", code="TooManyRequestsException", status=429, retryable=True)

    report = send_chunk(
        ledger, _spec(max_entry_attempts=3), _rows("a@x.org"), send, sleep=lambda s: None
    )
    assert report.calls == 3 and report.failed == 1
    assert ledger.record("a@x.org").code == "TooManyRequestsException"  # type: ignore[union-attr]


def test_daily_quota_pauses_the_campaign_and_keeps_recipients_queued(redis_url):
    ledger = _ledger(redis_url)
    ledger.enqueue([("a@x.org", "queued", ""), ("b@x.org", "queued", "")])

    def send(**params: Any) -> _Response:
        return _Response([_Result("SUCCESS", "m"), _Result("ACCOUNT_DAILY_QUOTA_EXCEEDED")])

    report = send_chunk(ledger, _spec(), _rows("a@x.org", "b@x.org"), send, sleep=lambda s: None)
    assert report.control == "paused" and report.sent == 1
    assert ledger.control_state() == "paused"
    assert ledger.meta_fields()["pause_reason"] == "ACCOUNT_DAILY_QUOTA_EXCEEDED"
    assert ledger.record("b@x.org").state == "queued"  # type: ignore[union-attr]
    assert len(list(ledger.pop_parked())) == 1


def test_enqueue_rows_skips_suppressed_hooked_and_invalid(redis_url, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text("email,name\nA@x.org,Ann\nbad-address,Bob\nsup@x.org,S\nhook@x.org,H\n")
    ledger = _ledger(redis_url)
    submitted: list[list[list[str]]] = []
    list(
        enqueue_rows(
            ledger,
            read_source(path),
            chunk_size=2,
            suppressed={"sup@x.org"},
            skip=lambda r: "Unsubscribed" if r.email.startswith("hook") else None,
            submit=submitted.append,
        )
    )
    assert submitted == [[["a@x.org", "A@x.org", '{"name": "Ann"}']]]
    assert ledger.counts()["skipped"] == 2 and ledger.counts()["failed"] == 1
    out = io.StringIO()
    assert write_report(ledger.campaign_id, out, redis_url=redis_url) == 4
    lines = sorted(out.getvalue().splitlines()[1:])
    assert lines[0].startswith("a@x.org,queued,")
    assert any(line.startswith("hook@x.org,skipped,Unsubscribed") for line in lines)
    assert any(line.startswith("sup@x.org,skipped,Suppressed") for line in lines)
    assert any(line.startswith("bad-address,failed,InvalidAddress") for line in lines)


def test_sources_stream_and_name_bad_rows(tmp_path):
    jsonl = tmp_path / "p.jsonl"
    jsonl.write_text('{"email": "a@x.org", "data": {"n": 1}}\n\n{"email": "b@x.org", "n": 2}\n')
    assert [(r.email, dict(r.data)) for r in read_source(jsonl)] == [
        ("a@x.org", {"n": 1}),
        ("b@x.org", {"n": 2}),
    ]
    assert [r.email for r in read_source(lambda: iter(["c@x.org"]))] == ["c@x.org"]
    with pytest.raises(SourceError, match="row 2 has no 'email'"):
        list(read_source([{"email": "a@x.org"}, {"mail": "b@x.org"}]))
    with pytest.raises(SourceError, match="does not exist"):
        read_source(tmp_path / "missing.csv")  # at once, not on the first row
    (tmp_path / "p.txt").write_text("x")
    with pytest.raises(SourceError, match=r"\.csv, \.jsonl"):
        list(read_source(tmp_path / "p.txt"))
    consumed: list[int] = []

    def numbers() -> Any:
        for i in range(10**9):  # endless: only what is asked for is read
            consumed.append(i)
            yield i

    first = next(chunked(numbers(), 50))
    assert first == list(range(50)) and len(consumed) == 50


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"template": None}, "template"),
        ({"template_content": {"subject": "s"}}, "template"),
        ({"chunk_size": 51}, "chunk_size"),
        ({"ses": {"access_key_id": "AKIA"}}, "ses"),
        ({"from_": "not an address"}, "from_"),
        ({"default_data": {"x": object()}}, "default_data"),
    ],
)
def test_spec_errors_name_the_field(changes, field):
    with pytest.raises(SesValidationError) as caught:
        _spec(**changes).check()
    assert caught.value.field == field


def test_start_campaign_gives_workers_the_shared_limiter(redis_url):
    from aws_ses.campaigns import make_app, start_campaign

    cid = start_campaign(
        [],
        from_="news@example.com",
        template="t",
        app=make_app(redis_url),
        check_suppression=False,
        background=False,
    )
    ledger = Ledger(connect(redis_url), cid)
    ses = ledger.spec()["ses"]
    assert ses == {"rate_limit": "auto", "rate_limit_url": redis_url}
    assert ledger.meta_fields()["enqueued"] == "1"
    with pytest.raises(SesValidationError, match="campaign_id"):
        start_campaign([], from_="a@example.com", template="t", app=make_app(redis_url),
                       campaign_id="bad id!", background=False)  # fmt: skip


def test_suppression_list_is_read_from_the_account(ses_server, redis_url):
    from aws_ses.campaigns import make_app, start_campaign
    from aws_ses.campaigns.start import load_suppressed

    server = ses_server()
    with server.client() as client:
        client.put_suppressed_destination(email_address="Gone@Example.org", reason="BOUNCE")
    settings = {"endpoint_url": server.url, "region": "us-east-1"}
    assert load_suppressed(settings) == {"gone@example.org"}
    cid = start_campaign(
        ["gone@example.org", "here@example.org"],
        from_="news@example.com",
        template="t",
        ses={**settings, "rate_limit": None},
        app=make_app(redis_url),
        queue=f"unused-{uuid.uuid4().hex[:6]}",  # nobody consumes it: only the ledger is read
        background=False,
    )
    ledger = Ledger(connect(redis_url), cid)
    assert ledger.record("gone@example.org").state == "skipped"  # type: ignore[union-attr]
    assert ledger.record("here@example.org").state == "queued"  # type: ignore[union-attr]
