"""What the rate limiter costs per call, local and on Redis, next to the plain call.

    python benchmarks/ratelimit_bench.py [--calls N] [--redis-url URL]

Every client sends through a MockTransport (no network), so the numbers are
the client's own CPU per ``send_email``, with and without the limiter. The
limit is set far above the call rate so nothing ever waits: what remains is
the limiter's bookkeeping (and, for Redis, one script round trip on
loopback). Without ``--redis-url`` a throw-away ``redis-server`` is started
on a free loopback port when one is installed. Numbers are printed, never
asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from aws_ses import AsyncSesClient, SesClient
from aws_ses.auth.credentials import Credentials
from aws_ses.resilience.ratelimit import LocalRateLimiter, reset_limiters
from aws_ses.transport.mock import AsyncMockTransport, MockTransport, json_response

SEND: dict[str, Any] = {
    "from_email_address": "sender@example.com",
    "destination": {"to_addresses": ["to@example.com"]},
    "content": {"simple": {"subject": {"data": "Hi"}, "body": {"text": {"data": "Hello"}}}},
}
FAST = 1e9  # recipients per second: never waits


def _reply(request: Any) -> Any:
    return json_response({"MessageId": "0100018c-bench-000000"})


@contextmanager
def redis_server(url: str | None) -> Iterator[str | None]:
    if url:
        yield url
        return
    exe = shutil.which("redis-server")
    if exe is None:
        yield None
        return
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = subprocess.Popen(
        [exe, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    try:
        import redis

        client = redis.Redis(port=port)
        for _ in range(500):
            try:
                client.ping()
                break
            except redis.ConnectionError:
                time.sleep(0.01)
        client.close()
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.kill()
        proc.wait()


def per_call(fn: Callable[[], Any], calls: int) -> float:
    for _ in range(min(200, calls)):
        fn()
    start = time.perf_counter()
    for _ in range(calls):
        fn()
    return (time.perf_counter() - start) / calls * 1e6


async def aper_call(fn: Callable[[], Any], calls: int) -> float:
    for _ in range(min(200, calls)):
        await fn()
    start = time.perf_counter()
    for _ in range(calls):
        await fn()
    return (time.perf_counter() - start) / calls * 1e6


def sync_client(**options: Any) -> SesClient:
    return SesClient(
        region="us-east-1",
        credentials=Credentials("bench", "bench"),
        transport=MockTransport(_reply),
        **options,
    )


def async_client(**options: Any) -> AsyncSesClient:
    return AsyncSesClient(
        region="us-east-1",
        credentials=Credentials("bench", "bench"),
        async_transport=AsyncMockTransport(_reply),
        **options,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--calls", type=int, default=3000)
    parser.add_argument("--redis-url", default=None)
    args = parser.parse_args()
    n = args.calls
    rows: list[tuple[str, float]] = []

    local = LocalRateLimiter(FAST)
    rows.append(("limiter alone: local acquire", per_call(lambda: local.acquire(1), n)))
    plain = sync_client()
    rows.append(("sync send_email, no limiter", per_call(lambda: plain.send_email(**SEND), n)))
    limited = sync_client(rate_limit=FAST)
    rows.append(("sync send_email, local limiter", per_call(lambda: limited.send_email(**SEND), n)))

    async def run_async(url: str | None) -> None:
        aplain = async_client()
        rows.append(
            ("async send_email, no limiter", await aper_call(lambda: aplain.send_email(**SEND), n))
        )
        alocal = async_client(rate_limit=FAST)
        rows.append(
            ("async send_email, local limiter",
             await aper_call(lambda: alocal.send_email(**SEND), n))
        )  # fmt: skip
        if url:
            aredis = async_client(rate_limit=FAST, rate_limit_url=url)
            rows.append(
                ("async send_email, Redis limiter",
                 await aper_call(lambda: aredis.send_email(**SEND), n))
            )  # fmt: skip

    with redis_server(args.redis_url) as url:
        if url:
            from aws_ses.resilience.ratelimit_redis import RedisRateLimiter

            shared = RedisRateLimiter(url, key="bench:bucket", rate=FAST)
            rows.append(("limiter alone: Redis acquire", per_call(lambda: shared.acquire(1), n)))
            redis_limited = sync_client(rate_limit=FAST, rate_limit_url=url)
            rows.append(
                ("sync send_email, Redis limiter",
                 per_call(lambda: redis_limited.send_email(**SEND), n))
            )  # fmt: skip
        asyncio.run(run_async(url))
        reset_limiters()
    if not url:
        print("(no redis-server found and no --redis-url: Redis rows skipped)")

    width = max(len(name) for name, _ in rows)
    print(f"{'what':<{width}}  us/call")
    for name, micros in rows:
        print(f"{name:<{width}}  {micros:8.1f}")


if __name__ == "__main__":
    main()
