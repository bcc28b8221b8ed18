"""The generic, model-driven CRUD engine behind every SES v2 operation.

- The **engine** (this module). An operation's name gives its verb
  and resource noun (``CreateContactList`` -> Create, ``ContactList``); the
  noun's ``Get`` (else ``Delete``) operation gives the members that identify
  one resource; a resource whose identity extends another's (a contact inside
  a contact list) has that one as its parent. Documents are the request's
  members by wire name; reads map them onto the output shape, filling what a
  real resource would carry (timestamps, ARNs, generated ids, a settled
  status) and every required member, so typed clients always decode.
  Operations without a specific handler are served by
  :func:`generic_handler`.
- **Specific** handlers live in :mod:`aws_ses.local.handlers`, one module
  per resource family (identities, templates, configuration sets,
  suppression, dedicated IPs, account, deliverability, insights, tagging,
  contacts, tenants, reputation, multi-region endpoints), each with its own
  ``handlers`` table, built on the engine's functions below.

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
  ``aws_ses.local.handlers.account.account_doc`` returns it with every
  default filled.

Keys starting with ``_`` in a document are bookkeeping and never returned.
"""

from __future__ import annotations

import base64
import binascii
import copy
import functools
import json
import re
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from aws_ses._model import Operation, Shape, operation, operation_names, shape
from aws_ses.local.state import ApiError, Handler, ServerState

__all__ = [
    "ACCOUNT_KIND",
    "CONFIGURATION_SET_KIND",
    "CUSTOM_VERIFICATION_TEMPLATE_KIND",
    "DEFAULT_POOL",
    "DEDICATED_IP_KIND",
    "DEDICATED_IP_POOL_KIND",
    "EXISTS_MESSAGES",
    "IDENTITY_KIND",
    "META_KIND",
    "NOT_FOUND_MESSAGES",
    "SEED_IPS",
    "SENDING_OPERATIONS",
    "SUPPRESSED_KIND",
    "TAGS_KIND",
    "TEMPLATE_KIND",
    "TENANT_SUPPRESSED_KIND",
    "Ctx",
    "Resource",
    "already_exists",
    "bad_request",
    "build",
    "current_time",
    "duplicate",
    "generic_handler",
    "list_output",
    "load",
    "missing",
    "not_found",
    "operation_by_name",
    "paginate",
    "parse_timestamp",
    "public_members",
    "require_parent",
    "resource_for_kind",
    "resources",
    "save",
    "split_operation",
    "with_defaults",
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
META_KIND = "meta"

# SES's name for the pool of dedicated IPs that were put in no other pool.
DEFAULT_POOL = "ses-default-dedicated-pool"
SEED_IPS = ("198.51.100.1", "198.51.100.2", "198.51.100.3")  # TEST-NET-2, never routed

DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000

# ----------------------------------------------------------------- helpers


def bad_request(message: str) -> ApiError:
    return ApiError("BadRequestException", message, 400)


def not_found(message: str) -> ApiError:
    return ApiError("NotFoundException", message, 404)


def already_exists(message: str) -> ApiError:
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


def public_members(doc: dict[str, Any]) -> dict[str, Any]:
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


def resource_for_kind(kind: str) -> Resource | None:
    for res in resources().values():
        if res.kind == kind:
            return res
    return None


NOT_FOUND_MESSAGES = {
    TEMPLATE_KIND: "Template {0} does not exist.",
    CONFIGURATION_SET_KIND: "Configuration set <{0}> does not exist.",
    IDENTITY_KIND: "Email identity {0} does not exist.",
    SUPPRESSED_KIND: "Email address {0} does not exist on your suppression list.",
    DEDICATED_IP_POOL_KIND: "Pool name {0} does not exist.",
    DEDICATED_IP_KIND: "IP {0} does not exist.",
    CUSTOM_VERIFICATION_TEMPLATE_KIND: "Custom verification email template <{0}> does not exist.",
}
EXISTS_MESSAGES = {
    TEMPLATE_KIND: "Template {0} already exists.",
    CONFIGURATION_SET_KIND: "Configuration set <{0}> already exists.",
    IDENTITY_KIND: "Email identity {0} already exists.",
    DEDICATED_IP_POOL_KIND: "Pool name {0} already exists.",
    CUSTOM_VERIFICATION_TEMPLATE_KIND: "Custom verification email template <{0}> already exists.",
}


def missing(res: Resource, label: str) -> ApiError:
    template = NOT_FOUND_MESSAGES.get(res.kind, _human(res.noun) + " {0} does not exist.")
    return not_found(template.format(label))


def duplicate(res: Resource, label: str) -> ApiError:
    template = EXISTS_MESSAGES.get(res.kind, _human(res.noun) + " {0} already exists.")
    return already_exists(template.format(label))


# --------------------------------------------------- documents -> responses


@dataclass(slots=True)
class Ctx:
    state: ServerState
    res: Resource | None
    verb: str
    now: float


def _generated(m_wire: str, target: Shape, doc: dict[str, Any], ctx: Ctx) -> Any:
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


def build(shape_name: str | None, doc: dict[str, Any], ctx: Ctx, depth: int = 0) -> dict[str, Any]:
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
        raise bad_request(f"PageSize must be between 1 and {MAX_PAGE_SIZE}.")
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


def list_output(
    op: Operation, params: dict[str, Any], items: list[Any], ctx: Ctx
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
            shaped.append(public_members(doc))
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


def current_time(state: ServerState) -> float:
    return state.clock()


def _new_id(name: str) -> str:
    return str(uuid.uuid4()) if name.endswith("Id") else uuid.uuid4().hex


def require_parent(state: ServerState, res: Resource, params: dict[str, Any]) -> None:
    if res.parent is None:
        return
    parent = resources()[res.parent]
    if state.store.get(parent.kind, parent.key(params)) is None:
        raise missing(parent, parent.label(params))


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
    ctx = Ctx(state, res, "Create", current_time(state))
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
        require_parent(state, res, doc)
        key = res.key(doc)
        if state.store.get(res.kind, key) is not None:
            raise duplicate(res, res.label(doc))
        hook = _CREATE_HOOKS.get(res.noun)
        if hook is not None:
            hook(state, doc)
        state.store.put(res.kind, key, doc)
    return build(op.output, doc, ctx)


def load(state: ServerState, res: Resource, params: dict[str, Any]) -> dict[str, Any]:
    if not res.keys:
        return state.store.get(res.kind, res.kind) or {}
    doc = state.store.get(res.kind, res.key(params))
    if doc is None:
        if res.creatable:
            raise missing(res, res.label(params))
        return dict(params)  # nothing creates it: it exists as soon as it is named
    return doc


def save(state: ServerState, res: Resource, doc: dict[str, Any]) -> None:
    state.store.put(res.kind, res.key(doc) if res.keys else res.kind, doc)


def _get(state: ServerState, op: Operation, res: Resource, params: dict[str, Any]) -> Any:
    doc = load(state, res, params)
    return build(op.output, doc, Ctx(state, res, "Get", current_time(state)))


def _update(state: ServerState, op: Operation, res: Resource, params: dict[str, Any]) -> Any:
    now = current_time(state)
    with state.store.transaction():
        doc = load(state, res, params)
        doc.update({k: v for k, v in params.items() if v is not None})
        doc.setdefault("_created", now)
        doc["_updated"] = now
        save(state, res, doc)
    return build(op.output, doc, Ctx(state, res, "Update", now))


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
            raise missing(res, res.label(params))
        _delete_children(state, res, key)
    out = {wire: _enum_default(values, "Delete") for wire, values in _status_members(op.output)}
    return build(op.output, out, Ctx(state, res, "Delete", current_time(state)))


def _cancel(state: ServerState, op: Operation, res: Resource, params: dict[str, Any]) -> Any:
    now = current_time(state)
    with state.store.transaction():
        doc = load(state, res, params)
        for wire, values in _status_members(res.record):
            if "CANCELLED" in values:
                doc[wire] = "CANCELLED"
        doc["_updated"] = now
        save(state, res, doc)
    return build(op.output, {}, Ctx(state, res, "Cancel", now))


def _scalar(value: Any) -> bool:
    return isinstance(value, str | int | float | bool)


def _list(state: ServerState, op: Operation, res: Resource, params: dict[str, Any]) -> Any:
    ctx = Ctx(state, res, "List", current_time(state))
    scope = [k for k in res.keys[:-1] if k in params]
    prefix = "/".join(str(params[k]) for k in scope) + "/" if scope else ""
    if scope and res.parent is not None:
        require_parent(state, res, params)
    docs = [doc for _, doc in state.store.list(res.kind, prefix)]
    skip = {"NextToken", "PageSize", *scope}
    for m in shape(op.input).members if op.input else ():
        wanted = params.get(m.wire)
        if m.wire in skip or wanted is None or not _scalar(wanted):
            continue
        docs = [d for d in docs if d.get(m.wire, wanted) == wanted]
    return list_output(op, params, docs, ctx)


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
    now = current_time(state)
    values = {k: v for k, v in params.items() if k not in target.keys and v is not None}
    with state.store.transaction():
        doc = load(state, target, params)
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
        save(state, target, doc)
    return build(op.output, {}, Ctx(state, target, "Put", now))


def _synthesize(state: ServerState, op: Operation, params: dict[str, Any]) -> Any:
    """Operations with nothing to store: echo the request onto the output shape."""
    doc = dict(params)
    verb, noun = split_operation(op.name)
    if op.name.startswith("Send") and op.output:
        for m in shape(op.output).members:
            if m.wire.endswith("Id"):
                doc.setdefault(m.wire, _new_id(m.wire))
    return build(op.output, doc, Ctx(state, resources().get(noun), verb, current_time(state)))


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
def operation_by_name(name: str) -> Operation:
    for py_name in operation_names():
        op = operation(py_name)
        if op.name == name:
            return op
    raise KeyError(name)


def generic_handler(op_name: str) -> Handler:
    """The model-driven handler for an operation (by its SES name)."""
    op = operation_by_name(op_name)

    def run(state: ServerState, params: dict[str, Any]) -> dict[str, Any]:
        result: dict[str, Any] = _dispatch(state, op, params)
        return result

    run.__name__ = f"generic_{op_name}"
    return run


def with_defaults(op_name: str, defaults: Mapping[str, Any]) -> Handler:
    """The generic handler of ``op_name``, filling the members SES fills in
    when the request leaves them out (``Tags: []`` on a create)."""
    generic = generic_handler(op_name)

    def run(state: ServerState, params: dict[str, Any]) -> dict[str, Any]:
        given = {k: v for k, v in params.items() if v is not None}
        return generic(state, {**copy.deepcopy(dict(defaults)), **given})

    run.__name__ = f"defaulted_{op_name}"
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


def _import_job(state: ServerState, doc: dict[str, Any]) -> None:
    # What ListImportJobs' ImportDestinationType filter compares; no output shape has it.
    destination = doc.get("ImportDestination") or {}
    doc["ImportDestinationType"] = (
        "CONTACT_LIST" if "ContactListDestination" in destination else "SUPPRESSION_LIST"
    )


def _dedicated_ip_pool(state: ServerState, doc: dict[str, Any]) -> None:
    doc.setdefault("ScalingMode", "STANDARD")


_CREATE_HOOKS["TenantResourceAssociation"] = _tenant_association
_CREATE_HOOKS["ExportJob"] = _export_job
_CREATE_HOOKS["ImportJob"] = _import_job
_CREATE_HOOKS["DedicatedIpPool"] = _dedicated_ip_pool
