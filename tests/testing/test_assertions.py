"""assert_sent and the in-process local server, used directly (no plugin)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from aws_ses.errors import SesServiceError
from aws_ses.testing import LocalSes, assert_not_sent, assert_sent, matching_messages


@pytest.fixture(scope="module")
def ses() -> Iterator[LocalSes]:
    with LocalSes() as server:
        yield server


@pytest.fixture
def fresh(ses: LocalSes) -> LocalSes:
    ses.reset()
    ses.verify("example.com")
    return ses


def test_assert_sent_matches_every_criterion(fresh: LocalSes) -> None:
    client = fresh.client
    client.create_configuration_set(configuration_set_name="news")
    client.templates.create(
        template_name="welcome",
        template_content={"subject": "Hi {{name}}", "text": "Welcome {{name}}", "html": "<b>W</b>"},
    )
    client.send_templated_email(
        "shop@example.com",
        ["ann@example.net"],
        "welcome",
        {"name": "Ann"},
        cc="boss@example.net",
        configuration_set="news",
    )
    client.email_builder().from_("shop@example.com").to("bob@example.net").bcc(
        "audit@example.net"
    ).subject("Plain").text_body("just text").send()

    templated = assert_sent(fresh, template="welcome")
    assert templated["Subject"] == "Hi Ann"
    assert assert_sent(fresh, to=["ann@example.net", "boss@example.net"]) == templated
    assert_sent(fresh, to="ANN@example.net", subject="Hi Ann", configuration_set="news", count=1)
    assert_sent(fresh, from_="shop@example.com", count=2)
    assert_sent(fresh, to="audit@example.net", text_contains="just text")
    assert_sent(fresh, html_contains="<b>W</b>", where=lambda m: m["Status"] == "DELIVERED")
    assert len(matching_messages(fresh, from_="shop@example.com")) == 2
    assert_not_sent(fresh, to="carol@example.net")
    assert_not_sent(fresh, template="other")


def test_failures_say_what_was_sent(fresh: LocalSes) -> None:
    with pytest.raises(AssertionError, match=r"\(no messages were sent\)"):
        assert_sent(fresh, to="x@example.net")
    fresh.client.email_builder().from_("shop@example.com").to("y@example.net").subject(
        "S"
    ).text_body("t").send()
    with pytest.raises(
        AssertionError, match=r"expected 2 message\(s\) matching to='y@example.net', found 1"
    ):
        assert_sent(fresh, to="y@example.net", count=2)
    with pytest.raises(AssertionError, match=r"no message matching subject='T'.*\n.*subject='S'"):
        assert_sent(fresh, subject="T")
    with pytest.raises(AssertionError, match="1 message"):
        assert_not_sent(fresh, to="y@example.net")
    assert_sent(fresh.messages(), subject="S")  # a plain list of messages works too


def test_events_faults_and_fresh_instances(fresh: LocalSes) -> None:
    message_id = (
        fresh.client.email_builder()
        .from_("shop@example.com")
        .to("bounce@simulator.amazonses.com")
        .subject("b")
        .text_body("b")
        .send()
        .message_id
    )
    assert {e["Type"] for e in fresh.events(message_id=message_id)} >= {"SEND", "BOUNCE"}
    fresh.add_fault(operation="GetAccount", status=503, code="ServiceUnavailable", count=1)
    with pytest.raises(SesServiceError) as caught:
        fresh.client.with_options(retry_mode="off").account.get()
    assert caught.value.status == 503
    with LocalSes() as other:
        assert other.messages() == []
        assert other.client.list_email_identities().email_identities == []
    assert fresh.messages()


def test_async_client_on_the_same_server(fresh: LocalSes) -> None:
    async def main() -> str:
        async with fresh.async_client() as client:
            sent = await (
                client.email_builder()
                .from_("shop@example.com")
                .to("z@example.net")
                .subject("async")
                .text_body("x")
                .send()
            )
            return sent.message_id

    message_id = asyncio.run(main())
    assert assert_sent(fresh, subject="async")["Id"] == message_id
    assert b"Subject: async" in fresh.raw_message(message_id)
    with pytest.raises(KeyError):
        fresh.raw_message("no-such-id")


def test_missing_local_extra_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "aws_ses.local", None)  # as if starlette were absent
    with pytest.raises(
        ModuleNotFoundError, match=r"'local' extra \(pip install 'aws-ses\[local\]'\)"
    ):
        LocalSes()
