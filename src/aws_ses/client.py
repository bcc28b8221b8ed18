"""The synchronous client."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from functools import cached_property, partial
from types import TracebackType
from typing import TYPE_CHECKING, Any

from aws_ses._core import ClientCore
from aws_ses._generated.sync_operations import SyncOperations
from aws_ses._generated.sync_services import ServiceAccessors
from aws_ses.config import SesConfig
from aws_ses.transport.base import Transport

if TYPE_CHECKING:
    from aws_ses._generated.types import (
        CreateEmailTemplateResponse,
        SendEmailResponse,
        UpdateEmailTemplateResponse,
    )
    from aws_ses.bulk import BulkEmailBuilder, BulkEntry, BulkResult
    from aws_ses.email_builder import EmailBuilder
    from aws_ses.health import HealthStatus
    from aws_ses.template_builder import TemplateBuilder, TemplatesService

__all__ = ["SesClient"]


class SesClient(SyncOperations, ServiceAccessors):
    """A blocking client for every SES v2 operation.

    Build it from a :class:`SesConfig` or from the same fields as keywords::

        with SesClient(region="eu-west-1") as ses:
            ses.send_email(...)

    Every operation is a method named as boto3 names it; ``client.templates``,
    ``client.identities`` and the other groups offer the same operations
    under friendly names. Building a client does no network I/O. The client
    is safe to share between threads.
    """

    def __init__(self, config: SesConfig | None = None, **options: Any) -> None:
        if config is None:
            config = SesConfig(**options)
        elif options:
            config = config.with_options(**options)
        self._core = ClientCore(config)
        self._owns_transport = config.transport is None
        self._transport: Transport
        if config.transport is not None:
            self._transport = config.transport
        else:
            from aws_ses.transport.urllib3_transport import Urllib3Transport

            self._transport = Urllib3Transport(
                max_pool_connections=config.max_pool_connections, verify=config.verify
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

    def with_options(self, **changes: Any) -> SesClient:
        """A new client with some configuration changed (it shares the transport)."""
        config = self._core.config.with_options(**changes)
        if config.transport is None:
            config = config.with_options(transport=self._transport)
        clone = SesClient(config)
        clone._owns_transport = False
        return clone

    def _invoke(self, operation: str, params: dict[str, Any]) -> Any:
        core = self._core
        op, request = core.prepare(operation, params)
        # ---- begin: rate limit and observability (issue 8; moves into the pipeline) ----
        from urllib.parse import urlsplit

        from aws_ses.observability import CallObserver, run_request_hooks, run_response_hooks
        from aws_ses.resilience.ratelimit import limiter_for, recipient_weight

        config = core.config
        host = urlsplit(request.url).hostname or ""
        with CallObserver(operation, core.region, host, params, config) as observer:
            weight = recipient_weight(operation, params)
            if weight:
                account = core.credentials().access_key_id
                limiter = limiter_for(config, region=core.region, account_key=account)
                if limiter is not None:
                    if limiter.needs_rate():
                        quota = (self._invoke("get_account", {})).send_quota
                        if quota is not None and quota.max_send_rate:
                            limiter.set_rate(quota.max_send_rate)
                    waited = limiter.acquire(weight, max_wait=config.rate_limit_max_wait)
                    if waited > 0:
                        observer.rate_wait(waited)
                    if waited > 60:  # a long wait: sign afresh so the date is current
                        op, request = core.prepare(operation, params)
            request_view = observer.attempt(1, request)
            if request_view is not None:
                run_request_hooks(config, request_view)
            response = self._transport.send(request, timeout=core.timeout)
            response_view = observer.response(response.status, response.headers)
            if response_view is not None:
                run_response_hooks(config, response_view)
            result = core.parse(op, response)
            observer.success(result)
            return result
        # ---- end: rate limit and observability ----

    def _paginate(self, operation: str, params: dict[str, Any]) -> Iterator[Any]:
        from aws_ses._model import operation as lookup

        in_token, out_token, items = ClientCore.page_keys(lookup(operation))
        params = dict(params)
        seen: set[str] = set()
        while True:
            page = self._invoke(operation, params)
            yield from getattr(page, items) or ()
            token = getattr(page, out_token)
            if not token or token in seen:  # a repeated token would loop forever
                return
            seen.add(token)
            params[in_token] = token

    # ------------------------------------------------------------ sending helpers
    # The logic lives in aws_ses.email_builder, .bulk, .template_builder and
    # .health, shared with the async client; these only bind it to _invoke.

    @cached_property
    def templates(self) -> TemplatesService:
        """The template operations, plus ``render_locally``."""
        from aws_ses.template_builder import TemplatesService

        return TemplatesService(self)

    def email_builder(self) -> EmailBuilder[SendEmailResponse]:
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
    ) -> SendEmailResponse:
        """Send the stored template ``template_name`` rendered with ``template_data``."""
        from aws_ses.email_builder import templated_email

        return templated_email(
            self.email_builder(), from_, to, template_name, template_data,
            configuration_set=configuration_set, tags=tags, cc=cc, bcc=bcc, reply_to=reply_to,
        ).send()  # fmt: skip

    def bulk_email_builder(self) -> BulkEmailBuilder[BulkResult]:
        """A fluent builder for a templated bulk send of any size."""
        from aws_ses.bulk import BulkEmailBuilder, run_bulk

        return BulkEmailBuilder(partial(run_bulk, self._invoke))

    def send_bulk(
        self,
        from_: str,
        template_name: str,
        entries: Iterable[BulkEntry | Mapping[str, Any] | str],
        *,
        default_template_data: Any = None,
        configuration_set: str | None = None,
        default_tags: Mapping[str, str] | None = None,
        chunk_size: int = 50,
    ) -> BulkResult:
        """Send a template to any number of entries, 50 per ``SendBulkEmail`` call."""
        from aws_ses.bulk import BulkSend, run_bulk

        return run_bulk(self._invoke, BulkSend.create(
            from_, template_name, entries, default_template_data=default_template_data,
            configuration_set=configuration_set, default_tags=default_tags, chunk_size=chunk_size,
        ))  # fmt: skip

    def template_builder(
        self, name: str
    ) -> TemplateBuilder[CreateEmailTemplateResponse, UpdateEmailTemplateResponse]:
        """A builder for template ``name``; ``.create()`` / ``.update()`` store it."""
        from aws_ses.template_builder import TemplateBuilder

        return TemplateBuilder(
            name,
            create=partial(self._invoke, "create_email_template"),
            update=partial(self._invoke, "update_email_template"),
        )

    def health_check(self) -> HealthStatus:
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

    def __repr__(self) -> str:
        return f"SesClient(region={self.region!r}, endpoint={self.endpoint_url!r})"
