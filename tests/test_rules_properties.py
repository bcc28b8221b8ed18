"""Whatever the input, the client refuses it naming a real field, or SES accepts it.

The flat ``send_email`` and the email builder are driven with generated
input (valid and hostile text alike: CR/LF, colons, angle brackets, encoded
words, non-ASCII) against the local server in-process. Each example ends one
of two ways: a ``SesValidationError`` whose field resolves to a real member
(or builder argument) and no request sent, or the server's acceptance. A
``BadRequestException`` from the server means the client let through
something it could have checked, and fails the test.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from aws_ses._model import Shape, operation, shape
from aws_ses.errors import SesValidationError
from aws_ses.mime import Attachment
from rules_harness import SENDER, TEMPLATE, Harness

SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

_special = st.sampled_from([*"aZ9 -_.:;@<>\"'\r\n\t=?,é€\x00\x7f", "=?utf-8?q?x?=", "\r\n"])
hostile = st.lists(_special | st.characters(codec="utf-8"), max_size=12).map("".join)
safe = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp")), max_size=12
)
word = st.text("abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=8)


def mostly(valid: st.SearchStrategy[Any], bad: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """``valid`` nine times in ten, so that whole messages often pass."""
    return st.integers(0, 9).flatmap(lambda i: bad if i == 9 else valid)


text = mostly(safe, hostile)
display = st.text(st.sampled_from(list("Ada Lovelace éü-")), min_size=1, max_size=12)
good_address = st.one_of(
    st.builds("{}@example.com".format, word),
    st.builds("{}@{}.example".format, word, st.sampled_from(["bücher", "mail", "x-y"])),
    st.builds("{} <{}@example.com>".format, display, word),
    st.builds('"{}" <{}@example.com>'.format, display, word),
)
bad_address = st.one_of(
    hostile,
    st.builds("{}@example.com".format, st.text("abc.+_-", min_size=1, max_size=70)),
    st.builds("{} <{}@example.com>".format, hostile, word),
)
address = mostly(good_address, bad_address)
sender = mostly(
    st.one_of(
        st.just(SENDER),
        st.builds("{}@example.com".format, word),
        st.builds("{} <{}@example.com>".format, display, word),
    ),
    bad_address,
)
header_name = mostly(
    st.sampled_from(["X-Campaign", "X-Tag", "List-Id"]),
    hostile | st.sampled_from(["Subject", "From", "Date", "Message-ID", "Content-Type"]),
)
header_value = mostly(st.text(st.characters(min_codepoint=32, max_codepoint=126), min_size=1), text)
tag = mostly(word, hostile)
content_type = mostly(
    st.sampled_from(["text/plain", "image/png", "application/pdf"]),
    st.sampled_from(["multipart/mixed", "bad", "a/b\r\n", "text/plain\nX: y"]),
)


@pytest.fixture(scope="module")
def harness() -> Iterator[Harness]:
    h = Harness()
    yield h
    h.close()


def _resolves(field: str, root: Shape) -> bool:
    """Whether ``a.b[0].c`` names a member path of ``root`` by Python names."""
    current = root
    for part in re.split(r"\.", re.sub(r"\[\d+\]", "", field)):
        if current.kind == "list":
            current = shape(current.member or "")
        member = current.lookup(part)
        if member is None:
            return False
        current = shape(member.shape)
    return True


@st.composite
def send_email_kwargs(draw: st.DrawFn) -> dict[str, Any]:
    destination: dict[str, Any] = {}
    destination["to_addresses"] = draw(st.lists(address, min_size=1, max_size=3))
    for key in ("cc_addresses", "bcc_addresses"):
        if draw(st.integers(0, 3)) == 0:
            destination[key] = draw(st.lists(address, max_size=2))
    if draw(st.integers(0, 20)) == 0:
        destination["bcc_addresses"] = [f"b{i}@example.com" for i in range(51)]
    kind = draw(st.sampled_from(["simple", "simple", "template", "raw"]))
    content: dict[str, Any]
    if kind == "simple":
        message: dict[str, Any] = {
            "subject": {"data": draw(text)},
            "body": {"text": {"data": draw(text)}},
        }
        if draw(st.booleans()):
            message["headers"] = draw(
                st.lists(
                    st.fixed_dictionaries({"name": header_name, "value": header_value}),
                    max_size=draw(st.sampled_from([2, 2, 16])),
                )
            )
        if draw(st.booleans()):
            message["attachments"] = draw(
                st.lists(
                    st.fixed_dictionaries(
                        {"raw_content": st.binary(max_size=20), "file_name": text},
                        optional={
                            "content_type": content_type,
                            "content_id": mostly(word, hostile),
                            "content_description": text,
                        },
                    ),
                    max_size=2,
                )
            )
        content = {"simple": message}
    elif kind == "template":
        data = draw(
            st.one_of(
                st.just('{"name": "Ada"}'),
                st.dictionaries(word, word, max_size=2),
                hostile,
            )
        )
        content = {"template": {"template_name": TEMPLATE, "template_data": data}}
    else:
        body = draw(text).encode("utf-8", "surrogatepass")
        content = {"raw": {"data": b"From: " + SENDER.encode() + b"\r\nSubject: x\r\n\r\n" + body}}
    kwargs: dict[str, Any] = {
        "from_email_address": draw(sender),
        "destination": destination,
        "content": content,
    }
    if draw(st.booleans()):
        kwargs["reply_to_addresses"] = draw(st.lists(address, max_size=2))
    if draw(st.booleans()):
        kwargs["email_tags"] = draw(
            st.lists(st.fixed_dictionaries({"name": tag, "value": tag}), max_size=2)
        )
    return kwargs


@SETTINGS
@given(kwargs=send_email_kwargs())
def test_flat_send_email_is_refused_by_the_client_or_accepted(
    harness: Harness, kwargs: dict[str, Any]
) -> None:
    harness.transport.requests.clear()
    refused: SesValidationError | None = None
    try:
        response = harness.client.send_email(**kwargs)
    except SesValidationError as exc:
        refused = exc
    if refused is not None:
        assert harness.transport.requests == []
        assert _resolves(refused.field, shape(operation("send_email").input or "")), refused.field
        event("refused: " + re.sub(r"\[.*", "", refused.field))
    else:
        assert response.message_id
        event("accepted")


BUILDER_FIELDS = re.compile(
    r"(from_|from_\.name|to|cc|bcc|reply_to|destination|subject|body|template|"
    r"template_data|headers|tags|attachments|raw)(\[[^\r\n]*?\])?(\.[a-z_]+)?"
)


@st.composite
def builder_calls(draw: st.DrawFn) -> list[tuple[str, tuple[Any, ...]]]:
    calls: list[tuple[str, tuple[Any, ...]]] = []
    if draw(st.booleans()):
        calls.append(("from_name", (draw(mostly(display, hostile)), draw(sender))))
    else:
        calls.append(("from_", (draw(sender),)))
    for _ in range(draw(st.integers(0, 3))):
        calls.append((draw(st.sampled_from(["to", "cc", "bcc", "reply_to"])), (draw(address),)))
    if draw(st.booleans()):
        calls.append(("template", (TEMPLATE,)))
        calls.append(("template_data", (draw(st.dictionaries(word, text, max_size=2)),)))
    else:
        calls.append(("subject", (draw(text),)))
        calls.append((draw(st.sampled_from(["text_body", "html_body"])), (draw(text),)))
    for _ in range(draw(st.integers(0, 2))):
        calls.append(("header", (draw(header_name), draw(text))))  # non-ASCII is encoded
    for _ in range(draw(st.integers(0, 2))):
        calls.append(("tag", (draw(tag), draw(tag))))
    for _ in range(draw(st.integers(0, 2))):
        att = Attachment(
            draw(text),
            draw(st.binary(max_size=10)),
            content_type=draw(st.none() | content_type),
            description=draw(st.none() | text),
            content_id=draw(st.none() | mostly(word, hostile)),
        )
        calls.append(("attachment", (att,)))
    if draw(st.booleans()):
        calls.append(("raw", (True,)))
    return calls


@SETTINGS
@given(calls=builder_calls())
def test_builder_is_refused_by_the_client_or_accepted(
    harness: Harness, calls: list[tuple[str, tuple[Any, ...]]]
) -> None:
    harness.transport.requests.clear()
    builder = harness.client.email_builder()
    refused: SesValidationError | None = None
    try:
        for method, args in calls:
            getattr(builder, method)(*args)
        response = builder.send()
    except SesValidationError as exc:
        refused = exc
    if refused is not None:
        assert harness.transport.requests == []
        assert BUILDER_FIELDS.fullmatch(refused.field), refused.field
        event("refused: " + re.sub(r"[.\[].*", "", refused.field, flags=re.S))
    else:
        assert response.message_id
        event("accepted")
