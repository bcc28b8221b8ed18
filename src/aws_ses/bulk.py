"""Templated bulk sending: any number of entries, 50 per ``SendBulkEmail`` call.

The pure part (checking entries, splitting them into calls, turning each
call's answer or failure into per-entry results, choosing what may be sent
again) is written once here; the sync and async clients differ only in the
small loops :func:`run_bulk` and :func:`run_bulk_async` that make the calls.

Every entry is checked before the first call, so a bad entry at position
1,200 never leaves 1,199 mails sent and the rest not. Results come back in
the caller's order, one per entry, whatever happened to its call:

* a call SES answered gives each entry SES's own status (``SUCCESS``,
  ``MESSAGE_REJECTED``, ``TRANSIENT_FAILURE``, ...);
* a throttled call (``TooManyRequestsException`` for the sending rate) marks
  its entries ``ACCOUNT_THROTTLED``; over the daily quota,
  ``ACCOUNT_DAILY_QUOTA_EXCEEDED`` (waiting seconds will not help);
* a call that never left this machine (``SesTransportError`` with
  ``sent=False``) marks them ``TRANSIENT_FAILURE``;
* a call that may have reached SES (``sent=True``: a read timeout, a reset
  connection) marks them ``UNKNOWN``, *not* transient: SES has no
  idempotency token, so sending them again could deliver twice;
* any other error marks them ``FAILED`` with the error code.

``retry_failed()`` sends again only the entries whose status is transient
(``TRANSIENT_FAILURE``, ``ACCOUNT_THROTTLED``) and never one that succeeded.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Generic, TypeVar, overload

from aws_ses import _rules
from aws_ses._encoders import Invalid, encoder, join
from aws_ses._model import operation, shape
from aws_ses._serialize import PreparedParams, prepared, to_wire
from aws_ses.addresses import format_address
from aws_ses.email_builder import (
    apply_rule,
    check_headers,
    check_tags,
    encode_header_value,
    encode_template_data,
    expect_type,
    tag_pairs,
)
from aws_ses.errors import (
    CircuitOpenError,
    DailyQuotaExceeded,
    RateLimitTimeout,
    SesError,
    SesTransportError,
    SesValidationError,
    TooManyRequestsException,
)

__all__ = [
    "MAX_BULK_ENTRIES",
    "TRANSIENT_STATUSES",
    "AsyncBulkResult",
    "BulkEmailBuilder",
    "BulkEntry",
    "BulkEntryResult",
    "BulkResult",
    "BulkSend",
    "plan_chunks",
    "run_bulk",
    "run_bulk_async",
]

T = TypeVar("T")
R = TypeVar("R")

MAX_BULK_ENTRIES = _rules.MAX_BULK_ENTRIES  # entries per SendBulkEmail call
#: Entry statuses worth sending again: nothing was delivered, and SES said so.
TRANSIENT_STATUSES = frozenset({"TRANSIENT_FAILURE", "ACCOUNT_THROTTLED"})
SUCCESS = "SUCCESS"
UNKNOWN = "UNKNOWN"

Invoke = Callable[[str, dict[str, Any]], Any]
AsyncInvoke = Callable[[str, dict[str, Any]], Awaitable[Any]]


def _as_list(value: str | Iterable[str] | None) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):  # one address, not its letters
        return [value]
    return list(value)


@dataclass(frozen=True, slots=True)
class BulkEntry:
    """One recipient group of a bulk send.

    ``to``/``cc``/``bcc`` take a list of addresses (a single string is one
    address). ``template_data`` replaces the default data for this entry: a
    mapping, JSON text, a msgspec Struct or a dataclass instance. ``tags``
    and ``headers`` replace the defaults of the same name.
    """

    to: list[str] = field(default_factory=list)
    cc: list[str] = field(default_factory=list)
    bcc: list[str] = field(default_factory=list)
    template_data: Any = None
    tags: Mapping[str, str] | None = None
    headers: Mapping[str, str] | None = None

    def __post_init__(self) -> None:
        # Accept a lone string or any iterable; store lists.
        for name in ("to", "cc", "bcc"):
            object.__setattr__(self, name, _as_list(getattr(self, name)))

    @classmethod
    def of(cls, value: BulkEntry | Mapping[str, Any] | str) -> BulkEntry:
        """An entry from an entry, a mapping of its fields, or one address."""
        if isinstance(value, BulkEntry):
            return value
        if isinstance(value, str):
            if cls is BulkEntry:  # the common case of a big send: built without __init__
                return _entry_of_address(value)
            return cls(to=[value])
        if isinstance(value, Mapping):
            unknown = set(value) - {f.name for f in dataclasses.fields(cls)}
            if unknown:
                raise SesValidationError(
                    ", ".join(sorted(unknown)),
                    "not a BulkEntry field (to, cc, bcc, template_data, tags, headers)",
                )
            return cls(**value)
        raise TypeError(f"a bulk entry is a BulkEntry, a mapping or an address, not {value!r}")


# Bulk sends make two frozen, slotted dataclass records per entry. Their
# ``__init__`` sets every field through ``object.__setattr__`` (and BulkEntry's
# runs ``__post_init__``), which cost more than the calls themselves for a
# big send; the hot paths below write the slots directly instead, with values
# already in their final form. tests/test_bulk_fast_paths.py checks that the
# records equal those the constructors build, field for field.
_new = object.__new__
_set_to, _set_cc, _set_bcc, _set_data, _set_tags, _set_headers = (
    getattr(BulkEntry, name).__set__
    for name in ("to", "cc", "bcc", "template_data", "tags", "headers")
)


def _entry_of_address(address: str) -> BulkEntry:
    """``BulkEntry(to=[address])``."""
    entry: BulkEntry = _new(BulkEntry)
    _set_to(entry, [address])
    _set_cc(entry, [])
    _set_bcc(entry, [])
    _set_data(entry, None)
    _set_tags(entry, None)
    _set_headers(entry, None)
    return entry


@dataclass(frozen=True, slots=True)
class BulkEntryResult:
    """What happened to one entry.

    ``index`` is its position in the caller's list. ``status`` is SES's
    ``BulkEmailStatus`` (or ``UNKNOWN``, see the module notes); ``error`` the
    SES error code, ``message`` a human explanation. ``transient`` says
    whether ``retry_failed()`` will send it again; ``attempts`` counts the
    calls that carried it.
    """

    index: int
    entry: BulkEntry
    status: str
    message_id: str | None = None
    error: str | None = None
    message: str | None = None
    transient: bool = False
    attempts: int = 1

    @property
    def ok(self) -> bool:
        return self.status == SUCCESS


(
    _set_index, _set_entry, _set_status, _set_message_id, _set_error, _set_message,
    _set_transient, _set_attempts,
) = (
    getattr(BulkEntryResult, name).__set__
    for name in ("index", "entry", "status", "message_id", "error", "message", "transient",
                 "attempts")
)  # fmt: skip


def _result(
    index: int,
    entry: BulkEntry,
    status: str,
    message_id: str | None,
    error: str | None,
    message: str | None,
    transient: bool,
) -> BulkEntryResult:
    """``BulkEntryResult(index, entry, status, message_id, error, message, transient)``."""
    result: BulkEntryResult = _new(BulkEntryResult)
    _set_index(result, index)
    _set_entry(result, entry)
    _set_status(result, status)
    _set_message_id(result, message_id)
    _set_error(result, error)
    _set_message(result, message)
    _set_transient(result, transient)
    _set_attempts(result, 1)
    return result


def _chunk_size(size: int) -> int:
    if isinstance(size, bool) or not isinstance(size, int) or not 1 <= size <= MAX_BULK_ENTRIES:
        raise SesValidationError(
            "chunk_size", f"must be an integer from 1 to {MAX_BULK_ENTRIES}, not {size!r}"
        )
    return size


def plan_chunks(items: Sequence[T], size: int = MAX_BULK_ENTRIES) -> list[list[T]]:
    """Split ``items`` into consecutive calls of at most ``size`` (1 to 50), in order."""
    size = _chunk_size(size)
    return [list(items[start : start + size]) for start in range(0, len(items), size)]


def _prefixed(prefix: str, fn: Callable[[], T]) -> T:
    try:
        return fn()
    except SesValidationError as exc:
        raise SesValidationError(prefix + exc.field, exc.problem) from None


@dataclass(frozen=True, slots=True)
class _Chunk:
    positions: list[int]
    entries: list[BulkEntry]
    params: PreparedParams


@dataclass(frozen=True, slots=True, kw_only=True)
class BulkSend:
    """A checked-on-send description of a bulk send; the builders make these.

    ``positions`` maps each entry to its index in the caller's list (it is
    set when a retry sends a subset).
    """

    from_: str
    template: str
    entries: tuple[BulkEntry, ...]
    positions: tuple[int, ...] | None = None
    default_template_data: str = "{}"
    configuration_set: str | None = None
    reply_to: tuple[str, ...] = ()
    default_tags: Mapping[str, str] = field(default_factory=dict)
    headers: tuple[tuple[str, str], ...] = ()
    feedback_forwarding_email: str | None = None
    chunk_size: int = MAX_BULK_ENTRIES
    max_concurrency: int = 4

    @classmethod
    def create(
        cls,
        from_: str,
        template_name: str,
        entries: Iterable[BulkEntry | Mapping[str, Any] | str],
        *,
        default_template_data: Any = None,
        configuration_set: str | None = None,
        default_tags: Mapping[str, str] | None = None,
        reply_to: str | Iterable[str] | None = None,
        headers: Mapping[str, str] | None = None,
        feedback_forwarding_email: str | None = None,
        chunk_size: int = MAX_BULK_ENTRIES,
        max_concurrency: int = 4,
    ) -> BulkSend:
        """Build one from the arguments of ``client.send_bulk``."""
        data = (
            "{}"
            if default_template_data is None
            else encode_template_data(default_template_data, field="default_template_data")
        )
        return cls(
            from_=from_,
            template=template_name,
            entries=tuple(BulkEntry.of(e) for e in entries),
            default_template_data=data,
            configuration_set=configuration_set,
            default_tags=dict(default_tags or {}),
            reply_to=tuple(_as_list(reply_to)),
            headers=tuple((headers or {}).items()),
            feedback_forwarding_email=feedback_forwarding_email,
            chunk_size=chunk_size,
            max_concurrency=max_concurrency,
        )

    def subset(self, positions: Sequence[int], entries: Sequence[BulkEntry]) -> BulkSend:
        """The same send for some entries only (what a retry sends)."""
        return dataclasses.replace(self, entries=tuple(entries), positions=tuple(positions))

    def prepare(self) -> list[_Chunk]:
        """Check everything and return the parameters of every call; no I/O.

        Raises :class:`SesValidationError` naming the field, with entries
        named by their index in the caller's list
        (``entries[1200].destination.to_addresses[0]``). Each entry is validated
        and encoded once; the calls' bodies are assembled from the results.
        """
        if isinstance(self.max_concurrency, bool) or not (
            isinstance(self.max_concurrency, int) and self.max_concurrency >= 1
        ):
            raise SesValidationError("max_concurrency", "must be a positive integer")
        if not self.from_:
            raise SesValidationError("from_", "a bulk send needs a sender: call from_()")
        if not self.template:
            raise SesValidationError("template", "a bulk send needs a template name")
        if not isinstance(self.template, str):
            raise SesValidationError("template", "expected a template name (str)")
        apply_rule(_rules.check_name, self.template, "template")
        template: dict[str, Any] = {
            "TemplateName": self.template,
            "TemplateData": encode_template_data(
                self.default_template_data, field="default_template_data"
            ),
        }
        if self.headers:
            template["Headers"] = _wire_headers(check_headers(list(self.headers)))
        raw: dict[str, Any] = {
            "FromEmailAddress": self.from_,  # "Name <addr>" keeps its display name
            "DefaultContent": {"Template": template},
        }
        if self.reply_to:
            raw["ReplyToAddresses"] = list(self.reply_to)
        if self.default_tags:
            raw["DefaultEmailTags"] = _prefixed("default_", partial(check_tags, self.default_tags))
        if self.configuration_set is not None:
            raw["ConfigurationSetName"] = self.configuration_set
        if self.feedback_forwarding_email is not None:
            raw["FeedbackForwardingEmailAddress"] = self.feedback_forwarding_email
        op = operation("send_bulk_email")
        request_shape = shape(op.input or "")
        # Every common member and every entry is validated and encoded once,
        # by the same walk a flat call goes through; the calls only assemble them.
        common: dict[str, Any] = {}
        for name, value in raw.items():
            member = request_shape.lookup(name)
            assert member is not None
            common[name] = to_wire(value, shape(member.shape), _COMMON_NAMES.get(name, member.py))
        positions = self.positions or tuple(range(len(self.entries)))
        pairs = list(zip(positions, self.entries, strict=True))
        wire = _entries_wire(pairs)
        chunks: list[_Chunk] = []
        for start in range(0, len(pairs), _chunk_size(self.chunk_size)):
            group = pairs[start : start + self.chunk_size]
            body = dict(common, BulkEmailEntries=wire[start : start + self.chunk_size])
            chunks.append(_Chunk([p for p, _ in group], [e for _, e in group], prepared(op, body)))
        return chunks


# What the caller called the common members (the BulkSend fields), for errors.
_COMMON_NAMES = {
    "FromEmailAddress": "from_",
    "ReplyToAddresses": "reply_to",
    "ConfigurationSetName": "configuration_set_name",
    "FeedbackForwardingEmailAddress": "feedback_forwarding_email",
    "DefaultEmailTags": "default_tags",
    "DefaultContent": "default_content",
}


def _entries_wire(pairs: list[tuple[int, BulkEntry]]) -> list[dict[str, Any]]:
    """Every entry validated and encoded once, in order; errors name ``entries[i]``."""
    entry_shape = shape("BulkEmailEntry")
    address = encoder("EmailAddress")
    out: list[dict[str, Any]] = []
    append = out.append
    for position, entry in pairs:
        to = entry.to
        if (
            len(to) == 1
            and not entry.cc
            and not entry.bcc
            and entry.template_data is None
            and not entry.tags
            and not entry.headers
        ):
            # One To address and nothing else, the usual entry: of everything
            # BulkEmailEntry's encoder checks only the address can fail (one
            # recipient is within the count, there are no headers), so it is
            # checked alone and the wire form written directly.
            try:
                append({"Destination": {"ToAddresses": [address(to[0])]}})
            except Invalid as exc:
                field = join(f"entries[{position}].destination.to_addresses[0]", exc.where)
                raise SesValidationError(field, exc.problem) from None
            continue
        try:
            raw = _entry_wire(entry)  # its own checks: tags, headers, template data
        except SesValidationError as exc:
            raise SesValidationError(f"entries[{position}].{exc.field}", exc.problem) from None
        append(to_wire(raw, entry_shape, f"entries[{position}]"))
    return out


def _wire_headers(headers: list[tuple[str, str]]) -> list[dict[str, str]]:
    return [{"Name": n, "Value": encode_header_value(v)} for n, v in headers]


def _entry_wire(entry: BulkEntry) -> dict[str, Any]:
    """An entry as wire members; addresses and counts are checked by the model walk."""
    destination: dict[str, list[str]] = {}
    for kind, wire_name in (("to", "ToAddresses"), ("cc", "CcAddresses"), ("bcc", "BccAddresses")):
        addresses = getattr(entry, kind)
        if addresses:
            destination[wire_name] = list(addresses)
    out: dict[str, Any] = {"Destination": destination}
    if entry.template_data is not None:
        out["ReplacementEmailContent"] = {
            "ReplacementTemplate": {
                "ReplacementTemplateData": encode_template_data(entry.template_data)
            }
        }
    if entry.tags:
        out["ReplacementTags"] = check_tags(dict(tag_pairs(entry.tags)))
    if entry.headers:
        out["ReplacementHeaders"] = _wire_headers(check_headers(list(entry.headers.items())))
    return out


def _failure_status(exc: SesError) -> tuple[str, bool]:
    """(status, transient) for every entry of a call that raised ``exc``."""
    if exc.maybe_sent:
        # SES may have accepted the call (5xx, lost reply, unreadable reply):
        # sending again risks duplicates, so the outcome is unknown.
        return UNKNOWN, False
    if isinstance(exc, DailyQuotaExceeded):
        return "ACCOUNT_DAILY_QUOTA_EXCEEDED", False
    if isinstance(exc, TooManyRequestsException):
        return "ACCOUNT_THROTTLED", True
    if isinstance(exc, SesTransportError | CircuitOpenError | RateLimitTimeout):
        # Nothing left the machine (or the breaker/limiter held it): safe later.
        return "TRANSIENT_FAILURE", True
    return "FAILED", False


def _chunk_results(chunk: _Chunk, outcome: Any) -> list[BulkEntryResult]:
    """Per-entry results of one call, from its response or its exception."""
    pairs = zip(chunk.positions, chunk.entries, strict=True)
    if isinstance(outcome, SesError):
        status, transient = _failure_status(outcome)
        code, message = outcome.code, outcome.message
        return [_result(p, e, status, None, code, message, transient) for p, e in pairs]
    rows = list(getattr(outcome, "bulk_email_entry_results", None) or ())
    results: list[BulkEntryResult] = []
    append = results.append
    for i, (p, e) in enumerate(pairs):
        if i >= len(rows):  # SES answers one row per entry; never guess a success
            missing = "SES returned no result for this entry"
            append(_result(p, e, UNKNOWN, None, None, missing, False))
            continue
        row = rows[i]
        status = row.status or UNKNOWN
        error = row.error if status != SUCCESS else None
        append(_result(p, e, status, row.message_id, error, None, status in TRANSIENT_STATUSES))
    return results


class _BulkResultBase:
    """What :class:`BulkResult` and :class:`AsyncBulkResult` share (all but I/O)."""

    __slots__ = ("_request", "calls", "results")

    def __init__(self, results: list[BulkEntryResult], calls: int, request: BulkSend) -> None:
        self.results = sorted(results, key=lambda r: r.index)
        self.calls = calls
        self._request = request

    @property
    def succeeded(self) -> list[BulkEntryResult]:
        return [r for r in self.results if r.status == SUCCESS]

    @property
    def failed(self) -> list[BulkEntryResult]:
        """Every entry that did not succeed (transient or not)."""
        return [r for r in self.results if r.status != SUCCESS]

    @property
    def transient(self) -> list[BulkEntryResult]:
        """The failed entries ``retry_failed()`` would send again."""
        return [r for r in self.results if r.transient]

    @property
    def ok(self) -> bool:
        return all(r.status == SUCCESS for r in self.results)

    def __len__(self) -> int:
        return len(self.results)

    def __iter__(self) -> Iterator[BulkEntryResult]:
        return iter(self.results)

    @overload
    def __getitem__(self, index: int) -> BulkEntryResult: ...
    @overload
    def __getitem__(self, index: slice) -> list[BulkEntryResult]: ...
    def __getitem__(self, index: int | slice) -> BulkEntryResult | list[BulkEntryResult]:
        return self.results[index]

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(entries={len(self.results)}, "
            f"succeeded={len(self.succeeded)}, failed={len(self.failed)}, calls={self.calls})"
        )

    def _retry_request(self) -> BulkSend | None:
        again = self.transient
        if not again:
            return None
        return self._request.subset([r.index for r in again], [r.entry for r in again])

    def _merged(self, retry: _BulkResultBase) -> tuple[list[BulkEntryResult], int]:
        by_index = {r.index: r for r in self.results}
        for r in retry.results:
            by_index[r.index] = dataclasses.replace(r, attempts=by_index[r.index].attempts + 1)
        return list(by_index.values()), self.calls + retry.calls


class BulkResult(_BulkResultBase):
    """Results of a bulk send on the sync client, in the caller's order.

    ``calls`` counts the ``SendBulkEmail`` calls made (retries included).
    """

    __slots__ = ("_invoke",)

    def __init__(
        self, results: list[BulkEntryResult], calls: int, request: BulkSend, invoke: Invoke
    ) -> None:
        super().__init__(results, calls, request)
        self._invoke = invoke

    def retry_failed(self) -> BulkResult:
        """Send the transient failures once more; return the merged result.

        Entries that succeeded, or whose fate is unknown, are never sent again.
        Throttled entries are better retried after a pause.
        """
        request = self._retry_request()
        if request is None:
            return self
        results, calls = self._merged(run_bulk(self._invoke, request))
        return BulkResult(results, calls, self._request, self._invoke)


class AsyncBulkResult(_BulkResultBase):
    """Results of a bulk send on the async client; ``await result.retry_failed()``."""

    __slots__ = ("_invoke",)

    def __init__(
        self,
        results: list[BulkEntryResult],
        calls: int,
        request: BulkSend,
        invoke: AsyncInvoke,
    ) -> None:
        super().__init__(results, calls, request)
        self._invoke = invoke

    async def retry_failed(self) -> AsyncBulkResult:
        """Send the transient failures once more (see :meth:`BulkResult.retry_failed`)."""
        request = self._retry_request()
        if request is None:
            return self
        results, calls = self._merged(await run_bulk_async(self._invoke, request))
        return AsyncBulkResult(results, calls, self._request, self._invoke)


def run_bulk(invoke: Invoke, request: BulkSend) -> BulkResult:
    """Send ``request`` with a sync ``_invoke``, ``max_concurrency`` threads at once."""
    chunks = request.prepare()

    def one(chunk: _Chunk) -> list[BulkEntryResult]:
        try:
            outcome = invoke("send_bulk_email", chunk.params)
        except SesError as exc:
            outcome = exc
        return _chunk_results(chunk, outcome)

    workers = min(request.max_concurrency, len(chunks))
    if workers <= 1:
        parts = [one(chunk) for chunk in chunks]
    else:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(workers, thread_name_prefix="aws-ses-bulk") as pool:
            parts = list(pool.map(one, chunks))  # results stay in entry order
    return BulkResult([r for part in parts for r in part], len(chunks), request, invoke)


async def run_bulk_async(invoke: AsyncInvoke, request: BulkSend) -> AsyncBulkResult:
    """Send ``request`` with an async ``_invoke``, at most ``max_concurrency`` calls at once."""
    chunks = request.prepare()
    done: list[list[BulkEntryResult]] = [[] for _ in chunks]
    todo = iter(range(len(chunks)))

    # A fixed pool of workers pulling from one iterator bounds the calls in
    # flight without creating a task per chunk (a million entries would be
    # 20,000 tasks).
    async def worker() -> None:
        for i in todo:
            try:
                outcome = await invoke("send_bulk_email", chunks[i].params)
            except SesError as exc:
                outcome = exc
            done[i] = _chunk_results(chunks[i], outcome)

    async with asyncio.TaskGroup() as group:
        for _ in range(min(request.max_concurrency, len(chunks))):
            group.create_task(worker())
    return AsyncBulkResult([r for part in done for r in part], len(chunks), request, invoke)


class BulkEmailBuilder(Generic[R]):
    """Collects a templated bulk send fluently; ``send()`` makes the calls.

    ``client.bulk_email_builder()`` returns one whose ``send()`` returns a
    :class:`BulkResult` (sync) or an awaitable :class:`AsyncBulkResult`.
    """

    def __init__(self, run: Callable[[BulkSend], R]) -> None:
        self._run = run
        self._from = ""
        self._template = ""
        self._default_data: str = "{}"
        self._configuration_set: str | None = None
        self._reply_to: list[str] = []
        self._default_tags: dict[str, str] = {}
        self._headers: list[tuple[str, str]] = []
        self._feedback: str | None = None
        self._entries: list[BulkEntry] = []
        self._chunk_size = MAX_BULK_ENTRIES
        self._max_concurrency = 4

    def from_(self, email: str) -> BulkEmailBuilder[R]:
        expect_type(email, str, "from_")
        self._from = email
        return self

    def from_name(self, name: str, email: str) -> BulkEmailBuilder[R]:
        """The sender with a display name (RFC 2047-encoded when not ASCII)."""
        expect_type(name, str, "from_name.name")
        expect_type(email, str, "from_name.email")
        self._from = format_address(email, name, field="from_")
        return self

    def template(self, name: str) -> BulkEmailBuilder[R]:
        expect_type(name, str, "template")
        self._template = name
        return self

    def default_template_data(self, data: Any) -> BulkEmailBuilder[R]:
        """Data for entries without their own: a mapping, Struct, dataclass or JSON text."""
        self._default_data = encode_template_data(data, field="default_template_data")
        return self

    def configuration_set(self, name: str) -> BulkEmailBuilder[R]:
        expect_type(name, str, "configuration_set")
        self._configuration_set = name
        return self

    def reply_to(self, email: str) -> BulkEmailBuilder[R]:
        expect_type(email, str, "reply_to")
        self._reply_to.append(email)
        return self

    def reply_to_many(self, emails: Iterable[str]) -> BulkEmailBuilder[R]:
        self._reply_to.extend(_as_list(emails))
        return self

    def default_tags(self, tags: Mapping[str, str]) -> BulkEmailBuilder[R]:
        self._default_tags.update(tags)
        return self

    def default_tag(self, name: str, value: str) -> BulkEmailBuilder[R]:
        expect_type(name, str, "default_tag.name")
        expect_type(value, str, "default_tag.value")
        self._default_tags[name] = value
        return self

    def header(self, name: str, value: str) -> BulkEmailBuilder[R]:
        """A header on every message (an entry's ``headers`` may replace it)."""
        expect_type(name, str, "header.name")
        expect_type(value, str, "header.value")
        self._headers.append((name, value))
        return self

    def feedback_forwarding_email(self, email: str) -> BulkEmailBuilder[R]:
        expect_type(email, str, "feedback_forwarding_email")
        self._feedback = email
        return self

    def chunk_size(self, size: int) -> BulkEmailBuilder[R]:
        """Entries per call, 1 to 50 (default 50)."""
        self._chunk_size = size
        return self

    def max_concurrency(self, calls: int) -> BulkEmailBuilder[R]:
        """Calls in flight at once on the async client (default 4)."""
        self._max_concurrency = calls
        return self

    def entry(
        self,
        to: str | Iterable[str] | None = None,
        *,
        cc: str | Iterable[str] | None = None,
        bcc: str | Iterable[str] | None = None,
        template_data: Any = None,
        tags: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> BulkEmailBuilder[R]:
        self._entries.append(
            BulkEntry(
                to=_as_list(to),
                cc=_as_list(cc),
                bcc=_as_list(bcc),
                template_data=template_data,
                tags=tags,
                headers=headers,
            )
        )
        return self

    def entries(
        self, entries: Iterable[BulkEntry | Mapping[str, Any] | str]
    ) -> BulkEmailBuilder[R]:
        """Many entries: :class:`BulkEntry` objects, mappings of its fields, or addresses."""
        self._entries.extend(BulkEntry.of(e) for e in entries)
        return self

    def build(self) -> BulkSend:
        """The checked send (raises :class:`SesValidationError` naming the field)."""
        request = self._request()
        request.prepare()
        return request

    def _request(self) -> BulkSend:
        return BulkSend(
            from_=self._from,
            template=self._template,
            entries=tuple(self._entries),
            default_template_data=self._default_data,
            configuration_set=self._configuration_set,
            reply_to=tuple(self._reply_to),
            default_tags=dict(self._default_tags),
            headers=tuple(self._headers),
            feedback_forwarding_email=self._feedback,
            chunk_size=self._chunk_size,
            max_concurrency=self._max_concurrency,
        )

    def send(self) -> R:
        """Check every entry, then send them all (awaitable on the async client)."""
        return self._run(self._request())
