"""Interop over real HTTP with moto's server, its IAM signature check switched on.

moto implements a part of SES v2 (sending, identities, configuration sets,
contact lists, dedicated IP pools, tags); for those, our client must work
against it unchanged, and moto must accept our SigV4 signatures.

moto's signature check recomputes GET and DELETE signatures wrongly (boto3's
own requests fail it the same way), so the check is switched on around the
POST and PUT calls (``signed()``) and off for the reads and deletes.
"""

from __future__ import annotations

import json
import socket
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from aws_ses import SesClient
from aws_ses.auth import Credentials
from aws_ses.errors import NotFoundException, SesServiceError

moto_server = pytest.importorskip("moto.server")
boto3 = pytest.importorskip("boto3")

pytestmark = pytest.mark.interop


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def moto_url() -> Iterator[str]:
    port = _free_port()
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


def _set_auth(url: str, initial_no_auth: str) -> None:
    req = urllib.request.Request(
        f"{url}/moto-api/reset-auth",
        data=initial_no_auth.encode(),
        method="POST",
        # A form content type would make the server parse the body away.
        headers={"Content-Type": "text/plain"},
    )
    urllib.request.urlopen(req).read()


class Auth:
    """Switches moto's signature check on for a block of POST/PUT calls."""

    def __init__(self, url: str) -> None:
        self.url = url

    @contextmanager
    def signed(self) -> Iterator[None]:
        _set_auth(self.url, "0")
        try:
            yield
        finally:
            _set_auth(self.url, "inf")


@pytest.fixture(scope="module")
def auth(moto_url: str) -> Auth:
    return Auth(moto_url)


@pytest.fixture(scope="module")
def iam_credentials(moto_url: str) -> Credentials:
    """A real IAM user in moto, allowed everything; then signatures are enforced."""
    iam = boto3.client(
        "iam",
        endpoint_url=moto_url,
        region_name="us-east-1",
        aws_access_key_id="bootstrap",
        aws_secret_access_key="bootstrap",
    )
    iam.create_user(UserName="ses-interop")
    iam.put_user_policy(
        UserName="ses-interop",
        PolicyName="all",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
            }
        ),
    )
    key = iam.create_access_key(UserName="ses-interop")["AccessKey"]
    return Credentials(key["AccessKeyId"], key["SecretAccessKey"])


@pytest.fixture
def client(moto_url: str, iam_credentials: Credentials) -> Iterator[SesClient]:
    with SesClient(region="us-east-1", endpoint_url=moto_url, credentials=iam_credentials) as c:
        yield c


def test_wrong_secret_is_refused_by_moto(
    moto_url: str, iam_credentials: Credentials, auth: Auth
) -> None:
    bad = Credentials(iam_credentials.access_key_id, "not-the-secret")
    with (
        SesClient(region="us-east-1", endpoint_url=moto_url, credentials=bad) as c,
        auth.signed(),
        pytest.raises(SesServiceError) as info,
    ):
        c.create_email_identity(email_identity="refused.example.com")
    assert info.value.status == 403
    assert info.value.code == "SignatureDoesNotMatch"


def test_identities(client: SesClient, auth: Auth) -> None:
    with auth.signed():
        client.identities.create(
            email_identity="interop.example.com", tags=[{"key": "k", "value": "v"}]
        )
        client.identities.create(email_identity="sender@interop.example.com")
        # ListEmailIdentities is a POST: paged through with signatures checked.
        names = {i.identity_name for i in client.iter_email_identities(page_size=1)}
    assert {"interop.example.com", "sender@interop.example.com"} <= names
    got = client.identities.get(email_identity="interop.example.com")
    assert got.identity_type == "DOMAIN"
    assert [(t.key, t.value) for t in got.tags or []] == [("k", "v")]
    client.identities.delete(email_identity="sender@interop.example.com")
    with pytest.raises(NotFoundException):
        client.identities.get(email_identity="sender@interop.example.com")


def test_send_simple_and_raw(client: SesClient, auth: Auth) -> None:
    with auth.signed():
        # moto (like SES) requires a verified sender identity.
        client.identities.create(email_identity="from@interop.example.com")
        simple, raw = _send_both(client)
    assert simple.message_id
    assert raw.message_id and raw.message_id != simple.message_id


def _send_both(client: SesClient) -> tuple[Any, Any]:
    simple = client.send_email(
        from_email_address="from@interop.example.com",
        destination={"to_addresses": ["to@example.com"]},
        content={"simple": {"subject": {"data": "Hello"}, "body": {"text": {"data": "Body"}}}},
    )
    raw_message = (
        b"From: from@interop.example.com\r\nTo: to@example.com\r\n"
        b"Subject: Raw hello\r\nContent-Type: text/plain\r\n\r\nRaw body\r\n"
    )
    raw = client.send_email(
        from_email_address="from@interop.example.com",
        destination={"to_addresses": ["to@example.com"]},
        content={"raw": {"data": raw_message}},
    )
    return simple, raw


def test_configuration_sets(client: SesClient, auth: Auth) -> None:
    with auth.signed():
        client.configuration_sets.create(
            configuration_set_name="interop-set",
            delivery_options={"tls_policy": "REQUIRE"},
        )
        listed = client.configuration_sets.list()  # a POST
    assert "interop-set" in (listed.configuration_sets or [])
    got = client.configuration_sets.get(configuration_set_name="interop-set")
    assert got.configuration_set_name == "interop-set"
    client.configuration_sets.delete(configuration_set_name="interop-set")
    with pytest.raises(NotFoundException):
        client.configuration_sets.get(configuration_set_name="interop-set")


def test_contact_lists(client: SesClient, auth: Auth) -> None:
    with auth.signed():
        client.contact_lists.create(
            contact_list_name="news",
            topics=[
                {
                    "topic_name": "weekly",
                    "display_name": "Weekly",
                    "default_subscription_status": "OPT_IN",
                }
            ],
        )
        client.contact_lists.create_contact(contact_list_name="news", email_address="r@example.com")
        contacts = client.contact_lists.list_contacts(contact_list_name="news").contacts
    assert [c.email_address for c in contacts or []] == ["r@example.com"]
    contact = client.contact_lists.get_contact(
        contact_list_name="news", email_address="r@example.com"
    )
    assert contact.email_address == "r@example.com"
    client.contact_lists.delete_contact(contact_list_name="news", email_address="r@example.com")
    client.contact_lists.delete(contact_list_name="news")


def test_dedicated_ip_pools_and_tags(client: SesClient, auth: Auth) -> None:
    with auth.signed():
        client.dedicated_ips.create_pool(pool_name="interop-pool", scaling_mode="STANDARD")
    assert "interop-pool" in (client.dedicated_ips.list_pools().dedicated_ip_pools or [])
    pool = client.dedicated_ips.get_pool(pool_name="interop-pool")
    assert pool.dedicated_ip_pool is not None
    assert pool.dedicated_ip_pool.pool_name == "interop-pool"
    client.dedicated_ips.delete_pool(pool_name="interop-pool")

    arn = "arn:aws:ses:us-east-1:123456789012:configuration-set/tagged"
    with auth.signed():
        client.configuration_sets.create(configuration_set_name="tagged")
        client.tags.tag(resource_arn=arn, tags=[{"key": "team", "value": "mail"}])
    tags = client.tags.list(resource_arn=arn).tags or []
    assert [(t.key, t.value) for t in tags] == [("team", "mail")]
    client.tags.untag(resource_arn=arn, tag_keys=["team"])
    assert client.tags.list(resource_arn=arn).tags == []
