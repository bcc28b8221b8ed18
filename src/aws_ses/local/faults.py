"""Fault injection and state reset for tests of code that talks to SES.

``POST /_aws/ses/faults`` queues a fault::

    {"operation": "SendEmail" | null, "count": 1, "status": 503,
     "code": "ServiceUnavailable", "message": "...", "latency": 0.5,
     "drop_connection": false}

The next ``count`` SES calls of ``operation`` (of any operation when null)
take it: they wait ``latency`` seconds, then either lose their connection
(``drop_connection``), fail with ``status`` / ``code`` / ``message`` or, when
neither a status nor a code was given, proceed normally (a pure delay).
Faults are used in the order they were queued. ``GET`` lists the queue,
``DELETE`` empties it. ``DELETE /_aws/ses/state`` forgets everything the server
holds: resources, messages, events, quota counts and faults.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from aws_ses._model import operation, operation_names
from aws_ses.local.jsonbody import decode_json
from aws_ses.local.state import ApiError, ServerState

__all__ = [
    "FAULT_KIND",
    "Fault",
    "add_fault",
    "clear_faults",
    "list_faults",
    "reset_state",
    "routes",
    "take_fault",
]

FAULT_KIND = "fault"

# The HTTP status of the error codes a fault is likely to name without one.
_STATUS_OF = {
    "BadRequestException": 400,
    "NotFoundException": 404,
    "AlreadyExistsException": 400,
    "LimitExceededException": 400,
    "MessageRejected": 400,
    "SendingPausedException": 400,
    "AccountSuspendedException": 400,
    "MailFromDomainNotVerifiedException": 400,
    "ConcurrentModificationException": 500,
    "TooManyRequestsException": 429,
    "Throttling": 400,
    "ThrottlingException": 400,
    "InternalFailure": 500,
    "InternalServiceErrorException": 500,
    "ServiceUnavailable": 503,
}
_CODE_OF = {
    400: "BadRequestException",
    403: "AccessDeniedException",
    404: "NotFoundException",
    429: "TooManyRequestsException",
    500: "InternalFailure",
    503: "ServiceUnavailable",
}


@dataclass(frozen=True, slots=True)
class Fault:
    """What one affected call gets. ``status`` is None for a pure delay or a drop."""

    id: str
    operation: str | None
    remaining: int
    status: int | None
    code: str | None
    message: str | None
    latency: float
    drop_connection: bool

    @property
    def is_error(self) -> bool:
        return self.status is not None


class FaultSpecError(ValueError):
    """An admin request describing an impossible fault."""


_FIELDS = frozenset(
    {"operation", "count", "status", "code", "message", "latency", "drop_connection"}
)


def _operation_names() -> set[str]:
    return {operation(n).name for n in operation_names()}


def _number(spec: dict[str, Any], name: str, default: float) -> float:
    value = spec.get(name, default)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise FaultSpecError(f"'{name}' must be a number >= 0")
    return float(value)


def add_fault(state: ServerState, spec: dict[str, Any]) -> Fault:
    """Queue a fault described as in the module docstring."""
    unknown = sorted(set(spec) - _FIELDS)
    if unknown:
        raise FaultSpecError(
            f"unknown fault field(s): {', '.join(map(str, unknown))}; "
            f"the fields are {', '.join(sorted(_FIELDS))}"
        )
    op = spec.get("operation")
    if op is not None and (not isinstance(op, str) or op not in _operation_names()):
        raise FaultSpecError(f"'operation' must be an SES v2 operation name or null, not {op!r}")
    count = spec.get("count", 1)
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise FaultSpecError("'count' must be an integer >= 1")
    status = spec.get("status")
    code = spec.get("code")
    if status is not None and (
        isinstance(status, bool) or not isinstance(status, int) or not 400 <= status <= 599
    ):
        raise FaultSpecError("'status' must be an HTTP error status (400-599)")
    if code is not None and (not isinstance(code, str) or not code):
        raise FaultSpecError("'code' must be a non-empty string")
    if code is not None and status is None:
        status = _STATUS_OF.get(code, 400)
    if status is not None and code is None:
        code = _CODE_OF.get(status, "InternalFailure" if status >= 500 else "BadRequestException")
    message = spec.get("message")
    if status is not None and message is None:
        message = f"Injected fault: {code}"
    fault = Fault(
        id=uuid.uuid4().hex,
        operation=op,
        remaining=count,
        status=status,
        code=code,
        message=None if message is None else str(message),
        latency=_number(spec, "latency", 0.0),
        drop_connection=spec.get("drop_connection") is True,
    )
    with state.store.transaction():
        # Keys sort in queueing order; the store lists by insertion anyway.
        state.store.put(FAULT_KIND, fault.id, asdict(fault))
    return fault


def take_fault(state: ServerState, op_name: str) -> Fault | None:
    """The first queued fault matching ``op_name``, counting this call against it."""
    with state.store.transaction():
        for key, doc in state.store.list(FAULT_KIND):
            if doc.get("operation") not in (None, op_name):
                continue
            remaining = int(doc["remaining"]) - 1
            if remaining <= 0:
                state.store.delete(FAULT_KIND, key)
            else:
                state.store.put(FAULT_KIND, key, {**doc, "remaining": remaining})
            return Fault(**doc)
    return None


def list_faults(state: ServerState) -> list[dict[str, Any]]:
    return [doc for _, doc in state.store.list(FAULT_KIND)]


def clear_faults(state: ServerState) -> int:
    return state.store.clear(FAULT_KIND)


def reset_state(state: ServerState) -> None:
    """Forget everything, atomically: requests in flight finish first, later ones
    wait, and the store is emptied in place (the same connection, so nothing
    that holds it sees it closed)."""
    with state.gate.exclusive():
        state.store.clear_all()


# ------------------------------------------------------------------ routes


def _state(request: Request) -> ServerState:
    state: ServerState = request.app.state.ses
    return state


async def faults(request: Request) -> JSONResponse:
    state = _state(request)
    if request.method == "POST":
        try:
            spec = decode_json(await request.body() or b"{}")
            if not isinstance(spec, dict):
                raise FaultSpecError("the body must be a JSON object")
            fault = add_fault(state, spec)
        except ApiError as exc:
            return JSONResponse({"__type": exc.code, "message": exc.message}, status_code=400)
        except FaultSpecError as exc:
            return JSONResponse(
                {"__type": "BadRequestException", "message": str(exc)}, status_code=400
            )
        return JSONResponse({"fault": asdict(fault)})
    if request.method == "DELETE":
        return JSONResponse({"cleared": clear_faults(state)})
    return JSONResponse({"faults": list_faults(state)})


async def reset(request: Request) -> JSONResponse:
    await run_in_threadpool(reset_state, _state(request))
    return JSONResponse({"reset": True})


def routes() -> list[Route]:
    """The admin routes, for the core app to mount."""
    return [
        Route("/_aws/ses/faults", faults, methods=["GET", "POST", "DELETE"]),
        Route("/_aws/ses/state", reset, methods=["DELETE"]),
    ]
