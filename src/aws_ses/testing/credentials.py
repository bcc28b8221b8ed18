"""A credential provider for tests: fixed fake keys, counted loads, failure on demand."""

from __future__ import annotations

from datetime import datetime

from aws_ses.auth.credentials import Credentials
from aws_ses.errors import CredentialsError

__all__ = ["MockCredentialProvider"]


class MockCredentialProvider:
    """Hands out the same fake credentials on every ``load()``, and counts them.

    Pass it as ``SesConfig(credentials=MockCredentialProvider())``. Set
    ``fail`` (to True or to an exception) to make the next loads raise, as a
    broken chain or an expired role would; ``loads`` counts every call.
    ``expiration`` makes the credentials temporary, so refresh logic can be
    tested.
    """

    name = "mock"

    def __init__(
        self,
        access_key_id: str = "AKIAFAKEFAKEFAKEFAKE",
        secret_access_key: str = "fake-secret-access-key",
        session_token: str | None = None,
        *,
        expiration: datetime | None = None,
        fail: bool | BaseException = False,
    ) -> None:
        self.credentials = Credentials(
            access_key_id,
            secret_access_key,
            session_token,
            expiration=expiration,
            source="mock",
        )
        self.fail = fail
        self.loads = 0

    def load(self) -> Credentials:
        self.loads += 1
        if isinstance(self.fail, BaseException):
            raise self.fail
        if self.fail:
            raise CredentialsError("no credentials (MockCredentialProvider set to fail)")
        return self.credentials

    def __repr__(self) -> str:
        return (
            f"MockCredentialProvider(access_key_id={self.credentials.access_key_id!r}, "
            f"loads={self.loads})"
        )
