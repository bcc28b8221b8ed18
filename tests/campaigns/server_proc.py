"""The local SES server in a process of its own: ``python -m tests.campaigns.server_proc``.

The 5,000-recipient campaign runs against it while other tests run, so its
server has an interpreter (and a GIL) of its own. Prints the URL once the
server has the sender domain and the template, and serves until stdin closes.
"""

from __future__ import annotations

import sys

from aws_ses.local import LocalServer

TEMPLATE = "newsletter"


def main() -> None:
    server = LocalServer(max_send_rate=100_000.0, max_24_hour_send=10_000_000)
    server.start()
    with server.client() as client:
        client.create_email_identity(email_identity="example.com")
        client.create_email_template(
            template_name=TEMPLATE,
            template_content={"subject": "News for {{name}}", "text": "Hello {{name}}"},
        )
    print(server.url, flush=True)
    sys.stdin.read()  # until the test closes our stdin (or dies)
    server.stop()


if __name__ == "__main__":
    main()
