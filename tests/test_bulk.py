"""Bulk sending: chunking, order, per-entry results, retries, concurrency, validation."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

import pytest

from aws_ses import AsyncSesClient, SesClient, SesConfig
from aws_ses.auth import Credentials
from aws_ses.bulk import (
    BulkEntry,
    BulkResult,
    BulkSend,
    plan_chunks,
)
from aws_ses.errors import SesTimeoutError, SesTransportError, SesValidationError
from aws_ses.transport import (
    AsyncMockTransport,
    HttpRequest,
    HttpResponse,
    MockTransport,
    error_response,
    json_response,
)

SENDER = "news@example.com"
CREDS = Credentials("AKID", "secret")


def body_of(request: HttpRequest) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(request.body)
    return data


def recipients_of(request: HttpRequest) -> list[str]:
    return [e["Destination"]["ToAddresses"][0] for e in body_of(request)["BulkEmailEntries"]]


def answer_all(status: Callable[[str], str] = lambda to: "SUCCESS") -> Callable[..., HttpResponse]:
    """A handler answering each entry with ``status(recipient)``; ids name the recipient."""

    def handler(request: HttpRequest) -> HttpResponse:
        rows = []
        for to in recipients_of(request):
            st = status(to)
            row: dict[str, Any] = {"Status": st}
            if st == "SUCCESS":
                row["MessageId"] = f"id-{to}"
            else:
                row["Error"] = f"{st.lower()} for {to}"
            rows.append(row)
        return json_response({"BulkEmailEntryResults": rows})

    return handler


def sync_client(
    handler: Callable[[HttpRequest], HttpResponse], **options: Any
) -> tuple[SesClient, MockTransport]:
    transport = MockTransport(handler)
    return SesClient(
        SesConfig(region="us-east-1", credentials=CREDS, transport=transport, **options)
    ), transport


def addresses(n: int) -> list[str]:
    return [f"user{i}@example.com" for i in range(n)]


# ------------------------------------------------------------------ chunking


def test_plan_chunks_splits_in_order() -> None:
    chunks = plan_chunks(list(range(1234)))
    assert [len(c) for c in chunks] == [50] * 24 + [34]
    assert [x for c in chunks for x in c] == list(range(1234))
    assert plan_chunks([], 50) == []
    assert [len(c) for c in plan_chunks(list(range(7)), 3)] == [3, 3, 1]
    for bad in (0, 51, True, 2.5):
        with pytest.raises(SesValidationError) as info:
            plan_chunks([1], bad)  # type: ignore[arg-type]
        assert info.value.field == "chunk_size"


def test_1234_entries_become_25_calls_in_the_callers_order() -> None:
    client, transport = sync_client(answer_all())
    to = addresses(1234)
    result = client.send_bulk(
        SENDER, "newsletter", to, default_template_data={"issue": 7}, max_concurrency=1
    )
    assert result.calls == 25
    assert len(transport.requests) == 25
    assert [len(body_of(r)["BulkEmailEntries"]) for r in transport.requests] == [50] * 24 + [34]
    assert [a for r in transport.requests for a in recipients_of(r)] == to
    assert [r.index for r in result] == list(range(1234))
    assert [r.message_id for r in result] == [f"id-{a}" for a in to]
    assert [r.entry.to for r in result] == [[a] for a in to]
    assert result.ok and len(result.succeeded) == 1234 and result.failed == []
    assert all(r.url.endswith("/v2/email/outbound-bulk-emails") for r in transport.requests)


def test_wire_parameters_of_a_call() -> None:
    client, transport = sync_client(answer_all())
    builder = (
        client.bulk_email_builder()
        .from_name("Zoë's News", SENDER)
        .template("newsletter")
        .default_template_data({"name": "friend"})
        .configuration_set("marketing")
        .reply_to("help@example.com")
        .default_tags({"campaign": "spring"})
        .default_tag("kind", "news")
        .header("X-Campaign", "spring")
        .feedback_forwarding_email("bounces@example.com")
        .entry("a@example.com", template_data={"name": "Ann"}, tags={"tier": "gold"})
        .entry(
            ["b@example.com"],
            cc="c@exämple.com",
            bcc=["d@example.com"],
            headers={"X-Campaign": "größe"},
        )
        .entries(
            [
                BulkEntry(to=["e@example.com"], template_data='{"name": "Eve"}'),
                {"to": "f@example.com"},
                "g@example.com",
            ]
        )
    )
    result = builder.send()
    assert isinstance(result, BulkResult) and result.ok
    (request,) = transport.requests
    assert body_of(request) == {
        "FromEmailAddress": "=?utf-8?b?Wm/DqydzIE5ld3M=?= <news@example.com>",
        "ReplyToAddresses": ["help@example.com"],
        "FeedbackForwardingEmailAddress": "bounces@example.com",
        "DefaultEmailTags": [
            {"Name": "campaign", "Value": "spring"},
            {"Name": "kind", "Value": "news"},
        ],
        "DefaultContent": {
            "Template": {
                "TemplateName": "newsletter",
                "TemplateData": '{"name":"friend"}',
                "Headers": [{"Name": "X-Campaign", "Value": "spring"}],
            }
        },
        "BulkEmailEntries": [
            {
                "Destination": {"ToAddresses": ["a@example.com"]},
                "ReplacementEmailContent": {
                    "ReplacementTemplate": {"ReplacementTemplateData": '{"name":"Ann"}'}
                },
                "ReplacementTags": [{"Name": "tier", "Value": "gold"}],
            },
            {
                "Destination": {
                    "ToAddresses": ["b@example.com"],
                    "CcAddresses": ["c@xn--exmple-cua.com"],
                    "BccAddresses": ["d@example.com"],
                },
                "ReplacementHeaders": [{"Name": "X-Campaign", "Value": "=?utf-8?b?Z3LDtsOfZQ==?="}],
            },
            {
                "Destination": {"ToAddresses": ["e@example.com"]},
                "ReplacementEmailContent": {
                    "ReplacementTemplate": {"ReplacementTemplateData": '{"name": "Eve"}'}
                },
            },
            {"Destination": {"ToAddresses": ["f@example.com"]}},
            {"Destination": {"ToAddresses": ["g@example.com"]}},
        ],
        "ConfigurationSetName": "marketing",
    }


def test_default_template_data_is_an_empty_object_when_not_given() -> None:
    client, transport = sync_client(answer_all())
    client.send_bulk(SENDER, "t", ["a@example.com"], configuration_set="cs", chunk_size=10)
    template = body_of(transport.requests[0])["DefaultContent"]["Template"]
    assert template == {"TemplateName": "t", "TemplateData": "{}"}


def test_chunk_size_is_honoured() -> None:
    client, transport = sync_client(answer_all())
    result = client.send_bulk(SENDER, "t", addresses(25), chunk_size=10, max_concurrency=1)
    assert result.calls == 3
    assert [len(body_of(r)["BulkEmailEntries"]) for r in transport.requests] == [10, 10, 5]


# ------------------------------------------------------------------ failures


def _failing_second_call(exc_or_response: Any) -> Callable[[HttpRequest], HttpResponse]:
    ok = answer_all()
    calls = 0

    def handler(request: HttpRequest) -> HttpResponse:
        nonlocal calls
        calls += 1
        if calls != 2:
            return ok(request)
        if isinstance(exc_or_response, HttpResponse):
            return exc_or_response
        raise exc_or_response

    return handler


@pytest.mark.parametrize(
    ("failure", "status", "transient", "error"),
    [
        (
            error_response("TooManyRequestsException", "Maximum sending rate exceeded.", 429),
            "ACCOUNT_THROTTLED",
            True,
            "TooManyRequestsException",
        ),
        (
            error_response("TooManyRequestsException", "Daily message quota exceeded.", 429),
            "ACCOUNT_DAILY_QUOTA_EXCEEDED",
            False,
            "TooManyRequestsException",
        ),
        (
            SesTransportError("connection refused", sent=False),
            "TRANSIENT_FAILURE",
            True,
            "SesTransportError",
        ),
        (SesTimeoutError("read timed out", sent=True), "UNKNOWN", False, "SesTimeoutError"),
        (
            error_response("MessageRejected", "Email address is not verified.", 400),
            "FAILED",
            False,
            "MessageRejected",
        ),
        (
            error_response("InternalFailure", "boom", 500),
            "FAILED",
            False,
            "InternalFailure",
        ),
    ],
    ids=["throttled", "daily-quota", "not-sent", "maybe-sent", "rejected", "5xx"],
)
def test_a_failed_call_marks_only_its_entries(
    failure: Any, status: str, transient: bool, error: str
) -> None:
    # One attempt per call, one call at a time: "the second call" is well defined.
    client, _ = sync_client(_failing_second_call(failure), max_attempts=1)
    result = client.send_bulk(SENDER, "t", addresses(120), max_concurrency=1)
    assert result.calls == 3
    assert [r.status for r in result[:50]] == ["SUCCESS"] * 50
    assert [r.status for r in result[100:]] == ["SUCCESS"] * 20
    failed = result[50:100]
    assert {(r.status, r.transient, r.error, r.message_id) for r in failed} == {
        (status, transient, error, None)
    }
    assert result.failed == failed
    assert len(result.transient) == (50 if transient else 0)


def test_missing_rows_are_unknown_never_success() -> None:
    one_row = {"BulkEmailEntryResults": [{"Status": "SUCCESS", "MessageId": "x"}]}
    client, _ = sync_client(lambda r: json_response(one_row))
    result = client.send_bulk(SENDER, "t", addresses(3))
    assert [r.status for r in result] == ["SUCCESS", "UNKNOWN", "UNKNOWN"]
    assert not any(r.transient for r in result)


def test_retry_failed_resends_only_transient_entries_once() -> None:
    statuses = {
        "user1@example.com": ["TRANSIENT_FAILURE", "SUCCESS"],
        "user2@example.com": ["MESSAGE_REJECTED"],
        "user3@example.com": ["ACCOUNT_THROTTLED", "TRANSIENT_FAILURE", "SUCCESS"],
        "user60@example.com": ["TRANSIENT_FAILURE", "SUCCESS"],
    }

    def status(to: str) -> str:
        queue = statuses.get(to)
        return queue.pop(0) if queue else "SUCCESS"

    client, transport = sync_client(answer_all(status))
    first = client.send_bulk(SENDER, "t", addresses(70))
    assert first.calls == 2
    assert [r.index for r in first.transient] == [1, 3, 60]
    assert first[2].status == "MESSAGE_REJECTED" and not first[2].transient

    second = first.retry_failed()
    assert second.calls == 3  # one more call carried the three entries
    assert recipients_of(transport.requests[2]) == [
        "user1@example.com",
        "user3@example.com",
        "user60@example.com",
    ]
    assert [r.index for r in second] == list(range(70))
    assert second[1].status == "SUCCESS" and second[1].attempts == 2
    assert second[3].status == "TRANSIENT_FAILURE" and second[3].attempts == 2
    assert second[2].status == "MESSAGE_REJECTED" and second[2].attempts == 1
    assert second[0] is first[0]
    assert first[1].status == "TRANSIENT_FAILURE"  # the first result is unchanged

    third = second.retry_failed()
    assert recipients_of(transport.requests[3]) == ["user3@example.com"]
    assert third[3].status == "SUCCESS" and third[3].attempts == 3
    assert third.calls == 4
    assert third.retry_failed() is third  # nothing transient left: no call
    assert len(transport.requests) == 4

    sent = [a for r in transport.requests for a in recipients_of(r)]
    assert sent.count("user0@example.com") == 1
    assert sent.count("user2@example.com") == 1  # permanent failures are not resent


def test_unknown_outcomes_are_never_resent() -> None:
    client, transport = sync_client(_failing_second_call(SesTimeoutError("t", sent=True)))
    result = client.send_bulk(SENDER, "t", addresses(60), chunk_size=30)
    assert result.retry_failed() is result
    assert len(transport.requests) == 2


# ------------------------------------------------------------------ validation


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"from_": ""}, "from_"),
        ({"from_": "nope"}, "from_"),
        ({"template_name": ""}, "template"),
        (
            {"entries": [*addresses(1200), "bad@", "x@example.com"]},
            "entries[1200].destination.to_addresses[0]",
        ),
        ({"entries": [BulkEntry()]}, "entries[0].destination"),
        ({"entries": [BulkEntry(to=addresses(51))]}, "entries[0].destination"),
        (
            {"entries": [BulkEntry(to=["a@example.com"], cc=["x"])]},
            "entries[0].destination.cc_addresses[0]",
        ),
        ({"entries": [BulkEntry(to=["a@example.com"], tags={"a b": "v"})]}, "entries[0].tags[a b]"),
        (
            {"entries": [BulkEntry(to=["a@example.com"], template_data=[1])]},
            "entries[0].template_data",
        ),
        (
            {"entries": [BulkEntry(to=["a@example.com"], headers={"X-A": "a\nb"})]},
            "entries[0].headers[X-A]",
        ),
        ({"entries": [{"to": "a@example.com", "bogus": 1}]}, "bogus"),
        ({"default_template_data": "[]"}, "default_template_data"),
        ({"default_tags": {"ok": "not ok"}}, "default_tags[ok]"),
        ({"chunk_size": 0}, "chunk_size"),
        ({"configuration_set": 5}, "configuration_set_name"),
    ],
)
def test_every_entry_is_checked_before_the_first_call(kwargs: dict[str, Any], field: str) -> None:
    client, transport = sync_client(answer_all())
    args: dict[str, Any] = {
        "from_": SENDER,
        "template_name": "t",
        "entries": addresses(3),
    }
    args.update(kwargs)
    with pytest.raises(SesValidationError) as info:
        client.send_bulk(args.pop("from_"), args.pop("template_name"), args.pop("entries"), **args)
    assert info.value.field == field
    assert transport.requests == []


def test_model_errors_name_the_entry_by_its_position() -> None:
    # An over-long replacement template data string is caught by the model
    # check (no hand-written rule covers it) and named by the caller's index.
    client, transport = sync_client(answer_all())
    entries: list[Any] = addresses(75)
    entries.append(BulkEntry(to=["z@example.com"], template_data={"x": "y" * 300_000}))
    with pytest.raises(SesValidationError) as info:
        client.send_bulk(SENDER, "t", entries)
    assert info.value.field.startswith("entries[75].")
    assert transport.requests == []


def test_builder_build_checks_without_sending() -> None:
    client, transport = sync_client(answer_all())
    builder = client.bulk_email_builder().from_(SENDER).template("t").entry("a@example.com")
    request = builder.build()
    assert isinstance(request, BulkSend) and len(request.entries) == 1
    with pytest.raises(SesValidationError) as info:
        client.bulk_email_builder().template("t").entry("a@example.com").build()
    assert info.value.field == "from_"
    with pytest.raises(SesValidationError) as info:
        builder.max_concurrency(0).build()
    assert info.value.field == "max_concurrency"
    assert transport.requests == []


def test_an_empty_bulk_send_makes_no_call() -> None:
    client, transport = sync_client(answer_all())
    result = client.send_bulk(SENDER, "t", [])
    assert result.calls == 0 and len(result) == 0 and result.ok
    assert transport.requests == []


# ------------------------------------------------------------------ async


def async_client(handler: Any) -> tuple[AsyncSesClient, AsyncMockTransport]:
    transport = AsyncMockTransport(handler)
    config = SesConfig(region="us-east-1", credentials=CREDS, async_transport=transport)
    return AsyncSesClient(config), transport


def concurrency_probe(delay: float = 0.02) -> tuple[Any, dict[str, int]]:
    seen = {"now": 0, "max": 0}
    ok = answer_all()

    async def handler(request: HttpRequest) -> HttpResponse:
        seen["now"] += 1
        seen["max"] = max(seen["max"], seen["now"])
        try:
            await asyncio.sleep(delay)
            return ok(request)
        finally:
            seen["now"] -= 1

    return handler, seen


@pytest.mark.parametrize(("bound", "expected"), [(None, 4), (1, 1), (3, 3), (50, 20)])
async def test_async_chunks_go_out_concurrently_within_the_bound(
    bound: int | None, expected: int
) -> None:
    handler, seen = concurrency_probe()
    aclient, transport = async_client(handler)
    to = addresses(1000)
    if bound is None:
        result = await aclient.send_bulk(SENDER, "t", to)
    else:
        result = await aclient.send_bulk(SENDER, "t", to, max_concurrency=bound)
    assert seen["max"] == expected
    assert result.calls == 20 and len(transport.requests) == 20
    assert [r.message_id for r in result] == [f"id-{a}" for a in to]


async def test_async_builder_and_retry_failed() -> None:
    statuses = {"user5@example.com": ["TRANSIENT_FAILURE", "SUCCESS"]}

    def status(to: str) -> str:
        queue = statuses.get(to)
        return queue.pop(0) if queue else "SUCCESS"

    aclient, transport = async_client(answer_all(status))
    builder = aclient.bulk_email_builder().from_(SENDER).template("t").max_concurrency(2)
    result = await builder.entries(addresses(120)).send()
    assert [r.index for r in result.transient] == [5]
    again = await result.retry_failed()
    assert again.ok and again.calls == 4 and again[5].attempts == 2
    assert recipients_of(transport.requests[-1]) == ["user5@example.com"]
    assert await again.retry_failed() is again


async def test_async_failed_call_is_isolated() -> None:
    calls = 0
    ok = answer_all()

    async def handler(request: HttpRequest) -> HttpResponse:
        nonlocal calls
        calls += 1
        if "user60@example.com" in recipients_of(request):
            raise SesTransportError("refused", sent=False)
        return ok(request)

    aclient, _ = async_client(handler)
    result = await aclient.send_bulk(SENDER, "t", addresses(150))
    assert [r.status for r in result[50:100]] == ["TRANSIENT_FAILURE"] * 50
    assert len(result.succeeded) == 100
