"""What every credential provider shares: the protocols and small helpers.

A provider answers "are credentials configured *here*?". ``load()`` returns
them, returns None when its source is simply not set up (so a chain moves on),
and raises :class:`~aws_ses.errors.CredentialsError` when the source is set up
but broken. ``aload()`` does the same without blocking the event loop.

The providers in this package derive from :class:`Provider`, whose
``attempt()`` returns a :class:`Declined` (with the reason) instead of None:
the chain uses the reasons to say why every provider declined.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    import asyncio
else:
    from ._aio import asyncio

from ..errors import CredentialsError
from .credentials import Credentials
from .profiles import Section, SharedFiles, chosen_profile

__all__ = [
    "AsyncCredentialProvider",
    "CredentialProvider",
    "Declined",
    "no_profile",
    "Provider",
    "parse_timestamp",
    "select_profile",
    "value",
]


@runtime_checkable
class CredentialProvider(Protocol):
    """One place credentials may come from.

    ``name`` is short and stable (``"environment"``); it becomes the
    ``source`` of the credentials a chain returns. ``load()`` returns
    credentials, None when this source is not configured, or raises
    :class:`CredentialsError` when it is configured but unusable. Messages
    must never contain a secret.
    """

    # A read-only property so implementations may use a plain class
    # attribute, an instance attribute or a property.
    @property
    def name(self) -> str: ...

    def load(self) -> Credentials | None: ...


@runtime_checkable
class AsyncCredentialProvider(CredentialProvider, Protocol):
    """A provider that can also load without blocking the event loop."""

    async def aload(self) -> Credentials | None: ...


class Declined:
    """A provider's "not configured here", with the reason for the chain's error."""

    __slots__ = ("reason",)

    def __init__(self, reason: str) -> None:
        self.reason = reason

    def __repr__(self) -> str:
        return f"Declined({self.reason!r})"


Outcome = Credentials | Declined


class Provider(ABC):
    """Base of the providers in this package.

    Subclasses implement :meth:`attempt`; those that do network or
    subprocess I/O also implement :meth:`aattempt` natively. The default
    :meth:`aattempt` runs :meth:`attempt` in a worker thread, which is right
    for providers whose only I/O is reading small files.
    """

    name: str = "provider"

    @abstractmethod
    def attempt(self) -> Outcome:
        """Credentials, or :class:`Declined`; raises when configured but broken."""

    async def aattempt(self) -> Outcome:
        return await asyncio.to_thread(self.attempt)

    def load(self) -> Credentials | None:
        outcome = self.attempt()
        return None if isinstance(outcome, Declined) else outcome

    async def aload(self) -> Credentials | None:
        outcome = await self.aattempt()
        return None if isinstance(outcome, Declined) else outcome

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


def parse_timestamp(raw: object, what: str) -> datetime:
    """An ISO 8601 timestamp as an aware datetime (no offset means UTC)."""
    if isinstance(raw, str):
        try:
            when = datetime.fromisoformat(raw.strip())
        except ValueError:
            pass
        else:
            return when if when.tzinfo is not None else when.replace(tzinfo=UTC)
    # Raised outside the except block so no chained exception rides along;
    # the value itself is not shown (it sits next to secrets).
    raise CredentialsError(f"{what} is not an ISO 8601 timestamp")


def value(section: Section, key: str) -> str | None:
    """A plain string value of a profile, stripped; None when absent or empty."""
    found = section.get(key)
    if not isinstance(found, str):  # absent, or an indented sub-section
        return None
    return found.strip() or None


def no_profile(name: str) -> Declined:
    return Declined(f"no {name!r} profile in the shared files")


def select_profile(
    files: SharedFiles, profile: str | None, env: Mapping[str, str]
) -> tuple[str, Section | None]:
    """The profile to use and its merged section.

    A profile that was asked for (argument, ``AWS_PROFILE``) must exist, as in
    botocore; an absent ``default`` nobody asked for gives None.
    """
    asked = profile or chosen_profile(env)
    name = asked or "default"
    if not files.has_profile(name):
        if asked is not None:
            raise CredentialsError(
                f"profile {name!r} not found in {files.credentials_path} or {files.config_path}"
            )
        return name, None
    return name, files.profiles[name]
