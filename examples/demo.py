"""Send mail through aws-ses to the embedded local SES v2 server and show what arrived.

Run it with ``./scripts/demo.sh`` (or ``python examples/demo.py``).
``--serve`` keeps the server and its web inbox running afterwards.
"""

from __future__ import annotations

import argparse
import json
import time
import urllib.request
from typing import Any

from aws_ses.bulk import BulkEntry
from aws_ses.local import LocalServer

SENDER = "demo@aws-ses.example"


def read_back(server: LocalServer) -> list[dict[str, Any]]:
    with urllib.request.urlopen(f"{server.url}/_aws/ses") as response:
        return list(json.load(response)["messages"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=0, help="server port (default: any free)")
    parser.add_argument("--serve", action="store_true", help="keep serving after the demo")
    args = parser.parse_args()

    with LocalServer(port=args.port) as server:
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

        if args.serve:
            print("serving; press Ctrl+C to stop")
            try:
                while True:
                    time.sleep(3600)
            except KeyboardInterrupt:
                pass


if __name__ == "__main__":
    main()
