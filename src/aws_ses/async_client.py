"""The asyncio client."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Iterable, Mapping
from functools import cached_property, partial
from types import TracebackType
from typing import TYPE_CHECKING, Any

from aws_ses._core import ClientCore
from aws_ses._generated.async_operations import AsyncOperations
from aws_ses._generated.async_services import AsyncServiceAccessors
from aws_ses.config import SesConfig
from aws_ses.transport.base import AsyncTransport

if TYPE_CHECKING:
    from aws_ses._generated.types import (
        CreateEmailTemplateResponse,
        SendEmailResponse,
        UpdateEmailTemplateResponse,
    )
    from aws_ses.bulk import AsyncBulkResult, BulkEmailBuilder, BulkEntry
    from aws_ses.email_builder import EmailBuilder
    from aws_ses.health import HealthStatus
    from aws_ses.template_builder import AsyncTemplatesService, TemplateBuilder

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
        # Load or refresh credentials without blocking the loop; prepare() then
        # signs with the cached ones.
        await core.acredentials()
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

    # ------------------------------------------------------------ sending helpers
    # The logic lives in aws_ses.email_builder, .bulk, .template_builder and
    # .health, shared with the sync client; these only bind it to _invoke.

    @cached_property
    def templates(self) -> AsyncTemplatesService:
        """The template operations, plus ``render_locally``."""
        from aws_ses.template_builder import AsyncTemplatesService

        return AsyncTemplatesService(self)

    def email_builder(self) -> EmailBuilder[Awaitable[SendEmailResponse]]:
        """A fluent builder for one message; ``await ....send()`` calls ``SendEmail``."""
        from aws_ses.email_builder import EmailBuilder

        return EmailBuilder(partial(self._invoke, "send_email"))

    async def send_templated_email(
        self,
        from_: str,
        to: str | Iterable[str],
        template_name: str,
        template_data: Any,
        *,
        configuration_set: str | None = None,
        tags: Mapping[str, str] | Iterable[Any] | None = None,
        cc: str | Iterable[str] | None = None,
        bcc: str | Iterable[str] | None = None,
        reply_to: str | Iterable[str] | None = None,
    ) -> SendEmailResponse:
        """Send the stored template ``template_name`` rendered with ``template_data``."""
        from aws_ses.email_builder import templated_email

        return await templated_email(
            self.email_builder(), from_, to, template_name, template_data,
            configuration_set=configuration_set, tags=tags, cc=cc, bcc=bcc, reply_to=reply_to,
        ).send()  # fmt: skip

    def bulk_email_builder(self) -> BulkEmailBuilder[Awaitable[AsyncBulkResult]]:
        """A fluent builder for a templated bulk send; chunks go out concurrently."""
        from aws_ses.bulk import BulkEmailBuilder, run_bulk_async

        return BulkEmailBuilder(partial(run_bulk_async, self._invoke))

    async def send_bulk(
        self,
        from_: str,
        template_name: str,
        entries: Iterable[BulkEntry | Mapping[str, Any] | str],
        *,
        default_template_data: Any = None,
        configuration_set: str | None = None,
        default_tags: Mapping[str, str] | None = None,
        chunk_size: int = 50,
        max_concurrency: int = 4,
    ) -> AsyncBulkResult:
        """Send a template to any number of entries, ``max_concurrency`` calls at a time."""
        from aws_ses.bulk import BulkSend, run_bulk_async

        return await run_bulk_async(self._invoke, BulkSend.create(
            from_, template_name, entries, default_template_data=default_template_data,
            configuration_set=configuration_set, default_tags=default_tags, chunk_size=chunk_size,
            max_concurrency=max_concurrency,
        ))  # fmt: skip

    def template_builder(
        self, name: str
    ) -> TemplateBuilder[
        Awaitable[CreateEmailTemplateResponse], Awaitable[UpdateEmailTemplateResponse]
    ]:
        """A builder for template ``name``; ``await .create()`` / ``.update()`` store it."""
        from aws_ses.template_builder import TemplateBuilder

        return TemplateBuilder(
            name,
            create=partial(self._invoke, "create_email_template"),
            update=partial(self._invoke, "update_email_template"),
        )

    async def health_check(self) -> HealthStatus:
        """Reachability, credentials, sending status and quota from ``GetAccount``; never raises."""
        from aws_ses.health import check_health_async

        return await check_health_async(self._invoke)

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
