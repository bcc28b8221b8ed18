"""Email templates: created with ``Tags: []`` when the request has none, and
``TestRenderEmailTemplate``, a stored template rendered with SES's Handlebars
subset into the MIME message SES would send.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from aws_ses.local.resources import (
    NOT_FOUND_MESSAGES,
    TEMPLATE_KIND,
    bad_request,
    current_time,
    not_found,
    with_defaults,
)
from aws_ses.local.state import HandlerTable, ServerState

__all__ = ["handlers"]

handlers = HandlerTable()
handlers.add("CreateEmailTemplate", with_defaults("CreateEmailTemplate", {"Tags": []}))


@handlers.register("TestRenderEmailTemplate")
def test_render_email_template(state: ServerState, params: dict[str, Any]) -> dict[str, Any]:
    from aws_ses.templating import TemplateRenderError, render_email_template, rendered_mime

    name = str(params["TemplateName"])
    doc = state.store.get(TEMPLATE_KIND, name)
    if doc is None:
        raise not_found(NOT_FOUND_MESSAGES[TEMPLATE_KIND].format(name))
    content = doc.get("TemplateContent") or {}
    try:
        rendered = render_email_template(
            content.get("Subject"),
            content.get("Html"),
            content.get("Text"),
            str(params["TemplateData"]),
        )
    except TemplateRenderError as exc:
        raise bad_request(exc.message) from None
    date = datetime.fromtimestamp(current_time(state), UTC)
    return {"RenderedTemplate": rendered_mime(rendered, date=date)}
