"""The only I/O loops: drive a call plan the blocking way or the asyncio way.

A plan (``aws_ses._pipeline``) yields steps; a driver performs each one and
hands the outcome back, or throws the step's exception back in so the plan
decides what it means. Everything else about a call, retries included, is
the plan's business, so these two functions are all that differs between
``SesClient`` and ``AsyncSesClient``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from aws_ses._pipeline import NEED_CREDENTIALS, Acquire, Call, Hook, Plan, Send, Sleep

if TYPE_CHECKING:
    from aws_ses._core import ClientCore
    from aws_ses.transport.base import AsyncTransport, Transport

__all__ = ["run_async", "run_sync"]


def run_sync(plan: Plan, core: ClientCore, transport: Transport) -> Any:
    """Run a plan to its result (or its exception), blocking."""
    value: Any = None
    error: Exception | None = None
    try:
        while True:
            try:
                step = plan.send(value) if error is None else plan.throw(error)
            except StopIteration as done:
                return done.value
            value = error = None
            try:
                kind = type(step)
                if kind is Send:
                    value = transport.send(step.request, timeout=step.timeout)  # type: ignore[union-attr]
                elif step is NEED_CREDENTIALS:
                    value = core.credentials()
                elif kind is Sleep:
                    core.runtime.sleep(step.seconds)  # type: ignore[union-attr]
                else:
                    value = _other_sync(step, core, transport)
            except Exception as exc:
                error = exc
    finally:
        plan.close()


def _other_sync(step: Any, core: ClientCore, transport: Transport) -> Any:
    if type(step) is Acquire:
        return step.limiter.acquire(step.weight, max_wait=step.max_wait)
    if type(step) is Call:
        return run_sync(core.plan(step.operation, step.params), core, transport)
    if type(step) is Hook:
        from aws_ses.observability.hooks import run_request_hooks, run_response_hooks

        run = run_request_hooks if step.event == "request" else run_response_hooks
        run(core.config, step.view)  # type: ignore[arg-type]
        return None
    raise TypeError(f"unknown step {step!r}")  # pragma: no cover - a plan yields only these


async def run_async(plan: Plan, core: ClientCore, transport: AsyncTransport) -> Any:
    """Run a plan to its result (or its exception) on the running event loop.

    Cancelling the task (``asyncio.wait_for``, ``TaskGroup``) while a request
    is in flight leaves its outcome unknown: a send may have gone out. Use the
    call's ``deadline`` for a time limit that reports ``maybe_sent``.
    """
    value: Any = None
    error: Exception | None = None
    try:
        while True:
            try:
                step = plan.send(value) if error is None else plan.throw(error)
            except StopIteration as done:
                return done.value
            value = error = None
            try:
                kind = type(step)
                if kind is Send:
                    value = await transport.send(step.request, timeout=step.timeout)  # type: ignore[union-attr]
                elif step is NEED_CREDENTIALS:
                    value = await core.acredentials()
                elif kind is Sleep:
                    await _asleep(core)(step.seconds)  # type: ignore[union-attr]
                else:
                    value = await _other_async(step, core, transport)
            except Exception as exc:
                error = exc
    finally:
        plan.close()


def _asleep(core: ClientCore) -> Callable[[float], Awaitable[None]]:
    if core.runtime.asleep is not None:
        return core.runtime.asleep
    import asyncio  # here, so the sync client never imports asyncio

    return asyncio.sleep


async def _other_async(step: Any, core: ClientCore, transport: AsyncTransport) -> Any:
    if type(step) is Acquire:
        return await step.limiter.aacquire(step.weight, max_wait=step.max_wait)
    if type(step) is Call:
        return await run_async(core.plan(step.operation, step.params), core, transport)
    if type(step) is Hook:
        from aws_ses.observability.hooks import arun_request_hooks, arun_response_hooks

        run = arun_request_hooks if step.event == "request" else arun_response_hooks
        await run(core.config, step.view)  # type: ignore[arg-type]
        return None
    raise TypeError(f"unknown step {step!r}")  # pragma: no cover - a plan yields only these
