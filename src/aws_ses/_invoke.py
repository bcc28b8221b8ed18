"""The two hooks generated methods call; the clients implement them.

Generated code depends on this module only, so data flows one way: the
clients implement ``_invoke`` and ``_paginate``; the generated operation and
service classes never know how a call is carried out.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

__all__ = ["AsyncInvoker", "SyncInvoker"]


class SyncInvoker:
    __slots__ = ()

    def _invoke(self, operation: str, params: dict[str, Any]) -> Any:
        raise NotImplementedError  # implemented by SesClient

    def _paginate(self, operation: str, params: dict[str, Any]) -> Iterator[Any]:
        raise NotImplementedError  # implemented by SesClient


class AsyncInvoker:
    __slots__ = ()

    async def _invoke(self, operation: str, params: dict[str, Any]) -> Any:
        raise NotImplementedError  # implemented by AsyncSesClient

    def _paginate(self, operation: str, params: dict[str, Any]) -> AsyncIterator[Any]:
        raise NotImplementedError  # implemented by AsyncSesClient
