"""The two hooks generated methods call; the clients implement them.

Generated code depends on this module only, so data flows one way: the
clients implement ``_invoke`` and ``_paginate``; the generated operation and
service classes never know how a call is carried out.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Iterator
from typing import Any

__all__ = ["AsyncInvoker", "SyncInvoker"]


class SyncInvoker(ABC):
    __slots__ = ()

    @abstractmethod
    def _invoke(self, operation: str, params: dict[str, Any]) -> Any:
        """Implemented by SesClient."""

    @abstractmethod
    def _paginate(self, operation: str, params: dict[str, Any]) -> Iterator[Any]:
        """Implemented by SesClient."""


class AsyncInvoker(ABC):
    __slots__ = ()

    @abstractmethod
    async def _invoke(self, operation: str, params: dict[str, Any]) -> Any:
        """Implemented by AsyncSesClient."""

    @abstractmethod
    def _paginate(self, operation: str, params: dict[str, Any]) -> AsyncIterator[Any]:
        """Implemented by AsyncSesClient."""
