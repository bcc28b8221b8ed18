"""Exit codes and the one-line error message every failure ends with.

Exit codes: 0 success, 1 an AWS or user error, 2 a usage error (click's own),
3 credentials, 4 throttled or transient (trying again later may work),
130 interrupted.
"""

from __future__ import annotations

import sys
import traceback
from typing import IO

from aws_ses.errors import (
    CircuitOpenError,
    CredentialsError,
    RateLimitTimeout,
    SesError,
    SesTransportError,
    TooManyRequestsException,
)

__all__ = [
    "EXIT_CREDENTIALS",
    "EXIT_ERROR",
    "EXIT_INTERRUPTED",
    "EXIT_TRANSIENT",
    "EXIT_USAGE",
    "CliError",
    "error_line",
    "exit_code_for",
    "print_error",
]

EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_CREDENTIALS = 3
EXIT_TRANSIENT = 4
EXIT_INTERRUPTED = 130


class CliError(Exception):
    """A user error the command line reports as one line (bad file, bad value)."""

    def __init__(self, message: str, code: int = EXIT_ERROR) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def exit_code_for(exc: BaseException) -> int:
    if isinstance(exc, KeyboardInterrupt):
        return EXIT_INTERRUPTED
    if isinstance(exc, CliError):
        return exc.code
    if isinstance(exc, CredentialsError):
        return EXIT_CREDENTIALS
    if isinstance(exc, TooManyRequestsException | RateLimitTimeout | CircuitOpenError):
        return EXIT_TRANSIENT
    if isinstance(exc, SesTransportError) or (isinstance(exc, SesError) and exc.retryable):
        return EXIT_TRANSIENT
    return EXIT_ERROR


def error_line(exc: BaseException) -> str:
    """The message for ``exc``: one line, no secrets (SesError messages hold none)."""
    if isinstance(exc, KeyboardInterrupt):
        return "aws-ses: interrupted"
    if isinstance(exc, CliError):
        text = exc.message
    elif isinstance(exc, CredentialsError):
        text = f"{exc.message}; set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or pass --profile"
    elif isinstance(exc, SesError):
        text = str(exc)
        if getattr(exc, "maybe_sent", False):
            text += " (the request may have reached SES)"
    elif isinstance(exc, OSError):
        name = f" {exc.filename}" if exc.filename else ""
        text = f"{exc.strerror or exc}:{name}" if exc.strerror else str(exc)
    else:
        text = f"{type(exc).__name__}: {exc}"
    return "aws-ses: error: " + " ".join(text.split())


def print_error(exc: BaseException, *, debug: bool, stream: IO[str] | None = None) -> None:
    out = stream or sys.stderr
    if debug and not isinstance(exc, KeyboardInterrupt):
        traceback.print_exception(exc, file=out)
        if isinstance(exc, SesError):
            print(
                f"aws-ses: debug: code={exc.code} status={exc.status} "
                f"request_id={exc.request_id} retryable={exc.retryable} "
                f"maybe_sent={exc.maybe_sent}",
                file=out,
            )
    print(error_line(exc), file=out)
