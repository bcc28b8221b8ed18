"""aws-ses: a typed, fast client for the whole Amazon SES v2 API, sync and async.

Names are imported on first use, so ``import aws_ses`` stays cheap and pulls
in neither aiohttp nor any optional extra.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from aws_ses._version import __version__

if TYPE_CHECKING:
    from aws_ses._metadata import ResponseMetadata as ResponseMetadata
    from aws_ses._runtime import Runtime as Runtime
    from aws_ses.async_client import AsyncSesClient as AsyncSesClient
    from aws_ses.auth.credentials import Credentials as Credentials
    from aws_ses.bulk import AsyncBulkResult as AsyncBulkResult
    from aws_ses.bulk import BulkEmailBuilder as BulkEmailBuilder
    from aws_ses.bulk import BulkEntry as BulkEntry
    from aws_ses.bulk import BulkEntryResult as BulkEntryResult
    from aws_ses.bulk import BulkResult as BulkResult
    from aws_ses.client import SesClient as SesClient
    from aws_ses.config import SesConfig as SesConfig
    from aws_ses.email_builder import EmailBuilder as EmailBuilder
    from aws_ses.errors import AccountSuspendedException as AccountSuspendedException
    from aws_ses.errors import AlreadyExistsException as AlreadyExistsException
    from aws_ses.errors import BadRequestException as BadRequestException
    from aws_ses.errors import CircuitOpenError as CircuitOpenError
    from aws_ses.errors import ConcurrentModificationException as ConcurrentModificationException
    from aws_ses.errors import ConflictException as ConflictException
    from aws_ses.errors import CredentialsError as CredentialsError
    from aws_ses.errors import DailyQuotaExceeded as DailyQuotaExceeded
    from aws_ses.errors import InternalServiceErrorException as InternalServiceErrorException
    from aws_ses.errors import InvalidNextTokenException as InvalidNextTokenException
    from aws_ses.errors import LimitExceededException as LimitExceededException
    from aws_ses.errors import (
        MailFromDomainNotVerifiedException as MailFromDomainNotVerifiedException,
    )
    from aws_ses.errors import MaxSendRateExceeded as MaxSendRateExceeded
    from aws_ses.errors import MessageRejected as MessageRejected
    from aws_ses.errors import NotFoundException as NotFoundException
    from aws_ses.errors import RateLimiterUnavailable as RateLimiterUnavailable
    from aws_ses.errors import RateLimitTimeout as RateLimitTimeout
    from aws_ses.errors import SendingPausedException as SendingPausedException
    from aws_ses.errors import SesError as SesError
    from aws_ses.errors import SesResponseError as SesResponseError
    from aws_ses.errors import SesServiceError as SesServiceError
    from aws_ses.errors import SesTimeoutError as SesTimeoutError
    from aws_ses.errors import SesTransportError as SesTransportError
    from aws_ses.errors import SesValidationError as SesValidationError
    from aws_ses.errors import TooManyRequestsException as TooManyRequestsException
    from aws_ses.health import HealthStatus as HealthStatus
    from aws_ses.mime import Attachment as Attachment
    from aws_ses.smtp import smtp_credentials as smtp_credentials
    from aws_ses.template_builder import LocalRender as LocalRender
    from aws_ses.template_builder import TemplateBuilder as TemplateBuilder
    from aws_ses.template_builder import render_locally as render_locally
    from aws_ses.transport.mock import AsyncMockTransport as AsyncMockTransport
    from aws_ses.transport.mock import MockTransport as MockTransport

_ERRORS = (
    "AccountSuspendedException", "AlreadyExistsException", "BadRequestException",
    "CircuitOpenError", "ConcurrentModificationException", "ConflictException",
    "CredentialsError", "DailyQuotaExceeded", "InternalServiceErrorException",
    "InvalidNextTokenException", "LimitExceededException", "MailFromDomainNotVerifiedException",
    "MaxSendRateExceeded", "MessageRejected", "NotFoundException", "RateLimitTimeout",
    "RateLimiterUnavailable",
    "SendingPausedException", "SesError", "SesResponseError", "SesServiceError",
    "SesTimeoutError", "SesTransportError", "SesValidationError", "TooManyRequestsException",
)  # fmt: skip

_LAZY = {
    "SesClient": "aws_ses.client",
    "AsyncSesClient": "aws_ses.async_client",
    "SesConfig": "aws_ses.config",
    "Credentials": "aws_ses.auth.credentials",
    "ResponseMetadata": "aws_ses._metadata",
    "Runtime": "aws_ses._runtime",
    "Attachment": "aws_ses.mime",
    "EmailBuilder": "aws_ses.email_builder",
    "BulkEmailBuilder": "aws_ses.bulk",
    "BulkEntry": "aws_ses.bulk",
    "BulkEntryResult": "aws_ses.bulk",
    "BulkResult": "aws_ses.bulk",
    "AsyncBulkResult": "aws_ses.bulk",
    "TemplateBuilder": "aws_ses.template_builder",
    "LocalRender": "aws_ses.template_builder",
    "render_locally": "aws_ses.template_builder",
    "HealthStatus": "aws_ses.health",
    "MockTransport": "aws_ses.transport.mock",
    "AsyncMockTransport": "aws_ses.transport.mock",
    "smtp_credentials": "aws_ses.smtp",
    **dict.fromkeys(_ERRORS, "aws_ses.errors"),
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
