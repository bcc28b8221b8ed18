"""The local server in-process, a client that records what it sends, and raw calls.

Shared by ``test_rules.py`` and ``test_rules_properties.py``: the client's
checks and the server's checks are compared on the same inputs.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Mapping
from typing import Any

from aws_ses import SesClient
from aws_ses._http import HttpRequest, HttpResponse, Timeout
from aws_ses._model import operation, shape
from aws_ses.auth.credentials import Credentials
from aws_ses.local import create_app
from aws_ses.transport import SyncASGITransport
from aws_ses.transport.mock import MockTransport

ENDPOINT = "http://local.test"
SENDER = "sender@example.com"
TEMPLATE = "welcome"
CONFIGURATION_SET = "cs_1"


class Harness:
    """One in-process local server; ``client`` records every request it sends."""

    def __init__(self) -> None:
        # No signature checks for the raw calls, and no sending-rate limit:
        # the property tests send many messages at once.
        self.app = create_app(auth=False, max_send_rate=1e9, max_24_hour_send=1e12)
        self.asgi = SyncASGITransport(self.app)
        self.transport = MockTransport(lambda request: self.asgi.send(request, timeout=Timeout()))
        self.client = SesClient(
            region="us-east-1",
            endpoint_url=ENDPOINT,
            credentials=Credentials("test", "test"),
            transport=self.transport,
        )
        self.client.create_email_identity(email_identity="example.com")
        self.client.create_email_template(
            template_name=TEMPLATE,
            template_content={"subject": "Hi {{name}}", "text": "Hello {{name}}"},
        )
        self.client.create_configuration_set(configuration_set_name=CONFIGURATION_SET)
        self.transport.requests.clear()

    def raw(self, op_name: str, body: Mapping[str, Any]) -> HttpResponse:
        """POST a wire-form body to the server, with no client-side checks at all."""
        op = operation(op_name)
        request = HttpRequest(
            op.method,
            ENDPOINT + op.uri,
            {"Content-Type": "application/json"},
            json.dumps(body).encode(),
        )
        return self.asgi.send(request, timeout=Timeout())

    def close(self) -> None:
        self.asgi.close()


def wire(value: Any, shape_name: str) -> Any:
    """Python-named parameters in wire form, converted but never validated."""
    sh = shape(shape_name)
    if sh.kind == "structure" and isinstance(value, Mapping):
        out = {}
        for key, item in value.items():
            member = sh.lookup(key)
            assert member is not None, key
            out[member.wire] = wire(item, member.shape)
        return out
    if sh.kind == "list" and isinstance(value, list):
        return [wire(v, sh.member or "") for v in value]
    if sh.kind == "blob" and isinstance(value, bytes | bytearray):
        return base64.b64encode(value).decode("ascii")
    if sh.kind == "string" and isinstance(value, Mapping):  # template data given as a dict
        return json.dumps(value)
    return value


def input_wire(op_name: str, params: Mapping[str, Any]) -> Any:
    return wire(params, operation(op_name).input or "")


def server_path(client_path: str) -> str:
    """``content.simple.attachments[0].file_name`` as AWS writes it:
    ``content.simple.attachments.1.member.fileName``."""

    def camel(name: str) -> str:
        head, *rest = name.split("_")
        return head + "".join(part[:1].upper() + part[1:] for part in rest)

    path = re.sub(r"\[(\d+)\]", lambda m: f".{int(m.group(1)) + 1}.member", client_path)
    return ".".join(camel(part) for part in path.split("."))


def error_of(response: HttpResponse) -> tuple[int, str, str]:
    """(status, error code, message) of a server answer."""
    body = json.loads(response.body or b"{}")
    code = response.headers.get("x-amzn-errortype", "")
    if response.status >= 400:
        assert body.get("__type") == code, body
    return response.status, code, body.get("message", "")
