"""Server options, shared state and the operation-handler table.

``app.py`` routes each SES v2 request to the handler in ``state.handlers`` for
its operation name. Handlers receive the request's parameters merged into one
dict keyed by wire name (path, query and body members alike, already decoded
to Python values) and return the response body as a dict. Handler modules
collect their functions in a :class:`HandlerTable`; the app composes the
tables it serves explicitly (:func:`aws_ses.local.app.create_app`).
"""

from __future__ import annotations

import ipaddress
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aws_ses.local.store import Store

__all__ = [
    "DEFAULT_PORT",
    "ApiError",
    "Handler",
    "HandlerTable",
    "RequestGate",
    "ServerOptions",
    "ServerState",
    "is_loopback",
]

DEFAULT_PORT = 4579


def is_loopback(host: str) -> bool:
    """Whether ``host`` (a name or an address, brackets allowed) is this machine only."""
    bare = host.strip().strip("[]").lower()
    if bare == "localhost":
        return True
    try:
        return ipaddress.ip_address(bare).is_loopback
    except ValueError:
        return False


@dataclass(slots=True)
class ServerOptions:
    """How the local server behaves; every field has a documented default."""

    region: str = "us-east-1"
    account_id: str = "123456789012"
    # access key id -> secret; requests signed with another key are refused.
    credentials: dict[str, str] = field(default_factory=lambda: {"test": "test"})
    auth: bool = True
    auto_verify: bool = True  # new identities are verified at once
    sandbox: bool = False  # sandbox: only verified recipients and the simulator
    max_send_rate: float = 14.0  # recipients per second
    max_24_hour_send: float = 50_000.0
    data_dir: Path | None = None
    # Host names the admin and inbox routes answer besides the bound address,
    # localhost, 127.0.0.1 and [::1].
    allowed_hosts: tuple[str, ...] = ()
    # When set, /_aws/* and /_inbox need it (see aws_ses.local.admin).
    admin_token: str | None = None


class RequestGate:
    """Many requests at once, or one reset alone (a writer-preferring RW lock).

    Every SES request and SMTP delivery runs its handler inside
    :meth:`request`; a state reset runs inside :meth:`exclusive`, so it waits
    for the requests in flight and the next ones wait for it.
    """

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._active = 0
        self._writers = 0

    @contextmanager
    def request(self) -> Iterator[None]:
        with self._cond:
            while self._writers:
                self._cond.wait()
            self._active += 1
        try:
            yield
        finally:
            with self._cond:
                self._active -= 1
                self._cond.notify_all()

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        with self._cond:
            self._writers += 1
            while self._active:
                self._cond.wait()
        try:
            yield
        finally:
            with self._cond:
                self._writers -= 1
                self._cond.notify_all()


Handler = Callable[["ServerState", dict[str, Any]], dict[str, Any]]


class HandlerTable:
    """Handlers by SES operation name, filled with the :meth:`register` decorator."""

    def __init__(self) -> None:
        self._handlers: dict[str, Handler] = {}

    def register(self, *operations: str) -> Callable[[Handler], Handler]:
        def add(fn: Handler) -> Handler:
            for name in operations:
                self._handlers[name] = fn
            return fn

        return add

    def add(self, name: str, fn: Handler) -> None:
        self._handlers[name] = fn

    def items(self) -> Mapping[str, Handler]:
        return dict(self._handlers)


class ServerState:
    """Everything a handler may touch.

    ``clock`` is the server's one source of time (tests replace it); the store
    reads it too, through this object, so a replaced clock reaches it.
    """

    def __init__(
        self, options: ServerOptions, handlers: Mapping[str, Handler] | None = None
    ) -> None:
        self.options = options
        self.clock: Callable[[], float] = time.time
        path = options.data_dir / "ses.sqlite3" if options.data_dir else None
        self.store = Store(path, clock=lambda: self.clock())
        self.handlers: dict[str, Handler] = dict(handlers or {})
        self.gate = RequestGate()


class ApiError(Exception):
    """An SES error response: code (the error shape), message, HTTP status."""

    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
