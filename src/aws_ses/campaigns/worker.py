"""A ready-made Celery app: ``celery -A aws_ses.campaigns.worker worker``.

It reads the Redis URL from ``AWS_SES_CAMPAIGNS_REDIS_URL``; AWS credentials
and region come from the worker's environment as for any client.
"""

from __future__ import annotations

from aws_ses.campaigns.celery_app import make_app

app = make_app()
