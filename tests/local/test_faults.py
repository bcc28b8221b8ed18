"""Fault injection: ``/_aws/ses/faults`` makes the next calls fail, wait or drop."""

from __future__ import annotations

import time
import urllib.error
from typing import Any

import pytest
from botocore.exceptions import ClientError, ConnectionClosedError

from aws_ses.errors import SesServiceError, SesTransportError
from aws_ses.local import LocalServer, create_app
from aws_ses.local.app import ConnectionDropped
from aws_ses.transport.asgi import SyncASGITransport
from aws_ses.transport.base import HttpRequest, Timeout

from .conftest import admin

pytestmark = pytest.mark.usefixtures("reset")


def code_and_status(info: pytest.ExceptionInfo[ClientError]) -> tuple[str, int, str]:
    response: Any = info.value.response
    return (
        response["Error"]["Code"],
        response["ResponseMetadata"]["HTTPStatusCode"],
        response["Error"]["Message"],
    )


def test_next_n_calls_fail_then_calls_succeed(server: LocalServer, boto3_client: Any) -> None:
    queued = admin(
        server,
        "POST",
        "/_aws/ses/faults",
        {"count": 2, "status": 503, "code": "ServiceUnavailable", "message": "try later"},
    )
    assert queued["fault"]["remaining"] == 2
    for _ in range(2):
        with pytest.raises(ClientError) as info:
            boto3_client.list_email_identities()
        assert code_and_status(info) == ("ServiceUnavailable", 503, "try later")
    assert boto3_client.list_email_identities()["EmailIdentities"] == []
    assert admin(server, "GET", "/_aws/ses/faults") == {"faults": []}


def test_operation_specific_fault_hits_only_that_operation(
    server: LocalServer, boto3_client: Any
) -> None:
    admin(
        server,
        "POST",
        "/_aws/ses/faults",
        {"operation": "GetAccount", "code": "TooManyRequestsException"},
    )
    # Other operations pass untouched and do not use the fault up.
    boto3_client.list_email_identities()
    boto3_client.create_email_identity(EmailIdentity="example.com")
    with pytest.raises(ClientError) as info:
        boto3_client.get_account()
    code, status, message = code_and_status(info)
    assert (code, status) == ("TooManyRequestsException", 429)
    assert message == "Injected fault: TooManyRequestsException"
    assert boto3_client.get_account()["SendingEnabled"] is True


def test_status_alone_picks_a_code(server: LocalServer, boto3_client: Any) -> None:
    admin(server, "POST", "/_aws/ses/faults", {"status": 500})
    with pytest.raises(ClientError) as info:
        boto3_client.get_account()
    assert code_and_status(info)[:2] == ("InternalFailure", 500)


def test_latency_delays_the_call(server: LocalServer, boto3_client: Any) -> None:
    admin(server, "POST", "/_aws/ses/faults", {"latency": 0.3, "operation": "GetAccount"})
    started = time.monotonic()
    boto3_client.get_account()  # a pure delay: the call still succeeds
    assert time.monotonic() - started >= 0.25
    started = time.monotonic()
    boto3_client.get_account()
    assert time.monotonic() - started < 0.25


def test_latency_then_error(server: LocalServer, boto3_client: Any) -> None:
    admin(server, "POST", "/_aws/ses/faults", {"latency": 0.2, "status": 503})
    started = time.monotonic()
    with pytest.raises(ClientError) as info:
        boto3_client.get_account()
    assert time.monotonic() - started >= 0.15
    assert code_and_status(info)[:2] == ("ServiceUnavailable", 503)


def test_drop_connection_is_a_connection_error(server: LocalServer, boto3_client: Any) -> None:
    admin(server, "POST", "/_aws/ses/faults", {"drop_connection": True, "operation": "GetAccount"})
    with pytest.raises(ConnectionClosedError):
        boto3_client.get_account()
    assert boto3_client.get_account()["SendingEnabled"] is True


def test_drop_connection_with_the_aws_ses_client(server: LocalServer) -> None:
    admin(server, "POST", "/_aws/ses/faults", {"drop_connection": True})
    with server.client() as client:
        # A single attempt surfaces the dropped connection, as possibly received.
        with pytest.raises(SesTransportError) as info:
            client.with_options(max_attempts=1).get_account()
        assert info.value.maybe_sent is True
        admin(server, "POST", "/_aws/ses/faults", {"drop_connection": True})
        # GetAccount sends no mail, so the default policy retries it.
        assert client.get_account().sending_enabled is True


def test_faults_apply_to_the_aws_ses_client(server: LocalServer) -> None:
    admin(
        server, "POST", "/_aws/ses/faults", {"code": "NotFoundException", "operation": "GetAccount"}
    )
    with server.client() as client, pytest.raises(SesServiceError) as info:
        client.get_account()
    assert (info.value.code, info.value.status) == ("NotFoundException", 404)


def test_list_and_clear(server: LocalServer) -> None:
    admin(server, "POST", "/_aws/ses/faults", {"operation": "SendEmail", "count": 3, "status": 500})
    admin(server, "POST", "/_aws/ses/faults", {"latency": 1.5})
    listed = admin(server, "GET", "/_aws/ses/faults")["faults"]
    assert [(f["operation"], f["remaining"], f["status"], f["latency"]) for f in listed] == [
        ("SendEmail", 3, 500, 0.0),
        (None, 1, None, 1.5),
    ]
    assert admin(server, "DELETE", "/_aws/ses/faults") == {"cleared": 2}
    assert admin(server, "GET", "/_aws/ses/faults") == {"faults": []}


@pytest.mark.parametrize(
    "spec",
    [
        {"operation": "NoSuchOperation"},
        {"count": 0},
        {"count": "2"},
        {"status": 200},
        {"latency": -1},
        {"code": ""},
    ],
)
def test_bad_fault_specs_are_refused(server: LocalServer, spec: dict[str, Any]) -> None:
    with pytest.raises(urllib.error.HTTPError) as info:
        admin(server, "POST", "/_aws/ses/faults", spec)
    assert info.value.code == 400


def test_reset_clears_state(server: LocalServer, boto3_client: Any) -> None:
    boto3_client.create_email_template(
        TemplateName="t", TemplateContent={"Subject": "s", "Text": "t"}
    )
    admin(server, "POST", "/_aws/ses/faults", {"status": 500, "operation": "GetAccount"})
    assert admin(server, "DELETE", "/_aws/ses/state") == {"reset": True}
    assert boto3_client.list_email_templates()["TemplatesMetadata"] == []
    assert admin(server, "GET", "/_aws/ses/faults") == {"faults": []}
    boto3_client.get_account()


def test_admin_responses_carry_a_request_id(server: LocalServer) -> None:
    import urllib.request

    with urllib.request.urlopen(server.url + "/_aws/ses/faults", timeout=10) as response:
        assert len(response.headers["x-amzn-RequestId"]) == 36


def test_drop_connection_in_process_raises() -> None:
    app = create_app(auth=False)
    state = app.state.ses
    from aws_ses.local.faults import add_fault

    add_fault(state, {"drop_connection": True})
    with SyncASGITransport(app) as transport:
        request = HttpRequest("GET", "http://local/v2/email/account")
        with pytest.raises(ConnectionDropped):
            transport.send(request, timeout=Timeout())
        ok = transport.send(HttpRequest("GET", "http://local/v2/email/account"), timeout=Timeout())
        assert ok.status == 200
