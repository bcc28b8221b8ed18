"""A full run with log_sensitive=False leaks no secret, subject or address anywhere we emit."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterator
from typing import Any

import msgspec
import pytest
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from aws_ses.auth.credentials import Credentials
from aws_ses.errors import SesError
from aws_ses.local import LocalServer

ACCESS_KEY = "AKIDLEAKTEST0001"
SECRET_KEY = "leak-test-secret-key-9f8e7d6c5b4a"
SESSION_TOKEN = "leak-test-session-token-0a1b2c3d4e5f"
SUBJECTS = ["Subject-Alpha-7731", "Subject-Raw-8842", "Template-Subject-9953"]
RECIPIENTS = [
    "alice.leak@example.org",
    "bob.leak@example.org",
    "carol.leak@example.org",
    "dave.leak@example.org",
    "erin.leak@example.org",
]
SENDER = "sender.leak@example.com"
UNVERIFIED = "mallory.leak@unverified.example"


class Everything(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def capture() -> Iterator[Everything]:
    handler = Everything()
    root = logging.getLogger()
    old = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        root.setLevel(old)


def _texts(value: Any) -> Iterator[str]:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        yield repr(value)
        for f in dataclasses.fields(value):
            yield from _texts(getattr(value, f.name))
    elif isinstance(value, msgspec.Struct):
        yield repr(value)
        for name in value.__struct_fields__:
            yield from _texts(getattr(value, name))
    elif isinstance(value, dict):
        for k, v in value.items():
            yield str(k)
            yield from _texts(v)
    elif isinstance(value, list | tuple):
        for v in value:
            yield from _texts(v)
    else:
        yield str(value)


def run_everything(sensitive: bool, views: list[Any]) -> None:
    hooks = {"request": [views.append], "response": [views.append]}
    with LocalServer(credentials={ACCESS_KEY: SECRET_KEY}, max_send_rate=1000) as server:
        ses = server.client(
            credentials=Credentials(ACCESS_KEY, SECRET_KEY, SESSION_TOKEN),
            hooks=hooks,
            log_sensitive=sensitive,
            rate_limit=500,
        )
        ses.create_email_identity(email_identity="example.com")
        ses.send_email(
            from_email_address=SENDER,
            destination={"to_addresses": RECIPIENTS[:1], "cc_addresses": RECIPIENTS[1:2]},
            content={
                "simple": {"subject": {"data": SUBJECTS[0]}, "body": {"text": {"data": "Hi"}}}
            },
        )
        raw = (
            f"From: {SENDER}\r\nTo: {RECIPIENTS[2]}\r\nSubject: {SUBJECTS[1]}\r\n\r\nbody\r\n"
        ).encode()
        ses.send_email(content={"raw": {"data": raw}})
        ses.create_email_template(
            template_name="leak",
            template_content={"subject": SUBJECTS[2], "text": "Hello {{name}}"},
        )
        result = ses.send_bulk(
            SENDER, "leak", [{"to": [RECIPIENTS[3]], "template_data": {"name": "Dave"}}]
        )
        assert result.failed == []
        ses.put_suppressed_destination(email_address=RECIPIENTS[4], reason="BOUNCE")
        ses.get_suppressed_destination(email_address=RECIPIENTS[4])
        with pytest.raises(SesError):  # the error message names the unverified address
            ses.send_email(
                from_email_address=UNVERIFIED,
                destination={"to_addresses": RECIPIENTS[:1]},
                content={
                    "simple": {"subject": {"data": SUBJECTS[0]}, "body": {"text": {"data": "x"}}}
                },
            )


def emitted(capture: Everything, spans: InMemorySpanExporter, views: list[Any]) -> list[str]:
    texts: list[str] = []
    for record in capture.records:
        texts.append(record.getMessage())
        texts.extend(str(v) for v in vars(record).values())
    for span in spans.get_finished_spans():
        texts.append(span.name)
        texts.extend(str(v) for v in (span.attributes or {}).values())
        for event in span.events:
            texts.extend(str(v) for v in (event.attributes or {}).values())
        texts.append(str(span.status.description))
    for view in views:
        texts.extend(_texts(view))
    return texts


def test_nothing_sensitive_leaks(capture: Everything, spans: InMemorySpanExporter) -> None:
    views: list[Any] = []
    run_everything(False, views)
    texts = emitted(capture, spans, views)
    assert len(views) >= 14 and len(spans.get_finished_spans()) >= 7
    assert any(r.name == "aws_ses.call" for r in capture.records)
    blob = "\n".join(texts)
    for needle in [SECRET_KEY, SESSION_TOKEN, *SUBJECTS, *RECIPIENTS, SENDER, UNVERIFIED]:
        assert needle not in blob, needle
    # The token did travel (and was masked), so its absence above means something.
    assert any(
        v.headers.get("X-Amz-Security-Token") == "***" for v in views if hasattr(v, "method")
    )
    # The redaction left useful facts behind.
    assert "***@unverified.example" in blob
    assert any("SESv2.SendBulkEmail" in t for t in texts)


def test_log_sensitive_true_shows_addresses_but_still_no_secrets(
    capture: Everything, spans: InMemorySpanExporter
) -> None:
    views: list[Any] = []
    run_everything(True, views)
    blob = "\n".join(emitted(capture, spans, views))
    assert RECIPIENTS[0] in blob and SUBJECTS[0] in blob
    assert SECRET_KEY not in blob and SESSION_TOKEN not in blob
