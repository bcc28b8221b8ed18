"""Canned SES v2 responses, generated from the service model when asked for.

Every operation gets a complete response built from its output shape, with
values that are deterministic (the same on every run) and obviously fake:
strings read ``fake-<member-name>``, addresses ``fake@example.com``, ARNs
live in account ``000000000000``, timestamps are 2000-01-01T00:00:00Z,
numbers are 1, lists hold one item and maps one entry. An enum takes its
success-like value when it has one (``SUCCESS``, ``ENABLED``...), else its
first value in alphabetical order. Paging tokens are left out, so a
paginator stops after one page.

Every SES v2 error shape has its HTTP status and a plausible message, so
``canned_error("NotFoundException")`` answers exactly as SES would.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any, Final

from aws_ses._http import HttpResponse
from aws_ses.transport.mock import error_response, json_response

__all__ = [
    "ERROR_SHAPES",
    "FAKE_TIMESTAMP",
    "canned_body",
    "canned_error",
    "canned_response",
    "error_shapes",
]

#: 2000-01-01T00:00:00Z in epoch seconds: no real SES reply carries it.
FAKE_TIMESTAMP: Final = 946_684_800
_PREFERRED_ENUM: Final = (
    "SUCCESS",
    "SUCCESSFUL",
    "SUCCEEDED",
    "COMPLETED",
    "ENABLED",
    "ACTIVE",
    "HEALTHY",
    "VERIFIED",
    "GRANTED",
)

#: Error shape -> (HTTP status, default message), as SES v2 answers them.
ERROR_SHAPES: Final[Mapping[str, tuple[int, str]]] = {
    "AccountSuspendedException": (400, "The account has been suspended from sending email."),
    "AlreadyExistsException": (400, "The resource already exists."),
    "BadRequestException": (400, "The request is not valid."),
    "ConcurrentModificationException": (500, "The resource is being modified by another call."),
    "ConflictException": (409, "The request conflicts with the resource's current state."),
    "InternalServiceErrorException": (500, "An internal error occurred."),
    "InvalidNextTokenException": (400, "The NextToken is not valid."),
    "LimitExceededException": (400, "A limit of the account has been reached."),
    "MailFromDomainNotVerifiedException": (400, "The MAIL FROM domain is not verified."),
    "MessageRejected": (
        400,
        "Email address is not verified. The following identities failed the check in "
        "region US-EAST-1: fake@example.com",
    ),
    "NotFoundException": (404, "The resource does not exist."),
    "SendingPausedException": (400, "Sending is paused for this account."),
    "TooManyRequestsException": (429, "Maximum sending rate exceeded."),
}


def error_shapes() -> list[str]:
    """Every error shape any SES v2 operation may return, from the model."""
    from aws_ses._generated.model import OPERATIONS

    found: set[str] = set()
    for entry in OPERATIONS.values():
        if len(entry) > 5 and entry[5]:
            found.update(entry[5])
    return sorted(found)


def canned_error(
    code: str, message: str | None = None, *, status: int | None = None
) -> HttpResponse:
    """The error response SES gives for ``code`` (an error shape name or any code).

    ``status`` and ``message`` default to the shape's own (400 and a generic
    message for a code that is not an SES error shape).
    """
    if not isinstance(code, str) or not code:
        raise ValueError("code must be a non-empty error code such as 'MessageRejected'")
    default_status, default_message = ERROR_SHAPES.get(code, (400, f"{code} (fake error)"))
    return error_response(
        code,
        default_message if message is None else message,
        default_status if status is None else status,
    )


def _operation(name: str) -> Any:
    from aws_ses._model import operation, operation_names

    names = operation_names()
    if name in names:
        return operation(name)
    for py_name in names:  # the SES name, "SendEmail"
        op = operation(py_name)
        if op.name == name:
            return op
    raise ValueError(f"{name!r} is not an SES v2 operation (use a name like 'send_email')")


@functools.cache
def _canned(name: str) -> Any:
    op = _operation(name)
    if op.output is None:
        return {}
    skip = {op.paginator.output_token} if op.paginator else set()
    return _value(op.output, "", frozenset(), skip)


def canned_body(operation: str) -> dict[str, Any]:
    """The canned response body of ``operation`` (wire names), a fresh copy."""
    body = _canned(operation)
    return _copy(body) if isinstance(body, dict) else {}


def canned_response(operation: str, **overrides: Any) -> HttpResponse:
    """A 200 response for ``operation`` (``"send_email"`` or ``"SendEmail"``).

    ``overrides`` replace top-level members by wire name
    (``canned_response("send_email", MessageId="m-1")``).
    """
    body = canned_body(operation)
    body.update(overrides)
    return json_response(body)


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


def _dashed(py_name: str) -> str:
    return py_name.replace("_", "-") or "value"


def _string(shape_name: str, member: str, enum: frozenset[str] | None) -> str:
    if enum:
        for preferred in _PREFERRED_ENUM:
            if preferred in enum:
                return preferred
        return sorted(enum)[0]
    lowered = member.lower()
    if lowered.endswith("_arn") or lowered == "arn":
        return f"arn:aws:ses:us-east-1:000000000000:fake/{_dashed(member)}"
    if "EmailAddress" in shape_name or lowered.endswith("email_address") or lowered == "email":
        return "fake@example.com"
    return f"fake-{_dashed(member)}"


def _value(shape_name: str, member: str, seen: frozenset[str], skip: set[str]) -> Any:
    from aws_ses._model import shape

    sh = shape(shape_name)
    kind = sh.kind
    if kind == "structure":
        seen = seen | {shape_name}
        out: dict[str, Any] = {}
        for m in sh.members:
            if m.wire in skip or m.location is not None:
                continue
            target = shape(m.shape)
            nested = {target.name, target.member, target.value} & seen
            if nested and target.kind in ("structure", "list", "map"):
                continue  # a recursive shape: stop here rather than loop
            out[m.wire] = _value(m.shape, m.py, seen, set())
        return out
    if kind == "list":
        return [_value(sh.member or "", member, seen, set())]
    if kind == "map":
        return {"fake-key": _value(sh.value or "", member, seen, set())}
    if kind == "string":
        return _string(shape_name, member, sh.enum)
    if kind in ("integer", "long"):
        return max(1, sh.min or 1)
    if kind == "double":
        return 1.0
    if kind == "boolean":
        return True
    if kind == "timestamp":
        return FAKE_TIMESTAMP
    if kind == "blob":
        return "ZmFrZQ=="  # b"fake"
    raise AssertionError(f"unknown shape kind {kind}")  # pragma: no cover
