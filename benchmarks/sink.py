"""A loopback HTTP/1.1 sink that answers SES v2 sends at once.

    python benchmarks/sink.py [--port 0]

It prints the port it listens on (127.0.0.1 only), then serves until killed
or until its parent process goes away. Every request gets a fixed answer:

* ``POST .../outbound-emails``: a ``SendEmail`` reply (``{"MessageId": ...}``);
* ``POST .../outbound-bulk-emails``: a ``SendBulkEmail`` reply with one
  ``SUCCESS`` row per ``"Destination"`` in the request body (one per entry);
* anything else: ``{}``.

It reads exactly ``Content-Length`` body bytes and keeps connections alive,
so what a benchmark measures is the client's own cost. The sink is stdlib
only and small on purpose: any interpreter (including another virtualenv's)
can run it.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys

_SEND = b'{"MessageId":"0100018c-bench-0000-0000-000000000000-000000"}'
_ROW = b'{"Status":"SUCCESS","MessageId":"0100018c-bench-row"}'
_HEAD = (
    b"HTTP/1.1 200 OK\r\n"
    b"Content-Type: application/json\r\n"
    b"x-amzn-RequestId: 11111111-2222-3333-4444-555555555555\r\n"
    b"Content-Length: "
)
_MAX_HEAD = 64 * 1024


def _reply(body: bytes) -> bytes:
    return _HEAD + str(len(body)).encode() + b"\r\n\r\n" + body


_SEND_REPLY = _reply(_SEND)
_EMPTY_REPLY = _reply(b"{}")
_BULK_REPLIES: dict[int, bytes] = {}


def _bulk_reply(rows: int) -> bytes:
    reply = _BULK_REPLIES.get(rows)
    if reply is None:
        body = b'{"BulkEmailEntryResults":[' + b",".join([_ROW] * rows) + b"]}"
        reply = _BULK_REPLIES[rows] = _reply(body)
    return reply


class _Sink(asyncio.Protocol):
    __slots__ = ("_buf", "_transport")

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport
        self._buf = b""

    def data_received(self, data: bytes) -> None:
        buf = self._buf + data if self._buf else data
        out = []
        while True:
            end = buf.find(b"\r\n\r\n")
            if end < 0:
                if len(buf) > _MAX_HEAD:
                    self._transport.close()
                    return
                break
            head = buf[:end]
            length = 0
            i = head.lower().find(b"\r\ncontent-length:")
            if i >= 0:
                j = head.find(b"\r\n", i + 2)
                length = int(head[i + 17 : j if j >= 0 else len(head)])
            total = end + 4 + length
            if len(buf) < total:
                break
            line = head[: head.find(b"\r\n")] if b"\r\n" in head else head
            if b"outbound-bulk-emails" in line:
                out.append(_bulk_reply(buf.count(b'"Destination"', end + 4, total)))
            elif b"outbound-emails" in line:
                out.append(_SEND_REPLY)
            else:
                out.append(_EMPTY_REPLY)
            buf = buf[total:]
        self._buf = buf
        if out:
            self._transport.write(b"".join(out))


async def _watch_parent(parent: int) -> None:
    # Stop when the benchmark that started us is gone, even if it was killed.
    while os.getppid() == parent:
        await asyncio.sleep(0.5)


async def serve(port: int, *, watch_parent: bool = True) -> None:
    loop = asyncio.get_running_loop()
    server = await loop.create_server(_Sink, "127.0.0.1", port, backlog=1024)
    print(server.sockets[0].getsockname()[1], flush=True)
    async with server:
        if watch_parent:
            await _watch_parent(os.getppid())
        else:
            await server.serve_forever()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument(
        "--forever", action="store_true", help="keep serving after the parent process exits"
    )
    args = parser.parse_args()
    try:
        asyncio.run(serve(args.port, watch_parent=not args.forever))
    except KeyboardInterrupt:
        sys.exit(0)


if __name__ == "__main__":
    main()
