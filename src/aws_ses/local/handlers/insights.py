"""Metrics (none are collected locally) and message insights built from the
events the server published.
"""

from __future__ import annotations

from typing import Any

from aws_ses.local.resources import not_found, parse_timestamp
from aws_ses.local.state import HandlerTable, ServerState

__all__ = ["handlers"]

handlers = HandlerTable()


@handlers.register("BatchGetMetricData")
def batch_get_metric_data(state: ServerState, params: dict[str, Any]) -> dict[str, Any]:
    # No metrics are collected locally: every query succeeds with no data points.
    results = [{"Id": q.get("Id"), "Timestamps": [], "Values": []} for q in params["Queries"]]
    return {"Results": results, "Errors": []}


@handlers.register("GetMessageInsights")
def get_message_insights(state: ServerState, params: dict[str, Any]) -> dict[str, Any]:
    message_id = str(params["MessageId"])
    doc = state.store.get("message", message_id)  # written by the sending side
    if doc is None:
        raise not_found(f"Message {message_id} does not exist.")
    destination = doc.get("Destination") or {}
    recipients = [
        *destination.get("ToAddresses", []),
        *destination.get("CcAddresses", []),
        *destination.get("BccAddresses", []),
    ]
    events = [e for _, e in state.store.list("event") if e.get("MessageId") == message_id]
    insights = []
    for recipient in recipients:
        seen = []
        for event in events:
            if event.get("Destination") is None and recipient in (event.get("Recipients") or []):
                try:
                    when = parse_timestamp(event.get("Timestamp"))
                except ValueError:
                    continue
                seen.append({"Timestamp": when, "Type": event.get("Type")})
        insights.append({"Destination": recipient, "Events": seen})
    return {
        "MessageId": message_id,
        "FromEmailAddress": doc.get("Source"),
        "Subject": doc.get("Subject"),
        "EmailTags": list(doc.get("Tags") or []),
        "Insights": insights,
    }
