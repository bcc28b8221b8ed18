"""Configuration sets with SES's option defaults, and their event destinations."""

from __future__ import annotations

from typing import Any

from aws_ses.local.handlers.dedicated_ips import _seed_dedicated_ips
from aws_ses.local.resources import (
    CONFIGURATION_SET_KIND,
    DEDICATED_IP_POOL_KIND,
    EXISTS_MESSAGES,
    NOT_FOUND_MESSAGES,
    already_exists,
    current_time,
    generic_handler,
    not_found,
)
from aws_ses.local.state import ApiError, HandlerTable, ServerState

__all__ = ["handlers"]

handlers = HandlerTable()


_CONFIGURATION_SET_DEFAULTS: dict[str, dict[str, Any]] = {
    "SendingOptions": {"SendingEnabled": True},
    "ReputationOptions": {"ReputationMetricsEnabled": False},
    "DeliveryOptions": {"TlsPolicy": "OPTIONAL"},
}


def _check_pool(state: ServerState, name: Any) -> None:
    if name:
        _seed_dedicated_ips(state)
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


@handlers.register("PutConfigurationSetDeliveryOptions")
def put_configuration_set_delivery_options(
    state: ServerState, params: dict[str, Any]
) -> dict[str, Any]:
    _check_pool(state, params.get("SendingPoolName"))
    return generic_handler("PutConfigurationSetDeliveryOptions")(state, params)


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


@handlers.register("CreateConfigurationSetEventDestination")
def create_configuration_set_event_destination(
    state: ServerState, params: dict[str, Any]
) -> dict[str, Any]:
    cs_name, name = str(params["ConfigurationSetName"]), str(params["EventDestinationName"])
    with state.store.transaction():
        doc = _configuration_set(state, cs_name)
        destinations: list[dict[str, Any]] = doc.setdefault("EventDestinations", [])
        if any(d.get("Name") == name for d in destinations):
            raise already_exists(
                f"Event destination {name} already exists in configuration set <{cs_name}>."
            )
        destinations.append(_destination(name, dict(params["EventDestination"])))
        doc["_updated"] = current_time(state)
        state.store.put(CONFIGURATION_SET_KIND, cs_name, doc)
    return {}


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
    cs_name, name = str(params["ConfigurationSetName"]), str(params["EventDestinationName"])
    with state.store.transaction():
        doc = _configuration_set(state, cs_name)
        destinations: list[dict[str, Any]] = doc.setdefault("EventDestinations", [])
        for index, existing in enumerate(destinations):
            if existing.get("Name") == name:
                destinations[index] = _destination(name, dict(params["EventDestination"]))
                break
        else:
            raise _destination_missing(name, cs_name)
        doc["_updated"] = current_time(state)
        state.store.put(CONFIGURATION_SET_KIND, cs_name, doc)
    return {}


@handlers.register("DeleteConfigurationSetEventDestination")
def delete_configuration_set_event_destination(
    state: ServerState, params: dict[str, Any]
) -> dict[str, Any]:
    cs_name, name = str(params["ConfigurationSetName"]), str(params["EventDestinationName"])
    with state.store.transaction():
        doc = _configuration_set(state, cs_name)
        destinations = doc.get("EventDestinations") or []
        kept = [d for d in destinations if d.get("Name") != name]
        if len(kept) == len(destinations):
            raise _destination_missing(name, cs_name)
        doc["EventDestinations"] = kept
        doc["_updated"] = current_time(state)
        state.store.put(CONFIGURATION_SET_KIND, cs_name, doc)
    return {}
