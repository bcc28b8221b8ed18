"""The framework-neutral event receiver: bytes and headers in, a :class:`Result` out.

A request goes through one pipeline: decode the SNS envelope (or take a raw
delivery, when allowed), verify it, and only then act: confirm a
subscription when asked to, or decode the SES event and run the hooks
registered for its type. A refused message never reaches a hook. SNS resends a
message whose delivery got a non-2xx answer, so a failing hook answers 500
(hooks should be idempotent) and a refused message 403, which SNS does not
fix by resending.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import threading
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import msgspec

from aws_ses.events.models import SesEvent, parse_event
from aws_ses.events.sns import (
    NOTIFICATION,
    SUBSCRIPTION_CONFIRMATION,
    SnsMessage,
    SnsVerificationError,
    SnsVerifier,
    parse_envelope,
)

__all__ = ["ALL_EVENTS", "EventReceiver", "Hook", "Result"]

log = logging.getLogger("aws_ses.events")

#: Register a hook under this name to see every event.
ALL_EVENTS = "*"

Hook = Callable[[SesEvent], Awaitable[None] | None]

Outcome = Literal[
    "processed", "duplicate", "subscription_confirmed", "subscription_ignored", "unsubscribed"
]

_SEEN_SIZE = 1024


@dataclass(frozen=True, slots=True)
class Result:
    """What happened to one message, and the HTTP status to answer with."""

    status: int
    outcome: Outcome | Literal["rejected", "hook_failed"]
    event: SesEvent | None = None
    envelope: SnsMessage | None = None
    error: str | None = None


@dataclass(frozen=True, slots=True)
class _Accepted:
    outcome: Outcome
    event: SesEvent | None
    envelope: SnsMessage | None


def _header(headers: Mapping[str, str], name: str) -> str | None:
    for key, value in headers.items():
        if key.lower() == name:
            return value
    return None


class EventReceiver:
    """Verifies SNS deliveries of SES events and dispatches them to hooks.

    Verification options (``topic_arns``, ``tolerance``,
    ``trusted_certificates``, ``fetch``, ``clock``) go to
    :class:`~aws_ses.events.sns.SnsVerifier`, or pass ``verifier=``.
    ``auto_confirm``: confirm a ``SubscriptionConfirmation`` of an allowed
    topic by fetching its ``SubscribeURL`` (after the same host check).
    ``allow_raw``: accept raw message delivery (the SES record as the body,
    with no signature to check); off by default because anyone can POST one.
    ``hooks``: ``{event type: hook or hooks}``; or call :meth:`on`.
    """

    def __init__(
        self,
        *,
        verifier: SnsVerifier | None = None,
        auto_confirm: bool = False,
        allow_raw: bool = False,
        hooks: Mapping[str, Hook | Iterable[Hook]] | None = None,
        **verifier_options: Any,
    ) -> None:
        if verifier is not None and verifier_options:
            raise TypeError("pass either verifier= or verifier options, not both")
        self.verifier = verifier or SnsVerifier(**verifier_options)
        self.auto_confirm = auto_confirm
        self.allow_raw = allow_raw
        self._hooks: dict[str, list[Hook]] = {}
        self._seen: OrderedDict[str, None] = OrderedDict()
        self._seen_lock = threading.Lock()  # accept() runs in worker threads
        for event_type, found in (hooks or {}).items():
            for hook in [found] if callable(found) else found:
                self.add_hook(event_type, hook)

    # -------------------------------------------------------------- hooks

    def add_hook(self, event_type: str, hook: Hook) -> None:
        """Run ``hook`` for events of ``event_type`` (``"Bounce"``, ..., or ``"*"``)."""
        if not callable(hook):
            raise TypeError(f"hook for {event_type!r} is not callable: {hook!r}")
        self._hooks.setdefault(str(event_type), []).append(hook)

    def on(self, *event_types: str) -> Callable[[Hook], Hook]:
        """Decorator form of :meth:`add_hook`; no types means every event."""

        def register(hook: Hook) -> Hook:
            for event_type in event_types or (ALL_EVENTS,):
                self.add_hook(event_type, hook)
            return hook

        return register

    def hooks_for(self, event: SesEvent) -> list[Hook]:
        return [*self._hooks.get(event.type, []), *self._hooks.get(ALL_EVENTS, [])]

    # ------------------------------------------------------------ pipeline

    def accept(self, body: bytes | str, headers: Mapping[str, str] | None = None) -> _Accepted:
        """Verify one delivery; raises :class:`SnsVerificationError` when refused.

        Does everything but run hooks (and confirm subscriptions).
        """
        headers = headers or {}
        if (_header(headers, "x-amz-sns-rawdelivery") or "").lower() == "true":
            return self._accept_raw(body, _header(headers, "x-amz-sns-topic-arn"))
        envelope = parse_envelope(body)
        declared = _header(headers, "x-amz-sns-message-type")
        if declared is not None and declared != envelope.Type:
            raise SnsVerificationError(
                f"x-amz-sns-message-type {declared!r} does not match Type {envelope.Type!r}"
            )
        self.verifier.verify(envelope)
        return self._classify(envelope)

    def _accept_raw(self, body: bytes | str, topic_arn: str | None) -> _Accepted:
        if not self.allow_raw:
            raise SnsVerificationError(
                "raw message delivery carries no signature; pass allow_raw=True to accept it"
            )
        if self.verifier.topic_arns is not None:
            self.verifier.check_topic(topic_arn or "")
        return _Accepted("processed", self._event(body), None)

    def _classify(self, envelope: SnsMessage) -> _Accepted:
        if envelope.Type == NOTIFICATION:
            if self._duplicate(envelope.MessageId):
                return _Accepted("duplicate", None, envelope)
            return _Accepted("processed", self._event(envelope.Message), envelope)
        if envelope.Type == SUBSCRIPTION_CONFIRMATION:
            outcome: Outcome = (
                "subscription_confirmed" if self.auto_confirm else "subscription_ignored"
            )
            return _Accepted(outcome, None, envelope)
        return _Accepted("unsubscribed", None, envelope)

    @staticmethod
    def _event(message: bytes | str) -> SesEvent:
        try:
            return parse_event(message)
        except (msgspec.DecodeError, msgspec.ValidationError, ValueError) as exc:
            raise SnsVerificationError(f"the message is not an SES event: {exc}") from None

    def _duplicate(self, message_id: str) -> bool:
        # SNS resends with the same MessageId; remember recent ones.
        with self._seen_lock:
            if message_id in self._seen:
                return True
            self._seen[message_id] = None
            while len(self._seen) > _SEEN_SIZE:
                self._seen.popitem(last=False)
            return False

    def _forget(self, accepted: _Accepted) -> None:
        # A message whose hooks failed must run again when SNS resends it.
        if accepted.envelope is not None:
            with self._seen_lock:
                self._seen.pop(accepted.envelope.MessageId, None)

    # ---------------------------------------------------------- entry points

    def handle(self, body: bytes | str, headers: Mapping[str, str] | None = None) -> Result:
        """Process one delivery synchronously; async hooks need :meth:`handle_async`."""
        try:
            accepted = self.accept(body, headers)
            if accepted.outcome == "subscription_confirmed" and accepted.envelope is not None:
                self.verifier.confirm_subscription(accepted.envelope)
        except SnsVerificationError as exc:
            return self._rejected(exc)
        if accepted.event is not None:
            for hook in self.hooks_for(accepted.event):
                try:
                    returned = hook(accepted.event)
                    if inspect.isawaitable(returned):
                        _close(returned)
                        raise TypeError(f"hook {hook!r} is async: use handle_async()")
                except Exception as exc:
                    self._forget(accepted)
                    return self._hook_failed(hook, exc, accepted)
        return Result(200, accepted.outcome, accepted.event, accepted.envelope)

    async def handle_async(
        self, body: bytes | str, headers: Mapping[str, str] | None = None
    ) -> Result:
        """Process one delivery; sync hooks and network fetches run in a worker thread."""
        try:
            accepted = await asyncio.to_thread(self.accept, body, headers)
            if accepted.outcome == "subscription_confirmed" and accepted.envelope is not None:
                await asyncio.to_thread(self.verifier.confirm_subscription, accepted.envelope)
        except SnsVerificationError as exc:
            return self._rejected(exc)
        if accepted.event is not None:
            for hook in self.hooks_for(accepted.event):
                try:
                    if inspect.iscoroutinefunction(hook) or inspect.iscoroutinefunction(
                        getattr(hook, "__call__", None)  # noqa: B004
                    ):
                        await hook(accepted.event)  # type: ignore[misc]
                    else:
                        returned = await asyncio.to_thread(hook, accepted.event)
                        if inspect.isawaitable(returned):
                            await returned
                except Exception as exc:
                    self._forget(accepted)
                    return self._hook_failed(hook, exc, accepted)
        return Result(200, accepted.outcome, accepted.event, accepted.envelope)

    @staticmethod
    def _rejected(exc: SnsVerificationError) -> Result:
        log.warning("SNS message refused: %s", exc)
        return Result(403, "rejected", error=str(exc))

    @staticmethod
    def _hook_failed(hook: Hook, exc: Exception, accepted: _Accepted) -> Result:
        log.exception("SES event hook %r failed", hook, exc_info=exc)
        return Result(
            500,
            "hook_failed",
            accepted.event,
            accepted.envelope,
            error=f"hook failed: {type(exc).__name__}",
        )


def _close(awaitable: Awaitable[Any]) -> None:
    close = getattr(awaitable, "close", None)
    if close is not None:
        close()
