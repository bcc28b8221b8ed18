"""EmailBuilder, TemplateBuilder and render_locally: exact wire parameters, validation."""

from __future__ import annotations

import base64
import dataclasses
import email
import email.policy
import json
import re
from email.header import decode_header, make_header
from email.message import EmailMessage
from email.utils import getaddresses
from typing import Any

import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aws_ses import AsyncSesClient, SesClient, SesConfig
from aws_ses import _rules as rules_module
from aws_ses._generated.types import EmailTemplateContent, MessageTag
from aws_ses.auth import Credentials
from aws_ses.email_builder import EmailBuilder, encode_template_data
from aws_ses.errors import SesValidationError
from aws_ses.mime import Attachment
from aws_ses.template_builder import LocalRender, TemplateBuilder, render_locally
from aws_ses.templating import TemplateRenderError
from aws_ses.transport import (
    AsyncMockTransport,
    HttpRequest,
    HttpResponse,
    MockTransport,
    json_response,
)

SENDER = "sender@example.com"


def _ok(request: HttpRequest) -> HttpResponse:
    return json_response({"MessageId": "m-1"})


@pytest.fixture
def transport() -> MockTransport:
    return MockTransport(_ok)


@pytest.fixture
def client(transport: MockTransport) -> SesClient:
    return SesClient(
        SesConfig(
            region="us-east-1", credentials=Credentials("AKID", "secret"), transport=transport
        )
    )


def body_of(request: HttpRequest) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(request.body)
    return data


def parse(raw: bytes) -> EmailMessage:
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(msg, EmailMessage)
    return msg


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


# ------------------------------------------------------------------ Simple content


def test_minimal_message_wire_params(client: SesClient, transport: MockTransport) -> None:
    builder = client.email_builder().from_(SENDER).to("to@example.com").subject("Hi")
    builder.text_body("Hello")
    assert builder.build() == {
        "FromEmailAddress": SENDER,
        "Destination": {"ToAddresses": ["to@example.com"]},
        "Content": {
            "Simple": {
                "Subject": {"Data": "Hi", "Charset": "UTF-8"},
                "Body": {"Text": {"Data": "Hello", "Charset": "UTF-8"}},
            }
        },
    }
    response = builder.send()
    assert response.message_id == "m-1"
    (request,) = transport.requests
    assert request.method == "POST"
    assert request.url == "https://email.us-east-1.amazonaws.com/v2/email/outbound-emails"
    assert body_of(request) == builder.build()  # nothing binary: the wire is the same


def test_every_setter_reaches_the_wire(
    client: SesClient, transport: MockTransport, tmp_path: Any
) -> None:
    report = tmp_path / "report.csv"
    report.write_bytes(b"a,b\n1,2\n")
    builder = (
        client.email_builder()
        .from_name("Zoë Ågren", SENDER)
        .to("a@example.com")
        .to_many(["b@example.com", "Bob <c@example.com>"])
        .cc("d@example.com")
        .cc_many(("e@example.com",))
        .bcc("f@example.com")
        .bcc_many(["g@example.com"])
        .reply_to("help@example.com")
        .reply_to_many(["desk@example.com"])
        .subject("Grüße")
        .body("plain", "<b>html</b>")
        .header("X-Campaign", "spring")
        .header("X-Greeting", "größe")
        .configuration_set("marketing")
        .feedback_forwarding_email("bounces@example.com")
        .tag("campaign", "spring")
        .tags({"team": "growth"})
        .tags([("tier", "gold"), MessageTag(name="source", value="app")])
        .tags([{"name": "lang", "value": "de"}])
        .list_management("newsletter", "weekly")
        .attach_file(report)
        .attach_bytes("Résumé 2024.pdf", "application/pdf", b"%PDF-1.7")
        .attachment(
            Attachment(
                "notes.txt",
                b"notes",
                description="Meeting notes",
                transfer_encoding="quoted-printable",
            )
        )
    )
    params = builder.build()
    assert params == {
        "FromEmailAddress": "=?utf-8?b?Wm/DqyDDhWdyZW4=?= <sender@example.com>",
        "Destination": {
            "ToAddresses": ["a@example.com", "b@example.com", "Bob <c@example.com>"],
            "CcAddresses": ["d@example.com", "e@example.com"],
            "BccAddresses": ["f@example.com", "g@example.com"],
        },
        "Content": {
            "Simple": {
                "Subject": {"Data": "Grüße", "Charset": "UTF-8"},
                "Body": {
                    "Text": {"Data": "plain", "Charset": "UTF-8"},
                    "Html": {"Data": "<b>html</b>", "Charset": "UTF-8"},
                },
                "Headers": [
                    {"Name": "X-Campaign", "Value": "spring"},
                    {"Name": "X-Greeting", "Value": "=?utf-8?b?Z3LDtsOfZQ==?="},
                ],
                "Attachments": [
                    {
                        "RawContent": b"a,b\n1,2\n",
                        "FileName": "report.csv",
                        "ContentType": "text/csv",
                        "ContentDisposition": "ATTACHMENT",
                    },
                    {
                        "RawContent": b"%PDF-1.7",
                        "FileName": "Résumé 2024.pdf",
                        "ContentType": "application/pdf",
                        "ContentDisposition": "ATTACHMENT",
                    },
                    {
                        "RawContent": b"notes",
                        "FileName": "notes.txt",
                        "ContentType": "text/plain",
                        "ContentDisposition": "ATTACHMENT",
                        "ContentDescription": "Meeting notes",
                        "ContentTransferEncoding": "QUOTED_PRINTABLE",
                    },
                ],
            }
        },
        "ReplyToAddresses": ["help@example.com", "desk@example.com"],
        "FeedbackForwardingEmailAddress": "bounces@example.com",
        "EmailTags": [
            {"Name": "campaign", "Value": "spring"},
            {"Name": "team", "Value": "growth"},
            {"Name": "tier", "Value": "gold"},
            {"Name": "source", "Value": "app"},
            {"Name": "lang", "Value": "de"},
        ],
        "ConfigurationSetName": "marketing",
        "ListManagementOptions": {"ContactListName": "newsletter", "TopicName": "weekly"},
    }
    builder.send()
    wire = body_of(transport.requests[0])
    attachments = wire["Content"]["Simple"]["Attachments"]
    assert [a["RawContent"] for a in attachments] == [
        b64(b"a,b\n1,2\n"),
        b64(b"%PDF-1.7"),
        b64(b"notes"),
    ]
    assert wire["EmailTags"] == params["EmailTags"]


def test_html_only_and_list_management_without_topic(client: SesClient) -> None:
    params = (
        client.email_builder()
        .from_(SENDER)
        .bcc("hidden@example.com")
        .subject("s")
        .html_body("<p>x</p>")
        .list_management("newsletter")
        .build()
    )
    assert params["Destination"] == {"BccAddresses": ["hidden@example.com"]}
    assert params["Content"]["Simple"]["Body"] == {"Html": {"Data": "<p>x</p>", "Charset": "UTF-8"}}
    assert params["ListManagementOptions"] == {"ContactListName": "newsletter"}


def test_idn_domains_become_punycode(client: SesClient) -> None:
    params = (
        client.email_builder()
        .from_("news@bücher.example")
        .to("kunde@münchen.example")
        .subject("s")
        .text_body("t")
        .build()
    )
    assert params["FromEmailAddress"] == "news@xn--bcher-kva.example"
    assert params["Destination"]["ToAddresses"] == ["kunde@xn--mnchen-3ya.example"]


def test_later_tag_of_the_same_name_wins(client: SesClient) -> None:
    builder = client.email_builder().from_(SENDER).to("a@example.com").subject("s")
    params = builder.text_body("t").tag("a", "1").tag("a", "2").build()
    assert params["EmailTags"] == [{"Name": "a", "Value": "2"}]


def test_a_lone_string_to_many_is_one_address(client: SesClient) -> None:
    params = client.email_builder().from_(SENDER).to_many("a@example.com").subject("s")
    assert params.text_body("t").build()["Destination"] == {"ToAddresses": ["a@example.com"]}


# ------------------------------------------------------------------ Raw content


def test_inline_image_switches_to_raw_multipart_related(
    client: SesClient, transport: MockTransport, tmp_path: Any
) -> None:
    logo = b"\x89PNG\r\n\x1a\n" + bytes(range(256))
    banner = tmp_path / "banner.gif"
    banner.write_bytes(b"GIF89a-banner")
    builder = (
        client.email_builder()
        .from_name("Shop", SENDER)
        .to("a@example.com")
        .cc("b@example.com")
        .bcc("secret@example.com")
        .reply_to("help@example.com")
        .subject("Your order")
        .body("See the logo", '<img src="cid:logo"><img src="cid:banner">')
        .inline_image("logo", logo, "logo.png")
        .inline_image("<banner>", banner)
        .attach_bytes("invoice.pdf", "application/pdf", b"%PDF")
        .header("X-Order", "42")
        .tag("kind", "order")
    )
    params = builder.build()
    assert set(params) == {"FromEmailAddress", "Destination", "Content", "EmailTags"}
    assert params["Destination"] == {
        "ToAddresses": ["a@example.com"],
        "CcAddresses": ["b@example.com"],
        "BccAddresses": ["secret@example.com"],
    }
    raw = params["Content"]["Raw"]["Data"]
    msg = parse(raw)
    assert msg["From"] == f"Shop <{SENDER}>"
    assert msg["To"] == "a@example.com"
    assert msg["Cc"] == "b@example.com"
    assert msg["Reply-To"] == "help@example.com"
    assert msg["Bcc"] is None and b"secret@example.com" not in raw
    assert msg["X-Order"] == "42"
    assert msg.get_content_type() == "multipart/mixed"
    related = msg.get_payload()[0]
    assert related.get_content_type() == "multipart/alternative"
    text, html = related.get_payload()
    assert text.get_content() == "See the logo\n" or text.get_content().rstrip() == "See the logo"
    assert html.get_content_type() == "multipart/related"
    _, logo_part, banner_part = html.get_payload()
    assert logo_part["Content-ID"] == "<logo>"
    assert logo_part.get_content() == logo
    assert logo_part.get_content_type() == "image/png"
    assert banner_part["Content-ID"] == "<banner>"
    assert banner_part.get_filename() == "banner.gif"
    assert banner_part.get_content() == b"GIF89a-banner"
    invoice = msg.get_payload()[1]
    assert invoice.get_filename() == "invoice.pdf"
    assert invoice.get_content() == b"%PDF"
    builder.send()
    wire = body_of(transport.requests[0])
    sent = parse(base64.b64decode(wire["Content"]["Raw"]["Data"]))
    # Date and boundaries differ between two compositions; the content does not.
    assert [p.get_content() for p in sent.walk() if not p.is_multipart()] == [
        p.get_content() for p in msg.walk() if not p.is_multipart()
    ]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"\x89PNG\r\n\x1a\nrest", "image/png"),
        (b"\xff\xd8\xff\xe0rest", "image/jpeg"),
        (b"GIF89arest", "image/gif"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "image/webp"),
        (b"not an image", "application/octet-stream"),
    ],
)
def test_inline_image_type_from_the_bytes(client: SesClient, data: bytes, expected: str) -> None:
    # A templated message shows the attachment as SES gets it.
    params = (
        client.email_builder()
        .from_(SENDER)
        .to("a@example.com")
        .template("t")
        .inline_image("<pic>", data)
        .build()
    )
    (attachment,) = params["Content"]["Template"]["Attachments"]
    assert attachment["ContentType"] == expected
    assert attachment["FileName"] == "pic" and attachment["ContentId"] == "pic"


def test_raw_true_forces_raw(client: SesClient) -> None:
    params = (
        client.email_builder()
        .from_(SENDER)
        .to("a@example.com")
        .subject("Plain")
        .text_body("just text")
        .raw()
        .build()
    )
    msg = parse(params["Content"]["Raw"]["Data"])
    assert msg["Subject"] == "Plain"
    assert msg.get_content().rstrip("\r\n") == "just text"
    assert client.email_builder().from_(SENDER).to("a@example.com").subject("s").text_body("t").raw(
        True
    ).raw(False).build()["Content"].keys() == {"Simple"}


def test_raw_size_is_checked_on_the_composed_message(
    client: SesClient, transport: MockTransport, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The estimate (attachment data only) fits; the composed message, with
    # its headers and body, does not.
    monkeypatch.setattr(rules_module, "MAX_MESSAGE_BYTES", 1500)
    builder = client.email_builder().from_(SENDER).to("a@example.com").subject("s")
    builder.text_body("x" * 200).attach_bytes("a.bin", "application/octet-stream", b"\0" * 900)
    builder.raw()
    with pytest.raises(SesValidationError) as info:
        builder.send()
    assert info.value.field == "attachments"
    assert transport.requests == []


# ------------------------------------------------------------------ templates


@dataclasses.dataclass
class Order:
    name: str
    total: float


class OrderStruct(msgspec.Struct):
    name: str
    items: list[str]


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        (lambda b: b.template_data({"name": "Ann", "n": 2}), '{"name":"Ann","n":2}'),
        (lambda b: b.template_data(Order("Ann", 9.5)), '{"name":"Ann","total":9.5}'),
        (
            lambda b: b.template_data(OrderStruct(name="Ann", items=["x"])),
            '{"name":"Ann","items":["x"]}',
        ),
        (lambda b: b.template_data('{"name": "Ann"}'), '{"name": "Ann"}'),
        (lambda b: b.template_data_json('{"name": "Ann"}'), '{"name": "Ann"}'),
        (lambda b: b.template_data_json(b'{"a": 1}'), '{"a": 1}'),
        (lambda b: b, "{}"),
    ],
    ids=["dict", "dataclass", "struct", "json-str", "json", "json-bytes", "none"],
)
def test_template_data_variants(client: SesClient, call: Any, expected: str) -> None:
    builder = client.email_builder().from_(SENDER).to("a@example.com").template("welcome")
    params = call(builder).build()
    assert params["Content"] == {"Template": {"TemplateName": "welcome", "TemplateData": expected}}


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ([1, 2], "JSON object"),
        ("[1, 2]", "JSON object"),
        ("{not json", "not valid JSON"),
        (Order, "dataclass instance"),
        ({"when": object()}, "cannot be encoded"),
    ],
)
def test_template_data_must_be_a_json_object(value: Any, problem: str) -> None:
    with pytest.raises(SesValidationError) as info:
        encode_template_data(value)
    assert info.value.field == "template_data"
    assert problem in info.value.problem


def test_template_with_headers_attachments_and_inline_image(client: SesClient) -> None:
    params = (
        client.email_builder()
        .from_(SENDER)
        .to("a@example.com")
        .reply_to("help@example.com")
        .template("welcome")
        .template_data({"name": "Ann"})
        .header("X-Campaign", "spring")
        .attach_bytes("a.txt", "text/plain", b"hello")
        .inline_image("logo", b"PNG", "logo.png", "image/png")
        .build()
    )
    assert params["ReplyToAddresses"] == ["help@example.com"]
    assert params["Content"] == {
        "Template": {
            "TemplateName": "welcome",
            "TemplateData": '{"name":"Ann"}',
            "Headers": [{"Name": "X-Campaign", "Value": "spring"}],
            "Attachments": [
                {
                    "RawContent": b"hello",
                    "FileName": "a.txt",
                    "ContentType": "text/plain",
                    "ContentDisposition": "ATTACHMENT",
                },
                {
                    "RawContent": b"PNG",
                    "FileName": "logo.png",
                    "ContentType": "image/png",
                    "ContentDisposition": "INLINE",
                    "ContentId": "logo",
                },
            ],
        }
    }


def test_send_templated_email(client: SesClient, transport: MockTransport) -> None:
    response = client.send_templated_email(
        SENDER,
        "a@example.com",
        "welcome",
        {"name": "Ann"},
        configuration_set="cs",
        tags={"campaign": "welcome"},
        cc=["c@example.com"],
        bcc="b@example.com",
        reply_to="r@example.com",
    )
    assert response.message_id == "m-1"
    assert body_of(transport.requests[0]) == {
        "FromEmailAddress": SENDER,
        "Destination": {
            "ToAddresses": ["a@example.com"],
            "CcAddresses": ["c@example.com"],
            "BccAddresses": ["b@example.com"],
        },
        "Content": {"Template": {"TemplateName": "welcome", "TemplateData": '{"name":"Ann"}'}},
        "ReplyToAddresses": ["r@example.com"],
        "EmailTags": [{"Name": "campaign", "Value": "welcome"}],
        "ConfigurationSetName": "cs",
    }
    client.send_templated_email(SENDER, ["x@example.com", "y@example.com"], "t", '{"a": 1}')
    second = body_of(transport.requests[1])
    assert second["Destination"] == {"ToAddresses": ["x@example.com", "y@example.com"]}
    assert second["Content"]["Template"]["TemplateData"] == '{"a": 1}'


# ------------------------------------------------------------------ validation


def _valid(client: SesClient) -> EmailBuilder[Any]:
    return client.email_builder().from_(SENDER).to("a@example.com").subject("s").text_body("t")


def _many(n: int) -> list[str]:
    return [f"r{i}@example.com" for i in range(n)]


INVALID_CASES: list[tuple[str, Any, str]] = [
    (
        "no sender",
        lambda c: c.email_builder().to("a@example.com").subject("s").text_body("t"),
        "from_",
    ),
    ("bad sender", lambda c: _valid(c).from_("not-an-address"), "from_"),
    ("bad display name", lambda c: _valid(c).from_name("Evil\r\nBcc: x", SENDER), "from_.name"),
    ("no recipient", lambda c: c.email_builder().from_(SENDER).subject("s").text_body("t"), "to"),
    (
        "51 recipients",
        lambda c: _valid(c).to_many(_many(25)).cc_many(_many(20)).bcc_many(_many(5)),
        "destination",
    ),
    ("bad to[2]", lambda c: _valid(c).to("b@example.com").to("nope@"), "to[2]"),
    ("bad cc[0]", lambda c: _valid(c).cc("two@@example.com"), "cc[0]"),
    ("bad bcc[1]", lambda c: _valid(c).bcc_many(["ok@example.com", "x"]), "bcc[1]"),
    ("bad reply_to[0]", lambda c: _valid(c).reply_to("a b@example.com"), "reply_to[0]"),
    ("non-ascii local part", lambda c: _valid(c).to("jörg@example.com"), "to[1]"),
    (
        "bad feedback address",
        lambda c: _valid(c).feedback_forwarding_email("x"),
        "feedback_forwarding_email",
    ),
    (
        "neither body nor template",
        lambda c: c.email_builder().from_(SENDER).to("a@example.com").subject("s"),
        "body",
    ),
    ("body and template", lambda c: _valid(c).template("t"), "template"),
    (
        "no subject",
        lambda c: c.email_builder().from_(SENDER).to("a@example.com").text_body("t"),
        "subject",
    ),
    (
        "subject with template",
        lambda c: c.email_builder().from_(SENDER).to("a@example.com").subject("s").template("t"),
        "subject",
    ),
    ("subject CR", lambda c: _valid(c).subject("a\rb"), "subject"),
    ("subject LF", lambda c: _valid(c).subject("a\nBcc: x@example.com"), "subject"),
    ("header LF", lambda c: _valid(c).header("X-Foo", "a\nb"), "headers[X-Foo]"),
    ("header CR", lambda c: _valid(c).header("X-Foo", "a\rb"), "headers[X-Foo]"),
    ("header control", lambda c: _valid(c).header("X-Foo", "a\x00b"), "headers[X-Foo]"),
    ("header name", lambda c: _valid(c).header("X Foo", "v"), "headers[X Foo]"),
    (
        "header managed",
        lambda c: _valid(c).header("Reply-To", "x@example.com"),
        "headers[Reply-To]",
    ),
    ("header too long", lambda c: _valid(c).header("X-Long", "v" * 996), "headers[X-Long]"),
    ("16 headers", lambda c: _many_headers(_valid(c), 16), "headers"),
    ("tag name", lambda c: _valid(c).tag("bad name", "v"), "tags[bad name]"),
    ("tag value", lambda c: _valid(c).tag("campaign", "spring/2024"), "tags[campaign]"),
    ("tag empty value", lambda c: _valid(c).tag("campaign", ""), "tags[campaign]"),
    ("tag too long", lambda c: _valid(c).tag("n" * 257, "v"), f"tags[{'n' * 257}]"),
    (
        "raw template",
        lambda c: c.email_builder().from_(SENDER).to("a@example.com").template("t").raw(),
        "raw",
    ),
    ("inline without html", lambda c: _valid(c).inline_image("logo", b"png"), "attachments"),
    (
        "over 40 MB",
        lambda c: _valid(c).attach_bytes("big.bin", "application/octet-stream", bytes(31 * 2**20)),
        "attachments",
    ),
]


def _many_headers(builder: EmailBuilder[Any], n: int) -> EmailBuilder[Any]:
    for i in range(n):
        builder.header(f"X-H{i}", "v")
    return builder


@pytest.mark.parametrize(
    ("make", "field"), [(m, f) for _, m, f in INVALID_CASES], ids=[i for i, _, _ in INVALID_CASES]
)
def test_validation_names_the_field_and_sends_nothing(
    client: SesClient, transport: MockTransport, make: Any, field: str
) -> None:
    builder = make(client)
    with pytest.raises(SesValidationError) as info:
        builder.build()
    assert info.value.field == field
    with pytest.raises(SesValidationError):
        builder.send()
    assert transport.requests == []


def test_fifteen_headers_are_fine(client: SesClient) -> None:
    params = _many_headers(_valid(client), 15).build()
    assert len(params["Content"]["Simple"]["Headers"]) == 15


def test_fifty_recipients_are_fine(client: SesClient) -> None:
    builder = client.email_builder().from_(SENDER).to_many(_many(30)).bcc_many(_many(20))
    assert len(builder.subject("s").text_body("t").build()["Destination"]["ToAddresses"]) == 30


# ------------------------------------------------------------------ async


async def test_async_builder_and_templated_send() -> None:
    transport = AsyncMockTransport(lambda request: json_response({"MessageId": "async-1"}))
    async with AsyncSesClient(
        SesConfig(
            region="eu-west-1",
            credentials=Credentials("AKID", "secret"),
            async_transport=transport,
        )
    ) as aclient:
        builder = aclient.email_builder().from_(SENDER).to("a@example.com").subject("Hi")
        response = await builder.text_body("Hello").send()
        assert response.message_id == "async-1"
        templated = await aclient.send_templated_email(SENDER, "a@example.com", "t", {"x": 1})
        assert templated.message_id == "async-1"
        with pytest.raises(SesValidationError):
            await aclient.email_builder().from_(SENDER).subject("s").text_body("t").send()
    assert len(transport.requests) == 2
    first = body_of(transport.requests[0])
    assert first["Content"]["Simple"]["Subject"] == {"Data": "Hi", "Charset": "UTF-8"}
    assert body_of(transport.requests[1])["Content"]["Template"]["TemplateData"] == '{"x":1}'


# ------------------------------------------------------------------ templates


def test_template_builder_build_and_bound_calls(
    client: SesClient, transport: MockTransport
) -> None:
    builder = (
        client.template_builder("welcome")
        .subject("Hi {{name}}")
        .html("<p>Hello {{name}}</p>")
        .text("Hello {{name}}")
        .tag("team", "growth")
    )
    assert builder.build() == {
        "TemplateName": "welcome",
        "TemplateContent": {
            "Subject": "Hi {{name}}",
            "Html": "<p>Hello {{name}}</p>",
            "Text": "Hello {{name}}",
        },
        "Tags": [{"Key": "team", "Value": "growth"}],
    }
    builder.create()
    builder.update()
    create, update = transport.requests
    assert create.url.endswith("/v2/email/templates")
    assert body_of(create) == builder.build()
    assert update.method == "PUT"
    assert update.url.endswith("/v2/email/templates/welcome")
    assert body_of(update) == {"TemplateContent": builder.build()["TemplateContent"]}


def test_template_builder_rejects_bad_syntax_and_empty_templates() -> None:
    with pytest.raises(SesValidationError) as info:
        TemplateBuilder("t").subject("ok").html("<p>{{#if x}}unclosed</p>").build()
    assert info.value.field == "html"
    with pytest.raises(SesValidationError) as info:
        TemplateBuilder("t").build()
    assert info.value.field == "template_content"
    with pytest.raises(TypeError, match="not bound"):
        TemplateBuilder("t").subject("s").create()


def test_render_locally_shows_output_and_missing_variables() -> None:
    template = TemplateBuilder("t").subject("Hi {{name}}").html("<b>{{name}}</b> {{order.id}}")
    template.text("Total: {{total}}")
    result = render_locally(template, {"name": "<Ann>", "total": 3})
    assert result == LocalRender("Hi <Ann>", "<b>&lt;Ann&gt;</b> ", "Total: 3", ["order.id"])
    assert not result.ok
    raw = template.render_locally(
        {"name": "<Ann>", "order": {"id": 7}, "total": 3}, escape_html=False
    )
    assert raw.html == "<b><Ann></b> 7" and raw.ok


@pytest.mark.parametrize(
    "template",
    [
        EmailTemplateContent(subject="Hi {{name}}", text="x {{y}}"),
        {"subject": "Hi {{name}}", "text": "x {{y}}"},
        {"Subject": "Hi {{name}}", "Text": "x {{y}}"},
    ],
    ids=["struct", "snake", "wire"],
)
def test_render_locally_accepts_content_structs_and_dicts(template: Any) -> None:
    result = render_locally(template, Order("Ann", 1.0))
    assert result == LocalRender("Hi Ann", None, "x ", ["y"])


def test_render_locally_reports_syntax_errors_with_the_part() -> None:
    with pytest.raises(TemplateRenderError) as info:
        render_locally({"subject": "ok", "text": "{{#each}}"}, {})
    assert info.value.part == "text"


def test_templates_render_locally_fetches_a_stored_template() -> None:
    stored = {
        "TemplateName": "welcome",
        "TemplateContent": {"Subject": "Hi {{name}}", "Html": "<p>{{name}} {{code}}</p>"},
    }
    transport = MockTransport(lambda request: json_response(stored))
    client = SesClient(
        region="us-east-1", credentials=Credentials("AKID", "secret"), transport=transport
    )
    result = client.templates.render_locally("welcome", {"name": "Ann"})
    assert result == LocalRender("Hi Ann", "<p>Ann </p>", None, ["code"])
    assert transport.requests[0].url.endswith("/v2/email/templates/welcome")
    assert transport.requests[0].method == "GET"
    assert client.templates is client.templates  # a cached accessor


async def test_async_templates_render_locally_and_builder() -> None:
    stored = {"TemplateName": "w", "TemplateContent": {"Subject": "{{a}}-{{b}}"}}
    transport = AsyncMockTransport(lambda request: json_response(stored))
    aclient = AsyncSesClient(
        region="us-east-1", credentials=Credentials("AKID", "secret"), async_transport=transport
    )
    result = await aclient.templates.render_locally("w", {"a": 1})
    assert result == LocalRender("1-", None, None, ["b"])
    await aclient.template_builder("w").subject("{{a}}").create()
    assert body_of(transport.requests[1]) == {
        "TemplateName": "w",
        "TemplateContent": {"Subject": "{{a}}"},
    }


# ------------------------------------------------------------------ property


_NO_CRLF = st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n")
_FILENAME = st.characters(blacklist_categories=("Cs", "Cc"))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    subject=st.text(_NO_CRLF, max_size=120),
    name=st.text(_NO_CRLF, min_size=1, max_size=60).filter(lambda s: s.strip(" \t")),
    filename=st.text(_FILENAME, min_size=1, max_size=80),
)
def test_unicode_subject_name_and_filename_survive_compose_and_parse(
    subject: str, name: str, filename: str
) -> None:
    data = filename.encode("utf-8", "surrogatepass") + b"\x00\xff"
    params = (
        EmailBuilder(lambda p: p)
        .from_name(name, SENDER)
        .to("a@example.com")
        .subject(subject)
        .text_body("body")
        .attach_bytes(filename, "application/octet-stream", data)
        .raw(True)
        .build()
    )
    msg = parse(params["Content"]["Raw"]["Data"])
    assert msg["Subject"] == subject
    (sender,) = msg["From"].addresses
    assert sender.addr_spec == SENDER
    # Decoded the RFC 2047 way: the stdlib's modern address parser keeps the
    # space between adjacent encoded words (CPython gh-128110), which RFC 2047
    # says to drop. Runs of blanks in a phrase mean one space, so the sender
    # normalises them.
    assert _raw_from(msg) == re.sub(r"[ \t]+", " ", name).strip(" \t")
    (attachment,) = list(msg.iter_attachments())
    # The parameter, not get_filename(): that strips surrounding blanks and quotes.
    assert attachment["Content-Disposition"].params["filename"] == filename
    assert attachment.get_content() == data


def _raw_from(msg: EmailMessage) -> str:
    raw = (
        "".join(v for k, v in msg.raw_items() if k.lower() == "from")
        .replace("\r\n", "")
        .replace("\n", "")
    )
    ((display, _),) = getaddresses([raw])
    return str(make_header(decode_header(display)))
