"""What ``SesClient`` and ``AsyncSesClient`` share: all but driving the I/O."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from aws_ses._core import ClientCore, SharedState
from aws_ses._model import operation
from aws_ses.config import SesConfig

if TYPE_CHECKING:
    from aws_ses.resilience.breaker import BreakerState

__all__ = ["BaseClient", "Pager"]

T = TypeVar("T")
Self = TypeVar("Self", bound="BaseClient[Any]")


class Pager:
    """Token bookkeeping for ``iter_*``: which token to send, when to stop."""

    __slots__ = ("_in", "_items", "_out", "_seen", "params")

    def __init__(self, operation_name: str, params: dict[str, Any]) -> None:
        self._in, self._out, self._items = ClientCore.page_keys(operation(operation_name))
        self.params = dict(params)
        self._seen: set[str] = set()

    def items(self, page: Any) -> Any:
        return getattr(page, self._items) or ()

    def advance(self, page: Any) -> bool:
        """Set up the next request; False when this page was the last."""
        token = getattr(page, self._out)
        if not token or token in self._seen:  # a repeated token would loop forever
            return False
        self._seen.add(token)
        self.params[self._in] = token
        return True


class BaseClient(ABC, Generic[T]):
    """Configuration, properties and ``with_options``; ``T`` is the transport type."""

    # Which SesConfig field holds this client's transport.
    _transport_field: str = "transport"

    def __init__(
        self, config: SesConfig | None = None, *, _shared: SharedState | None = None, **options: Any
    ) -> None:
        other = "transport" if self._transport_field == "async_transport" else "async_transport"
        if options.get(other) is not None and options.get(self._transport_field) is None:
            # A transport handed to the wrong client would be silently unused
            # and the calls would go to the network instead.
            raise TypeError(
                f"{type(self).__name__} sends through {self._transport_field}=, not {other}= "
                f"(which only the {'SesClient' if other == 'transport' else 'AsyncSesClient'} "
                "uses)"
            )
        if config is None:
            config = SesConfig(**options)
        elif options:
            config = config.with_options(**options)
        self._core = ClientCore(config, _shared)
        given: T | None = getattr(config, self._transport_field)
        self._owns_transport = given is None
        self._transport: T = given if given is not None else self._default_transport(config)

    @abstractmethod
    def _default_transport(self, config: SesConfig) -> T:
        """The transport a client builds when the config names none."""

    @property
    def config(self) -> SesConfig:
        return self._core.config

    @property
    def region(self) -> str:
        return self._core.region

    @property
    def endpoint_url(self) -> str:
        return self._core.base_url

    @property
    def circuit_state(self) -> BreakerState | None:
        """The endpoint's circuit breaker state (None when the breaker is off)."""
        breaker = self._core.breaker
        return breaker.state if breaker is not None else None

    def with_options(self: Self, **changes: Any) -> Self:
        """A copy with some configuration changed, for one call or many.

        ``client.with_options(max_attempts=1, timeout=5).send_email(...)``.
        The copy shares the transport (and its pooled connections) and the
        retry budget; closing it leaves the transport open.
        """
        config = self._core.config.with_options(**changes)
        if getattr(config, self._transport_field) is None:
            config = config.with_options(**{self._transport_field: self._transport})
        clone = type(self)(config, _shared=self._core.shared)
        clone._owns_transport = False
        return clone

    def __repr__(self) -> str:
        return f"{type(self).__name__}(region={self.region!r}, endpoint={self.endpoint_url!r})"
