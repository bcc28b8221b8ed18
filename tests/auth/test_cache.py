"""The refresh cache: windows, one fetch under load, failures, static stability,
and an event loop that never stalls during an async refresh."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

import pytest

from aws_ses.auth import (
    ContainerCredentialProvider,
    CredentialCache,
    Credentials,
    ProcessCredentialProvider,
)
from aws_ses.auth.base import Outcome, Provider
from aws_ses.errors import CredentialsError

from .conftest import World
from .fakes import MARKER

START = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


class Counting(Provider):
    """Credentials valid for ``lifetime`` from the clock's now; counts fetches."""

    name = "counting"

    def __init__(self, clock: Clock, lifetime: timedelta = timedelta(hours=1)) -> None:
        self.clock = clock
        self.lifetime = lifetime
        self.calls = 0
        self.fail = False
        self.delay = 0.0
        self.gate: threading.Event | None = None
        self.static_stability = False

    def _make(self) -> Credentials:
        self.calls += 1
        if self.fail:
            raise CredentialsError("backend down")
        return Credentials(
            f"AK{self.calls}", f"{MARKER}-{self.calls}", expiration=self.clock() + self.lifetime
        )

    def attempt(self) -> Outcome:
        if self.gate is not None:
            self.gate.wait(5)
        time.sleep(self.delay)
        return self._make()

    async def aattempt(self) -> Outcome:
        await asyncio.sleep(self.delay)
        return self._make()


@pytest.fixture
def clock() -> Clock:
    return Clock()


def test_windows(clock: Clock) -> None:
    provider = Counting(clock)
    cache = CredentialCache(provider, clock=clock)
    assert cache.get().access_key_id == "AK1"
    clock.advance(minutes=44)  # 16 min left: fresh
    assert cache.get().access_key_id == "AK1"
    clock.advance(minutes=2)  # 14 min left: advisory, this caller refreshes
    assert cache.get().access_key_id == "AK2"
    clock.advance(minutes=52)  # 8 min left: mandatory
    assert cache.get().access_key_id == "AK3"
    assert provider.calls == cache.fetches == 3


def test_advisory_refresh_does_not_hold_up_others(clock: Clock) -> None:
    provider = Counting(clock)
    cache = CredentialCache(provider, clock=clock)
    cache.get()
    clock.advance(minutes=48)  # advisory
    provider.gate = threading.Event()
    refresher = threading.Thread(target=cache.get)
    refresher.start()
    while cache.fetches < 2:
        time.sleep(0.001)
    started = time.perf_counter()
    assert cache.get().access_key_id == "AK1"  # the current keys, at once
    assert time.perf_counter() - started < 0.5
    provider.gate.set()
    refresher.join()
    assert cache.get().access_key_id == "AK2"


def test_advisory_failure_keeps_keys_and_logs(
    clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    provider = Counting(clock)
    cache = CredentialCache(provider, clock=clock)
    cache.get()
    clock.advance(minutes=47)
    provider.fail = True
    with caplog.at_level(logging.WARNING, logger="aws_ses.auth"):
        assert cache.get().access_key_id == "AK1"
    assert "failed in the advisory window (backend down)" in caplog.text
    assert cache.get().access_key_id == "AK1"
    assert provider.calls == 2  # backing off: no fetch on every call
    clock.advance(seconds=6)
    cache.get()
    assert provider.calls == 3


def test_mandatory_failure_keeps_valid_keys_then_raises_once_expired(
    clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    provider = Counting(clock)
    cache = CredentialCache(provider, clock=clock)
    cache.get()
    clock.advance(minutes=55)  # 5 min left
    provider.fail = True
    with caplog.at_level(logging.WARNING, logger="aws_ses.auth"):
        assert cache.get().access_key_id == "AK1"
    assert "mandatory window" in caplog.text
    clock.advance(minutes=6)  # expired
    with pytest.raises(CredentialsError, match="backend down"):
        cache.get()


def test_static_stability_uses_expired_keys_with_backoff(
    clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    provider = Counting(clock)
    provider.static_stability = True
    cache = CredentialCache(provider, clock=clock)
    cache.get()
    clock.advance(hours=2)  # long expired; the metadata service is down
    provider.fail = True
    with caplog.at_level(logging.WARNING, logger="aws_ses.auth"):
        assert cache.get().access_key_id == "AK1"
        assert "using the expired ones (static stability) and retrying in 5 s" in caplog.text
        clock.advance(seconds=3)
        cache.get()
        assert provider.calls == 2  # within the back-off
        clock.advance(seconds=3)
        cache.get()
        assert provider.calls == 3
        assert "retrying in 10 s" in caplog.text  # the back-off doubles
    provider.fail = False
    clock.advance(seconds=11)
    assert cache.get().access_key_id == "AK4"


def test_no_credentials_at_all_raises(clock: Clock) -> None:
    provider = Counting(clock)
    provider.fail = True
    cache = CredentialCache(provider, clock=clock)
    with pytest.raises(CredentialsError, match="backend down"):
        cache.get()
    with pytest.raises(ValueError, match="mandatory window"):
        CredentialCache(provider, advisory=60, mandatory=120)


def test_100_threads_one_fetch(clock: Clock) -> None:
    provider = Counting(clock)
    provider.delay = 0.05
    cache = CredentialCache(provider, clock=clock)
    barrier = threading.Barrier(100)
    keys: list[str] = []

    def worker() -> None:
        barrier.wait()
        keys.append(cache.get().access_key_id)

    def run_all() -> None:
        threads = [threading.Thread(target=worker) for _ in range(100)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

    run_all()
    assert provider.calls == 1 and set(keys) == {"AK1"} and len(keys) == 100
    clock.advance(minutes=55)  # mandatory: everyone waits for the one refresh
    keys.clear()
    run_all()
    assert provider.calls == 2 and set(keys) == {"AK2"}


async def test_1000_tasks_one_fetch(clock: Clock) -> None:
    provider = Counting(clock)
    provider.delay = 0.02
    cache = CredentialCache(provider, clock=clock)
    found = await asyncio.gather(*(cache.aget() for _ in range(1000)))
    assert provider.calls == 1 and {c.access_key_id for c in found} == {"AK1"}
    clock.advance(minutes=55)
    found = await asyncio.gather(*(cache.aget() for _ in range(1000)))
    assert provider.calls == 2 and {c.access_key_id for c in found} == {"AK2"}
    clock.advance(minutes=47)  # advisory: one refreshes, the rest keep AK2
    found = await asyncio.gather(*(cache.aget() for _ in range(1000)))
    assert provider.calls == 3
    assert {c.access_key_id for c in found} == {"AK2", "AK3"}


async def test_sync_and_async_callers_share_one_fetch(clock: Clock) -> None:
    provider = Counting(clock)
    provider.delay = 0.1
    cache = CredentialCache(provider, clock=clock)
    thread_result: list[str] = []
    thread = threading.Thread(target=lambda: thread_result.append(cache.get().access_key_id))
    thread.start()
    while cache.fetches == 0:
        await asyncio.sleep(0.001)
    found = await asyncio.gather(*(cache.aget() for _ in range(50)))
    thread.join()
    assert provider.calls == 1
    assert {c.access_key_id for c in found} | set(thread_result) == {"AK1"}


async def test_cancelled_refresher_does_not_strand_waiters(clock: Clock) -> None:
    provider = Counting(clock)
    provider.delay = 0.2
    cache = CredentialCache(provider, clock=clock)
    first = asyncio.ensure_future(cache.aget())
    await asyncio.sleep(0.01)
    waiter = asyncio.ensure_future(cache.aget())
    await asyncio.sleep(0.01)
    first.cancel()
    creds = await asyncio.wait_for(waiter, 2)
    # The waiter fetched again after the cancellation instead of waiting forever.
    assert creds.access_key_id == "AK1" and cache.fetches == 2


async def _max_loop_lag(work: asyncio.Future[object]) -> float:
    worst = 0.0
    while not work.done():
        before = time.perf_counter()
        await asyncio.sleep(0.001)
        worst = max(worst, time.perf_counter() - before - 0.001)
    await work
    return worst


async def _best_lag(start: Callable[[], Awaitable[object]], runs: int = 15) -> float:
    """The smallest worst-case lag over a few refreshes.

    A refresh that blocks the loop stalls it in every run (the endpoints
    below take 30 ms, so a blocking fetch shows as a 30 ms stall each time);
    a stall from the machine being busy (two cores shared with other test
    suites) does not recur every time. Stops at the first clean run.
    """
    best = float("inf")
    for _ in range(runs):
        best = min(best, await _max_loop_lag(asyncio.ensure_future(start())))
        if best < LAG_LIMIT:
            break
    return best


LAG_LIMIT = 0.010


async def test_async_http_refresh_never_blocks_the_loop(world: World) -> None:
    import aiohttp  # noqa: F401  (imported as the async client would have)

    world.fake.delay = 0.03  # a slow credentials endpoint (a blocking fetch: 30 ms)
    provider = ContainerCredentialProvider(
        {**world.env, "AWS_CONTAINER_CREDENTIALS_FULL_URI": world.fake.url + "/container-creds"}
    )
    await provider.aload()  # warm up: thread pool, imports
    caches: list[CredentialCache] = []

    def refresh() -> Awaitable[Credentials]:
        caches.append(CredentialCache(provider))
        return caches[-1].aget()

    lag = await _best_lag(refresh)
    assert all(cache.current is not None for cache in caches)
    assert lag < LAG_LIMIT, f"the event loop stalled for {lag * 1000:.1f} ms"


async def test_async_process_refresh_never_blocks_the_loop(world: World) -> None:
    command = world.script(
        "slow.py",
        "import json, time\ntime.sleep(0.03)\n"
        'print(json.dumps({"Version": 1, "AccessKeyId": "AKIASLOW", "SecretAccessKey": "x"}))\n',
    )
    env = world.files(config=f"[default]\ncredential_process = {command}\n")
    provider = ProcessCredentialProvider(None, env)
    await provider.aload()  # warm up
    found: list[Credentials] = []

    async def refresh() -> None:
        found.append(await CredentialCache(provider).aget())

    lag = await _best_lag(refresh)
    assert found and all(c.access_key_id == "AKIASLOW" for c in found)
    assert lag < LAG_LIMIT, f"the event loop stalled for {lag * 1000:.1f} ms"


async def test_the_probe_catches_a_blocking_refresh(clock: Clock) -> None:
    """The probe itself works: a provider that blocks the loop is caught."""

    class Blocking(Counting):
        async def aattempt(self) -> Outcome:
            time.sleep(0.05)  # the mistake the other tests guard against
            return self._make()

    provider = Blocking(clock)
    lag = await _best_lag(lambda: CredentialCache(provider, clock=clock).aget(), runs=2)
    assert lag >= 0.04


def test_imds_static_stability_through_the_default_chain(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    from aws_ses.auth import default_chain

    world.files()
    clock = Clock()
    clock.now = datetime.now(UTC)
    cache = CredentialCache(default_chain(env=world.with_imds()), clock=clock)
    first = cache.get()
    assert first.source == "imds"
    world.fake.imds_mode = "down"  # the metadata service has an outage
    clock.advance(hours=2)  # the keys have expired
    with caplog.at_level(logging.WARNING, logger="aws_ses.auth"):
        assert cache.get() is first
    assert "static stability" in caplog.text
    world.fake.imds_mode = "v2"
    clock.advance(seconds=6)  # past the back-off
    assert cache.get().access_key_id != first.access_key_id


def test_short_lived_keys_are_not_fetched_on_every_call(clock: Clock) -> None:
    provider = Counting(clock, lifetime=timedelta(minutes=12))  # always inside the window
    cache = CredentialCache(provider, clock=clock)
    for _ in range(20):
        cache.get()
    assert provider.calls == 1
    clock.advance(seconds=6)
    cache.get()
    assert provider.calls == 2


async def test_async_client_first_call_never_blocks_the_loop(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """End to end: the async client's own default chain loads container
    credentials from a slow endpoint without stalling the loop."""
    import aiohttp  # noqa: F401

    from aws_ses import AsyncSesClient
    from aws_ses._http import HttpRequest, HttpResponse
    from aws_ses.transport import AsyncMockTransport

    world.fake.delay = 0.03
    monkeypatch.setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", world.fake.url + "/container-creds")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(world.credentials))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(world.config))
    world.files()
    signed: list[str] = []

    async def ses(request: HttpRequest) -> HttpResponse:
        signed.append(request.headers["Authorization"])
        return HttpResponse(200, {}, b"{}")

    transport = AsyncMockTransport(ses)

    def first_call() -> Awaitable[object]:
        client = AsyncSesClient(region="us-east-1", async_transport=transport)
        return client.get_account()

    lag = await _best_lag(first_call)
    assert signed and all("Credential=ASIAECS" in header for header in signed)
    assert lag < LAG_LIMIT, f"the event loop stalled for {lag * 1000:.1f} ms"


def test_naive_expiry_given_in_code_is_taken_as_utc(clock: Clock) -> None:
    from aws_ses.auth import StaticCredentialProvider

    naive = (START + timedelta(minutes=5)).replace(tzinfo=None)
    cache = CredentialCache(
        StaticCredentialProvider(Credentials("AK", "s", expiration=naive)), clock=clock
    )
    assert cache.get().access_key_id == "AK"  # inside the mandatory window, no TypeError
    assert cache.fetches == 1
