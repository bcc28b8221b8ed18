"""Tenants (created with ``Tags: []`` when the request has none) and the
tenant list operations with their filters.

``ListTenants`` ``Filter``: ``TENANT_NAME_CONTAINS`` (case-insensitive
substring) and ``SENDING_STATUS``; ``ListTenantResources``: ``RESOURCE_TYPE``
(``EMAIL_IDENTITY``, ``CONFIGURATION_SET``, ``EMAIL_TEMPLATE``);
``ListResourceTenants`` lists the tenants a resource ARN is associated with.
"""

from __future__ import annotations

from typing import Any

from aws_ses.local import resources as engine
from aws_ses.local.handlers._filters import apply_filter, equals
from aws_ses.local.state import HandlerTable, ServerState

__all__ = ["handlers"]

handlers = HandlerTable()

_ASSOCIATION = "tenant_resource_association"

handlers.add("CreateTenant", engine.with_defaults("CreateTenant", {"Tags": []}))


def _list(state: ServerState, params: dict[str, Any], op_name: str, noun: str, docs: Any) -> Any:
    res = engine.resources()[noun]
    op = engine.operation_by_name(op_name)
    return engine.list_output(op, params, docs, engine.Ctx(state, res, "List", state.clock()))


@handlers.register("ListTenants")
def list_tenants(state: ServerState, params: dict[str, Any]) -> dict[str, Any]:
    docs = [d for _, d in state.store.list("tenant")]
    docs = apply_filter(
        docs,
        params.get("Filter"),
        {
            "TENANT_NAME_CONTAINS": lambda d, v: v.lower() in str(d.get("TenantName", "")).lower(),
            "SENDING_STATUS": equals("SendingStatus"),
        },
    )
    result: dict[str, Any] = _list(state, params, "ListTenants", "Tenant", docs)
    return result


@handlers.register("ListTenantResources")
def list_tenant_resources(state: ServerState, params: dict[str, Any]) -> dict[str, Any]:
    tenant = str(params["TenantName"])
    if state.store.get("tenant", tenant) is None:
        raise engine.not_found(f"Tenant {tenant} does not exist.")
    docs = [d for _, d in state.store.list(_ASSOCIATION, tenant + "/")]
    docs = apply_filter(docs, params.get("Filter"), {"RESOURCE_TYPE": equals("ResourceType")})
    result: dict[str, Any] = _list(
        state, params, "ListTenantResources", "TenantResourceAssociation", docs
    )
    return result


@handlers.register("ListResourceTenants")
def list_resource_tenants(state: ServerState, params: dict[str, Any]) -> dict[str, Any]:
    arn = str(params["ResourceArn"])
    docs = [d for _, d in state.store.list(_ASSOCIATION) if d.get("ResourceArn") == arn]
    result: dict[str, Any] = _list(
        state, params, "ListResourceTenants", "TenantResourceAssociation", docs
    )
    return result
