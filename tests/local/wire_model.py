"""botocore's SES v2 model as a test oracle: minimal valid inputs for any
operation, and a validator of response bodies against an output shape."""

from __future__ import annotations

import base64
import binascii
from datetime import UTC, datetime, timedelta
from typing import Any

import botocore.session

from aws_ses.local.resources import DEFAULT_POOL, SEED_IPS

__all__ = ["ACCOUNT", "SERVICE", "minimal_input", "wire_problems"]

ACCOUNT = "123456789012"
SERVICE = botocore.session.get_session().get_service_model("sesv2")

# Plausible values for members that a placeholder string would not satisfy.
_VALUES: dict[str, Any] = {
    "EmailIdentity": "smoke.example.com",
    "EmailAddress": "someone@example.com",
    "FromEmailAddress": "sender@example.com",
    "ResourceArn": f"arn:aws:ses:us-east-1:{ACCOUNT}:configuration-set/smoke",
    "TemplateData": "{}",
    "Policy": "{}",
    "ReputationEntityPolicy": f"arn:aws:ses:us-east-1:{ACCOUNT}:reputation-policy/standard",
    "Ip": SEED_IPS[0],
    "DestinationPoolName": DEFAULT_POOL,
    "PoolName": DEFAULT_POOL,
    "WarmupPercentage": 50,
    "Domain": "example.com",
    "SubscribedDomain": "example.com",
    "MailFromDomain": "mail.smoke.example.com",
    "WebsiteURL": "https://example.com",
    "TemplateName": "smoke",
    "ConfigurationSetName": "smoke",
    "TenantName": "smoke",
    "Region": "us-west-2",
    "Data": "hello",
}


def _minimal(shape: Any, name: str = "", depth: int = 0) -> Any:
    if name in _VALUES:
        return _VALUES[name]
    kind = shape.type_name
    if kind == "structure":
        members = shape.members
        required = shape.required_members
        if not required and depth < 4:
            required = list(members)[:1]  # a union-like structure needs one member
        return {m: _minimal(members[m], m, depth + 1) for m in required}
    if kind == "list":
        return [_minimal(shape.member, name, depth + 1)]
    if kind == "map":
        return {"k": _minimal(shape.value, "", depth + 1)}
    if kind == "string":
        if shape.enum:
            return shape.enum[0]
        return "x" * max(int(shape.metadata.get("min", 1)), 5)
    if kind in ("integer", "long"):
        return max(int(shape.metadata.get("min", 1)), 1)
    if kind in ("double", "float"):
        return 1.0
    if kind == "boolean":
        return True
    if kind == "timestamp":
        return datetime.now(UTC) - timedelta(days=1)
    if kind == "blob":
        return b"x"
    raise AssertionError(kind)


def minimal_input(op_name: str) -> dict[str, Any]:
    """The operation's required input members, each with a plausible value."""
    model = SERVICE.operation_model(op_name)
    if model.input_shape is None:
        return {}
    members = model.input_shape.members
    return {m: _minimal(members[m], m) for m in model.input_shape.required_members}


# Required members SES itself leaves out, as (structure shape, member). An
# identity without a custom MAIL FROM domain gets MailFromAttributes with only
# BehaviorOnMxFailure (GetEmailIdentity, SES API v2 reference).
SES_OMITS_REQUIRED = frozenset(
    {("MailFromAttributes", "MailFromDomain"), ("MailFromAttributes", "MailFromDomainStatus")}
)


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def wire_problems(value: Any, shape: Any, path: str = "") -> list[str]:
    """Every way ``value`` (decoded JSON) departs from the botocore ``shape``.

    Unknown members, wrong JSON types, values outside an enum and missing
    required members (except :data:`SES_OMITS_REQUIRED`). Timestamps in a
    rest-json body are epoch seconds; blobs are base64 text.
    """
    kind = shape.type_name
    where = path or shape.name
    if kind == "structure":
        if not isinstance(value, dict):
            return [f"{where}: expected an object, got {value!r:.60}"]
        problems: list[str] = []
        for name, item in value.items():
            member = shape.members.get(name)
            if member is None:
                problems.append(f"{where}.{name}: not a member of {shape.name}")
            elif item is not None:
                problems.extend(wire_problems(item, member, f"{where}.{name}"))
        for name in shape.required_members:
            if name not in value and (shape.name, name) not in SES_OMITS_REQUIRED:
                problems.append(f"{where}.{name}: required member missing")
        return problems
    if kind == "list":
        if not isinstance(value, list):
            return [f"{where}: expected a list, got {value!r:.60}"]
        return [
            p for i, v in enumerate(value) for p in wire_problems(v, shape.member, f"{where}[{i}]")
        ]
    if kind == "map":
        if not isinstance(value, dict):
            return [f"{where}: expected a map, got {value!r:.60}"]
        return [p for k, v in value.items() for p in wire_problems(v, shape.value, f"{where}[{k}]")]
    if kind == "string":
        if not isinstance(value, str):
            return [f"{where}: expected a string, got {value!r:.60}"]
        if shape.enum and value not in shape.enum:
            return [f"{where}: {value!r} is not one of {shape.name}'s values"]
        return []
    if kind == "boolean":
        return [] if isinstance(value, bool) else [f"{where}: expected a boolean, got {value!r}"]
    if kind in ("integer", "long"):
        ok = isinstance(value, int) and not isinstance(value, bool)
        return [] if ok else [f"{where}: expected an integer, got {value!r}"]
    if kind in ("double", "float", "timestamp"):
        return [] if _number(value) else [f"{where}: expected a number ({kind}), got {value!r}"]
    if kind == "blob":
        try:
            base64.b64decode(str(value), validate=True)
        except (binascii.Error, ValueError):
            return [f"{where}: expected base64 text, got {value!r:.60}"]
        return []
    return [f"{where}: unknown shape type {kind}"]
