"""Sending end to end against the local SES v2 server, in process.

The clients talk to ``aws_ses.local.create_app()`` through the ASGI transports
(signed requests, the real wire format); what the server stored is read back
from ``GET /_aws/ses`` and its ``RawData`` parsed with the stdlib, then
compared with what was given: attachments, inline images, headers, encodings.
The last tests run every example of ``docs/sending.md``.
"""

from __future__ import annotations

import ast
import asyncio
import base64
import email
import email.policy
import json
import re
import sys
import types
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from email.header import decode_header, make_header
from email.message import EmailMessage
from email.utils import getaddresses
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from aws_ses import AsyncSesClient, SesClient
from aws_ses.auth import Credentials
from aws_ses.bulk import BulkEntry
from aws_ses.transport import ASGITransport, HttpRequest, HttpResponse, SyncASGITransport, Timeout

ENDPOINT = "http://local.test"
SENDER = "sender@example.com"
DOCS = Path(__file__).resolve().parents[1] / "docs" / "sending.md"
# SES's default rate (14 recipients/s) would throttle the bulk tests; they are
# about chunking and retries, so the local account gets a generous one.
FAST = {"max_send_rate": 100_000.0}


def make_app(**options: Any) -> Any:
    from aws_ses.local import create_app

    return create_app(**{**FAST, **options})


class Recording:
    """A sync transport that keeps every request it forwards."""

    def __init__(self, inner: SyncASGITransport) -> None:
        self.inner = inner
        self.requests: list[HttpRequest] = []

    def send(self, request: HttpRequest, *, timeout: Timeout) -> HttpResponse:
        self.requests.append(request)
        return self.inner.send(request, timeout=timeout)

    def close(self) -> None:
        self.inner.close()


@dataclass
class Local:
    client: SesClient
    transport: Recording

    def get(self, path: str, **params: str) -> Any:
        url = ENDPOINT + path + ("?" + urlencode(params) if params else "")
        response = self.transport.inner.send(HttpRequest("GET", url), timeout=Timeout())
        assert response.status == 200, response.body
        return json.loads(response.body)

    def post(self, path: str, data: Any) -> Any:
        request = HttpRequest(
            "POST", ENDPOINT + path, {"Content-Type": "application/json"}, json.dumps(data).encode()
        )
        response = self.transport.inner.send(request, timeout=Timeout())
        assert response.status == 200, response.body
        return json.loads(response.body)

    def messages(self, **params: str) -> list[dict[str, Any]]:
        messages: list[dict[str, Any]] = self.get("/_aws/ses", **params)["messages"]
        return messages

    def sent_raw(self) -> bytes:
        """The Raw content of the last SendEmail request."""
        body = json.loads(self.transport.requests[-1].body)
        return base64.b64decode(body["Content"]["Raw"]["Data"])


def client_for(transport: Any) -> SesClient:
    return SesClient(
        region="us-east-1",
        endpoint_url=ENDPOINT,
        credentials=Credentials("test", "test"),
        transport=transport,
    )


@pytest.fixture
def local() -> Iterator[Local]:
    transport = Recording(SyncASGITransport(make_app()))
    client = client_for(transport)
    client.identities.create(email_identity=SENDER)
    yield Local(client, transport)
    transport.close()


def parse(raw: str) -> EmailMessage:
    msg = email.message_from_string(raw, policy=email.policy.default)
    assert isinstance(msg, EmailMessage)
    return msg


def display_name(msg: EmailMessage, header: str = "From") -> str:
    # RFC 2047 decoding of the phrase. The stdlib's modern address parser
    # keeps the blank between adjacent encoded words (CPython gh-128110).
    raw = "".join(v for k, v in msg.raw_items() if k.lower() == header.lower())
    ((name, _),) = getaddresses([re.sub(r"\r?\n", "", raw)])
    return str(make_header(decode_header(name)))


def raw_header(msg: EmailMessage, name: str) -> str:
    (value,) = [v for k, v in msg.raw_items() if k.lower() == name.lower()]
    return str(value)


def text_of(part: Any) -> str:
    # Text travels in MIME's canonical form, CRLF line ends; the parser of a
    # string keeps them.
    content: str = part.get_content()
    return content.replace("\r\n", "\n")


def leaves(msg: EmailMessage) -> list[EmailMessage]:
    return [p for p in msg.walk() if not p.is_multipart()]  # type: ignore[misc]


def assert_wire_safe(raw: str) -> None:
    """7-bit headers and every line within SMTP's 998 octets."""
    head = raw.split("\r\n\r\n", 1)[0] if "\r\n\r\n" in raw else raw.split("\n\n", 1)[0]
    assert head.isascii()
    assert max(len(line.encode()) for line in raw.splitlines()) <= 998


PDF = b"%PDF-1.7\n" + bytes(range(256)) * 64 + b"\n%%EOF\r\n"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(255, -1, -1)) * 8
SUBJECT = "Grüße aus Köln — Bestellung №1234 ✉ 👋"
NAME = "Zoë Ågren-Müller, Kundenservice"
TEXT = "Hallo Jürgen,\nIhre Bestellung ist unterwegs.\n" + "Zeile " * 300 + "\n"
HTML = "<p>Hallo <b>Jürgen</b>,</p><p>Ihre Bestellung ist unterwegs.</p>"
GREETING = "größe 👋 " + "sehr lange Kopfzeile " * 20


def test_simple_message_with_attachments_headers_and_unicode(local: Local, tmp_path: Path) -> None:
    csv = tmp_path / "Umsätze 2024.csv"
    csv.write_bytes("Monat;Umsatz\nMärz;1.234,56 €\n".encode())
    response = (
        local.client.email_builder()
        .from_name(NAME, SENDER)
        .to("kunde@example.com")
        .cc("Büro <buero@example.com>")
        .bcc("archiv@example.com")
        .reply_to("hilfe@example.com")
        .subject(SUBJECT)
        .body(TEXT, HTML)
        .header("X-Campaign", "spring-2024")
        .header("X-Greeting", GREETING)
        .attach_bytes("Résumé — Zoë (final).pdf", "application/pdf", PDF)
        .attach_file(csv)
        .tag("campaign", "spring")
        .send()
    )
    assert json.loads(local.transport.requests[-1].body)["Content"].keys() == {"Simple"}
    (doc,) = local.messages()
    assert doc["Id"] == response.message_id
    assert doc["Subject"] == SUBJECT
    assert doc["Destination"]["BccAddresses"] == ["archiv@example.com"]
    assert doc["Tags"] == [{"Name": "campaign", "Value": "spring"}]
    raw = doc["RawData"]
    assert_wire_safe(raw)
    msg = parse(raw)
    assert msg["Subject"] == SUBJECT
    assert display_name(msg) == NAME
    assert msg["From"].addresses[0].addr_spec == SENDER
    assert display_name(msg, "Cc") == "Büro"
    assert msg["Reply-To"] == "hilfe@example.com"
    assert msg["Bcc"] is None and "archiv@example.com" not in raw
    assert msg["X-Campaign"] == "spring-2024"
    assert msg["X-Greeting"] == GREETING
    assert raw_header(msg, "X-Greeting").isascii()  # RFC 2047 on the wire
    assert text_of(msg.get_body(("plain",))) == TEXT
    assert text_of(msg.get_body(("html",))).rstrip("\n") == HTML
    attachments = list(msg.iter_attachments())
    assert [
        (
            a["Content-Disposition"].params["filename"],
            a.get_content_disposition(),
            a.get_content_type(),
            a["Content-Transfer-Encoding"],
            a.get_payload(decode=True),
        )
        for a in attachments
    ] == [
        ("Résumé — Zoë (final).pdf", "attachment", "application/pdf", "base64", PDF),
        ("Umsätze 2024.csv", "attachment", "text/csv", "base64", csv.read_bytes()),
    ]
    # The base64 on the wire is exactly the data given, in lines of 76.
    body = attachments[0].get_payload()
    assert base64.b64decode(body) == PDF
    assert {len(line) for line in body.splitlines()[:-1]} == {76}
    assert [(a["filename"], a["size"], a["disposition"]) for a in doc["Attachments"]] == [
        ("Résumé — Zoë (final).pdf", len(PDF), "attachment"),
        ("Umsätze 2024.csv", len(csv.read_bytes()), "attachment"),
    ]


def test_inline_image_goes_raw_and_arrives_byte_for_byte(local: Local) -> None:
    html = '<p>Willkommen!</p><img src="cid:logo@example.com" alt="Logo">'
    response = (
        local.client.email_builder()
        .from_name(NAME, SENDER)
        .to("kunde@example.com")
        .bcc("archiv@example.com")
        .subject(SUBJECT)
        .body(TEXT, html)
        .inline_image("logo@example.com", PNG, "Logo — grün.png")
        .attach_bytes("Preisliste März.pdf", "application/pdf", PDF)
        .header("X-Greeting", GREETING)
        .send()
    )
    sent = local.sent_raw()
    (doc,) = local.messages()
    assert doc["Id"] == response.message_id
    # Raw content is the caller's own message: stored exactly as sent.
    assert doc["RawData"].encode() == sent
    assert doc["Destination"]["BccAddresses"] == ["archiv@example.com"]
    assert b"archiv@example.com" not in sent
    assert_wire_safe(doc["RawData"])
    msg = parse(doc["RawData"])
    assert msg.get_content_type() == "multipart/mixed"
    assert msg["Subject"] == SUBJECT and display_name(msg) == NAME
    assert msg["X-Greeting"] == GREETING
    alternative, pdf = msg.get_payload()  # type: ignore[misc]
    assert alternative.get_content_type() == "multipart/alternative"
    text, related = alternative.get_payload()
    assert text_of(text) == TEXT
    assert related.get_content_type() == "multipart/related"
    html_part, image = related.get_payload()
    assert text_of(html_part).rstrip("\n") == html
    assert image["Content-ID"] == "<logo@example.com>"
    assert image.get_content_disposition() == "inline"
    assert image["Content-Disposition"].params["filename"] == "Logo — grün.png"
    assert image.get_content_type() == "image/png"
    assert image["Content-Transfer-Encoding"] == "base64"
    assert image.get_content() == PNG
    assert pdf["Content-Disposition"].params["filename"] == "Preisliste März.pdf"
    assert pdf.get_content() == PDF


def test_forced_raw_message(local: Local) -> None:
    local.client.email_builder().from_(SENDER).to("kunde@example.com").subject(SUBJECT).text_body(
        TEXT
    ).attach_bytes("naïve café.txt", "text/plain; charset=utf-8", "crème brûlée".encode()).header(
        "X-Trace", "abc-123"
    ).raw().send()
    (doc,) = local.messages()
    assert doc["RawData"].encode() == local.sent_raw()
    msg = parse(doc["RawData"])
    assert msg["Subject"] == SUBJECT and msg["X-Trace"] == "abc-123"
    (att,) = msg.iter_attachments()
    assert att["Content-Disposition"].params["filename"] == "naïve café.txt"
    assert att.get_payload(decode=True) == "crème brûlée".encode()


def test_templates_preview_and_send(local: Local) -> None:
    client = local.client
    client.template_builder("shipped").subject("Bestellung {{order.id}} für {{name}}").html(
        "<p>Hallo {{name}}</p>"
    ).text("Hallo {{name}}, {{order.id}} ist unterwegs.").create()
    preview = client.templates.render_locally("shipped", {"name": "<Ann>"})
    assert preview.missing == ["order.id"]
    assert preview.subject == "Bestellung  für <Ann>"
    assert preview.html == "<p>Hallo &lt;Ann&gt;</p>"
    response = client.send_templated_email(
        SENDER, ["ann@example.com"], "shipped", {"name": "Ann", "order": {"id": "A-1"}}
    )
    (doc,) = local.messages()
    assert doc["Id"] == response.message_id and doc["Template"] == "shipped"
    assert doc["Subject"] == "Bestellung A-1 für Ann"
    assert doc["Body"]["text_part"].rstrip("\r\n") == "Hallo Ann, A-1 ist unterwegs."
    client.template_builder("shipped").subject("Neu: {{name}}").update()
    assert client.templates.render_locally("shipped", {"name": "B"}).subject == "Neu: B"


def test_templated_send_with_attachment_and_headers(local: Local) -> None:
    local.client.template_builder("t").subject("Hi {{name}}").text("Body {{name}}").create()
    local.client.email_builder().from_(SENDER).to("a@example.com").template("t").template_data(
        {"name": "Zoë"}
    ).header("X-Greeting", GREETING).attach_bytes("Zoë.pdf", "application/pdf", PDF).send()
    (doc,) = local.messages()
    msg = parse(doc["RawData"])
    assert msg["Subject"] == "Hi Zoë" and msg["X-Greeting"] == GREETING
    (att,) = msg.iter_attachments()
    assert att["Content-Disposition"].params["filename"] == "Zoë.pdf"
    assert att.get_content() == PDF


# ------------------------------------------------------------------ bulk


def test_bulk_retry_resends_only_transient_failures(local: Local) -> None:
    client = local.client
    client.template_builder("news").subject("Hi {{name}}").text("News for {{name}}").create()
    recipients = [f"reader{i}@example.com" for i in range(120)]
    entries = [BulkEntry(to=[a], template_data={"name": f"R{i}"}) for i, a in enumerate(recipients)]
    # The next five entries the server sees (the first five of the first
    # call) get these statuses instead of being sent.
    faults = ["TRANSIENT_FAILURE", "SUCCESS", "TRANSIENT_FAILURE", "ACCOUNT_THROTTLED"]
    faults.append("MESSAGE_REJECTED")
    local.post("/_aws/ses/bulk-faults", {"statuses": faults})

    result = client.send_bulk(
        SENDER, "news", entries, default_template_data={"name": "x"}, max_concurrency=1
    )
    assert result.calls == 3
    assert [r.status for r in result[:5]] == faults
    assert [r.index for r in result.transient] == [0, 2, 3]
    counts = Counter(a for m in local.messages() for a in m["Destination"]["ToAddresses"])
    # Injected statuses are not sent, "SUCCESS" included (it was a fault too).
    assert sum(counts.values()) == 115

    retried = result.retry_failed()
    assert retried.calls == 4
    retry_body = json.loads(local.transport.requests[-1].body)
    assert [e["Destination"]["ToAddresses"][0] for e in retry_body["BulkEmailEntries"]] == [
        recipients[0],
        recipients[2],
        recipients[3],
    ]
    assert [r.status for r in retried[:5]] == [
        "SUCCESS",
        "SUCCESS",
        "SUCCESS",
        "SUCCESS",
        "MESSAGE_REJECTED",
    ]
    assert [r.attempts for r in retried[:5]] == [2, 1, 2, 2, 1]
    assert retried.retry_failed() is retried

    counts = Counter(a for m in local.messages() for a in m["Destination"]["ToAddresses"])
    # Every transient failure was resent once and delivered once; nothing
    # that succeeded was sent again; the rejected entry was never resent.
    assert counts[recipients[0]] == counts[recipients[2]] == counts[recipients[3]] == 1
    assert counts[recipients[1]] == 0 and counts[recipients[4]] == 0
    assert all(counts[a] == 1 for a in recipients[5:])
    assert sum(counts.values()) == 118
    first = next(m for m in local.messages() if m["Destination"]["ToAddresses"] == [recipients[7]])
    assert first["Subject"] == "Hi R7"


# ------------------------------------------------------------------ async


@pytest.fixture
async def alocal() -> AsyncIterator[tuple[AsyncSesClient, ASGITransport]]:
    async with ASGITransport(make_app()) as transport:
        aclient = AsyncSesClient(
            region="us-east-1",
            endpoint_url=ENDPOINT,
            credentials=Credentials("test", "test"),
            async_transport=transport,
        )
        await aclient.identities.create(email_identity=SENDER)
        yield aclient, transport


async def _messages(transport: ASGITransport) -> list[dict[str, Any]]:
    response = await transport.send(HttpRequest("GET", ENDPOINT + "/_aws/ses"), timeout=Timeout())
    messages: list[dict[str, Any]] = json.loads(response.body)["messages"]
    return messages


async def test_async_builder_inline_image_and_bulk(
    alocal: tuple[AsyncSesClient, ASGITransport],
) -> None:
    aclient, transport = alocal
    response = await (
        aclient.email_builder()
        .from_name(NAME, SENDER)
        .to("kunde@example.com")
        .subject(SUBJECT)
        .html_body('<img src="cid:logo">')
        .inline_image("logo", PNG, "logo.png")
        .send()
    )
    (doc,) = await _messages(transport)
    assert doc["Id"] == response.message_id
    msg = parse(doc["RawData"])
    (image,) = [p for p in leaves(msg) if p["Content-ID"] == "<logo>"]
    assert image.get_content() == PNG

    await aclient.template_builder("n").subject("Hi {{name}}").create()
    preview = await aclient.templates.render_locally("n", {})
    assert preview.missing == ["name"]
    await transport.send(
        HttpRequest(
            "POST",
            ENDPOINT + "/_aws/ses/bulk-faults",
            {"Content-Type": "application/json"},
            json.dumps({"statuses": ["TRANSIENT_FAILURE"]}).encode(),
        ),
        timeout=Timeout(),
    )
    recipients = [f"r{i}@example.com" for i in range(230)]
    result = await aclient.send_bulk(
        SENDER, "n", recipients, default_template_data={"name": "x"}, max_concurrency=3
    )
    assert result.calls == 5 and len(result) == 230
    assert [r.index for r in result] == list(range(230))
    assert len(result.transient) == 1
    retried = await result.retry_failed()
    assert retried.ok and retried.calls == 6
    counts = Counter(a for m in await _messages(transport) for a in m["Destination"]["ToAddresses"])
    assert all(counts[a] == 1 for a in recipients)


# ------------------------------------------------------------------ docs/sending.md


def doc_blocks() -> list[tuple[int, str]]:
    """(line, source) of every ```python block of docs/sending.md."""
    text = DOCS.read_text(encoding="utf-8")
    blocks = []
    for match in re.finditer(r"^```python\n(.*?)^```", text, flags=re.S | re.M):
        line = text.count("\n", 0, match.start()) + 2
        blocks.append((line, match.group(1)))
    return blocks


def is_setup(source: str) -> bool:
    return source.startswith("# setup")


def run_block(
    line: int, source: str, namespace: dict[str, Any], loop: asyncio.AbstractEventLoop
) -> None:
    # Padded so that a traceback points at the line of the doc.
    padded = "\n" * (line - 1) + source
    code = compile(padded, str(DOCS), "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
    result = eval(code, namespace)  # a coroutine when the block awaits
    if asyncio.iscoroutine(result):
        loop.run_until_complete(result)


def doc_namespace(**names: Any) -> Iterator[dict[str, Any]]:
    # A real module, so that a @dataclass defined in an example finds it.
    module = types.ModuleType("sending_md_examples")
    module.__dict__.update(names)
    sys.modules[module.__name__] = module
    try:
        yield module.__dict__
    finally:
        del sys.modules[module.__name__]


EXAMPLES = [(line, src) for line, src in doc_blocks() if not is_setup(src)]


@pytest.mark.parametrize(("line", "source"), EXAMPLES, ids=[f"line{n}" for n, _ in EXAMPLES])
def test_docs_example_runs(line: int, source: str) -> None:
    # Each example runs on a fresh in-process server with the names the
    # doc's setup block promises: client, aclient and a verified sender.
    app = make_app()
    sync_transport = SyncASGITransport(app)
    loop = asyncio.new_event_loop()
    async_transport = ASGITransport(app)
    try:
        client = client_for(sync_transport)
        client.identities.create(email_identity=SENDER)
        aclient = AsyncSesClient(
            region="us-east-1",
            endpoint_url=ENDPOINT,
            credentials=Credentials("test", "test"),
            async_transport=async_transport,
        )
        for namespace in doc_namespace(client=client, aclient=aclient):
            run_block(line, source, namespace, loop)
    finally:
        loop.run_until_complete(async_transport.aclose())
        loop.close()
        sync_transport.close()


def test_docs_run_top_to_bottom_with_their_own_setup() -> None:
    # The setup block for real (a LocalServer on a socket), then every example
    # in order in one namespace, as a reader would paste them.
    names = doc_namespace()
    namespace = next(names)
    loop = asyncio.new_event_loop()
    try:
        for line, source in doc_blocks():
            run_block(line, source, namespace, loop)
    finally:
        names.close()
        aclient = namespace.get("aclient")
        if aclient is not None:
            loop.run_until_complete(aclient.aclose())
        loop.close()
        if "client" in namespace:
            namespace["client"].close()
        if "server" in namespace:
            namespace["server"].stop()


def test_docs_setup_is_the_first_block() -> None:
    blocks = doc_blocks()
    assert is_setup(blocks[0][1])
    assert sum(is_setup(src) for _, src in blocks) == 1
