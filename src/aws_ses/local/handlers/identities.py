"""Email identities: verification, DKIM (Easy DKIM and BYODKIM), MAIL FROM,
feedback forwarding, default configuration sets and sending authorization
policies.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from aws_ses.local.handlers._filters import Test, apply_filter, equals
from aws_ses.local.resources import (
    CONFIGURATION_SET_KIND,
    EXISTS_MESSAGES,
    IDENTITY_KIND,
    NOT_FOUND_MESSAGES,
    Ctx,
    already_exists,
    bad_request,
    build,
    current_time,
    not_found,
    operation_by_name,
    paginate,
)
from aws_ses.local.state import ApiError, HandlerTable, ServerState

__all__ = ["handlers"]

handlers = HandlerTable()


_DOMAIN_RE = re.compile(
    r"^(?=.{1,253}$)([A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$"
)


def identity_key(name: str) -> str:
    """How an identity is stored: addresses keep their local part, domains are lower-cased."""
    local, at, domain = name.strip().rpartition("@")
    return f"{local}@{domain.lower()}" if at else name.strip().lower()


def _identity(state: ServerState, name: str) -> dict[str, Any]:
    key = identity_key(name)
    doc = state.store.get(IDENTITY_KIND, key)
    if doc is None:
        raise not_found(NOT_FOUND_MESSAGES[IDENTITY_KIND].format(name))
    doc.setdefault("EmailIdentity", key)  # documents written directly may lack it
    return doc


def _save_identity(state: ServerState, doc: dict[str, Any]) -> None:
    doc["_updated"] = current_time(state)
    state.store.put(IDENTITY_KIND, identity_key(str(doc["EmailIdentity"])), doc)


def _dkim_tokens(domain: str) -> list[str]:
    # Stable per domain, so a restart with --data-dir or a re-create shows the same records.
    return [hashlib.sha256(f"{domain}/{i}".encode()).hexdigest()[:32] for i in range(3)]


def _check_configuration_set(state: ServerState, name: Any) -> None:
    if name and state.store.get(CONFIGURATION_SET_KIND, str(name)) is None:
        raise not_found(NOT_FOUND_MESSAGES[CONFIGURATION_SET_KIND].format(name))


def _verification_status(state: ServerState) -> str:
    return "SUCCESS" if state.options.auto_verify else "PENDING"


def _dkim_for(
    state: ServerState, domain: str, signing: dict[str, Any] | None, now: float
) -> dict[str, Any]:
    signing = signing or {}
    status = _verification_status(state)
    if signing.get("DomainSigningPrivateKey") or signing.get("DomainSigningSelector"):
        selector = signing.get("DomainSigningSelector")
        if not selector or not signing.get("DomainSigningPrivateKey"):
            raise bad_request(
                "Both DomainSigningSelector and DomainSigningPrivateKey are required."
            )
        return {
            "SigningEnabled": True,
            "Status": status,
            "Tokens": [str(selector)],
            "SigningAttributesOrigin": "EXTERNAL",
        }
    length = str(signing.get("NextSigningKeyLength") or "RSA_2048_BIT")
    return {
        "SigningEnabled": True,
        "Status": status,
        "Tokens": _dkim_tokens(domain),
        "SigningAttributesOrigin": str(signing.get("DomainSigningAttributesOrigin") or "AWS_SES"),
        "NextSigningKeyLength": length,
        "CurrentSigningKeyLength": length,
        "LastKeyGenerationTimestamp": now,
    }


@handlers.register("CreateEmailIdentity")
def create_email_identity(state: ServerState, params: dict[str, Any]) -> dict[str, Any]:
    name = str(params.get("EmailIdentity") or "").strip()
    is_address = "@" in name
    local, _, domain = name.rpartition("@")
    if (is_address and not (local and _DOMAIN_RE.match(domain))) or (
        not is_address and not _DOMAIN_RE.match(name)
    ):
        raise bad_request(f"Invalid email address or domain: {name}")
    now = current_time(state)
    verified = state.options.auto_verify
    if is_address:
        dkim: dict[str, Any] = {
            "SigningEnabled": False,
            "Status": "NOT_STARTED",
            "Tokens": [],
            "SigningAttributesOrigin": "AWS_SES",
        }
    else:
        dkim = _dkim_for(state, name.lower(), params.get("DkimSigningAttributes"), now)
    doc: dict[str, Any] = {
        "EmailIdentity": identity_key(name),
        "IdentityType": "EMAIL_ADDRESS" if is_address else "DOMAIN",
        "VerifiedForSendingStatus": verified,
        "VerificationStatus": _verification_status(state),
        "FeedbackForwardingStatus": True,
        "DkimAttributes": dkim,
        "Policies": {},
        "Tags": list(params.get("Tags") or []),
        "_created": now,
    }
    if verified:
        doc["VerificationInfo"] = {"LastCheckedTimestamp": now, "LastSuccessTimestamp": now}
    with state.store.transaction():
        _check_configuration_set(state, params.get("ConfigurationSetName"))
        if params.get("ConfigurationSetName"):
            doc["ConfigurationSetName"] = params["ConfigurationSetName"]
        if state.store.get(IDENTITY_KIND, identity_key(name)) is not None:
            raise already_exists(EXISTS_MESSAGES[IDENTITY_KIND].format(name))
        _save_identity(state, doc)
    return {
        "IdentityType": doc["IdentityType"],
        "VerifiedForSendingStatus": verified,
        "DkimAttributes": dkim,
    }


@handlers.register("GetEmailIdentity")
def get_email_identity(state: ServerState, params: dict[str, Any]) -> dict[str, Any]:
    doc = _identity(state, str(params["EmailIdentity"]))
    # Without a custom MAIL FROM domain SES still reports the MX-failure behaviour.
    doc.setdefault("MailFromAttributes", {"BehaviorOnMxFailure": "USE_DEFAULT_VALUE"})
    op = operation_by_name("GetEmailIdentity")
    return build(op.output, doc, Ctx(state, None, "Get", current_time(state)))


_IDENTITY_FILTERS: dict[str, Test] = {
    "IDENTITY_TYPE": equals("IdentityType"),
    "VERIFICATION_STATUS": equals("VerificationStatus"),
    "IDENTITY_NAME_CONTAINS": lambda doc, v: v.lower() in str(doc.get("EmailIdentity")).lower(),
}


@handlers.register("ListEmailIdentities")
def list_email_identities(state: ServerState, params: dict[str, Any]) -> dict[str, Any]:
    docs = [{"EmailIdentity": key, **doc} for key, doc in state.store.list(IDENTITY_KIND)]
    docs = apply_filter(docs, params.get("Filter"), _IDENTITY_FILTERS)
    op = operation_by_name("ListEmailIdentities")
    page, token = paginate(op, params, docs)
    result: dict[str, Any] = {
        "EmailIdentities": [
            {
                "IdentityType": d.get("IdentityType"),
                "IdentityName": d.get("EmailIdentity"),
                "SendingEnabled": d.get("VerifiedForSendingStatus") is True,
                "VerificationStatus": d.get("VerificationStatus"),
            }
            for d in page
        ]
    }
    if token:
        result["NextToken"] = token
    return result


@handlers.register("DeleteEmailIdentity")
def delete_email_identity(state: ServerState, params: dict[str, Any]) -> dict[str, Any]:
    name = str(params["EmailIdentity"])
    if not state.store.delete(IDENTITY_KIND, identity_key(name)):
        raise not_found(NOT_FOUND_MESSAGES[IDENTITY_KIND].format(name))
    return {}


@handlers.register("PutEmailIdentityDkimAttributes")
def put_email_identity_dkim_attributes(
    state: ServerState, params: dict[str, Any]
) -> dict[str, Any]:
    with state.store.transaction():
        doc = _identity(state, str(params["EmailIdentity"]))
        doc.setdefault("DkimAttributes", {})["SigningEnabled"] = (
            params.get("SigningEnabled") is True
        )
        _save_identity(state, doc)
    return {}


@handlers.register("PutEmailIdentityDkimSigningAttributes")
def put_email_identity_dkim_signing_attributes(
    state: ServerState, params: dict[str, Any]
) -> dict[str, Any]:
    origin = str(params["SigningAttributesOrigin"])
    attributes = dict(params.get("SigningAttributes") or {})
    with state.store.transaction():
        doc = _identity(state, str(params["EmailIdentity"]))
        if doc.get("IdentityType") != "DOMAIN":
            raise bad_request("DKIM signing attributes can only be set on a domain identity.")
        if origin == "EXTERNAL":
            if not attributes.get("DomainSigningSelector") or not attributes.get(
                "DomainSigningPrivateKey"
            ):
                raise bad_request(
                    "DomainSigningSelector and DomainSigningPrivateKey are required "
                    "when SigningAttributesOrigin is EXTERNAL."
                )
        else:
            attributes = {
                "DomainSigningAttributesOrigin": origin,
                "NextSigningKeyLength": attributes.get("NextSigningKeyLength"),
            }
        dkim = _dkim_for(state, str(doc["EmailIdentity"]), attributes, current_time(state))
        doc["DkimAttributes"] = dkim
        _save_identity(state, doc)
    return {"DkimStatus": dkim["Status"], "DkimTokens": dkim["Tokens"]}


@handlers.register("PutEmailIdentityFeedbackAttributes")
def put_email_identity_feedback_attributes(
    state: ServerState, params: dict[str, Any]
) -> dict[str, Any]:
    with state.store.transaction():
        doc = _identity(state, str(params["EmailIdentity"]))
        doc["FeedbackForwardingStatus"] = params.get("EmailForwardingEnabled") is True
        _save_identity(state, doc)
    return {}


@handlers.register("PutEmailIdentityMailFromAttributes")
def put_email_identity_mail_from_attributes(
    state: ServerState, params: dict[str, Any]
) -> dict[str, Any]:
    mail_from = str(params.get("MailFromDomain") or "").strip().lower()
    with state.store.transaction():
        doc = _identity(state, str(params["EmailIdentity"]))
        if not mail_from:
            doc.pop("MailFromAttributes", None)
        else:
            domain = str(doc["EmailIdentity"]).rpartition("@")[2]
            if not mail_from.endswith("." + domain) or not _DOMAIN_RE.match(mail_from):
                raise bad_request(
                    f"Invalid MAIL FROM domain {mail_from}: it must be a subdomain of {domain}."
                )
            doc["MailFromAttributes"] = {
                "MailFromDomain": mail_from,
                "MailFromDomainStatus": _verification_status(state),
                "BehaviorOnMxFailure": params.get("BehaviorOnMxFailure") or "USE_DEFAULT_VALUE",
            }
        _save_identity(state, doc)
    return {}


@handlers.register("PutEmailIdentityConfigurationSetAttributes")
def put_email_identity_configuration_set_attributes(
    state: ServerState, params: dict[str, Any]
) -> dict[str, Any]:
    name = params.get("ConfigurationSetName")
    with state.store.transaction():
        doc = _identity(state, str(params["EmailIdentity"]))
        _check_configuration_set(state, name)
        if name:
            doc["ConfigurationSetName"] = name
        else:
            doc.pop("ConfigurationSetName", None)
        _save_identity(state, doc)
    return {}


def _policy_text(params: dict[str, Any]) -> str:
    text = str(params.get("Policy") or "")
    try:
        parsed = json.loads(text)
    except ValueError:
        raise bad_request("Policy is not valid JSON.") from None
    if not isinstance(parsed, dict):
        raise bad_request("Policy must be a JSON object.")
    return text


def _policy_not_found(name: str) -> ApiError:
    return not_found(f"Policy {name} does not exist.")


@handlers.register("CreateEmailIdentityPolicy")
def create_email_identity_policy(state: ServerState, params: dict[str, Any]) -> dict[str, Any]:
    name, text = str(params["PolicyName"]), _policy_text(params)
    with state.store.transaction():
        doc = _identity(state, str(params["EmailIdentity"]))
        policies = doc.setdefault("Policies", {})
        if name in policies:
            raise already_exists(f"Policy {name} already exists.")
        policies[name] = text
        _save_identity(state, doc)
    return {}


@handlers.register("UpdateEmailIdentityPolicy")
def update_email_identity_policy(state: ServerState, params: dict[str, Any]) -> dict[str, Any]:
    name, text = str(params["PolicyName"]), _policy_text(params)
    with state.store.transaction():
        doc = _identity(state, str(params["EmailIdentity"]))
        policies = doc.setdefault("Policies", {})
        if name not in policies:
            raise _policy_not_found(name)
        policies[name] = text
        _save_identity(state, doc)
    return {}


@handlers.register("DeleteEmailIdentityPolicy")
def delete_email_identity_policy(state: ServerState, params: dict[str, Any]) -> dict[str, Any]:
    name = str(params["PolicyName"])
    with state.store.transaction():
        doc = _identity(state, str(params["EmailIdentity"]))
        if doc.get("Policies", {}).pop(name, None) is None:
            raise _policy_not_found(name)
        _save_identity(state, doc)
    return {}


@handlers.register("GetEmailIdentityPolicies")
def get_email_identity_policies(state: ServerState, params: dict[str, Any]) -> dict[str, Any]:
    return {"Policies": dict(_identity(state, str(params["EmailIdentity"])).get("Policies") or {})}
