"""The account's suppression list, and tenants' own lists (``TenantName``)."""

from __future__ import annotations

from typing import Any

from aws_ses.local.resources import (
    NOT_FOUND_MESSAGES,
    SUPPRESSED_KIND,
    TENANT_SUPPRESSED_KIND,
    bad_request,
    current_time,
    not_found,
    operation_by_name,
    paginate,
    parse_timestamp,
)
from aws_ses.local.state import HandlerTable, ServerState

__all__ = ["handlers"]

handlers = HandlerTable()


def _suppressed_address(params: dict[str, Any]) -> str:
    address = str(params.get("EmailAddress") or "").strip()
    local, at, domain = address.rpartition("@")
    if not (at and local and domain):
        raise bad_request(f"Invalid email address: {address}")
    return address


def _suppression_scope(state: ServerState, params: dict[str, Any]) -> tuple[str, str]:
    """(kind, key prefix): the account's list, or a tenant's with TenantName."""
    tenant = params.get("TenantName")
    if not tenant:
        return SUPPRESSED_KIND, ""
    if state.store.get("tenant", str(tenant)) is None:
        raise not_found(f"Tenant {tenant} does not exist.")
    return TENANT_SUPPRESSED_KIND, f"{tenant}/"


@handlers.register("PutSuppressedDestination")
def put_suppressed_destination(state: ServerState, params: dict[str, Any]) -> dict[str, Any]:
    address = _suppressed_address(params)
    kind, prefix = _suppression_scope(state, params)
    doc: dict[str, Any] = {
        "EmailAddress": address,
        "Reason": params["Reason"],
        "LastUpdateTime": current_time(state),
    }
    if params.get("TenantName"):
        doc["TenantName"] = params["TenantName"]
    state.store.put(kind, prefix + address.lower(), doc)
    return {}


def _suppressed(state: ServerState, params: dict[str, Any]) -> tuple[str, str, dict[str, Any]]:
    address = _suppressed_address(params)
    kind, prefix = _suppression_scope(state, params)
    doc = state.store.get(kind, prefix + address.lower())
    if doc is None:
        raise not_found(NOT_FOUND_MESSAGES[SUPPRESSED_KIND].format(address))
    return kind, prefix + address.lower(), doc


@handlers.register("GetSuppressedDestination")
def get_suppressed_destination(state: ServerState, params: dict[str, Any]) -> dict[str, Any]:
    _, _, doc = _suppressed(state, params)
    found: dict[str, Any] = {
        k: doc[k] for k in ("EmailAddress", "Reason", "LastUpdateTime", "TenantName") if k in doc
    }
    found["Attributes"] = dict(doc.get("Attributes") or {})
    return {"SuppressedDestination": found}


@handlers.register("DeleteSuppressedDestination")
def delete_suppressed_destination(state: ServerState, params: dict[str, Any]) -> dict[str, Any]:
    kind, key, _ = _suppressed(state, params)
    state.store.delete(kind, key)
    return {}


@handlers.register("ListSuppressedDestinations")
def list_suppressed_destinations(state: ServerState, params: dict[str, Any]) -> dict[str, Any]:
    kind, prefix = _suppression_scope(state, params)
    docs = [doc for _, doc in state.store.list(kind, prefix)]
    reasons = params.get("Reasons")
    if reasons:
        docs = [d for d in docs if d.get("Reason") in reasons]
    start, end = params.get("StartDate"), params.get("EndDate")
    if start is not None:
        docs = [d for d in docs if float(d.get("LastUpdateTime", 0)) >= parse_timestamp(start)]
    if end is not None:
        docs = [d for d in docs if float(d.get("LastUpdateTime", 0)) <= parse_timestamp(end)]
    op = operation_by_name("ListSuppressedDestinations")
    page, token = paginate(op, params, docs)
    result: dict[str, Any] = {
        "SuppressedDestinationSummaries": [
            {k: d[k] for k in ("EmailAddress", "Reason", "LastUpdateTime")} for d in page
        ]
    }
    if token:
        result["NextToken"] = token
    return result
