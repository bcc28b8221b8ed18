"""Regression tests, through real HTTP, for what other SES v2 clients and people
trying the server by hand ran into: missing response members, legacy routes,
SigV4a without ``cryptography``, 500s on bad bodies, oversize bodies, resets
racing sends, and list filters that were ignored."""

from __future__ import annotations

import base64
import json
import socket
import sys
import threading
import time
import tomllib
from pathlib import Path
from typing import Any

import pytest

from aws_ses.auth.credentials import Credentials
from aws_ses.local import LocalServer
from aws_ses.local.app import MAX_REQUEST_BYTES
from aws_ses.signing.sigv4a import SigV4aSigner
from aws_ses.transport.base import HttpRequest

from .conftest import admin
from .helpers import admin_json, raw, signed

MIB = 1024 * 1024


# --------------------------------------------------------- response members


def test_identity_without_mail_from_reports_default_behaviour(boto3_client: Any) -> None:
    boto3_client.create_email_identity(EmailIdentity="plain.example.com")
    got = boto3_client.get_email_identity(EmailIdentity="plain.example.com")
    assert got["MailFromAttributes"] == {"BehaviorOnMxFailure": "USE_DEFAULT_VALUE"}
    boto3_client.put_email_identity_mail_from_attributes(
        EmailIdentity="plain.example.com",
        MailFromDomain="bounce.plain.example.com",
        BehaviorOnMxFailure="REJECT_MESSAGE",
    )
    got = boto3_client.get_email_identity(EmailIdentity="plain.example.com")
    assert got["MailFromAttributes"] == {
        "MailFromDomain": "bounce.plain.example.com",
        "MailFromDomainStatus": "SUCCESS",
        "BehaviorOnMxFailure": "REJECT_MESSAGE",
    }


def _topics_list(boto3_client: Any) -> None:
    boto3_client.create_contact_list(
        ContactListName="news",
        Topics=[
            {"TopicName": "weekly", "DisplayName": "Weekly", "DefaultSubscriptionStatus": "OPT_IN"},
            {"TopicName": "promo", "DisplayName": "Promo", "DefaultSubscriptionStatus": "OPT_OUT"},
        ],
    )
    boto3_client.create_contact(
        ContactListName="news",
        EmailAddress="ann@example.com",
        TopicPreferences=[{"TopicName": "promo", "SubscriptionStatus": "OPT_IN"}],
    )
    boto3_client.create_contact(ContactListName="news", EmailAddress="bob@example.com")
    boto3_client.create_contact(
        ContactListName="news",
        EmailAddress="cy@example.com",
        TopicPreferences=[{"TopicName": "weekly", "SubscriptionStatus": "OPT_OUT"}],
    )


def test_contact_carries_its_lists_topic_defaults(boto3_client: Any) -> None:
    _topics_list(boto3_client)
    ann = boto3_client.get_contact(ContactListName="news", EmailAddress="ann@example.com")
    assert ann["TopicPreferences"] == [{"TopicName": "promo", "SubscriptionStatus": "OPT_IN"}]
    assert ann["TopicDefaultPreferences"] == [
        {"TopicName": "weekly", "SubscriptionStatus": "OPT_IN"}
    ]
    bob = boto3_client.get_contact(ContactListName="news", EmailAddress="bob@example.com")
    assert bob["TopicPreferences"] == []
    assert bob["TopicDefaultPreferences"] == [
        {"TopicName": "weekly", "SubscriptionStatus": "OPT_IN"},
        {"TopicName": "promo", "SubscriptionStatus": "OPT_OUT"},
    ]
    assert bob["UnsubscribeAll"] is False


def test_list_contacts_applies_its_filter(boto3_client: Any) -> None:
    _topics_list(boto3_client)

    def emails(**flt: Any) -> list[str]:
        found = boto3_client.list_contacts(ContactListName="news", Filter=flt)["Contacts"]
        return [c["EmailAddress"] for c in found]

    topic = {"TopicName": "promo"}
    assert emails(FilteredStatus="OPT_IN", TopicFilter=topic) == ["ann@example.com"]
    with_default = {"TopicName": "weekly", "UseDefaultIfPreferenceUnavailable": True}
    assert emails(FilteredStatus="OPT_IN", TopicFilter=with_default) == [
        "ann@example.com",
        "bob@example.com",
    ]
    assert emails(FilteredStatus="OPT_OUT", TopicFilter={"TopicName": "weekly"}) == [
        "cy@example.com"
    ]
    listed = boto3_client.list_contacts(ContactListName="news")["Contacts"]
    assert listed[1]["TopicDefaultPreferences"][0] == {
        "TopicName": "weekly",
        "SubscriptionStatus": "OPT_IN",
    }


def test_multi_region_endpoint_has_routes(boto3_client: Any) -> None:
    boto3_client.create_multi_region_endpoint(
        EndpointName="global", Details={"RoutesDetails": [{"Region": "us-west-2"}]}
    )
    got = boto3_client.get_multi_region_endpoint(EndpointName="global")
    assert got["Routes"] == [{"Region": "us-east-1"}, {"Region": "us-west-2"}]
    assert got["Status"] == "READY"
    listed = boto3_client.list_multi_region_endpoints()["MultiRegionEndpoints"]
    assert listed[0]["Regions"] == ["us-east-1", "us-west-2"]


def test_tenant_and_reputation_lists_apply_their_filters(boto3_client: Any) -> None:
    for name in ("alpha-shop", "beta-shop", "gamma"):
        boto3_client.create_tenant(TenantName=name)
    boto3_client.create_email_identity(EmailIdentity="t.example.com")
    boto3_client.create_configuration_set(ConfigurationSetName="cs")
    arn = "arn:aws:ses:us-east-1:123456789012"
    boto3_client.create_tenant_resource_association(
        TenantName="gamma", ResourceArn=f"{arn}:identity/t.example.com"
    )
    boto3_client.create_tenant_resource_association(
        TenantName="gamma", ResourceArn=f"{arn}:configuration-set/cs"
    )
    tenants = boto3_client.list_tenants(Filter={"TENANT_NAME_CONTAINS": "SHOP"})["Tenants"]
    assert [t["TenantName"] for t in tenants] == ["alpha-shop", "beta-shop"]
    resources = boto3_client.list_tenant_resources(
        TenantName="gamma", Filter={"RESOURCE_TYPE": "CONFIGURATION_SET"}
    )["TenantResources"]
    assert resources == [
        {"ResourceType": "CONFIGURATION_SET", "ResourceArn": f"{arn}:configuration-set/cs"}
    ]
    owners = boto3_client.list_resource_tenants(ResourceArn=f"{arn}:identity/t.example.com")
    assert [t["TenantName"] for t in owners["ResourceTenants"]] == ["gamma"]

    for ref in ("a.example.com", "b.example.org"):
        boto3_client.update_reputation_entity_customer_managed_status(
            ReputationEntityType="RESOURCE",
            ReputationEntityReference=f"{arn}:identity/{ref}",
            SendingStatus="DISABLED" if ref.startswith("a") else "ENABLED",
        )
    entities = boto3_client.list_reputation_entities(Filter={"SENDING_STATUS": "DISABLED"})
    assert [e["ReputationEntityReference"] for e in entities["ReputationEntities"]] == [
        f"{arn}:identity/a.example.com"
    ]
    by_prefix = boto3_client.list_reputation_entities(
        Filter={"ENTITY_REFERENCE_PREFIX": f"{arn}:identity/b"}
    )
    assert len(by_prefix["ReputationEntities"]) == 1


def test_list_configuration_sets_applies_its_filter(boto3_client: Any) -> None:
    for name in ("Shop-Orders", "shop-news", "billing"):
        boto3_client.create_configuration_set(ConfigurationSetName=name)
    found = boto3_client.list_configuration_sets(Filter={"CONFIGURATION_SET_NAME_CONTAINS": "SHOP"})
    assert found["ConfigurationSets"] == ["Shop-Orders", "shop-news"]
    paged = boto3_client.list_configuration_sets(
        Filter={"CONFIGURATION_SET_NAME_CONTAINS": "shop"}, PageSize=1
    )
    assert paged["ConfigurationSets"] == ["Shop-Orders"]
    rest = boto3_client.list_configuration_sets(
        Filter={"CONFIGURATION_SET_NAME_CONTAINS": "shop"}, NextToken=paged["NextToken"]
    )
    assert rest["ConfigurationSets"] == ["shop-news"]
    assert "NextToken" not in rest


def test_list_email_identities_applies_its_filter(boto3_client: Any) -> None:
    for name in ("Shop.example.com", "ann@shop.example.com", "other.example.org"):
        boto3_client.create_email_identity(EmailIdentity=name)

    def names(**flt: str) -> list[str]:
        found = boto3_client.list_email_identities(Filter=flt)["EmailIdentities"]
        return sorted(i["IdentityName"] for i in found)

    assert names(IDENTITY_NAME_CONTAINS="SHOP") == ["ann@shop.example.com", "shop.example.com"]
    assert names(IDENTITY_TYPE="EMAIL_ADDRESS") == ["ann@shop.example.com"]
    assert names(IDENTITY_TYPE="DOMAIN", IDENTITY_NAME_CONTAINS="org") == ["other.example.org"]
    assert names(VERIFICATION_STATUS="PENDING") == []


def test_list_import_jobs_applies_its_destination_type(boto3_client: Any) -> None:
    boto3_client.create_contact_list(ContactListName="news")
    source = {"S3Url": "s3://bucket/list.csv", "DataFormat": "CSV"}
    suppression = boto3_client.create_import_job(
        ImportDestination={"SuppressionListDestination": {"SuppressionListImportAction": "PUT"}},
        ImportDataSource=source,
    )["JobId"]
    contacts = boto3_client.create_import_job(
        ImportDestination={
            "ContactListDestination": {"ContactListName": "news", "ContactListImportAction": "PUT"}
        },
        ImportDataSource=source,
    )["JobId"]

    def listed(kind: str) -> list[str]:
        jobs = boto3_client.list_import_jobs(ImportDestinationType=kind)["ImportJobs"]
        return [job["JobId"] for job in jobs]

    assert listed("SUPPRESSION_LIST") == [suppression]
    assert listed("CONTACT_LIST") == [contacts]
    assert "ImportDestinationType" not in boto3_client.get_import_job(JobId=contacts)


def test_reputation_sending_status_filter_sees_untouched_entities(boto3_client: Any) -> None:
    arn = "arn:aws:ses:us-east-1:123456789012:identity/"
    boto3_client.update_reputation_entity_policy(
        ReputationEntityType="RESOURCE",
        ReputationEntityReference=arn + "a.example.com",
        ReputationEntityPolicy="arn:aws:ses:us-east-1:aws:reputation-policy/strict",
    )
    enabled = boto3_client.list_reputation_entities(Filter={"SENDING_STATUS": "ENABLED"})
    [entity] = enabled["ReputationEntities"]
    assert entity["ReputationManagementPolicy"].endswith("/strict")
    assert entity["SendingStatusAggregate"] == "ENABLED"


def test_unknown_filter_key_is_refused(server: LocalServer, reset: None) -> None:
    reply = signed(server, "POST", "/v2/email/tenants/list", b'{"Filter": {"COLOR": "red"}}')
    assert (reply.status, reply.code) == (400, "BadRequestException")
    assert "COLOR" in reply.json()["message"]
    body = b'{"Filter": {"NAME_CONTAINS": "x"}}'
    reply = signed(server, "POST", "/v2/email/list-configuration-sets", body)
    assert (reply.status, reply.code) == (400, "BadRequestException")
    assert "CONFIGURATION_SET_NAME_CONTAINS" in reply.json()["message"]


# ------------------------------------------------------------ legacy routes


def test_legacy_get_list_routes_answer(server: LocalServer, reset: None) -> None:
    for name in ("a.example.com", "b.example.com", "c.example.com"):
        assert (
            signed(
                server, "POST", "/v2/email/identities", json.dumps({"EmailIdentity": name}).encode()
            ).status
            == 200
        )
    assert (
        signed(
            server, "POST", "/v2/email/configuration-sets", b'{"ConfigurationSetName": "cs1"}'
        ).status
        == 200
    )
    first = signed(server, "GET", "/v2/email/identities?PageSize=2")
    assert first.status == 200, first
    page = first.json()
    assert [i["IdentityName"] for i in page["EmailIdentities"]] == [
        "a.example.com",
        "b.example.com",
    ]
    token = page["NextToken"]
    second = signed(server, "GET", f"/v2/email/identities?PageSize=2&NextToken={token}").json()
    assert [i["IdentityName"] for i in second["EmailIdentities"]] == ["c.example.com"]
    sets = signed(server, "GET", "/v2/email/configuration-sets")
    assert (sets.status, sets.json()) == (200, {"ConfigurationSets": ["cs1"]})
    # The current routes still answer too.
    current = signed(server, "POST", "/v2/email/list-identities", b"{}")
    assert len(current.json()["EmailIdentities"]) == 3
    # PutEmailIdentityDkimSigningAttributes once lived under /v1/.
    old = signed(
        server,
        "PUT",
        "/v1/email/identities/a.example.com/dkim/signing",
        b'{"SigningAttributesOrigin": "AWS_SES"}',
    )
    assert old.status == 200, old
    assert len(old.json()["DkimTokens"]) == 3


# ------------------------------------------------------------------ SigV4a


def test_local_extra_installs_cryptography() -> None:
    project = tomllib.loads(Path("pyproject.toml").read_text())["project"]
    local = project["optional-dependencies"]["local"]
    assert any(dep.startswith("cryptography") for dep in local)
    assert any(dep.startswith("aiosmtpd") for dep in local)


def _v4a_request(server: LocalServer, key: str, secret: str) -> HttpRequest:
    request = HttpRequest("GET", server.url + "/v2/email/account", {}, b"")
    SigV4aSigner().sign(request, Credentials(key, secret), region_set="*")
    return request


def test_sigv4a_is_verified(reset: None) -> None:
    with LocalServer(credentials={"AKV4A": "v4a-secret"}) as server:
        request = _v4a_request(server, "AKV4A", "v4a-secret")
        reply = raw(server, "GET", "/v2/email/account", headers=dict(request.headers))
        assert reply.status == 200, reply
        bad = _v4a_request(server, "AKV4A", "another-secret")
        reply = raw(server, "GET", "/v2/email/account", headers=dict(bad.headers))
        assert (reply.status, reply.code) == (403, "SignatureDoesNotMatch")


def test_sigv4a_without_cryptography_is_a_clear_client_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with LocalServer(credentials={"AKNOCRYPTO": "no-crypto-secret"}) as server:
        request = _v4a_request(server, "AKNOCRYPTO", "no-crypto-secret")
        monkeypatch.setitem(sys.modules, "cryptography", None)
        reply = raw(server, "GET", "/v2/email/account", headers=dict(request.headers))
    assert (reply.status, reply.code) == (400, "InvalidSignatureException")
    assert "cryptography" in reply.json()["message"]


# ------------------------------------------------------------- bad bodies


def test_deeply_nested_json_is_a_400(server: LocalServer, reset: None) -> None:
    for depth in (50, 100_000):
        body = b'{"Tags": ' + b"[" * depth + b"]" * depth + b"}"
        reply = signed(server, "POST", "/v2/email/configuration-sets", body)
        assert (reply.status, reply.code) == (400, "BadRequestException"), reply
        assert "nests deeper" in reply.json()["message"]


def test_invalid_json_to_admin_switches_is_a_400(server: LocalServer, reset: None) -> None:
    for path in ("/_aws/ses/bulk-faults", "/_aws/ses/delivery-delays", "/_aws/ses/faults"):
        for body in (b"{not json", b"[" * 10_000, b'"a string"', b'{"statuses": [["x"]]}'):
            reply = raw(server, "POST", path, body, {"Content-Type": "application/json"})
            assert reply.status == 400, (path, body[:20], reply)
            assert reply.json()["message"]
    reply = admin_json(server, "POST", "/_aws/ses/delivery-delays", {"delayType": ["x"]})
    assert reply.status == 400


# ----------------------------------------------------------- size limits


def _raw_send_body(size: int) -> bytes:
    head = b"From: me@example.com\r\nTo: you@example.com\r\nSubject: big\r\n\r\n"
    head += b"x" * (-len(head) % 3)
    rest = size - len(head)
    data = base64.b64encode(head) + b"eHh4" * (rest // 3) + base64.b64encode(b"x" * (rest % 3))
    return b'{"Content": {"Raw": {"Data": "' + data + b'"}}}'


def test_raw_message_over_40_mib_is_rejected(server: LocalServer, reset: None) -> None:
    signed(server, "POST", "/v2/email/identities", b'{"EmailIdentity": "example.com"}')
    # Just over SES's limit once decoded, but inside the request limit: refused by
    # the shared size rule, naming the field (as the client refuses it).
    reply = signed(server, "POST", "/v2/email/outbound-emails", _raw_send_body(40 * MIB + 1))
    assert (reply.status, reply.code) == (400, "BadRequestException"), reply
    assert "content.raw.data" in reply.json()["message"]
    assert "41,943,040" in reply.json()["message"]
    # 41 and 50 MiB do not fit in a request at all.
    for size in (41 * MIB, 50 * MIB):
        length = size * 4 // 3 + 30
        reply = _declared(server, length, signed_request=True)
        assert (reply.status, reply.code) == (413, "RequestEntityTooLargeException"), reply
    assert admin(server, "GET", "/_aws/ses") == {"messages": []}


def _declared(server: LocalServer, length: int, *, signed_request: bool) -> Any:
    """Headers declaring ``length`` body bytes, and no body: the answer must not wait."""
    headers = {"Content-Type": "application/json", "Content-Length": str(length)}
    if signed_request:
        request = HttpRequest("POST", server.url + "/v2/email/outbound-emails", headers, b"")
        from aws_ses.signing import SigV4Signer

        SigV4Signer().sign(request, Credentials("test", "test"), region="us-east-1")
        headers = dict(request.headers)
        headers["Content-Length"] = str(length)
    started = time.monotonic()
    reply = raw(server, "POST", "/v2/email/outbound-emails", headers=headers, timeout=10)
    assert time.monotonic() - started < 4  # it answered without waiting for the body
    return reply


def test_unsigned_huge_body_is_refused_before_it_is_read(server: LocalServer) -> None:
    reply = _declared(server, 150 * MIB, signed_request=False)
    assert (reply.status, reply.code) == (403, "MissingAuthenticationToken")


def test_streamed_body_is_cut_off_at_the_limit(server: LocalServer) -> None:
    request = HttpRequest("POST", server.url + "/v2/email/outbound-emails", {}, b"")
    from aws_ses.signing import SigV4Signer

    SigV4Signer().sign(request, Credentials("test", "test"), region="us-east-1")
    headers = {
        k: v for k, v in request.headers.items() if k.lower() not in ("content-length", "host")
    }
    head = f"POST /v2/email/outbound-emails HTTP/1.1\r\nHost: {server.host}:{server.port}\r\n"
    head += "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    head += "Transfer-Encoding: chunked\r\n\r\n"
    chunk = b"%x\r\n" % MIB + b"a" * MIB + b"\r\n"
    sent = 0
    with socket.create_connection((server.host, server.port), timeout=10) as sock:
        sock.sendall(head.encode())
        try:
            while sent < MAX_REQUEST_BYTES + 4 * MIB:
                sock.sendall(chunk)
                sent += MIB
        except (BrokenPipeError, ConnectionResetError):
            pass
        reply = sock.recv(65536)
    assert reply.startswith(b"HTTP/1.1 413"), reply[:200]
    assert b"RequestEntityTooLargeException" in reply


# ------------------------------------------------------------------ reset


def test_reset_while_sends_are_in_flight_never_fails_them(server: LocalServer, reset: None) -> None:
    statuses: list[int] = []
    stop = threading.Event()
    body = json.dumps(
        {
            "FromEmailAddress": "me@example.com",
            "Destination": {"ToAddresses": ["success@simulator.amazonses.com"]},
            "Content": {"Simple": {"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "t"}}}},
        }
    ).encode()

    def sender() -> None:
        while not stop.is_set():
            signed(server, "POST", "/v2/email/identities", b'{"EmailIdentity": "example.com"}')
            statuses.append(signed(server, "POST", "/v2/email/outbound-emails", body).status)

    threads = [threading.Thread(target=sender) for _ in range(4)]
    for thread in threads:
        thread.start()
    resets = []
    for _ in range(25):
        resets.append(admin_json(server, "DELETE", "/_aws/ses/state").status)
        time.sleep(0.01)
    stop.set()
    for thread in threads:
        thread.join()
    assert set(resets) == {200}
    assert statuses and all(s < 500 for s in statuses), sorted(set(statuses))
    assert 200 in statuses


# ---------------------------------------------------------------- read-back


def test_read_back_pages_and_can_leave_bodies_out(server: LocalServer, reset: None) -> None:
    signed(server, "POST", "/v2/email/identities", b'{"EmailIdentity": "example.com"}')
    for i in range(5):
        body = {
            "FromEmailAddress": "me@example.com",
            "Destination": {"ToAddresses": [f"r{i}@example.org"]},
            "Content": {"Simple": {"Subject": {"Data": f"n{i}"}, "Body": {"Text": {"Data": "t"}}}},
        }
        reply = signed(server, "POST", "/v2/email/outbound-emails", json.dumps(body).encode())
        assert reply.status == 200, reply
    subjects: list[str] = []
    query = "limit=2&bodies=false"
    pages = 0
    while True:
        page = admin(server, "GET", "/_aws/ses?" + query)
        pages += 1
        for message in page["messages"]:
            assert "RawData" not in message and "Body" not in message
            subjects.append(message["Subject"])
        if "next_token" not in page:
            break
        query = f"limit=2&bodies=false&next_token={page['next_token']}"
    assert (pages, subjects) == (3, ["n0", "n1", "n2", "n3", "n4"])
    full = admin(server, "GET", "/_aws/ses?limit=1")
    assert "Subject: n0" in full["messages"][0]["RawData"]
    assert full["messages"][0]["Body"]["text_part"].strip() == "t"
    assert len(server.messages(bodies=False)) == 5
    for bad in ("limit=0", "limit=x", "next_token=%%%", "bodies=maybe"):
        assert raw(server, "GET", "/_aws/ses?" + bad).status == 400
