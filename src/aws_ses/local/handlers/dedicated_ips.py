"""Dedicated IPs and pools: a few fake addresses (TEST-NET-2) seeded once in
SES's default pool, moved between pools, warmed up.
"""

from __future__ import annotations

from typing import Any

from aws_ses.local.resources import (
    DEDICATED_IP_KIND,
    DEDICATED_IP_POOL_KIND,
    DEFAULT_POOL,
    META_KIND,
    NOT_FOUND_MESSAGES,
    SEED_IPS,
    bad_request,
    current_time,
    generic_handler,
    not_found,
    operation_by_name,
    paginate,
)
from aws_ses.local.state import Handler, HandlerTable, ServerState

__all__ = ["handlers"]

handlers = HandlerTable()


def _seed_dedicated_ips(state: ServerState) -> None:
    """Give the account a few fake dedicated IPs, once, in SES's default pool."""
    if state.store.get(META_KIND, "dedicated_ips") is not None:
        return
    with state.store.transaction():
        if state.store.get(META_KIND, "dedicated_ips") is not None:
            return
        now = current_time(state)
        if state.store.get(DEDICATED_IP_POOL_KIND, DEFAULT_POOL) is None:
            state.store.put(
                DEDICATED_IP_POOL_KIND,
                DEFAULT_POOL,
                {"PoolName": DEFAULT_POOL, "ScalingMode": "STANDARD", "Tags": [], "_created": now},
            )
        for ip in SEED_IPS:
            state.store.put(
                DEDICATED_IP_KIND,
                ip,
                {
                    "Ip": ip,
                    "WarmupStatus": "DONE",
                    "WarmupPercentage": 100,
                    "PoolName": DEFAULT_POOL,
                },
            )
        state.store.put(META_KIND, "dedicated_ips", {"seeded": now})


def _seeded(op_name: str) -> Handler:
    generic = generic_handler(op_name)

    def run(state: ServerState, params: dict[str, Any]) -> dict[str, Any]:
        _seed_dedicated_ips(state)
        return generic(state, params)

    run.__name__ = f"seeded_{op_name}"
    return run


for _name in (
    "CreateDedicatedIpPool",
    "GetDedicatedIpPool",
    "ListDedicatedIpPools",
    "PutDedicatedIpPoolScalingAttributes",
):
    handlers.add(_name, _seeded(_name))


@handlers.register("DeleteDedicatedIpPool")
def delete_dedicated_ip_pool(state: ServerState, params: dict[str, Any]) -> dict[str, Any]:
    _seed_dedicated_ips(state)
    name = str(params["PoolName"])
    with state.store.transaction():
        if not state.store.delete(DEDICATED_IP_POOL_KIND, name):
            raise not_found(NOT_FOUND_MESSAGES[DEDICATED_IP_POOL_KIND].format(name))
        # Addresses of a deleted pool go back to the default pool rather than vanishing.
        for ip, doc in state.store.list(DEDICATED_IP_KIND):
            if doc.get("PoolName") == name:
                doc["PoolName"] = DEFAULT_POOL
                state.store.put(DEDICATED_IP_KIND, ip, doc)
    return {}


def _dedicated_ip(state: ServerState, ip: str) -> dict[str, Any]:
    _seed_dedicated_ips(state)
    doc = state.store.get(DEDICATED_IP_KIND, ip)
    if doc is None:
        raise not_found(NOT_FOUND_MESSAGES[DEDICATED_IP_KIND].format(ip))
    return doc


def _ip_record(doc: dict[str, Any]) -> dict[str, Any]:
    return {k: doc[k] for k in ("Ip", "WarmupStatus", "WarmupPercentage", "PoolName") if k in doc}


@handlers.register("GetDedicatedIp")
def get_dedicated_ip(state: ServerState, params: dict[str, Any]) -> dict[str, Any]:
    return {"DedicatedIp": _ip_record(_dedicated_ip(state, str(params["Ip"])))}


@handlers.register("GetDedicatedIps")
def get_dedicated_ips(state: ServerState, params: dict[str, Any]) -> dict[str, Any]:
    _seed_dedicated_ips(state)
    pool = params.get("PoolName")
    if pool and state.store.get(DEDICATED_IP_POOL_KIND, str(pool)) is None:
        raise not_found(NOT_FOUND_MESSAGES[DEDICATED_IP_POOL_KIND].format(pool))
    docs = [
        d for _, d in state.store.list(DEDICATED_IP_KIND) if not pool or d.get("PoolName") == pool
    ]
    page, token = paginate(operation_by_name("GetDedicatedIps"), params, docs)
    result: dict[str, Any] = {"DedicatedIps": [_ip_record(d) for d in page]}
    if token:
        result["NextToken"] = token
    return result


@handlers.register("PutDedicatedIpInPool")
def put_dedicated_ip_in_pool(state: ServerState, params: dict[str, Any]) -> dict[str, Any]:
    pool = str(params["DestinationPoolName"])
    with state.store.transaction():
        doc = _dedicated_ip(state, str(params["Ip"]))
        if state.store.get(DEDICATED_IP_POOL_KIND, pool) is None:
            raise not_found(NOT_FOUND_MESSAGES[DEDICATED_IP_POOL_KIND].format(pool))
        doc["PoolName"] = pool
        state.store.put(DEDICATED_IP_KIND, str(doc["Ip"]), doc)
    return {}


@handlers.register("PutDedicatedIpWarmupAttributes")
def put_dedicated_ip_warmup_attributes(
    state: ServerState, params: dict[str, Any]
) -> dict[str, Any]:
    percentage = params["WarmupPercentage"]
    if not 0 <= int(percentage) <= 100:
        raise bad_request("WarmupPercentage must be between 0 and 100.")
    with state.store.transaction():
        doc = _dedicated_ip(state, str(params["Ip"]))
        doc["WarmupPercentage"] = int(percentage)
        doc["WarmupStatus"] = "DONE" if int(percentage) >= 100 else "IN_PROGRESS"
        state.store.put(DEDICATED_IP_KIND, str(doc["Ip"]), doc)
    return {}
