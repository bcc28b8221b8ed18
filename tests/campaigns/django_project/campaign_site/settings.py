"""Settings of the test project; the test passes the engines' addresses in the environment."""

import os

SECRET_KEY = "tests-only"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1"]
INSTALLED_APPS = ["aws_ses.contrib.django"]  # for the ses_campaign command
DATABASES: dict[str, dict[str, str]] = {}
ROOT_URLCONF = "campaign_site.urls"
USE_TZ = True

DEFAULT_FROM_EMAIL = "News <news@example.com>"
EMAIL_BACKEND = "aws_ses.contrib.django.EmailBackend"
AWS_SES_REGION = "us-east-1"
AWS_SES_ENDPOINT_URL = os.environ["TEST_SES_URL"]

# The project's own Celery app enqueues; the campaign workers consume the queue.
CELERY_BROKER_URL = os.environ["TEST_REDIS_URL"]
AWS_SES_CAMPAIGNS_REDIS_URL = os.environ["TEST_REDIS_URL"]
AWS_SES_CAMPAIGNS_CELERY_APP = "campaign_site.celery:app"
AWS_SES_CAMPAIGNS_QUEUE = os.environ["TEST_QUEUE"]
AWS_SES_CAMPAIGNS_SES = {"rate_limit": 2000}
