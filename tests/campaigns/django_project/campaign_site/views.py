"""Start a campaign from a request, and a JSON progress endpoint."""

import json

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from aws_ses.campaigns.django_settings import start_from_settings, status_from_settings


@csrf_exempt
@require_POST
def start(request: HttpRequest) -> JsonResponse:
    body = json.loads(request.body)
    rows = ({"email": email, "name": email.split("@")[0]} for email in body["emails"])
    campaign_id = start_from_settings(rows, template=body["template"])  # returns at once
    return JsonResponse({"campaign_id": campaign_id}, status=202)


@require_GET
def status(request: HttpRequest, campaign_id: str) -> JsonResponse:
    try:
        found = status_from_settings(campaign_id)
    except KeyError as exc:
        return JsonResponse({"error": exc.args[0]}, status=404)
    return JsonResponse(found.as_dict())
