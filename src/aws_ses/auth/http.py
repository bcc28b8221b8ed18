"""HTTP for the providers that fetch credentials (STS, SSO, IMDS, container).

Requests go through the library's own transports, so proxies, TLS and
timeouts behave as they do for SES calls, and tests inject a transport.
Without an injected transport, the sync path shares one urllib3 transport per
process; the async path borrows an idle aiohttp transport for one fetch and
closes its session afterwards (a session is bound to the event loop it was
made in, while a provider may be used from several loops; the transport's
TLS context, slow to build, is kept for the next fetch).
"""

from __future__ import annotations

import threading
import time
from collections.abc import AsyncIterator, Generator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, TypeVar

from aws_ses._http import HttpRequest, HttpResponse, Timeout

if TYPE_CHECKING:
    import asyncio
else:
    from ._aio import asyncio

from ..errors import SesTransportError

if TYPE_CHECKING:
    from aws_ses.transport.aiohttp_transport import AiohttpTransport
    from aws_ses.transport.base import AsyncTransport, Transport

__all__ = ["AsyncSend", "Flow", "HttpClient", "Reply", "Send", "Sleep", "run_async", "run_sync"]

T = TypeVar("T")


class AsyncSend(Protocol):
    async def __call__(self, request: HttpRequest, *, timeout: Timeout) -> HttpResponse: ...


_shared: dict[bool, Transport] = {}
_shared_lock = threading.Lock()


def _shared_transport(trust_env: bool) -> Transport:
    """One urllib3 transport per process for credential fetches: building one
    costs a TLS context (reading the CA store), and fetches are rare."""
    with _shared_lock:
        transport = _shared.get(trust_env)
        if transport is None:
            from aws_ses.transport.urllib3_transport import Urllib3Transport

            transport = _shared[trust_env] = Urllib3Transport(
                max_pool_connections=4, trust_env=trust_env
            )
        return transport


# Idle async transports, by trust_env. Each holds no session between fetches.
_idle_async: dict[bool, list[AiohttpTransport]] = {True: [], False: []}
_KEEP_IDLE = 4


async def _take_async_transport(trust_env: bool) -> AiohttpTransport:
    with _shared_lock:
        idle = _idle_async[trust_env]
        if idle:
            return idle.pop()
    from aws_ses.transport.aiohttp_transport import AiohttpTransport

    # Built in a worker thread: making its TLS context reads the CA store,
    # which would stall the event loop for tens of milliseconds.
    return await asyncio.to_thread(AiohttpTransport, max_pool_connections=2, trust_env=trust_env)


def _return_async_transport(trust_env: bool, transport: AiohttpTransport) -> None:
    with _shared_lock:
        idle = _idle_async[trust_env]
        if len(idle) < _KEEP_IDLE:
            idle.append(transport)


class HttpClient:
    """The transports one provider uses.

    ``trust_env`` says whether proxy variables apply: True for public AWS
    endpoints, False for the link-local metadata endpoints, which a proxy can
    never reach.
    """

    def __init__(
        self,
        transport: Transport | None = None,
        async_transport: AsyncTransport | None = None,
        *,
        trust_env: bool = True,
    ) -> None:
        self._transport = transport
        self._async_transport = async_transport
        self._trust_env = trust_env

    def send(self, request: HttpRequest, *, timeout: Timeout) -> HttpResponse:
        transport = self._transport or _shared_transport(self._trust_env)
        return transport.send(request, timeout=timeout)

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSend]:
        """An async ``send`` for the duration of one fetch."""
        if self._async_transport is not None:
            yield self._async_transport.send
            return
        transport = await _take_async_transport(self._trust_env)
        try:
            yield transport.send
        finally:
            # Closing ends the session (bound to this loop) but keeps the TLS
            # context, so the transport can serve the next fetch on any loop.
            await transport.aclose()
            _return_async_transport(self._trust_env, transport)

    def __repr__(self) -> str:
        return f"HttpClient(trust_env={self._trust_env})"


# ---------------------------------------------------------------- sans-IO flows
#
# Each provider's HTTP conversation is written once, as a generator that
# yields what to do next (send a request, or sleep) and receives the reply (a
# response, or the transport error). ``run_sync`` and ``run_async`` are the
# only loops doing I/O, so the sync and async paths cannot drift apart.


@dataclass(frozen=True, slots=True)
class Send:
    request: HttpRequest
    timeout: Timeout


@dataclass(frozen=True, slots=True)
class Sleep:
    seconds: float


Reply = HttpResponse | SesTransportError | None
Flow = Generator[Send | Sleep, Reply, T]


def run_sync(flow: Flow[T], http: HttpClient) -> T:
    reply: Reply = None
    while True:
        try:
            step = flow.send(reply)
        except StopIteration as stop:
            result: T = stop.value
            return result
        if isinstance(step, Sleep):
            time.sleep(step.seconds)
            reply = None
            continue
        try:
            reply = http.send(step.request, timeout=step.timeout)
        except SesTransportError as exc:
            reply = exc


async def run_async(flow: Flow[T], http: HttpClient) -> T:
    async with http.session() as send:
        reply: Reply = None
        while True:
            try:
                step = flow.send(reply)
            except StopIteration as stop:
                result: T = stop.value
                return result
            if isinstance(step, Sleep):
                await asyncio.sleep(step.seconds)
                reply = None
                continue
            try:
                reply = await send(step.request, timeout=step.timeout)
            except SesTransportError as exc:
                reply = exc
