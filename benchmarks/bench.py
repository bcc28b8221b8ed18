"""Measure aws-ses against boto3 (and aiobotocore when installed) in one run.

    python benchmarks/bench.py [--calls N] [--concurrency C]

Every client talks to the same loopback sink: a small HTTP server in a child
process that answers every request with a fixed SendEmail response, so what
is measured is the client's own cost. Numbers are printed, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import socket
import statistics
import subprocess
import sys
import time
from typing import Any

RESPONSE = json.dumps({"MessageId": "0100018c-bench-000000"}).encode()
SEND_KW = {
    "from_email_address": "sender@example.com",
    "destination": {"to_addresses": ["to@example.com"]},
    "content": {"simple": {"subject": {"data": "Hi"}, "body": {"text": {"data": "Hello"}}}},
}
BOTO_KW = {
    "FromEmailAddress": "sender@example.com",
    "Destination": {"ToAddresses": ["to@example.com"]},
    "Content": {"Simple": {"Subject": {"Data": "Hi"}, "Body": {"Text": {"Data": "Hello"}}}},
}
CREDS_ENV = {"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench"}


# ------------------------------------------------------------------ sink


def _sink(port_queue: Any) -> None:
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":", 1)[1])
                if length:
                    await reader.readexactly(length)
                writer.write(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                    b"x-amzn-RequestId: bench\r\nContent-Length: "
                    + str(len(RESPONSE)).encode()
                    + b"\r\n\r\n"
                    + RESPONSE
                )
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()

    async def serve() -> None:
        server = await asyncio.start_server(handle, "127.0.0.1", 0, backlog=1024)
        port_queue.put(server.sockets[0].getsockname()[1])
        await server.serve_forever()

    asyncio.run(serve())


def start_sink() -> tuple[multiprocessing.Process, str]:
    queue: Any = multiprocessing.Queue()
    proc = multiprocessing.Process(target=_sink, args=(queue,), daemon=True)
    proc.start()
    return proc, f"http://127.0.0.1:{queue.get(timeout=10)}"


# ------------------------------------------------------------------ measures


def import_and_build(code: str, runs: int = 7) -> float:
    """Median wall time (ms) of a fresh interpreter importing and building a client."""
    env = {**os.environ, **CREDS_ENV, "PYTHONDONTWRITEBYTECODE": ""}
    subprocess.run([sys.executable, "-c", code], env=env, check=True)  # warm the .pyc cache
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], env=env, check=True)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def peak_rss(code: str) -> float:
    """Peak resident memory (MiB) of a fresh interpreter running ``code``."""
    probe = code + "import resource; print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
    out = subprocess.run(
        [sys.executable, "-c", probe],
        env={**os.environ, **CREDS_ENV},
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return int(out.split()[-1]) / 1024


def cpu_per_call(fn: Any, calls: int) -> float:
    fn()  # warm up: first-call work (decoders, pools) is not per-call cost
    start = time.process_time()
    for _ in range(calls):
        fn()
    return (time.process_time() - start) / calls * 1e6


async def async_throughput(make_call: Any, calls: int, concurrency: int) -> float:
    sem = asyncio.Semaphore(concurrency)

    async def one() -> None:
        async with sem:
            await make_call()

    await one()
    start = time.perf_counter()
    await asyncio.gather(*(one() for _ in range(calls)))
    return calls / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=64)
    args = parser.parse_args()
    os.environ.update(CREDS_ENV)
    proc, url = start_sink()
    rows: list[tuple[str, str, str]] = []
    try:
        ours_import = import_and_build(
            "from aws_ses import SesClient; SesClient(region='us-east-1', endpoint_url='http://x')"
        )
        boto_import = import_and_build(
            "import boto3; boto3.client('sesv2', region_name='us-east-1', endpoint_url='http://x')"
        )
        rows.append(("import + build client (ms)", f"{ours_import:.0f}", f"{boto_import:.0f}"))

        from aws_ses import AsyncSesClient, SesClient

        ours = SesClient(region="us-east-1", endpoint_url=url)
        ours_cpu = cpu_per_call(lambda: ours.send_email(**SEND_KW), args.calls)

        import boto3

        boto = boto3.client("sesv2", region_name="us-east-1", endpoint_url=url)
        boto_cpu = cpu_per_call(lambda: boto.send_email(**BOTO_KW), args.calls)
        rows.append(("sync send_email CPU per call (us)", f"{ours_cpu:.0f}", f"{boto_cpu:.0f}"))
        ours_rss = peak_rss(
            "from aws_ses import SesClient\n"
            f"c = SesClient(region='us-east-1', endpoint_url={url!r})\n"
            f"for _ in range(200): c.send_email(**{SEND_KW!r})\n"
        )
        boto_rss = peak_rss(
            "import boto3\n"
            f"c = boto3.client('sesv2', region_name='us-east-1', endpoint_url={url!r})\n"
            f"for _ in range(200): c.send_email(**{BOTO_KW!r})\n"
        )
        rows.append(
            ("peak RSS, process sending 200 mails (MiB)", f"{ours_rss:.1f}", f"{boto_rss:.1f}")
        )

        async def ours_async() -> float:
            async with AsyncSesClient(region="us-east-1", endpoint_url=url) as client:
                return await async_throughput(
                    lambda: client.send_email(**SEND_KW), args.calls, args.concurrency
                )

        ours_rate = asyncio.run(ours_async())
        theirs = "n/a (pip install aiobotocore)"
        try:
            from aiobotocore.session import get_session

            async def aio() -> float:
                async with get_session().create_client(
                    "sesv2", region_name="us-east-1", endpoint_url=url
                ) as client:
                    return await async_throughput(
                        lambda: client.send_email(**BOTO_KW), args.calls, args.concurrency
                    )

            theirs = f"{asyncio.run(aio()):.0f}"
        except ImportError:
            pass
        rows.append(
            (
                f"async send_email calls/s at {args.concurrency} in flight",
                f"{ours_rate:.0f}",
                theirs,
            )
        )
    finally:
        proc.terminate()

    width = max(len(r[0]) for r in rows)
    print(f"{'measure':{width}}  {'aws-ses':>10}  {'boto3/aiobotocore':>18}")
    for name, a, b in rows:
        print(f"{name:{width}}  {a:>10}  {b:>18}")
    print(f"\n{socket.gethostname()}: Python {sys.version.split()[0]}, {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
