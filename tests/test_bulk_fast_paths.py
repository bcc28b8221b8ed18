"""The shortcuts of the bulk path build exactly what the long way builds.

Entries given as addresses and per-entry results are written slot by slot
(``aws_ses.bulk``), and a bare address skips the display-name parsing
(``aws_ses.addresses.address_problem``): each must equal, field for field,
what the constructors and the full parser give.
"""

from __future__ import annotations

import dataclasses
import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aws_ses.addresses import address_problem, normalize_address
from aws_ses.bulk import (
    BulkEntry,
    BulkEntryResult,
    BulkSend,
    _chunk_results,
    _entry_of_address,
    _result,
)
from aws_ses.errors import SesValidationError

_ADDRESSES = st.one_of(
    st.builds(
        "{}@{}.{}".format,
        st.text(string.ascii_letters + string.digits + ".+_-", min_size=1, max_size=12),
        st.text(string.ascii_lowercase + "-", min_size=1, max_size=10),
        st.sampled_from(["com", "ORG", "test", "x", "xn--p1ai"]),
    ),
    st.text(string.printable + "äé<>\u200b", max_size=30),
    st.sampled_from(
        ["Ann <a@example.com>", " a@example.com", "a@example.com ", "a@bücher.example"]
    ),
)


def _fields(record: object) -> dict[str, object]:
    return {f.name: getattr(record, f.name) for f in dataclasses.fields(record)}  # type: ignore[arg-type]


@settings(max_examples=300, deadline=None)
@given(_ADDRESSES)
def test_address_problem_agrees_with_the_full_parser(value: str) -> None:
    try:
        expected: tuple[str, str | None] = (normalize_address(value, field="address"), None)
    except SesValidationError as exc:
        expected = ("", exc.problem)
    assert address_problem(value) == expected


@given(_ADDRESSES)
def test_an_entry_from_an_address_is_the_one_the_constructor_builds(address: str) -> None:
    fast, slow = _entry_of_address(address), BulkEntry(to=[address])
    assert _fields(fast) == _fields(slow) and fast == slow
    assert BulkEntry.of(address) == slow
    assert fast.to is not _entry_of_address(address).to  # no list shared between entries
    with pytest.raises(dataclasses.FrozenInstanceError):
        fast.to = []  # type: ignore[misc]


def test_a_result_is_the_one_the_constructor_builds() -> None:
    entry = BulkEntry(to=["a@example.com"])
    fast = _result(3, entry, "MESSAGE_REJECTED", "m-1", "Rejected", "why", False)
    slow = BulkEntryResult(
        3, entry, "MESSAGE_REJECTED", message_id="m-1", error="Rejected", message="why"
    )
    assert _fields(fast) == _fields(slow) and fast == slow and fast.attempts == 1
    assert [f.name for f in dataclasses.fields(BulkEntryResult)] == [
        "index", "entry", "status", "message_id", "error", "message", "transient", "attempts"
    ]  # fmt: skip
    assert [f.name for f in dataclasses.fields(BulkEntry)] == [
        "to", "cc", "bcc", "template_data", "tags", "headers"
    ]  # fmt: skip


def test_chunk_results_from_a_reply_and_from_a_failure() -> None:
    from aws_ses._generated.types import BulkEmailEntryResult, SendBulkEmailResponse
    from aws_ses.errors import TooManyRequestsException

    [chunk] = BulkSend.create(
        "s@example.com", "t", ["a@example.com", "b@example.com", "c@example.com"]
    ).prepare()
    reply = SendBulkEmailResponse(
        bulk_email_entry_results=[
            BulkEmailEntryResult(status="SUCCESS", message_id="m-a"),
            BulkEmailEntryResult(status="TRANSIENT_FAILURE", error="later"),
        ]
    )
    ok, transient, missing = _chunk_results(chunk, reply)
    assert ok == BulkEntryResult(0, chunk.entries[0], "SUCCESS", message_id="m-a")
    assert transient == BulkEntryResult(
        1, chunk.entries[1], "TRANSIENT_FAILURE", error="later", transient=True
    )
    assert missing == BulkEntryResult(
        2, chunk.entries[2], "UNKNOWN", message="SES returned no result for this entry"
    )
    throttled = TooManyRequestsException("slow down", code="TooManyRequestsException")
    assert [r.status for r in _chunk_results(chunk, throttled)] == ["ACCOUNT_THROTTLED"] * 3
    assert all(
        r.transient and r.error == "TooManyRequestsException"
        for r in _chunk_results(chunk, throttled)
    )


def _generic_entry(position: int, entry: BulkEntry) -> object:
    from aws_ses._model import shape
    from aws_ses._serialize import to_wire
    from aws_ses.bulk import _entry_wire

    try:
        return to_wire(_entry_wire(entry), shape("BulkEmailEntry"), f"entries[{position}]")
    except SesValidationError as exc:
        return (exc.field, exc.problem)


@settings(max_examples=300, deadline=None)
@given(st.one_of(_ADDRESSES, st.sampled_from([5, None, b"a@example.com", ["a@example.com"]])))
def test_an_address_entry_encodes_as_the_generic_walk_does(address: object) -> None:
    from aws_ses.bulk import _entries_wire

    entry = _entry_of_address(address)  # type: ignore[arg-type]
    try:
        fast: object = _entries_wire([(7, entry)])[0]
    except SesValidationError as exc:
        fast = (exc.field, exc.problem)
    assert fast == _generic_entry(7, entry)


def test_reserved_double_hyphen_labels_are_left_to_email_validator() -> None:
    from aws_ses.addresses import _simple

    # IDNA reserves "--" in a label's third and fourth places; email-validator refuses it.
    assert _simple("0@00--0.com") is None
    normalized, problem = address_problem("0@00--0.com")
    assert normalized == "" and problem is not None
    assert _simple("a@b-c.example.com") == "a@b-c.example.com"
