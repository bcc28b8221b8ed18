"""Multi-region endpoints: ``Routes`` as SES reports them.

An endpoint routes to the region it was created in (the server's) and to the
regions of ``Details.RoutesDetails``; ``GetMultiRegionEndpoint`` lists them
all, primary first, as ``Routes`` (``[{"Region": ...}]``), and
``ListMultiRegionEndpoints`` gives each endpoint's ``Regions``.
"""

from __future__ import annotations

from typing import Any

from aws_ses.local import resources as engine
from aws_ses.local.state import HandlerTable, ServerState

__all__ = ["handlers"]

handlers = HandlerTable()


def _regions(state: ServerState, doc: dict[str, Any]) -> list[str]:
    details = doc.get("Details") or {}
    regions = [state.options.region]
    for route in details.get("RoutesDetails") or []:
        if isinstance(route, dict) and route.get("Region") and route["Region"] not in regions:
            regions.append(str(route["Region"]))
    return regions


@handlers.register("GetMultiRegionEndpoint")
def get_multi_region_endpoint(state: ServerState, params: dict[str, Any]) -> dict[str, Any]:
    res = engine.resources()["MultiRegionEndpoint"]
    doc = dict(engine.load(state, res, params))
    doc["Routes"] = [{"Region": r} for r in _regions(state, doc)]
    op = engine.operation_by_name("GetMultiRegionEndpoint")
    return engine.build(op.output, doc, engine.Ctx(state, res, "Get", state.clock()))


@handlers.register("ListMultiRegionEndpoints")
def list_multi_region_endpoints(state: ServerState, params: dict[str, Any]) -> dict[str, Any]:
    res = engine.resources()["MultiRegionEndpoint"]
    docs = [{**d, "Regions": _regions(state, d)} for _, d in state.store.list(res.kind)]
    op = engine.operation_by_name("ListMultiRegionEndpoints")
    return engine.list_output(op, params, docs, engine.Ctx(state, res, "List", state.clock()))
