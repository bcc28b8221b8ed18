"""The synchronous client."""

from __future__ import annotations

from collections.abc import Iterator
from types import TracebackType
from typing import Any

from aws_ses._core import ClientCore
from aws_ses._generated.sync_operations import SyncOperations
from aws_ses._generated.sync_services import ServiceAccessors
from aws_ses.config import SesConfig
from aws_ses.transport.base import Transport

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
        response = self._transport.send(request, timeout=core.timeout)
        return core.parse(op, response)

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
