"""The pytest plugin, exercised by a small test project run with pytester."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import tomllib
from importlib.metadata import entry_points
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

REPO = Path(__file__).resolve().parents[2]
PLUGIN = "aws_ses.testing.pytest_plugin"


def plugin_args() -> list[str]:
    """``-p`` for the plugin, unless the installed package already registers it."""
    installed = any(ep.value == PLUGIN for ep in entry_points(group="pytest11"))
    return [] if installed else ["-p", PLUGIN]


PROJECT = """
import asyncio

import pytest

from aws_ses import SesClient
from aws_ses.errors import MessageRejected
from aws_ses.testing import responder

SIMPLE = {"simple": {"subject": {"data": "Hi"}, "body": {"text": {"data": "Hello"}}}}


def send(client, to="b@example.net", sender="a@example.com"):
    return client.send_email(
        from_email_address=sender, destination={"to_addresses": [to]}, content=SIMPLE
    ).message_id


def test_mock_client_records(ses_client, ses_transport):
    assert send(ses_client) == "fake-message-id-0001"
    (sent,) = ses_transport.recorded_requests
    assert sent.operation == "send_email"
    assert sent.params["destination"] == {"to_addresses": ["b@example.net"]}
    assert sent.headers["Authorization"] == "***"


def test_mock_client_error(ses_client, ses_transport):
    ses_transport.handler = responder.error("MessageRejected")
    with pytest.raises(MessageRejected):
        send(ses_client)


def test_async_mock_client(async_ses_client, async_ses_transport):
    async def main():
        return (await async_ses_client.account.get()).send_quota.max_send_rate

    assert asyncio.run(main()) == 1.0
    assert [r.operation for r in async_ses_transport.recorded_requests] == ["get_account"]


def test_local_ses_sends_for_real(local_ses):
    local_ses.verify("example.com")
    message_id = send(local_ses.client)
    found = local_ses.assert_sent(to="b@example.net", subject="Hi")
    assert found["Id"] == message_id
    assert b"Hello" in local_ses.raw_message(message_id)
    with pytest.raises(MessageRejected):
        send(local_ses.client, sender="x@unverified.example.org")


def test_local_ses_is_fresh_for_each_test(local_ses):
    assert local_ses.messages() == []
    assert local_ses.client.list_email_identities().email_identities == []


def test_local_ses_async(local_ses):
    local_ses.verify("example.com")

    async def main():
        async with local_ses.async_client() as client:
            return await client.send_email(
                from_email_address="a@example.com",
                destination={"to_addresses": ["c@example.net"]},
                content=SIMPLE,
            )

    assert asyncio.run(main()).message_id
    local_ses.assert_sent(to="c@example.net", count=1)


def test_local_ses_http_with_its_own_client_and_boto3(local_ses_http):
    import boto3

    local_ses_http.verify("example.com")
    with SesClient() as client:  # endpoint, keys and region come from the environment
        send(client, to="d@example.net")
    boto3.client("sesv2").send_email(
        FromEmailAddress="a@example.com",
        Destination={"ToAddresses": ["e@example.net"]},
        Content={"Simple": {"Subject": {"Data": "From boto3"}, "Body": {"Text": {"Data": "x"}}}},
    )
    local_ses_http.assert_sent(to="d@example.net", subject="Hi")
    local_ses_http.assert_sent(to="e@example.net", subject="From boto3")


def test_local_ses_http_is_emptied_between_tests(local_ses_http):
    assert local_ses_http.messages() == []


def test_assert_sent_failure_shows_what_was_sent(local_ses):
    local_ses.verify("example.com")
    send(local_ses.client, to="someone@example.net")
    local_ses.assert_sent(to="nobody@example.net")
"""


def test_plugin_fixtures_in_a_test_project(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_project=PROJECT)
    pytester.makeini("[pytest]\nasyncio_default_fixture_loop_scope = function\n")
    result = pytester.runpytest(*plugin_args(), "-p", "no:cacheprovider")
    result.assert_outcomes(passed=8, failed=1)
    out = result.stdout.str()
    assert "AssertionError: no message matching to='nobody@example.net' was sent; sent:" in out
    assert "- to=['someone@example.net'] subject='Hi' status=DELIVERED" in out


def test_entry_point_is_declared() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())
    assert project["project"]["entry-points"]["pytest11"] == {"aws_ses": PLUGIN}


def test_loading_the_plugin_imports_nothing_heavy() -> None:
    code = textwrap.dedent(
        f"""
        import sys
        import {PLUGIN}
        heavy = ["aws_ses.client", "aws_ses.local", "aws_ses.transport", "msgspec",
                 "urllib3", "aiohttp", "starlette", "uvicorn", "django", "boto3"]
        print([name for name in heavy if name in sys.modules])
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"
