"""One call as a plan of steps: the whole policy, with no I/O in it.

``call_plan`` is a generator. It validates and serializes the request, waits
its turn at the rate limiter, then for each attempt asks for credentials,
signs, and yields :class:`Send`; it yields :class:`Sleep` between attempts.
The driver (``aws_ses._drivers``) performs each step, the blocking or the
asyncio way, and sends the outcome back in (or throws the step's exception
in). Retries, the circuit breaker, the rate limiter, the deadline, tracing
and every error's ``maybe_sent`` / ``retryable`` are decided here, once, for
both clients.
"""

from __future__ import annotations

import os
from collections.abc import Generator
from typing import TYPE_CHECKING, Any, Final

from aws_ses._http import HttpRequest, HttpResponse, Timeout
from aws_ses._metadata import ResponseMetadata
from aws_ses._parse import parse_response, request_id_of
from aws_ses.errors import SesError, SesTimeoutError
from aws_ses.observability.observer import CallObserver, QuietObserver, observe
from aws_ses.resilience.classify import SEND_OPERATIONS, Kind, classify, counts_against_breaker
from aws_ses.resilience.retry import NO_RETRY_REFUND

if TYPE_CHECKING:
    from aws_ses._core import ClientCore
    from aws_ses._model import Operation
    from aws_ses.auth.credentials import Credentials
    from aws_ses.endpoints import ResolvedEndpoint
    from aws_ses.observability.hooks import RequestView, ResponseView
    from aws_ses.resilience.ratelimit import RateLimiter

__all__ = ["NEED_CREDENTIALS", "Acquire", "Call", "Hook", "Plan", "Send", "Sleep", "call_plan"]


class _Step:
    """A request from the plan to its driver: plain slots, compared by value.

    (Hand-written rather than dataclasses: building five dataclasses costs
    the cold start a few milliseconds, and these are made on every call.)
    """

    __slots__ = ()

    def __repr__(self) -> str:
        names: tuple[str, ...] = self.__slots__
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in names)
        return f"{type(self).__name__}({fields})"

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        names: tuple[str, ...] = self.__slots__
        return all(getattr(self, n) == getattr(other, n) for n in names)

    __hash__ = None  # type: ignore[assignment]  # mutable, compared by value


class Send(_Step):
    """Send this request; the driver answers with the ``HttpResponse``."""

    __slots__ = ("request", "timeout")

    def __init__(self, request: HttpRequest, timeout: Timeout) -> None:
        self.request = request
        self.timeout = timeout


class Sleep(_Step):
    """Wait this many seconds (the driver answers None)."""

    __slots__ = ("seconds",)

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds


class Acquire(_Step):
    """Wait for ``weight`` recipients of rate; the driver answers the seconds waited."""

    __slots__ = ("limiter", "max_wait", "weight")

    def __init__(self, limiter: RateLimiter, weight: float, max_wait: float | None) -> None:
        self.limiter = limiter
        self.weight = weight
        self.max_wait = max_wait


class Call(_Step):
    """Make another call first (``GetAccount`` for an "auto" rate); answers its result."""

    __slots__ = ("operation", "params")

    def __init__(self, operation: str, params: dict[str, Any]) -> None:
        self.operation = operation
        self.params = params


class Hook(_Step):
    """Run the user's ``request`` or ``response`` hooks with this redacted view."""

    __slots__ = ("event", "view")

    def __init__(self, event: str, view: RequestView | ResponseView) -> None:
        self.event = event
        self.view = view


class _NeedCredentials:
    """Load (or refresh) credentials; the driver answers with ``Credentials``."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "NEED_CREDENTIALS"


NEED_CREDENTIALS: Final = _NeedCredentials()

Step = Send | Sleep | Acquire | Call | Hook | _NeedCredentials
Plan = Generator[Step, Any, Any]


def call_plan(core: ClientCore, name: str, params: dict[str, Any]) -> Plan:
    """The plan for one call of operation ``name`` (snake_case) with wire-named params."""
    op, base, endpoint = core.build(name, params)  # raises before any I/O on bad input
    observer = observe(name, core.region, core.host, params, core.config)
    try:
        result = yield from _call(core, name, params, op, base, endpoint, observer)
    except BaseException as exc:  # the span and log record say how it ended
        observer.failure(exc)
        raise
    observer.success(result)
    return result


def _call(
    core: ClientCore,
    name: str,
    params: dict[str, Any],
    op: Operation,
    base: HttpRequest,
    endpoint: ResolvedEndpoint,
    observer: CallObserver | QuietObserver,
) -> Plan:
    config = core.config
    policy = core.retry
    runtime = core.runtime
    breaker = core.breaker
    max_attempts = policy.max_attempts
    deadline = config.deadline
    started = runtime.monotonic() if deadline is not None else 0.0
    if config.rate_limit is not None and config.rate_limit is not False:
        yield from _take_rate(core, name, params, observer)
    base.headers["amz-sdk-invocation-id"] = _invocation_id()
    maybe_sent = False  # across attempts: may any of them have reached SES?
    attempt = last_cost = 0
    while True:
        attempt += 1
        timeout = core.timeout
        if deadline is not None:
            remaining = deadline - (runtime.monotonic() - started)
            if remaining <= 0:
                raise _deadline_error(name, deadline, attempt - 1, maybe_sent)
            timeout = Timeout(min(timeout.connect, remaining), min(timeout.read, remaining))
        if breaker is not None:
            try:
                breaker.check()
            except SesError as exc:
                exc.attempts, exc.maybe_sent = attempt - 1, maybe_sent
                raise
        adaptive = policy.adaptive
        if adaptive is not None:
            wait = adaptive.delay()
            if wait > 0:
                yield Sleep(wait)
        # Each attempt is its own request, signed afresh (a retry must not
        # reuse a stale date or signature).
        headers = base.headers.copy()
        headers["amz-sdk-request"] = f"attempt={attempt}; max={max_attempts}"
        request = HttpRequest(base.method, base.url, headers, base.body)
        # Credentials that never expire need no trip through the driver.
        credentials: Credentials = core.ready_credentials() or (yield NEED_CREDENTIALS)
        core.sign(request, credentials, endpoint)
        request_view = observer.attempt(attempt, request)
        if request_view is not None:
            yield Hook("request", request_view)
        response: HttpResponse | None = None
        try:
            response = yield Send(request, timeout)
            response_view = observer.response(response.status, response.headers)
            if response_view is not None:
                yield Hook("response", response_view)
            result = parse_response(op, response)
        except SesError as exc:
            error = exc
        except BaseException:  # cancelled mid-attempt, or a hook raised
            if breaker is not None:
                breaker.release_probe()
            raise
        else:
            if breaker is not None:
                breaker.record(False)
            if adaptive is not None:
                adaptive.update(throttled=False)
            policy.quota.release(NO_RETRY_REFUND if attempt == 1 else last_cost)
            _attach_metadata(result, response, attempt)
            return result
        kind, this_maybe_sent = classify(error)
        maybe_sent = maybe_sent or this_maybe_sent
        if breaker is not None:
            breaker.record(counts_against_breaker(error))
        if adaptive is not None:
            adaptive.update(throttled=kind is Kind.THROTTLE)
        ambiguous = maybe_sent and name in SEND_OPERATIONS
        error.maybe_sent = maybe_sent
        error.attempts = attempt
        error.retryable = kind is not Kind.FATAL and not ambiguous
        if (
            kind is Kind.FATAL
            or attempt >= max_attempts
            or (ambiguous and not policy.retry_ambiguous_sends)
        ):
            raise error
        last_cost = policy.quota.acquire(kind)
        if not last_cost:
            raise error  # the retry quota is spent: the service is struggling
        delay = policy.delay(attempt, kind, response.headers if response is not None else None)
        if deadline is not None and runtime.monotonic() - started + delay >= deadline:
            raise _deadline_error(name, deadline, attempt, maybe_sent) from error
        observer.retry(attempt, delay, error)
        yield Sleep(delay)


# The version nibble and the variant's two bits of a random (version 4) UUID.
_VARIANT = {c: "89ab"[int(c, 16) & 3] for c in "0123456789abcdef"}


def _invocation_id() -> str:
    """A random UUID (RFC 9562 version 4) as text, as ``str(uuid.uuid4())`` gives it."""
    h = os.urandom(16).hex()
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{_VARIANT[h[16]]}{h[17:20]}-{h[20:]}"


def _take_rate(
    core: ClientCore, name: str, params: dict[str, Any], observer: CallObserver | QuietObserver
) -> Generator[Step, Any, None]:
    """Wait this send's share of the recipients-per-second rate."""
    from aws_ses.resilience.ratelimit import limiter_for, recipient_weight

    weight = recipient_weight(name, params)
    if not weight:
        return
    credentials: Credentials = yield NEED_CREDENTIALS
    limiter = limiter_for(core.config, region=core.region, account_key=credentials.access_key_id)
    if limiter is None:
        return
    if limiter.needs_rate():  # "auto": this caller reads the account's MaxSendRate
        try:
            account = yield Call("get_account", {})
        except SesError as exc:
            core.rate_unknown(limiter, exc)
        else:
            quota = getattr(account, "send_quota", None)
            rate = getattr(quota, "max_send_rate", None)
            if rate:
                limiter.set_rate(rate)
            else:
                core.rate_unknown(limiter, None)
    waited = yield Acquire(limiter, weight, core.config.rate_limit_max_wait)
    if waited > 0:
        observer.rate_wait(waited)


def _attach_metadata(result: Any, response: HttpResponse, attempt: int) -> None:
    if result is None:
        return
    result.response_metadata = ResponseMetadata(
        request_id=request_id_of(response),
        http_status_code=response.status,
        retry_attempts=attempt - 1,
        http_headers=response.headers,
    )


def _deadline_error(name: str, deadline: float, attempts: int, maybe_sent: bool) -> SesTimeoutError:
    error = SesTimeoutError(
        f"{name} did not complete within its deadline of {deadline:g}s "
        f"({attempts} attempt{'s' if attempts != 1 else ''})",
        sent=maybe_sent,
    )
    error.attempts = attempts
    error.retryable = False
    return error
