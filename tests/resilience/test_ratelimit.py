"""The in-process GCRA limiter: the formula, waits, timeouts, sharing, weights, "auto"."""

from __future__ import annotations

import asyncio
import random
import threading
import time
from typing import Any

import pytest

from aws_ses import SesClient
from aws_ses._generated.types import Destination
from aws_ses.auth.credentials import Credentials
from aws_ses.config import SesConfig
from aws_ses.errors import RateLimitTimeout
from aws_ses.resilience.ratelimit import (
    LocalRateLimiter,
    gcra,
    limiter_for,
    recipient_weight,
    reset_limiters,
)
from aws_ses.transport.mock import MockTransport, json_response


class FakeTime:
    """A clock whose sleeps advance it, so admitted times are exact."""

    def __init__(self) -> None:
        self.now = 0.0

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds

    async def asleep(self, seconds: float) -> None:
        self.now += seconds


def expected_times(
    arrivals: list[float], weights: list[float], rate: float, burst: float
) -> list[float]:
    """The GCRA recurrence written out: when each send of ``weights[i]`` goes."""
    interval, tolerance = 1 / rate, burst / rate
    tat = float("-inf")
    out = []
    for now, w in zip(arrivals, weights, strict=True):
        allow = max(now, tat + min(w, burst) * interval - tolerance)
        tat = max(tat, now) + w * interval
        out.append(allow)
    return out


def admitted(limiter: LocalRateLimiter, fake: FakeTime, weights: list[float]) -> list[float]:
    times = []
    for w in weights:
        limiter.acquire(w)
        times.append(fake.now)
    return times


def make(rate: float, burst: float | None = None, **kw: Any) -> tuple[LocalRateLimiter, FakeTime]:
    fake = FakeTime()
    return (
        LocalRateLimiter(rate, burst, clock=fake.clock, sleep=fake.sleep, asleep=fake.asleep, **kw),
        fake,
    )


def test_single_recipient_sends_follow_the_formula() -> None:
    limiter, fake = make(10, 5)
    times = admitted(limiter, fake, [1] * 8)
    # Five at once (the burst), then one every 1/rate seconds.
    assert times == pytest.approx([0, 0, 0, 0, 0, 0.1, 0.2, 0.3])
    assert times == pytest.approx(expected_times([0] * 8, [1] * 8, 10, 5))


def test_many_recipient_sends_follow_the_formula() -> None:
    limiter, fake = make(10, 5)
    weights = [3, 3, 3, 12, 1]
    times = []
    arrivals = []
    for w in weights:
        arrivals.append(fake.now)
        limiter.acquire(w)
        times.append(fake.now)
    # 12 > burst: it waits for a full bucket, goes, and the next send pays its debt.
    assert times == pytest.approx([0, 0.1, 0.4, 0.9, 1.7])
    assert times == pytest.approx(expected_times(arrivals, weights, 10, 5))


def test_random_sends_follow_the_formula() -> None:
    rng = random.Random(8)
    limiter, fake = make(14)
    arrivals, weights, times = [], [], []
    for _ in range(300):
        fake.now += rng.choice([0, 0, 0.01, 0.2, 1.5])
        w = rng.choice([1, 1, 2, 3, 50])
        arrivals.append(fake.now)
        weights.append(w)
        limiter.acquire(w)
        times.append(fake.now)
    assert times == pytest.approx(expected_times(arrivals, weights, 14, 14))


def test_gcra_need_one_is_the_ses_rule() -> None:
    # SES admits a send while one recipient of room is left.
    allow, tat = gcra(0.95, 0.0, 50, interval=0.1, tolerance=1.0, need=1)
    assert allow == pytest.approx(0.05)
    assert tat == pytest.approx(5.95)


def test_default_burst_is_one_second_of_rate() -> None:
    limiter, fake = make(20)
    assert limiter.burst == 20
    assert admitted(limiter, fake, [1] * 21)[-1] == pytest.approx(0.05)


def test_max_wait_raises_and_takes_nothing() -> None:
    limiter, fake = make(10, 2)
    admitted(limiter, fake, [1, 1])
    with pytest.raises(RateLimitTimeout, match=r"max_wait=0\.05"):
        limiter.acquire(1, max_wait=0.05)
    assert fake.now == 0
    # The refused call took no capacity: the next send still goes at 0.1.
    assert limiter.acquire(1, max_wait=0.1) == pytest.approx(0.1)


def test_zero_weight_and_bad_weight() -> None:
    limiter, fake = make(1, 1)
    admitted(limiter, fake, [1])
    assert limiter.acquire(0) == 0.0
    with pytest.raises(ValueError, match="weight"):
        limiter.acquire(-1)


async def test_async_waits_and_cancelled_wait_gives_back_its_slot() -> None:
    limiter = LocalRateLimiter(20, 1)
    await limiter.aacquire(1)
    started = time.monotonic()
    waiter = asyncio.create_task(limiter.aacquire(1))
    await asyncio.sleep(0.01)
    waiter.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiter
    # The cancelled slot (at 0.05 s) is free again: this one takes it.
    await limiter.aacquire(1)
    assert time.monotonic() - started < 0.08


class Recording(LocalRateLimiter):
    """Keeps every slot the limiter hands out, to check its decisions exactly."""

    def __init__(self, rate: float, burst: float) -> None:
        super().__init__(rate, burst)
        self.slots: list[tuple[float, float]] = []

    def reserve(
        self, weight: float, *, max_wait: float | None = None
    ) -> tuple[float, float, float]:
        slot = super().reserve(weight, max_wait=max_wait)
        self.slots.append((slot[0], weight))  # list.append is atomic
        return slot


def assert_bounded(slots: list[tuple[float, float]], rate: float, burst: float) -> None:
    """No interval [t_i, t_j] admitted more than rate * (t_j - t_i) + burst."""
    pairs = sorted(slots)
    for i in range(len(pairs)):
        total = 0.0
        for j in range(i, len(pairs)):
            total += pairs[j][1]
            # A thousandth of a recipient of slack: the limiter's arrival time
            # is a running float sum on the monotonic clock, whose rounding
            # (a few 1e-12 s per admission at a large clock value) adds up.
            allowed = rate * (pairs[j][0] - pairs[i][0]) + burst + 1e-3
            assert total <= allowed, (i, j, total, allowed)


def test_fifty_threads_never_exceed_the_rate() -> None:
    rate, burst = 500.0, 20.0
    limiter = Recording(rate, burst)
    woke: list[tuple[float, float]] = []
    start = threading.Barrier(50)

    def worker(seed: int) -> None:
        rng = random.Random(seed)
        start.wait()
        for _ in range(4):
            w = rng.choice([1, 3])
            limiter.acquire(w)
            woke.append((time.monotonic(), w))

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(limiter.slots) == len(woke) == 200
    assert_bounded(limiter.slots, rate, burst)
    # Nobody went before its slot: the k-th wake-up is no earlier than the k-th slot.
    for (slot, _), (woken, _) in zip(sorted(limiter.slots), sorted(woke), strict=True):
        assert woken >= slot
    total = sum(w for _, w in woke)
    span = max(t for t, _ in woke) - min(t for t, _ in limiter.slots)
    assert span >= (total - burst) / rate * 0.99


async def test_five_hundred_tasks_never_exceed_the_rate() -> None:
    rate, burst = 2000.0, 20.0
    limiter = Recording(rate, burst)
    woke: list[tuple[float, int]] = []

    async def task(seed: int) -> None:
        w = random.Random(seed).choice([1, 3])
        await limiter.aacquire(w)
        woke.append((time.monotonic(), w))

    await asyncio.gather(*(task(i) for i in range(500)))
    assert len(limiter.slots) == len(woke) == 500
    assert_bounded(limiter.slots, rate, burst)
    for (slot, _), (woken, _) in zip(sorted(limiter.slots), sorted(woke), strict=True):
        assert woken >= slot - 1e-3  # the loop's timers may fire within its resolution
    total = sum(w for _, w in woke)
    span = max(t for t, _ in woke) - min(t for t, _ in limiter.slots)
    assert span >= (total - burst) / rate * 0.99


async def test_waiting_tasks_do_not_block_the_loop() -> None:
    limiter = LocalRateLimiter(10, 1)
    await limiter.aacquire(1)
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    tick = asyncio.create_task(ticker())
    await limiter.aacquire(1)  # waits 0.1 s
    tick.cancel()
    assert ticks >= 5


# ------------------------------------------------------------------ "auto"


def test_auto_asks_once_then_every_ten_minutes() -> None:
    fake = FakeTime()
    limiter = LocalRateLimiter(None, auto=True, clock=fake.clock, sleep=fake.sleep)
    assert limiter.rate is None
    assert limiter.needs_rate() is True
    assert limiter.needs_rate() is False  # one caller fetches; the others wait for it
    limiter.set_rate(4)
    assert limiter.rate == 4
    assert limiter.burst == 4
    fake.now += 599
    assert limiter.needs_rate() is False
    fake.now += 2
    assert limiter.needs_rate() is True


def test_auto_rate_change_keeps_the_debt() -> None:
    limiter, fake = make(10, auto=True)
    assert admitted(limiter, fake, [10, 10]) == pytest.approx([0.0, 1.0])
    # Now 10 recipients in debt (tat = 2.0 at 10/s). At 20/s that debt is 0.5 s.
    limiter.set_rate(20)
    limiter.acquire(20)  # needs a full bucket of 20: the debt must clear first
    assert fake.now == pytest.approx(1.5)


def test_auto_waiters_wait_for_the_fetch() -> None:
    limiter = LocalRateLimiter(None, auto=True)
    assert limiter.needs_rate()
    threading.Timer(0.05, limiter.set_rate, args=(100,)).start()
    t0 = time.monotonic()
    limiter.acquire(1)
    assert 0.04 <= time.monotonic() - t0 < 1.0
    assert limiter.rate == 100


# ------------------------------------------------------------------ weights


def _simple() -> dict[str, Any]:
    return {"Simple": {"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "b"}}}}


def test_recipient_weights() -> None:
    dest = {
        "ToAddresses": ["a@x.org", "b@x.org"],
        "CcAddresses": ["c@x.org"],
        "BccAddresses": ["d@x.org"],
    }
    assert recipient_weight("send_email", {"Destination": dest, "Content": _simple()}) == 4
    assert recipient_weight("SendEmail", {"Destination": {"to_addresses": ["a@x.org"]}}) == 1
    typed = Destination(to_addresses=["a@x.org"], bcc_addresses=["b@x.org", "c@x.org"])
    assert recipient_weight("send_email", {"Destination": typed}) == 3
    raw = b"From: me@x.org\r\nTo: A <a@x.org>, b@x.org\r\nCc: c@x.org\r\nSubject: s\r\n\r\nbody"
    assert recipient_weight("send_email", {"Content": {"Raw": {"Data": raw}}}) == 3
    bulk = {
        "BulkEmailEntries": [
            {"Destination": {"ToAddresses": ["a@x.org"]}},
            {"Destination": {"ToAddresses": ["b@x.org"], "CcAddresses": ["c@x.org", "d@x.org"]}},
        ]
    }
    assert recipient_weight("send_bulk_email", bulk) == 4
    assert recipient_weight("send_custom_verification_email", {"EmailAddress": "a@x.org"}) == 1
    assert recipient_weight("get_account", {}) == 0
    assert recipient_weight("create_email_identity", {"EmailIdentity": "a@x.org"}) == 0


# ------------------------------------------------------------------ sharing


@pytest.fixture(autouse=True)
def _fresh_registry() -> Any:
    reset_limiters()
    yield
    reset_limiters()


def test_limiter_for_is_shared_per_account_and_region() -> None:
    assert limiter_for(SesConfig(), region="eu-west-1", account_key="AKID") is None
    assert limiter_for(SesConfig(rate_limit=False), region="eu-west-1", account_key="A") is None
    on = SesConfig(rate_limit=True)
    a = limiter_for(on, region="eu-west-1", account_key="AKID")
    assert a is not None and a.rate == 14.0
    assert limiter_for(SesConfig(rate_limit=True), region="eu-west-1", account_key="AKID") is a
    assert limiter_for(on, region="us-east-1", account_key="AKID") is not a
    assert limiter_for(on, region="eu-west-1", account_key="OTHER") is not a
    assert "AKID" not in repr(a)
    auto = limiter_for(SesConfig(rate_limit="auto"), region="eu-west-1", account_key="AKID")
    assert auto is not None and auto.rate is None and auto.needs_rate()


def _client(handler: Any, **options: Any) -> SesClient:
    return SesClient(
        region="eu-west-1",
        credentials=Credentials("AKIDRATE", "secret"),
        transport=MockTransport(handler),
        **options,
    )


SEND = {
    "from_email_address": "me@example.com",
    "destination": {"to_addresses": ["a@example.org", "b@example.org"]},
    "content": {"simple": {"subject": {"data": "s"}, "body": {"text": {"data": "b"}}}},
}


def test_clients_of_one_account_share_the_rate() -> None:
    calls: list[float] = []

    def handler(request: Any) -> Any:
        calls.append(time.monotonic())
        return json_response({"MessageId": "m"})

    one = _client(handler, rate_limit=40, rate_limit_burst=2)
    two = _client(handler, rate_limit=40, rate_limit_burst=2)
    t0 = time.monotonic()
    for client in (one, two, one, two):
        client.send_email(**SEND)  # 2 recipients each: 8 at 40/s, burst 2
    assert time.monotonic() - t0 >= 0.14
    one.get_account()  # not a send: no wait, no weight
    assert len(calls) == 5


def test_max_wait_refuses_before_sending() -> None:
    transport_calls = []

    def handler(request: Any) -> Any:
        transport_calls.append(request)
        return json_response({"MessageId": "m"})

    client = _client(handler, rate_limit=1, rate_limit_burst=2, rate_limit_max_wait=0.2)
    client.send_email(**SEND)
    with pytest.raises(RateLimitTimeout):
        client.send_email(**SEND)
    assert len(transport_calls) == 1


def test_auto_reads_the_rate_from_get_account() -> None:
    seen: list[str] = []

    def handler(request: Any) -> Any:
        seen.append(request.url.rsplit("/", 1)[-1])
        if request.method == "GET":
            return json_response({"SendQuota": {"MaxSendRate": 20.0, "Max24HourSend": 1e5}})
        return json_response({"MessageId": "m"})

    client = _client(handler, rate_limit="auto")
    for _ in range(3):
        client.send_email(**SEND)
    assert seen == ["account", "outbound-emails", "outbound-emails", "outbound-emails"]
    limiter = limiter_for(client.config, region="eu-west-1", account_key="AKIDRATE")
    assert limiter is not None and limiter.rate == 20.0


def test_from_env_reads_every_rate_limit_setting() -> None:
    env = {
        "AWS_REGION": "eu-west-1",
        "AWS_SES_RATE_LIMIT": "25",
        "AWS_SES_RATE_LIMIT_BURST": "5",
        "AWS_SES_RATE_LIMIT_MAX_WAIT": "2.5",
        "AWS_SES_RATE_LIMIT_URL": "redis://127.0.0.1:6379/0",
        "AWS_SES_RATE_LIMIT_FALLBACK": "fail",
        "AWS_SES_LOG_SENSITIVE": "true",
    }
    config = SesConfig.from_env(env)
    assert config.effective_rate_limit == 25.0
    assert (config.rate_limit_burst, config.rate_limit_max_wait) == (5.0, 2.5)
    assert config.rate_limit_url == "redis://127.0.0.1:6379/0"
    assert config.rate_limit_fallback == "fail"
    assert config.log_sensitive is True
    assert (
        SesConfig.from_env(
            {"AWS_REGION": "eu-west-1", "AWS_SES_RATE_LIMIT": "on"}
        ).effective_rate_limit
        == 14.0
    )
    assert (
        SesConfig.from_env(
            {"AWS_REGION": "eu-west-1", "AWS_SES_RATE_LIMIT": "auto"}
        ).effective_rate_limit
        == "auto"
    )
    with pytest.raises(ValueError, match="AWS_SES_RATE_LIMIT_BURST"):
        SesConfig.from_env({"AWS_REGION": "eu-west-1", "AWS_SES_RATE_LIMIT_BURST": "lots"})


async def test_the_async_client_awaits_its_turn() -> None:
    from aws_ses import AsyncSesClient
    from aws_ses.transport.mock import AsyncMockTransport

    sent: list[float] = []

    def handler(request: Any) -> Any:
        sent.append(time.monotonic())
        return json_response({"MessageId": "m"})

    ses = AsyncSesClient(
        region="eu-west-1",
        credentials=Credentials("AKIDASYNC", "secret"),
        async_transport=AsyncMockTransport(handler),
        rate_limit=20,
        rate_limit_burst=2,
    )
    t0 = time.monotonic()
    await asyncio.gather(*(ses.send_email(**SEND) for _ in range(3)))  # 6 recipients
    assert time.monotonic() - t0 >= 0.19  # 4 beyond the burst at 20/s
    with pytest.raises(RateLimitTimeout):
        await ses.with_options(rate_limit_max_wait=0.05).send_email(**SEND)
    assert len(sent) == 3


def test_the_local_servers_quota_is_the_same_gcra() -> None:
    from aws_ses.local import create_app, quota
    from aws_ses.local.state import ApiError

    state = create_app(auth=False).state.ses
    fake = FakeTime()
    fake.now = 1_000_000.0
    state.clock = fake.clock
    state.store.put("account", "account", {"SendQuota": {"MaxSendRate": 14.0}})
    quota.admit(state, 50)  # SES admits with one recipient of room, then the bucket owes 36
    allow, _ = gcra(fake.now + 50 / 14, fake.now, 1, interval=1 / 14, tolerance=1.0, need=1)
    assert allow - fake.now == pytest.approx(37 / 14)
    fake.now += 2.6  # 13.6 recipients still owed: 0.4 of room in a bucket of 14
    with pytest.raises(ApiError, match="Maximum sending rate exceeded"):
        quota.check(state)
    # The rate doubles: the 13.6 owed stay owed, in a bucket of 28 there is room.
    state.store.put("account", "account", {"SendQuota": {"MaxSendRate": 28.0}})
    quota.check(state)
    quota.record(state, 14)
    with pytest.raises(ApiError):  # 27.6 owed: 0.4 of room again
        quota.check(state)
