"""Campaign throughput with 1, 2 and 4 Celery worker processes, and the ledger's cost.

    python benchmarks/campaigns_bench.py [--recipients N] [--workers 1,2,4]

Starts its own redis-server on a free loopback port, the local SES server in a
child process with a high send quota, and ``celery -A aws_ses.campaigns.worker
worker`` processes (prefork, concurrency 1 each). For each worker count it
runs one campaign and reports recipients/s from start to the last record.
Then it times the ledger alone (the starter's write with its pending-chunk
mark, then claim, wire, finish, for chunks of 50 on Redis, no SES call) and
reports microseconds per recipient. Numbers are printed, never asserted.
Needs the ``celery`` and ``local`` extras and ``redis-server``.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _serve(port: int, ready: Any) -> None:
    from aws_ses.local import LocalServer

    server = LocalServer(port=port, max_send_rate=1_000_000, max_24_hour_send=100_000_000)
    server.start()
    with server.client() as client:
        client.create_email_identity(email_identity="example.com")
        client.create_email_template(
            template_name="bench", template_content={"subject": "Hi {{name}}", "text": "{{name}}"}
        )
    ready.set()
    signal.sigwait([signal.SIGTERM])
    server.stop()


def _redis(port: int, workdir: str) -> subprocess.Popen[bytes]:
    binary = shutil.which("redis-server")
    if binary is None:
        sys.exit("redis-server is not installed")
    proc = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", workdir],
        stdout=subprocess.DEVNULL,
    )
    import redis

    client = redis.Redis(port=port)
    for _ in range(200):
        try:
            client.ping()
            return proc
        except redis.ConnectionError:
            time.sleep(0.05)
    sys.exit("redis-server did not start")


def _workers(count: int, url: str, queue: str) -> list[subprocess.Popen[bytes]]:
    env = dict(os.environ)
    env.update(
        AWS_SES_CAMPAIGNS_REDIS_URL=url,
        AWS_ACCESS_KEY_ID="test",
        AWS_SECRET_ACCESS_KEY="test",
        AWS_REGION="us-east-1",
        PYTHONPATH=os.pathsep.join([str(ROOT / "src"), env.get("PYTHONPATH", "")]),
    )
    return [
        subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "aws_ses.campaigns.worker", "worker",
             "--pool=prefork", "--concurrency=1", "-n", f"b{i}-{queue}@bench", "-Q", queue,
             "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=ERROR"],
            env=env,
            stdout=subprocess.DEVNULL,
            start_new_session=True,
        )
        for i in range(count)
    ]  # fmt: skip


def _campaign(url: str, endpoint: str, recipients: int, workers: int) -> float:
    from aws_ses.campaigns import make_app, start_campaign, wait
    from aws_ses.campaigns.control import open_ledger

    queue = f"bench-{uuid.uuid4().hex[:6]}"
    procs = _workers(workers, url, queue)
    try:
        app = make_app(url)
        # Warm up: one chunk per worker, so start-up is not counted.
        warm = start_campaign(
            [f"warm{i}-{queue}@example.org" for i in range(50 * workers)],
            from_="news@example.com", template="bench", default_data={"name": "w"},
            ses={"endpoint_url": endpoint, "rate_limit": None}, app=app, queue=queue,
            check_suppression=False, background=False,
        )  # fmt: skip
        wait(warm, redis_url=url, timeout=120, poll=0.05)
        people = (
            {"email": f"r{i}-{queue}@example.org", "name": f"n{i}"} for i in range(recipients)
        )
        start = time.monotonic()
        cid = start_campaign(
            people, from_="news@example.com", template="bench",
            ses={"endpoint_url": endpoint, "rate_limit": None}, app=app, queue=queue,
            check_suppression=False,
        )  # fmt: skip
        status = wait(cid, redis_url=url, timeout=900, poll=0.05)
        elapsed = time.monotonic() - start
        assert status.counts["sent"] == recipients, status
        open_ledger(cid, redis_url=url).delete()
        return recipients / elapsed
    finally:
        for proc in procs:
            os.killpg(proc.pid, signal.SIGTERM)
        for proc in procs:
            proc.wait(timeout=30)


def _ledger_cost(url: str, recipients: int) -> float:
    from aws_ses.campaigns.ledger import Ledger, connect

    ledger = Ledger(connect(url), uuid.uuid4().hex[:12])
    ledger.create({})
    addresses = [f"l{i}@example.org" for i in range(recipients)]
    start = time.perf_counter()
    for base in range(0, recipients, 50):
        chunk = addresses[base : base + 50]
        # What the starter does: records and pending chunk in one script, then the mark cleared.
        written = ledger.write_chunk([(a, "queued", "", a, "") for a in chunk])
        if written.chunk_id is not None:
            ledger.chunk_enqueued(written.chunk_id)
        token = uuid.uuid4().hex
        claim = ledger.claim(chunk, token=token, lease=60, payload="[]")
        ledger.mark_wire([(a, "") for a in claim.claimed], token=token, lease=60, payload="[]")
        ledger.finish([(a, "sent", "", "m") for a in claim.claimed], token=token)
    elapsed = time.perf_counter() - start
    ledger.delete()
    return elapsed / recipients * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--recipients", type=int, default=2000)
    parser.add_argument("--workers", default="1,2,4")
    args = parser.parse_args()
    counts = [int(n) for n in args.workers.split(",")]
    with tempfile.TemporaryDirectory() as workdir:
        redis_port, ses_port = _free_port(), _free_port()
        redis_proc = _redis(redis_port, workdir)
        url = f"redis://127.0.0.1:{redis_port}/0"
        ready = multiprocessing.Event()
        server = multiprocessing.Process(target=_serve, args=(ses_port, ready), daemon=True)
        server.start()
        try:
            if not ready.wait(30):
                sys.exit("the local SES server did not start")
            endpoint = f"http://127.0.0.1:{ses_port}"
            print(
                f"{args.recipients} recipients per campaign, local SES server, "
                f"{os.cpu_count()} CPUs"
            )
            for n in counts:
                rate = _campaign(url, endpoint, args.recipients, n)
                print(f"  {n} worker process(es): {rate:8.0f} recipients/s")
            cost = _ledger_cost(url, 5000)
            print(
                "ledger (write + pending mark, claim, wire, finish on Redis, chunks of 50): "
                f"{cost:.1f} us/recipient"
            )
        finally:
            if server.pid is not None:
                os.kill(server.pid, signal.SIGTERM)
            server.join(10)
            redis_proc.terminate()
            redis_proc.wait(10)


if __name__ == "__main__":
    main()
