"""``aws-ses demo``: send mail through the embedded local SES v2 server and show what arrived.

This is what the README's first command (``./scripts/demo.sh``) runs. It uses
only the public library: ``LocalServer``, the typed operations, the template
and email builders, and ``send_bulk``.
"""

from __future__ import annotations

import json
import time
import urllib.request
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from aws_ses.local import LocalServer

__all__ = ["demo", "run"]

SENDER = "demo@aws-ses.example"


def read_back(server: LocalServer) -> list[dict[str, Any]]:
    with urllib.request.urlopen(f"{server.url}/_aws/ses") as response:
        return list(json.load(response)["messages"])


def run(port: int = 0, serve: bool = False) -> None:
    """Run the demo on ``port`` (0: any free port); ``serve`` keeps the server up."""
    from aws_ses.bulk import BulkEntry
    from aws_ses.local import LocalServer

    with LocalServer(port=port) as server:
        print(f"local SES v2 server: {server.url}   (access key 'test', secret 'test')")
        ses = server.client()
        ses.identities.create(email_identity=SENDER)

        # 1. A simple mail, through the typed operation.
        simple = ses.send_email(
            from_email_address=SENDER,
            destination={"to_addresses": ["ada@example.com"]},
            content={
                "simple": {
                    "subject": {"data": "Hello from aws-ses"},
                    "body": {"text": {"data": "A simple message."}},
                }
            },
        )
        print(f"simple mail sent: {simple.message_id}")

        # 2. A templated mail.
        ses.template_builder("welcome").subject("Welcome, {{name}}!").html(
            "<h1>Hi {{name}}</h1><p>Your plan: {{plan}}</p>"
        ).text("Hi {{name}}, your plan: {{plan}}").create()
        templated = ses.send_templated_email(
            SENDER, "grace@example.com", "welcome", {"name": "Grace", "plan": "Pro"}
        )
        print(f"templated mail sent: {templated.message_id}")

        # 3. A mail with an attachment, built fluently.
        with_attachment = (
            ses.email_builder()
            .from_name("aws-ses demo", SENDER)
            .to("linus@example.com")
            .subject("Your report")
            .body("The report is attached.", "<p>The report is <b>attached</b>.</p>")
            .attach_bytes("report.csv", "text/csv", b"month,sent\nnovember,42\n")
            .tag("campaign", "demo")
            .send()
        )
        print(f"mail with attachment sent: {with_attachment.message_id}")

        # 4. A bulk send: one call per 50 recipients, results in order.
        entries = [
            BulkEntry(
                to=[f"reader{i}@example.com"], template_data={"name": f"Reader {i}", "plan": "Free"}
            )
            for i in range(1, 4)
        ]
        bulk = ses.send_bulk(SENDER, "welcome", entries)
        print(f"bulk send: {len(bulk.succeeded)} of {len(bulk.results)} accepted")

        print("\nwhat the server received:")
        for message in read_back(server):
            to = ", ".join(message["Destination"].get("ToAddresses", []))
            attachments = ", ".join(a["filename"] for a in message.get("Attachments") or [])
            line = f"  {message['Subject']!r:32} to {to}"
            print(line + (f"  [attachments: {attachments}]" if attachments else ""))
        print(f"\nweb inbox: {server.inbox_url}")

        if serve:
            print("serving; press Ctrl+C to stop")
            try:
                while True:
                    time.sleep(3600)
            except KeyboardInterrupt:
                pass


def demo(
    port: Annotated[int, typer.Option("--port", help="Server port (0: any free port).")] = 0,
    serve: Annotated[
        bool, typer.Option("--serve", help="Keep the server and its web inbox running after.")
    ] = False,
) -> None:
    """Start the local SES v2 server, send a few mails through it, show what arrived."""
    run(port, serve)
