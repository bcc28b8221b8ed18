"""The project's Celery app, configured from Django settings as Celery's Django guide does."""

import os

from celery import Celery

from aws_ses.campaigns import configure_app

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "campaign_site.settings")

app = Celery("campaign_site")
app.config_from_object("django.conf:settings", namespace="CELERY")
configure_app(app)  # the campaign task's settings; the ledger on the broker's Redis
