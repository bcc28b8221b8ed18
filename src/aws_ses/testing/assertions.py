"""``assert_sent``: check what reached the local SES server, with a readable failure."""

from __future__ import annotations

from collections.abc import Callable
from email.utils import getaddresses
from typing import Any, Protocol

__all__ = ["MessageSource", "assert_not_sent", "assert_sent", "matching_messages"]


class MessageSource(Protocol):
    """Anything that lists the server's messages as ``GET /_aws/ses`` does:
    :class:`~aws_ses.local.LocalServer` and the ``local_ses`` fixtures."""

    def messages(self) -> list[dict[str, Any]]: ...


def _bare(addresses: list[str]) -> set[str]:
    return {addr.lower() for _, addr in getaddresses(addresses) if addr}


def _recipients(doc: dict[str, Any]) -> set[str]:
    dest = doc.get("Destination") or {}
    return _bare(
        [
            *dest.get("ToAddresses", []),
            *dest.get("CcAddresses", []),
            *dest.get("BccAddresses", []),
        ]
    )


def _wanted(value: str | list[str] | tuple[str, ...] | None) -> set[str] | None:
    if value is None:
        return None
    return _bare([value] if isinstance(value, str) else list(value))


def matching_messages(
    source: MessageSource | list[dict[str, Any]],
    *,
    to: str | list[str] | tuple[str, ...] | None = None,
    from_: str | None = None,
    subject: str | None = None,
    template: str | None = None,
    configuration_set: str | None = None,
    text_contains: str | None = None,
    html_contains: str | None = None,
    where: Callable[[dict[str, Any]], bool] | None = None,
) -> list[dict[str, Any]]:
    """The stored messages matching every criterion given (oldest first).

    ``to`` matches To, Cc and Bcc, by bare address and case-insensitively; a
    list asks for all of them on the same message. ``template`` is the stored
    template's name. ``where`` is any further test on the message document.
    """
    docs = source if isinstance(source, list) else source.messages()
    want_to = _wanted(to)
    want_from = _wanted(from_)
    found = []
    for doc in docs:
        if want_to is not None and not want_to <= _recipients(doc):
            continue
        if want_from is not None and not want_from <= _bare([doc.get("Source") or ""]):
            continue
        if subject is not None and doc.get("Subject") != subject:
            continue
        if template is not None and doc.get("Template") != template:
            continue
        if configuration_set is not None and doc.get("ConfigurationSetName") != configuration_set:
            continue
        body = doc.get("Body") or {}
        if text_contains is not None and text_contains not in (body.get("text_part") or ""):
            continue
        if html_contains is not None and html_contains not in (body.get("html_part") or ""):
            continue
        if where is not None and not where(doc):
            continue
        found.append(doc)
    return found


def _describe(criteria: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v!r}" for k, v in criteria.items() if v is not None) or "anything"


def _summary(docs: list[dict[str, Any]]) -> str:
    if not docs:
        return "  (no messages were sent)"
    lines = []
    for doc in docs:
        to = sorted(_recipients(doc))
        what = doc.get("Template") and f"template={doc['Template']!r}"
        lines.append(
            f"  - to={to} subject={doc.get('Subject')!r}"
            + (f" {what}" if what else "")
            + f" status={doc.get('Status')}"
        )
    return "\n".join(lines)


def assert_sent(
    source: MessageSource | list[dict[str, Any]],
    *,
    to: str | list[str] | tuple[str, ...] | None = None,
    from_: str | None = None,
    subject: str | None = None,
    template: str | None = None,
    configuration_set: str | None = None,
    text_contains: str | None = None,
    html_contains: str | None = None,
    where: Callable[[dict[str, Any]], bool] | None = None,
    count: int | None = None,
) -> dict[str, Any]:
    """Assert that a message matching the criteria was sent; return the last one.

    With ``count``, exactly that many must match. The failure lists every
    message the server holds, so a test shows what was sent instead.
    """
    docs = source if isinstance(source, list) else source.messages()
    found = matching_messages(
        docs,
        to=to,
        from_=from_,
        subject=subject,
        template=template,
        configuration_set=configuration_set,
        text_contains=text_contains,
        html_contains=html_contains,
        where=where,
    )
    criteria = {
        "to": to,
        "from_": from_,
        "subject": subject,
        "template": template,
        "configuration_set": configuration_set,
        "text_contains": text_contains,
        "html_contains": html_contains,
    }
    if count is not None and len(found) != count:
        raise AssertionError(
            f"expected {count} message(s) matching {_describe(criteria)}, found {len(found)}; "
            f"sent:\n{_summary(docs)}"
        )
    if not found:
        raise AssertionError(
            f"no message matching {_describe(criteria)} was sent; sent:\n{_summary(docs)}"
        )
    return found[-1]


def assert_not_sent(
    source: MessageSource | list[dict[str, Any]],
    *,
    to: str | list[str] | tuple[str, ...] | None = None,
    subject: str | None = None,
    template: str | None = None,
) -> None:
    """Assert that no message matching the criteria was sent."""
    docs = source if isinstance(source, list) else source.messages()
    found = matching_messages(docs, to=to, subject=subject, template=template)
    if found:
        criteria = {"to": to, "subject": subject, "template": template}
        raise AssertionError(
            f"{len(found)} message(s) matching {_describe(criteria)} were sent:\n{_summary(found)}"
        )
