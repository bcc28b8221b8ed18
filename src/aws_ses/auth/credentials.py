"""AWS credentials, kept out of every repr, str and log line."""

from __future__ import annotations

from datetime import datetime
from typing import NoReturn

__all__ = ["Credentials"]


class Credentials:
    """An access key pair, with an optional session token and expiry.

    The secret key and session token are never shown: ``repr`` and ``str`` give
    the access key id only, and the object refuses to be pickled so a secret
    cannot leak into a cache or a traceback dump by accident.
    """

    __slots__ = ("_secret_access_key", "_session_token", "access_key_id", "expiration", "source")

    def __init__(
        self,
        access_key_id: str,
        secret_access_key: str,
        session_token: str | None = None,
        *,
        expiration: datetime | None = None,
        source: str = "explicit",
    ) -> None:
        if not access_key_id or not isinstance(access_key_id, str):
            raise ValueError("access_key_id must be a non-empty string")
        if not secret_access_key or not isinstance(secret_access_key, str):
            raise ValueError("secret_access_key must be a non-empty string")
        if session_token is not None and not isinstance(session_token, str):
            raise ValueError("session_token must be a string")
        self.access_key_id = access_key_id
        self._secret_access_key = secret_access_key
        self._session_token = session_token or None
        self.expiration = expiration
        self.source = source

    @property
    def secret_access_key(self) -> str:
        return self._secret_access_key

    @property
    def session_token(self) -> str | None:
        return self._session_token

    def __repr__(self) -> str:
        token = ", session_token=***" if self._session_token else ""
        return (
            f"Credentials(access_key_id={self.access_key_id!r}, "
            f"secret_access_key=***{token}, source={self.source!r})"
        )

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Credentials):
            return NotImplemented
        return (
            self.access_key_id == other.access_key_id
            and self._secret_access_key == other._secret_access_key
            and self._session_token == other._session_token
        )

    def __hash__(self) -> int:
        return hash((self.access_key_id, self._session_token is not None))

    def __reduce__(self) -> NoReturn:
        raise TypeError("Credentials cannot be pickled (they hold a secret)")
