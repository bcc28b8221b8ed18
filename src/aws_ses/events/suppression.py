"""A hook that puts hard-bounced and complaining addresses on the suppression list.

It calls the client's ``put_suppressed_destination`` (SES's
``PutSuppressedDestination``, itself an upsert), so it works with
:class:`~aws_ses.SesClient` and :class:`~aws_ses.AsyncSesClient` alike: with
an async client the hook returns a coroutine for the receiver to await.

- a ``Permanent`` bounce suppresses its bounced recipients (reason ``BOUNCE``),
  except an ``OnAccountSuppressionList`` bounce, whose address is listed already;
- a complaint suppresses its complained recipients (reason ``COMPLAINT``);
- a ``Transient`` (soft) bounce is counted per address; the address is
  suppressed when its count reaches ``soft_bounce_limit`` (None: never).

Addresses already suppressed by this hook are not sent again, so a resent
notification costs no call.
"""

from __future__ import annotations

import inspect
import threading
from collections import Counter, OrderedDict
from collections.abc import Awaitable, MutableMapping
from typing import Any, Literal, Protocol

from aws_ses.events.models import EventType, SesEvent

__all__ = ["SuppressionHook", "SuppressionTarget"]

Reason = Literal["BOUNCE", "COMPLAINT"]


class SuppressionTarget(Protocol):
    """What the hook needs of a client: SES's PutSuppressedDestination."""

    def put_suppressed_destination(self, *, email_address: str, reason: str) -> Any: ...


class SuppressionHook:
    """Suppress addresses that bounced hard or complained; see the module docs."""

    def __init__(
        self,
        client: SuppressionTarget,
        *,
        soft_bounce_limit: int | None = 3,
        soft_bounces: MutableMapping[str, int] | None = None,
    ) -> None:
        if soft_bounce_limit is not None and soft_bounce_limit < 1:
            raise ValueError(f"soft_bounce_limit must be at least 1, not {soft_bounce_limit}")
        self._client = client
        self.soft_bounce_limit = soft_bounce_limit
        # Pass a shared mapping (e.g. backed by a database) to count across processes.
        self.soft_bounces: MutableMapping[str, int] = (
            soft_bounces if soft_bounces is not None else Counter()
        )
        self._done: set[tuple[str, Reason]] = set()
        # A resent notification (same feedbackId) must not count a soft bounce twice.
        self._counted: OrderedDict[str, None] = OrderedDict()
        self._lock = threading.Lock()
        self.is_async = inspect.iscoroutinefunction(client.put_suppressed_destination)

    def targets(self, event: SesEvent) -> list[tuple[str, Reason]]:
        """The (address, reason) pairs ``event`` calls for, not yet suppressed here."""
        found: list[tuple[str, Reason]] = []
        if event.type == EventType.BOUNCE and event.bounce is not None:
            if event.is_permanent_bounce:
                if event.bounce_sub_type != "OnAccountSuppressionList":
                    found = [(address, "BOUNCE") for address in event.recipients]
            elif event.is_transient_bounce and self.soft_bounce_limit is not None:
                with self._lock:
                    first = self._first_time(event.bounce.feedback_id)
                    for address in event.recipients:
                        key = address.lower()
                        if first:
                            self.soft_bounces[key] = self.soft_bounces.get(key, 0) + 1
                        if self.soft_bounces.get(key, 0) >= self.soft_bounce_limit:
                            found.append((address, "BOUNCE"))
        elif event.type == EventType.COMPLAINT:
            found = [(address, "COMPLAINT") for address in event.recipients]
        with self._lock:
            return [(a, r) for a, r in found if (a.lower(), r) not in self._done]

    def _first_time(self, feedback_id: str | None) -> bool:
        if feedback_id is None:
            return True
        if feedback_id in self._counted:
            return False
        self._counted[feedback_id] = None
        while len(self._counted) > 4096:
            self._counted.popitem(last=False)
        return True

    def _record(self, address: str, reason: Reason) -> None:
        with self._lock:
            self._done.add((address.lower(), reason))
            self.soft_bounces.pop(address.lower(), None)

    def __call__(self, event: SesEvent) -> Awaitable[None] | None:
        targets = self.targets(event)
        if self.is_async:
            return self._suppress_async(targets)
        for address, reason in targets:
            self._client.put_suppressed_destination(email_address=address, reason=reason)
            self._record(address, reason)
        return None

    async def _suppress_async(self, targets: list[tuple[str, Reason]]) -> None:
        for address, reason in targets:
            await self._client.put_suppressed_destination(email_address=address, reason=reason)
            self._record(address, reason)
