"""Read-back endpoints and the web inbox of the local SES v2 server."""

from __future__ import annotations

import base64
import html
import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from starlette.applications import Starlette

from aws_ses.local import create_app, quota
from aws_ses.local.state import ServerState
from aws_ses.transport.asgi import SyncASGITransport
from aws_ses.transport.base import HttpRequest, Timeout

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


class Reply:
    def __init__(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.status_code, self.headers, self.content = status, headers, body

    @property
    def text(self) -> str:
        return self.content.decode()

    def json(self) -> Any:
        return json.loads(self.content)


class Client:
    """Just enough of an HTTP client over the library's in-process ASGI transport."""

    def __init__(self, app: Starlette) -> None:
        self._transport = SyncASGITransport(app)

    def request(
        self, method: str, path: str, params: dict[str, str] | None = None, body: Any = None
    ) -> Reply:
        url = "http://local" + path + ("?" + urlencode(params) if params else "")
        data = json.dumps(body).encode() if body is not None else b""
        headers = {"Content-Type": "application/json"} if data else {}
        response = self._transport.send(HttpRequest(method, url, headers, data), timeout=Timeout())
        return Reply(response.status, response.headers, response.body)

    def get(self, path: str, **params: str) -> Reply:
        return self.request("GET", path, params or None)

    def close(self) -> None:
        self._transport.close()


@pytest.fixture
def app() -> Starlette:
    application = create_app(auth=False)
    state: ServerState = application.state.ses
    state.clock = lambda: 1_700_000_000.0
    state.store.put(
        "identity", "example.com", {"IdentityType": "DOMAIN", "VerifiedForSendingStatus": True}
    )
    return application


@pytest.fixture
def state(app: Starlette) -> ServerState:
    st: ServerState = app.state.ses
    return st


@pytest.fixture
def http(app: Starlette) -> Iterator[Client]:
    client = Client(app)
    yield client
    client.close()


def send(
    state: ServerState,
    *to: str,
    sender: str = "me@example.com",
    subject: str = "Hello",
    text: str | None = "Hi",
    html_body: str | None = None,
    **simple: Any,
) -> str:
    body: dict[str, Any] = {}
    if text is not None:
        body["Text"] = {"Data": text}
    if html_body is not None:
        body["Html"] = {"Data": html_body}
    params = {
        "FromEmailAddress": sender,
        "Destination": {"ToAddresses": list(to)},
        "Content": {"Simple": {"Subject": {"Data": subject}, "Body": body, **simple}},
    }
    return str(state.handlers["SendEmail"](state, params)["MessageId"])


def send_raw(state: ServerState, raw: bytes) -> str:
    params = {"Content": {"Raw": {"Data": base64.b64encode(raw).decode()}}}
    return str(state.handlers["SendEmail"](state, params)["MessageId"])


# --------------------------------------------------------------- read-back


def test_filters_by_id_and_by_address(state: ServerState, http: Client) -> None:
    first = send(state, "Ann@Example.org")
    second = send(state, "bob@example.org", sender="Team <team@example.com>")
    third = state.handlers["SendEmail"](
        state,
        {
            "FromEmailAddress": "me@example.com",
            "Destination": {"ToAddresses": ["x@example.org"], "BccAddresses": ["ann@example.org"]},
            "Content": {"Simple": {"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "t"}}}},
        },
    )["MessageId"]

    everything = http.get("/_aws/ses").json()["messages"]
    assert [m["Id"] for m in everything] == [first, second, third]
    assert [m["Id"] for m in http.get("/_aws/ses", id=second).json()["messages"]] == [second]
    assert http.get("/_aws/ses", id="nope").json() == {"messages": []}
    by_ann = http.get("/_aws/ses", email="ANN@example.org").json()["messages"]
    assert [m["Id"] for m in by_ann] == [first, third]
    by_sender = http.get("/_aws/ses", email="team@example.com").json()["messages"]
    assert [m["Id"] for m in by_sender] == [second]
    assert {
        "Id",
        "Source",
        "Destination",
        "Subject",
        "Body",
        "RawData",
        "Attachments",
        "Tags",
        "Timestamp",
        "Status",
        "ConfigurationSetName",
        "Template",
    } <= set(everything[0])


def test_delete_clears_messages_events_and_quota(state: ServerState, http: Client) -> None:
    send(state, "a@example.org")
    assert quota.sent_last_24_hours(state) == 1
    assert http.get("/_aws/ses/events").json()["events"]
    reply = http.request("DELETE", "/_aws/ses")
    assert reply.status_code == 204
    assert http.get("/_aws/ses").json() == {"messages": []}
    assert http.get("/_aws/ses/events").json() == {"events": []}
    assert quota.sent_last_24_hours(state) == 0


def test_events_endpoint_filters(state: ServerState, http: Client) -> None:
    state.store.put(
        "configuration_set",
        "cs",
        {"EventDestinations": [{"Name": "sns", "Enabled": True, "MatchingEventTypes": ["BOUNCE"]}]},
    )
    state.handlers["SendEmail"](
        state,
        {
            "FromEmailAddress": "me@example.com",
            "ConfigurationSetName": "cs",
            "Destination": {"ToAddresses": ["bounce@simulator.amazonses.com", "a@example.org"]},
            "Content": {"Simple": {"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "t"}}}},
        },
    )
    other = send(state, "b@example.org")
    types = [e["Type"] for e in http.get("/_aws/ses/events").json()["events"]]
    assert types == ["SEND", "DELIVERY", "BOUNCE", "SEND", "DELIVERY"]
    for spelling in ("BOUNCE", "Bounce", "bounce"):
        assert len(http.get("/_aws/ses/events", type=spelling).json()["events"]) == 1
    assert http.get("/_aws/ses/events", type="Rendering Failure").json() == {"events": []}
    assert http.get("/_aws/ses/events", type="nonsense").json() == {"events": []}
    routed = http.get("/_aws/ses/events", destination="sns").json()["events"]
    assert [(e["Type"], e["Destination"]) for e in routed] == [("BOUNCE", "sns")]
    by_message = http.get("/_aws/ses/events", message_id=other).json()["events"]
    assert [e["Type"] for e in by_message] == ["SEND", "DELIVERY"]
    bounce = http.get("/_aws/ses/events", type="BOUNCE").json()["events"][0]
    assert bounce["Destinations"] == ["sns"] and bounce["Destination"] is None


# ---------------------------------------------------------------- downloads


def test_raw_download_is_byte_exact(state: ServerState, http: Client) -> None:
    raw = (
        b"From: me@example.com\r\nTo: a@example.org\r\nSubject: =?utf-8?q?caf=C3=A9?=\r\n"
        b"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=latin-1\r\n"
        b"Content-Transfer-Encoding: 8bit\r\n\r\nna\xefve \xe9t\xe9\r\n"
    )
    message_id = send_raw(state, raw)
    reply = http.get(f"/_aws/ses/messages/{message_id}/raw")
    assert reply.status_code == 200
    assert reply.content == raw
    assert reply.headers["content-type"] == "message/rfc822"
    assert f'filename="{message_id}.eml"' in reply.headers["content-disposition"]
    doc = http.get("/_aws/ses", id=message_id).json()["messages"][0]
    assert doc["Subject"] == "café"
    assert doc["Body"]["text_part"] == "naïve été\r\n"
    assert http.get("/_aws/ses/messages/nope/raw").status_code == 404


def test_attachment_downloads_are_byte_exact(state: ServerState, http: Client) -> None:
    binary = bytes(range(256)) * 40
    message_id = send(
        state,
        "a@example.org",
        html_body='<p>Logo: <img src="cid:logo@x"></p>',
        Attachments=[
            {
                "FileName": "data.bin",
                "RawContent": base64.b64encode(binary).decode(),
                "ContentType": "application/octet-stream",
            },
            {
                "FileName": "résumé été.pdf",
                "RawContent": base64.b64encode(b"%PDF-1.4").decode(),
                "ContentType": "application/pdf",
            },
            {
                "FileName": "logo.png",
                "RawContent": base64.b64encode(PNG).decode(),
                "ContentType": "image/png",
                "ContentDisposition": "INLINE",
                "ContentId": "logo@x",
            },
        ],
    )
    doc = http.get("/_aws/ses", id=message_id).json()["messages"][0]
    by_name = {meta["filename"]: index for index, meta in enumerate(doc["Attachments"])}
    assert set(by_name) == {"data.bin", "résumé été.pdf", "logo.png"}

    reply = http.get(f"/_aws/ses/messages/{message_id}/attachments/{by_name['data.bin']}")
    assert reply.status_code == 200
    assert reply.content == binary
    assert reply.headers["content-type"] == "application/octet-stream"
    assert reply.headers["content-disposition"] == (
        "attachment; filename=\"data.bin\"; filename*=UTF-8''data.bin"
    )

    reply = http.get(f"/_aws/ses/messages/{message_id}/attachments/{by_name['résumé été.pdf']}")
    assert reply.content == b"%PDF-1.4"
    assert reply.headers["content-disposition"] == (
        'attachment; filename="r_sum_ _t_.pdf"; '
        "filename*=UTF-8''r%C3%A9sum%C3%A9%20%C3%A9t%C3%A9.pdf"
    )

    logo = by_name["logo.png"]
    assert http.get(f"/_aws/ses/messages/{message_id}/attachments/{logo}").content == PNG
    assert doc["Attachments"][logo]["content_id"] == "logo@x"
    assert doc["Attachments"][logo]["disposition"] == "inline"
    assert http.get(f"/_aws/ses/messages/{message_id}/attachments/9").status_code == 404

    # The inbox points the cid: reference at the download.
    page = http.get(f"/_inbox/{message_id}").text
    assert html.escape(f"/_aws/ses/messages/{message_id}/attachments/{logo}") in page
    assert "cid:logo@x" not in page


# --------------------------------------------------------------------- HTML


def test_inbox_lists_newest_first_and_escapes_everything(state: ServerState, http: Client) -> None:
    older = send(state, "a@example.org", subject="First one")
    evil = send(
        state,
        "b@example.org",
        sender='"<b>Boss</b>" <boss@example.com>',
        subject="<script>alert('x')</script>",
    )
    reply = http.get("/_inbox")
    assert reply.status_code == 200
    assert reply.headers["content-type"].startswith("text/html")
    assert "script-src 'none'" in reply.headers["content-security-policy"]
    page = reply.text
    assert "<script>" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert "<b>Boss</b>" not in page
    assert page.index(f"/_inbox/{evil}") < page.index(f"/_inbox/{older}")
    assert "2023-11-14T22:13:20.000Z" in page
    assert "DELIVERED" in page


def test_message_page_sandboxes_the_html_part(state: ServerState, http: Client) -> None:
    body = '<h1 class="t">Hi &amp; bye</h1><script>alert("pwned")</script><p>it\'s</p>'
    message_id = send(
        state,
        "a@example.org",
        subject="<i>Subject</i> & co",
        text="plain <text>",
        html_body=body,
        Headers=[{"Name": "X-Note", "Value": "<b>n</b>"}],
    )
    page = http.get(f"/_inbox/{message_id}").text
    assert "<i>Subject</i>" not in page
    assert "&lt;i&gt;Subject&lt;/i&gt; &amp; co" in page
    assert "<pre>plain &lt;text&gt;</pre>" in page
    assert "&lt;b&gt;n&lt;/b&gt;" in page  # the header table
    iframe = re.search(r'<iframe sandbox title="HTML part" srcdoc="([^"]*)"></iframe>', page)
    assert iframe is not None
    # The attribute holds the exact HTML once unescaped, and no raw markup leaks out of it.
    assert html.unescape(iframe.group(1)) == body
    assert "<script>" not in page
    assert f'href="/_aws/ses/messages/{message_id}/raw"' in page


def test_unknown_message_page_is_404(http: Client) -> None:
    reply = http.get("/_inbox/<nope>")
    assert reply.status_code == 404
    assert "&lt;nope&gt;" in reply.text


def test_empty_inbox(http: Client) -> None:
    assert "No messages yet." in http.get("/_inbox").text


# ------------------------------------------------------------------ browser


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.mark.browser
def test_inbox_renders_in_headless_chromium(server: Any, boto3_client: Any, tmp_path: Path) -> None:
    binary = _chromium()
    if binary is None:
        pytest.skip("no chromium binary on PATH (Debian: apt-get install chromium)")
    boto3_client.create_email_identity(EmailIdentity="browser.example")
    subject = "Browser <check> ✓"
    message_id = boto3_client.send_email(
        FromEmailAddress="tester@browser.example",
        Destination={"ToAddresses": ["reader@example.org"]},
        Content={
            "Simple": {
                "Subject": {"Data": subject},
                "Body": {
                    "Html": {"Data": "<h1 style='color:#c00'>Rendered HTML part</h1>"},
                    "Text": {"Data": "Plain text part"},
                },
            }
        },
    )["MessageId"]
    url = f"{server.url}/_inbox/{message_id}"
    common = [
        binary,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={tmp_path / 'profile'}",
    ]
    shot = tmp_path / "inbox.png"
    subprocess.run(
        [*common, f"--screenshot={shot}", "--window-size=1200,800", url],
        check=True,
        capture_output=True,
        timeout=60,
    )
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 10_000  # a rendered page, not a blank canvas

    dom = subprocess.run(
        [*common, "--dump-dom", url], check=True, capture_output=True, timeout=60, text=True
    ).stdout
    assert html.escape(subject, quote=False) in dom
    assert "<iframe" in dom and "sandbox" in dom
    assert "Plain text part" in dom
