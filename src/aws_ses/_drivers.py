"""The only I/O loops: drive a call plan the blocking way or the asyncio way.

A plan (``aws_ses._pipeline``) yields steps; a driver performs each one and
hands the outcome back. Everything else about a call, retries included, is
the plan's business, so these two functions are all that differs between
``SesClient`` and ``AsyncSesClient``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aws_ses._pipeline import NEED_CREDENTIALS, Plan, Send, Sleep
from aws_ses.errors import SesTransportError

if TYPE_CHECKING:
    from aws_ses._core import ClientCore
    from aws_ses.transport.base import AsyncTransport, Transport

__all__ = ["run_async", "run_sync"]


def run_sync(plan: Plan, core: ClientCore, transport: Transport) -> Any:
    """Run a plan to its result (or its exception), blocking."""
    sleep = core.runtime.sleep
    value: Any = None
    error: BaseException | None = None
    try:
        while True:
            try:
                step = plan.send(value) if error is None else plan.throw(error)
            except StopIteration as done:
                return done.value
            value = error = None
            if type(step) is Send:
                try:
                    value = transport.send(step.request, timeout=step.timeout)
                except SesTransportError as exc:
                    error = exc
            elif type(step) is Sleep:
                sleep(step.seconds)
            elif step is NEED_CREDENTIALS:
                value = core.credentials()
            else:  # pragma: no cover - a plan only yields the steps above
                raise TypeError(f"unknown step {step!r}")
    finally:
        plan.close()


async def run_async(plan: Plan, core: ClientCore, transport: AsyncTransport) -> Any:
    """Run a plan to its result (or its exception) on the running event loop.

    Cancelling the task (``asyncio.wait_for``, ``TaskGroup``) while a request
    is in flight leaves its outcome unknown: a send may have gone out. Use the
    call's ``deadline`` for a time limit that reports ``maybe_sent``.
    """
    import asyncio  # here, so the sync client never imports asyncio

    sleep = core.runtime.asleep or asyncio.sleep
    value: Any = None
    error: BaseException | None = None
    try:
        while True:
            try:
                step = plan.send(value) if error is None else plan.throw(error)
            except StopIteration as done:
                return done.value
            value = error = None
            if type(step) is Send:
                try:
                    value = await transport.send(step.request, timeout=step.timeout)
                except SesTransportError as exc:
                    error = exc
            elif type(step) is Sleep:
                await sleep(step.seconds)
            elif step is NEED_CREDENTIALS:
                value = await core.acredentials()
            else:  # pragma: no cover - a plan only yields the steps above
                raise TypeError(f"unknown step {step!r}")
    finally:
        plan.close()
