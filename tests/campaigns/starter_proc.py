"""A campaign starter that SIGKILLs itself, run as a subprocess by test_recovery.py.

    python -m tests.campaigns.starter_proc REDIS_URL SES_URL QUEUE CAMPAIGN_ID CSV DIE_AT

It starts the campaign as any program would, except that its Celery app's
``send_task`` kills the process on chunk DIE_AT: that chunk's ledger records
are written and its task never reaches the broker, and the rest of the CSV is
never read.
"""

from __future__ import annotations

import os
import signal
import sys
from typing import Any

from aws_ses.campaigns import make_app, start_campaign


def main(redis_url: str, ses_url: str, queue: str, cid: str, path: str, die_at: str) -> None:
    app = make_app(redis_url)
    real_send = app.send_task
    calls = 0

    def send_task(*args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls == int(die_at):
            os.kill(os.getpid(), signal.SIGKILL)
        return real_send(*args, **kwargs)

    app.send_task = send_task  # type: ignore[method-assign]
    start_campaign(
        path,
        from_="news@example.com",
        template="newsletter",
        ses={"endpoint_url": ses_url, "region": "us-east-1", "rate_limit": None},
        app=app,
        queue=queue,
        campaign_id=cid,
        check_suppression=False,
        background=False,
    )


if __name__ == "__main__":
    main(*sys.argv[1:7])
