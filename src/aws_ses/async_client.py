"""The asyncio client."""

from __future__ import annotations

from collections.abc import AsyncIterator
from types import TracebackType
from typing import Any

from aws_ses._core import ClientCore
from aws_ses._generated.async_operations import AsyncOperations
from aws_ses._generated.async_services import AsyncServiceAccessors
from aws_ses.config import SesConfig
from aws_ses.transport.base import AsyncTransport

__all__ = ["AsyncSesClient"]


class AsyncSesClient(AsyncOperations, AsyncServiceAccessors):
    """An asyncio client for every SES v2 operation.

    The same methods as :class:`~aws_ses.SesClient`, as coroutines::

        async with AsyncSesClient(region="eu-west-1") as ses:
            await ses.send_email(...)

    The default transport is aiohttp, imported when the client is built.
    """

    def __init__(self, config: SesConfig | None = None, **options: Any) -> None:
        if config is None:
            config = SesConfig(**options)
        elif options:
            config = config.with_options(**options)
        self._core = ClientCore(config)
        self._owns_transport = config.async_transport is None
        self._transport: AsyncTransport
        if config.async_transport is not None:
            self._transport = config.async_transport
        else:
            from aws_ses.transport.aiohttp_transport import AiohttpTransport

            self._transport = AiohttpTransport(
                max_pool_connections=max(config.max_pool_connections, 100),
                verify=config.verify,
            )

    @property
    def config(self) -> SesConfig:
        return self._core.config

    @property
    def region(self) -> str:
        return self._core.region

    @property
    def endpoint_url(self) -> str:
        return self._core.base_url

    def with_options(self, **changes: Any) -> AsyncSesClient:
        """A new client with some configuration changed (it shares the transport)."""
        config = self._core.config.with_options(**changes)
        if config.async_transport is None:
            config = config.with_options(async_transport=self._transport)
        clone = AsyncSesClient(config)
        clone._owns_transport = False
        return clone

    async def _invoke(self, operation: str, params: dict[str, Any]) -> Any:
        core = self._core
        op, request = core.prepare(operation, params)
        response = await self._transport.send(request, timeout=core.timeout)
        return core.parse(op, response)

    async def _paginate(self, operation: str, params: dict[str, Any]) -> AsyncIterator[Any]:
        from aws_ses._model import operation as lookup

        in_token, out_token, items = ClientCore.page_keys(lookup(operation))
        params = dict(params)
        seen: set[str] = set()
        while True:
            page = await self._invoke(operation, params)
            for item in getattr(page, items) or ():
                yield item
            token = getattr(page, out_token)
            if not token or token in seen:  # a repeated token would loop forever
                return
            seen.add(token)
            params[in_token] = token

    async def aclose(self) -> None:
        """Release pooled connections (only those of a transport the client created)."""
        if self._owns_transport:
            await self._transport.aclose()

    async def __aenter__(self) -> AsyncSesClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        return f"AsyncSesClient(region={self.region!r}, endpoint={self.endpoint_url!r})"
