"""Configuration sets with SES's option defaults, their option groups, the
``ListConfigurationSets`` filter, and event destinations.

``ListConfigurationSets`` ``Filter``: ``CONFIGURATION_SET_NAME_CONTAINS``
(case-insensitive substring, as the identity and tenant name filters).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aws_ses.local.handlers._filters import apply_filter
from aws_ses.local.handlers.dedicated_ips import seed_dedicated_ips
from aws_ses.local.resources import (
    CONFIGURATION_SET_KIND,
    DEDICATED_IP_POOL_KIND,
    EXISTS_MESSAGES,
    NOT_FOUND_MESSAGES,
    Ctx,
    already_exists,
    current_time,
    list_output,
    not_found,
    operation_by_name,
    resources,
)
from aws_ses.local.state import ApiError, Handler, HandlerTable, ServerState

__all__ = ["handlers"]

handlers = HandlerTable()


_CONFIGURATION_SET_DEFAULTS: dict[str, dict[str, Any]] = {
    "SendingOptions": {"SendingEnabled": True},
    "ReputationOptions": {"ReputationMetricsEnabled": False},
    "DeliveryOptions": {"TlsPolicy": "OPTIONAL"},
}


def _check_pool(state: ServerState, name: Any) -> None:
    if name:
        seed_dedicated_ips(state)
        if state.store.get(DEDICATED_IP_POOL_KIND, str(name)) is None:
            raise not_found(NOT_FOUND_MESSAGES[DEDICATED_IP_POOL_KIND].format(name))


@handlers.register("CreateConfigurationSet")
def create_configuration_set(state: ServerState, params: dict[str, Any]) -> dict[str, Any]:
    name = str(params["ConfigurationSetName"])
    doc: dict[str, Any] = {k: v for k, v in params.items() if v is not None}
    for option, defaults in _CONFIGURATION_SET_DEFAULTS.items():
        doc[option] = {**defaults, **(doc.get(option) or {})}
    doc.setdefault("Tags", [])
    doc["EventDestinations"] = []
    doc["_created"] = doc["_updated"] = current_time(state)
    with state.store.transaction():
        _check_pool(state, doc["DeliveryOptions"].get("SendingPoolName"))
        if state.store.get(CONFIGURATION_SET_KIND, name) is not None:
            raise already_exists(EXISTS_MESSAGES[CONFIGURATION_SET_KIND].format(name))
        state.store.put(CONFIGURATION_SET_KIND, name, doc)
    return {}


@handlers.register("ListConfigurationSets")
def list_configuration_sets(state: ServerState, params: dict[str, Any]) -> dict[str, Any]:
    docs = [doc for _, doc in state.store.list(CONFIGURATION_SET_KIND)]
    docs = apply_filter(
        docs,
        params.get("Filter"),
        {
            "CONFIGURATION_SET_NAME_CONTAINS": lambda d, v: (
                v.lower() in str(d.get("ConfigurationSetName", "")).lower()
            ),
        },
    )
    ctx = Ctx(state, resources()["ConfigurationSet"], "List", current_time(state))
    return list_output(operation_by_name("ListConfigurationSets"), params, docs, ctx)


# The option group each PutConfigurationSet*Options operation sets, and its
# booleans that an omitted member sets to false (as PutAccountSendingAttributes
# does). The request's members are merged into the group, except VdmOptions,
# which arrives whole.
_OPTION_GROUPS: dict[str, tuple[str, tuple[str, ...]]] = {
    "PutConfigurationSetSendingOptions": ("SendingOptions", ("SendingEnabled",)),
    "PutConfigurationSetReputationOptions": ("ReputationOptions", ("ReputationMetricsEnabled",)),
    "PutConfigurationSetDeliveryOptions": ("DeliveryOptions", ()),
    "PutConfigurationSetTrackingOptions": ("TrackingOptions", ()),
    "PutConfigurationSetSuppressionOptions": ("SuppressionOptions", ()),
    "PutConfigurationSetVdmOptions": ("VdmOptions", ()),
    "PutConfigurationSetArchivingOptions": ("ArchivingOptions", ()),
}


def _put_options(group: str, booleans: tuple[str, ...]) -> Handler:
    def run(state: ServerState, params: dict[str, Any]) -> dict[str, Any]:
        name = str(params["ConfigurationSetName"])
        values = {k: v for k, v in params.items() if k != "ConfigurationSetName" and v is not None}
        values.update({flag: params.get(flag) is True for flag in booleans})
        if group == "DeliveryOptions":
            _check_pool(state, values.get("SendingPoolName"))
        with state.store.transaction():
            doc = _configuration_set(state, name)
            merged = values[group] if group in values else {**(doc.get(group) or {}), **values}
            if merged:
                doc[group] = merged
            else:
                # Nothing to show: GetConfigurationSet leaves an unset group out.
                doc.pop(group, None)
            doc["_updated"] = current_time(state)
            state.store.put(CONFIGURATION_SET_KIND, name, doc)
        return {}

    run.__name__ = f"put_{group}"
    return run


for _operation, (_group, _booleans) in _OPTION_GROUPS.items():
    handlers.add(_operation, _put_options(_group, _booleans))


def _configuration_set(state: ServerState, name: str) -> dict[str, Any]:
    doc = state.store.get(CONFIGURATION_SET_KIND, name)
    if doc is None:
        raise not_found(NOT_FOUND_MESSAGES[CONFIGURATION_SET_KIND].format(name))
    return doc


def _destination(name: str, definition: dict[str, Any]) -> dict[str, Any]:
    destination: dict[str, Any] = {"Name": name}
    for key, value in definition.items():
        if value is not None:
            destination[key] = value
    # SES treats an omitted Enabled as false.
    destination["Enabled"] = definition.get("Enabled") is True
    destination.setdefault("MatchingEventTypes", [])
    return destination


def _destination_missing(name: str, configuration_set: str) -> ApiError:
    return not_found(
        f"Event destination {name} does not exist in configuration set <{configuration_set}>."
    )


def _edit_destinations(
    state: ServerState,
    params: dict[str, Any],
    change: Callable[[list[dict[str, Any]], str, str], list[dict[str, Any]]],
) -> dict[str, Any]:
    """Replace a configuration set's destinations with ``change(destinations, set, name)``."""
    cs_name, name = str(params["ConfigurationSetName"]), str(params["EventDestinationName"])
    with state.store.transaction():
        doc = _configuration_set(state, cs_name)
        doc["EventDestinations"] = change(list(doc.get("EventDestinations") or []), cs_name, name)
        doc["_updated"] = current_time(state)
        state.store.put(CONFIGURATION_SET_KIND, cs_name, doc)
    return {}


@handlers.register("CreateConfigurationSetEventDestination")
def create_configuration_set_event_destination(
    state: ServerState, params: dict[str, Any]
) -> dict[str, Any]:
    def add(found: list[dict[str, Any]], cs_name: str, name: str) -> list[dict[str, Any]]:
        if any(d.get("Name") == name for d in found):
            raise already_exists(
                f"Event destination {name} already exists in configuration set <{cs_name}>."
            )
        return [*found, _destination(name, dict(params["EventDestination"]))]

    return _edit_destinations(state, params, add)


@handlers.register("GetConfigurationSetEventDestinations")
def get_configuration_set_event_destinations(
    state: ServerState, params: dict[str, Any]
) -> dict[str, Any]:
    doc = _configuration_set(state, str(params["ConfigurationSetName"]))
    return {"EventDestinations": list(doc.get("EventDestinations") or [])}


@handlers.register("UpdateConfigurationSetEventDestination")
def update_configuration_set_event_destination(
    state: ServerState, params: dict[str, Any]
) -> dict[str, Any]:
    def replace(found: list[dict[str, Any]], cs_name: str, name: str) -> list[dict[str, Any]]:
        if not any(d.get("Name") == name for d in found):
            raise _destination_missing(name, cs_name)
        new = _destination(name, dict(params["EventDestination"]))
        return [new if d.get("Name") == name else d for d in found]

    return _edit_destinations(state, params, replace)


@handlers.register("DeleteConfigurationSetEventDestination")
def delete_configuration_set_event_destination(
    state: ServerState, params: dict[str, Any]
) -> dict[str, Any]:
    def remove(found: list[dict[str, Any]], cs_name: str, name: str) -> list[dict[str, Any]]:
        kept = [d for d in found if d.get("Name") != name]
        if len(kept) == len(found):
            raise _destination_missing(name, cs_name)
        return kept

    return _edit_destinations(state, params, remove)
