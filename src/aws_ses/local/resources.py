"""Stateful handlers for every SES v2 operation except the three sends.

Two layers:

- A **generic, model-driven** handler. An operation's name gives its verb
  and resource noun (``CreateContactList`` -> Create, ``ContactList``); the
  noun's ``Get`` (else ``Delete``) operation gives the members that identify
  one resource; a resource whose identity extends another's (a contact inside
  a contact list) has that one as its parent. Documents are the request's
  members by wire name; reads map them onto the output shape, filling what a
  real resource would carry (timestamps, ARNs, generated ids, a settled
  status) and every required member, so typed clients always decode.
- **Specific** handlers, registered with :func:`handler`, for the operations
  with real behaviour: identities (DKIM, MAIL FROM, feedback, policies),
  templates and ``TestRenderEmailTemplate``, configuration sets and event
  destinations, the suppression list, dedicated IPs and pools, the account,
  tagging.

Documents the sending side reads (kinds and keys are a contract):

- ``identity`` / identity name, domain part lower-cased:
  ``{"EmailIdentity", "IdentityType", "VerifiedForSendingStatus",
  "VerificationStatus", "DkimAttributes", "FeedbackForwardingStatus",
  "Policies", "Tags", "ConfigurationSetName"?, "MailFromAttributes"?}``
- ``template`` / name: ``{"TemplateName", "TemplateContent": {"Subject",
  "Html", "Text"}, "Tags"}``
- ``custom_verification_template`` / name: the create request's members.
- ``configuration_set`` / name: the create request's members, option
  structures by wire name and ``"EventDestinations"``: a list of wire-named
  ``EventDestination`` dicts (``Name``, ``Enabled``, ``MatchingEventTypes``,
  destination structures).
- ``suppressed`` / lower-cased address: ``{"EmailAddress", "Reason",
  "LastUpdateTime"}`` (epoch seconds).
- ``account`` / ``account``: only what Put* operations set;
  :func:`account_doc` returns it with every default filled.

Keys starting with ``_`` in a document are bookkeeping and never returned.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import json
import re
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from aws_ses._model import Operation, Shape, operation, operation_names, shape
from aws_ses.local import quota
from aws_ses.local.state import ApiError, Handler, HandlerTable, ServerState

__all__ = [
    "ACCOUNT_KIND",
    "CONFIGURATION_SET_KIND",
    "CUSTOM_VERIFICATION_TEMPLATE_KIND",
    "DEFAULT_POOL",
    "DEDICATED_IP_KIND",
    "DEDICATED_IP_POOL_KIND",
    "IDENTITY_KIND",
    "SEED_IPS",
    "SENDING_OPERATIONS",
    "SUPPRESSED_KIND",
    "TEMPLATE_KIND",
    "account_doc",
    "generic_handler",
    "handlers",
    "identity_key",
    "parse_timestamp",
]

SENDING_OPERATIONS = frozenset({"SendEmail", "SendBulkEmail", "SendCustomVerificationEmail"})

IDENTITY_KIND = "identity"
TEMPLATE_KIND = "template"
CUSTOM_VERIFICATION_TEMPLATE_KIND = "custom_verification_template"
CONFIGURATION_SET_KIND = "configuration_set"
SUPPRESSED_KIND = "suppressed"
TENANT_SUPPRESSED_KIND = "tenant_suppressed"
ACCOUNT_KIND = "account"
DEDICATED_IP_KIND = "dedicated_ip"
DEDICATED_IP_POOL_KIND = "dedicated_ip_pool"
TAGS_KIND = "tags"  # tags of ARNs that name no resource kind known here
_META_KIND = "meta"

# SES's name for the pool of dedicated IPs that were put in no other pool.
DEFAULT_POOL = "ses-default-dedicated-pool"
SEED_IPS = ("198.51.100.1", "198.51.100.2", "198.51.100.3")  # TEST-NET-2, never routed

# The specific handlers of this module; the app serves them (and the generic
# engine for every other operation except the sends).
handlers = HandlerTable()

DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000

# ----------------------------------------------------------------- helpers


def _bad(message: str) -> ApiError:
    return ApiError("BadRequestException", message, 400)


def _not_found(message: str) -> ApiError:
    return ApiError("NotFoundException", message, 404)


def _exists(message: str) -> ApiError:
    return ApiError("AlreadyExistsException", message, 400)


def _arn(state: ServerState, resource_type: str, name: str) -> str:
    o = state.options
    return f"arn:aws:ses:{o.region}:{o.account_id}:{resource_type}/{name}"


def _snake(noun: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", noun).lower()


def _human(noun: str) -> str:
    """``DedicatedIpPool`` -> ``Dedicated IP pool`` (for messages)."""
    words = re.findall(r"[A-Z][a-z0-9]*", noun) or [noun]
    out = [w if w == words[0] else w.lower() for w in words]
    return " ".join("IP" if w.lower() == "ip" else w for w in out)


def parse_timestamp(value: Any) -> float:
    """Epoch seconds from a number or an ISO-8601 / numeric string; ValueError otherwise."""
    if isinstance(value, bool):
        raise ValueError(f"not a timestamp: {value!r}")
    if isinstance(value, int | float):
        return float(value)
    text = str(value).strip()
    try:
        return float(text)
    except ValueError:
        pass
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    when = datetime.fromisoformat(text)
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.timestamp()


def _public(doc: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in doc.items() if not k.startswith("_")}


def _enum_default(values: Iterable[str], verb: str = "") -> str:
    """The value a settled local resource shows for a status enum."""
    options = sorted(values)
    if verb == "Delete":
        preferred: tuple[str, ...] = ("DELETING",)
    elif verb == "Cancel":
        preferred = ("CANCELLED",)
    else:
        preferred = ("SUCCESS", "COMPLETED", "READY", "ACTIVE", "ENABLED", "GRANTED", "DONE")
    for value in preferred:
        if value in options:
            return value
    return options[0]


def _default(shape_name: str, now: float, depth: int = 0) -> Any:
    """A minimal valid value: structures get their required members only."""
    sh = shape(shape_name)
    kind = sh.kind
    if kind == "structure":
        if depth > 6:
            return {}
        return {
            m.wire: _default(m.shape, now, depth + 1) for m in sh.members if m.wire in sh.required
        }
    if kind == "list":
        return []
    if kind == "map":
        return {}
    if kind == "string":
        return _enum_default(sh.enum) if sh.enum else ""
    if kind in ("integer", "long"):
        return 0
    if kind == "double":
        return 0.0
    if kind == "boolean":
        return False
    if kind == "timestamp":
        return now
    return ""


# ------------------------------------------------------- the model, analysed

_VERBS = ("Create", "Get", "List", "Update", "Delete", "Put", "Cancel", "Associate", "Disassociate")
# Operations whose noun is not the resource's own name.
_NOUN_ALIASES = {
    "TenantResource": "TenantResourceAssociation",
    "ResourceTenant": "TenantResourceAssociation",
}
# Store kinds the sending side relies on, where they differ from the noun.
_KINDS = {
    "EmailIdentity": IDENTITY_KIND,
    "EmailTemplate": TEMPLATE_KIND,
    "CustomVerificationEmailTemplate": CUSTOM_VERIFICATION_TEMPLATE_KIND,
    "SuppressedDestination": SUPPRESSED_KIND,
}
# The resource part of SES ARNs, where it is not the kebab-cased kind.
_ARN_TYPES = {
    IDENTITY_KIND: "identity",
    TEMPLATE_KIND: "template",
    CUSTOM_VERIFICATION_TEMPLATE_KIND: "custom-verification-email-template",
}


def _singular(word: str) -> str:
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith("s"):
        return word[:-1]
    return word


def split_operation(name: str) -> tuple[str, str]:
    """``("List", "ContactList")`` for ``ListContactLists``; ``("", name)`` for others."""
    for verb in _VERBS:
        rest = name[len(verb) :]
        if name.startswith(verb) and rest[:1].isupper():
            if verb == "List":
                rest = _singular(rest)
            return verb, _NOUN_ALIASES.get(rest, rest)
    return "", name


@dataclass(frozen=True, slots=True)
class Resource:
    """A kind of stored resource, as the model describes it."""

    noun: str
    kind: str
    keys: tuple[str, ...]  # wire names that identify one resource, outermost first
    creatable: bool
    record: str | None  # the shape a Get returns the resource as
    parent: str | None  # noun of the enclosing resource

    @property
    def arn_type(self) -> str:
        return _ARN_TYPES.get(self.kind, self.kind.replace("_", "-"))

    def key(self, params: dict[str, Any]) -> str:
        return "/".join(str(params[k]) for k in self.keys)

    def label(self, params: dict[str, Any]) -> str:
        return str(params.get(self.keys[-1], "")) if self.keys else self.noun


def _uri_labels(op: Operation) -> list[str]:
    return [label.rstrip("+") for label in re.findall(r"\{([^}]+)\}", op.uri)]


def _identity_members(op: Operation) -> tuple[str, ...]:
    """Required string members of ``op``'s input, path labels first in path order."""
    if op.input is None:
        return ()
    sh = shape(op.input)
    by_label = {m.location_name or m.wire: m.wire for m in sh.members if m.location == "uri"}
    ordered = [by_label[label] for label in _uri_labels(op) if label in by_label]
    for m in sh.members:
        required = m.wire in sh.required and shape(m.shape).kind == "string"
        if required and m.location is None and m.wire not in ordered:
            ordered.append(m.wire)
    return tuple(ordered)


@functools.cache
def _operations_by_noun() -> dict[str, dict[str, Operation]]:
    found: dict[str, dict[str, Operation]] = {}
    for py_name in operation_names():
        op = operation(py_name)
        verb, noun = split_operation(op.name)
        if verb:
            found.setdefault(noun, {})[verb] = op
    return found


@functools.cache
def resources() -> dict[str, Resource]:
    """Every resource noun of the model."""
    table: dict[str, Resource] = {}
    for noun, verbs in _operations_by_noun().items():
        if set(verbs) <= {"Put"}:
            continue  # an attribute group of another resource (PutAccountDetails)
        ident = verbs.get("Get") or verbs.get("Delete") or verbs.get("Disassociate")
        if ident is not None:
            keys = _identity_members(ident)
        elif "Update" in verbs:
            keys = tuple(
                m.wire for m in shape(verbs["Update"].input or "").members if m.location == "uri"
            )
        else:
            keys = ()
        record = None
        get = verbs.get("Get")
        if get is not None and get.output:
            out = shape(get.output)
            record = get.output
            if len(out.members) == 1 and shape(out.members[0].shape).kind == "structure":
                record = out.members[0].shape  # GetTenant -> {"Tenant": {...}}
        table[noun] = Resource(
            noun=noun,
            kind=_KINDS.get(noun, _snake(noun)),
            keys=keys,
            creatable="Create" in verbs or "Associate" in verbs,
            record=record,
            parent=None,
        )
    by_keys: dict[tuple[str, ...], str] = {}
    for res in sorted(table.values(), key=lambda r: len(r.noun), reverse=True):
        if res.keys and res.creatable:
            by_keys[res.keys] = res.noun  # the shortest noun wins: EmailIdentity
    for noun, res in list(table.items()):
        if len(res.keys) > 1 and res.keys[:-1] in by_keys:
            table[noun] = Resource(
                res.noun, res.kind, res.keys, res.creatable, res.record, by_keys[res.keys[:-1]]
            )
    return table


def _resource_for_kind(kind: str) -> Resource | None:
    for res in resources().values():
        if res.kind == kind:
            return res
    return None


_NOT_FOUND = {
    TEMPLATE_KIND: "Template {0} does not exist.",
    CONFIGURATION_SET_KIND: "Configuration set <{0}> does not exist.",
    IDENTITY_KIND: "Email identity {0} does not exist.",
    SUPPRESSED_KIND: "Email address {0} does not exist on your suppression list.",
    DEDICATED_IP_POOL_KIND: "Pool name {0} does not exist.",
    DEDICATED_IP_KIND: "IP {0} does not exist.",
    CUSTOM_VERIFICATION_TEMPLATE_KIND: "Custom verification email template <{0}> does not exist.",
}
_EXISTS = {
    TEMPLATE_KIND: "Template {0} already exists.",
    CONFIGURATION_SET_KIND: "Configuration set <{0}> already exists.",
    IDENTITY_KIND: "Email identity {0} already exists.",
    DEDICATED_IP_POOL_KIND: "Pool name {0} already exists.",
    CUSTOM_VERIFICATION_TEMPLATE_KIND: "Custom verification email template <{0}> already exists.",
}


def _missing(res: Resource, label: str) -> ApiError:
    template = _NOT_FOUND.get(res.kind, _human(res.noun) + " {0} does not exist.")
    return _not_found(template.format(label))


def _duplicate(res: Resource, label: str) -> ApiError:
    template = _EXISTS.get(res.kind, _human(res.noun) + " {0} already exists.")
    return _exists(template.format(label))


# --------------------------------------------------- documents -> responses


@dataclass(slots=True)
class _Ctx:
    state: ServerState
    res: Resource | None
    verb: str
    now: float


def _generated(m_wire: str, target: Shape, doc: dict[str, Any], ctx: _Ctx) -> Any:
    """A value for an output member the document lacks, or None."""
    if target.kind == "timestamp" and "_created" in doc and "Expir" not in m_wire:
        updated = "Updat" in m_wire
        return doc.get("_updated", doc["_created"]) if updated else doc["_created"]
    res = ctx.res
    if (
        res is not None
        and target.kind == "string"
        and m_wire.endswith("Arn")
        and res.noun.endswith(m_wire[:-3])
        and m_wire != "Arn"
        and all(k in doc for k in res.keys)
    ):
        return _arn(ctx.state, res.arn_type, res.key(doc))
    return None


def build(shape_name: str | None, doc: dict[str, Any], ctx: _Ctx, depth: int = 0) -> dict[str, Any]:
    """Map ``doc`` onto a structure shape, filling generated and required members."""
    if shape_name is None:
        return {}
    sh = shape(shape_name)
    out: dict[str, Any] = {}
    for m in sh.members:
        if m.location is not None:
            continue
        target = shape(m.shape)
        value = doc.get(m.wire)
        if value is None:
            value = _generated(m.wire, target, doc, ctx)
        if value is None and target.kind == "structure" and depth < 3:
            nested = {n.wire for n in target.members}
            if nested & {k for k, v in doc.items() if v is not None and not k.startswith("_")}:
                value = build(m.shape, doc, ctx, depth + 1)
        if value is None and m.wire in sh.required:
            value = _default(m.shape, ctx.now)
        if value is not None:
            out[m.wire] = value
    return out


# ------------------------------------------------------------- pagination


def _token_error(op: Operation) -> ApiError:
    code = "InvalidNextTokenException" if "InvalidNextTokenException" in op.errors else None
    return ApiError(code or "BadRequestException", "The NextToken provided is invalid.", 400)


def paginate(
    op: Operation, params: dict[str, Any], items: list[Any]
) -> tuple[list[Any], str | None]:
    """One page of ``items`` and the token for the next (None on the last page)."""
    size = params.get("PageSize")
    if size is None:
        size = DEFAULT_PAGE_SIZE
    if not isinstance(size, int) or isinstance(size, bool) or size < 1:
        raise _bad(f"PageSize must be between 1 and {MAX_PAGE_SIZE}.")
    size = min(size, MAX_PAGE_SIZE)
    offset = 0
    token = params.get("NextToken")
    if token:
        try:
            decoded = json.loads(base64.urlsafe_b64decode(str(token).encode() + b"=="))
            offset = int(decoded["o"])
            if decoded.get("op") != op.name or offset < 0:
                raise ValueError(token)
        except (ValueError, KeyError, TypeError, binascii.Error, UnicodeDecodeError):
            raise _token_error(op) from None
    page = items[offset : offset + size]
    following = offset + size
    if following >= len(items):
        return page, None
    raw = json.dumps({"op": op.name, "o": following}, separators=(",", ":")).encode()
    return page, base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _list_output(
    op: Operation, params: dict[str, Any], items: list[Any], ctx: _Ctx
) -> dict[str, Any]:
    """Paginate ``items`` (documents) and shape them as ``op``'s result list."""
    out_shape = shape(op.output or "")
    result_key = op.paginator.result_key if op.paginator else None
    if result_key is None:
        result_key = next((m.wire for m in out_shape.members if shape(m.shape).kind == "list"), "")
    member = out_shape.lookup(result_key)
    element = shape(shape(member.shape).member or "") if member else None
    page, token = paginate(op, params, items)
    shaped: list[Any] = []
    for doc in page:
        if element is None:
            shaped.append(_public(doc))
        elif element.kind == "structure":
            shaped.append(build(element.name, doc, ctx))
        else:
            shaped.append(ctx.res.label(doc) if ctx.res else "")  # a list of names
    result = build(op.output, {}, ctx)
    result[result_key] = shaped
    if token is not None:
        result["NextToken"] = token
    return result


# ---------------------------------------------------------- generic layer


def _now(state: ServerState) -> float:
    return state.clock()


def _new_id(name: str) -> str:
    return str(uuid.uuid4()) if name.endswith("Id") else uuid.uuid4().hex


def _require_parent(state: ServerState, res: Resource, params: dict[str, Any]) -> None:
    if res.parent is None:
        return
    parent = resources()[res.parent]
    if state.store.get(parent.kind, parent.key(params)) is None:
        raise _missing(parent, parent.label(params))


def _status_members(shape_name: str | None) -> list[tuple[str, frozenset[str]]]:
    if shape_name is None:
        return []
    found = []
    for m in shape(shape_name).members:
        target = shape(m.shape)
        if target.enum and m.wire.endswith("Status"):
            found.append((m.wire, target.enum))
    return found


_CreateHook = Callable[[ServerState, dict[str, Any]], None]
_CREATE_HOOKS: dict[str, _CreateHook] = {}


def _create(state: ServerState, op: Operation, res: Resource, params: dict[str, Any]) -> Any:
    ctx = _Ctx(state, res, "Create", _now(state))
    doc = {k: v for k, v in params.items() if v is not None}
    for key in res.keys:
        if key not in doc:
            doc[key] = _new_id(key)
    out_shape = shape(op.output) if op.output else None
    for m in out_shape.members if out_shape else ():
        if m.wire not in doc and m.wire.endswith("Id") and shape(m.shape).kind == "string":
            doc[m.wire] = _new_id(m.wire)
    for wire, values in _status_members(res.record) + _status_members(op.output):
        doc.setdefault(wire, _enum_default(values))
    doc["_created"] = doc["_updated"] = ctx.now
    with state.store.transaction():
        _require_parent(state, res, doc)
        key = res.key(doc)
        if state.store.get(res.kind, key) is not None:
            raise _duplicate(res, res.label(doc))
        hook = _CREATE_HOOKS.get(res.noun)
        if hook is not None:
            hook(state, doc)
        state.store.put(res.kind, key, doc)
    return build(op.output, doc, ctx)


def _load(state: ServerState, res: Resource, params: dict[str, Any]) -> dict[str, Any]:
    if not res.keys:
        return state.store.get(res.kind, res.kind) or {}
    doc = state.store.get(res.kind, res.key(params))
    if doc is None:
        if res.creatable:
            raise _missing(res, res.label(params))
        return dict(params)  # nothing creates it: it exists as soon as it is named
    return doc


def _save(state: ServerState, res: Resource, doc: dict[str, Any]) -> None:
    state.store.put(res.kind, res.key(doc) if res.keys else res.kind, doc)


def _get(state: ServerState, op: Operation, res: Resource, params: dict[str, Any]) -> Any:
    doc = _load(state, res, params)
    return build(op.output, doc, _Ctx(state, res, "Get", _now(state)))


def _update(state: ServerState, op: Operation, res: Resource, params: dict[str, Any]) -> Any:
    now = _now(state)
    with state.store.transaction():
        doc = _load(state, res, params)
        doc.update({k: v for k, v in params.items() if v is not None})
        doc.setdefault("_created", now)
        doc["_updated"] = now
        _save(state, res, doc)
    return build(op.output, doc, _Ctx(state, res, "Update", now))


def _delete_children(state: ServerState, res: Resource, key: str) -> None:
    for child in resources().values():
        if child.parent == res.noun:
            for child_key, _ in state.store.list(child.kind, key + "/"):
                _delete_children(state, child, child_key)
                state.store.delete(child.kind, child_key)


def _delete(state: ServerState, op: Operation, res: Resource, params: dict[str, Any]) -> Any:
    with state.store.transaction():
        key = res.key(params)
        if not state.store.delete(res.kind, key):
            raise _missing(res, res.label(params))
        _delete_children(state, res, key)
    out = {wire: _enum_default(values, "Delete") for wire, values in _status_members(op.output)}
    return build(op.output, out, _Ctx(state, res, "Delete", _now(state)))


def _cancel(state: ServerState, op: Operation, res: Resource, params: dict[str, Any]) -> Any:
    now = _now(state)
    with state.store.transaction():
        doc = _load(state, res, params)
        for wire, values in _status_members(res.record):
            if "CANCELLED" in values:
                doc[wire] = "CANCELLED"
        doc["_updated"] = now
        _save(state, res, doc)
    return build(op.output, {}, _Ctx(state, res, "Cancel", now))


def _scalar(value: Any) -> bool:
    return isinstance(value, str | int | float | bool)


def _list(state: ServerState, op: Operation, res: Resource, params: dict[str, Any]) -> Any:
    ctx = _Ctx(state, res, "List", _now(state))
    scope = [k for k in res.keys[:-1] if k in params]
    prefix = "/".join(str(params[k]) for k in scope) + "/" if scope else ""
    if scope and res.parent is not None:
        _require_parent(state, res, params)
    docs = [doc for _, doc in state.store.list(res.kind, prefix)]
    skip = {"NextToken", "PageSize", *scope}
    for m in shape(op.input).members if op.input else ():
        wanted = params.get(m.wire)
        if m.wire in skip or wanted is None or not _scalar(wanted):
            continue
        docs = [d for d in docs if d.get(m.wire, wanted) == wanted]
    return _list_output(op, params, docs, ctx)


def _put(state: ServerState, op: Operation, params: dict[str, Any]) -> Any:
    """``Put<Noun><Attribute>``: set an attribute group of an existing resource."""
    _, rest = split_operation(op.name)
    table = resources()
    target = max(
        (r for r in table.values() if rest.startswith(r.noun) and all(k in params for k in r.keys)),
        key=lambda r: len(r.noun),
        default=None,
    )
    if target is None:
        target = table.get(rest) or Resource(rest, _snake(rest), (), False, None, None)
    attribute = rest[len(target.noun) :]
    now = _now(state)
    values = {k: v for k, v in params.items() if k not in target.keys and v is not None}
    with state.store.transaction():
        doc = _load(state, target, params)
        record = shape(target.record) if target.record else None
        member = record.lookup(attribute) if record and attribute else None
        if member is not None and shape(member.shape).kind == "structure":
            if attribute in values:
                doc[attribute] = values[attribute]
            else:
                doc[attribute] = {**(doc.get(attribute) or {}), **values}
        else:
            doc.update(values)
        doc.setdefault("_created", now)
        doc["_updated"] = now
        _save(state, target, doc)
    return build(op.output, {}, _Ctx(state, target, "Put", now))


def _synthesize(state: ServerState, op: Operation, params: dict[str, Any]) -> Any:
    """Operations with nothing to store: echo the request onto the output shape."""
    doc = dict(params)
    verb, noun = split_operation(op.name)
    if op.name.startswith("Send") and op.output:
        for m in shape(op.output).members:
            if m.wire.endswith("Id"):
                doc.setdefault(m.wire, _new_id(m.wire))
    return build(op.output, doc, _Ctx(state, resources().get(noun), verb, _now(state)))


def _dispatch(state: ServerState, op: Operation, params: dict[str, Any]) -> Any:
    verb, noun = split_operation(op.name)
    res = resources().get(noun)
    if verb == "Put":
        return _put(state, op, params)
    if res is None:
        return _synthesize(state, op, params)
    if verb in ("Create", "Associate"):
        return _create(state, op, res, params)
    if verb == "Get":
        return _get(state, op, res, params)
    if verb == "List":
        return _list(state, op, res, params)
    if verb == "Update":
        return _update(state, op, res, params)
    if verb in ("Delete", "Disassociate"):
        return _delete(state, op, res, params)
    if verb == "Cancel":
        return _cancel(state, op, res, params)
    return _synthesize(state, op, params)


@functools.cache
def _operation_by_name(name: str) -> Operation:
    for py_name in operation_names():
        op = operation(py_name)
        if op.name == name:
            return op
    raise KeyError(name)


def generic_handler(op_name: str) -> Handler:
    """The model-driven handler for an operation (by its SES name)."""
    op = _operation_by_name(op_name)

    def run(state: ServerState, params: dict[str, Any]) -> dict[str, Any]:
        result: dict[str, Any] = _dispatch(state, op, params)
        return result

    run.__name__ = f"generic_{op_name}"
    return run


# -------------------------------------------------------- tenant resources


def _tenant_association(state: ServerState, doc: dict[str, Any]) -> None:
    tenant = state.store.get("tenant", str(doc.get("TenantName"))) or {}
    if "TenantId" in tenant:
        doc["TenantId"] = tenant["TenantId"]
    arn = str(doc.get("ResourceArn", ""))
    resource_type = arn.rpartition(":")[2].partition("/")[0]
    kinds = {
        "identity": "EMAIL_IDENTITY",
        "configuration-set": "CONFIGURATION_SET",
        "template": "EMAIL_TEMPLATE",
    }
    if resource_type in kinds:
        doc["ResourceType"] = kinds[resource_type]
    doc["AssociatedTimestamp"] = doc["_created"]


def _export_job(state: ServerState, doc: dict[str, Any]) -> None:
    source = doc.get("ExportDataSource") or {}
    doc["ExportSourceType"] = (
        "METRICS_DATA" if "MetricsDataSource" in source else "MESSAGE_INSIGHTS"
    )


def _dedicated_ip_pool(state: ServerState, doc: dict[str, Any]) -> None:
    doc.setdefault("ScalingMode", "STANDARD")


_CREATE_HOOKS["TenantResourceAssociation"] = _tenant_association
_CREATE_HOOKS["ExportJob"] = _export_job
_CREATE_HOOKS["DedicatedIpPool"] = _dedicated_ip_pool


# --------------------------------------------------- reputation entities


def _update_reputation_entity(
    state: ServerState, params: dict[str, Any], changes: dict[str, Any]
) -> dict[str, Any]:
    res = resources()["ReputationEntity"]
    now = _now(state)
    with state.store.transaction():
        doc = _load(state, res, params)
        doc.update(changes)
        doc.setdefault("_created", now)
        doc["_updated"] = now
        _save(state, res, doc)
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
        "CustomerManagedStatus": {"Status": status, "LastUpdatedTimestamp": _now(state)},
        "SendingStatusAggregate": status,
    }
    return _update_reputation_entity(state, params, changes)


# ---------------------------------------------------------- identities

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
        raise _not_found(_NOT_FOUND[IDENTITY_KIND].format(name))
    doc.setdefault("EmailIdentity", key)  # documents written directly may lack it
    return doc


def _save_identity(state: ServerState, doc: dict[str, Any]) -> None:
    doc["_updated"] = _now(state)
    state.store.put(IDENTITY_KIND, identity_key(str(doc["EmailIdentity"])), doc)


def _dkim_tokens(domain: str) -> list[str]:
    # Stable per domain, so a restart with --data-dir or a re-create shows the same records.
    return [hashlib.sha256(f"{domain}/{i}".encode()).hexdigest()[:32] for i in range(3)]


def _check_configuration_set(state: ServerState, name: Any) -> None:
    if name and state.store.get(CONFIGURATION_SET_KIND, str(name)) is None:
        raise _not_found(_NOT_FOUND[CONFIGURATION_SET_KIND].format(name))


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
            raise _bad("Both DomainSigningSelector and DomainSigningPrivateKey are required.")
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
        raise _bad(f"Invalid email address or domain: {name}")
    now = _now(state)
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
            raise _exists(_EXISTS[IDENTITY_KIND].format(name))
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
    op = _operation_by_name("GetEmailIdentity")
    return build(op.output, doc, _Ctx(state, None, "Get", _now(state)))


_IDENTITY_FILTERS: dict[str, Callable[[dict[str, Any], str], bool]] = {
    "IDENTITY_TYPE": lambda doc, v: doc.get("IdentityType") == v,
    "VERIFICATION_STATUS": lambda doc, v: doc.get("VerificationStatus") == v,
    "IDENTITY_NAME_CONTAINS": lambda doc, v: v.lower() in str(doc.get("EmailIdentity")).lower(),
}


@handlers.register("ListEmailIdentities")
def list_email_identities(state: ServerState, params: dict[str, Any]) -> dict[str, Any]:
    docs = [{"EmailIdentity": key, **doc} for key, doc in state.store.list(IDENTITY_KIND)]
    for key, value in (params.get("Filter") or {}).items():
        test = _IDENTITY_FILTERS.get(key)
        if test is None:
            raise _bad(f"Invalid filter key: {key}")
        docs = [d for d in docs if test(d, str(value))]
    op = _operation_by_name("ListEmailIdentities")
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
        raise _not_found(_NOT_FOUND[IDENTITY_KIND].format(name))
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
            raise _bad("DKIM signing attributes can only be set on a domain identity.")
        if origin == "EXTERNAL":
            if not attributes.get("DomainSigningSelector") or not attributes.get(
                "DomainSigningPrivateKey"
            ):
                raise _bad(
                    "DomainSigningSelector and DomainSigningPrivateKey are required "
                    "when SigningAttributesOrigin is EXTERNAL."
                )
        else:
            attributes = {
                "DomainSigningAttributesOrigin": origin,
                "NextSigningKeyLength": attributes.get("NextSigningKeyLength"),
            }
        dkim = _dkim_for(state, str(doc["EmailIdentity"]), attributes, _now(state))
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
                raise _bad(
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
        raise _bad("Policy is not valid JSON.") from None
    if not isinstance(parsed, dict):
        raise _bad("Policy must be a JSON object.")
    return text


def _policy_not_found(name: str) -> ApiError:
    return _not_found(f"Policy {name} does not exist.")


@handlers.register("CreateEmailIdentityPolicy")
def create_email_identity_policy(state: ServerState, params: dict[str, Any]) -> dict[str, Any]:
    name, text = str(params["PolicyName"]), _policy_text(params)
    with state.store.transaction():
        doc = _identity(state, str(params["EmailIdentity"]))
        policies = doc.setdefault("Policies", {})
        if name in policies:
            raise _exists(f"Policy {name} already exists.")
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


# ------------------------------------------------------------ templates


@handlers.register("TestRenderEmailTemplate")
def test_render_email_template(state: ServerState, params: dict[str, Any]) -> dict[str, Any]:
    from aws_ses.templating import TemplateRenderError, render_email_template, rendered_mime

    name = str(params["TemplateName"])
    doc = state.store.get(TEMPLATE_KIND, name)
    if doc is None:
        raise _not_found(_NOT_FOUND[TEMPLATE_KIND].format(name))
    content = doc.get("TemplateContent") or {}
    try:
        rendered = render_email_template(
            content.get("Subject"),
            content.get("Html"),
            content.get("Text"),
            str(params["TemplateData"]),
        )
    except TemplateRenderError as exc:
        raise _bad(exc.message) from None
    date = datetime.fromtimestamp(_now(state), UTC)
    return {"RenderedTemplate": rendered_mime(rendered, date=date)}


# -------------------------------------------------- configuration sets

_CONFIGURATION_SET_DEFAULTS: dict[str, dict[str, Any]] = {
    "SendingOptions": {"SendingEnabled": True},
    "ReputationOptions": {"ReputationMetricsEnabled": False},
    "DeliveryOptions": {"TlsPolicy": "OPTIONAL"},
}


def _check_pool(state: ServerState, name: Any) -> None:
    if name:
        _seed_dedicated_ips(state)
        if state.store.get(DEDICATED_IP_POOL_KIND, str(name)) is None:
            raise _not_found(_NOT_FOUND[DEDICATED_IP_POOL_KIND].format(name))


@handlers.register("CreateConfigurationSet")
def create_configuration_set(state: ServerState, params: dict[str, Any]) -> dict[str, Any]:
    name = str(params["ConfigurationSetName"])
    doc: dict[str, Any] = {k: v for k, v in params.items() if v is not None}
    for option, defaults in _CONFIGURATION_SET_DEFAULTS.items():
        doc[option] = {**defaults, **(doc.get(option) or {})}
    doc.setdefault("Tags", [])
    doc["EventDestinations"] = []
    doc["_created"] = doc["_updated"] = _now(state)
    with state.store.transaction():
        _check_pool(state, doc["DeliveryOptions"].get("SendingPoolName"))
        if state.store.get(CONFIGURATION_SET_KIND, name) is not None:
            raise _exists(_EXISTS[CONFIGURATION_SET_KIND].format(name))
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
        raise _not_found(_NOT_FOUND[CONFIGURATION_SET_KIND].format(name))
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
    return _not_found(
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
            raise _exists(
                f"Event destination {name} already exists in configuration set <{cs_name}>."
            )
        destinations.append(_destination(name, dict(params["EventDestination"])))
        doc["_updated"] = _now(state)
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
        doc["_updated"] = _now(state)
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
        doc["_updated"] = _now(state)
        state.store.put(CONFIGURATION_SET_KIND, cs_name, doc)
    return {}


# ------------------------------------------------------ suppression list


def _suppressed_address(params: dict[str, Any]) -> str:
    address = str(params.get("EmailAddress") or "").strip()
    local, at, domain = address.rpartition("@")
    if not (at and local and domain):
        raise _bad(f"Invalid email address: {address}")
    return address


def _suppression_scope(state: ServerState, params: dict[str, Any]) -> tuple[str, str]:
    """(kind, key prefix): the account's list, or a tenant's with TenantName."""
    tenant = params.get("TenantName")
    if not tenant:
        return SUPPRESSED_KIND, ""
    if state.store.get("tenant", str(tenant)) is None:
        raise _not_found(f"Tenant {tenant} does not exist.")
    return TENANT_SUPPRESSED_KIND, f"{tenant}/"


@handlers.register("PutSuppressedDestination")
def put_suppressed_destination(state: ServerState, params: dict[str, Any]) -> dict[str, Any]:
    address = _suppressed_address(params)
    kind, prefix = _suppression_scope(state, params)
    doc: dict[str, Any] = {
        "EmailAddress": address,
        "Reason": params["Reason"],
        "LastUpdateTime": _now(state),
    }
    if params.get("TenantName"):
        doc["TenantName"] = params["TenantName"]
    state.store.put(kind, prefix + address.lower(), doc)
    return {}


def _suppressed(state: ServerState, params: dict[str, Any]) -> tuple[str, str, dict[str, Any]]:
    address = _suppressed_address(params)
    kind, prefix = _suppression_scope(state, params)
    doc = state.store.get(kind, prefix + address.lower())
    if doc is None:
        raise _not_found(_NOT_FOUND[SUPPRESSED_KIND].format(address))
    return kind, prefix + address.lower(), doc


@handlers.register("GetSuppressedDestination")
def get_suppressed_destination(state: ServerState, params: dict[str, Any]) -> dict[str, Any]:
    _, _, doc = _suppressed(state, params)
    found: dict[str, Any] = {
        k: doc[k] for k in ("EmailAddress", "Reason", "LastUpdateTime", "TenantName") if k in doc
    }
    found["Attributes"] = dict(doc.get("Attributes") or {})
    return {"SuppressedDestination": found}


@handlers.register("DeleteSuppressedDestination")
def delete_suppressed_destination(state: ServerState, params: dict[str, Any]) -> dict[str, Any]:
    kind, key, _ = _suppressed(state, params)
    state.store.delete(kind, key)
    return {}


@handlers.register("ListSuppressedDestinations")
def list_suppressed_destinations(state: ServerState, params: dict[str, Any]) -> dict[str, Any]:
    kind, prefix = _suppression_scope(state, params)
    docs = [doc for _, doc in state.store.list(kind, prefix)]
    reasons = params.get("Reasons")
    if reasons:
        docs = [d for d in docs if d.get("Reason") in reasons]
    start, end = params.get("StartDate"), params.get("EndDate")
    if start is not None:
        docs = [d for d in docs if float(d.get("LastUpdateTime", 0)) >= parse_timestamp(start)]
    if end is not None:
        docs = [d for d in docs if float(d.get("LastUpdateTime", 0)) <= parse_timestamp(end)]
    op = _operation_by_name("ListSuppressedDestinations")
    page, token = paginate(op, params, docs)
    result: dict[str, Any] = {
        "SuppressedDestinationSummaries": [
            {k: d[k] for k in ("EmailAddress", "Reason", "LastUpdateTime")} for d in page
        ]
    }
    if token:
        result["NextToken"] = token
    return result


# ------------------------------------------------- dedicated IPs and pools


def _seed_dedicated_ips(state: ServerState) -> None:
    """Give the account a few fake dedicated IPs, once, in SES's default pool."""
    if state.store.get(_META_KIND, "dedicated_ips") is not None:
        return
    with state.store.transaction():
        if state.store.get(_META_KIND, "dedicated_ips") is not None:
            return
        now = _now(state)
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
        state.store.put(_META_KIND, "dedicated_ips", {"seeded": now})


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
            raise _not_found(_NOT_FOUND[DEDICATED_IP_POOL_KIND].format(name))
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
        raise _not_found(_NOT_FOUND[DEDICATED_IP_KIND].format(ip))
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
        raise _not_found(_NOT_FOUND[DEDICATED_IP_POOL_KIND].format(pool))
    docs = [
        d for _, d in state.store.list(DEDICATED_IP_KIND) if not pool or d.get("PoolName") == pool
    ]
    page, token = paginate(_operation_by_name("GetDedicatedIps"), params, docs)
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
            raise _not_found(_NOT_FOUND[DEDICATED_IP_POOL_KIND].format(pool))
        doc["PoolName"] = pool
        state.store.put(DEDICATED_IP_KIND, str(doc["Ip"]), doc)
    return {}


@handlers.register("PutDedicatedIpWarmupAttributes")
def put_dedicated_ip_warmup_attributes(
    state: ServerState, params: dict[str, Any]
) -> dict[str, Any]:
    percentage = params["WarmupPercentage"]
    if not 0 <= int(percentage) <= 100:
        raise _bad("WarmupPercentage must be between 0 and 100.")
    with state.store.transaction():
        doc = _dedicated_ip(state, str(params["Ip"]))
        doc["WarmupPercentage"] = int(percentage)
        doc["WarmupStatus"] = "DONE" if int(percentage) >= 100 else "IN_PROGRESS"
        state.store.put(DEDICATED_IP_KIND, str(doc["Ip"]), doc)
    return {}


# ---------------------------------------------------------------- account


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
    doc.update(_public(stored))
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
    return build(_operation_by_name("GetAccount").output, doc, _Ctx(state, None, "Get", 0.0))


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


# ------------------------------------------------ deliverability dashboard

_DASHBOARD = ("deliverability_dashboard", "options")


@handlers.register("PutDeliverabilityDashboardOption")
def put_deliverability_dashboard_option(
    state: ServerState, params: dict[str, Any]
) -> dict[str, Any]:
    doc = {
        "DashboardEnabled": params["DashboardEnabled"] is True,
        "SubscribedDomains": list(params.get("SubscribedDomains") or []),
    }
    state.store.put(*_DASHBOARD, doc)
    return {}


@handlers.register("GetDeliverabilityDashboardOptions")
def get_deliverability_dashboard_options(
    state: ServerState, params: dict[str, Any]
) -> dict[str, Any]:
    doc = state.store.get(*_DASHBOARD) or {}
    enabled = doc.get("DashboardEnabled") is True
    return {
        "DashboardEnabled": enabled,
        "AccountStatus": "ACTIVE" if enabled else "DISABLED",
        "ActiveSubscribedDomains": doc.get("SubscribedDomains", []) if enabled else [],
        "PendingExpirationSubscribedDomains": [],
    }


# --------------------------------------------------- metrics and insights


@handlers.register("BatchGetMetricData")
def batch_get_metric_data(state: ServerState, params: dict[str, Any]) -> dict[str, Any]:
    # No metrics are collected locally: every query succeeds with no data points.
    results = [{"Id": q.get("Id"), "Timestamps": [], "Values": []} for q in params["Queries"]]
    return {"Results": results, "Errors": []}


@handlers.register("GetMessageInsights")
def get_message_insights(state: ServerState, params: dict[str, Any]) -> dict[str, Any]:
    message_id = str(params["MessageId"])
    doc = state.store.get("message", message_id)  # written by the sending side
    if doc is None:
        raise _not_found(f"Message {message_id} does not exist.")
    destination = doc.get("Destination") or {}
    recipients = [
        *destination.get("ToAddresses", []),
        *destination.get("CcAddresses", []),
        *destination.get("BccAddresses", []),
    ]
    events = [e for _, e in state.store.list("event") if e.get("MessageId") == message_id]
    insights = []
    for recipient in recipients:
        seen = []
        for event in events:
            if event.get("Destination") is None and recipient in (event.get("Recipients") or []):
                try:
                    when = parse_timestamp(event.get("Timestamp"))
                except ValueError:
                    continue
                seen.append({"Timestamp": when, "Type": event.get("Type")})
        insights.append({"Destination": recipient, "Events": seen})
    return {
        "MessageId": message_id,
        "FromEmailAddress": doc.get("Source"),
        "Subject": doc.get("Subject"),
        "EmailTags": list(doc.get("Tags") or []),
        "Insights": insights,
    }


# ---------------------------------------------------------------- tagging


def _tag_target(state: ServerState, arn: str) -> tuple[str, str]:
    """(kind, key) of the document holding the tags of ``arn``."""
    parts = arn.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn" or not parts[5]:
        raise _bad(f"Invalid resource ARN: {arn}")
    resource_type, _, name = parts[5].partition("/")
    if parts[2] == "ses" and name:
        kinds = {r.arn_type: r.kind for r in resources().values() if r.creatable}
        kind = kinds.get(resource_type)
        if kind is not None:
            key = identity_key(name) if kind == IDENTITY_KIND else name
            if state.store.get(kind, key) is None:
                res = _resource_for_kind(kind)
                raise _missing(res, name) if res else _not_found(f"Resource {arn} does not exist.")
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
            raise _bad("A resource can have at most 50 tags.")
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


# The engine, as the handler modules (aws_ses.local.handlers) use it.
Ctx = _Ctx
load = _load
list_output = _list_output
operation_by_name = _operation_by_name
require_parent = _require_parent
not_found = _not_found
