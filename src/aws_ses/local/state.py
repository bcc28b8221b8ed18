"""Server options, shared state and the operation-handler registry.

``app.py`` routes each SES v2 request to the handler registered here for its
operation name. Handlers receive the request's parameters merged into one
dict keyed by wire name (path, query and body members alike, already decoded
to Python values) and return the response body as a dict.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aws_ses.local.store import Store

__all__ = ["HANDLERS", "ApiError", "ServerOptions", "ServerState", "handler"]

DEFAULT_PORT = 4579


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


class ServerState:
    """Everything a handler may touch."""

    def __init__(self, options: ServerOptions) -> None:
        self.options = options
        path = options.data_dir / "ses.sqlite3" if options.data_dir else None
        self.store = Store(path)
        self.clock: Callable[[], float] = time.time


class ApiError(Exception):
    """An SES error response: code (the error shape), message, HTTP status."""

    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status


Handler = Callable[[ServerState, dict[str, Any]], dict[str, Any]]
HANDLERS: dict[str, Handler] = {}


def handler(*operations: str) -> Callable[[Handler], Handler]:
    """Register a function as the handler of one or more operations (by SES name)."""

    def register(fn: Handler) -> Handler:
        for name in operations:
            HANDLERS[name] = fn
        return fn

    return register
