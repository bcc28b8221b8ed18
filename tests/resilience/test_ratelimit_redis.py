"""The Redis limiter against a real redis-server started here on a free loopback port."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import shutil
import socket
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
import redis

from aws_ses.errors import RateLimitTimeout
from aws_ses.local import LocalServer
from aws_ses.resilience.ratelimit import RateLimiterUnavailable, reset_limiters
from aws_ses.resilience.ratelimit_redis import RedisRateLimiter

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class RedisServer:
    """A throw-away redis-server: no persistence, loopback only."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.url = f"redis://127.0.0.1:{port}/0"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> RedisServer:
        exe = shutil.which("redis-server")
        assert exe is not None
        self.proc = subprocess.Popen(
            [exe, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--protected-mode", "yes"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        client = redis.Redis(port=self.port, socket_connect_timeout=0.2)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline or self.proc.poll() is not None:
                    raise RuntimeError("redis-server did not start") from None
                time.sleep(0.02)
        client.close()
        return self

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(5)
        self.proc = None

    def client(self) -> redis.Redis:
        return redis.Redis(port=self.port, decode_responses=True)


@pytest.fixture
def redis_server() -> Iterator[RedisServer]:
    if shutil.which("redis-server") is None:
        if os.environ.get("CI"):
            pytest.fail("redis-server is missing: apt-get install redis-server")
        pytest.skip("redis-server not installed (apt-get install redis-server)")
    server = RedisServer(free_port()).start()
    try:
        yield server
    finally:
        server.kill()


@pytest.fixture(autouse=True)
def _fresh_registry() -> Iterator[None]:
    reset_limiters()
    yield
    reset_limiters()


def limiter(server: RedisServer, rate: float, burst: float, **kw: Any) -> RedisRateLimiter:
    return RedisRateLimiter(server.url, key="test:bucket", rate=rate, burst=burst, **kw)


# ------------------------------------------------------------------ one process


def test_a_bucket_redis_does_not_know_starts_empty_then_bursts(redis_server: RedisServer) -> None:
    lim = limiter(redis_server, 10, 5)
    t0 = time.monotonic()
    for _ in range(3):
        lim.acquire(1)
    assert time.monotonic() - t0 >= 0.29  # 3 at 10/s from empty: no burst
    time.sleep(0.6)  # refills the 5-recipient burst
    assert [lim.acquire(1) for _ in range(5)] == [0.0] * 5  # all admitted at the first ask
    assert lim.acquire(5) >= 0.3  # a full bucket again: about 0.5 s
    tat = int(redis_server.client().hget("test:bucket", "tat") or 0)
    assert tat == lim._floor


def test_max_wait_refuses_without_taking_capacity(redis_server: RedisServer) -> None:
    lim = limiter(redis_server, 10, 1)
    lim.acquire(1)  # bucket was empty: waits 0.1 s, leaves it empty
    before = redis_server.client().hget("test:bucket", "tat")
    with pytest.raises(RateLimitTimeout):
        lim.acquire(1, max_wait=0.01)
    assert redis_server.client().hget("test:bucket", "tat") == before


def test_a_process_that_dies_mid_wait_takes_nothing(redis_server: RedisServer) -> None:
    lim = limiter(redis_server, 2, 1)
    lim.acquire(20)  # more than the burst: goes, and leaves 10 s of debt
    before = redis_server.client().hget("test:bucket", "tat")
    code = textwrap.dedent(f"""
        from aws_ses.resilience.ratelimit_redis import RedisRateLimiter
        lim = RedisRateLimiter({redis_server.url!r}, key="test:bucket", rate=2, burst=1)
        print("waiting", flush=True)
        lim.acquire(1)  # about 10 s away: killed long before
        print("admitted", flush=True)
    """)
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "waiting"
    time.sleep(0.3)
    proc.kill()
    proc.wait(5)
    # The bucket is exactly as the dead process found it: nothing reserved, nothing lost.
    assert redis_server.client().hget("test:bucket", "tat") == before


def test_a_stale_bucket_after_a_restart_is_not_trusted(redis_server: RedisServer) -> None:
    lim = limiter(redis_server, 10, 5)
    for _ in range(5):
        lim.acquire(1)  # from empty: about 0.5 s, bucket empty again
    # A restart from an old snapshot: the bucket looks full.
    redis_server.client().hset("test:bucket", "tat", "1")
    # Trusted, it would let 5 go at once; the floor this process remembers keeps
    # it honest: the bucket is as empty as when this process last saw it.
    assert lim.acquire(5) >= 0.3


async def test_async_clients_share_the_bucket(redis_server: RedisServer) -> None:
    lim = limiter(redis_server, 100, 5)
    t0 = time.monotonic()
    await asyncio.gather(*(lim.aacquire(1) for _ in range(30)))
    assert time.monotonic() - t0 >= 0.29  # 30 at 100/s from an empty bucket
    other = limiter(redis_server, 100, 5)  # another "process" on the same key
    assert await other.aacquire(5) >= 0.02  # it finds the bucket the first one emptied
    await lim.aclose()
    await other.aclose()


def test_redis_down_falls_back_to_local_with_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    port = free_port()
    lim = RedisRateLimiter(
        f"redis://:hunter2@127.0.0.1:{port}/0", key="k", rate=50, burst=5, fallback="local"
    )
    caplog.set_level(logging.WARNING, logger="aws_ses.ratelimit")
    t0 = time.monotonic()
    for _ in range(10):
        lim.acquire(1)
    assert time.monotonic() - t0 >= 0.19  # the local bucket starts empty too: 10 at 50/s
    warnings = [r for r in caplog.records if "unreachable" in r.getMessage()]
    assert len(warnings) == 1  # once per outage, not per call
    assert warnings[0].rate_limit_fallback == "local"  # type: ignore[attr-defined]
    assert "hunter2" not in warnings[0].getMessage() + repr(lim)

    if shutil.which("redis-server") is None:
        return
    server = RedisServer(port).start()
    try:
        time.sleep(1.05)  # Redis is tried again once a second
        lim.acquire(1)
        assert server.client().hget("k", "tat") is not None
        assert any("answers again" in r.getMessage() for r in caplog.records)
    finally:
        server.kill()


def test_redis_down_with_fallback_fail_raises(caplog: pytest.LogCaptureFixture) -> None:
    lim = RedisRateLimiter(f"redis://127.0.0.1:{free_port()}/0", key="k", rate=50, fallback="fail")
    caplog.set_level(logging.WARNING, logger="aws_ses.ratelimit")
    with pytest.raises(RateLimiterUnavailable, match="unreachable"):
        lim.acquire(1)
    with pytest.raises(RateLimiterUnavailable):
        lim.acquire(1)
    assert sum("unreachable" in r.getMessage() for r in caplog.records) == 1


# ------------------------------------------------------------------ four processes

WORKER = textwrap.dedent("""
    import json, logging, random, sys, time
    from aws_ses import SesClient
    from aws_ses.auth.credentials import Credentials
    from aws_ses.errors import SesTransportError
    from aws_ses.resilience.ratelimit import RateLimiterUnavailable
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    waits = []  # seconds each send waited for the limiter, from the call records
    class Waits(logging.Handler):
        def emit(self, record):
            waits.append(record.rate_limit_wait_s)
    calls = logging.getLogger("aws_ses.call")
    calls.setLevel(logging.DEBUG)
    calls.propagate = False
    url, redis_url, seed = sys.argv[1], sys.argv[2], int(sys.argv[3])
    client = SesClient(
        endpoint_url=url, region="us-east-1", credentials=Credentials("test", "test"),
        rate_limit=50, rate_limit_burst=10, rate_limit_url=redis_url,
    )
    content = {"simple": {"subject": {"data": "s"}, "body": {"text": {"data": "b"}}}}
    def send(to):
        client.send_email(
            from_email_address="me@example.com", destination={"to_addresses": to}, content=content
        )
    send([f"warm-up-{seed}@example.org"])  # imports and connections, before the clock starts
    calls.addHandler(Waits())
    print("ready", flush=True)
    start_at, stop_at = map(float, sys.stdin.readline().split())
    for _ in range(3):  # the server may have closed the idle keep-alive connection
        try:
            client.get_account()
            break
        except SesTransportError:
            pass
    rng = random.Random(seed)
    sent = failed = broken = 0
    while time.time() < start_at:
        time.sleep(0.002)
    i = 0
    while time.time() < stop_at:
        n = rng.choice([1, 3, 3, 3])  # mostly 3: the local server, not the limiter, is the cost
        to = [f"p{seed}-{i}-{k}@example.org" for k in range(n)]
        i += 1
        try:
            send(to)
            sent += n
        except RateLimiterUnavailable:
            failed += 1
            time.sleep(0.05)
        except SesTransportError:
            broken += 1
    waited = sum(1 for w in waits if w > 0)
    print(json.dumps({"sent": sent, "failed": failed, "broken": broken, "calls": len(waits),
                      "waited": waited, "wait_s": round(sum(waits), 3)}))
""")


def _stamp(message: dict[str, Any]) -> tuple[float, int]:
    when = datetime.fromisoformat(message["Timestamp"].replace("Z", "+00:00")).timestamp()
    dest = message["Destination"]
    return when, len(dest["ToAddresses"]) + len(dest["CcAddresses"]) + len(dest["BccAddresses"])


def _max_window(stamps: list[tuple[float, int]], lo: float, hi: float) -> int:
    """The most recipients any 1-second window starting in [lo, hi - 1] holds."""
    starts = [t for t, _ in stamps if lo <= t <= hi - 1.0] + [lo]
    return max(sum(n for t, n in stamps if s <= t < s + 1.0) for s in starts)


def _between(stamps: list[tuple[float, int]], lo: float, hi: float) -> int:
    return sum(n for t, n in stamps if lo <= t < hi)


def test_four_processes_share_fifty_per_second_through_a_redis_restart(
    redis_server: RedisServer,
) -> None:
    rate, burst = 50, 10
    # Phases (seconds after the start): steady 0-3, Redis killed at 3 and
    # restarted at 3.4, steady again from 1.05 s after Redis answers (every
    # process is back on it within the 1 s retry interval) to 7.
    steady, kill_at, restart_at, end = 3.0, 3.0, 3.4, 7.0
    with LocalServer(max_send_rate=100_000) as ses:
        ses.client().create_email_identity(email_identity="example.com")
        env = dict(os.environ, PYTHONPATH=os.pathsep.join([os.path.join(REPO, "src"), REPO]))
        procs = [
            subprocess.Popen(
                [sys.executable, "-c", WORKER, ses.url, redis_server.url, str(seed)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env=env,
            )
            for seed in range(4)
        ]
        for proc in procs:  # imports and warm-up take a while on a busy machine
            assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        start = time.time() + 1.0  # each worker refreshes its connection first
        for proc in procs:
            assert proc.stdin is not None
            proc.stdin.write(f"{start} {start + end}\n")
            proc.stdin.flush()
        time.sleep(max(0.0, start + kill_at - time.time()))
        redis_server.kill()
        time.sleep(max(0.0, start + restart_at - time.time()))
        redis_server.start()
        restarted = time.time()  # a busy machine may take a while to start it
        outputs = [p.communicate(timeout=60) for p in procs]
        stamps = sorted(_stamp(m) for m in ses.messages())
    for proc, (_, err) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, err
        assert "unreachable" in err  # the fallback was logged, once, at WARNING
        assert err.count("unreachable") == 1
    reports = [json.loads(out) for out, _ in outputs]
    assert all(r["broken"] <= 1 for r in reports), reports
    assert sum(r["sent"] for r in reports) <= sum(n for _, n in stamps)

    # Before the restart: never above rate + burst in any second, and close to the rate.
    assert _max_window(stamps, start, start + steady) <= rate + burst
    # (When this fails, "waited" says whether the limiter held the sends back or
    # the machine could not send faster: few waits mean a starved machine.)
    assert _between(stamps, start, start + steady) >= 0.9 * rate * steady, reports
    # Redis down: the local fallback kept every process sending.
    assert _between(stamps, start + kill_at + 0.1, start + restart_at) > 0
    # After the restart the shared rate holds again, at full speed.
    back = max(start + restart_at, restarted) + 1.05
    assert _max_window(stamps, back, start + end) <= rate + burst
    assert _between(stamps, back, start + end) >= 0.9 * rate * (start + end - back), reports
