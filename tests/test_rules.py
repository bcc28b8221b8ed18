"""Every SES rule, once valid and once broken, through every path.

For each rule the same inputs go through the flat ``send_email`` (or
``send_bulk_email``), the email builder, bulk sending and the local server
called raw. The client must raise a ``SesValidationError`` naming the field
before any request leaves; the server, given the same body with no client
checks, must answer ``BadRequestException`` (400) naming the same field. The
valid input is accepted everywhere.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from aws_ses import SesClient
from aws_ses import _rules as rules_module
from aws_ses._rules import MAX_MESSAGE_BYTES, RULES, rules_table
from aws_ses.bulk import BulkEntry
from aws_ses.email_builder import EmailBuilder
from aws_ses.errors import SesValidationError
from aws_ses.mime import Attachment
from aws_ses.transport.base import HttpRequest
from rules_harness import (
    CONFIGURATION_SET,
    SENDER,
    TEMPLATE,
    Harness,
    error_of,
    input_wire,
    server_path,
)

REPO = Path(__file__).resolve().parents[1]
SIMPLE = {"simple": {"subject": {"data": "Hi"}, "body": {"text": {"data": "Hello"}}}}
MB = 1024 * 1024
# The table runs with a 1 MB message limit (patched in aws_ses._rules, which
# the client and the in-process server share) so that it stays fast; the
# regression tests below use the real 40 MB.
SMALL_LIMIT = MB
KB = 1024


@pytest.fixture(scope="module")
def harness() -> Iterator[Harness]:
    h = Harness()
    yield h
    h.close()


@pytest.fixture
def small_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rules_module, "MAX_MESSAGE_BYTES", SMALL_LIMIT)


@pytest.fixture
def sent(harness: Harness) -> list[HttpRequest]:
    """The requests the client sends during this test (none so far)."""
    harness.transport.requests.clear()
    return harness.transport.requests


def refusal(call: Callable[[], object]) -> SesValidationError:
    """The validation error ``call`` raises; the test fails if it raises none."""
    with pytest.raises(SesValidationError) as info:
        call()
    return info.value


def base(**changes: Any) -> dict[str, Any]:
    params: dict[str, Any] = {
        "from_email_address": SENDER,
        "destination": {"to_addresses": ["to@example.com"]},
        "content": copy.deepcopy(SIMPLE),
    }
    params.update(changes)
    return {k: v for k, v in params.items() if v is not None}


def _raw_message(size: int) -> bytes:
    line = b"x" * 76 + b"\r\n"
    head = b"From: sender@example.com\r\nTo: to@example.com\r\nSubject: x\r\n\r\n"
    return head + line * (size // len(line))


def simple(**message: Any) -> dict[str, Any]:
    content = copy.deepcopy(SIMPLE)
    content["simple"].update(message)
    return content


def attachment(**fields: Any) -> dict[str, Any]:
    return {"raw_content": b"data", "file_name": "a.txt", **fields}


def template(**fields: Any) -> dict[str, Any]:
    return {"template": {"template_name": TEMPLATE, "template_data": '{"name": "Ada"}', **fields}}


def builder(client: SesClient) -> EmailBuilder[Any]:
    return client.email_builder().from_(SENDER).to("to@example.com").subject("Hi").text_body("Hi")


def addresses(n: int) -> list[str]:
    return [f"r{i}@example.com" for i in range(n)]


Build = Callable[[SesClient], EmailBuilder[Any]]


@dataclass(frozen=True)
class Case:
    rule: str
    valid: dict[str, Any]
    invalid: dict[str, Any]
    field: str  # what the client names; the server names server_path(field)
    valid_builder: Build | None = None
    invalid_builder: Build | None = None
    builder_field: str = ""
    bulk_invalid: dict[str, Any] | None = None  # send_bulk keyword arguments
    bulk_field: str = ""
    operation: str = "send_email"


CASES = [
    Case(
        "recipients",
        base(destination={"to_addresses": addresses(30), "bcc_addresses": addresses(20)}),
        base(destination={"to_addresses": addresses(30), "bcc_addresses": addresses(21)}),
        "destination",
        lambda c: builder(c).to_many(addresses(49)),
        lambda c: builder(c).to_many(addresses(50)),
        "destination",
        {"entries": [BulkEntry(to=addresses(51))]},
        "entries[0].destination",
    ),
    Case(
        "recipients",
        base(destination={"cc_addresses": ["a@example.com"]}),
        base(destination={}),
        "destination",
        lambda c: builder(c),
        lambda c: c.email_builder().from_(SENDER).subject("s").text_body("t"),
        "to",
        {"entries": [BulkEntry()]},
        "entries[0].destination",
    ),
    Case("destination", base(), base(destination=None), "destination"),
    Case("destination", base(), base(from_email_address=None), "from_email_address"),
    Case("content", base(), base(content={}), "content"),
    Case(
        "content",
        base(),
        base(content={**SIMPLE, "raw": {"data": b"Subject: x\r\n\r\nbody"}}),
        "content",
    ),
    Case(
        "message_size",
        base(content=simple(attachments=[attachment(raw_content=bytes(700 * KB))])),
        base(content=simple(attachments=[attachment(raw_content=bytes(800 * KB))])),
        "content.simple.attachments",
        lambda c: builder(c).attach_bytes("a.bin", "application/octet-stream", bytes(700 * KB)),
        lambda c: builder(c).attach_bytes("a.bin", "application/octet-stream", bytes(800 * KB)),
        "attachments",
    ),
    Case(
        "message_size",
        base(content={"raw": {"data": _raw_message(900 * KB)}}),
        base(content={"raw": {"data": _raw_message(1100 * KB)}}),
        "content.raw.data",
        None,
        lambda c: (
            builder(c).raw().attach_bytes("a.bin", "application/octet-stream", bytes(800 * KB))
        ),
        "attachments",
    ),
    Case(
        "address",
        base(from_email_address="a" * 64 + "@example.com"),
        base(from_email_address="a" * 65 + "@example.com"),
        "from_email_address",
        lambda c: builder(c).from_("a" * 64 + "@example.com"),
        lambda c: builder(c).from_("a" * 65 + "@example.com"),
        "from_",
        {"entries": [BulkEntry(to=["b" * 65 + "@example.com"])]},
        "entries[0].destination.to_addresses[0]",
    ),
    Case(
        "address",
        base(from_email_address='"Ada Lovelace" <ada@example.com>'),
        base(from_email_address="Ada\r\nBcc: x@evil.example <ada@example.com>"),
        "from_email_address",
        lambda c: builder(c).from_name("Ada Lovelace", "ada@example.com"),
        lambda c: builder(c).from_name("Ada\r\nBcc: x@evil.example", "ada@example.com"),
        "from_.name",
    ),
    Case(
        "address",
        base(reply_to_addresses=["=?utf-8?q?Zo=C3=AB?= <zoe@example.com>"]),
        base(reply_to_addresses=["=?utf-8?q?Zo=0D=0ABcc:_x?= <zoe@example.com>"]),
        "reply_to_addresses[0]",
        lambda c: builder(c).reply_to("Zoë <zoe@example.com>"),
        lambda c: builder(c).reply_to("zoe@@example.com"),
        "reply_to[0]",
    ),
    Case(
        "address",
        base(destination={"to_addresses": ["info@bücher.example"]}),
        base(destination={"to_addresses": ["jürgen@example.com"]}),
        "destination.to_addresses[0]",
        lambda c: builder(c).to("info@bücher.example"),
        lambda c: builder(c).to("jürgen@example.com"),
        "to[1]",
    ),
    Case(
        "subject",
        base(content=simple(subject={"data": "Hello there"})),
        base(content=simple(subject={"data": "Hello\r\nBcc: x@evil.example"})),
        "content.simple.subject.data",
        None,
        lambda c: builder(c).subject("Hello\nthere"),
        "subject",
    ),
    Case(
        "custom_headers",
        base(content=simple(headers=[{"name": f"X-H{i}", "value": "v"} for i in range(15)])),
        base(content=simple(headers=[{"name": f"X-H{i}", "value": "v"} for i in range(16)])),
        "content.simple.headers",
        lambda c: _headers(builder(c), 15),
        lambda c: _headers(builder(c), 16),
        "headers",
    ),
    Case(
        "header_name",
        base(content=simple(headers=[{"name": "X-Campaign", "value": "v"}])),
        base(content=simple(headers=[{"name": "X Campaign", "value": "v"}])),
        "content.simple.headers[0].name",
        lambda c: builder(c).header("X-Campaign", "v"),
        lambda c: builder(c).header("X:Campaign", "v"),
        "headers[X:Campaign]",
        {"entries": [BulkEntry(to=["a@example.com"], headers={"X A": "v"})]},
        "entries[0].headers[X A]",
    ),
    Case(
        "header_name",
        base(content=simple(headers=[{"name": "Date", "value": "Tue, 1 Dec 2026 10:00 +0000"}])),
        base(content=simple(headers=[{"name": "Subject", "value": "Other subject"}])),
        "content.simple.headers[0].name",
        lambda c: builder(c).header("List-Id", "<news.example.com>"),
        lambda c: builder(c).header("Subject", "Other subject"),
        "headers[Subject]",
    ),
    Case(
        "header_name",
        base(content=simple(headers=[{"name": "Message-ID", "value": "<1@example.com>"}])),
        base(
            content=simple(headers=[{"name": "Date", "value": "x"}, {"name": "date", "value": "y"}])
        ),
        "content.simple.headers[1].name",
        lambda c: builder(c).header("Date", "Tue, 1 Dec 2026 10:00 +0000"),
        lambda c: builder(c).header("Date", "x").header("date", "y"),
        "headers[date]",
    ),
    Case(
        "header_value",
        base(content=simple(headers=[{"name": "X-A", "value": "=?utf-8?q?caf=C3=A9?="}])),
        base(content=simple(headers=[{"name": "X-A", "value": "a\r\nBcc: x@evil.example"}])),
        "content.simple.headers[0].value",
        lambda c: builder(c).header("X-A", "café"),
        lambda c: builder(c).header("X-A", "a\r\nb"),
        "headers[X-A]",
        {"entries": [BulkEntry(to=["a@example.com"], headers={"X-A": "a\nb"})]},
        "entries[0].headers[X-A]",
    ),
    Case(
        "header_value",
        base(content=simple(headers=[{"name": "X-A", "value": "plain"}])),
        base(content=simple(headers=[{"name": "X-A", "value": "café"}])),
        "content.simple.headers[0].value",
    ),
    Case(
        "tag",
        base(email_tags=[{"name": "campaign", "value": "spring-2026"}]),
        base(email_tags=[{"name": "campaign", "value": "spring 2026!"}]),
        "email_tags[0].value",
        lambda c: builder(c).tag("campaign", "spring-2026"),
        lambda c: builder(c).tag("bad tag!", "v"),
        "tags[bad tag!]",
        {"default_tags": {"ok": "not ok"}},
        "default_tags[ok]",
    ),
    Case(
        "template_name",
        base(content=template()),
        base(content=template(template_name="welcome email")),
        "content.template.template_name",
        lambda c: c.email_builder().from_(SENDER).to("a@example.com").template(TEMPLATE),
        lambda c: c.email_builder().from_(SENDER).to("a@example.com").template("a.b"),
        "template",
    ),
    Case(
        "configuration_set_name",
        base(configuration_set_name=CONFIGURATION_SET),
        base(configuration_set_name="cs 1"),
        "configuration_set_name",
        lambda c: builder(c).configuration_set(CONFIGURATION_SET),
        lambda c: builder(c).configuration_set("cs/1"),
        "configuration_set",
    ),
    Case(
        "template_data",
        base(content=template(template_data={"name": "Ada"})),
        base(content=template(template_data='{"name": "Ada",}')),
        "content.template.template_data",
        lambda c: _templated(c).template_data_json('{"name": "Ada"}'),
        lambda c: _templated(c).template_data_json('{"name": }'),
        "template_data_json",
        {"entries": [BulkEntry(to=["a@example.com"], template_data="[1]")]},
        "entries[0].template_data",
    ),
    Case(
        "template_data",
        base(content=template(template_data="{}")),
        base(content=template(template_data="[1, 2]")),
        "content.template.template_data",
    ),
    Case(
        "template_source",
        base(content=template()),
        base(content=template(template_arn="arn:aws:ses:us-east-1:1:template/welcome")),
        "content.template",
    ),
    Case(
        "attachment_file_name",
        base(content=simple(attachments=[attachment(file_name="report 2026.pdf")])),
        base(content=simple(attachments=[attachment(file_name="a\r\nX-Evil: 1.txt")])),
        "content.simple.attachments[0].file_name",
        lambda c: builder(c).attach_bytes("report 2026.pdf", "application/pdf", b"%PDF"),
        lambda c: builder(c).attach_bytes("a\r\nX-Evil: 1.txt", "text/plain", b"x"),
        "attachments[0].filename",
    ),
    Case(
        "attachment_content_type",
        base(content=simple(attachments=[attachment(content_type="text/plain; charset=utf-8")])),
        base(content=simple(attachments=[attachment(content_type="text/plain\r\nX-Evil: 1")])),
        "content.simple.attachments[0].content_type",
        lambda c: builder(c).attach_bytes("a.txt", "text/plain", b"x"),
        lambda c: builder(c).attach_bytes("a.txt", "text/plain\nX-Evil: 1", b"x"),
        "attachments[0].content_type",
    ),
    Case(
        "attachment_description",
        base(content=simple(attachments=[attachment(content_description="The report")])),
        base(content=simple(attachments=[attachment(content_description="a\nX-Evil: 1")])),
        "content.simple.attachments[0].content_description",
        lambda c: builder(c).attachment(Attachment("a.txt", b"x", description="The report")),
        lambda c: builder(c).attachment(Attachment("a.txt", b"x", description="a\nb")),
        "attachments[0].description",
    ),
    Case(
        "attachment_content_id",
        base(content=simple(attachments=[attachment(content_id="logo@example.com")])),
        base(content=simple(attachments=[attachment(content_id="logo>\r\nX-Evil: 1")])),
        "content.simple.attachments[0].content_id",
        lambda c: builder(c).html_body("<img src='cid:logo'>").inline_image("logo", b"\x89PNG"),
        lambda c: builder(c).html_body("<img>").inline_image("lo go", b"\x89PNG"),
        "attachments[0].content_id",
    ),
    Case(
        "model",
        base(content=simple(headers=[{"name": "X-A", "value": "v" * 995}])),
        base(content=simple(headers=[{"name": "X-A", "value": "v" * 996}])),
        "content.simple.headers[0].value",
    ),
    Case(
        "bulk",
        {
            "from_email_address": SENDER,
            "default_content": {"template": {"template_name": TEMPLATE}},
            "bulk_email_entries": [{"destination": {"to_addresses": ["a@example.com"]}}],
        },
        {
            "from_email_address": SENDER,
            "default_content": {"template": {"template_name": TEMPLATE}},
            "bulk_email_entries": [],
        },
        "bulk_email_entries",
        operation="send_bulk_email",
    ),
    Case(
        "bulk",
        {
            "from_email_address": SENDER,
            "default_content": {"template": {"template_name": TEMPLATE}},
            "bulk_email_entries": [{"destination": {"to_addresses": ["a@example.com"]}}],
        },
        {
            "default_content": {"template": {"template_name": TEMPLATE}},
            "bulk_email_entries": [{"destination": {"to_addresses": ["a@example.com"]}}],
        },
        "from_email_address",
        operation="send_bulk_email",
    ),
]


def _headers(b: EmailBuilder[Any], n: int) -> EmailBuilder[Any]:
    for i in range(n):
        b.header(f"X-H{i}", "v")
    return b


def _templated(client: SesClient) -> EmailBuilder[Any]:
    return client.email_builder().from_(SENDER).to("a@example.com").template(TEMPLATE)


def _id(case: Case) -> str:
    return f"{case.rule}:{case.field}"


# ------------------------------------------------------------------ the table


@pytest.mark.parametrize("case", CASES, ids=[_id(c) for c in CASES])
def test_flat_method_refuses_before_sending_and_accepts_the_valid_input(
    harness: Harness, case: Case, small_limit: None, sent: list[HttpRequest]
) -> None:
    method = getattr(harness.client, case.operation)
    assert refusal(lambda: method(**case.invalid)).field == case.field
    assert sent == []
    result = method(**case.valid)
    assert result is not None
    assert len(sent) == 1


@pytest.mark.parametrize("case", CASES, ids=[_id(c) for c in CASES])
def test_server_called_raw_names_the_same_field(
    harness: Harness, case: Case, small_limit: None
) -> None:
    invalid = input_wire(case.operation, case.invalid)
    status, code, message = error_of(harness.raw(case.operation, invalid))
    assert (status, code) == (400, "BadRequestException"), message
    assert f"Value at '{server_path(case.field)}'" in message
    valid = input_wire(case.operation, case.valid)
    status, code, message = error_of(harness.raw(case.operation, valid))
    assert status == 200, message


BUILDER_CASES = [c for c in CASES if c.invalid_builder is not None]


@pytest.mark.parametrize("case", BUILDER_CASES, ids=[_id(c) for c in BUILDER_CASES])
def test_builder_refuses_the_same_inputs(
    harness: Harness, case: Case, small_limit: None, sent: list[HttpRequest]
) -> None:
    invalid = case.invalid_builder
    assert invalid is not None
    assert refusal(lambda: invalid(harness.client).send()).field == case.builder_field
    assert sent == []
    if case.valid_builder is not None:
        assert case.valid_builder(harness.client).send().message_id


BULK_CASES = [c for c in CASES if c.bulk_invalid is not None]


@pytest.mark.parametrize("case", BULK_CASES, ids=[_id(c) for c in BULK_CASES])
def test_bulk_refuses_the_same_inputs_naming_the_entry(
    harness: Harness, case: Case, small_limit: None, sent: list[HttpRequest]
) -> None:
    assert case.bulk_invalid is not None
    kwargs: dict[str, Any] = {"entries": [BulkEntry(to=["ok@example.com"])], **case.bulk_invalid}
    entries = kwargs.pop("entries")
    # The bad entry sits after 60 good ones: it is named by its own index.
    if case.bulk_field.startswith("entries[0]"):
        entries = [BulkEntry(to=[f"u{i}@example.com"]) for i in range(60)] + entries
    refused = refusal(lambda: harness.client.send_bulk(SENDER, TEMPLATE, entries, **kwargs))
    expected = case.bulk_field.replace("entries[0]", "entries[60]")
    assert refused.field == expected
    assert sent == []


def test_every_rule_has_a_case() -> None:
    assert {r.key for r in RULES} == {c.rule for c in CASES}


# ------------------------------------------------------- the four defects


def test_crlf_in_attachment_fields_is_refused_on_flat_and_simple_builder(
    harness: Harness, sent: list[HttpRequest]
) -> None:
    for field in ("file_name", "content_type", "content_description", "content_id"):
        content = simple(attachments=[attachment(**{field: "a\r\nBcc: x@evil.example"})])
        refused = refusal(partial(harness.client.send_email, **base(content=content)))
        assert refused.field == f"content.simple.attachments[0].{field}"
    evil = "a\r\nBcc: x@evil.example"
    for att in (
        Attachment(evil, b"x"),
        Attachment("a.txt", b"x", content_type=evil),
        Attachment("a.txt", b"x", description=evil),
        Attachment("a.txt", b"x", content_id=evil),
    ):
        b = builder(harness.client).attachment(att)
        assert refusal(b.build).field.startswith("attachments[0].")
    assert sent == []


def test_a_65_character_local_part_is_refused() -> None:
    from aws_ses.addresses import normalize_address

    assert normalize_address("a" * 64 + "@example.com", field="to") == "a" * 64 + "@example.com"
    assert (
        "64" in refusal(partial(normalize_address, "a" * 65 + "@example.com", field="to")).problem
    )


def test_flat_method_refuses_what_the_builder_refuses(
    harness: Harness, sent: list[HttpRequest]
) -> None:
    client = harness.client
    bad: list[tuple[dict[str, Any], str]] = [
        (base(destination={}), "destination"),
        (base(content=template(template_data="{not json")), "content.template.template_data"),
        (base(content={"raw": {"data": b"x" * (41 * MB)}}), "content.raw.data"),
        (
            base(content=simple(attachments=[attachment(raw_content=bytes(31 * MB))])),
            "content.simple.attachments",
        ),
    ]
    for params, field in bad:
        assert refusal(partial(client.send_email, **params)).field == field
    assert sent == []


def test_invalid_template_data_reports_the_parse_position(harness: Harness) -> None:
    content = template(template_data='{"name": "Ada",}')
    refused = refusal(partial(harness.client.send_email, **base(content=content)))
    assert re.search(r"line 1 column \d+", refused.problem)


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda b: b.subject(123), "subject"),
        (lambda b: b.text_body(5), "text_body"),
        (lambda b: b.html_body(b"<p>"), "html_body"),
        (lambda b: b.header("X-A", 5), "header.value"),
        (lambda b: b.header(5, "v"), "header.name"),
        (lambda b: b.to(["a@example.com"]), "to"),
        (lambda b: b.to_many([1]), "to_many[0]"),
        (lambda b: b.tag("a", 1), "tag.value"),
        (lambda b: b.raw("yes"), "raw"),
        (lambda b: b.attach_bytes("a.txt", "text/plain", "text"), "attach_bytes.data"),
        (lambda b: b.template(7), "template"),
    ],
)
def test_builder_type_errors_name_method_and_argument(
    harness: Harness, call: Callable[[EmailBuilder[Any]], Any], field: str
) -> None:
    refused = refusal(lambda: call(harness.client.email_builder()))
    assert refused.field == field
    assert str(refused).startswith(f"ValidationError: {field}: expected ")
    assert " got " in refused.problem


def test_template_builder_checks_the_name_rule_and_types(
    harness: Harness, sent: list[HttpRequest]
) -> None:
    named = refusal(lambda: harness.client.template_builder("welcome email").subject("Hi").build())
    assert named.field == "template_name"
    typed = refusal(lambda: harness.client.template_builder("ok").subject(5))  # type: ignore[arg-type]
    assert (typed.field, typed.problem) == ("subject", "expected str, got int")
    harness.client.template_builder("rules_ok").subject("Hi {{name}}").create()
    assert len(sent) == 1


def test_subject_type_error_reads_as_the_issue_asks(harness: Harness) -> None:
    refused = refusal(lambda: harness.client.email_builder().subject(123))  # type: ignore[arg-type]
    assert f"{refused.field}: {refused.problem}" == "subject: expected str, got int"


# ---------------------------------------------------------------- behaviour


def test_template_data_dict_is_encoded_on_the_flat_method(
    harness: Harness, sent: list[HttpRequest]
) -> None:
    harness.client.send_email(**base(content=template(template_data={"name": "Ada"})))
    body = sent[0].body
    assert b'"TemplateData":"{\\"name\\":\\"Ada\\"}"' in body


def test_idn_domains_go_out_as_punycode(harness: Harness, sent: list[HttpRequest]) -> None:
    harness.client.send_email(**base(destination={"to_addresses": ["Zoë <info@bücher.example>"]}))
    body = sent[0].body
    assert b"info@xn--bcher-kva.example" in body
    assert "bücher".encode() not in body


def test_size_limit_is_the_documented_40_mb() -> None:
    assert MAX_MESSAGE_BYTES == 40 * MB


def test_builder_send_does_not_validate_twice(harness: Harness) -> None:
    from aws_ses._serialize import PreparedParams

    params = builder(harness.client).build()
    assert isinstance(params, PreparedParams)
    with pytest.raises(TypeError):
        params["FromEmailAddress"] = "other@example.com"
    with pytest.raises(TypeError):
        params |= {"FromEmailAddress": "other@example.com"}
    copied = copy.deepcopy(params)
    assert copied == params and type(copied) is dict
    copied["FromEmailAddress"] = "Not An Address"
    with pytest.raises(SesValidationError):  # a copy is checked again when sent
        harness.client._invoke("send_email", copied)


def test_bulk_calls_are_built_from_entries_checked_once(
    harness: Harness, monkeypatch: pytest.MonkeyPatch, sent: list[HttpRequest]
) -> None:
    from aws_ses import _serialize, bulk
    from aws_ses._model import operation
    from aws_ses._serialize import PreparedParams
    from aws_ses.bulk import BulkSend

    encoded: list[int] = []
    real_entries = bulk._entries_wire

    def counting_entries(pairs: list[tuple[int, Any]]) -> Any:
        encoded.extend(p for p, _ in pairs)
        return real_entries(pairs)

    monkeypatch.setattr(bulk, "_entries_wire", counting_entries)
    # The operation's own encoder: what a call with plain parameters runs.
    op = operation("send_bulk_email")
    real_input = _serialize._compile_input(op)
    walked: list[Any] = []

    def counting_input(params: Any) -> Any:
        walked.append(params)
        return real_input(params)

    monkeypatch.setitem(_serialize._inputs, op.name, counting_input)

    addresses = [f"u{i}@example.com" for i in range(120)]
    request = BulkSend.create(SENDER, TEMPLATE, addresses)
    chunks = request.prepare()
    assert [len(c.entries) for c in chunks] == [50, 50, 20]
    assert all(isinstance(c.params, PreparedParams) for c in chunks)
    result = harness.client.send_bulk(SENDER, TEMPLATE, addresses)
    assert result.ok and result.calls == 3
    assert len(sent) == 3
    # Each entry was encoded once per prepare() (the test's own and the send's),
    # and sending the prepared calls encoded nothing again...
    assert sorted(encoded) == sorted([*range(120), *range(120)])
    assert walked == []
    # ...whereas a call with plain parameters goes through the encoder.
    harness.client._invoke("send_bulk_email", chunks[0].params.copy())
    assert len(walked) == 1


# ------------------------------------------------------------------- docs


def test_docs_table_matches_the_rules_module() -> None:
    text = (REPO / "docs" / "sending.md").read_text()
    start = text.index("<!-- rules-table:start -->") + len("<!-- rules-table:start -->")
    end = text.index("<!-- rules-table:end -->")
    assert text[start:end].strip() == rules_table(), (
        "docs/sending.md is out of date: paste aws_ses._rules.rules_table() between the markers"
    )


async def test_async_client_applies_the_same_rules() -> None:
    from aws_ses import AsyncSesClient
    from aws_ses.auth.credentials import Credentials
    from aws_ses.transport.mock import AsyncMockTransport, json_response

    transport = AsyncMockTransport(lambda request: json_response({"MessageId": "m-1"}))
    async with AsyncSesClient(
        region="us-east-1", credentials=Credentials("AKID", "secret"), async_transport=transport
    ) as client:
        content = simple(attachments=[attachment(file_name="a\r\nb.txt")])
        with pytest.raises(SesValidationError) as info:
            await client.send_email(**base(content=content))
        assert info.value.field == "content.simple.attachments[0].file_name"
        with pytest.raises(SesValidationError) as info:
            await client.email_builder().from_(SENDER).to("a" * 65 + "@example.com").send()
        assert info.value.field == "to[0]"
        assert transport.requests == []
        sent = (
            await client.email_builder()
            .from_(SENDER)
            .to("b@example.com")
            .subject("s")
            .text_body("t")
            .send()
        )
        assert sent.message_id == "m-1" and len(transport.requests) == 1
