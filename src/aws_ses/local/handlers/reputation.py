"""Reputation entities and recommendations, with their list filters.

``UpdateReputationEntityPolicy`` and
``UpdateReputationEntityCustomerManagedStatus`` set an entity's policy and
sending status (an entity exists as soon as it is named). Until then an entity
shows what SES shows for a resource nobody has changed: the ``none`` policy,
both status records ``ENABLED`` and so an ``ENABLED`` aggregate, and no
``ReputationImpact`` (no findings).
``ListReputationEntities`` ``Filter``: ``ENTITY_TYPE``, ``REPUTATION_IMPACT``,
``SENDING_STATUS`` (the aggregate) and ``ENTITY_REFERENCE_PREFIX``.
``ListRecommendations`` ``Filter``: ``TYPE``, ``IMPACT``, ``STATUS`` and
``RESOURCE_ARN``; a local account has no recommendations, so the list is
empty, but an unknown key is still refused as SES refuses it.
"""

from __future__ import annotations

from typing import Any

from aws_ses.local import resources as engine
from aws_ses.local.handlers._filters import apply_filter, equals
from aws_ses.local.resources import current_time, load, public_members, resources, save
from aws_ses.local.state import HandlerTable, ServerState

__all__ = ["handlers"]

handlers = HandlerTable()


def _shown(state: ServerState, doc: dict[str, Any]) -> dict[str, Any]:
    """The entity with the members SES fills in for one nobody has changed."""
    policy = f"arn:aws:ses:{state.options.region}:aws:reputation-policy/none"
    return {
        "ReputationManagementPolicy": policy,
        "CustomerManagedStatus": {"Status": "ENABLED"},
        "AwsSesManagedStatus": {"Status": "ENABLED"},
        "SendingStatusAggregate": "ENABLED",
        **public_members(doc),
    }


@handlers.register("GetReputationEntity")
def get_reputation_entity(state: ServerState, params: dict[str, Any]) -> dict[str, Any]:
    res = resources()["ReputationEntity"]
    doc = _shown(state, load(state, res, params))
    op = engine.operation_by_name("GetReputationEntity")
    return engine.build(op.output, doc, engine.Ctx(state, res, "Get", current_time(state)))


def _update_reputation_entity(
    state: ServerState, params: dict[str, Any], changes: dict[str, Any]
) -> dict[str, Any]:
    res = resources()["ReputationEntity"]
    now = current_time(state)
    with state.store.transaction():
        doc = load(state, res, params)
        doc.update(changes)
        doc.setdefault("_created", now)
        doc["_updated"] = now
        save(state, res, doc)
    return {}


@handlers.register("UpdateReputationEntityPolicy")
def update_reputation_entity_policy(state: ServerState, params: dict[str, Any]) -> dict[str, Any]:
    changes = {"ReputationManagementPolicy": params["ReputationEntityPolicy"]}
    return _update_reputation_entity(state, params, changes)


@handlers.register("UpdateReputationEntityCustomerManagedStatus")
def update_reputation_entity_customer_managed_status(
    state: ServerState, params: dict[str, Any]
) -> dict[str, Any]:
    status = params["SendingStatus"]
    changes = {
        "CustomerManagedStatus": {"Status": status, "LastUpdatedTimestamp": current_time(state)},
        "SendingStatusAggregate": status,
    }
    return _update_reputation_entity(state, params, changes)


@handlers.register("ListReputationEntities")
def list_reputation_entities(state: ServerState, params: dict[str, Any]) -> dict[str, Any]:
    res = engine.resources()["ReputationEntity"]
    docs = [_shown(state, d) for _, d in state.store.list(res.kind)]
    docs = apply_filter(
        docs,
        params.get("Filter"),
        {
            "ENTITY_TYPE": equals("ReputationEntityType"),
            "REPUTATION_IMPACT": equals("ReputationImpact"),
            "SENDING_STATUS": equals("SendingStatusAggregate"),
            "ENTITY_REFERENCE_PREFIX": lambda d, v: str(
                d.get("ReputationEntityReference", "")
            ).startswith(v),
        },
    )
    op = engine.operation_by_name("ListReputationEntities")
    result: dict[str, Any] = engine.list_output(
        op, params, docs, engine.Ctx(state, res, "List", state.clock())
    )
    return result


@handlers.register("ListRecommendations")
def list_recommendations(state: ServerState, params: dict[str, Any]) -> dict[str, Any]:
    docs = [d for _, d in state.store.list("recommendation")]
    docs = apply_filter(
        docs,
        params.get("Filter"),
        {
            "TYPE": equals("Type"),
            "IMPACT": equals("Impact"),
            "STATUS": equals("Status"),
            "RESOURCE_ARN": equals("ResourceArn"),
        },
    )
    op = engine.operation_by_name("ListRecommendations")
    result: dict[str, Any] = engine.list_output(
        op, params, docs, engine.Ctx(state, None, "List", state.clock())
    )
    return result
