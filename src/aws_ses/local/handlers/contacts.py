"""Contact lists and their contacts: topic defaults and the ``ListContacts`` filter.

A contact's ``TopicDefaultPreferences`` are its list's topics that the
contact has no preference for, each with the topic's
``DefaultSubscriptionStatus``; ``TopicPreferences`` are the contact's own.
``ListContacts`` ``Filter``: ``FilteredStatus`` alone keeps contacts with a
preference of that status for any topic (defaults included);
with ``TopicFilter`` only that topic counts, and a contact without its own
preference counts with the topic's default only when
``UseDefaultIfPreferenceUnavailable`` is true.
"""

from __future__ import annotations

from typing import Any

from aws_ses.local import resources as engine
from aws_ses.local.state import HandlerTable, ServerState

__all__ = ["handlers"]

handlers = HandlerTable()
# A list created without topics or tags shows both as empty lists.
handlers.add(
    "CreateContactList", engine.with_defaults("CreateContactList", {"Topics": [], "Tags": []})
)


def _topic_defaults(state: ServerState, list_name: str) -> dict[str, str]:
    contact_list = state.store.get("contact_list", list_name) or {}
    return {
        str(t.get("TopicName")): str(t.get("DefaultSubscriptionStatus"))
        for t in contact_list.get("Topics") or []
        if isinstance(t, dict)
    }


def _with_defaults(doc: dict[str, Any], defaults: dict[str, str]) -> dict[str, Any]:
    own = {
        str(p.get("TopicName")) for p in doc.get("TopicPreferences") or [] if isinstance(p, dict)
    }
    shown = dict(doc)
    shown["TopicDefaultPreferences"] = [
        {"TopicName": name, "SubscriptionStatus": status}
        for name, status in defaults.items()
        if name not in own
    ]
    shown.setdefault("TopicPreferences", [])
    shown.setdefault("UnsubscribeAll", False)
    return shown


@handlers.register("GetContact")
def get_contact(state: ServerState, params: dict[str, Any]) -> dict[str, Any]:
    res = engine.resources()["Contact"]
    doc = engine.load(state, res, params)
    shown = _with_defaults(doc, _topic_defaults(state, str(params["ContactListName"])))
    op = engine.operation_by_name("GetContact")
    return engine.build(op.output, shown, engine.Ctx(state, res, "Get", state.clock()))


def _matches(doc: dict[str, Any], wanted: str, topic: dict[str, Any] | None) -> bool:
    own = {
        str(p.get("TopicName")): str(p.get("SubscriptionStatus"))
        for p in doc.get("TopicPreferences") or []
        if isinstance(p, dict)
    }
    defaults = {
        str(p["TopicName"]): str(p["SubscriptionStatus"])
        for p in doc.get("TopicDefaultPreferences") or []
    }
    if topic is None:
        return wanted in own.values() or wanted in defaults.values()
    name = str(topic.get("TopicName") or "")
    if name in own:
        return own[name] == wanted
    return topic.get("UseDefaultIfPreferenceUnavailable") is True and defaults.get(name) == wanted


@handlers.register("ListContacts")
def list_contacts(state: ServerState, params: dict[str, Any]) -> dict[str, Any]:
    res = engine.resources()["Contact"]
    list_name = str(params["ContactListName"])
    engine.require_parent(state, res, params)
    defaults = _topic_defaults(state, list_name)
    docs = [_with_defaults(d, defaults) for _, d in state.store.list("contact", list_name + "/")]
    given = params.get("Filter") or {}
    wanted = given.get("FilteredStatus")
    topic = given.get("TopicFilter")
    if wanted is not None:
        docs = [d for d in docs if _matches(d, str(wanted), topic)]
    elif topic is not None:
        name = str(topic.get("TopicName") or "")
        docs = [d for d in docs if name in defaults]
    op = engine.operation_by_name("ListContacts")
    return engine.list_output(op, params, docs, engine.Ctx(state, res, "List", state.clock()))
