"""One measurement of one client, run in a fresh interpreter; prints one JSON line.

    python benchmarks/scenarios.py CLIENT MEASURE --url http://127.0.0.1:PORT [--n N]

``compare.py`` runs this file once per (client, measure), each time with the
interpreter of the virtualenv the client lives in, so clients never share a
process (or its imports, pools and memory). It uses only the standard
library besides the client measured.

Clients: ``aws-ses``, ``boto3``, ``aiobotocore``, ``capo-sesv2``, and
``transport:NAME`` (an aws-ses transport alone) and ``floor`` (a raw
keep-alive socket). Measures: ``cold-code`` (prints the cold-start program),
``rss-code`` and ``attach-rss-code`` (print programs that compare.py runs),
``cpu``, ``attach-cpu``, ``threads``, ``async``, ``bulk``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

REGION = "us-east-1"
ATTACHMENT = bytes(range(256)) * 4096  # 1 MiB
THREADS = 16
CONCURRENCY = 64
BULK_PER_CALL = 50

# What every client sends: the same message, spelled in each client's style.
SNAKE = {
    "from_email_address": "sender@example.com",
    "destination": {"to_addresses": ["to@example.com"]},
    "content": {"simple": {"subject": {"data": "Hi"}, "body": {"text": {"data": "Hello"}}}},
}
PASCAL = {
    "FromEmailAddress": "sender@example.com",
    "Destination": {"ToAddresses": ["to@example.com"]},
    "Content": {"Simple": {"Subject": {"Data": "Hi"}, "Body": {"Text": {"Data": "Hello"}}}},
}


def snake_attach() -> dict[str, Any]:
    simple = dict(SNAKE["content"]["simple"])  # type: ignore[index]
    simple["attachments"] = [{"file_name": "data.bin", "raw_content": ATTACHMENT}]
    return {**SNAKE, "content": {"simple": simple}}


def pascal_attach() -> dict[str, Any]:
    simple = dict(PASCAL["Content"]["Simple"])  # type: ignore[index]
    simple["Attachments"] = [{"FileName": "data.bin", "RawContent": ATTACHMENT}]
    return {**PASCAL, "Content": {"Simple": simple}}


def bulk_entries(recipients: int) -> list[str]:
    return [f"r{i}@example.com" for i in range(recipients)]


# ------------------------------------------------------------ cold-start code
# Each is the whole program a fresh process runs: import, build, first send.

COLD = {
    "aws-ses": (
        "from aws_ses import SesClient\n"
        "c = SesClient(region={region!r}, endpoint_url={url!r}{ours_kw})\n"
        "c.send_email(**{snake!r})\n"
    ),
    "boto3": (
        "import boto3\n"
        "c = boto3.client('sesv2', region_name={region!r}, endpoint_url={url!r})\n"
        "c.send_email(**{pascal!r})\n"
    ),
    "capo-sesv2": (
        "from capo_sesv2 import SESv2Client\n"
        "c = SESv2Client(region={region!r}, endpoint={url!r})\n"
        "c.send_email(**{snake!r})\n"
    ),
    "aiobotocore": (
        "import asyncio\n"
        "from aiobotocore.session import get_session\n"
        "async def main():\n"
        "    async with get_session().create_client('sesv2', region_name={region!r},"
        " endpoint_url={url!r}) as c:\n"
        "        await c.send_email(**{pascal!r})\n"
        "asyncio.run(main())\n"
    ),
    "aws-ses-async": (
        "import asyncio\n"
        "from aws_ses import AsyncSesClient\n"
        "async def main():\n"
        "    async with AsyncSesClient(region={region!r}, endpoint_url={url!r}{ours_async_kw})"
        " as c:\n"
        "        await c.send_email(**{snake!r})\n"
        "asyncio.run(main())\n"
    ),
}


def _ours_kw() -> tuple[str, str]:
    # The benchmark measures aws-ses with the transports the transport
    # package recommends (what the client uses by default once it calls
    # the factories); BENCH_SYNC_TRANSPORT / BENCH_ASYNC_TRANSPORT pick others.
    sync = os.environ.get("BENCH_SYNC_TRANSPORT", "default")
    aio = os.environ.get("BENCH_ASYNC_TRANSPORT", "default")
    return (
        f", transport=__import__('aws_ses.transport').transport.sync_transport({sync!r})",
        f", async_transport=__import__('aws_ses.transport').transport.async_transport({aio!r})",
    )


def cold_code(client: str, url: str, *, attach: bool = False) -> str:
    ours_kw, ours_async_kw = _ours_kw()
    snake, pascal = (snake_attach(), pascal_attach()) if attach else (SNAKE, PASCAL)
    return COLD[client].format(
        region=REGION, url=url, snake=snake, pascal=pascal, ours_kw=ours_kw,
        ours_async_kw=ours_async_kw,
    )  # fmt: skip


RSS_PROBE = """
import sys
if sys.platform == "linux":
    with open("/proc/self/status") as f:
        kib = next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))
else:  # peak instead of current; macOS counts bytes, others KiB
    import resource
    kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kib = kib // 1024 if sys.platform == "darwin" else kib
print(kib / 1024)
"""


def rss_code(client: str, url: str, *, attach: bool) -> str:
    """The cold-start program plus a look at its resident memory: nothing else loaded."""
    code = cold_code(client, url, attach=attach)
    if attach:  # the attachment's bytes are made in the process, not spelled out
        code = code.replace(repr(ATTACHMENT), "bytes(range(256)) * 4096")
    return code + RSS_PROBE


# ------------------------------------------------------------------ clients


def ours_sync(url: str) -> Any:
    from aws_ses import SesClient
    from aws_ses.transport import sync_transport

    name = os.environ.get("BENCH_SYNC_TRANSPORT", "default")
    return SesClient(
        region=REGION,
        endpoint_url=url,
        transport=sync_transport(name, max_pool_connections=THREADS),
    )


def ours_async(url: str) -> Any:
    from aws_ses import AsyncSesClient
    from aws_ses.transport import async_transport

    name = os.environ.get("BENCH_ASYNC_TRANSPORT", "default")
    return AsyncSesClient(
        region=REGION,
        endpoint_url=url,
        async_transport=async_transport(name, max_pool_connections=CONCURRENCY),
    )


def boto3_client(url: str) -> Any:
    import boto3
    from botocore.config import Config

    return boto3.client(
        "sesv2",
        region_name=REGION,
        endpoint_url=url,
        config=Config(max_pool_connections=THREADS, retries={"max_attempts": 1}),
    )


def capo_sync(url: str) -> Any:
    from capo_sesv2 import SESv2Client

    return SESv2Client(region=REGION, endpoint=url)


def capo_async(url: str) -> Any:
    from capo_sesv2 import AsyncSESv2Client

    return AsyncSESv2Client(region=REGION, endpoint=url)


def aiobotocore_client(url: str) -> Any:
    from aiobotocore.config import AioConfig
    from aiobotocore.session import get_session

    return get_session().create_client(
        "sesv2",
        region_name=REGION,
        endpoint_url=url,
        config=AioConfig(max_pool_connections=CONCURRENCY, retries={"max_attempts": 1}),
    )


def sync_sender(client: str, url: str, *, attach: bool = False) -> Callable[[], Any]:
    if client == "aws-ses":
        c = ours_sync(url)
        kw = snake_attach() if attach else SNAKE
        return lambda: c.send_email(**kw)
    if client == "boto3":
        b = boto3_client(url)
        bkw = pascal_attach() if attach else PASCAL
        return lambda: b.send_email(**bkw)
    if client == "capo-sesv2":
        k = capo_sync(url)
        kkw = snake_attach() if attach else SNAKE
        return lambda: k.send_email(**kkw)
    if client.startswith("transport:"):
        return transport_sender(client.partition(":")[2], url)
    if client == "floor":
        return floor_sender(url)
    raise SystemExit(f"no sync sender for {client}")


# ---------------------------------------------------------------- transports


# What a transport is handed for one SendEmail: the headers of a real signed
# request (the signature's value does not matter to the sink). Plain data, so
# candidates can be measured in a virtualenv without aws-ses's dependencies.
WIRE_BODY = json.dumps(PASCAL, separators=(",", ":")).encode()
WIRE_HEADERS = {
    "Content-Type": "application/json",
    "User-Agent": "aws-ses/0.1.0 python/3.11.7",
    "X-Amz-Date": "20260101T000000Z",
    "Authorization": (
        "AWS4-HMAC-SHA256 Credential=bench/20260101/us-east-1/ses/aws4_request, "
        "SignedHeaders=content-type;host;x-amz-date, Signature=" + "0" * 64
    ),
}
SEND_PATH = "/v2/email/outbound-emails"


def transport_sender(name: str, url: str) -> Callable[[], Any]:
    """One candidate transport alone, POSTing a signed-size SendEmail request."""
    if name in CANDIDATES:
        return CANDIDATES[name](url)
    from aws_ses.transport import HttpRequest, Timeout, sync_transport

    transport = sync_transport(name)
    timeout = Timeout()
    request = HttpRequest("POST", url + SEND_PATH, dict(WIRE_HEADERS), WIRE_BODY)

    def send() -> Any:
        response = transport.send(request, timeout=timeout)
        assert response.status == 200
        return response

    return send


def _http_client(url: str) -> Callable[[], Any]:
    # The standard library's client on one kept-alive connection.
    import http.client

    host, _, port = url.removeprefix("http://").partition(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=60)

    def send() -> bytes:
        conn.request("POST", SEND_PATH, WIRE_BODY, WIRE_HEADERS)
        response = conn.getresponse()
        data = response.read()
        assert response.status == 200
        return data

    return send


def _pycurl(url: str) -> Callable[[], Any]:
    import io

    import pycurl  # type: ignore[import-not-found]

    curl = pycurl.Curl()
    curl.setopt(pycurl.URL, url + SEND_PATH)
    curl.setopt(pycurl.POST, 1)
    curl.setopt(pycurl.HTTPHEADER, [f"{k}: {v}" for k, v in WIRE_HEADERS.items()] + ["Expect:"])
    curl.setopt(pycurl.POSTFIELDS, WIRE_BODY)
    curl.setopt(pycurl.TCP_NODELAY, 1)

    def send() -> bytes:
        buf = io.BytesIO()
        curl.setopt(pycurl.WRITEDATA, buf)
        curl.perform()
        assert curl.getinfo(pycurl.RESPONSE_CODE) == 200
        return buf.getvalue()

    return send


def _pyreqwest(url: str) -> Callable[[], Any]:
    from pyreqwest.client import SyncClientBuilder  # type: ignore[import-not-found]

    client = SyncClientBuilder().build()

    def send() -> bytes:
        response = (
            client.post(url + SEND_PATH).headers(WIRE_HEADERS).body_bytes(WIRE_BODY).build().send()
        )
        assert response.status == 200
        return response.bytes()

    return send


CANDIDATES: dict[str, Callable[[str], Callable[[], Any]]] = {
    "http.client": _http_client,
    "pycurl": _pycurl,
    "pyreqwest": _pyreqwest,
}


def floor_sender(url: str) -> Callable[[], Any]:
    """The least any client can do: one keep-alive socket, fixed bytes out,
    read until the whole (Content-Length) reply is in."""
    import socket

    host, _, port = url.removeprefix("http://").partition(":")
    sock = socket.create_connection((host, int(port)))
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    head = "".join(f"{k}: {v}\r\n" for k, v in WIRE_HEADERS.items())
    wire = (
        f"POST {SEND_PATH} HTTP/1.1\r\nHost: {host}:{port}\r\n{head}"
        f"Content-Length: {len(WIRE_BODY)}\r\n\r\n"
    ).encode() + WIRE_BODY

    def send() -> bytes:
        sock.sendall(wire)
        data = sock.recv(65536)
        end = data.find(b"\r\n\r\n")
        while end < 0:
            data += sock.recv(65536)
            end = data.find(b"\r\n\r\n")
        i = data.find(b"Content-Length: ")
        need = end + 4 + int(data[i + 16 : data.find(b"\r\n", i)])
        while len(data) < need:
            data += sock.recv(65536)
        return data

    return send


# ------------------------------------------------------------------ measures


def measure_cpu(send: Callable[[], Any], n: int) -> float:
    """CPU microseconds of this process per call, after a warm-up."""
    for _ in range(max(3, n // 20)):
        send()
    start = time.process_time()
    for _ in range(n):
        send()
    return (time.process_time() - start) / n * 1e6


def measure_threads(send: Callable[[], Any], n: int) -> float:
    """Calls per second with THREADS threads sharing one client."""
    for _ in range(THREADS):
        send()
    per = max(1, n // THREADS)
    barrier = threading.Barrier(THREADS + 1)

    def work() -> None:
        barrier.wait()
        for _ in range(per):
            send()

    threads = [threading.Thread(target=work) for _ in range(THREADS)]
    for t in threads:
        t.start()
    barrier.wait()
    start = time.perf_counter()
    for t in threads:
        t.join()
    return per * THREADS / (time.perf_counter() - start)


async def _gather_rate(call: Callable[[], Any], n: int, concurrency: int) -> float:
    for _ in range(4):
        await call()  # warm-up: pools, decoders, first-call imports
    todo = iter(range(n))

    async def worker() -> None:
        for _ in todo:
            await call()

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return n / (time.perf_counter() - start)


def measure_async(client: str, url: str, n: int) -> float:
    """Calls per second with CONCURRENCY tasks in flight on one client."""

    async def run() -> float:
        if client == "aws-ses":
            async with ours_async(url) as c:
                return await _gather_rate(lambda: c.send_email(**SNAKE), n, CONCURRENCY)
        if client == "aiobotocore":
            async with aiobotocore_client(url) as a:
                return await _gather_rate(lambda: a.send_email(**PASCAL), n, CONCURRENCY)
        if client == "capo-sesv2":
            async with capo_async(url) as k:
                return await _gather_rate(lambda: k.send_email(**SNAKE), n, CONCURRENCY)
        if client.startswith("transport:"):
            from aws_ses.transport import HttpRequest, Timeout, async_transport

            t = async_transport(client.partition(":")[2], max_pool_connections=CONCURRENCY)
            timeout = Timeout()
            request = HttpRequest("POST", url + SEND_PATH, dict(WIRE_HEADERS), WIRE_BODY)
            try:
                return await _gather_rate(lambda: t.send(request, timeout=timeout), n, CONCURRENCY)
            finally:
                await t.aclose()
        raise SystemExit(f"no async sender for {client}")

    return asyncio.run(run())


def measure_bulk(client: str, url: str, recipients: int) -> float:
    """Recipients per second through templated bulk sends of 50 entries per call."""
    entries = bulk_entries(recipients)
    chunks = [entries[i : i + BULK_PER_CALL] for i in range(0, len(entries), BULK_PER_CALL)]
    if client == "aws-ses":
        c = ours_sync(url)
        c.send_bulk("sender@example.com", "welcome", entries[:BULK_PER_CALL])  # warm-up
        start = time.perf_counter()
        result = c.send_bulk("sender@example.com", "welcome", entries)
        elapsed = time.perf_counter() - start
        assert result.ok and len(result) == len(entries), "bulk send did not succeed"
        return len(entries) / elapsed
    if client == "aws-ses-async":

        async def run() -> float:
            async with ours_async(url) as a:
                await a.send_bulk("sender@example.com", "welcome", entries[:BULK_PER_CALL])
                start = time.perf_counter()
                result = await a.send_bulk(
                    "sender@example.com", "welcome", entries, max_concurrency=THREADS
                )
                elapsed = time.perf_counter() - start
                assert result.ok and len(result) == len(entries), "bulk send did not succeed"
                return len(entries) / elapsed

        return asyncio.run(run())
    if client == "boto3":
        b = boto3_client(url)

        def call(chunk: list[str]) -> int:
            reply = b.send_bulk_email(
                FromEmailAddress="sender@example.com",
                DefaultContent={"Template": {"TemplateName": "welcome", "TemplateData": "{}"}},
                BulkEmailEntries=[{"Destination": {"ToAddresses": [a]}} for a in chunk],
            )
            return sum(r["Status"] == "SUCCESS" for r in reply["BulkEmailEntryResults"])

        call(chunks[0])
        with ThreadPoolExecutor(THREADS) as pool:
            start = time.perf_counter()
            sent = sum(pool.map(call, chunks))
            elapsed = time.perf_counter() - start
        assert sent == len(entries), "bulk send did not succeed"
        return len(entries) / elapsed
    raise SystemExit(f"no bulk sender for {client}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("client")
    parser.add_argument("measure")
    parser.add_argument("--url", required=True)
    parser.add_argument("--n", type=int, default=1000)
    args = parser.parse_args()
    client, measure, url, n = args.client, args.measure, args.url, args.n
    if measure == "cold-code":
        print(cold_code(client, url))
        return
    if measure in ("rss-code", "attach-rss-code"):
        print(rss_code(client, url, attach=measure == "attach-rss-code"))
        return
    if measure == "cpu":
        value = measure_cpu(sync_sender(client, url), n)
    elif measure == "attach-cpu":
        value = measure_cpu(sync_sender(client, url, attach=True), n) / 1000
    elif measure == "threads":
        value = measure_threads(sync_sender(client, url), n)
    elif measure == "async":
        value = measure_async(client, url, n)
    elif measure == "bulk":
        value = measure_bulk(client, url, n)
    else:
        raise SystemExit(f"unknown measure {measure!r}")
    json.dump({"value": value}, sys.stdout)
    print()


if __name__ == "__main__":
    main()
