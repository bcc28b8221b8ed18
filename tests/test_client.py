"""The clients against MockTransport: requests built, responses decoded, errors raised."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest

from aws_ses import AsyncSesClient, SesClient, SesConfig
from aws_ses._model import operation_names
from aws_ses.auth import Credentials
from aws_ses.errors import SesResponseError
from aws_ses.transport import (
    AsyncMockTransport,
    HttpRequest,
    HttpResponse,
    MockTransport,
    json_response,
)
from aws_ses.types import Destination, EmailContent

# Response fixtures from the specification (seed §5.2).
SEND_EMAIL = {"MessageId": "0102018c1234abcd-12345678-1234-1234-1234-123456789abc-000000"}
SEND_BULK = {
    "BulkEmailEntryResults": [
        {
            "Status": "SUCCESS",
            "MessageId": "0102018c1234abcd-11111111-0000-0000-0000-000000000001-000000",
        },
        {
            "Status": "SUCCESS",
            "MessageId": "0102018c1234abcd-22222222-0000-0000-0000-000000000002-000000",
        },
        {"Status": "FAILED", "Error": "MessageRejected", "MessageId": None},
    ]
}
GET_IDENTITY = {
    "IdentityType": "DOMAIN",
    "FeedbackForwardingStatus": True,
    "VerifiedForSendingStatus": True,
    "DkimAttributes": {
        "SigningEnabled": True,
        "Status": "SUCCESS",
        "Tokens": ["token1._domainkey", "token2._domainkey", "token3._domainkey"],
        "SigningAttributesOrigin": "AWS_SES",
    },
    "MailFromAttributes": {
        "MailFromDomain": "mail.example.com",
        "MailFromDomainStatus": "SUCCESS",
        "BehaviorOnMxFailure": "USE_DEFAULT_VALUE",
    },
    "Tags": [{"Key": "Environment", "Value": "Production"}],
}
GET_ACCOUNT = {
    "DedicatedIpAutoWarmupEnabled": True,
    "EnforcementStatus": "HEALTHY",
    "ProductionAccessEnabled": True,
    "SendQuota": {"Max24HourSend": 50000.0, "MaxSendRate": 14.0, "SentLast24Hours": 1234.0},
    "SendingEnabled": True,
    "SuppressionAttributes": {"SuppressedReasons": ["BOUNCE", "COMPLAINT"]},
}
LIST_TEMPLATES = {
    "TemplatesMetadata": [
        {"TemplateName": "welcome-email", "CreatedTimestamp": "2024-01-15T10:30:00.000Z"},
        {"TemplateName": "password-reset", "CreatedTimestamp": "2024-01-16T14:22:00.000Z"},
    ],
    "NextToken": None,
}
RENDERED = {
    "RenderedTemplate": "<!DOCTYPE html><html><body><h1>Hello John!</h1>"
    "<p>Welcome to our service.</p></body></html>"
}

CREDS = Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "SESSIONTOKEN")


def make_client(handler: Any, **options: Any) -> tuple[SesClient, MockTransport]:
    transport = MockTransport(handler)
    client = SesClient(region="us-east-1", credentials=CREDS, transport=transport, **options)
    return client, transport


def reply(data: Any) -> Any:
    return lambda request: json_response(data)


def body_of(request: HttpRequest) -> Any:
    return json.loads(request.body) if request.body else None


# ------------------------------------------------------------------ requests


def test_send_email_with_dicts_builds_a_signed_request() -> None:
    client, transport = make_client(reply(SEND_EMAIL))
    result = client.send_email(
        from_email_address="sender@example.com",
        destination={"to_addresses": ["to@example.com"], "cc_addresses": ["cc@example.com"]},
        content={"simple": {"subject": {"data": "Hi"}, "body": {"text": {"data": "Hello"}}}},
        email_tags=[{"name": "campaign", "value": "welcome"}],
        configuration_set_name="my-set",
    )
    assert result.message_id == SEND_EMAIL["MessageId"]
    (request,) = transport.requests
    assert request.method == "POST"
    assert request.url == "https://email.us-east-1.amazonaws.com/v2/email/outbound-emails"
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["Authorization"].startswith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/")
    assert "/us-east-1/ses/aws4_request" in request.headers["Authorization"]
    assert request.headers["X-Amz-Security-Token"] == "SESSIONTOKEN"
    assert request.headers["User-Agent"].startswith("aws-ses/")
    assert body_of(request) == {
        "FromEmailAddress": "sender@example.com",
        "Destination": {"ToAddresses": ["to@example.com"], "CcAddresses": ["cc@example.com"]},
        "Content": {"Simple": {"Subject": {"Data": "Hi"}, "Body": {"Text": {"Data": "Hello"}}}},
        "EmailTags": [{"Name": "campaign", "Value": "welcome"}],
        "ConfigurationSetName": "my-set",
    }


def test_typed_structs_and_wire_named_dicts_serialize_the_same() -> None:
    client, transport = make_client(reply(SEND_EMAIL))
    client.send_email(
        from_email_address="a@example.com",
        destination=Destination(to_addresses=["b@example.com"]),
        content=EmailContent(
            simple={"Subject": {"Data": "S"}, "Body": {"Html": {"Data": "<b>x</b>"}}}
        ),
    )
    client.send_email(
        from_email_address="a@example.com",
        destination={"ToAddresses": ["b@example.com"]},
        content={"Simple": {"Subject": {"Data": "S"}, "Body": {"Html": {"Data": "<b>x</b>"}}}},
    )
    first, second = transport.requests
    assert body_of(first) == body_of(second)


def test_idn_domain_is_sent_as_punycode() -> None:
    client, transport = make_client(reply(SEND_EMAIL))
    client.send_email(
        from_email_address="info@bücher.example",
        destination={"to_addresses": ["x@example.com"]},
        content={"simple": {"subject": {"data": "s"}, "body": {"text": {"data": "t"}}}},
    )
    assert body_of(transport.requests[0])["FromEmailAddress"] == "info@xn--bcher-kva.example"


def test_path_and_query_members() -> None:
    client, transport = make_client(reply({"SuppressedDestinationSummaries": []}))
    client.list_suppressed_destinations(
        reasons=["BOUNCE", "COMPLAINT"],
        start_date=datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC),
        page_size=10,
    )
    url = urlsplit(transport.requests[0].url)
    assert url.path == "/v2/email/suppression/addresses"
    assert sorted(parse_qsl(url.query)) == [
        ("PageSize", "10"),
        ("Reason", "BOUNCE"),
        ("Reason", "COMPLAINT"),
        ("StartDate", "2024-01-02T03:04:05Z"),
    ]
    assert transport.requests[0].body == b""

    client, transport = make_client(reply({}))
    client.delete_suppressed_destination(email_address="a+b/c@example.com")
    assert urlsplit(transport.requests[0].url).path == (
        "/v2/email/suppression/addresses/a%2Bb%2Fc%40example.com"
    )


def test_empty_body_operation_sends_empty_object() -> None:
    client, transport = make_client(reply({}))
    client.put_account_sending_attributes()
    assert transport.requests[0].body == b"{}"
    client.get_account()
    assert transport.requests[1].body == b""


# ------------------------------------------------------------------ every group


GROUP_CASES: list[tuple[str, str, dict[str, Any], Any, str, str]] = [
    # (accessor, method, kwargs, fixture, expected method, expected path)
    (
        "emails",
        "send",
        {"content": {"raw": {"data": b"From: a@b.c\r\n\r\nx"}}},
        SEND_EMAIL,
        "POST",
        "/v2/email/outbound-emails",
    ),
    (
        "emails",
        "send_bulk_email",
        {
            "default_content": {"template": {"template_name": "t"}},
            "bulk_email_entries": [{"destination": {"to_addresses": ["x@example.com"]}}],
            "from_email_address": "a@example.com",
        },
        SEND_BULK,
        "POST",
        "/v2/email/outbound-bulk-emails",
    ),
    ("templates", "list", {}, LIST_TEMPLATES, "GET", "/v2/email/templates"),
    (
        "templates",
        "test_render",
        {"template_name": "welcome", "template_data": "{}"},
        RENDERED,
        "POST",
        "/v2/email/templates/welcome/render",
    ),
    (
        "identities",
        "get",
        {"email_identity": "example.com"},
        GET_IDENTITY,
        "GET",
        "/v2/email/identities/example.com",
    ),
    (
        "configuration_sets",
        "get",
        {"configuration_set_name": "cs"},
        {"ConfigurationSetName": "cs"},
        "GET",
        "/v2/email/configuration-sets/cs",
    ),
    (
        "suppression",
        "get",
        {"email_address": "x@example.com"},
        {
            "SuppressedDestination": {
                "EmailAddress": "x@example.com",
                "Reason": "BOUNCE",
                "LastUpdateTime": 1700000000,
            }
        },
        "GET",
        "/v2/email/suppression/addresses/x%40example.com",
    ),
    (
        "dedicated_ips",
        "list_pools",
        {},
        {"DedicatedIpPools": ["p1"]},
        "GET",
        "/v2/email/dedicated-ip-pools",
    ),
    ("account", "get", {}, GET_ACCOUNT, "GET", "/v2/email/account"),
    (
        "contact_lists",
        "get",
        {"contact_list_name": "news"},
        {"ContactListName": "news"},
        "GET",
        "/v2/email/contact-lists/news",
    ),
    (
        "jobs",
        "get_export",
        {"job_id": "j1"},
        {"JobId": "j1", "JobStatus": "COMPLETED"},
        "GET",
        "/v2/email/export-jobs/j1",
    ),
    (
        "deliverability",
        "get_dashboard_options",
        {},
        {"DashboardEnabled": False},
        "GET",
        "/v2/email/deliverability-dashboard",
    ),
    (
        "custom_verification_templates",
        "get",
        {"template_name": "v"},
        {"TemplateName": "v"},
        "GET",
        "/v2/email/custom-verification-email-templates/v",
    ),
    (
        "multi_region_endpoints",
        "get",
        {"endpoint_name": "e"},
        {"EndpointName": "e"},
        "GET",
        "/v2/email/multi-region-endpoints/e",
    ),
    (
        "tenants",
        "get",
        {"tenant_name": "t"},
        {"Tenant": {"TenantName": "t"}},
        "POST",
        "/v2/email/tenants/get",
    ),
    (
        "reputation",
        "get_entity",
        {"reputation_entity_reference": "r", "reputation_entity_type": "RESOURCE"},
        {},
        "GET",
        "/v2/email/reputation/entities/RESOURCE/r",
    ),
    (
        "tags",
        "list",
        {"resource_arn": "arn:aws:ses:us-east-1:1:configuration-set/cs"},
        {"Tags": []},
        "GET",
        "/v2/email/tags",
    ),
]


@pytest.mark.parametrize(
    ("accessor", "method", "kwargs", "fixture", "http_method", "path"),
    GROUP_CASES,
    ids=[f"{c[0]}.{c[1]}" for c in GROUP_CASES],
)
def test_each_resource_group(
    accessor: str,
    method: str,
    kwargs: dict[str, Any],
    fixture: Any,
    http_method: str,
    path: str,
) -> None:
    client, transport = make_client(reply(fixture))
    result = getattr(getattr(client, accessor), method)(**kwargs)
    (request,) = transport.requests
    assert request.method == http_method
    assert urlsplit(request.url).path == path
    assert result is not None


def test_fixtures_decode_to_typed_values() -> None:
    client, _ = make_client(reply(GET_IDENTITY))
    identity = client.identities.get(email_identity="example.com")
    assert identity.identity_type == "DOMAIN"
    assert identity.dkim_attributes is not None
    assert identity.dkim_attributes.tokens == GET_IDENTITY["DkimAttributes"]["Tokens"]  # type: ignore[index]
    assert identity.mail_from_attributes.behavior_on_mx_failure == "USE_DEFAULT_VALUE"  # type: ignore[union-attr]
    assert identity.tags[0].key == "Environment"  # type: ignore[index]

    client, _ = make_client(reply(GET_ACCOUNT))
    account = client.account.get()
    assert account.send_quota.max_send_rate == 14.0  # type: ignore[union-attr]
    assert account.send_quota.sent_last24_hours == 1234.0  # type: ignore[union-attr]
    assert account.suppression_attributes.suppressed_reasons == ["BOUNCE", "COMPLAINT"]  # type: ignore[union-attr]

    client, _ = make_client(reply(LIST_TEMPLATES))
    page = client.templates.list()
    assert [t.template_name for t in page.templates_metadata] == ["welcome-email", "password-reset"]  # type: ignore[union-attr]
    assert page.templates_metadata[0].created_timestamp == datetime(2024, 1, 15, 10, 30, tzinfo=UTC)  # type: ignore[index]
    assert page.next_token is None

    client, _ = make_client(reply(SEND_BULK))
    bulk = client.emails.send_bulk_email(
        from_email_address="a@example.com",
        default_content={"template": {"template_name": "t"}},
        bulk_email_entries=[{"destination": {"to_addresses": ["x@example.com"]}}],
    )
    statuses = [(r.status, r.error, r.message_id) for r in bulk.bulk_email_entry_results]  # type: ignore[union-attr]
    assert statuses[2] == ("FAILED", "MessageRejected", None)

    client, _ = make_client(reply(RENDERED))
    assert (
        "Hello John!"
        in client.templates.test_render(template_name="w", template_data="{}").rendered_template
    )  # type: ignore[operator]


def test_epoch_timestamps_unknown_enums_and_fields_decode() -> None:
    payload = {
        "SuppressedDestination": {
            "EmailAddress": "x@example.com",
            "Reason": "SOME_FUTURE_REASON",
            "LastUpdateTime": 1700000000.5,
            "BrandNewField": {"nested": [1, 2]},
        },
        "AnotherNewTopLevelField": True,
    }
    client, _ = make_client(reply(payload))
    got = client.get_suppressed_destination(email_address="x@example.com")
    dest = got.suppressed_destination
    assert dest is not None
    assert dest.reason == "SOME_FUTURE_REASON"
    assert dest.last_update_time == datetime(2023, 11, 14, 22, 13, 20, 500000, tzinfo=UTC)


def test_blob_round_trip() -> None:
    client, transport = make_client(reply(SEND_EMAIL))
    raw = b"From: a@example.com\r\nSubject: x\r\n\r\n\xffbody"
    client.send_email(content={"raw": {"data": raw}})
    import base64

    assert base64.b64decode(body_of(transport.requests[0])["Content"]["Raw"]["Data"]) == raw


def test_all_operations_exist_on_both_clients_and_groups_cover_them() -> None:
    names = operation_names()
    assert len(names) == 117
    for name in names:
        assert callable(getattr(SesClient, name)), name
        assert callable(getattr(AsyncSesClient, name)), name
    from aws_ses._generated.sync_services import ServiceAccessors

    covered = set()
    client, _ = make_client(reply({}))
    for accessor in [n for n in vars(ServiceAccessors) if not n.startswith("_")]:
        service = getattr(client, accessor)
        for method_name in dir(service):
            if method_name.startswith("_"):
                continue
            method = getattr(service, method_name)
            source = method.__func__.__code__.co_consts
            covered.update(c for c in source if isinstance(c, str) and c in names)
    assert covered == set(names)


# ------------------------------------------------------------------ pagination


def _pages(request: HttpRequest) -> HttpResponse:
    token = dict(parse_qsl(urlsplit(request.url).query)).get("NextToken")
    if request.body:
        token = json.loads(request.body).get("NextToken")
    pages = {
        None: ({"IdentityName": "a.com"}, {"IdentityName": "b.com"}, "t1"),
        "t1": ({"IdentityName": "c.com"}, None, "t2"),
        "t2": (None, None, None),
    }
    first, second, nxt = pages[token]
    items = [i for i in (first, second) if i]
    return json_response({"EmailIdentities": items, "NextToken": nxt})


def test_sync_iterator_follows_next_token() -> None:
    client, transport = make_client(_pages)
    names = [i.identity_name for i in client.iter_email_identities(page_size=2)]
    assert names == ["a.com", "b.com", "c.com"]
    assert len(transport.requests) == 3
    assert [i.identity_name for i in client.identities.iter()] == names


async def test_async_iterator_follows_next_token() -> None:
    transport = AsyncMockTransport(_pages)
    async with AsyncSesClient(
        region="us-east-1", credentials=CREDS, async_transport=transport
    ) as client:
        names = [i.identity_name async for i in client.iter_email_identities()]
        assert names == ["a.com", "b.com", "c.com"]
        # A 200 reply without a MessageId is never a success.
        with pytest.raises(SesResponseError) as info:
            await client.send_email(content={"raw": {"data": b"x"}})
        assert info.value.maybe_sent is True
        assert info.value.retryable is False
    assert len(transport.requests) == 4  # an ambiguous send is not repeated


def test_repeated_token_stops_iteration() -> None:
    client, _ = make_client(
        reply({"TemplatesMetadata": [{"TemplateName": "x"}], "NextToken": "same"})
    )
    assert len(list(client.iter_email_templates())) == 2


# ------------------------------------------------------------------ validation


def _never(request: HttpRequest) -> HttpResponse:
    raise AssertionError("nothing may be sent for invalid input")


SIMPLE = {"simple": {"subject": {"data": "s"}, "body": {"text": {"data": "t"}}}}


@pytest.mark.parametrize(
    ("kwargs", "field", "fragment"),
    [
        ({"content": None}, "content", "required"),
        (
            {"content": {"simple": {"body": {"text": {"data": "t"}}}}},
            "content.simple.subject",
            "required",
        ),
        ({"content": SIMPLE, "from_email_address": "not-an-address"}, "from_email_address", ""),
        (
            {"content": SIMPLE, "from_email_address": "ünïcode@example.com"},
            "from_email_address",
            "",
        ),
        (
            {
                "content": SIMPLE,
                "destination": {"to_addresses": [f"r{i}@example.com" for i in range(51)]},
            },
            "destination",
            "50",
        ),
        (
            {"content": SIMPLE, "destination": {"to_addresses": "a@example.com"}},
            "destination.to_addresses",
            "list",
        ),
        (
            {
                "content": {
                    "simple": {
                        "subject": {"data": "a\r\nBcc: x@evil.com"},
                        "body": {"text": {"data": "t"}},
                    }
                }
            },
            "content.simple.subject.data",
            "CR or LF",
        ),
        (
            {
                "content": {
                    "simple": {
                        "subject": {"data": "s"},
                        "body": {"text": {"data": "t"}},
                        "headers": [{"name": "X-A", "value": "v\nX-B: y"}],
                    }
                }
            },
            "content.simple.headers[0].value",
            "CR or LF",
        ),
        (
            {
                "content": {
                    "simple": {
                        "subject": {"data": "s"},
                        "body": {"text": {"data": "t"}},
                        "headers": [{"name": f"X-H{i}", "value": "v"} for i in range(16)],
                    }
                }
            },
            "content.simple.headers",
            "15",
        ),
        (
            {"content": SIMPLE, "email_tags": [{"name": "bad tag!", "value": "v"}]},
            "email_tags[0].name",
            "ASCII",
        ),
        (
            {"content": SIMPLE, "destination": {"to": ["a@example.com"]}},
            "destination.to",
            "unknown member",
        ),
        ({"content": SIMPLE, "configuration_set_name": 42}, "configuration_set_name", "string"),
    ],
)
def test_bad_input_is_rejected_before_sending(
    kwargs: dict[str, Any], field: str, fragment: str
) -> None:
    from aws_ses.errors import SesValidationError

    client, transport = make_client(_never)
    with pytest.raises(SesValidationError) as info:
        client.send_email(**kwargs)
    assert info.value.field == field
    assert fragment in info.value.problem
    assert transport.requests == []


def test_enum_and_length_constraints() -> None:
    from aws_ses.errors import SesValidationError

    client, transport = make_client(_never)
    with pytest.raises(SesValidationError) as info:
        client.put_suppressed_destination(email_address="a@example.com", reason="SPAM")
    assert info.value.field == "reason"
    assert "BOUNCE" in info.value.problem
    with pytest.raises(SesValidationError) as info:
        client.create_configuration_set(
            configuration_set_name="cs", delivery_options={"max_delivery_seconds": 5}
        )
    assert info.value.field == "delivery_options.max_delivery_seconds"
    assert transport.requests == []


# ------------------------------------------------------------------ config & hygiene


def test_config_rejects_bad_values() -> None:
    from aws_ses.errors import SesValidationError

    for kwargs, field in [
        ({"region": "US East 1"}, "region"),
        ({"region": "us-east-1", "endpoint_url": "localhost:4566"}, "endpoint_url"),
        ({"region": "us-east-1", "timeout": -1}, "timeout"),
        ({"region": "us-east-1", "connect_timeout": 0}, "connect_timeout"),
        ({"region": "us-east-1", "max_pool_connections": 0}, "max_pool_connections"),
        ({"region": "us-east-1", "user_agent_extra": "a\r\nb"}, "user_agent_extra"),
    ]:
        with pytest.raises(SesValidationError) as info:
            SesConfig(**kwargs)
        assert info.value.field == field


def test_config_from_env() -> None:
    env = {
        "AWS_REGION": "eu-west-1",
        "AWS_ENDPOINT_URL_SESV2": "http://127.0.0.1:4579",
        "AWS_USE_FIPS_ENDPOINT": "false",
        "AWS_CONFIG_FILE": "/nonexistent",
        "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent",
    }
    config = SesConfig.from_env(env)
    assert config.region == "eu-west-1"
    assert config.endpoint_url == "http://127.0.0.1:4579"
    assert (
        SesConfig.from_env({**env, "AWS_DEFAULT_REGION": "x"}, region="ap-south-1").region
        == "ap-south-1"
    )


def test_endpoints_fips_dualstack_custom() -> None:
    def url(**kw: Any) -> str:
        return SesClient(credentials=CREDS, transport=MockTransport(_never), **kw).endpoint_url

    assert url(region="eu-west-1") == "https://email.eu-west-1.amazonaws.com"
    assert url(region="us-east-1", use_fips=True) == "https://email-fips.us-east-1.amazonaws.com"
    assert url(region="us-east-1", use_dual_stack=True) == "https://email.us-east-1.api.aws"
    assert url(region="us-east-1", endpoint_url="http://127.0.0.1:4579") == "http://127.0.0.1:4579"


def test_no_region_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    from aws_ses.errors import SesValidationError

    for var in ("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    with pytest.raises(SesValidationError, match="region"):
        SesClient(credentials=CREDS, transport=MockTransport(_never))


def test_secrets_never_shown() -> None:
    client, transport = make_client(reply(SEND_EMAIL))
    client.get_account()
    secret = CREDS.secret_access_key
    for text in (
        repr(client),
        str(client.config),
        repr(CREDS),
        str(CREDS),
        repr(transport.requests),
    ):
        assert secret not in text
        assert "SESSIONTOKEN" not in text or text == repr(transport.requests)


def test_import_is_lean() -> None:
    code = (
        "import sys, aws_ses\n"
        "heavy = ('botocore', 'aiohttp', 'starlette', 'typer', 'redis', 'msgspec')\n"
        "bad = [m for m in heavy if m in sys.modules]\n"
        "assert not bad, bad\n"
        "from aws_ses import SesClient, Credentials\n"
        "from aws_ses.transport import MockTransport\n"
        "creds = Credentials('a', 'b')\n"
        "SesClient(region='us-east-1', credentials=creds, transport=MockTransport(print))\n"
        "assert 'aiohttp' not in sys.modules and 'botocore' not in sys.modules\n"
        "from aws_ses import AsyncSesClient\n"
        "AsyncSesClient(region='us-east-1', credentials=Credentials('a', 'b'))\n"
        "assert 'aiohttp' not in sys.modules  # the default transport is our own\n"
        "assert 'botocore' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_field_of_the_wrong_type_is_dropped_not_fatal(caplog: pytest.LogCaptureFixture) -> None:
    payload = {
        "ConfigurationSetName": "cs",
        "SendingOptions": {"SendingEnabled": {"unexpected": "object"}},
        "Tags": [{"Key": "a", "Value": "b"}],
    }
    client, _ = make_client(reply(payload))
    with caplog.at_level("WARNING", logger="aws_ses"):
        got = client.get_configuration_set(configuration_set_name="cs")
    assert got.configuration_set_name == "cs"
    assert got.sending_options is not None and got.sending_options.sending_enabled is None
    assert got.tags is not None and got.tags[0].key == "a"
    assert "SendingEnabled" in caplog.text


def test_undecodable_body_is_a_clear_error() -> None:
    client, transport = make_client(lambda r: HttpResponse(200, {}, b"not json"))
    with pytest.raises(SesResponseError) as info:
        client.get_account()
    assert info.value.code == "InvalidResponse"
    assert "not valid JSON" in info.value.message
    assert len(transport.requests) == 3  # not a send: retried, then reported


def test_endpoint_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL_SESV2", "http://127.0.0.1:4579")
    client = SesClient(region="us-east-1", credentials=CREDS, transport=MockTransport(_never))
    assert client.endpoint_url == "http://127.0.0.1:4579"
    monkeypatch.setenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true")
    client = SesClient(region="us-east-1", credentials=CREDS, transport=MockTransport(_never))
    assert client.endpoint_url == "https://email.us-east-1.amazonaws.com"
    explicit = SesClient(
        region="us-east-1",
        endpoint_url="http://other:1",
        credentials=CREDS,
        transport=MockTransport(_never),
    )
    assert explicit.endpoint_url == "http://other:1"


def test_multi_region_endpoint_is_signed_with_sigv4a() -> None:
    pytest.importorskip("cryptography")
    client, transport = make_client(reply(SEND_EMAIL))
    client.send_email(
        endpoint_id="abcd1234.efgh",
        content={"raw": {"data": b"From: a@example.com\r\n\r\nx"}},
    )
    request = transport.requests[0]
    assert request.url.startswith("https://abcd1234.efgh.endpoints.email.amazonaws.com/")
    assert request.headers["Authorization"].startswith("AWS4-ECDSA-P256-SHA256 ")
    assert request.headers["X-Amz-Region-Set"] == "*"


def test_a_transport_given_to_the_wrong_client_is_refused() -> None:
    # Unused, it would leave the calls to go out over the network instead.
    from aws_ses import AsyncSesClient, MockTransport, SesClient

    mock = MockTransport(lambda request: None)  # type: ignore[arg-type,return-value]
    with pytest.raises(
        TypeError, match=r"AsyncSesClient sends through async_transport=, not transport="
    ):
        AsyncSesClient(region="us-east-1", transport=mock)
    with pytest.raises(
        TypeError, match=r"SesClient sends through transport=, not async_transport="
    ):
        SesClient(region="us-east-1", async_transport=mock)  # type: ignore[arg-type]
