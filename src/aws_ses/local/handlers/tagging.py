"""``TagResource``, ``UntagResource`` and ``ListTagsForResource`` for any ARN:
tags live on the resource's document when the ARN names one.
"""

from __future__ import annotations

from typing import Any

from aws_ses.local.handlers.identities import identity_key
from aws_ses.local.resources import (
    IDENTITY_KIND,
    TAGS_KIND,
    bad_request,
    missing,
    not_found,
    resource_for_kind,
    resources,
)
from aws_ses.local.state import HandlerTable, ServerState

__all__ = ["handlers"]

handlers = HandlerTable()


def _tag_target(state: ServerState, arn: str) -> tuple[str, str]:
    """(kind, key) of the document holding the tags of ``arn``."""
    parts = arn.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn" or not parts[5]:
        raise bad_request(f"Invalid resource ARN: {arn}")
    resource_type, _, name = parts[5].partition("/")
    if parts[2] == "ses" and name:
        kinds = {r.arn_type: r.kind for r in resources().values() if r.creatable}
        kind = kinds.get(resource_type)
        if kind is not None:
            key = identity_key(name) if kind == IDENTITY_KIND else name
            if state.store.get(kind, key) is None:
                res = resource_for_kind(kind)
                raise missing(res, name) if res else not_found(f"Resource {arn} does not exist.")
            return kind, key
    return TAGS_KIND, arn


def _tags_of(state: ServerState, arn: str) -> tuple[str, str, dict[str, Any]]:
    kind, key = _tag_target(state, arn)
    return kind, key, state.store.get(kind, key) or {"ResourceArn": arn, "Tags": []}


@handlers.register("TagResource")
def tag_resource(state: ServerState, params: dict[str, Any]) -> dict[str, Any]:
    with state.store.transaction():
        kind, key, doc = _tags_of(state, str(params["ResourceArn"]))
        tags = {t["Key"]: t.get("Value", "") for t in doc.get("Tags") or []}
        for tag in params["Tags"]:
            tags[str(tag["Key"])] = str(tag.get("Value", ""))
        if len(tags) > 50:
            raise bad_request("A resource can have at most 50 tags.")
        doc["Tags"] = [{"Key": k, "Value": v} for k, v in tags.items()]
        state.store.put(kind, key, doc)
    return {}


@handlers.register("UntagResource")
def untag_resource(state: ServerState, params: dict[str, Any]) -> dict[str, Any]:
    removed = set(params["TagKeys"])
    with state.store.transaction():
        kind, key, doc = _tags_of(state, str(params["ResourceArn"]))
        doc["Tags"] = [t for t in doc.get("Tags") or [] if t.get("Key") not in removed]
        state.store.put(kind, key, doc)
    return {}


@handlers.register("ListTagsForResource")
def list_tags_for_resource(state: ServerState, params: dict[str, Any]) -> dict[str, Any]:
    _, _, doc = _tags_of(state, str(params["ResourceArn"]))
    return {"Tags": list(doc.get("Tags") or [])}
