"""``python manage.py ses_campaign start|status|sweep``: campaigns with the project's settings.

Add ``"aws_ses.contrib.django"`` to ``INSTALLED_APPS`` for Django to find it.
The Redis, Celery app, queue, worker client settings and sender come from
the ``AWS_SES_CAMPAIGNS_*`` settings (:mod:`aws_ses.campaigns.django_settings`).
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import (  # type: ignore[import-untyped]
    BaseCommand,
    CommandError,
)


class Command(BaseCommand):  # type: ignore[misc]
    help = "Start a campaign from a CSV/JSONL file, show its status, or sweep orphaned chunks."

    def add_arguments(self, parser: Any) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        start = actions.add_parser("start", help="Start a campaign; prints its id.")
        start.add_argument("recipients", help="CSV or JSONL file with an 'email' column/field.")
        start.add_argument("--template", required=True, help="Name of the SES template.")
        start.add_argument("--from", dest="from_", help="Sender (default: the settings').")
        start.add_argument("--data", default="{}", help="Default template data, a JSON object.")
        start.add_argument("--campaign-id", help="Choose the id.")
        start.add_argument(
            "--resume", action="store_true", help="Finish --campaign-id, whose starter died."
        )
        start.add_argument(
            "--no-suppression", action="store_true", help="Do not skip suppressed addresses."
        )
        start.add_argument("--wait", action="store_true", help="Wait until done; print counts.")
        start.add_argument("--timeout", type=float, default=3600.0, help="Seconds --wait waits.")
        status = actions.add_parser("status", help="Counts per state, rate, ETA, errors (JSON).")
        status.add_argument("campaign_id")
        sweep = actions.add_parser("sweep", help="Enqueue chunks a dead starter never enqueued.")
        sweep.add_argument("campaign_id")
        sweep.add_argument("--grace", type=float, default=0.0, help="Only chunks this old (s).")

    def handle(self, *args: Any, **options: Any) -> None:
        from aws_ses.campaigns.django_settings import read_campaign_settings

        found = read_campaign_settings()
        try:
            getattr(self, f"_{options['action']}")(found, options)
        except KeyError as exc:  # no such campaign
            raise CommandError(str(exc.args[0])) from None

    def _start(self, found: Any, options: dict[str, Any]) -> None:
        from aws_ses.campaigns.control import wait
        from aws_ses.campaigns.django_settings import start_from_settings
        from aws_ses.campaigns.sources import SourceError
        from aws_ses.errors import SesValidationError

        try:
            data = json.loads(options["data"])
        except json.JSONDecodeError as exc:
            raise CommandError(f"--data is not JSON: {exc.msg}") from None
        if not isinstance(data, dict):
            raise CommandError("--data must be a JSON object")
        extra = {"from_": options["from_"]} if options["from_"] else {}
        try:
            cid = start_from_settings(
                options["recipients"],
                template=options["template"],
                default_data=data,
                campaign_id=options["campaign_id"],
                resume=options["resume"],
                check_suppression=not options["no_suppression"],
                background=False,
                **extra,
            )
        except (SesValidationError, SourceError, ValueError) as exc:  # SourceError: a bad file
            raise CommandError(str(exc)) from None
        self.stdout.write(cid)
        if options["wait"]:
            try:
                timeout = options["timeout"]
                done = wait(cid, redis_url=found.redis_url, app=found.app, timeout=timeout)
            except TimeoutError as exc:
                raise CommandError(str(exc)) from None
            self.stdout.write(json.dumps(done.as_dict()))

    def _status(self, found: Any, options: dict[str, Any]) -> None:
        from aws_ses.campaigns.control import campaign_status

        status = campaign_status(options["campaign_id"], redis_url=found.redis_url, app=found.app)
        self.stdout.write(json.dumps(status.as_dict()))

    def _sweep(self, found: Any, options: dict[str, Any]) -> None:
        from aws_ses.campaigns.control import sweep

        if options["grace"] < 0:
            raise CommandError("--grace is a number of seconds >= 0")
        result = sweep(
            options["campaign_id"], redis_url=found.redis_url, app=found.app, grace=options["grace"]
        )
        self.stdout.write(f"{result.chunks} chunks ({result.recipients} recipients) enqueued again")
