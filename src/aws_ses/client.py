"""The synchronous client."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from functools import cached_property, partial
from types import TracebackType
from typing import TYPE_CHECKING, Any

from aws_ses._base_client import BaseClient, Pager
from aws_ses._drivers import run_sync
from aws_ses._generated.sync_services import ServiceAccessors
from aws_ses._lazy import lazy_module
from aws_ses.config import SesConfig
from aws_ses.transport.base import Transport

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

__all__ = ["SesClient"]


class SesClient(BaseClient[Transport], ServiceAccessors):
    """A blocking client for every SES v2 operation.

    Build it from a :class:`SesConfig` or from the same fields as keywords::

        with SesClient(region="eu-west-1") as ses:
            ses.send_email(...)

    Every operation is a method named as boto3 names it; ``client.templates``,
    ``client.identities`` and the other groups offer the same operations
    under friendly names. Building a client does no network I/O. The client
    is safe to share between threads. Calls are retried as
    ``docs/resilience.md`` describes; a send that may have reached SES is
    never repeated unless ``retry_ambiguous_sends=True``.
    """

    def _default_transport(self, config: SesConfig) -> Transport:
        # Chosen by measurement (docs/benchmarks.md); urllib3 stays available
        # as transport=sync_transport("urllib3").
        from aws_ses.transport import sync_transport

        return sync_transport(
            max_pool_connections=config.max_pool_connections, verify=config.verify
        )

    def _invoke(self, operation: str, params: dict[str, Any]) -> Any:
        return run_sync(self._core.plan(operation, params), self._core, self._transport)

    def _paginate(self, operation: str, params: dict[str, Any]) -> Iterator[Any]:
        pager = Pager(operation, params)
        while True:
            page = self._invoke(operation, pager.params)
            yield from pager.items(page)
            if not pager.advance(page):
                return

    # ------------------------------------------------------------ sending helpers
    # The logic lives in aws_ses.email_builder, .bulk, .template_builder and
    # .health, shared with the async client; these only bind it to _invoke.

    @cached_property
    def emails(self) -> _sending.EmailsService:
        """``send``, ``send_bulk`` (any number of entries) and ``send_bulk_email``."""
        from aws_ses.sending_services import EmailsService

        return EmailsService(self)

    @cached_property
    def templates(self) -> _template_builder.TemplatesService:
        """The template operations, plus ``render_locally``."""
        from aws_ses.template_builder import TemplatesService

        return TemplatesService(self)

    def email_builder(self) -> _email_builder.EmailBuilder[t.SendEmailResponse]:
        """A fluent builder for one message; ``.send()`` calls ``SendEmail``."""
        from aws_ses.email_builder import EmailBuilder

        return EmailBuilder(partial(self._invoke, "send_email"))

    def send_templated_email(
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

        return templated_email(
            self.email_builder(), from_, to, template_name, template_data,
            configuration_set=configuration_set, tags=tags, cc=cc, bcc=bcc, reply_to=reply_to,
        ).send()  # fmt: skip

    def bulk_email_builder(self) -> _bulk.BulkEmailBuilder[_bulk.BulkResult]:
        """A fluent builder for a templated bulk send of any size."""
        from aws_ses.bulk import BulkEmailBuilder, run_bulk

        return BulkEmailBuilder(partial(run_bulk, self._invoke))

    def send_bulk(
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
    ) -> _bulk.BulkResult:
        """Send a template to any number of entries, 50 per ``SendBulkEmail`` call,
        ``max_concurrency`` calls at a time (threads)."""
        from aws_ses.bulk import BulkSend, run_bulk

        return run_bulk(self._invoke, BulkSend.create(
            from_, template_name, entries, default_template_data=default_template_data,
            configuration_set=configuration_set, default_tags=default_tags, chunk_size=chunk_size,
            max_concurrency=max_concurrency,
        ))  # fmt: skip

    def template_builder(
        self, name: str
    ) -> _template_builder.TemplateBuilder[
        t.CreateEmailTemplateResponse, t.UpdateEmailTemplateResponse
    ]:
        """A builder for template ``name``; ``.create()`` / ``.update()`` store it."""
        from aws_ses.template_builder import TemplateBuilder

        return TemplateBuilder(
            name,
            create=partial(self._invoke, "create_email_template"),
            update=partial(self._invoke, "update_email_template"),
        )

    def health_check(self) -> _health.HealthStatus:
        """Reachability, credentials, sending status and quota from ``GetAccount``; never raises."""
        from aws_ses.health import check_health

        return check_health(self._invoke)

    def close(self) -> None:
        """Release pooled connections (only those of a transport the client created)."""
        if self._owns_transport:
            self._transport.close()

    def __enter__(self) -> SesClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
