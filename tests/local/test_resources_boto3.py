"""boto3 drives the local server's resource operations over real HTTP.

Lifecycles of the specification's resources with exact assertions, the
NotFound / AlreadyExists errors as SES returns them, pagination, and a smoke
test calling every one of the 117 SES v2 operations.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3
import botocore.session
import pytest
from botocore.exceptions import ClientError

from aws_ses._model import operation, operation_names
from aws_ses.local import LocalServer
from aws_ses.local.resources import DEFAULT_POOL, SEED_IPS

from .conftest import admin, make_boto3_client
from .wire_model import ACCOUNT, SERVICE, minimal_input


def error_of(info: pytest.ExceptionInfo[ClientError]) -> tuple[str, str, int]:
    response: Any = info.value.response
    return (
        response["Error"]["Code"],
        response["Error"]["Message"],
        response["ResponseMetadata"]["HTTPStatusCode"],
    )


def body(response: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in response.items() if k != "ResponseMetadata"}


# ------------------------------------------------------------- identities


def test_domain_identity_lifecycle(boto3_client: Any) -> None:
    created = boto3_client.create_email_identity(
        EmailIdentity="Example.COM", Tags=[{"Key": "team", "Value": "mail"}]
    )
    assert created["IdentityType"] == "DOMAIN"
    assert created["VerifiedForSendingStatus"] is True
    dkim = created["DkimAttributes"]
    assert dkim["SigningEnabled"] is True
    assert dkim["Status"] == "SUCCESS"
    assert dkim["SigningAttributesOrigin"] == "AWS_SES"
    assert len(dkim["Tokens"]) == 3
    assert all(len(token) == 32 for token in dkim["Tokens"])
    assert dkim["NextSigningKeyLength"] == "RSA_2048_BIT"

    got = boto3_client.get_email_identity(EmailIdentity="example.com")
    assert got["IdentityType"] == "DOMAIN"
    assert got["VerificationStatus"] == "SUCCESS"
    assert got["VerifiedForSendingStatus"] is True
    assert got["FeedbackForwardingStatus"] is True
    assert got["DkimAttributes"]["Tokens"] == dkim["Tokens"]
    assert got["Policies"] == {}
    assert got["Tags"] == [{"Key": "team", "Value": "mail"}]
    assert got["MailFromAttributes"] == {"BehaviorOnMxFailure": "USE_DEFAULT_VALUE"}

    listed = boto3_client.list_email_identities()["EmailIdentities"]
    assert listed == [
        {
            "IdentityType": "DOMAIN",
            "IdentityName": "example.com",
            "SendingEnabled": True,
            "VerificationStatus": "SUCCESS",
        }
    ]

    boto3_client.delete_email_identity(EmailIdentity="example.com")
    with pytest.raises(ClientError) as info:
        boto3_client.get_email_identity(EmailIdentity="example.com")
    assert error_of(info) == (
        "NotFoundException",
        "Email identity example.com does not exist.",
        404,
    )
    with pytest.raises(ClientError) as info:
        boto3_client.delete_email_identity(EmailIdentity="example.com")
    assert error_of(info)[0::2] == ("NotFoundException", 404)


def test_address_identity_and_duplicates(boto3_client: Any) -> None:
    created = boto3_client.create_email_identity(EmailIdentity="Someone+tag@Example.org")
    assert created["IdentityType"] == "EMAIL_ADDRESS"
    assert created["VerifiedForSendingStatus"] is True
    assert created["DkimAttributes"]["Status"] == "NOT_STARTED"
    # The domain part is case-insensitive, the local part is kept.
    got = boto3_client.get_email_identity(EmailIdentity="Someone+tag@example.ORG")
    assert got["IdentityType"] == "EMAIL_ADDRESS"
    with pytest.raises(ClientError) as info:
        boto3_client.create_email_identity(EmailIdentity="Someone+tag@example.org")
    assert error_of(info) == (
        "AlreadyExistsException",
        "Email identity Someone+tag@example.org already exists.",
        400,
    )
    with pytest.raises(ClientError) as info:
        boto3_client.create_email_identity(EmailIdentity="not an identity")
    assert error_of(info)[0::2] == ("BadRequestException", 400)


def test_identity_pending_without_auto_verify() -> None:
    with LocalServer(auto_verify=False) as server:
        client = make_boto3_client(server)
        created = client.create_email_identity(EmailIdentity="pending.example")
        assert created["VerifiedForSendingStatus"] is False
        assert created["DkimAttributes"]["Status"] == "PENDING"
        got = client.get_email_identity(EmailIdentity="pending.example")
        assert got["VerificationStatus"] == "PENDING"
        assert client.list_email_identities()["EmailIdentities"][0]["SendingEnabled"] is False


def test_identity_attributes_are_reflected(boto3_client: Any) -> None:
    boto3_client.create_email_identity(EmailIdentity="example.net")
    boto3_client.create_configuration_set(ConfigurationSetName="cs")

    boto3_client.put_email_identity_dkim_attributes(
        EmailIdentity="example.net", SigningEnabled=False
    )
    boto3_client.put_email_identity_feedback_attributes(
        EmailIdentity="example.net", EmailForwardingEnabled=False
    )
    boto3_client.put_email_identity_mail_from_attributes(
        EmailIdentity="example.net",
        MailFromDomain="bounce.example.net",
        BehaviorOnMxFailure="REJECT_MESSAGE",
    )
    boto3_client.put_email_identity_configuration_set_attributes(
        EmailIdentity="example.net", ConfigurationSetName="cs"
    )
    got = boto3_client.get_email_identity(EmailIdentity="example.net")
    assert got["DkimAttributes"]["SigningEnabled"] is False
    assert got["FeedbackForwardingStatus"] is False
    assert got["MailFromAttributes"] == {
        "MailFromDomain": "bounce.example.net",
        "MailFromDomainStatus": "SUCCESS",
        "BehaviorOnMxFailure": "REJECT_MESSAGE",
    }
    assert got["ConfigurationSetName"] == "cs"

    signing = boto3_client.put_email_identity_dkim_signing_attributes(
        EmailIdentity="example.net",
        SigningAttributesOrigin="EXTERNAL",
        SigningAttributes={"DomainSigningSelector": "sel1", "DomainSigningPrivateKey": "a2V5"},
    )
    assert signing["DkimStatus"] == "SUCCESS"
    assert signing["DkimTokens"] == ["sel1"]
    got = boto3_client.get_email_identity(EmailIdentity="example.net")
    assert got["DkimAttributes"]["SigningAttributesOrigin"] == "EXTERNAL"
    assert got["DkimAttributes"]["Tokens"] == ["sel1"]

    # Back to Easy DKIM with a shorter key.
    signing = boto3_client.put_email_identity_dkim_signing_attributes(
        EmailIdentity="example.net",
        SigningAttributesOrigin="AWS_SES",
        SigningAttributes={"NextSigningKeyLength": "RSA_1024_BIT"},
    )
    assert len(signing["DkimTokens"]) == 3
    dkim = boto3_client.get_email_identity(EmailIdentity="example.net")["DkimAttributes"]
    assert dkim["SigningAttributesOrigin"] == "AWS_SES"
    assert dkim["NextSigningKeyLength"] == "RSA_1024_BIT"

    with pytest.raises(ClientError) as info:  # MAIL FROM must be a subdomain
        boto3_client.put_email_identity_mail_from_attributes(
            EmailIdentity="example.net", MailFromDomain="mail.other.org"
        )
    assert error_of(info)[0::2] == ("BadRequestException", 400)
    with pytest.raises(ClientError) as info:
        boto3_client.put_email_identity_configuration_set_attributes(
            EmailIdentity="example.net", ConfigurationSetName="missing"
        )
    assert error_of(info) == (
        "NotFoundException",
        "Configuration set <missing> does not exist.",
        404,
    )
    # Clearing the MAIL FROM domain and the default configuration set.
    boto3_client.put_email_identity_mail_from_attributes(EmailIdentity="example.net")
    boto3_client.put_email_identity_configuration_set_attributes(EmailIdentity="example.net")
    got = boto3_client.get_email_identity(EmailIdentity="example.net")
    assert got["MailFromAttributes"] == {"BehaviorOnMxFailure": "USE_DEFAULT_VALUE"}
    assert "ConfigurationSetName" not in got
    with pytest.raises(ClientError) as info:
        boto3_client.put_email_identity_dkim_attributes(
            EmailIdentity="nope.org", SigningEnabled=True
        )
    assert error_of(info)[0::2] == ("NotFoundException", 404)


def test_identity_policies(boto3_client: Any) -> None:
    boto3_client.create_email_identity(EmailIdentity="example.com")
    policy = json.dumps({"Version": "2012-10-17", "Statement": []})
    boto3_client.create_email_identity_policy(
        EmailIdentity="example.com", PolicyName="p1", Policy=policy
    )
    assert boto3_client.get_email_identity_policies(EmailIdentity="example.com")["Policies"] == {
        "p1": policy
    }
    with pytest.raises(ClientError) as info:
        boto3_client.create_email_identity_policy(
            EmailIdentity="example.com", PolicyName="p1", Policy=policy
        )
    assert error_of(info)[0::2] == ("AlreadyExistsException", 400)
    updated = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow"}]})
    boto3_client.update_email_identity_policy(
        EmailIdentity="example.com", PolicyName="p1", Policy=updated
    )
    assert boto3_client.get_email_identity(EmailIdentity="example.com")["Policies"] == {
        "p1": updated
    }
    with pytest.raises(ClientError) as info:
        boto3_client.create_email_identity_policy(
            EmailIdentity="example.com", PolicyName="p2", Policy="not json"
        )
    assert error_of(info)[0::2] == ("BadRequestException", 400)
    boto3_client.delete_email_identity_policy(EmailIdentity="example.com", PolicyName="p1")
    assert boto3_client.get_email_identity_policies(EmailIdentity="example.com")["Policies"] == {}
    with pytest.raises(ClientError) as info:
        boto3_client.delete_email_identity_policy(EmailIdentity="example.com", PolicyName="p1")
    assert error_of(info) == ("NotFoundException", "Policy p1 does not exist.", 404)
    with pytest.raises(ClientError) as info:
        boto3_client.get_email_identity_policies(EmailIdentity="other.com")
    assert error_of(info)[0::2] == ("NotFoundException", 404)


# -------------------------------------------------------------- templates


def test_template_lifecycle_and_render(boto3_client: Any) -> None:
    content = {
        "Subject": "Hello {{name}}",
        "Html": "<p>Hi {{name}} &amp; {{#if vip}}VIP{{/if}}</p>",
        "Text": "Hi {{name}}",
    }
    boto3_client.create_email_template(TemplateName="welcome", TemplateContent=content)
    got = boto3_client.get_email_template(TemplateName="welcome")
    assert body(got) == {"TemplateName": "welcome", "TemplateContent": content, "Tags": []} or body(
        got
    ) == {"TemplateName": "welcome", "TemplateContent": content}

    with pytest.raises(ClientError) as info:
        boto3_client.create_email_template(TemplateName="welcome", TemplateContent=content)
    assert error_of(info) == ("AlreadyExistsException", "Template welcome already exists.", 400)

    rendered = boto3_client.test_render_email_template(
        TemplateName="welcome", TemplateData=json.dumps({"name": "Ann <A>", "vip": True})
    )["RenderedTemplate"]
    assert "Subject: Hello Ann <A>" in rendered
    assert "Hi Ann &lt;A&gt; &amp; VIP" in rendered
    assert "multipart/alternative" in rendered

    with pytest.raises(ClientError) as info:
        boto3_client.test_render_email_template(TemplateName="welcome", TemplateData="{}")
    assert error_of(info) == (
        "BadRequestException",
        "Attribute 'name' is not present in the rendering data.",
        400,
    )
    with pytest.raises(ClientError) as info:
        boto3_client.test_render_email_template(TemplateName="nope", TemplateData="{}")
    assert error_of(info) == ("NotFoundException", "Template nope does not exist.", 404)

    boto3_client.update_email_template(
        TemplateName="welcome", TemplateContent={"Subject": "Bye {{name}}", "Text": "Bye"}
    )
    got = boto3_client.get_email_template(TemplateName="welcome")
    assert got["TemplateContent"] == {"Subject": "Bye {{name}}", "Text": "Bye"}
    listed = boto3_client.list_email_templates()["TemplatesMetadata"]
    assert [t["TemplateName"] for t in listed] == ["welcome"]
    assert isinstance(listed[0]["CreatedTimestamp"], datetime)

    boto3_client.delete_email_template(TemplateName="welcome")
    for call in (boto3_client.get_email_template, boto3_client.delete_email_template):
        with pytest.raises(ClientError) as info:
            call(TemplateName="welcome")
        assert error_of(info) == ("NotFoundException", "Template welcome does not exist.", 404)
    with pytest.raises(ClientError) as info:
        boto3_client.update_email_template(TemplateName="welcome", TemplateContent=content)
    assert error_of(info)[0::2] == ("NotFoundException", 404)


# ----------------------------------------------------- configuration sets


def test_configuration_set_lifecycle(boto3_client: Any) -> None:
    boto3_client.create_dedicated_ip_pool(PoolName="pool1")
    boto3_client.create_configuration_set(
        ConfigurationSetName="cs1",
        TrackingOptions={"CustomRedirectDomain": "click.example.com"},
        DeliveryOptions={"SendingPoolName": "pool1", "TlsPolicy": "REQUIRE"},
        SendingOptions={"SendingEnabled": False},
        SuppressionOptions={"SuppressedReasons": ["BOUNCE"]},
        Tags=[{"Key": "env", "Value": "test"}],
    )
    got = body(boto3_client.get_configuration_set(ConfigurationSetName="cs1"))
    assert got == {
        "ConfigurationSetName": "cs1",
        "TrackingOptions": {"CustomRedirectDomain": "click.example.com"},
        "DeliveryOptions": {"SendingPoolName": "pool1", "TlsPolicy": "REQUIRE"},
        "ReputationOptions": {"ReputationMetricsEnabled": False},
        "SendingOptions": {"SendingEnabled": False},
        "SuppressionOptions": {"SuppressedReasons": ["BOUNCE"]},
        "Tags": [{"Key": "env", "Value": "test"}],
    }
    with pytest.raises(ClientError) as info:
        boto3_client.create_configuration_set(ConfigurationSetName="cs1")
    assert error_of(info) == (
        "AlreadyExistsException",
        "Configuration set <cs1> already exists.",
        400,
    )

    boto3_client.put_configuration_set_sending_options(
        ConfigurationSetName="cs1", SendingEnabled=True
    )
    boto3_client.put_configuration_set_reputation_options(
        ConfigurationSetName="cs1", ReputationMetricsEnabled=True
    )
    boto3_client.put_configuration_set_tracking_options(
        ConfigurationSetName="cs1", CustomRedirectDomain="t.example.com", HttpsPolicy="REQUIRE"
    )
    boto3_client.put_configuration_set_delivery_options(
        ConfigurationSetName="cs1", TlsPolicy="OPTIONAL", MaxDeliverySeconds=600
    )
    boto3_client.put_configuration_set_suppression_options(
        ConfigurationSetName="cs1", SuppressedReasons=["BOUNCE", "COMPLAINT"]
    )
    boto3_client.put_configuration_set_vdm_options(
        ConfigurationSetName="cs1",
        VdmOptions={"DashboardOptions": {"EngagementMetrics": "ENABLED"}},
    )
    boto3_client.put_configuration_set_archiving_options(
        ConfigurationSetName="cs1",
        ArchiveArn="arn:aws:ses:us-east-1:123456789012:mailmanager-archive/a-0123456789abcdef01234567",
    )
    got = boto3_client.get_configuration_set(ConfigurationSetName="cs1")
    assert got["SendingOptions"] == {"SendingEnabled": True}
    assert got["ReputationOptions"] == {"ReputationMetricsEnabled": True}
    assert got["TrackingOptions"] == {
        "CustomRedirectDomain": "t.example.com",
        "HttpsPolicy": "REQUIRE",
    }
    assert got["DeliveryOptions"] == {
        "SendingPoolName": "pool1",
        "TlsPolicy": "OPTIONAL",
        "MaxDeliverySeconds": 600,
    }
    assert got["SuppressionOptions"] == {"SuppressedReasons": ["BOUNCE", "COMPLAINT"]}
    assert got["VdmOptions"] == {"DashboardOptions": {"EngagementMetrics": "ENABLED"}}
    assert got["ArchivingOptions"] == {
        "ArchiveArn": "arn:aws:ses:us-east-1:123456789012:"
        "mailmanager-archive/a-0123456789abcdef01234567"
    }

    with pytest.raises(ClientError) as info:
        boto3_client.put_configuration_set_delivery_options(
            ConfigurationSetName="cs1", SendingPoolName="no-such-pool"
        )
    assert error_of(info)[0::2] == ("NotFoundException", 404)
    with pytest.raises(ClientError) as info:
        boto3_client.put_configuration_set_sending_options(
            ConfigurationSetName="ghost", SendingEnabled=True
        )
    assert error_of(info) == ("NotFoundException", "Configuration set <ghost> does not exist.", 404)

    boto3_client.create_configuration_set(ConfigurationSetName="cs2")
    defaults = body(boto3_client.get_configuration_set(ConfigurationSetName="cs2"))
    assert defaults == {
        "ConfigurationSetName": "cs2",
        "DeliveryOptions": {"TlsPolicy": "OPTIONAL"},
        "ReputationOptions": {"ReputationMetricsEnabled": False},
        "SendingOptions": {"SendingEnabled": True},
        "Tags": [],
    }
    assert boto3_client.list_configuration_sets()["ConfigurationSets"] == ["cs1", "cs2"]
    boto3_client.delete_configuration_set(ConfigurationSetName="cs1")
    assert boto3_client.list_configuration_sets()["ConfigurationSets"] == ["cs2"]
    with pytest.raises(ClientError) as info:
        boto3_client.get_configuration_set(ConfigurationSetName="cs1")
    assert error_of(info) == ("NotFoundException", "Configuration set <cs1> does not exist.", 404)


def test_event_destinations(boto3_client: Any) -> None:
    boto3_client.create_configuration_set(ConfigurationSetName="cs")
    sns = {"TopicArn": f"arn:aws:sns:us-east-1:{ACCOUNT}:events"}
    boto3_client.create_configuration_set_event_destination(
        ConfigurationSetName="cs",
        EventDestinationName="to-sns",
        EventDestination={
            "Enabled": True,
            "MatchingEventTypes": ["SEND", "BOUNCE"],
            "SnsDestination": sns,
        },
    )
    boto3_client.create_configuration_set_event_destination(
        ConfigurationSetName="cs",
        EventDestinationName="to-eb",
        EventDestination={
            "MatchingEventTypes": ["DELIVERY"],
            "EventBridgeDestination": {
                "EventBusArn": f"arn:aws:events:us-east-1:{ACCOUNT}:event-bus/default"
            },
        },
    )
    got = boto3_client.get_configuration_set_event_destinations(ConfigurationSetName="cs")
    assert got["EventDestinations"] == [
        {
            "Name": "to-sns",
            "Enabled": True,
            "MatchingEventTypes": ["SEND", "BOUNCE"],
            "SnsDestination": sns,
        },
        {
            "Name": "to-eb",
            "Enabled": False,  # SES's default when Enabled is left out
            "MatchingEventTypes": ["DELIVERY"],
            "EventBridgeDestination": {
                "EventBusArn": f"arn:aws:events:us-east-1:{ACCOUNT}:event-bus/default"
            },
        },
    ]
    with pytest.raises(ClientError) as info:
        boto3_client.create_configuration_set_event_destination(
            ConfigurationSetName="cs",
            EventDestinationName="to-sns",
            EventDestination={"MatchingEventTypes": ["SEND"], "SnsDestination": sns},
        )
    assert error_of(info)[0::2] == ("AlreadyExistsException", 400)
    with pytest.raises(ClientError) as info:
        boto3_client.create_configuration_set_event_destination(
            ConfigurationSetName="nope",
            EventDestinationName="x",
            EventDestination={"MatchingEventTypes": ["SEND"], "SnsDestination": sns},
        )
    assert error_of(info) == ("NotFoundException", "Configuration set <nope> does not exist.", 404)

    boto3_client.update_configuration_set_event_destination(
        ConfigurationSetName="cs",
        EventDestinationName="to-sns",
        EventDestination={
            "Enabled": False,
            "MatchingEventTypes": ["COMPLAINT"],
            "SnsDestination": sns,
        },
    )
    first = boto3_client.get_configuration_set_event_destinations(ConfigurationSetName="cs")[
        "EventDestinations"
    ][0]
    assert first == {
        "Name": "to-sns",
        "Enabled": False,
        "MatchingEventTypes": ["COMPLAINT"],
        "SnsDestination": sns,
    }
    with pytest.raises(ClientError) as info:
        boto3_client.update_configuration_set_event_destination(
            ConfigurationSetName="cs",
            EventDestinationName="ghost",
            EventDestination={"MatchingEventTypes": ["SEND"]},
        )
    assert error_of(info)[0::2] == ("NotFoundException", 404)

    boto3_client.delete_configuration_set_event_destination(
        ConfigurationSetName="cs", EventDestinationName="to-sns"
    )
    names = [
        d["Name"]
        for d in boto3_client.get_configuration_set_event_destinations(ConfigurationSetName="cs")[
            "EventDestinations"
        ]
    ]
    assert names == ["to-eb"]
    with pytest.raises(ClientError) as info:
        boto3_client.delete_configuration_set_event_destination(
            ConfigurationSetName="cs", EventDestinationName="to-sns"
        )
    assert error_of(info)[0::2] == ("NotFoundException", 404)
    with pytest.raises(ClientError) as info:
        boto3_client.get_configuration_set_event_destinations(ConfigurationSetName="nope")
    assert error_of(info)[0::2] == ("NotFoundException", 404)


# ------------------------------------------------------- suppression list


def test_suppression_list(boto3_client: Any, server: LocalServer) -> None:
    start = 1_700_000_000.0
    server.state.clock = lambda: start
    try:
        boto3_client.put_suppressed_destination(EmailAddress="Bounced@Example.com", Reason="BOUNCE")
        server.state.clock = lambda: start + 3600
        boto3_client.put_suppressed_destination(
            EmailAddress="angry@example.com", Reason="COMPLAINT"
        )
    finally:
        server.state.clock = time.time

    got = boto3_client.get_suppressed_destination(EmailAddress="bounced@example.com")
    found = got["SuppressedDestination"]
    assert found["LastUpdateTime"].timestamp() == start
    assert {k: v for k, v in found.items() if k != "LastUpdateTime"} == {
        "EmailAddress": "Bounced@Example.com",
        "Reason": "BOUNCE",
        "Attributes": {},
    }
    summaries = boto3_client.list_suppressed_destinations()["SuppressedDestinationSummaries"]
    assert [(s["EmailAddress"], s["Reason"]) for s in summaries] == [
        ("Bounced@Example.com", "BOUNCE"),
        ("angry@example.com", "COMPLAINT"),
    ]
    only = boto3_client.list_suppressed_destinations(Reasons=["COMPLAINT"])
    assert [s["EmailAddress"] for s in only["SuppressedDestinationSummaries"]] == [
        "angry@example.com"
    ]
    both = boto3_client.list_suppressed_destinations(Reasons=["COMPLAINT", "BOUNCE"])
    assert len(both["SuppressedDestinationSummaries"]) == 2
    later = boto3_client.list_suppressed_destinations(
        StartDate=datetime.fromtimestamp(start + 60, UTC)
    )
    assert [s["EmailAddress"] for s in later["SuppressedDestinationSummaries"]] == [
        "angry@example.com"
    ]
    earlier = boto3_client.list_suppressed_destinations(
        EndDate=datetime.fromtimestamp(start + 60, UTC)
    )
    assert [s["EmailAddress"] for s in earlier["SuppressedDestinationSummaries"]] == [
        "Bounced@Example.com"
    ]

    # Putting again replaces the reason.
    boto3_client.put_suppressed_destination(EmailAddress="bounced@example.com", Reason="COMPLAINT")
    got = boto3_client.get_suppressed_destination(EmailAddress="BOUNCED@example.com")
    assert got["SuppressedDestination"]["Reason"] == "COMPLAINT"

    boto3_client.delete_suppressed_destination(EmailAddress="angry@example.com")
    with pytest.raises(ClientError) as info:
        boto3_client.get_suppressed_destination(EmailAddress="angry@example.com")
    assert error_of(info) == (
        "NotFoundException",
        "Email address angry@example.com does not exist on your suppression list.",
        404,
    )
    with pytest.raises(ClientError) as info:
        boto3_client.delete_suppressed_destination(EmailAddress="angry@example.com")
    assert error_of(info)[0::2] == ("NotFoundException", 404)
    with pytest.raises(ClientError) as info:
        boto3_client.put_suppressed_destination(EmailAddress="x@example.com", Reason="SPAM")
    assert error_of(info) == (
        "BadRequestException",
        "1 validation error detected: Value 'SPAM' at 'reason' failed to satisfy constraint: "
        "Member must satisfy enum value set: [BOUNCE, COMPLAINT]",
        400,
    )
    with pytest.raises(ClientError) as info:
        boto3_client.list_suppressed_destinations(NextToken="garbage")
    assert error_of(info)[0::2] == ("InvalidNextTokenException", 400)


def test_suppression_list_pages(boto3_client: Any) -> None:
    for i in range(5):
        boto3_client.put_suppressed_destination(EmailAddress=f"u{i}@example.com", Reason="BOUNCE")
    seen, token, pages = [], None, 0
    while True:
        kwargs: dict[str, Any] = {"PageSize": 2}
        if token:
            kwargs["NextToken"] = token
        page = boto3_client.list_suppressed_destinations(**kwargs)
        seen += [s["EmailAddress"] for s in page["SuppressedDestinationSummaries"]]
        pages += 1
        token = page.get("NextToken")
        if not token:
            break
    assert pages == 3
    assert seen == [f"u{i}@example.com" for i in range(5)]


# ---------------------------------------------------- dedicated IP pools


def test_dedicated_ips_and_pools(boto3_client: Any) -> None:
    ips = boto3_client.get_dedicated_ips()["DedicatedIps"]
    assert ips == [
        {"Ip": ip, "WarmupStatus": "DONE", "WarmupPercentage": 100, "PoolName": DEFAULT_POOL}
        for ip in SEED_IPS
    ]
    boto3_client.create_dedicated_ip_pool(PoolName="marketing", Tags=[{"Key": "a", "Value": "b"}])
    with pytest.raises(ClientError) as info:
        boto3_client.create_dedicated_ip_pool(PoolName="marketing")
    assert error_of(info)[0::2] == ("AlreadyExistsException", 400)
    assert boto3_client.get_dedicated_ip_pool(PoolName="marketing")["DedicatedIpPool"] == {
        "PoolName": "marketing",
        "ScalingMode": "STANDARD",
    }
    boto3_client.create_dedicated_ip_pool(PoolName="managed", ScalingMode="MANAGED")
    assert boto3_client.list_dedicated_ip_pools()["DedicatedIpPools"] == [
        DEFAULT_POOL,
        "marketing",
        "managed",
    ]
    boto3_client.put_dedicated_ip_pool_scaling_attributes(
        PoolName="marketing", ScalingMode="MANAGED"
    )
    assert (
        boto3_client.get_dedicated_ip_pool(PoolName="marketing")["DedicatedIpPool"]["ScalingMode"]
        == "MANAGED"
    )

    boto3_client.put_dedicated_ip_in_pool(Ip=SEED_IPS[0], DestinationPoolName="marketing")
    boto3_client.put_dedicated_ip_warmup_attributes(Ip=SEED_IPS[0], WarmupPercentage=40)
    assert boto3_client.get_dedicated_ip(Ip=SEED_IPS[0])["DedicatedIp"] == {
        "Ip": SEED_IPS[0],
        "WarmupStatus": "IN_PROGRESS",
        "WarmupPercentage": 40,
        "PoolName": "marketing",
    }
    in_pool = boto3_client.get_dedicated_ips(PoolName="marketing")["DedicatedIps"]
    assert [ip["Ip"] for ip in in_pool] == [SEED_IPS[0]]
    page = boto3_client.get_dedicated_ips(PageSize=2)
    assert len(page["DedicatedIps"]) == 2
    rest = boto3_client.get_dedicated_ips(PageSize=2, NextToken=page["NextToken"])
    assert [ip["Ip"] for ip in rest["DedicatedIps"]] == [SEED_IPS[2]]
    assert "NextToken" not in rest

    with pytest.raises(ClientError) as info:
        boto3_client.put_dedicated_ip_in_pool(Ip=SEED_IPS[1], DestinationPoolName="ghost")
    assert error_of(info) == ("NotFoundException", "Pool name ghost does not exist.", 404)
    with pytest.raises(ClientError) as info:
        boto3_client.get_dedicated_ip(Ip="203.0.113.9")
    assert error_of(info)[0::2] == ("NotFoundException", 404)
    with pytest.raises(ClientError) as info:
        boto3_client.get_dedicated_ips(PoolName="ghost")
    assert error_of(info)[0::2] == ("NotFoundException", 404)

    boto3_client.delete_dedicated_ip_pool(PoolName="marketing")
    assert boto3_client.get_dedicated_ip(Ip=SEED_IPS[0])["DedicatedIp"]["PoolName"] == DEFAULT_POOL
    with pytest.raises(ClientError) as info:
        boto3_client.get_dedicated_ip_pool(PoolName="marketing")
    assert error_of(info) == ("NotFoundException", "Pool name marketing does not exist.", 404)
    with pytest.raises(ClientError) as info:
        boto3_client.delete_dedicated_ip_pool(PoolName="marketing")
    assert error_of(info)[0::2] == ("NotFoundException", 404)


# ---------------------------------------------------------------- account


def test_account(boto3_client: Any) -> None:
    account = body(boto3_client.get_account())
    assert account == {
        "DedicatedIpAutoWarmupEnabled": True,
        "EnforcementStatus": "HEALTHY",
        "ProductionAccessEnabled": True,
        "SendQuota": {"Max24HourSend": 50000.0, "MaxSendRate": 14.0, "SentLast24Hours": 0.0},
        "SendingEnabled": True,
        "SuppressionAttributes": {"SuppressedReasons": ["BOUNCE", "COMPLAINT"]},
        "VdmAttributes": {"VdmEnabled": "DISABLED"},
    }
    boto3_client.put_account_sending_attributes(SendingEnabled=False)
    boto3_client.put_account_dedicated_ip_warmup_attributes(AutoWarmupEnabled=False)
    boto3_client.put_account_suppression_attributes(SuppressedReasons=["COMPLAINT"])
    boto3_client.put_account_vdm_attributes(VdmAttributes={"VdmEnabled": "ENABLED"})
    boto3_client.put_account_details(
        MailType="TRANSACTIONAL",
        WebsiteURL="https://example.com",
        ContactLanguage="EN",
        UseCaseDescription="Receipts",
        AdditionalContactEmailAddresses=["ops@example.com"],
        ProductionAccessEnabled=True,
    )
    account = boto3_client.get_account()
    assert account["SendingEnabled"] is False
    assert account["DedicatedIpAutoWarmupEnabled"] is False
    assert account["SuppressionAttributes"] == {"SuppressedReasons": ["COMPLAINT"]}
    assert account["VdmAttributes"] == {"VdmEnabled": "ENABLED"}
    details = account["Details"]
    assert details["MailType"] == "TRANSACTIONAL"
    assert details["WebsiteURL"] == "https://example.com"
    assert details["ContactLanguage"] == "EN"
    assert details["UseCaseDescription"] == "Receipts"
    assert details["AdditionalContactEmailAddresses"] == ["ops@example.com"]
    assert details["ReviewDetails"]["Status"] == "GRANTED"
    boto3_client.put_account_sending_attributes(SendingEnabled=True)
    assert boto3_client.get_account()["SendingEnabled"] is True


def test_sandbox_account_and_options() -> None:
    with LocalServer(sandbox=True, max_send_rate=2.0, max_24_hour_send=200.0) as server:
        client = make_boto3_client(server)
        account = client.get_account()
        assert account["ProductionAccessEnabled"] is False
        assert account["SendQuota"] == {
            "Max24HourSend": 200.0,
            "MaxSendRate": 2.0,
            "SentLast24Hours": 0.0,
        }
        client.put_account_details(
            MailType="MARKETING", WebsiteURL="https://example.com", ProductionAccessEnabled=True
        )
        assert client.get_account()["ProductionAccessEnabled"] is True


# ------------------------------------------------- generic resources, tags


def test_contact_lists_and_contacts(boto3_client: Any) -> None:
    topics = [
        {
            "TopicName": "news",
            "DisplayName": "News",
            "DefaultSubscriptionStatus": "OPT_IN",
        }
    ]
    boto3_client.create_contact_list(ContactListName="list1", Topics=topics, Description="d")
    got = boto3_client.get_contact_list(ContactListName="list1")
    assert got["ContactListName"] == "list1"
    assert got["Topics"] == topics
    assert got["Description"] == "d"
    assert isinstance(got["CreatedTimestamp"], datetime)
    with pytest.raises(ClientError) as info:
        boto3_client.create_contact_list(ContactListName="list1")
    assert error_of(info) == ("AlreadyExistsException", "Contact list list1 already exists.", 400)

    boto3_client.create_contact(
        ContactListName="list1",
        EmailAddress="a+1@example.com",
        TopicPreferences=[{"TopicName": "news", "SubscriptionStatus": "OPT_OUT"}],
    )
    boto3_client.create_contact(ContactListName="list1", EmailAddress="b@example.com")
    contact = boto3_client.get_contact(ContactListName="list1", EmailAddress="a+1@example.com")
    assert contact["TopicPreferences"] == [{"TopicName": "news", "SubscriptionStatus": "OPT_OUT"}]
    boto3_client.update_contact(
        ContactListName="list1", EmailAddress="a+1@example.com", UnsubscribeAll=True
    )
    contact = boto3_client.get_contact(ContactListName="list1", EmailAddress="a+1@example.com")
    assert contact["UnsubscribeAll"] is True
    listed = boto3_client.list_contacts(ContactListName="list1")["Contacts"]
    assert [c["EmailAddress"] for c in listed] == ["a+1@example.com", "b@example.com"]
    with pytest.raises(ClientError) as info:
        boto3_client.create_contact(ContactListName="ghost", EmailAddress="a@example.com")
    assert error_of(info) == ("NotFoundException", "Contact list ghost does not exist.", 404)
    with pytest.raises(ClientError) as info:
        boto3_client.list_contacts(ContactListName="ghost")
    assert error_of(info)[0::2] == ("NotFoundException", 404)

    boto3_client.update_contact_list(ContactListName="list1", Description="new")
    assert boto3_client.get_contact_list(ContactListName="list1")["Description"] == "new"
    boto3_client.delete_contact_list(ContactListName="list1")  # takes its contacts along
    with pytest.raises(ClientError) as info:
        boto3_client.get_contact(ContactListName="list1", EmailAddress="b@example.com")
    assert error_of(info)[0::2] == ("NotFoundException", 404)
    assert boto3_client.list_contact_lists()["ContactLists"] == []


def test_pagination_across_pages(boto3_client: Any) -> None:
    names = [f"t{i:02d}" for i in range(7)]
    for name in names:
        boto3_client.create_email_template(
            TemplateName=name, TemplateContent={"Subject": "s", "Text": "t"}
        )
    seen: list[str] = []
    token = None
    pages = 0
    while True:
        kwargs: dict[str, Any] = {"PageSize": 3}
        if token:
            kwargs["NextToken"] = token
        page = boto3_client.list_email_templates(**kwargs)
        seen += [t["TemplateName"] for t in page["TemplatesMetadata"]]
        pages += 1
        token = page.get("NextToken")
        if token is None:
            break
    assert (pages, seen) == (3, names)
    for i in range(3):
        boto3_client.create_email_identity(EmailIdentity=f"d{i}.example.com")
    first = boto3_client.list_email_identities(PageSize=2)
    second = boto3_client.list_email_identities(PageSize=2, NextToken=first["NextToken"])
    assert [i["IdentityName"] for i in first["EmailIdentities"] + second["EmailIdentities"]] == [
        "d0.example.com",
        "d1.example.com",
        "d2.example.com",
    ]
    with pytest.raises(ClientError) as info:
        boto3_client.list_email_templates(NextToken="not-a-token")
    assert error_of(info) == ("BadRequestException", "The NextToken provided is invalid.", 400)
    with pytest.raises(ClientError) as info:  # a token of another operation
        boto3_client.list_email_templates(NextToken=first["NextToken"])
    assert error_of(info)[0::2] == ("BadRequestException", 400)


def test_tags_on_any_resource(boto3_client: Any) -> None:
    boto3_client.create_configuration_set(ConfigurationSetName="cs")
    arn = f"arn:aws:ses:us-east-1:{ACCOUNT}:configuration-set/cs"
    boto3_client.tag_resource(
        ResourceArn=arn, Tags=[{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}]
    )
    boto3_client.tag_resource(ResourceArn=arn, Tags=[{"Key": "a", "Value": "3"}])
    assert boto3_client.list_tags_for_resource(ResourceArn=arn)["Tags"] == [
        {"Key": "a", "Value": "3"},
        {"Key": "b", "Value": "2"},
    ]
    assert boto3_client.get_configuration_set(ConfigurationSetName="cs")["Tags"] == [
        {"Key": "a", "Value": "3"},
        {"Key": "b", "Value": "2"},
    ]
    boto3_client.untag_resource(ResourceArn=arn, TagKeys=["a"])
    assert boto3_client.list_tags_for_resource(ResourceArn=arn)["Tags"] == [
        {"Key": "b", "Value": "2"}
    ]

    boto3_client.create_email_identity(EmailIdentity="user@Example.com")
    identity_arn = f"arn:aws:ses:us-east-1:{ACCOUNT}:identity/user@example.com"
    boto3_client.tag_resource(ResourceArn=identity_arn, Tags=[{"Key": "k", "Value": "v"}])
    assert boto3_client.get_email_identity(EmailIdentity="user@example.com")["Tags"] == [
        {"Key": "k", "Value": "v"}
    ]
    with pytest.raises(ClientError) as info:
        boto3_client.list_tags_for_resource(
            ResourceArn=f"arn:aws:ses:us-east-1:{ACCOUNT}:template/missing"
        )
    assert error_of(info) == ("NotFoundException", "Template missing does not exist.", 404)
    with pytest.raises(ClientError) as info:
        boto3_client.tag_resource(ResourceArn="not-an-arn", Tags=[{"Key": "k", "Value": "v"}])
    assert error_of(info)[0::2] == ("BadRequestException", 400)


def test_generic_jobs_tenants_and_reports(boto3_client: Any) -> None:
    job = boto3_client.create_export_job(
        ExportDataSource={
            "MetricsDataSource": {
                "Dimensions": {"EMAIL_IDENTITY": ["example.com"]},
                "Namespace": "VDM",
                "Metrics": [{"Name": "SEND", "Aggregation": "VOLUME"}],
                "StartDate": datetime(2024, 1, 1, tzinfo=UTC),
                "EndDate": datetime(2024, 1, 2, tzinfo=UTC),
            }
        },
        ExportDestination={"DataFormat": "CSV"},
    )
    job_id = job["JobId"]
    got = boto3_client.get_export_job(JobId=job_id)
    assert got["JobId"] == job_id
    assert got["ExportSourceType"] == "METRICS_DATA"
    assert got["JobStatus"] == "COMPLETED"
    assert got["ExportDestination"] == {"DataFormat": "CSV"}
    boto3_client.cancel_export_job(JobId=job_id)
    assert boto3_client.get_export_job(JobId=job_id)["JobStatus"] == "CANCELLED"
    jobs = boto3_client.list_export_jobs(JobStatus="CANCELLED")["ExportJobs"]
    assert [j["JobId"] for j in jobs] == [job_id]
    assert boto3_client.list_export_jobs(JobStatus="PROCESSING")["ExportJobs"] == []
    with pytest.raises(ClientError) as info:
        boto3_client.get_export_job(JobId="nope")
    assert error_of(info) == ("NotFoundException", "Export job nope does not exist.", 404)

    tenant = boto3_client.create_tenant(TenantName="acme")
    assert tenant["TenantName"] == "acme"
    assert tenant["TenantArn"] == f"arn:aws:ses:us-east-1:{ACCOUNT}:tenant/acme"
    assert tenant["SendingStatus"] == "ENABLED"
    got_tenant = boto3_client.get_tenant(TenantName="acme")["Tenant"]
    assert got_tenant["TenantId"] == tenant["TenantId"]
    boto3_client.create_configuration_set(ConfigurationSetName="cs")
    cs_arn = f"arn:aws:ses:us-east-1:{ACCOUNT}:configuration-set/cs"
    boto3_client.create_tenant_resource_association(TenantName="acme", ResourceArn=cs_arn)
    resources = boto3_client.list_tenant_resources(TenantName="acme")["TenantResources"]
    assert resources == [{"ResourceType": "CONFIGURATION_SET", "ResourceArn": cs_arn}]
    owners = boto3_client.list_resource_tenants(ResourceArn=cs_arn)["ResourceTenants"]
    assert [(o["TenantName"], o["TenantId"]) for o in owners] == [("acme", tenant["TenantId"])]
    with pytest.raises(ClientError) as info:
        boto3_client.create_tenant_resource_association(TenantName="acme", ResourceArn=cs_arn)
    assert error_of(info)[0::2] == ("AlreadyExistsException", 400)
    boto3_client.delete_tenant(TenantName="acme")
    assert boto3_client.list_resource_tenants(ResourceArn=cs_arn)["ResourceTenants"] == []

    report = boto3_client.create_deliverability_test_report(
        ReportName="r1",
        FromEmailAddress="sender@example.com",
        Content={"Simple": {"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "b"}}}},
    )
    assert report["DeliverabilityTestStatus"] == "COMPLETED"
    got_report = boto3_client.get_deliverability_test_report(ReportId=report["ReportId"])
    assert got_report["DeliverabilityTestReport"]["ReportName"] == "r1"
    assert got_report["DeliverabilityTestReport"]["FromEmailAddress"] == "sender@example.com"

    endpoint = boto3_client.create_multi_region_endpoint(
        EndpointName="global", Details={"RoutesDetails": [{"Region": "us-west-2"}]}
    )
    assert endpoint["Status"] == "READY"
    assert (
        boto3_client.get_multi_region_endpoint(EndpointName="global")["EndpointId"]
        == endpoint["EndpointId"]
    )
    assert boto3_client.delete_multi_region_endpoint(EndpointName="global")["Status"] == "DELETING"

    boto3_client.update_reputation_entity_customer_managed_status(
        ReputationEntityType="RESOURCE", ReputationEntityReference=cs_arn, SendingStatus="DISABLED"
    )
    entity = boto3_client.get_reputation_entity(
        ReputationEntityType="RESOURCE", ReputationEntityReference=cs_arn
    )["ReputationEntity"]
    assert entity["CustomerManagedStatus"]["Status"] == "DISABLED"
    assert entity["ReputationEntityReference"] == cs_arn


def test_custom_verification_templates(boto3_client: Any) -> None:
    fields = {
        "FromEmailAddress": "noreply@example.com",
        "TemplateSubject": "Verify",
        "TemplateContent": "<p>Please verify</p>",
        "SuccessRedirectionURL": "https://example.com/ok",
        "FailureRedirectionURL": "https://example.com/fail",
    }
    boto3_client.create_custom_verification_email_template(TemplateName="cv", **fields)
    got = body(boto3_client.get_custom_verification_email_template(TemplateName="cv"))
    assert got == {"TemplateName": "cv", **fields}
    listed = boto3_client.list_custom_verification_email_templates()
    assert [t["TemplateName"] for t in listed["CustomVerificationEmailTemplates"]] == ["cv"]
    boto3_client.update_custom_verification_email_template(
        TemplateName="cv", **{**fields, "TemplateSubject": "Verify now"}
    )
    assert (
        boto3_client.get_custom_verification_email_template(TemplateName="cv")["TemplateSubject"]
        == "Verify now"
    )
    boto3_client.delete_custom_verification_email_template(TemplateName="cv")
    with pytest.raises(ClientError) as info:
        boto3_client.get_custom_verification_email_template(TemplateName="cv")
    assert error_of(info) == (
        "NotFoundException",
        "Custom verification email template <cv> does not exist.",
        404,
    )


def test_validation_errors(boto3_client: Any, server: LocalServer) -> None:
    # boto3 validates client-side, so go around it for malformed requests.
    import urllib.error
    import urllib.request

    from aws_ses.auth.credentials import Credentials
    from aws_ses.signing import SigV4Signer
    from aws_ses.transport.base import HttpRequest

    def raw(method: str, path: str, payload: bytes) -> tuple[int, str, dict[str, Any]]:
        request = HttpRequest(
            method, server.url + path, {"Content-Type": "application/json"}, payload
        )
        SigV4Signer().sign(request, Credentials("test", "test"), region="us-east-1")
        urlreq = urllib.request.Request(
            request.url, data=payload, method=method, headers=request.headers
        )
        try:
            with urllib.request.urlopen(urlreq, timeout=10) as response:
                return response.status, "", json.loads(response.read())
        except urllib.error.HTTPError as exc:
            return exc.code, exc.headers["X-Amzn-ErrorType"], json.loads(exc.read())

    status, code, reply = raw("POST", "/v2/email/templates", b"{}")
    assert (status, code) == (400, "BadRequestException")
    assert reply["message"] == (
        "2 validation errors detected: Value null at 'templateName' failed to satisfy "
        "constraint: Member must not be null; Value null at 'templateContent' failed to "
        "satisfy constraint: Member must not be null"
    )
    status, code, reply = raw("POST", "/v2/email/templates", b"[1]")
    assert (status, code) == (400, "BadRequestException")
    status, code, reply = raw(
        "POST", "/v2/email/templates", b'{"TemplateName": 5, "TemplateContent": {}}'
    )
    assert (status, code) == (400, "BadRequestException")
    assert "templateName" in reply["message"]
    status, code, reply = raw("GET", "/v2/email/no-such-thing", b"")
    assert (status, code) == (404, "UnknownOperationException")
    status, code, reply = raw("GET", "/v2/email/templates?PageSize=abc", b"")
    assert (status, code) == (400, "BadRequestException")


def test_request_id_on_every_response(boto3_client: Any) -> None:
    ok = boto3_client.get_account()["ResponseMetadata"]
    assert len(ok["RequestId"]) == 36
    assert ok["HTTPHeaders"]["x-amzn-requestid"] == ok["RequestId"]
    with pytest.raises(ClientError) as info:
        boto3_client.get_email_template(TemplateName="missing")
    meta: Any = info.value.response["ResponseMetadata"]
    assert len(meta["RequestId"]) == 36
    assert meta["HTTPHeaders"]["x-amzn-errortype"] == "NotFoundException"


# ----------------------------------------------- every operation, smoke test

ALL_OPERATIONS = sorted(operation(name).name for name in operation_names())


def test_every_operation_is_listed() -> None:
    assert len(ALL_OPERATIONS) == 117
    assert set(ALL_OPERATIONS) == set(SERVICE.operation_names)


def _snake(name: str) -> str:
    return botocore.xform_name(name)


@pytest.mark.parametrize("op_name", ALL_OPERATIONS)
def test_every_operation_answers(boto3_client: Any, op_name: str) -> None:
    # Resources most operations refer to, so that many calls succeed outright.
    boto3_client.create_email_identity(EmailIdentity="smoke.example.com")
    boto3_client.create_configuration_set(ConfigurationSetName="smoke")
    boto3_client.create_email_template(
        TemplateName="smoke", TemplateContent={"Subject": "s", "Text": "t"}
    )
    boto3_client.create_tenant(TenantName="smoke")
    params = minimal_input(op_name)
    method = getattr(boto3_client, _snake(op_name))
    try:
        result = method(**params)
    except ClientError as exc:
        response: Any = exc.response
        code = response["Error"]["Code"]
        status = response["ResponseMetadata"]["HTTPStatusCode"]
        assert status < 500, (op_name, code, response["Error"]["Message"])
        assert code in operation(_snake(op_name)).errors, (op_name, code)
    else:
        assert result["ResponseMetadata"]["HTTPStatusCode"] == 200


# ------------------------------------------------ the server as a whole


def test_state_survives_a_restart_with_a_data_dir(tmp_path: Path) -> None:
    with LocalServer(data_dir=tmp_path) as server:
        client = make_boto3_client(server)
        client.create_email_template(
            TemplateName="kept", TemplateContent={"Subject": "s", "Text": "t"}
        )
        client.put_account_sending_attributes(SendingEnabled=False)
    assert (tmp_path / "ses.sqlite3").is_file()
    with LocalServer(data_dir=tmp_path) as server:
        client = make_boto3_client(server)
        assert client.get_email_template(TemplateName="kept")["TemplateName"] == "kept"
        assert client.get_account()["SendingEnabled"] is False
        admin(server, "DELETE", "/_aws/ses/state")
        assert client.list_email_templates()["TemplatesMetadata"] == []
    with LocalServer(data_dir=tmp_path) as server:
        client = make_boto3_client(server)
        assert client.list_email_templates()["TemplatesMetadata"] == []


def test_concurrent_requests(boto3_client: Any) -> None:
    def create(i: int) -> None:
        boto3_client.create_email_template(
            TemplateName=f"c{i}", TemplateContent={"Subject": "s", "Text": "t"}
        )
        boto3_client.put_suppressed_destination(EmailAddress=f"c{i}@example.com", Reason="BOUNCE")

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(create, range(40)))
    names = boto3_client.list_email_templates(PageSize=100)["TemplatesMetadata"]
    assert sorted(t["TemplateName"] for t in names) == sorted(f"c{i}" for i in range(40))
    summaries = boto3_client.list_suppressed_destinations(PageSize=100)
    assert len(summaries["SuppressedDestinationSummaries"]) == 40


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_command_line_server(tmp_path: Path) -> None:
    port = _free_port()
    command = [
        sys.executable,
        "-m",
        "aws_ses.local",
        "--port",
        str(port),
        "--data-dir",
        str(tmp_path),
        "--region",
        "eu-west-1",
        "--sandbox",
    ]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        banner = [process.stdout.readline() for _ in range(3)]
        url = f"http://127.0.0.1:{port}"
        assert f"endpoint: {url}" in banner[0]
        assert f"{url}/_inbox" in banner[1]
        assert "'test'" in banner[2]
        deadline = time.monotonic() + 15
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, process.stderr and process.stderr.read()
                time.sleep(0.05)
        client = boto3.client(
            "sesv2",
            endpoint_url=url,
            region_name="eu-west-1",
            aws_access_key_id="test",
            aws_secret_access_key="test",
        )
        assert client.get_account()["ProductionAccessEnabled"] is False
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stdout is not None:
            process.stdout.close()
        if process.stderr is not None:
            process.stderr.close()
