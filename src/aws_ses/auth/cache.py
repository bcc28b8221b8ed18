"""The refresh cache: credentials loaded once and renewed before they lapse.

Rules, for credentials that expire:

* more than ``advisory`` (15 min) left: used as they are;
* inside the advisory window: one caller refreshes, everyone else keeps the
  current keys meanwhile; a failed refresh keeps them too (and logs);
* inside the mandatory window (``mandatory``, 10 min): callers wait for the one
  refresh; if it fails while the keys are still valid they are kept (with a
  WARNING), once they have expired the failure is raised;
* static stability: for providers that ask for it (IMDS), expired keys keep
  being used, with a WARNING, while the refresh is retried;
* after a refresh that failed, or one that brought keys already expired or
  inside the advisory window, the next try waits a back-off (5 s, doubling to 5 min), so an
  outage is not hammered by every call.

However many threads or tasks ask at once, one fetch runs. The sync
:meth:`CredentialCache.get` never starts an event loop; :meth:`aget` awaits
the provider's ``aload()`` (or runs ``load()`` in a worker thread) so the
loop never blocks. Both may be used on the same cache.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import asyncio
else:
    from ._aio import asyncio

from .._lazy import lazy_logger
from ..errors import CredentialsError
from .base import AsyncCredentialProvider, CredentialProvider
from .credentials import Credentials

__all__ = ["CredentialCache"]

logger = lazy_logger("aws_ses.auth")

_BACKOFF_FIRST = 5.0
_BACKOFF_MAX = 300.0


def _now() -> datetime:
    return datetime.now(UTC)


def _expiry(creds: Credentials) -> datetime | None:
    """The expiry as an aware datetime (a naive one given in code is taken as UTC)."""
    when = creds.expiration
    if when is not None and when.tzinfo is None:
        return when.replace(tzinfo=UTC)
    return when


def _delta(value: timedelta | float, name: str) -> timedelta:
    delta = value if isinstance(value, timedelta) else timedelta(seconds=value)
    if delta < timedelta(0):
        raise ValueError(f"{name} must not be negative")
    return delta


class _Flight:
    """One fetch in progress; waiters block on ``done`` (or ``async_done``)."""

    __slots__ = ("async_done", "done", "error", "loop", "thread")

    def __init__(self, loop: asyncio.AbstractEventLoop | None) -> None:
        self.done = threading.Event()
        self.loop = loop
        self.thread = threading.get_ident()
        self.async_done = asyncio.Event() if loop is not None else None
        self.error: BaseException | None = None

    def finish(self) -> None:
        self.done.set()
        if self.async_done is not None:
            self.async_done.set()

    async def wait_async(self) -> None:
        loop = asyncio.get_running_loop()
        if self.async_done is not None and loop is self.loop:
            await self.async_done.wait()
        elif not self.done.is_set():
            # Owned by a thread or another loop: wait in a worker thread.
            await asyncio.to_thread(self.done.wait)


class CredentialCache:
    """Wraps a provider; :meth:`get`/:meth:`aget` return current credentials.

    ``clock`` returns the current time as an aware datetime (tests move it);
    ``advisory`` and ``mandatory`` are the windows before expiry, as a
    ``timedelta`` or seconds. Credentials without an expiry are loaded once.
    """

    def __init__(
        self,
        provider: CredentialProvider,
        *,
        clock: Callable[[], datetime] = _now,
        advisory: timedelta | float = timedelta(minutes=15),
        mandatory: timedelta | float = timedelta(minutes=10),
    ) -> None:
        self._provider = provider
        self._clock = clock
        self._advisory = _delta(advisory, "advisory")
        self._mandatory = _delta(mandatory, "mandatory")
        if self._mandatory > self._advisory:
            raise ValueError("the mandatory window must not be longer than the advisory one")
        self._lock = threading.Lock()  # guards the fields below; never held during a fetch
        self._credentials: Credentials | None = None
        self._flight: _Flight | None = None
        self._retry_at: datetime | None = None
        self._failures = 0
        self.fetches = 0  # how many times the provider was asked (for tests and metrics)

    @property
    def provider(self) -> CredentialProvider:
        return self._provider

    @property
    def current(self) -> Credentials | None:
        """The cached credentials, without any refresh."""
        return self._credentials

    def _static_stability(self) -> bool:
        return bool(getattr(self._provider, "static_stability", False))

    # ------------------------------------------------------------ decisions

    def _usable(self, creds: Credentials | None, now: datetime) -> bool:
        if creds is None:
            return False
        expiry = _expiry(creds)
        return expiry is None or expiry > now or self._static_stability()

    def _decide(self, now: datetime) -> tuple[str, Credentials | None]:
        """("fresh" | "advisory" | "mandatory", current credentials); under the lock."""
        creds = self._credentials
        if creds is None:
            return "mandatory", None
        expiry = _expiry(creds)
        if expiry is None:
            return "fresh", creds
        left = expiry - now
        if left > self._advisory:
            return "fresh", creds
        if self._retry_at is not None and now < self._retry_at and self._usable(creds, now):
            return "fresh", creds  # backing off after a failed or stale refresh
        if left > self._mandatory:
            return "advisory", creds
        return "mandatory", creds

    def _backoff(self) -> timedelta:
        seconds = min(_BACKOFF_MAX, _BACKOFF_FIRST * 2 ** max(0, self._failures - 1))
        return timedelta(seconds=seconds)

    def _stored(self, creds: object) -> Credentials:
        """Record a fetch's result; under the lock."""
        if not isinstance(creds, Credentials):
            raise CredentialsError(
                f"no AWS credentials from {getattr(self._provider, 'name', 'the provider')}"
            )
        now = self._clock()
        self._credentials = creds
        expiry = _expiry(creds)
        left = None if expiry is None else expiry - now
        if left is not None and (left <= timedelta(0) or self._mandatory < left <= self._advisory):
            # Arrived expired (static stability) or inside the advisory window:
            # use them, but do not fetch again at once. (Keys arriving inside
            # the mandatory window are fetched again at the next call.)
            self._failures += 1
            self._retry_at = now + self._backoff()
            if left <= timedelta(0):
                logger.warning(
                    "credentials from %s have already expired; using them and retrying "
                    "the refresh later",
                    getattr(self._provider, "name", "the provider"),
                )
        else:
            self._failures = 0
            self._retry_at = None
        return creds

    def _failed(self, exc: BaseException, state: str) -> Credentials:
        """A refresh failed: keep usable keys (and log), or re-raise; under the lock."""
        now = self._clock()
        creds = self._credentials
        if not self._usable(creds, now) or not isinstance(exc, Exception):
            raise exc
        assert creds is not None
        expiry = _expiry(creds)
        assert expiry is not None
        self._failures += 1
        self._retry_at = now + self._backoff()
        name = getattr(self._provider, "name", "the provider")
        reason = getattr(exc, "message", None) or type(exc).__name__
        if expiry <= now:
            logger.warning(
                "refreshing credentials from %s failed (%s); using the expired ones "
                "(static stability) and retrying in %d s",
                name, reason, self._backoff().total_seconds(),
            )  # fmt: skip
        else:
            logger.warning(
                "refreshing credentials from %s failed in the %s window (%s); keeping "
                "the current ones, valid until %s",
                name, state, reason, expiry.isoformat(),
            )  # fmt: skip
        return creds

    # ------------------------------------------------------------ sync

    def get(self) -> Credentials:
        """Current credentials, refreshed by the rules above. Blocks only the caller."""
        while True:
            with self._lock:
                state, creds = self._decide(self._clock())
                if state == "fresh":
                    assert creds is not None
                    return creds
                flight = self._flight
                if flight is None:
                    flight = self._flight = _Flight(None)
                    owner = True
                else:
                    owner = False
            if owner:
                return self._fetch_sync(flight, state)
            if state == "advisory":
                assert creds is not None
                return creds  # someone else is refreshing; these are still good
            if flight.loop is not None and flight.thread == threading.get_ident():
                # The fetch belongs to a task on this very thread's event loop:
                # waiting here would deadlock it.
                with self._lock:
                    if self._usable(creds, self._clock()):
                        assert creds is not None
                        return creds
                raise RuntimeError(
                    "CredentialCache.get() called on the event loop thread while an async "
                    "refresh is running there; use await aget()"
                )
            flight.done.wait()
            # A failure is everyone's when nothing usable is left; a cancelled
            # owner's is not (the loop goes round and another caller fetches).
            if isinstance(flight.error, Exception):
                with self._lock:
                    if not self._usable(self._credentials, self._clock()):
                        raise flight.error

    def _fetch_sync(self, flight: _Flight, state: str) -> Credentials:
        try:
            self.fetches += 1
            creds = self._provider.load()
        except BaseException as exc:
            return self._settle(flight, state, error=exc)
        return self._settle(flight, state, creds=creds)

    def _settle(
        self,
        flight: _Flight,
        state: str,
        *,
        creds: Credentials | None = None,
        error: BaseException | None = None,
    ) -> Credentials:
        """End a fetch, sync or async alike: keep or refuse what it brought, wake waiters."""
        with self._lock:
            self._flight = None
            try:
                if error is not None:
                    flight.error = error
                    return self._failed(error, state)
                return self._stored(creds)
            except CredentialsError as exc:
                flight.error = flight.error or exc
                raise
            finally:
                flight.finish()

    # ------------------------------------------------------------ async

    async def aget(self) -> Credentials:
        """Current credentials; a refresh never blocks the event loop."""
        while True:
            with self._lock:
                state, creds = self._decide(self._clock())
                if state == "fresh":
                    assert creds is not None
                    return creds
                flight = self._flight
                if flight is None:
                    flight = self._flight = _Flight(asyncio.get_running_loop())
                    owner = True
                else:
                    owner = False
            if owner:
                return await self._fetch_async(flight, state)
            if state == "advisory":
                assert creds is not None
                return creds
            await flight.wait_async()
            # A failure is everyone's when nothing usable is left; a cancelled
            # owner's is not (the loop goes round and another caller fetches).
            if isinstance(flight.error, Exception):
                with self._lock:
                    if not self._usable(self._credentials, self._clock()):
                        raise flight.error

    async def _load_async(self) -> Credentials | None:
        provider = self._provider
        if isinstance(provider, AsyncCredentialProvider):
            return await provider.aload()
        return await asyncio.to_thread(provider.load)

    async def _fetch_async(self, flight: _Flight, state: str) -> Credentials:
        try:
            self.fetches += 1
            creds = await self._load_async()
        except BaseException as exc:
            return self._settle(flight, state, error=exc)
        return self._settle(flight, state, creds=creds)

    def __repr__(self) -> str:
        name = getattr(self._provider, "name", type(self._provider).__name__)
        creds = self._credentials
        expiry = "none" if creds is None or creds.expiration is None else creds.expiration
        return f"CredentialCache(provider={name!r}, expires={expiry!s})"
