"""Real HTTP servers on 127.0.0.1 for the end-to-end tests: any ASGI app under uvicorn."""

from __future__ import annotations

import json
import threading
import time
import urllib.request
from collections.abc import Awaitable, Callable, Iterator, MutableMapping
from contextlib import contextmanager
from typing import Any

import uvicorn

from aws_ses.local import LocalServer

ASGIApp = Callable[
    [
        MutableMapping[str, Any],
        Callable[[], Awaitable[MutableMapping[str, Any]]],
        Callable[[MutableMapping[str, Any]], Awaitable[None]],
    ],
    Awaitable[None],
]


@contextmanager
def serve(app: Any) -> Iterator[str]:
    """Serve ``app`` on an ephemeral port; yields its base URL."""
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "receiver did not start"
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def admin(server: LocalServer, method: str, path: str, body: Any = None) -> Any:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(server.url + path, data=data, method=method)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read() or b"null")


def subscribe(server: LocalServer, topic_arn: str, endpoint: str, **options: Any) -> Any:
    return admin(
        server,
        "POST",
        "/_aws/sns/subscriptions",
        {"TopicArn": topic_arn, "Endpoint": endpoint, **options},
    )


def deliveries(server: LocalServer, wait: float = 10) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = admin(server, "GET", f"/_aws/sns/deliveries?wait={wait}")[
        "Deliveries"
    ]
    return found


class Recorder:
    """An ASGI endpoint that records requests and answers the statuses queued in it."""

    def __init__(self) -> None:
        self.requests: list[tuple[dict[str, str], bytes]] = []
        self.statuses: list[int] = []

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        assert scope["type"] == "http"
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        headers = {k.decode(): v.decode() for k, v in scope["headers"]}
        self.requests.append((headers, body))
        status = self.statuses.pop(0) if self.statuses else 200
        await send({"type": "http.response.start", "status": status, "headers": []})
        await send({"type": "http.response.body", "body": b""})
