"""The account: ``GetAccount`` with every default filled and the real
``SentLast24Hours``, and the ``PutAccount*`` operations.
"""

from __future__ import annotations

import uuid
from typing import Any

from aws_ses.local import quota
from aws_ses.local.resources import ACCOUNT_KIND, Ctx, build, operation_by_name, public_members
from aws_ses.local.state import HandlerTable, ServerState

__all__ = ["handlers"]

handlers = HandlerTable()


def account_doc(state: ServerState) -> dict[str, Any]:
    """The account as ``GetAccount`` shows it (without ``SentLast24Hours``).

    Stored values (kind ``account``, key ``account``) win over defaults taken
    from the server options; ``SendQuota`` is merged member by member.
    """
    stored = state.store.get(ACCOUNT_KIND, ACCOUNT_KIND) or {}
    options = state.options
    quota = {
        "Max24HourSend": float(options.max_24_hour_send),
        "MaxSendRate": float(options.max_send_rate),
        **(stored.get("SendQuota") or {}),
    }
    doc: dict[str, Any] = {
        "SendingEnabled": True,
        "ProductionAccessEnabled": not options.sandbox,
        "EnforcementStatus": "HEALTHY",
        "DedicatedIpAutoWarmupEnabled": True,
        # New SES accounts suppress both bounces and complaints.
        "SuppressionAttributes": {"SuppressedReasons": ["BOUNCE", "COMPLAINT"]},
        "VdmAttributes": {"VdmEnabled": "DISABLED"},
    }
    doc.update(public_members(stored))
    doc["SendQuota"] = quota
    return doc


def _update_account(state: ServerState, changes: dict[str, Any]) -> None:
    with state.store.transaction():
        stored = state.store.get(ACCOUNT_KIND, ACCOUNT_KIND) or {}
        stored.update(changes)
        state.store.put(ACCOUNT_KIND, ACCOUNT_KIND, stored)


def _sent_last_24_hours(state: ServerState) -> float:
    return float(quota.sent_last_24_hours(state))


@handlers.register("GetAccount")
def get_account(state: ServerState, params: dict[str, Any]) -> dict[str, Any]:
    doc = account_doc(state)
    doc["SendQuota"]["SentLast24Hours"] = _sent_last_24_hours(state)
    return build(operation_by_name("GetAccount").output, doc, Ctx(state, None, "Get", 0.0))


@handlers.register("PutAccountSendingAttributes")
def put_account_sending_attributes(state: ServerState, params: dict[str, Any]) -> dict[str, Any]:
    _update_account(state, {"SendingEnabled": params.get("SendingEnabled") is True})
    return {}


@handlers.register("PutAccountDedicatedIpWarmupAttributes")
def put_account_dedicated_ip_warmup_attributes(
    state: ServerState, params: dict[str, Any]
) -> dict[str, Any]:
    _update_account(
        state, {"DedicatedIpAutoWarmupEnabled": params.get("AutoWarmupEnabled") is True}
    )
    return {}


@handlers.register("PutAccountSuppressionAttributes")
def put_account_suppression_attributes(
    state: ServerState, params: dict[str, Any]
) -> dict[str, Any]:
    attributes: dict[str, Any] = {"SuppressedReasons": list(params.get("SuppressedReasons") or [])}
    if params.get("ValidationAttributes") is not None:
        attributes["ValidationAttributes"] = params["ValidationAttributes"]
    _update_account(state, {"SuppressionAttributes": attributes})
    return {}


@handlers.register("PutAccountVdmAttributes")
def put_account_vdm_attributes(state: ServerState, params: dict[str, Any]) -> dict[str, Any]:
    _update_account(state, {"VdmAttributes": params["VdmAttributes"]})
    return {}


@handlers.register("PutAccountDeliveryAttributes")
def put_account_delivery_attributes(state: ServerState, params: dict[str, Any]) -> dict[str, Any]:
    mode = params["SharedPoolDeliveryMode"]
    _update_account(state, {"DeliveryAttributes": {"SharedPoolDeliveryMode": mode}})
    return {}


@handlers.register("PutAccountPricingAttributes")
def put_account_pricing_attributes(state: ServerState, params: dict[str, Any]) -> dict[str, Any]:
    _update_account(state, {"PricingAttributes": {"CurrentPlan": params["Plan"]}})
    return {}


@handlers.register("PutAccountDetails")
def put_account_details(state: ServerState, params: dict[str, Any]) -> dict[str, Any]:
    fields = ("MailType", "WebsiteURL", "ContactLanguage", "UseCaseDescription")
    details: dict[str, Any] = {k: params[k] for k in fields if params.get(k) is not None}
    if params.get("AdditionalContactEmailAddresses") is not None:
        details["AdditionalContactEmailAddresses"] = list(params["AdditionalContactEmailAddresses"])
    changes: dict[str, Any] = {"Details": details}
    if params.get("ProductionAccessEnabled") is True:
        # A local account's request for production access is granted at once.
        details["ReviewDetails"] = {"Status": "GRANTED", "CaseId": uuid.uuid4().hex[:16]}
        changes["ProductionAccessEnabled"] = True
    _update_account(state, changes)
    return {}
