"""Sending on the local SES v2 server: rules, quota, simulator, events, bulk.

Most tests call the registered handlers directly on the state of a fresh
``create_app()`` with a frozen clock (fast and deterministic) and read results
back through the app's read-back routes in-process; the tests at the end drive
the real server (uvicorn) with boto3.
"""

from __future__ import annotations

import base64
import json
import urllib.request
from collections.abc import Iterator
from email import message_from_bytes, policy
from typing import Any
from urllib.parse import urlencode

import pytest
from botocore.exceptions import ClientError
from starlette.applications import Starlette

from aws_ses.local import LocalServer, create_app, quota
from aws_ses.local.state import ApiError, ServerState
from aws_ses.transport.asgi import SyncASGITransport
from aws_ses.transport.base import HttpRequest, Timeout

from .conftest import admin

START = 1_700_000_000.0  # 2023-11-14T22:13:20Z
EICAR = r"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: float = START) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def verify(state: ServerState, identity: str) -> None:
    kind = "EMAIL_ADDRESS" if "@" in identity else "DOMAIN"
    state.store.put("identity", identity, {"IdentityType": kind, "VerifiedForSendingStatus": True})


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def app(clock: Clock) -> Starlette:
    application = create_app(max_send_rate=1000, auth=False)
    state: ServerState = application.state.ses
    state.clock = clock
    verify(state, "example.com")
    return application


@pytest.fixture
def state(app: Starlette) -> ServerState:
    st: ServerState = app.state.ses
    return st


class Reply:
    def __init__(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.status_code, self.headers, self.content = status, headers, body

    def json(self) -> Any:
        return json.loads(self.content)


class TestClient:
    """Just enough of an HTTP client over the library's in-process ASGI transport."""

    __test__ = False

    def __init__(self, app: Starlette) -> None:
        self._transport = SyncASGITransport(app)

    def request(
        self, method: str, path: str, params: dict[str, str] | None = None, json_body: Any = None
    ) -> Reply:
        url = "http://local" + path + ("?" + urlencode(params) if params else "")
        body = json.dumps(json_body).encode() if json_body is not None else b""
        headers = {"Content-Type": "application/json"} if body else {}
        response = self._transport.send(HttpRequest(method, url, headers, body), timeout=Timeout())
        return Reply(response.status, response.headers, response.body)

    def get(self, path: str, params: dict[str, str] | None = None) -> Reply:
        return self.request("GET", path, params)

    def post(self, path: str, json: Any) -> Reply:
        return self.request("POST", path, json_body=json)

    def delete(self, path: str) -> Reply:
        return self.request("DELETE", path)

    def close(self) -> None:
        self._transport.close()


@pytest.fixture
def http(app: Starlette) -> Iterator[TestClient]:
    client = TestClient(app)
    yield client
    client.close()


def call(state: ServerState, operation: str, **params: Any) -> dict[str, Any]:
    return state.handlers[operation](state, params)


def rejected(state: ServerState, operation: str, **params: Any) -> ApiError:
    with pytest.raises(ApiError) as info:
        call(state, operation, **params)
    return info.value


def simple(
    subject: str = "Hello", text: str | None = "Hi there", html: str | None = None, **extra: Any
) -> dict[str, Any]:
    body: dict[str, Any] = {}
    if text is not None:
        body["Text"] = {"Data": text}
    if html is not None:
        body["Html"] = {"Data": html}
    return {"Simple": {"Subject": {"Data": subject}, "Body": body, **extra}}


def send(state: ServerState, *to: str, sender: str = "me@example.com", **params: Any) -> str:
    params.setdefault("Content", simple())
    result = call(
        state,
        "SendEmail",
        FromEmailAddress=sender,
        Destination={"ToAddresses": list(to)},
        **params,
    )
    return str(result["MessageId"])


def message(http: TestClient, message_id: str) -> dict[str, Any]:
    found = http.get("/_aws/ses", params={"id": message_id}).json()["messages"]
    assert len(found) == 1
    return dict(found[0])


def event_types(http: TestClient, message_id: str, destination: str | None = None) -> list[str]:
    params = {"message_id": message_id}
    if destination:
        params["destination"] = destination
    return [e["Type"] for e in http.get("/_aws/ses/events", params=params).json()["events"]]


# ------------------------------------------------------------------- content


def test_simple_send_is_stored_as_delivered(state: ServerState, http: TestClient) -> None:
    attachment = {
        "FileName": "report.csv",
        "RawContent": base64.b64encode(b"a,b\n1,2\n").decode(),
        "ContentType": "text/csv",
    }
    message_id = call(
        state,
        "SendEmail",
        FromEmailAddress="Sender <me@example.com>",
        Destination={
            "ToAddresses": ["to@example.org"],
            "CcAddresses": ["cc@example.org"],
            "BccAddresses": ["bcc@example.org"],
        },
        ReplyToAddresses=["reply@example.com"],
        Content=simple(
            "Quarterly report",
            "See attached.",
            "<p>See attached.</p>",
            Attachments=[attachment],
            Headers=[{"Name": "X-Trace", "Value": "42"}],
        ),
        EmailTags=[{"Name": "campaign", "Value": "q3"}],
    )["MessageId"]
    assert message_id.startswith("01") and message_id.endswith("-000000")

    doc = message(http, message_id)
    assert doc["Id"] == message_id
    assert doc["Source"] == "Sender <me@example.com>"
    assert doc["Destination"] == {
        "ToAddresses": ["to@example.org"],
        "CcAddresses": ["cc@example.org"],
        "BccAddresses": ["bcc@example.org"],
    }
    assert doc["Subject"] == "Quarterly report"
    assert doc["Body"] == {"text_part": "See attached.", "html_part": "<p>See attached.</p>"}
    assert doc["Attachments"] == [
        {
            "filename": "report.csv",
            "content_type": "text/csv",
            "size": 8,
            "content_id": None,
            "disposition": "attachment",
        }
    ]
    assert doc["Tags"] == [{"Name": "campaign", "Value": "q3"}]
    assert doc["Timestamp"] == "2023-11-14T22:13:20.000Z"
    assert doc["Status"] == "DELIVERED"
    assert doc["Region"] == "us-east-1"
    assert doc["ConfigurationSetName"] is None
    assert doc["Template"] is None
    assert "_raw" not in doc

    # RawData is the message as SES would deliver it: no Bcc header, SES's Message-ID.
    raw = message_from_bytes(doc["RawData"].encode(), policy=policy.default)
    assert raw["From"] == "Sender <me@example.com>"
    assert raw["To"] == "to@example.org"
    assert raw["Cc"] == "cc@example.org"
    assert raw["Reply-To"] == "reply@example.com"
    assert raw["Bcc"] is None
    assert raw["Subject"] == "Quarterly report"
    assert raw["X-Trace"] == "42"
    assert raw["Message-ID"] == f"<{message_id}@email.amazonses.com>"
    assert raw["Date"] == "Tue, 14 Nov 2023 22:13:20 +0000"
    assert raw.get_content_type() == "multipart/mixed"


def test_raw_send_takes_sender_recipients_and_config_set_from_headers(
    state: ServerState, http: TestClient
) -> None:
    state.store.put("configuration_set", "raw-set", {"EventDestinations": []})
    raw = (
        b"From: Raw Sender <raw@example.com>\r\n"
        b"To: one@example.org, Two <two@example.org>\r\n"
        b"Subject: Raw subject\r\n"
        b"X-SES-CONFIGURATION-SET: raw-set\r\n"
        b"X-SES-MESSAGE-TAGS: team=mail, env=test\r\n"
        b"MIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="b1"\r\n\r\n'
        b"--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nRaw body\r\n"
        b"--b1\r\nContent-Type: application/octet-stream\r\n"
        b'Content-Disposition: attachment; filename="blob.bin"\r\n'
        b"Content-Transfer-Encoding: base64\r\n\r\nAAEC/w==\r\n--b1--\r\n"
    )
    result = call(state, "SendEmail", Content={"Raw": {"Data": base64.b64encode(raw).decode()}})
    doc = message(http, result["MessageId"])
    assert doc["Source"] == "Raw Sender <raw@example.com>"
    assert doc["Destination"]["ToAddresses"] == ["one@example.org", "two@example.org"]
    assert doc["Subject"] == "Raw subject"
    assert doc["Body"] == {"text_part": "Raw body", "html_part": None}
    assert doc["RawData"] == raw.decode()
    assert doc["ConfigurationSetName"] == "raw-set"
    assert doc["Tags"] == [{"Name": "team", "Value": "mail"}, {"Name": "env", "Value": "test"}]
    assert doc["Attachments"] == [
        {
            "filename": "blob.bin",
            "content_type": "application/octet-stream",
            "size": 4,
            "content_id": None,
            "disposition": "attachment",
        }
    ]


def test_raw_send_without_from_is_a_bad_request(state: ServerState) -> None:
    raw = base64.b64encode(b"To: a@example.org\r\nSubject: x\r\n\r\nbody\r\n").decode()
    error = rejected(state, "SendEmail", Content={"Raw": {"Data": raw}})
    assert (error.code, error.message) == ("BadRequestException", "Missing required header 'From'.")


def test_templated_send_renders_the_template(state: ServerState, http: TestClient) -> None:
    state.store.put(
        "template",
        "welcome",
        {
            "TemplateName": "welcome",
            "TemplateContent": {
                "Subject": "Welcome, {{name}}!",
                "Html": "<h1>Hi {{name}}</h1>{{#if vip}}<p>VIP</p>{{/if}}",
                "Text": "Hi {{name}}",
            },
        },
    )
    data = json.dumps({"name": "Ada <3", "vip": True})
    result = call(
        state,
        "SendEmail",
        FromEmailAddress="me@example.com",
        Destination={"ToAddresses": ["ada@example.org"]},
        Content={"Template": {"TemplateName": "welcome", "TemplateData": data}},
    )
    doc = message(http, result["MessageId"])
    assert doc["Subject"] == "Welcome, Ada <3!"
    assert doc["Body"] == {"text_part": "Hi Ada <3", "html_part": "<h1>Hi Ada &lt;3</h1><p>VIP</p>"}
    assert doc["Template"] == "welcome"
    assert doc["TemplateData"] == data
    assert doc["Status"] == "DELIVERED"


def test_inline_template_content_needs_no_stored_template(
    state: ServerState, http: TestClient
) -> None:
    result = call(
        state,
        "SendEmail",
        FromEmailAddress="me@example.com",
        Destination={"ToAddresses": ["a@example.org"]},
        Content={
            "Template": {
                "TemplateContent": {"Subject": "S {{x}}", "Text": "T {{x}}"},
                "TemplateData": '{"x": 1}',
            }
        },
    )
    doc = message(http, result["MessageId"])
    assert (doc["Subject"], doc["Body"]["text_part"], doc["Template"]) == ("S 1", "T 1", None)


@pytest.mark.parametrize(
    "content",
    [{}, {"Simple": {"Subject": {"Data": "s"}, "Body": {}}, "Raw": {"Data": "eA=="}}],
)
def test_content_must_be_exactly_one_kind(state: ServerState, content: dict[str, Any]) -> None:
    error = rejected(
        state,
        "SendEmail",
        FromEmailAddress="me@example.com",
        Destination={"ToAddresses": ["a@example.org"]},
        Content=content,
    )
    assert error.code == "BadRequestException"


# -------------------------------------------------------------- identities


def test_unverified_sender_is_rejected(state: ServerState) -> None:
    error = rejected(
        state,
        "SendEmail",
        FromEmailAddress="Eve <eve@elsewhere.net>",
        Destination={"ToAddresses": ["a@example.org"]},
        Content=simple(),
    )
    assert (error.code, error.status) == ("MessageRejected", 400)
    assert error.message == (
        "Email address is not verified. The following identities failed the check in region "
        "US-EAST-1: eve@elsewhere.net"
    )


def test_an_identity_that_is_not_verified_yet_does_not_count(state: ServerState) -> None:
    state.store.put(
        "identity",
        "pending@other.net",
        {"IdentityType": "EMAIL_ADDRESS", "VerifiedForSendingStatus": False},
    )
    assert (
        rejected(
            state,
            "SendEmail",
            FromEmailAddress="pending@other.net",
            Destination={"ToAddresses": ["a@example.org"]},
            Content=simple(),
        ).code
        == "MessageRejected"
    )


def test_verified_address_and_domain_and_subdomain_may_send(state: ServerState) -> None:
    verify(state, "solo@other.net")
    send(state, "a@example.org", sender="solo@other.net")
    send(state, "a@example.org", sender="anyone@example.com")
    send(state, "a@example.org", sender="news@mail.example.com")
    assert (
        rejected(
            state,
            "SendEmail",
            FromEmailAddress="other@other.net",
            Destination={"ToAddresses": ["a@example.org"]},
            Content=simple(),
        ).code
        == "MessageRejected"
    )


def test_sandbox_rejects_unverified_recipients_but_not_the_simulator(
    state: ServerState,
) -> None:
    state.options.sandbox = True
    verify(state, "friend@verified.org")
    send(
        state,
        "friend@verified.org",
        "success@simulator.amazonses.com",
        "bounce+x@simulator.amazonses.com",
        "colleague@example.com",
    )
    error = rejected(
        state,
        "SendEmail",
        FromEmailAddress="me@example.com",
        Destination={
            "ToAddresses": ["friend@verified.org", "stranger@nowhere.org"],
            "BccAddresses": ["Other <other@nowhere.org>"],
        },
        Content=simple(),
    )
    assert error.code == "MessageRejected"
    assert error.message.endswith("region US-EAST-1: stranger@nowhere.org, other@nowhere.org")


def test_sandbox_rejection_lists_the_sender_first(state: ServerState) -> None:
    state.options.sandbox = True
    error = rejected(
        state,
        "SendEmail",
        FromEmailAddress="eve@evil.net",
        Destination={"ToAddresses": ["x@nowhere.org"]},
        Content=simple(),
    )
    assert error.message.endswith(": eve@evil.net, x@nowhere.org")


def test_production_access_on_the_account_lifts_the_sandbox(state: ServerState) -> None:
    state.options.sandbox = True
    state.store.put("account", "account", {"ProductionAccessEnabled": True})
    send(state, "stranger@nowhere.org")


# --------------------------------------------------------------- validation


def test_more_than_fifty_recipients_is_a_bad_request(state: ServerState) -> None:
    to = [f"to{i}@example.org" for i in range(30)]
    cc = [f"cc{i}@example.org" for i in range(20)]
    call(
        state,
        "SendEmail",
        FromEmailAddress="me@example.com",
        Destination={"ToAddresses": to, "CcAddresses": cc},
        Content=simple(),
    )
    error = rejected(
        state,
        "SendEmail",
        FromEmailAddress="me@example.com",
        Destination={
            "ToAddresses": to,
            "CcAddresses": cc,
            "BccAddresses": ["one-more@example.org"],
        },
        Content=simple(),
    )
    assert (error.code, error.message, error.status) == (
        "BadRequestException",
        "Recipient count exceeds 50.",
        400,
    )


def test_no_recipient_or_a_malformed_one_is_a_bad_request(state: ServerState) -> None:
    assert (
        rejected(
            state, "SendEmail", FromEmailAddress="me@example.com", Destination={}, Content=simple()
        ).code
        == "BadRequestException"
    )
    error = rejected(
        state,
        "SendEmail",
        FromEmailAddress="me@example.com",
        Destination={"ToAddresses": ["not-an-address"]},
        Content=simple(),
    )
    assert (error.code, error.message) == ("BadRequestException", "Missing final '@domain'")


def test_sending_paused_for_the_account_or_the_configuration_set(state: ServerState) -> None:
    state.store.put("account", "account", {"SendingEnabled": False})
    error = rejected(
        state,
        "SendEmail",
        FromEmailAddress="me@example.com",
        Destination={"ToAddresses": ["a@example.org"]},
        Content=simple(),
    )
    assert (error.code, error.status) == ("SendingPausedException", 400)

    state.store.put("account", "account", {"SendingEnabled": True})
    state.store.put("configuration_set", "paused", {"SendingOptions": {"SendingEnabled": False}})
    error = rejected(
        state,
        "SendEmail",
        FromEmailAddress="me@example.com",
        Destination={"ToAddresses": ["a@example.org"]},
        Content=simple(),
        ConfigurationSetName="paused",
    )
    assert error.code == "SendingPausedException"


def test_missing_configuration_set_or_template_is_not_found(state: ServerState) -> None:
    error = rejected(
        state,
        "SendEmail",
        FromEmailAddress="me@example.com",
        Destination={"ToAddresses": ["a@example.org"]},
        Content=simple(),
        ConfigurationSetName="nope",
    )
    assert (error.code, error.status) == ("NotFoundException", 404)
    assert error.message == "Configuration set <nope> does not exist."

    error = rejected(
        state,
        "SendEmail",
        FromEmailAddress="me@example.com",
        Destination={"ToAddresses": ["a@example.org"]},
        Content={"Template": {"TemplateName": "ghost", "TemplateData": "{}"}},
    )
    assert (error.code, error.message) == ("NotFoundException", "Template ghost does not exist.")


def test_the_identity_default_configuration_set_applies(
    state: ServerState, http: TestClient
) -> None:
    state.store.put(
        "configuration_set", "default-set", {"EventDestinations": [_destination("d", "SEND")]}
    )
    state.store.put(
        "identity",
        "example.com",
        {
            "IdentityType": "DOMAIN",
            "VerifiedForSendingStatus": True,
            "ConfigurationSetName": "default-set",
        },
    )
    message_id = send(state, "a@example.org")
    assert message(http, message_id)["ConfigurationSetName"] == "default-set"
    assert event_types(http, message_id, "d") == ["SEND"]

    state.store.delete("configuration_set", "default-set")
    error = rejected(
        state,
        "SendEmail",
        FromEmailAddress="me@example.com",
        Destination={"ToAddresses": ["a@example.org"]},
        Content=simple(),
    )
    assert (error.code, error.message) == (
        "BadRequestException",
        "Configuration set <default-set> does not exist.",
    )


# --------------------------------------------------------------------- quota


def test_a_burst_above_the_rate_gets_429_for_exactly_the_excess(
    state: ServerState, clock: Clock
) -> None:
    state.store.put("account", "account", {"SendQuota": {"MaxSendRate": 14.0}})
    outcomes: list[tuple[str, int, str] | str] = []
    for i in range(20):
        try:
            send(state, f"user{i}@example.org")
            outcomes.append("ok")
        except ApiError as exc:
            outcomes.append((exc.code, exc.status, exc.message))
    throttled = ("TooManyRequestsException", 429, "Maximum sending rate exceeded.")
    assert outcomes == ["ok"] * 14 + [throttled] * 6
    assert quota.sent_last_24_hours(state) == 14

    clock.advance(0.5)  # half a second refills 7 recipients
    results = []
    for _ in range(8):
        try:
            send(state, "again@example.org")
            results.append(True)
        except ApiError:
            results.append(False)
    assert results == [True] * 7 + [False]


def test_a_multi_recipient_send_may_overdraw_the_rate_and_then_waits(
    state: ServerState, clock: Clock
) -> None:
    state.store.put("account", "account", {"SendQuota": {"MaxSendRate": 14.0}})
    send(state, *[f"u{i}@example.org" for i in range(50)])  # 36 recipients into debt
    clock.advance(2.6)  # 36.4 refilled: 0.4 available
    assert (
        rejected(
            state,
            "SendEmail",
            FromEmailAddress="me@example.com",
            Destination={"ToAddresses": ["x@example.org"]},
            Content=simple(),
        ).code
        == "TooManyRequestsException"
    )
    clock.advance(0.1)
    send(state, "x@example.org")


def test_daily_quota_counts_recipients_over_a_rolling_day(state: ServerState, clock: Clock) -> None:
    state.store.put("account", "account", {"SendQuota": {"Max24HourSend": 3.0}})
    send(state, "a@example.org", "b@example.org")
    send(state, "success@simulator.amazonses.com")  # the simulator does not count
    assert quota.sent_last_24_hours(state) == 2
    clock.advance(3600)
    send(state, "c@example.org")
    assert quota.sent_last_24_hours(state) == 3
    error = rejected(
        state,
        "SendEmail",
        FromEmailAddress="me@example.com",
        Destination={"ToAddresses": ["d@example.org"]},
        Content=simple(),
    )
    assert (error.code, error.status, error.message) == (
        "TooManyRequestsException",
        429,
        "Daily message quota exceeded.",
    )
    assert quota.sent_last_24_hours(state) == 3

    clock.advance(86_400 - 3600 + 1)  # the first send leaves the window
    assert quota.sent_last_24_hours(state) == 1
    send(state, "d@example.org")


def test_a_refused_send_counts_nothing(state: ServerState) -> None:
    rejected(
        state,
        "SendEmail",
        FromEmailAddress="eve@evil.net",
        Destination={"ToAddresses": ["a@example.org"]},
        Content=simple(),
    )
    rejected(
        state,
        "SendEmail",
        FromEmailAddress="me@example.com",
        Destination={"ToAddresses": ["a@example.org"]},
        Content=simple(),
        ConfigurationSetName="missing",
    )
    assert quota.sent_last_24_hours(state) == 0


# ------------------------------------------------------- suppression, simulator


def _destination(name: str, *types: str, enabled: bool = True) -> dict[str, Any]:
    return {
        "Name": name,
        "Enabled": enabled,
        "MatchingEventTypes": list(types),
        "SnsDestination": {"TopicArn": f"arn:aws:sns:us-east-1:123456789012:{name}"},
    }


def test_suppressed_recipient_is_accepted_but_bounces(state: ServerState, http: TestClient) -> None:
    state.store.put(
        "suppressed",
        "gone@example.org",
        {
            "EmailAddress": "gone@example.org",
            "Reason": "BOUNCE",
            "LastUpdateTime": "2023-01-01T00:00:00Z",
        },
    )
    message_id = send(state, "Gone@Example.org", "here@example.org")
    doc = message(http, message_id)
    assert doc["Status"] == "DELIVERED"
    assert doc["Recipients"] == [
        {"EmailAddress": "Gone@Example.org", "Status": "SUPPRESSED"},
        {"EmailAddress": "here@example.org", "Status": "DELIVERED"},
    ]
    found = http.get("/_aws/ses/events", params={"message_id": message_id}).json()["events"]
    assert [(e["Type"], e["Recipients"]) for e in found] == [
        ("SEND", ["Gone@Example.org", "here@example.org"]),
        ("DELIVERY", ["here@example.org"]),
        ("BOUNCE", ["Gone@Example.org"]),
    ]
    bounce = found[2]["Event"]["bounce"]
    assert (bounce["bounceType"], bounce["bounceSubType"]) == (
        "Permanent",
        "OnAccountSuppressionList",
    )
    assert bounce["bouncedRecipients"][0]["emailAddress"] == "Gone@Example.org"
    # Suppressed recipients still count toward the daily quota.
    assert quota.sent_last_24_hours(state) == 2


def test_only_suppressed_recipients_means_nothing_delivered(
    state: ServerState, http: TestClient
) -> None:
    state.store.put(
        "suppressed",
        "gone@example.org",
        {"EmailAddress": "gone@example.org", "Reason": "COMPLAINT"},
    )
    message_id = send(state, "gone@example.org")
    assert message(http, message_id)["Status"] == "SUPPRESSED"
    assert event_types(http, message_id) == ["SEND", "BOUNCE"]


SIMULATOR_CASES = [
    ("success", ["SEND", "DELIVERY"], "DELIVERED"),
    ("bounce", ["SEND", "BOUNCE"], "BOUNCED"),
    ("ooto", ["SEND", "DELIVERY"], "DELIVERED"),
    ("complaint", ["SEND", "DELIVERY", "COMPLAINT"], "DELIVERED"),
    ("suppressionlist", ["SEND", "BOUNCE"], "BOUNCED"),
]


@pytest.mark.parametrize(("box", "types", "status"), SIMULATOR_CASES)
@pytest.mark.parametrize("label", ["", "+run7"])
def test_mailbox_simulator_events(
    state: ServerState, http: TestClient, box: str, types: list[str], status: str, label: str
) -> None:
    state.store.put(
        "configuration_set",
        "tracked",
        {
            "EventDestinations": [
                _destination("bounces", "BOUNCE", "COMPLAINT"),
                _destination("everything", "SEND", "DELIVERY", "BOUNCE", "COMPLAINT", "REJECT"),
                _destination("off", "SEND", "DELIVERY", "BOUNCE", "COMPLAINT", enabled=False),
            ]
        },
    )
    address = f"{box}{label}@simulator.amazonses.com"
    message_id = send(
        state,
        address,
        ConfigurationSetName="tracked",
        EmailTags=[{"Name": "flow", "Value": "signup"}],
    )
    assert message(http, message_id)["Status"] == status
    assert event_types(http, message_id) == types
    assert event_types(http, message_id, "everything") == types
    assert event_types(http, message_id, "bounces") == [
        t for t in types if t in ("BOUNCE", "COMPLAINT")
    ]
    assert event_types(http, message_id, "off") == []

    found = http.get("/_aws/ses/events", params={"message_id": message_id}).json()["events"]
    mail = found[0]["Event"]["mail"]
    assert mail["messageId"] == message_id
    assert mail["source"] == "me@example.com"
    assert mail["destination"] == [address]
    assert mail["tags"]["ses:configuration-set"] == ["tracked"]
    assert mail["tags"]["flow"] == ["signup"]
    assert mail["commonHeaders"]["subject"] == "Hello"
    if box == "bounce":
        bounce = found[1]["Event"]["bounce"]
        assert (bounce["bounceType"], bounce["bounceSubType"]) == ("Permanent", "General")
        assert bounce["bouncedRecipients"] == [
            {
                "emailAddress": address,
                "action": "failed",
                "status": "5.1.1",
                "diagnosticCode": "smtp; 550 5.1.1 user unknown",
            }
        ]
    if box == "suppressionlist":
        bounce = found[1]["Event"]["bounce"]
        assert (bounce["bounceType"], bounce["bounceSubType"]) == ("Permanent", "Suppressed")
    if box == "complaint":
        complaint = found[2]["Event"]
        assert complaint["eventType"] == "Complaint"
        assert complaint["complaint"]["complainedRecipients"] == [{"emailAddress": address}]
        assert complaint["complaint"]["complaintFeedbackType"] == "abuse"


def test_simulator_bounces_of_one_send_are_combined(state: ServerState, http: TestClient) -> None:
    message_id = send(
        state,
        "bounce+1@simulator.amazonses.com",
        "bounce+2@simulator.amazonses.com",
        "success@simulator.amazonses.com",
    )
    found = http.get(
        "/_aws/ses/events", params={"message_id": message_id, "type": "Bounce"}
    ).json()["events"]
    assert len(found) == 1
    assert [r["emailAddress"] for r in found[0]["Event"]["bounce"]["bouncedRecipients"]] == [
        "bounce+1@simulator.amazonses.com",
        "bounce+2@simulator.amazonses.com",
    ]


def test_delivery_delay_switch(state: ServerState, http: TestClient) -> None:
    reply = http.post(
        "/_aws/ses/delivery-delays",
        json={"addresses": ["Slow@Example.org"], "delayType": "MailboxFull"},
    )
    assert reply.status_code == 200
    message_id = send(state, "slow@example.org")
    assert message(http, message_id)["Status"] == "DELAYED"
    found = http.get("/_aws/ses/events", params={"message_id": message_id}).json()["events"]
    assert [e["Type"] for e in found] == ["SEND", "DELIVERY_DELAY"]
    delay = found[1]["Event"]["deliveryDelay"]
    assert delay["delayType"] == "MailboxFull"
    assert delay["delayedRecipients"][0]["emailAddress"] == "slow@example.org"
    assert (
        http.post(
            "/_aws/ses/delivery-delays", json={"addresses": ["x@y.z"], "delayType": "Nope"}
        ).status_code
        == 400
    )
    assert http.delete("/_aws/ses/delivery-delays").json() == {"delays": []}
    assert message(http, send(state, "slow@example.org"))["Status"] == "DELIVERED"


def test_a_message_carrying_the_eicar_test_string_is_rejected_after_acceptance(
    state: ServerState, http: TestClient
) -> None:
    attachment = {"FileName": "sample.txt", "RawContent": base64.b64encode(EICAR.encode()).decode()}
    message_id = send(state, "a@example.org", Content=simple(Attachments=[attachment]))
    assert message(http, message_id)["Status"] == "REJECTED"
    found = http.get("/_aws/ses/events", params={"message_id": message_id}).json()["events"]
    assert [e["Type"] for e in found] == ["SEND", "REJECT"]
    assert found[1]["Event"]["reject"] == {"reason": "Bad content"}


# -------------------------------------------------------------- templates


def test_missing_template_data_is_a_rendering_failure_not_an_error(
    state: ServerState, http: TestClient
) -> None:
    state.store.put(
        "configuration_set",
        "cs",
        {"EventDestinations": [_destination("failures", "RENDERING_FAILURE")]},
    )
    state.store.put(
        "template",
        "greet",
        {
            "TemplateName": "greet",
            "TemplateContent": {"Subject": "Hi {{name}}", "Text": "Dear {{name}}, {{detail}}"},
        },
    )
    result = call(
        state,
        "SendEmail",
        FromEmailAddress="me@example.com",
        Destination={"ToAddresses": ["a@example.org"]},
        ConfigurationSetName="cs",
        Content={"Template": {"TemplateName": "greet", "TemplateData": '{"detail": "x"}'}},
    )
    doc = message(http, result["MessageId"])
    assert doc["Status"] == "RENDERING_FAILURE"
    assert doc["Subject"] is None
    assert doc["Body"] == {"text_part": None, "html_part": None}
    assert event_types(http, result["MessageId"]) == ["SEND", "RENDERING_FAILURE"]
    failures = http.get("/_aws/ses/events", params={"destination": "failures"}).json()["events"]
    assert len(failures) == 1
    record = failures[0]["Event"]
    assert record["eventType"] == "Rendering Failure"
    assert record["failure"] == {
        "errorMessage": "Attribute 'name' is not present in the rendering data.",
        "templateName": "greet",
    }
    assert "headers" not in record["mail"]


def test_template_data_that_is_not_json_is_a_bad_request(state: ServerState) -> None:
    state.store.put("template", "t", {"TemplateContent": {"Subject": "s", "Text": "t"}})
    error = rejected(
        state,
        "SendEmail",
        FromEmailAddress="me@example.com",
        Destination={"ToAddresses": ["a@example.org"]},
        Content={"Template": {"TemplateName": "t", "TemplateData": "{nope"}},
    )
    assert error.code == "BadRequestException"


# --------------------------------------------------------------------- bulk


def _bulk(state: ServerState, *entries: dict[str, Any], **params: Any) -> list[dict[str, Any]]:
    params.setdefault(
        "DefaultContent",
        {
            "Template": {
                "TemplateName": "promo",
                "TemplateData": '{"name": "friend", "offer": "10%"}',
            }
        },
    )
    result = call(
        state,
        "SendBulkEmail",
        FromEmailAddress="deals@example.com",
        BulkEmailEntries=list(entries),
        **params,
    )
    return list(result["BulkEmailEntryResults"])


def _entry(to: str, data: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {"Destination": {"ToAddresses": [to]}, **extra}
    if data is not None:
        entry["ReplacementEmailContent"] = {
            "ReplacementTemplate": {"ReplacementTemplateData": json.dumps(data)}
        }
    return entry


@pytest.fixture
def promo(state: ServerState) -> None:
    state.store.put(
        "template",
        "promo",
        {
            "TemplateName": "promo",
            "TemplateContent": {"Subject": "{{offer}} off for {{name}}", "Text": "Hello {{name}}"},
        },
    )


@pytest.mark.usefixtures("promo")
def test_bulk_merges_entry_data_tags_and_headers(state: ServerState, http: TestClient) -> None:
    results = _bulk(
        state,
        _entry(
            "ann@example.org",
            {"name": "Ann"},
            ReplacementTags=[{"Name": "segment", "Value": "gold"}],
            ReplacementHeaders=[{"Name": "X-Segment", "Value": "gold"}],
        ),
        _entry("bob@example.org"),
        DefaultEmailTags=[
            {"Name": "campaign", "Value": "spring"},
            {"Name": "segment", "Value": "all"},
        ],
    )
    assert [r["Status"] for r in results] == ["SUCCESS", "SUCCESS"]
    ann, bob = (message(http, r["MessageId"]) for r in results)
    assert ann["Subject"] == "10% off for Ann"
    assert ann["Body"]["text_part"] == "Hello Ann"
    assert ann["Tags"] == [
        {"Name": "campaign", "Value": "spring"},
        {"Name": "segment", "Value": "gold"},
    ]
    assert "X-Segment: gold" in ann["RawData"]
    assert json.loads(ann["TemplateData"]) == {"name": "Ann", "offer": "10%"}
    assert bob["Subject"] == "10% off for friend"
    assert bob["Tags"] == [
        {"Name": "campaign", "Value": "spring"},
        {"Name": "segment", "Value": "all"},
    ]
    assert "X-Segment" not in bob["RawData"]
    assert ann["Template"] == "promo"
    assert ann["Destination"]["ToAddresses"] == ["ann@example.org"]


@pytest.mark.usefixtures("promo")
def test_bulk_injected_statuses_apply_to_the_next_entries_in_order(
    state: ServerState, http: TestClient
) -> None:
    reply = http.post(
        "/_aws/ses/bulk-faults", json={"statuses": ["TRANSIENT_FAILURE", "ACCOUNT_THROTTLED"]}
    )
    assert reply.json() == {"statuses": ["TRANSIENT_FAILURE", "ACCOUNT_THROTTLED"]}
    results = _bulk(state, *(_entry(f"u{i}@example.org") for i in range(3)))
    assert [r["Status"] for r in results] == ["TRANSIENT_FAILURE", "ACCOUNT_THROTTLED", "SUCCESS"]
    assert "MessageId" not in results[0] and results[0]["Error"]
    assert len(http.get("/_aws/ses").json()["messages"]) == 1
    assert http.get("/_aws/ses/bulk-faults").json() == {"statuses": []}
    assert [r["Status"] for r in _bulk(state, _entry("v@example.org"))] == ["SUCCESS"]
    assert http.post("/_aws/ses/bulk-faults", json={"statuses": ["BOGUS"]}).status_code == 400


@pytest.mark.usefixtures("promo")
def test_bulk_entry_problems_become_entry_statuses(state: ServerState) -> None:
    state.options.sandbox = True
    verify(state, "ok@verified.org")
    state.store.put("account", "account", {"SendQuota": {"MaxSendRate": 2.0}})
    results = _bulk(
        state,
        _entry("ok@verified.org"),
        _entry("stranger@nowhere.org"),
        {"Destination": {"ToAddresses": [f"x{i}@verified.org" for i in range(51)]}},
        _entry("success@simulator.amazonses.com"),
        _entry("ok@verified.org"),
    )
    assert [r["Status"] for r in results] == [
        "SUCCESS",
        "MESSAGE_REJECTED",
        "INVALID_PARAMETER",
        "SUCCESS",
        "ACCOUNT_THROTTLED",
    ]
    assert results[1]["Error"].endswith("region US-EAST-1: stranger@nowhere.org")
    assert results[2]["Error"] == "Recipient count exceeds 50."
    assert results[4]["Error"] == "Maximum sending rate exceeded."


@pytest.mark.usefixtures("promo")
def test_bulk_daily_quota_entry_status(state: ServerState) -> None:
    state.store.put("account", "account", {"SendQuota": {"Max24HourSend": 1.0}})
    results = _bulk(state, _entry("a@example.org"), _entry("b@example.org"))
    assert [r["Status"] for r in results] == ["SUCCESS", "ACCOUNT_DAILY_QUOTA_EXCEEDED"]
    assert results[1]["Error"] == "Daily message quota exceeded."


@pytest.mark.usefixtures("promo")
def test_bulk_request_level_problems_fail_the_call(state: ServerState) -> None:
    error = rejected(
        state,
        "SendBulkEmail",
        FromEmailAddress="deals@example.com",
        DefaultContent={"Template": {"TemplateName": "nope"}},
        BulkEmailEntries=[_entry("a@example.org")],
    )
    assert (error.code, error.message) == ("NotFoundException", "Template nope does not exist.")
    error = rejected(
        state,
        "SendBulkEmail",
        FromEmailAddress="x@evil.net",
        DefaultContent={"Template": {"TemplateName": "promo"}},
        BulkEmailEntries=[_entry("a@example.org")],
    )
    assert error.code == "MessageRejected"
    error = rejected(
        state,
        "SendBulkEmail",
        FromEmailAddress="deals@example.com",
        DefaultContent={"Template": {"TemplateName": "promo", "TemplateData": "[1]"}},
        BulkEmailEntries=[_entry("a@example.org", {"name": "A"})],
    )
    assert (error.code, error.message) == (
        "BadRequestException",
        "Template data must be a JSON object.",
    )


@pytest.mark.usefixtures("promo")
def test_bulk_rendering_failure_still_succeeds(state: ServerState, http: TestClient) -> None:
    results = _bulk(
        state,
        _entry("a@example.org"),
        DefaultContent={"Template": {"TemplateName": "promo", "TemplateData": '{"name": "x"}'}},
    )
    assert results[0]["Status"] == "SUCCESS"
    assert message(http, results[0]["MessageId"])["Status"] == "RENDERING_FAILURE"


# ---------------------------------------------------- custom verification


def test_custom_verification_email(state: ServerState, http: TestClient) -> None:
    state.options.sandbox = True  # the address being verified needs no verification
    state.store.put(
        "custom_verification_template",
        "verify",
        {
            "TemplateName": "verify",
            "FromEmailAddress": "noreply@example.com",
            "TemplateSubject": "Please verify",
            "TemplateContent": "<p>Click below</p>",
            "SuccessRedirectionURL": "https://example.com/ok",
            "FailureRedirectionURL": "https://example.com/fail",
        },
    )
    result = call(
        state, "SendCustomVerificationEmail", EmailAddress="new@nowhere.org", TemplateName="verify"
    )
    doc = message(http, result["MessageId"])
    assert doc["Subject"] == "Please verify"
    assert doc["Destination"]["ToAddresses"] == ["new@nowhere.org"]
    assert doc["Body"]["html_part"].startswith("<p>Click below</p>")
    assert "email-verification.us-east-1.amazonaws.com" in doc["Body"]["html_part"]
    error = rejected(
        state, "SendCustomVerificationEmail", EmailAddress="new@nowhere.org", TemplateName="missing"
    )
    assert (error.code, error.message) == ("NotFoundException", "Template <missing> does not exist")


# ------------------------------------------------------- over HTTP, with boto3


def read_back(server: LocalServer, **params: str) -> list[dict[str, Any]]:
    return list(admin(server, "GET", "/_aws/ses?" + urlencode(params))["messages"])


def server_events(server: LocalServer, **params: str) -> list[dict[str, Any]]:
    return list(admin(server, "GET", "/_aws/ses/events?" + urlencode(params))["events"])


def client_error(error: ClientError) -> tuple[str, int, str]:
    response: Any = error.response
    return (
        response["Error"]["Code"],
        response["ResponseMetadata"]["HTTPStatusCode"],
        response["Error"]["Message"],
    )


SIMPLE = {"Simple": {"Subject": {"Data": "Hi"}, "Body": {"Text": {"Data": "Hello"}}}}


def test_boto3_simple_send_reads_back_exactly(server: LocalServer, boto3_client: Any) -> None:
    boto3_client.create_email_identity(EmailIdentity="example.com")
    pdf = b"%PDF-1.7\n\x00\xff binary"
    message_id = boto3_client.send_email(
        FromEmailAddress="Team <team@example.com>",
        Destination={"ToAddresses": ["ann@example.org"], "BccAddresses": ["audit@example.org"]},
        ReplyToAddresses=["help@example.com"],
        Content={
            "Simple": {
                "Subject": {"Data": "Your invoice ✓", "Charset": "UTF-8"},
                "Body": {"Text": {"Data": "Attached."}, "Html": {"Data": "<p>Attached.</p>"}},
                "Attachments": [
                    {"FileName": "invoice.pdf", "RawContent": pdf, "ContentType": "application/pdf"}
                ],
            }
        },
        EmailTags=[{"Name": "kind", "Value": "invoice"}],
    )["MessageId"]

    [doc] = read_back(server, id=message_id)
    assert doc["Id"] == message_id
    assert doc["Source"] == "Team <team@example.com>"
    assert doc["Destination"] == {
        "ToAddresses": ["ann@example.org"],
        "CcAddresses": [],
        "BccAddresses": ["audit@example.org"],
    }
    assert doc["ReplyToAddresses"] == ["help@example.com"]
    assert doc["Subject"] == "Your invoice ✓"
    assert doc["Body"] == {"text_part": "Attached.", "html_part": "<p>Attached.</p>"}
    assert doc["Attachments"] == [
        {
            "filename": "invoice.pdf",
            "content_type": "application/pdf",
            "size": len(pdf),
            "content_id": None,
            "disposition": "attachment",
        }
    ]
    assert doc["Tags"] == [{"Name": "kind", "Value": "invoice"}]
    assert doc["Status"] == "DELIVERED"
    assert doc["Template"] is None
    assert f"Message-ID: <{message_id}@email.amazonses.com>" in doc["RawData"]
    assert "audit@example.org" not in doc["RawData"]
    with urllib.request.urlopen(f"{server.url}/_aws/ses/messages/{message_id}/attachments/0") as r:
        assert r.read() == pdf
    assert [m["Id"] for m in read_back(server, email="AUDIT@example.org")] == [message_id]


def test_boto3_raw_send(server: LocalServer, boto3_client: Any) -> None:
    boto3_client.create_email_identity(EmailIdentity="raw@example.com")
    raw = (
        b"From: raw@example.com\r\nTo: x@example.org\r\nSubject: Raw one\r\n"
        b"MIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<b>raw</b>\r\n"
    )
    message_id = boto3_client.send_email(Content={"Raw": {"Data": raw}})["MessageId"]
    [doc] = read_back(server, id=message_id)
    assert (doc["Source"], doc["Subject"]) == ("raw@example.com", "Raw one")
    assert doc["Destination"]["ToAddresses"] == ["x@example.org"]
    assert doc["Body"] == {"text_part": None, "html_part": "<b>raw</b>\r\n"}
    with urllib.request.urlopen(f"{server.url}/_aws/ses/messages/{message_id}/raw") as r:
        assert r.read() == raw


def test_boto3_templated_send_and_rendering_failure(server: LocalServer, boto3_client: Any) -> None:
    boto3_client.create_email_identity(EmailIdentity="example.com")
    boto3_client.create_email_template(
        TemplateName="order",
        TemplateContent={"Subject": "Order {{id}}", "Text": "{{#each items}}{{this}};{{/each}}"},
    )
    sent = boto3_client.send_email(
        FromEmailAddress="shop@example.com",
        Destination={"ToAddresses": ["buyer@example.org"]},
        Content={
            "Template": {"TemplateName": "order", "TemplateData": '{"id": 7, "items": ["a", "b"]}'}
        },
    )["MessageId"]
    [doc] = read_back(server, id=sent)
    assert (doc["Subject"], doc["Body"]["text_part"], doc["Template"]) == (
        "Order 7",
        "a;b;",
        "order",
    )

    failed = boto3_client.send_email(
        FromEmailAddress="shop@example.com",
        Destination={"ToAddresses": ["buyer@example.org"]},
        Content={"Template": {"TemplateName": "order", "TemplateData": '{"items": []}'}},
    )["MessageId"]
    [doc] = read_back(server, id=failed)
    assert doc["Status"] == "RENDERING_FAILURE"
    [failure] = server_events(server, message_id=failed, type="RENDERING_FAILURE")
    assert failure["Event"]["failure"] == {
        "errorMessage": "Attribute 'id' is not present in the rendering data.",
        "templateName": "order",
    }


def test_boto3_bulk_send_with_injected_failures(server: LocalServer, boto3_client: Any) -> None:
    boto3_client.create_email_identity(EmailIdentity="example.com")
    boto3_client.create_email_template(
        TemplateName="news", TemplateContent={"Subject": "{{greeting}}, {{name}}", "Text": "..."}
    )
    admin(server, "POST", "/_aws/ses/bulk-faults", {"statuses": ["TRANSIENT_FAILURE"]})
    entries = [
        {
            "Destination": {"ToAddresses": [f"{name.lower()}@example.org"]},
            "ReplacementEmailContent": {
                "ReplacementTemplate": {"ReplacementTemplateData": json.dumps({"name": name})}
            },
            "ReplacementTags": [{"Name": "reader", "Value": name.lower()}],
        }
        for name in ("Ann", "Bob", "Cy")
    ]
    results = boto3_client.send_bulk_email(
        FromEmailAddress="news@example.com",
        DefaultContent={
            "Template": {"TemplateName": "news", "TemplateData": '{"greeting": "Hi", "name": "?"}'}
        },
        BulkEmailEntries=entries,
        DefaultEmailTags=[{"Name": "issue", "Value": "42"}],
    )["BulkEmailEntryResults"]
    assert [r["Status"] for r in results] == ["TRANSIENT_FAILURE", "SUCCESS", "SUCCESS"]
    bob = read_back(server, id=results[1]["MessageId"])[0]
    assert bob["Subject"] == "Hi, Bob"
    assert bob["Tags"] == [{"Name": "issue", "Value": "42"}, {"Name": "reader", "Value": "bob"}]
    assert read_back(server, email="ann@example.org") == []


def test_boto3_send_errors(server: LocalServer, boto3_client: Any) -> None:
    boto3_client.create_email_identity(EmailIdentity="example.com")
    with pytest.raises(ClientError) as info:
        boto3_client.send_email(
            FromEmailAddress="spoof@other.example",
            Destination={"ToAddresses": ["a@example.org"]},
            Content=SIMPLE,
        )
    assert client_error(info.value) == (
        "MessageRejected",
        400,
        "Email address is not verified. The following identities failed the check in region "
        "US-EAST-1: spoof@other.example",
    )
    with pytest.raises(ClientError) as info:
        boto3_client.send_email(
            FromEmailAddress="me@example.com",
            Destination={"ToAddresses": [f"r{i}@example.org" for i in range(51)]},
            Content=SIMPLE,
        )
    code, status, message = client_error(info.value)
    assert (code, status) == ("BadRequestException", 400)
    assert "Value at 'destination'" in message and "Recipient count exceeds 50" in message
    with pytest.raises(ClientError) as info:
        boto3_client.send_email(
            FromEmailAddress="me@example.com",
            Destination={"ToAddresses": ["a@example.org"]},
            Content={"Template": {"TemplateName": "absent", "TemplateData": "{}"}},
        )
    assert client_error(info.value) == ("NotFoundException", 404, "Template absent does not exist.")
    boto3_client.put_account_sending_attributes(SendingEnabled=False)
    with pytest.raises(ClientError) as info:
        boto3_client.send_email(
            FromEmailAddress="me@example.com",
            Destination={"ToAddresses": ["a@example.org"]},
            Content=SIMPLE,
        )
    assert client_error(info.value)[:2] == ("SendingPausedException", 400)
    assert read_back(server) == []


def test_boto3_sandbox(
    server: LocalServer, boto3_client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(server.state.options, "sandbox", True)
    boto3_client.create_email_identity(EmailIdentity="example.com")
    boto3_client.create_email_identity(EmailIdentity="friend@example.net")
    boto3_client.send_email(
        FromEmailAddress="me@example.com",
        Destination={"ToAddresses": ["friend@example.net", "success@simulator.amazonses.com"]},
        Content=SIMPLE,
    )
    with pytest.raises(ClientError) as info:
        boto3_client.send_email(
            FromEmailAddress="me@example.com",
            Destination={"ToAddresses": ["stranger@example.net"]},
            Content=SIMPLE,
        )
    code, status, message = client_error(info.value)
    assert (code, status) == ("MessageRejected", 400)
    assert message.endswith("in region US-EAST-1: stranger@example.net")


def test_boto3_burst_above_the_send_rate(
    server: LocalServer, boto3_client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A frozen clock makes "the same second" exact however slow the machine is.
    monkeypatch.setattr(server.state, "clock", Clock())
    boto3_client.create_email_identity(EmailIdentity="example.com")
    assert boto3_client.get_account()["SendQuota"]["MaxSendRate"] == 14.0
    outcomes: list[object] = []
    for i in range(20):
        try:
            boto3_client.send_email(
                FromEmailAddress="me@example.com",
                Destination={"ToAddresses": [f"r{i}@example.org"]},
                Content=SIMPLE,
            )
            outcomes.append("sent")
        except ClientError as exc:
            outcomes.append(client_error(exc))
    throttled = ("TooManyRequestsException", 429, "Maximum sending rate exceeded.")
    assert outcomes == ["sent"] * 14 + [throttled] * 6
    assert boto3_client.get_account()["SendQuota"]["SentLast24Hours"] == 14.0
    assert len(read_back(server)) == 14


def test_boto3_simulator_events_reach_matching_destinations(
    server: LocalServer, boto3_client: Any
) -> None:
    boto3_client.create_email_identity(EmailIdentity="example.com")
    boto3_client.create_configuration_set(ConfigurationSetName="tracked")
    topic = "arn:aws:sns:us-east-1:123456789012:ses-events"
    for name, types in (("problems", ["BOUNCE", "COMPLAINT"]), ("flow", ["SEND", "DELIVERY"])):
        boto3_client.create_configuration_set_event_destination(
            ConfigurationSetName="tracked",
            EventDestinationName=name,
            EventDestination={
                "Enabled": True,
                "MatchingEventTypes": types,
                "SnsDestination": {"TopicArn": topic},
            },
        )
    boto3_client.put_suppressed_destination(EmailAddress="gone@example.org", Reason="BOUNCE")
    message_id = boto3_client.send_email(
        FromEmailAddress="me@example.com",
        Destination={
            "ToAddresses": [
                "success@simulator.amazonses.com",
                "bounce@simulator.amazonses.com",
                "complaint@simulator.amazonses.com",
                "gone@example.org",
            ]
        },
        Content=SIMPLE,
        ConfigurationSetName="tracked",
    )["MessageId"]
    problems = server_events(server, destination="problems")
    assert [(e["Type"], e["Recipients"]) for e in problems] == [
        ("BOUNCE", ["bounce@simulator.amazonses.com"]),
        ("BOUNCE", ["gone@example.org"]),
        ("COMPLAINT", ["complaint@simulator.amazonses.com"]),
    ]
    assert problems[1]["Event"]["bounce"]["bounceSubType"] == "OnAccountSuppressionList"
    flow = server_events(server, destination="flow")
    assert [(e["Type"], e["Recipients"]) for e in flow] == [
        (
            "SEND",
            [
                "success@simulator.amazonses.com",
                "bounce@simulator.amazonses.com",
                "complaint@simulator.amazonses.com",
                "gone@example.org",
            ],
        ),
        ("DELIVERY", ["success@simulator.amazonses.com"]),
        ("DELIVERY", ["complaint@simulator.amazonses.com"]),
    ]
    assert all(e["MessageId"] == message_id for e in problems + flow)
    # Simulator recipients do not count toward the daily quota; the suppressed one does.
    assert boto3_client.get_account()["SendQuota"]["SentLast24Hours"] == 1.0
