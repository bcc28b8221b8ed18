"""The deliverability dashboard option (no dashboard data is produced locally)."""

from __future__ import annotations

from typing import Any

from aws_ses.local.state import HandlerTable, ServerState

__all__ = ["handlers"]

handlers = HandlerTable()


_DASHBOARD = ("deliverability_dashboard", "options")


@handlers.register("PutDeliverabilityDashboardOption")
def put_deliverability_dashboard_option(
    state: ServerState, params: dict[str, Any]
) -> dict[str, Any]:
    doc = {
        "DashboardEnabled": params["DashboardEnabled"] is True,
        "SubscribedDomains": list(params.get("SubscribedDomains") or []),
    }
    state.store.put(*_DASHBOARD, doc)
    return {}


@handlers.register("GetDeliverabilityDashboardOptions")
def get_deliverability_dashboard_options(
    state: ServerState, params: dict[str, Any]
) -> dict[str, Any]:
    doc = state.store.get(*_DASHBOARD) or {}
    enabled = doc.get("DashboardEnabled") is True
    return {
        "DashboardEnabled": enabled,
        "AccountStatus": "ACTIVE" if enabled else "DISABLED",
        "ActiveSubscribedDomains": doc.get("SubscribedDomains", []) if enabled else [],
        "PendingExpirationSubscribedDomains": [],
    }
