"""Read-back endpoints, test switches and the web inbox of the local server.

JSON (for tests):

- ``GET /_aws/ses`` -> ``{"messages": [...], "next_token": ...}`` in sending
  order, at most ``?limit=`` (default 1000, at most 10000) a page; pass the
  ``next_token`` of one page to get the next (it is absent on the last).
  ``?bodies=false`` leaves out ``RawData`` and ``Body``. ``?id=`` keeps one
  message, ``?email=`` those whose sender or any recipient is that address
  (case-insensitive). ``DELETE /_aws/ses`` forgets every message, event and
  quota count.
- ``GET /_aws/ses/events`` -> ``{"events": [...]}``: every event once; filters
  ``?type=`` (``BOUNCE`` or ``Bounce``), ``?message_id=``, ``?destination=``
  (only the copies routed to that event destination).
- ``GET /_aws/ses/messages/{id}/raw``: the message as delivered
  (``message/rfc822``); ``GET /_aws/ses/messages/{id}/attachments/{index}``:
  one attachment's bytes, as a download.
- ``POST /_aws/ses/bulk-faults`` ``{"statuses": ["TRANSIENT_FAILURE", ...]}``
  queues statuses that the next ``SendBulkEmail`` entries get instead of being
  sent, in order; ``GET`` shows the queue, ``DELETE`` empties it.
- ``POST /_aws/ses/delivery-delays`` ``{"addresses": [...], "delayType": ...}``
  makes mail to those addresses produce a DeliveryDelay event instead of a
  delivery (SES's mailbox simulator has no such address); ``GET`` lists them,
  ``DELETE`` clears them.

HTML (for people): ``/_inbox`` lists messages newest first, ``/_inbox/{id}``
shows one: its headers, the text part, the HTML part in a sandboxed iframe
(``sandbox`` without ``allow-scripts``, so nothing in a mail runs), attachment
downloads and the raw message. Every value is HTML-escaped; the pages need no
JavaScript and forbid it by Content-Security-Policy.
"""

from __future__ import annotations

import base64
import email.parser
import email.policy
import email.utils
import html
import re
from typing import Any, cast
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from aws_ses._model import shape
from aws_ses.local import events, mime_index, quota
from aws_ses.local.jsonbody import decode_json
from aws_ses.local.sending import (
    BULK_FAULT_KIND,
    DELIVERY_DELAY_KIND,
    LARGE_MESSAGE_BYTES,
    MESSAGE_KIND,
    message_body,
    message_parts,
)
from aws_ses.local.sending import (
    raw_message as stored_raw,
)
from aws_ses.local.state import ApiError, ServerState

__all__ = ["routes"]

_CSP = "script-src 'none'; object-src 'none'; base-uri 'none'; form-action 'none'"
_DELAY_TYPES = frozenset(
    {
        "InternalFailure",
        "General",
        "MailboxFull",
        "SpamDetected",
        "RecipientServerError",
        "IPFailure",
        "TransientCommunicationFailure",
        "BYOIPHostNameLookupUnavailable",
        "Undetermined",
        "SendingDeferral",
    }
)


def _state(request: Request) -> ServerState:
    state: ServerState = request.app.state.ses
    return state


def _error(status: int, message: str) -> JSONResponse:
    code = "NotFoundException" if status == 404 else "BadRequestException"
    return JSONResponse({"__type": code, "message": message}, status_code=status)


async def _json(request: Request) -> Any:
    """The request's JSON body, or the 400 response saying what is wrong with it."""
    try:
        return decode_json(await request.body())
    except ApiError as exc:
        return _error(400, exc.message)


def _public(doc: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in doc.items() if not k.startswith("_")}


def _addresses(doc: dict[str, Any]) -> set[str]:
    destination = doc.get("Destination") or {}
    values = [
        doc.get("Source") or "",
        *destination.get("ToAddresses", []),
        *destination.get("CcAddresses", []),
        *destination.get("BccAddresses", []),
    ]
    return {addr.lower() for _, addr in email.utils.getaddresses(values) if addr}


def _messages(state: ServerState) -> list[dict[str, Any]]:
    return [doc for _, doc in state.store.list(MESSAGE_KIND)]


DEFAULT_LIMIT = 1000
MAX_LIMIT = 10_000
_SCAN = 500  # documents read per store query while filtering a page


def _content_disposition(kind: str, filename: str) -> str:
    # An ASCII fallback plus the exact name in RFC 5987 form (RFC 6266).
    fallback = re.sub(r'[^\x20-\x7e]|["\\]', "_", filename) or "download"
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


# -------------------------------------------------------------------- JSON


def _limit(text: str | None) -> int:
    if text is None:
        return DEFAULT_LIMIT
    if not text.isdigit() or not 1 <= int(text) <= MAX_LIMIT:
        raise ValueError(f"limit must be an integer from 1 to {MAX_LIMIT}")
    return int(text)


def _after(token: str | None) -> int:
    if token is None:
        return 0
    try:
        after = int(base64.urlsafe_b64decode(token.encode() + b"==").decode())
    except (ValueError, UnicodeDecodeError):
        raise ValueError("next_token is not a token this server gave out") from None
    if after < 0:
        raise ValueError("next_token is not a token this server gave out")
    return after


def _token(seq: int) -> str:
    return base64.urlsafe_b64encode(str(seq).encode()).decode().rstrip("=")


def _bodies(text: str | None) -> bool:
    if text is None or text.lower() in ("true", "1", "yes"):
        return True
    if text.lower() in ("false", "0", "no"):
        return False
    raise ValueError("bodies must be true or false")


def _readable(state: ServerState, doc: dict[str, Any], bodies: bool) -> dict[str, Any]:
    shown = _public(doc)
    if bodies:
        shown["Body"] = message_body(state, doc)
        shown["RawData"] = stored_raw(state, doc).decode("utf-8", "replace")
    else:
        shown.pop("Body", None)
        shown.pop("RawData", None)
    return shown


def list_messages(request: Request) -> JSONResponse:
    state = _state(request)
    params = request.query_params
    wanted_id = params.get("id")
    wanted_email = params.get("email")
    try:
        limit = _limit(params.get("limit"))
        after = _after(params.get("next_token"))
        bodies = _bodies(params.get("bodies"))
    except ValueError as exc:
        return _error(400, str(exc))
    found: list[dict[str, Any]] = []
    last = after
    more = False
    while not more:
        batch = state.store.page(MESSAGE_KIND, after=last, limit=_SCAN)
        for seq, _, doc in batch:
            if len(found) == limit:
                more = True
                break
            last = seq
            if wanted_id is not None and doc.get("Id") != wanted_id:
                continue
            if wanted_email is not None and wanted_email.strip().lower() not in _addresses(doc):
                continue
            found.append(_readable(state, doc, bodies))
        if len(batch) < _SCAN:
            break
    result: dict[str, Any] = {"messages": found}
    if more:
        result["next_token"] = _token(last)
    return JSONResponse(result)


def clear_messages(request: Request) -> Response:
    state = _state(request)
    with state.store.transaction():
        state.store.clear(MESSAGE_KIND)
        state.store.clear_blobs(MESSAGE_KIND)
        state.store.clear(events.EVENT_KIND)
        quota.reset(state)
    return Response(status_code=204)


def list_events(request: Request) -> JSONResponse:
    params = request.query_params
    found = events.list_events(
        _state(request),
        event_type=params.get("type"),
        message_id=params.get("message_id"),
        destination=params.get("destination"),
    )
    return JSONResponse({"events": found})


def raw_message(request: Request) -> Response:
    message_id = request.path_params["id"]
    doc = _state(request).store.get(MESSAGE_KIND, message_id)
    if doc is None:
        return _error(404, f"No message {message_id}")
    return Response(
        stored_raw(_state(request), doc),
        media_type="message/rfc822",
        headers={"Content-Disposition": _content_disposition("attachment", f"{message_id}.eml")},
    )


def attachment(request: Request) -> Response:
    message_id = request.path_params["id"]
    doc = _state(request).store.get(MESSAGE_KIND, message_id)
    if doc is None:
        return _error(404, f"No message {message_id}")
    index = request.path_params["index"]
    raw = stored_raw(_state(request), doc)
    reader = mime_index.parts if len(raw) > LARGE_MESSAGE_BYTES else message_parts
    parts = reader(raw)[3]
    if not 0 <= index < len(parts):
        return _error(404, f"Message {message_id} has no attachment {index}")
    meta, data = parts[index]
    filename = meta["filename"] or f"attachment-{index}"
    return Response(
        data,
        media_type=meta["content_type"],
        headers={"Content-Disposition": _content_disposition("attachment", filename)},
    )


async def bulk_faults(request: Request) -> JSONResponse:
    state = _state(request)
    if request.method == "DELETE":
        state.store.delete(BULK_FAULT_KIND, "queue")
    elif request.method == "POST":
        body = await _json(request)
        if isinstance(body, JSONResponse):
            return body
        statuses = body.get("statuses") if isinstance(body, dict) else None
        allowed = shape("BulkEmailStatus").enum or frozenset()
        valid = isinstance(statuses, list) and all(
            isinstance(s, str) and s in allowed for s in statuses
        )
        if not valid:
            return _error(400, f"statuses must be a list of {', '.join(sorted(allowed))}")
        with state.store.transaction():
            queue = state.store.get(BULK_FAULT_KIND, "queue") or {}
            pending = [*(queue.get("statuses") or []), *cast(list[str], statuses)]
            state.store.put(BULK_FAULT_KIND, "queue", {"statuses": pending})
    queue = state.store.get(BULK_FAULT_KIND, "queue") or {}
    return JSONResponse({"statuses": queue.get("statuses") or []})


async def delivery_delays(request: Request) -> JSONResponse:
    state = _state(request)
    if request.method == "DELETE":
        state.store.clear(DELIVERY_DELAY_KIND)
    elif request.method == "POST":
        body = await _json(request)
        if isinstance(body, JSONResponse):
            return body
        if not isinstance(body, dict):
            return _error(400, "the body must be a JSON object")
        addresses = body.get("addresses")
        delay_type = body.get("delayType", "TransientCommunicationFailure")
        if not isinstance(addresses, list) or not all(isinstance(a, str) for a in addresses):
            return _error(400, "addresses must be a list of email addresses")
        if not isinstance(delay_type, str) or delay_type not in _DELAY_TYPES:
            return _error(400, f"delayType must be one of {', '.join(sorted(_DELAY_TYPES))}")
        for address in addresses:
            doc = {"EmailAddress": address, "DelayType": delay_type}
            state.store.put(DELIVERY_DELAY_KIND, address.strip().lower(), doc)
    found = [doc for _, doc in state.store.list(DELIVERY_DELAY_KIND)]
    return JSONResponse({"delays": found})


# -------------------------------------------------------------------- HTML

_STYLE = """
body { font: 14px/1.45 system-ui, sans-serif; margin: 0; color: #1d2330; background: #f5f6f8; }
header { background: #232f3e; color: #fff; padding: 10px 20px; }
header a { color: #fff; text-decoration: none; font-weight: 600; }
main { padding: 16px 20px; }
table { border-collapse: collapse; width: 100%; background: #fff; }
th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid #e3e6ea; }
td { vertical-align: top; }
th { background: #eef0f3; font-weight: 600; }
td.name { white-space: nowrap; color: #545b64; width: 1%; }
tr:hover td { background: #fafbfc; }
h1 { font-size: 20px; margin: 0 0 12px; }
h2 { font-size: 15px; margin: 20px 0 8px; }
pre { background: #fff; padding: 10px; border: 1px solid #e3e6ea; white-space: pre-wrap; }
iframe { width: 100%; height: 360px; border: 1px solid #e3e6ea; background: #fff; }
.status { font-size: 12px; padding: 1px 6px; border-radius: 3px; background: #e3e6ea; }
.DELIVERED { background: #d7f2dd; } .BOUNCED, .REJECTED, .RENDERING_FAILURE { background: #f9d6d6; }
.SUPPRESSED, .DELAYED { background: #fbecc8; }
.empty { color: #545b64; }
"""


def _page(title: str, body: str, status: int = 200) -> HTMLResponse:
    document = (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>{_STYLE}</style></head>"
        '<body><header><a href="/_inbox">SES local inbox</a></header>'
        f"<main>{body}</main></body></html>"
    )
    return HTMLResponse(document, status_code=status, headers={"Content-Security-Policy": _CSP})


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _recipient_text(doc: dict[str, Any]) -> str:
    destination = doc.get("Destination") or {}
    return ", ".join(
        [
            *destination.get("ToAddresses", []),
            *destination.get("CcAddresses", []),
            *destination.get("BccAddresses", []),
        ]
    )


def inbox(request: Request) -> HTMLResponse:
    rows = []
    for doc in reversed(_messages(_state(request))):
        link = f"/_inbox/{quote(str(doc['Id']), safe='')}"
        subject = doc.get("Subject") or "(no subject)"
        rows.append(
            "<tr>"
            f"<td>{_e(doc.get('Timestamp'))}</td>"
            f"<td>{_e(doc.get('Source'))}</td>"
            f"<td>{_e(_recipient_text(doc))}</td>"
            f'<td><a href="{_e(link)}">{_e(subject)}</a></td>'
            f'<td><span class="status {_e(doc.get("Status"))}">{_e(doc.get("Status"))}</span></td>'
            "</tr>"
        )
    table = (
        "<table><thead><tr><th>Date</th><th>From</th><th>To</th><th>Subject</th>"
        f"<th>Status</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
        if rows
        else '<p class="empty">No messages yet.</p>'
    )
    return _page("Inbox", f"<h1>Inbox ({len(rows)})</h1>{table}")


def _inline_images(body: str, message_id: str, attachments: list[dict[str, Any]]) -> str:
    # cid: references cannot resolve inside the iframe; point them at the downloads.
    for index, meta in enumerate(attachments):
        content_id = meta.get("content_id")
        if content_id:
            url = f"/_aws/ses/messages/{quote(message_id, safe='')}/attachments/{index}"
            body = body.replace(f"cid:{content_id}", url)
    return body


def message_page(request: Request) -> HTMLResponse:
    message_id = request.path_params["id"]
    doc = _state(request).store.get(MESSAGE_KIND, message_id)
    if doc is None:
        return _page("Not found", f"<h1>No message {_e(message_id)}</h1>", status=404)
    raw = stored_raw(_state(request), doc)
    parsed = email.parser.BytesParser(policy=email.policy.default).parsebytes(raw, headersonly=True)
    header_rows = "".join(
        f'<tr><td class="name">{_e(name)}</td><td>{_e(value)}</td></tr>'
        for name, value in parsed.items()
    )
    summary = [
        ("Message ID", doc.get("Id")),
        ("Status", doc.get("Status")),
        ("Sent", doc.get("Timestamp")),
        ("From", doc.get("Source")),
        ("To", _recipient_text(doc)),
        ("Configuration set", doc.get("ConfigurationSetName")),
        ("Template", doc.get("Template")),
        ("Tags", ", ".join(f"{t['Name']}={t['Value']}" for t in doc.get("Tags") or [])),
    ]
    summary_rows = "".join(
        f'<tr><td class="name">{_e(name)}</td><td>{_e(value)}</td></tr>'
        for name, value in summary
        if value
    )
    body = message_body(_state(request), doc)
    attachments: list[dict[str, Any]] = doc.get("Attachments") or []
    quoted_id = quote(str(message_id), safe="")
    sections = [
        f"<h1>{_e(doc.get('Subject') or '(no subject)')}</h1>",
        f"<table>{summary_rows}</table>",
    ]
    if body.get("html_part") is not None:
        srcdoc = _inline_images(str(body["html_part"]), str(message_id), attachments)
        sections.append(
            f'<h2>HTML part</h2><iframe sandbox title="HTML part" srcdoc="{_e(srcdoc)}"></iframe>'
        )
    if body.get("text_part") is not None:
        sections.append(f"<h2>Text part</h2><pre>{_e(body['text_part'])}</pre>")
    if attachments:
        items = "".join(
            f'<li><a href="/_aws/ses/messages/{quoted_id}/attachments/{index}">'
            f"{_e(meta.get('filename') or f'attachment-{index}')}</a> "
            f"({_e(meta.get('content_type'))}, {_e(meta.get('size'))} bytes)</li>"
            for index, meta in enumerate(attachments)
        )
        sections.append(f"<h2>Attachments</h2><ul>{items}</ul>")
    sections.append(f"<h2>Headers</h2><table>{header_rows}</table>")
    sections.append(
        f'<p><a href="/_aws/ses/messages/{quoted_id}/raw">Download raw message (.eml)</a></p>'
    )
    return _page(str(doc.get("Subject") or message_id), "".join(sections))


def routes() -> list[Route]:
    """The read-back, switch and inbox routes, for the core app to mount."""
    return [
        Route("/_aws/ses", list_messages, methods=["GET"]),
        Route("/_aws/ses", clear_messages, methods=["DELETE"]),
        Route("/_aws/ses/events", list_events, methods=["GET"]),
        Route("/_aws/ses/messages/{id}/raw", raw_message, methods=["GET"]),
        Route("/_aws/ses/messages/{id}/attachments/{index:int}", attachment, methods=["GET"]),
        Route("/_aws/ses/bulk-faults", bulk_faults, methods=["GET", "POST", "DELETE"]),
        Route("/_aws/ses/delivery-delays", delivery_delays, methods=["GET", "POST", "DELETE"]),
        Route("/_inbox", inbox, methods=["GET"]),
        Route("/_inbox/{id}", message_page, methods=["GET"]),
    ]
