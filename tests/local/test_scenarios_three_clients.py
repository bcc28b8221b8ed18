"""The same scenarios through boto3, SesClient and AsyncSesClient, over real HTTP.

Each scenario is a list of steps written once, in wire names (as boto3 takes
them); the runner calls them through each client and compares results in the
same wire-named dict form, so all three see one behaviour of the server.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from typing import Any

import msgspec
import pytest

from aws_ses import AsyncSesClient, SesClient
from aws_ses._model import operation, shape
from aws_ses.auth import Credentials
from aws_ses.errors import SesServiceError
from aws_ses.local import LocalServer

boto3 = pytest.importorskip("boto3")
from botocore.config import Config  # noqa: E402
from botocore.exceptions import ClientError  # noqa: E402

Check = Callable[[dict[str, Any]], None]
Step = tuple[str, dict[str, Any], Check | str | None]  # operation, params, check or error code


def _eq(path: str, expected: Any) -> Check:
    def check(result: dict[str, Any]) -> None:
        node: Any = result
        for part in path.split("."):
            node = node[int(part)] if isinstance(node, list) else node.get(part)
        assert node == expected, f"{path}: {node!r} != {expected!r}"

    return check


def _has(key: str) -> Check:
    def check(result: dict[str, Any]) -> None:
        assert result.get(key), f"{key} missing from {result}"

    return check


SIMPLE = {"Simple": {"Subject": {"Data": "Hi"}, "Body": {"Text": {"Data": "Hello"}}}}

SCENARIOS: dict[str, list[Step]] = {
    "identity lifecycle": [
        (
            "create_email_identity",
            {"EmailIdentity": "shop.example.com"},
            _eq("IdentityType", "DOMAIN"),
        ),
        ("create_email_identity", {"EmailIdentity": "shop.example.com"}, "AlreadyExistsException"),
        (
            "get_email_identity",
            {"EmailIdentity": "shop.example.com"},
            _eq("VerifiedForSendingStatus", True),
        ),
        (
            "put_email_identity_mail_from_attributes",
            {"EmailIdentity": "shop.example.com", "MailFromDomain": "bounce.shop.example.com"},
            None,
        ),
        (
            "get_email_identity",
            {"EmailIdentity": "shop.example.com"},
            _eq("MailFromAttributes.MailFromDomain", "bounce.shop.example.com"),
        ),
        ("list_email_identities", {}, _eq("EmailIdentities.0.IdentityName", "shop.example.com")),
        ("delete_email_identity", {"EmailIdentity": "shop.example.com"}, None),
        ("get_email_identity", {"EmailIdentity": "shop.example.com"}, "NotFoundException"),
    ],
    "template lifecycle": [
        (
            "create_email_template",
            {
                "TemplateName": "hello",
                "TemplateContent": {"Subject": "Hi {{name}}", "Text": "Yo {{name}}"},
            },
            None,
        ),
        (
            "get_email_template",
            {"TemplateName": "hello"},
            _eq("TemplateContent.Subject", "Hi {{name}}"),
        ),
        (
            "update_email_template",
            {"TemplateName": "hello", "TemplateContent": {"Subject": "Hey {{name}}", "Text": "t"}},
            None,
        ),
        (
            "test_render_email_template",
            {"TemplateName": "hello", "TemplateData": '{"name": "Ada"}'},
            lambda r: _contains(r["RenderedTemplate"], "Hey Ada"),
        ),
        ("list_email_templates", {}, _eq("TemplatesMetadata.0.TemplateName", "hello")),
        ("delete_email_template", {"TemplateName": "hello"}, None),
        ("get_email_template", {"TemplateName": "hello"}, "NotFoundException"),
    ],
    "configuration set and event destination": [
        ("create_configuration_set", {"ConfigurationSetName": "tracked"}, None),
        (
            "create_configuration_set_event_destination",
            {
                "ConfigurationSetName": "tracked",
                "EventDestinationName": "to-sns",
                "EventDestination": {
                    "Enabled": True,
                    "MatchingEventTypes": ["BOUNCE"],
                    "SnsDestination": {"TopicArn": "arn:aws:sns:us-east-1:123456789012:t"},
                },
            },
            None,
        ),
        (
            "get_configuration_set_event_destinations",
            {"ConfigurationSetName": "tracked"},
            _eq("EventDestinations.0.Name", "to-sns"),
        ),
        (
            "delete_configuration_set_event_destination",
            {"ConfigurationSetName": "tracked", "EventDestinationName": "to-sns"},
            None,
        ),
        (
            "get_configuration_set_event_destinations",
            {"ConfigurationSetName": "tracked"},
            _eq("EventDestinations", []),
        ),
        ("delete_configuration_set", {"ConfigurationSetName": "tracked"}, None),
        ("get_configuration_set", {"ConfigurationSetName": "tracked"}, "NotFoundException"),
    ],
    "suppression list": [
        (
            "put_suppressed_destination",
            {"EmailAddress": "gone@example.com", "Reason": "BOUNCE"},
            None,
        ),
        (
            "get_suppressed_destination",
            {"EmailAddress": "gone@example.com"},
            _eq("SuppressedDestination.Reason", "BOUNCE"),
        ),
        (
            "list_suppressed_destinations",
            {},
            _eq("SuppressedDestinationSummaries.0.EmailAddress", "gone@example.com"),
        ),
        ("delete_suppressed_destination", {"EmailAddress": "gone@example.com"}, None),
        ("get_suppressed_destination", {"EmailAddress": "gone@example.com"}, "NotFoundException"),
    ],
    "sending and account": [
        (
            "send_email",
            {
                "FromEmailAddress": "me@unverified.example.com",
                "Destination": {"ToAddresses": ["a@example.com"]},
                "Content": SIMPLE,
            },
            "MessageRejected",
        ),
        ("create_email_identity", {"EmailIdentity": "me@example.com"}, None),
        (
            "send_email",
            {
                "FromEmailAddress": "me@example.com",
                "Destination": {"ToAddresses": ["a@example.com"]},
                "Content": SIMPLE,
            },
            _has("MessageId"),
        ),
        ("put_account_sending_attributes", {"SendingEnabled": False}, None),
        ("get_account", {}, _eq("SendingEnabled", False)),
        (
            "send_email",
            {
                "FromEmailAddress": "me@example.com",
                "Destination": {"ToAddresses": ["a@example.com"]},
                "Content": SIMPLE,
            },
            "SendingPausedException",
        ),
        ("put_account_sending_attributes", {"SendingEnabled": True}, None),
        ("get_account", {}, _eq("SendQuota.SentLast24Hours", 1.0)),
    ],
    "dedicated ip pools": [
        ("create_dedicated_ip_pool", {"PoolName": "marketing"}, None),
        ("list_dedicated_ip_pools", {}, lambda r: _contains(r["DedicatedIpPools"], "marketing")),
        ("delete_dedicated_ip_pool", {"PoolName": "marketing"}, None),
        ("list_dedicated_ip_pools", {}, lambda r: _lacks(r["DedicatedIpPools"], "marketing")),
    ],
}


def _contains(container: Any, item: Any) -> None:
    assert item in container, f"{item!r} not in {container!r}"


def _lacks(container: Any, item: Any) -> None:
    assert item not in container, f"{item!r} in {container!r}"


def _snake(name: str, params: dict[str, Any]) -> dict[str, Any]:
    op = operation(name)
    members = shape(op.input or "")
    out = {}
    for key, value in params.items():
        member = members.lookup(key)
        assert member is not None, key
        out[member.py] = value
    return out


def _apply(check: Check | str | None, outcome: dict[str, Any] | str, where: str) -> None:
    if isinstance(check, str):
        assert outcome == check, f"{where}: expected {check}, got {outcome}"
        return
    assert isinstance(outcome, dict), f"{where}: unexpected error {outcome}"
    if check is not None:
        check(outcome)


@pytest.fixture
def server() -> Iterator[LocalServer]:
    with LocalServer() as running:
        yield running


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_with_boto3(scenario: str, server: LocalServer) -> None:
    client = boto3.client(
        "sesv2",
        endpoint_url=server.url,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(retries={"total_max_attempts": 1}),
    )
    for i, (name, params, check) in enumerate(SCENARIOS[scenario]):
        try:
            outcome: dict[str, Any] | str = getattr(client, name)(**params)
        except ClientError as error:
            outcome = error.response["Error"]["Code"]
        _apply(check, outcome, f"boto3 step {i} {name}")


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_with_sync_client(scenario: str, server: LocalServer) -> None:
    with SesClient(
        region="us-east-1", endpoint_url=server.url, credentials=Credentials("test", "test")
    ) as client:
        for i, (name, params, check) in enumerate(SCENARIOS[scenario]):
            try:
                result = getattr(client, name)(**_snake(name, params))
                outcome: dict[str, Any] | str = msgspec.to_builtins(result)
            except SesServiceError as error:
                outcome = error.code
            _apply(check, outcome, f"SesClient step {i} {name}")


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_with_async_client(scenario: str, server: LocalServer) -> None:
    async def run() -> None:
        async with AsyncSesClient(
            region="us-east-1", endpoint_url=server.url, credentials=Credentials("test", "test")
        ) as client:
            for i, (name, params, check) in enumerate(SCENARIOS[scenario]):
                try:
                    result = await getattr(client, name)(**_snake(name, params))
                    outcome: dict[str, Any] | str = msgspec.to_builtins(result)
                except SesServiceError as error:
                    outcome = error.code
                _apply(check, outcome, f"AsyncSesClient step {i} {name}")

    asyncio.run(run())
