"""The asyncio client."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Iterable, Mapping
from functools import cached_property, partial
from types import TracebackType
from typing import TYPE_CHECKING, Any

from aws_ses._base_client import BaseClient, Pager
from aws_ses._drivers import run_async
from aws_ses._generated.async_services import AsyncServiceAccessors
from aws_ses._lazy import lazy_module
from aws_ses.config import SesConfig
from aws_ses.transport.base import AsyncTransport

if TYPE_CHECKING:
    from aws_ses import bulk as _bulk
    from aws_ses import email_builder as _email_builder
    from aws_ses import health as _health
    from aws_ses import sending_services as _sending
    from aws_ses import template_builder as _template_builder
    from aws_ses._generated import types as t
else:
    # Resolved on first use, so typing.get_type_hints() works without
    # importing the sending helpers up front.
    _bulk = lazy_module("aws_ses.bulk")
    _email_builder = lazy_module("aws_ses.email_builder")
    _health = lazy_module("aws_ses.health")
    _sending = lazy_module("aws_ses.sending_services")
    t = lazy_module("aws_ses._generated.types")
    _template_builder = lazy_module("aws_ses.template_builder")

__all__ = ["AsyncSesClient"]


class AsyncSesClient(BaseClient[AsyncTransport], AsyncServiceAccessors):
    """An asyncio client for every SES v2 operation.

    The same methods as :class:`~aws_ses.SesClient`, as coroutines::

        async with AsyncSesClient(region="eu-west-1") as ses:
            await ses.send_email(...)

    The default transport is aws-ses's own asyncio HTTP/1.1 client (aiohttp
    is available as ``async_transport=aws_ses.transport.async_transport("aiohttp")``).
    Cancelling a call while its request is in flight leaves the outcome
    unknown (a send may have gone out); ``deadline=`` reports ``maybe_sent``.
    """

    _transport_field = "async_transport"

    def _default_transport(self, config: SesConfig) -> AsyncTransport:
        # Chosen by measurement (docs/benchmarks.md); aiohttp stays available
        # as async_transport=async_transport("aiohttp").
        from aws_ses.transport import async_transport

        return async_transport(
            max_pool_connections=max(config.max_pool_connections, 100), verify=config.verify
        )

    async def _invoke(self, operation: str, params: dict[str, Any]) -> Any:
        return await run_async(self._core.plan(operation, params), self._core, self._transport)

    async def _paginate(self, operation: str, params: dict[str, Any]) -> AsyncIterator[Any]:
        pager = Pager(operation, params)
        while True:
            page = await self._invoke(operation, pager.params)
            for item in pager.items(page):
                yield item
            if not pager.advance(page):
                return

    # ------------------------------------------------------------ sending helpers
    # The logic lives in aws_ses.email_builder, .bulk, .template_builder and
    # .health, shared with the sync client; these only bind it to _invoke.

    @cached_property
    def emails(self) -> _sending.AsyncEmailsService:
        """``send``, ``send_bulk`` (any number of entries) and ``send_bulk_email``."""
        from aws_ses.sending_services import AsyncEmailsService

        return AsyncEmailsService(self)

    @cached_property
    def templates(self) -> _template_builder.AsyncTemplatesService:
        """The template operations, plus ``render_locally``."""
        from aws_ses.template_builder import AsyncTemplatesService

        return AsyncTemplatesService(self)

    def email_builder(self) -> _email_builder.EmailBuilder[Awaitable[t.SendEmailResponse]]:
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
    ) -> t.SendEmailResponse:
        """Send the stored template ``template_name`` rendered with ``template_data``."""
        from aws_ses.email_builder import templated_email

        return await templated_email(
            self.email_builder(), from_, to, template_name, template_data,
            configuration_set=configuration_set, tags=tags, cc=cc, bcc=bcc, reply_to=reply_to,
        ).send()  # fmt: skip

    def bulk_email_builder(self) -> _bulk.BulkEmailBuilder[Awaitable[_bulk.AsyncBulkResult]]:
        """A fluent builder for a templated bulk send; chunks go out concurrently."""
        from aws_ses.bulk import BulkEmailBuilder, run_bulk_async

        return BulkEmailBuilder(partial(run_bulk_async, self._invoke))

    async def send_bulk(
        self,
        from_: str,
        template_name: str,
        entries: Iterable[_bulk.BulkEntry | Mapping[str, Any] | str],
        *,
        default_template_data: Any = None,
        configuration_set: str | None = None,
        default_tags: Mapping[str, str] | None = None,
        chunk_size: int = 50,
        max_concurrency: int = 4,
    ) -> _bulk.AsyncBulkResult:
        """Send a template to any number of entries, ``max_concurrency`` calls at a time."""
        from aws_ses.bulk import BulkSend, run_bulk_async

        return await run_bulk_async(self._invoke, BulkSend.create(
            from_, template_name, entries, default_template_data=default_template_data,
            configuration_set=configuration_set, default_tags=default_tags, chunk_size=chunk_size,
            max_concurrency=max_concurrency,
        ))  # fmt: skip

    def template_builder(
        self, name: str
    ) -> _template_builder.TemplateBuilder[
        Awaitable[t.CreateEmailTemplateResponse], Awaitable[t.UpdateEmailTemplateResponse]
    ]:
        """A builder for template ``name``; ``await .create()`` / ``.update()`` store it."""
        from aws_ses.template_builder import TemplateBuilder

        return TemplateBuilder(
            name,
            create=partial(self._invoke, "create_email_template"),
            update=partial(self._invoke, "update_email_template"),
        )

    async def health_check(self) -> _health.HealthStatus:
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
