"""User hooks: functions called with a redacted view of each request and response.

``SesConfig(hooks={"request": [f, ...], "response": [g, ...]})``. A sync
client calls plain functions; an async client calls plain functions and
awaits coroutine functions. Request hooks run before every attempt goes out,
response hooks after every response (error statuses included); an exception
a hook raises propagates to the caller, as with httpx's event hooks.

The views hold no secrets and, unless ``log_sensitive=True``, no addresses,
subjects or bodies (see :mod:`aws_ses.observability.redact`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import msgspec

from aws_ses.errors import SesValidationError

if TYPE_CHECKING:
    from aws_ses.config import SesConfig

__all__ = [
    "RequestView",
    "ResponseView",
    "arun_request_hooks",
    "arun_response_hooks",
    "run_request_hooks",
    "run_response_hooks",
]


class RequestView(msgspec.Struct, frozen=True):
    """One attempt of a call, as a hook sees it."""

    operation: str  # the SES name: "SendEmail"
    region: str
    method: str
    url: str  # addresses in the path masked unless log_sensitive
    headers: Mapping[str, str]  # Authorization and tokens are "***"
    params: Mapping[str, Any]  # wire-named, redacted
    attempt: int
    destination_count: int | None = None  # sending calls only
    body_size: int = 0


class ResponseView(msgspec.Struct, frozen=True):
    """The response to one attempt."""

    operation: str
    region: str
    status: int
    headers: Mapping[str, str] = msgspec.field(default_factory=dict)
    request_id: str | None = None
    attempt: int = 1
    elapsed: float = 0.0  # seconds since the call started
    request: RequestView | None = None


Hook = Callable[[Any], Any]


def _hooks(config: SesConfig, event: str) -> Sequence[Hook]:
    hooks = config.hooks
    if not hooks:
        return ()
    return hooks.get(event, ())


def has_hooks(config: SesConfig, event: str) -> bool:
    return bool(_hooks(config, event))


def _run(config: SesConfig, event: str, view: Any) -> None:
    import inspect  # here: only a client with hooks gets this far, and inspect is slow to import

    for hook in _hooks(config, event):
        if inspect.iscoroutinefunction(hook):
            raise SesValidationError(
                f"hooks[{event!r}]",
                f"{getattr(hook, '__name__', hook)!r} is a coroutine function; "
                "a sync client needs plain functions (or use AsyncSesClient)",
            )
        result = hook(view)
        if inspect.isawaitable(result):
            close = getattr(result, "close", None)
            if close is not None:
                close()
            raise SesValidationError(
                f"hooks[{event!r}]", "a hook returned an awaitable; a sync client cannot await it"
            )


async def _arun(config: SesConfig, event: str, view: Any) -> None:
    import inspect

    for hook in _hooks(config, event):
        result = hook(view)
        if inspect.isawaitable(result):
            await result


def run_request_hooks(config: SesConfig, view: RequestView) -> None:
    """Call the ``request`` hooks (sync client)."""
    _run(config, "request", view)


def run_response_hooks(config: SesConfig, view: ResponseView) -> None:
    """Call the ``response`` hooks (sync client)."""
    _run(config, "response", view)


async def arun_request_hooks(config: SesConfig, view: RequestView) -> None:
    """Call the ``request`` hooks, awaiting async ones (async client)."""
    await _arun(config, "request", view)


async def arun_response_hooks(config: SesConfig, view: ResponseView) -> None:
    """Call the ``response`` hooks, awaiting async ones (async client)."""
    await _arun(config, "response", view)
