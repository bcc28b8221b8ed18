"""aws-ses: a typed, fast client for the whole Amazon SES v2 API, sync and async.

Names are imported on first use, so ``import aws_ses`` stays cheap and pulls
in neither aiohttp nor any optional extra.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from aws_ses._version import __version__

if TYPE_CHECKING:
    from aws_ses.async_client import AsyncSesClient as AsyncSesClient
    from aws_ses.auth.credentials import Credentials as Credentials
    from aws_ses.client import SesClient as SesClient
    from aws_ses.config import SesConfig as SesConfig
    from aws_ses.errors import CircuitOpenError as CircuitOpenError
    from aws_ses.errors import CredentialsError as CredentialsError
    from aws_ses.errors import MessageRejected as MessageRejected
    from aws_ses.errors import NotFoundException as NotFoundException
    from aws_ses.errors import SesError as SesError
    from aws_ses.errors import SesServiceError as SesServiceError
    from aws_ses.errors import SesTimeoutError as SesTimeoutError
    from aws_ses.errors import SesTransportError as SesTransportError
    from aws_ses.errors import SesValidationError as SesValidationError
    from aws_ses.errors import TooManyRequestsException as TooManyRequestsException
    from aws_ses.mime import Attachment as Attachment
    from aws_ses.smtp import smtp_credentials as smtp_credentials
    from aws_ses.transport.mock import MockTransport as MockTransport

_LAZY = {
    "SesClient": "aws_ses.client",
    "AsyncSesClient": "aws_ses.async_client",
    "SesConfig": "aws_ses.config",
    "Credentials": "aws_ses.auth.credentials",
    "Attachment": "aws_ses.mime",
    "MockTransport": "aws_ses.transport.mock",
    "SesError": "aws_ses.errors",
    "SesServiceError": "aws_ses.errors",
    "SesValidationError": "aws_ses.errors",
    "CredentialsError": "aws_ses.errors",
    "SesTransportError": "aws_ses.errors",
    "SesTimeoutError": "aws_ses.errors",
    "CircuitOpenError": "aws_ses.errors",
    "MessageRejected": "aws_ses.errors",
    "NotFoundException": "aws_ses.errors",
    "TooManyRequestsException": "aws_ses.errors",
    "smtp_credentials": "aws_ses.smtp",
}

__all__ = ["__version__", *sorted(_LAZY)]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'aws_ses' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
