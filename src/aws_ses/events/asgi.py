"""The receiver as an ASGI app, mountable in Starlette, FastAPI or Django ASGI."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from aws_ses.events.receiver import EventReceiver, Result

__all__ = ["EventsApp", "asgi_app"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

# SNS envelopes are a few KB; SES records with many headers stay far below this.
MAX_BODY = 256 * 1024


def result_body(result: Result) -> dict[str, Any]:
    """The JSON answer for a result (the reason only for refusals, never hook details)."""
    body: dict[str, Any] = {"outcome": result.outcome}
    if result.error is not None:
        body["error"] = result.error
    return body


async def _answer(send: Send, status: int, body: dict[str, Any]) -> None:
    payload = json.dumps(body).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(payload))]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": payload})


class EventsApp:
    """The ASGI app :func:`asgi_app` returns; :attr:`receiver` takes hooks."""

    def __init__(self, receiver: EventReceiver) -> None:
        self.receiver = receiver

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        if scope["method"] != "POST":
            await _answer(send, 405, {"error": "SNS delivers with POST"})
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > MAX_BODY:
                await _answer(send, 413, {"error": "body too large"})
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        headers = {
            key.decode("latin-1"): value.decode("latin-1")
            for key, value in scope.get("headers") or []
        }
        result = await self.receiver.handle_async(b"".join(chunks), headers)
        await _answer(send, result.status, result_body(result))


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


def asgi_app(receiver: EventReceiver | None = None, **receiver_options: Any) -> EventsApp:
    """An ASGI app that answers SNS POSTs with ``receiver`` (or one built from the options).

    Any path is accepted, so the app can be mounted anywhere, or routed to as
    an endpoint (Starlette and FastAPI treat a class instance as an ASGI app:
    ``app.add_route("/ses/events", events, methods=["POST"])``).
    """
    if receiver is not None and receiver_options:
        raise TypeError("pass either receiver= or receiver options, not both")
    return EventsApp(receiver or EventReceiver(**receiver_options))
