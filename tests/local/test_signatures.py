"""SigV4 on the local server: good signatures pass, every kind of bad one is refused."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from botocore.exceptions import ClientError

from aws_ses.auth.credentials import Credentials
from aws_ses.local import LocalServer
from aws_ses.signing import SigV4Signer
from aws_ses.transport.base import HttpRequest

from .conftest import make_boto3_client

pytestmark = pytest.mark.usefixtures("reset")

Reply = tuple[int, str, dict[str, Any]]


def send(request: HttpRequest) -> Reply:
    """Send as is; (status, X-Amzn-ErrorType, JSON body)."""
    urlreq = urllib.request.Request(
        request.url, data=request.body or None, method=request.method, headers=request.headers
    )
    try:
        with urllib.request.urlopen(urlreq, timeout=10) as response:
            return response.status, "", json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("X-Amzn-ErrorType", ""), json.loads(exc.read() or b"{}")


def signed(
    server: LocalServer,
    method: str,
    path: str,
    body: bytes = b"",
    *,
    key: str = "test",
    secret: str = "test",
    now: datetime | None = None,
    tamper: Callable[[HttpRequest], None] | None = None,
) -> Reply:
    headers = {"Content-Type": "application/json"} if body else {}
    request = HttpRequest(method, server.url + path, headers, body)
    SigV4Signer().sign(request, Credentials(key, secret), region="us-east-1", now=now)
    if tamper is not None:
        tamper(request)
    return send(request)


def error(info: pytest.ExceptionInfo[ClientError]) -> tuple[str, int]:
    response: Any = info.value.response
    return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"]


# ------------------------------------------------------------ accepted


def test_boto3_signatures_are_accepted(boto3_client: Any) -> None:
    # Path labels that need percent-encoding, a body, repeated query keys and a timestamp.
    boto3_client.create_email_identity(EmailIdentity="first.last+tag@example.com")
    got = boto3_client.get_email_identity(EmailIdentity="first.last+tag@example.com")
    assert got["IdentityType"] == "EMAIL_ADDRESS"
    boto3_client.create_contact_list(ContactListName="list")
    boto3_client.create_contact(ContactListName="list", EmailAddress="a+b&c=d@example.com")
    assert boto3_client.get_contact(ContactListName="list", EmailAddress="a+b&c=d@example.com")
    boto3_client.put_suppressed_destination(EmailAddress="x@example.com", Reason="BOUNCE")
    listed = boto3_client.list_suppressed_destinations(
        Reasons=["BOUNCE", "COMPLAINT"],
        StartDate=datetime.now(UTC) - timedelta(hours=1),
        PageSize=5,
    )
    assert len(listed["SuppressedDestinationSummaries"]) == 1
    boto3_client.untag_resource(
        ResourceArn="arn:aws:ses:us-east-1:123456789012:identity/first.last+tag@example.com",
        TagKeys=["a", "b c"],
    )


def test_aws_ses_client_signatures_are_accepted(server: LocalServer) -> None:
    with server.client() as client:
        client.create_email_identity(email_identity="user+1@example.com")
        assert client.get_email_identity(email_identity="user+1@example.com").identity_type == (
            "EMAIL_ADDRESS"
        )
        assert client.get_account().sending_enabled is True


async def test_async_client_signatures_are_accepted(server: LocalServer) -> None:
    async with server.async_client() as client:
        await client.create_email_identity(email_identity="async.example.com")
        found = await client.get_email_identity(email_identity="async.example.com")
        assert found.identity_type == "DOMAIN"


def test_any_region_and_configured_keys_are_accepted() -> None:
    with LocalServer(credentials={"AKIDLOCAL": "s3cret/+key"}) as server:
        client = make_boto3_client(
            server,
            region_name="eu-west-1",
            aws_access_key_id="AKIDLOCAL",
            aws_secret_access_key="s3cret/+key",
        )
        assert client.get_account()["SendingEnabled"] is True
        with pytest.raises(ClientError) as info:
            make_boto3_client(server).get_account()  # test/test is not configured here
        assert error(info) == ("UnrecognizedClientException", 403)


def test_a_manually_signed_request_is_accepted(server: LocalServer) -> None:
    status, code, reply = signed(server, "GET", "/v2/email/account")
    assert (status, code) == (200, "")
    assert reply["SendingEnabled"] is True


# ------------------------------------------------------------ refused


def test_wrong_secret(server: LocalServer) -> None:
    client = make_boto3_client(server, aws_secret_access_key="not-the-secret")
    with pytest.raises(ClientError) as info:
        client.get_account()
    assert error(info) == ("SignatureDoesNotMatch", 403)
    message: Any = info.value.response["Error"]["Message"]
    assert message.startswith("The request signature we calculated does not match")


def test_unknown_access_key(server: LocalServer) -> None:
    client = make_boto3_client(server, aws_access_key_id="AKIDUNKNOWN")
    with pytest.raises(ClientError) as info:
        client.get_account()
    assert error(info) == ("UnrecognizedClientException", 403)
    message: Any = info.value.response["Error"]["Message"]
    assert message == "The security token included in the request is invalid."


def test_altered_body(server: LocalServer) -> None:
    payload = json.dumps({"TemplateName": "t", "TemplateContent": {"Subject": "s"}}).encode()

    def tamper(request: HttpRequest) -> None:
        request.body = payload.replace(b'"s"', b'"S"')

    status, code, _ = signed(server, "POST", "/v2/email/templates", payload, tamper=tamper)
    assert (status, code) == (403, "SignatureDoesNotMatch")
    # Nothing was created.
    status, _, reply = signed(server, "GET", "/v2/email/templates")
    assert (status, reply["TemplatesMetadata"]) == (200, [])


def test_altered_path_and_query(server: LocalServer) -> None:
    def other_path(request: HttpRequest) -> None:
        request.url = request.url.replace("/account", "/templates")

    status, code, _ = signed(server, "GET", "/v2/email/account", tamper=other_path)
    assert (status, code) == (403, "SignatureDoesNotMatch")

    def other_query(request: HttpRequest) -> None:
        request.url = request.url.replace("PageSize=1", "PageSize=2")

    status, code, _ = signed(server, "GET", "/v2/email/templates?PageSize=1", tamper=other_query)
    assert (status, code) == (403, "SignatureDoesNotMatch")


def test_stale_date(server: LocalServer) -> None:
    twenty_minutes_ago = datetime.now(UTC) - timedelta(minutes=20)
    status, code, reply = signed(server, "GET", "/v2/email/account", now=twenty_minutes_ago)
    assert (status, code) == (403, "InvalidSignatureException")
    assert reply["message"].startswith("Signature expired:")
    in_the_future = datetime.now(UTC) + timedelta(minutes=20)
    status, code, reply = signed(server, "GET", "/v2/email/account", now=in_the_future)
    assert (status, code) == (403, "InvalidSignatureException")
    assert reply["message"].startswith("Signature not yet current:")
    # Within the 15-minute skew AWS allows: fine.
    five_minutes_ago = datetime.now(UTC) - timedelta(minutes=5)
    status, _, _ = signed(server, "GET", "/v2/email/account", now=five_minutes_ago)
    assert status == 200


def test_missing_authorization(server: LocalServer) -> None:
    status, code, reply = send(HttpRequest("GET", server.url + "/v2/email/account"))
    assert (status, code) == (403, "MissingAuthenticationToken")
    assert reply == {
        "__type": "MissingAuthenticationToken",
        "message": "Missing Authentication Token",
    }


def test_malformed_authorization(server: LocalServer) -> None:
    request = HttpRequest(
        "GET", server.url + "/v2/email/account", {"Authorization": "AWS4-HMAC-SHA256 garbage"}
    )
    status, code, _ = send(request)
    assert (status, code) == (400, "IncompleteSignatureException")


def test_no_auth_mode_accepts_unsigned_requests() -> None:
    with LocalServer(auth=False) as server:
        status, code, reply = send(HttpRequest("GET", server.url + "/v2/email/account"))
        assert (status, code) == (200, "")
        assert reply["SendingEnabled"] is True
        body = json.dumps({"EmailIdentity": "example.com"}).encode()
        status, _, reply = send(
            HttpRequest("POST", server.url + "/v2/email/identities", {"Content-Type": "x"}, body)
        )
        assert (status, reply["IdentityType"]) == (200, "DOMAIN")
        # A wrong signature does not matter either.
        client = make_boto3_client(server, aws_secret_access_key="whatever")
        assert client.get_email_identity(EmailIdentity="example.com")["IdentityType"] == "DOMAIN"
