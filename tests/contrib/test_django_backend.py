"""The Django email backend against the local SES server over real HTTP.

Every message is read back from the server (``GET /_aws/ses`` and the raw
message endpoint) and parsed, so what is checked is what SES would deliver.
"""

from __future__ import annotations

import email
import email.policy
import json
import urllib.request
from collections.abc import Iterator
from email.message import EmailMessage as StdlibMessage
from email.mime.application import MIMEApplication
from email.mime.image import MIMEImage
from typing import Any

import pytest
from django.core import mail
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection, send_mail
from django.test.utils import override_settings

from aws_ses.contrib.django import EmailBackend, post_send, send_failed
from aws_ses.errors import MessageRejected
from aws_ses.local import LocalServer

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x9a\xa0\x8b"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)
BINARY = bytes(range(256)) * 40  # every byte value, CR and LF included


@pytest.fixture
def sent_kinds() -> Iterator[list[dict[str, Any]]]:
    """What post_send reported, one entry per message."""
    seen: list[dict[str, Any]] = []

    def record(sender: type, **kwargs: Any) -> None:
        seen.append({"sender": sender, **kwargs})

    post_send.connect(record)
    yield seen
    post_send.disconnect(record)


def raw_of(server: LocalServer, message_id: str) -> tuple[bytes, StdlibMessage]:
    with urllib.request.urlopen(f"{server.url}/_aws/ses/messages/{message_id}/raw") as r:
        data: bytes = r.read()
    parsed = email.message_from_bytes(data, policy=email.policy.default)
    assert isinstance(parsed, StdlibMessage)
    return data, parsed


def header_block(raw: bytes) -> bytes:
    return raw.split(b"\r\n\r\n", 1)[0]


def attachments_of(parsed: StdlibMessage) -> dict[str, tuple[str, bytes]]:
    found = {}
    for part in parsed.iter_attachments():
        payload = part.get_payload(decode=True)
        assert isinstance(payload, bytes)
        found[part.get_filename() or str(part["Content-ID"])] = (part.get_content_type(), payload)
    return found


def test_plain_message_goes_as_simple_content(
    server: LocalServer, ses_settings: dict[str, object], sent_kinds: list[dict[str, Any]]
) -> None:
    with override_settings(**ses_settings):
        count = send_mail("Hello", "Plain body\n", None, ["Ann <ann@example.net>"])
    assert count == 1
    (doc,) = server.messages()
    assert doc["Subject"] == "Hello"
    assert doc["Body"]["text_part"].replace("\r\n", "\n") == "Plain body\n"
    assert doc["Destination"]["ToAddresses"] == ["Ann <ann@example.net>"]
    assert doc["Source"] == "Shop <shop@example.com>"
    (event,) = sent_kinds
    assert event["content_kind"] == "simple"
    assert event["message_id"] == doc["Id"]
    assert event["sender"] is EmailBackend


def test_alternatives_and_attachments_arrive_byte_for_byte(
    server: LocalServer, ses_settings: dict[str, object], sent_kinds: list[dict[str, Any]]
) -> None:
    message = EmailMultiAlternatives(
        "Your invoice",
        "See the attachments.",
        to=["bob@example.net"],
        cc=["carol@example.net"],
        reply_to=["billing@example.com"],
        headers={"X-Campaign": "spring", "X-Note": "naïve café"},
    )
    message.attach_alternative("<p>See the <b>attachments</b>.</p>", "text/html")
    message.attach("data.bin", BINARY, "application/octet-stream")
    message.attach("notes.txt", "Grüße\nline two\n", "text/plain")
    message.attach("résumé.pdf", b"%PDF-1.4 fake", "application/pdf")
    with override_settings(**ses_settings):
        assert message.send() == 1
    (doc,) = server.messages()
    _, parsed = raw_of(server, doc["Id"])
    assert sent_kinds[0]["content_kind"] == "simple"
    assert parsed["Subject"] == "Your invoice"
    assert parsed["Reply-To"] == "billing@example.com"
    assert parsed["Cc"] == "carol@example.net"
    assert parsed["X-Campaign"] == "spring"
    assert parsed["X-Note"] == "naïve café"
    text = parsed.get_body(preferencelist=("plain",))
    html = parsed.get_body(preferencelist=("html",))
    assert text is not None and text.get_content().strip() == "See the attachments."
    assert html is not None and html.get_content().strip() == "<p>See the <b>attachments</b>.</p>"
    files = attachments_of(parsed)
    assert files["data.bin"] == ("application/octet-stream", BINARY)
    assert files["notes.txt"] == ("text/plain", "Grüße\nline two\n".encode())
    assert files["résumé.pdf"] == ("application/pdf", b"%PDF-1.4 fake")
    assert message.ses_message_id == doc["Id"]
    assert message.extra_headers["X-SES-Message-ID"] == doc["Id"]


def test_inline_image_goes_raw_as_multipart_related(
    server: LocalServer, ses_settings: dict[str, object], sent_kinds: list[dict[str, Any]]
) -> None:
    message = EmailMultiAlternatives("Logo", "Our logo", to=["dan@example.net"])
    message.attach_alternative('<p><img src="cid:logo@shop"></p>', "text/html")
    image = MIMEImage(PNG, "png")
    image.add_header("Content-ID", "<logo@shop>")
    image.add_header("Content-Disposition", "inline", filename="logo.png")
    message.attach(image)
    with override_settings(**ses_settings):
        assert message.send() == 1
    (doc,) = server.messages()
    _, parsed = raw_of(server, doc["Id"])
    assert sent_kinds[0]["content_kind"] == "raw"
    related = [p for p in parsed.walk() if p.get_content_type() == "multipart/related"]
    assert len(related) == 1
    (part,) = [p for p in parsed.walk() if p.get_content_type() == "image/png"]
    assert part["Content-ID"] == "<logo@shop>"
    assert part.get_payload(decode=True) == PNG
    html = parsed.get_body(preferencelist=("html",))
    assert html is not None and 'src="cid:logo@shop"' in html.get_content()


def test_bcc_is_delivered_but_never_in_the_headers(
    server: LocalServer, ses_settings: dict[str, object]
) -> None:
    simple = EmailMessage("Simple", "x", to=["to@example.net"], bcc=["hidden@example.org"])
    # A custom From header makes Django compose the MIME itself.
    composed = EmailMessage(
        "Composed",
        "x",
        to=["to@example.net"],
        bcc=["hidden2@example.org"],
        headers={"From": "Shop Team <shop@example.com>"},
    )
    with override_settings(**ses_settings), get_connection() as connection:
        assert connection.send_messages([simple, composed]) == 2
    docs = {d["Subject"]: d for d in server.messages()}
    for subject, hidden in (("Simple", "hidden@example.org"), ("Composed", "hidden2@example.org")):
        doc = docs[subject]
        assert doc["Destination"]["BccAddresses"] == [hidden]
        raw, parsed = raw_of(server, doc["Id"])
        assert "Bcc" not in parsed
        assert hidden.encode() not in header_block(raw)
        assert hidden.encode() not in raw
    assert raw_of(server, docs["Composed"]["Id"])[1]["From"] == "Shop Team <shop@example.com>"


def test_unicode_names_subjects_and_bodies_survive(
    server: LocalServer, ses_settings: dict[str, object]
) -> None:
    subject = "Grüße aus Köln \u2013 你好 🎉"
    body = "Schöne Grüße,\nZoë 👋\n"
    message = EmailMessage(
        subject,
        body,
        from_email="Jörg Müller <jorg@example.com>",
        to=["Zoë Ñandú <zoe@example.net>"],
        reply_to=["Ærøskøbing <aero@example.com>"],
    )
    with override_settings(**ses_settings):
        assert message.send() == 1
    (doc,) = server.messages()
    raw, parsed = raw_of(server, doc["Id"])
    assert raw.isascii()  # everything non-ASCII travels encoded
    assert parsed["Subject"] == subject
    assert parsed["From"].addresses[0].display_name == "Jörg Müller"
    assert parsed["To"].addresses[0].display_name == "Zoë Ñandú"
    assert parsed["Reply-To"].addresses[0].display_name == "Ærøskøbing"
    text = parsed.get_body(preferencelist=("plain",))
    assert text is not None and text.get_content().replace("\r\n", "\n") == body


def test_what_simple_content_cannot_carry_goes_as_django_composes_it(
    server: LocalServer, ses_settings: dict[str, object], sent_kinds: list[dict[str, Any]]
) -> None:
    latin = EmailMessage("Café", "Voilà", to=["eve@example.net"], bcc=["b@example.org"])
    latin.encoding = "iso-8859-1"
    latin.attach("data.bin", BINARY, "application/octet-stream")
    calendar = EmailMultiAlternatives("Meeting", "See invite", to=["eve@example.net"])
    calendar.attach_alternative("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar")
    forwarded = EmailMessage("Fwd", "Attached", to=["eve@example.net"])
    forwarded.attach("orig.eml", "Subject: old\n\nold body\n", "message/rfc822")
    with override_settings(**ses_settings), get_connection() as connection:
        assert connection.send_messages([latin, calendar, forwarded]) == 3
    assert [e["content_kind"] for e in sent_kinds] == ["django-raw"] * 3
    docs = {d["Subject"]: d for d in server.messages()}
    raw, parsed = raw_of(server, docs["Café"]["Id"])
    body = parsed.get_body(preferencelist=("plain",))
    assert body is not None and body.get_content_charset() == "iso-8859-1"
    assert body.get_content().strip() == "Voilà"
    assert attachments_of(parsed)["data.bin"] == ("application/octet-stream", BINARY)
    assert b"b@example.org" not in raw
    _, parsed = raw_of(server, docs["Meeting"]["Id"])
    (ical,) = [p for p in parsed.walk() if p.get_content_type() == "text/calendar"]
    assert "BEGIN:VCALENDAR" in ical.get_content()
    _, parsed = raw_of(server, docs["Fwd"]["Id"])
    (inner,) = [p for p in parsed.walk() if p.get_content_type() == "message/rfc822"]
    assert inner.get_payload()[0]["Subject"] == "old"


def test_configuration_set_and_tags_from_settings_headers_and_attributes(
    server: LocalServer, ses_settings: dict[str, object]
) -> None:
    with server.client() as client:
        for name in ("default-set", "header-set", "attr-set"):
            client.create_configuration_set(configuration_set_name=name)
    plain = EmailMessage("Plain", "x", to=["f@example.net"])
    by_header = EmailMessage(
        "Header",
        "x",
        to=["f@example.net"],
        headers={"X-SES-CONFIGURATION-SET": "header-set", "X-SES-MESSAGE-TAGS": "kind=promo"},
    )
    by_attribute = EmailMessage(
        "Attr", "x", to=["f@example.net"], headers={"X-SES-CONFIGURATION-SET": "header-set"}
    )
    by_attribute.ses_configuration_set = "attr-set"
    by_attribute.ses_tags = {"kind": "receipt", "order": "42"}
    with (
        override_settings(
            **ses_settings, AWS_SES_CONFIGURATION_SET="default-set", AWS_SES_TAGS={"app": "shop"}
        ),
        get_connection() as connection,
    ):
        assert connection.send_messages([plain, by_header, by_attribute]) == 3
    docs = {d["Subject"]: d for d in server.messages()}

    def tags(doc: dict[str, Any]) -> dict[str, str]:
        return {t["Name"]: t["Value"] for t in doc["Tags"]}

    assert docs["Plain"]["ConfigurationSetName"] == "default-set"
    assert tags(docs["Plain"]) == {"app": "shop"}
    assert docs["Header"]["ConfigurationSetName"] == "header-set"
    assert tags(docs["Header"]) == {"app": "shop", "kind": "promo"}
    assert docs["Attr"]["ConfigurationSetName"] == "attr-set"
    assert tags(docs["Attr"]) == {"app": "shop", "kind": "receipt", "order": "42"}
    raw, _ = raw_of(server, docs["Header"]["Id"])
    assert b"X-SES-CONFIGURATION-SET" not in raw.upper()


def test_fail_silently_swallows_message_rejected(
    server: LocalServer, ses_settings: dict[str, object]
) -> None:
    failures: list[Exception] = []

    def record(sender: type, message: Any, error: Exception, **kwargs: Any) -> None:
        failures.append(error)

    send_failed.connect(record)
    try:
        with override_settings(**ses_settings):
            sent = send_mail("Hi", "x", "nobody@example.org", ["g@example.net"], fail_silently=True)
            assert sent == 0
            with pytest.raises(MessageRejected):
                send_mail("Hi", "x", "nobody@example.org", ["g@example.net"])
    finally:
        send_failed.disconnect(record)
    assert server.messages() == []
    assert len(failures) == 2
    assert all(isinstance(f, MessageRejected) for f in failures)


def test_fail_silently_counts_only_what_was_sent(
    server: LocalServer, ses_settings: dict[str, object]
) -> None:
    good = EmailMessage("Good", "x", to=["h@example.net"])
    bad = EmailMessage("Bad", "x", "nobody@example.org", ["h@example.net"])
    with override_settings(**ses_settings):
        connection = get_connection(fail_silently=True)
        assert connection.send_messages([good, bad, good]) == 2
    assert [d["Subject"] for d in server.messages()] == ["Good", "Good"]


def test_one_client_serves_every_message_inside_with_get_connection(
    server: LocalServer, ses_settings: dict[str, object], monkeypatch: pytest.MonkeyPatch
) -> None:
    created: list[object] = []
    closed: list[object] = []
    real_create = EmailBackend._create_client

    def counting_create(self: EmailBackend) -> Any:
        client = real_create(self)
        created.append(client)
        real_close = client.close

        def close() -> None:
            closed.append(client)
            real_close()

        client.close = close  # type: ignore[method-assign]
        return client

    monkeypatch.setattr(EmailBackend, "_create_client", counting_create)
    with override_settings(**ses_settings):
        with get_connection() as connection:
            for i in range(3):
                EmailMessage(f"m{i}", "x", to=["i@example.net"], connection=connection).send()
            connection.send_messages([EmailMessage("m3", "x", to=["i@example.net"])])
            assert len(created) == 1 and closed == []
        assert closed == created
        # Outside a with block each send_messages opens and closes its own client.
        send_mail("m4", "x", None, ["i@example.net"])
    assert len(created) == 2 and closed == created
    assert sorted(d["Subject"] for d in server.messages()) == ["m0", "m1", "m2", "m3", "m4"]


def test_locmem_outbox_still_works_when_settings_switch_backends(
    server: LocalServer, ses_settings: dict[str, object]
) -> None:
    from django.test.utils import setup_test_environment, teardown_test_environment

    setup_test_environment()  # what Django's test runner does: locmem + mail.outbox
    try:
        send_mail("To outbox", "x", None, ["j@example.net"])
        assert [m.subject for m in mail.outbox] == ["To outbox"]
        assert server.messages() == []
        with override_settings(**ses_settings):
            send_mail("To SES", "x", None, ["j@example.net"])
        assert [m.subject for m in mail.outbox] == ["To outbox"]
        assert [d["Subject"] for d in server.messages()] == ["To SES"]
        send_mail("Outbox again", "x", None, ["j@example.net"])
        assert [m.subject for m in mail.outbox] == ["To outbox", "Outbox again"]
    finally:
        teardown_test_environment()


def test_resending_a_message_gets_a_new_id_and_no_stale_header(
    server: LocalServer, ses_settings: dict[str, object]
) -> None:
    message = EmailMessage("Twice", "x", to=["k@example.net"])
    with override_settings(**ses_settings):
        message.send()
        first = message.ses_message_id
        message.send()
    second = message.ses_message_id
    assert first != second
    raw, _ = raw_of(server, second)
    assert b"X-SES-Message-ID" not in raw
    assert [d["Id"] for d in server.messages()] == [first, second]


def test_admin_read_back_matches_the_client_view(
    server: LocalServer, ses_settings: dict[str, object]
) -> None:
    with override_settings(**ses_settings):
        send_mail("Check", "x", None, ["l@example.net"])
    with urllib.request.urlopen(f"{server.url}/_aws/ses?email=l@example.net") as r:
        listed = json.load(r)["messages"]
    assert [m["Subject"] for m in listed] == ["Check"]


def test_in_process_server_settings_for_django(sent_kinds: list[dict[str, Any]]) -> None:
    from aws_ses.testing import LocalSes

    with LocalSes(credentials={"AKIDLOCAL": "local-secret"}) as local:
        local.verify("example.com")
        with override_settings(**local.django_settings()):
            assert send_mail("In process", "x", None, ["m@example.net"]) == 1
        local.assert_sent(to="m@example.net", subject="In process", count=1)
        assert local.django_settings()["AWS_SES_ACCESS_KEY_ID"] == "AKIDLOCAL"
        assert local.django_settings()["AWS_SES_CONFIG"] == {"transport": local.transport}
    assert sent_kinds[0]["content_kind"] == "simple"


def test_django_inline_image_recipe_with_related_subtype(
    server: LocalServer, ses_settings: dict[str, object], sent_kinds: list[dict[str, Any]]
) -> None:
    message = EmailMultiAlternatives("Recipe", "text", to=["n@example.net"])
    message.attach_alternative('<img src="cid:pic">', "text/html")
    message.mixed_subtype = "related"
    image = MIMEImage(PNG)  # no Content-Disposition, as the recipe goes
    image.add_header("Content-ID", "<pic>")
    message.attach(image)
    report = EmailMessage("Inline PDF", "see below", to=["n@example.net"])
    pdf = MIMEApplication(b"%PDF-1.4 inline", "pdf")
    pdf.add_header("Content-Disposition", "inline", filename="shown.pdf")
    report.attach(pdf)
    with override_settings(**ses_settings), get_connection() as connection:
        assert connection.send_messages([message, report]) == 2
    # The PDF is inline without an HTML body to show it: Django's own MIME.
    assert [e["content_kind"] for e in sent_kinds] == ["raw", "django-raw"]
    docs = {d["Subject"]: d for d in server.messages()}
    _, parsed = raw_of(server, docs["Recipe"]["Id"])
    (related,) = [p for p in parsed.walk() if p.get_content_type() == "multipart/related"]
    parts = [p.get_content_type() for p in related.iter_parts()]
    assert parts == ["text/html", "image/png"]
    (png,) = [p for p in parsed.walk() if p.get_content_type() == "image/png"]
    assert png.get_payload(decode=True) == PNG
    _, parsed = raw_of(server, docs["Inline PDF"]["Id"])
    (shown,) = [p for p in parsed.walk() if p.get_content_type() == "application/pdf"]
    assert shown.get_content_disposition() == "inline"
    assert shown.get_payload(decode=True) == b"%PDF-1.4 inline"


def test_lazy_translations_are_sent_as_text(
    server: LocalServer, ses_settings: dict[str, object]
) -> None:
    from django.utils.functional import lazy

    lazy_text = lazy(lambda s: s, str)
    message = EmailMultiAlternatives(
        lazy_text("Lazy subject"), lazy_text("lazy body"), to=["o@example.net"]
    )
    message.attach_alternative(lazy_text("<p>lazy html</p>"), "text/html")
    with override_settings(**ses_settings):
        assert message.send() == 1
    (doc,) = server.messages()
    assert doc["Subject"] == "Lazy subject"
    assert "lazy html" in doc["Body"]["html_part"]
    assert "lazy body" in doc["Body"]["text_part"]
