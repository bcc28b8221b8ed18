"""Turn an HTTP response into a typed result or an SES error (pure, no I/O)."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import msgspec

from aws_ses._http import HttpResponse
from aws_ses._model import Operation
from aws_ses.errors import SesResponseError, SesServiceError, service_error

__all__ = ["parse_error", "parse_response", "request_id_of"]


def _log_dropped_field(output: str, error: Exception) -> None:
    # logging is imported here, on this rare path: importing it costs a
    # client's cold start more than this whole module does.
    import logging

    logging.getLogger("aws_ses").warning(
        "dropped a %s field that does not match the model: %s", output, error
    )


@cache
def _decoder(output: str) -> msgspec.json.Decoder[Any]:
    from aws_ses._generated import types

    # strict=False lets epoch-second numbers decode into datetime fields.
    return msgspec.json.Decoder(getattr(types, output), strict=False)


def request_id_of(response: HttpResponse) -> str | None:
    h = response.headers
    return h.get("x-amzn-requestid") or h.get("x-amz-request-id") or h.get("x-amz-id-2")


# Members without which a result is useless: a reply lacking one is an
# error, never a success (the mail may have gone out, but we cannot say which).
ESSENTIAL_OUTPUT: dict[str, tuple[str, ...]] = {
    "SendEmail": ("message_id",),
    "SendBulkEmail": ("bulk_email_entry_results",),
    "SendCustomVerificationEmail": ("message_id",),
    "CreateDeliverabilityTestReport": ("report_id",),
}


def parse_response(op: Operation, response: HttpResponse) -> Any:
    """Decode a 2xx response into the operation's output type, else raise.

    A reply that is empty where the output has members, is not JSON, or lacks
    an essential member raises :class:`SesResponseError`; it is never a result.
    """
    if not 200 <= response.status < 300:
        raise parse_error(response)
    if op.output is None:
        return None
    body = response.body
    if not body.strip():
        if _has_members(op.output):
            raise _response_error(op, response, "the reply has an empty body")
        body = b"{}"
    try:
        result = _decoder(op.output).decode(body)
    except msgspec.ValidationError:
        result = _decode_dropping_bad_fields(op.output, body)
        if result is None:
            raise _response_error(op, response, "the reply does not match the model") from None
    except msgspec.DecodeError as error:
        raise _response_error(op, response, f"the reply is not valid JSON ({error})") from None
    for attr in ESSENTIAL_OUTPUT.get(op.name, ()):
        if getattr(result, attr, None) is None:
            raise _response_error(op, response, f"the reply has no usable {attr}")
    return result


@cache
def _has_members(output: str) -> bool:
    from aws_ses._model import shape

    return bool(shape(output).members)


def _response_error(op: Operation, response: HttpResponse, problem: str) -> SesResponseError:
    return SesResponseError(
        f"{op.name}: {problem}; the request may have been carried out",
        status=response.status,
        request_id=request_id_of(response),
    )


# A step of a msgspec error path: ``.Field`` or ``[3]`` (compiled by re's cache
# on the rare reply that needs it, not at import).
_PATH_PART = r"\.([A-Za-z0-9_]+)|\[(\d+)\]"


def _decode_dropping_bad_fields(output: str, body: bytes) -> Any:
    """Decode a response with fields of the wrong type left out.

    A field whose value does not match the model (a server bug, or a change
    AWS made) should not cost the caller the whole response: the field is
    dropped, logged, and decoding tried again.
    """
    from aws_ses._generated import types

    try:
        raw = msgspec.json.decode(body)
    except msgspec.DecodeError:
        return None
    target = getattr(types, output)
    for _ in range(32):
        try:
            return msgspec.convert(raw, target, strict=False)
        except msgspec.ValidationError as error:
            where = str(error).rsplit(" - at `", 1)
            if len(where) != 2 or not _drop(raw, where[1].rstrip("`")):
                return None
            _log_dropped_field(output, error)
    return None


def _drop(raw: Any, path: str) -> bool:
    parts = [(m.group(1), m.group(2)) for m in re.finditer(_PATH_PART, path.removeprefix("$"))]
    if not parts:
        return False
    node = raw
    for key, index in parts[:-1]:
        try:
            node = node[key] if key is not None else node[int(index)]
        except (KeyError, IndexError, TypeError):
            return False
    key, index = parts[-1]
    try:
        if key is not None:
            del node[key]
        else:
            del node[int(index)]
    except (KeyError, IndexError, TypeError):
        return False
    return True


def _clean_code(code: str) -> str:
    # "MessageRejected:http://internal..." and "com.amazon...#MessageRejected"
    return code.split(":", 1)[0].rsplit("#", 1)[-1].strip()


def parse_error(response: HttpResponse) -> SesServiceError:
    """Build the exception for an error response, whatever its body looks like."""
    body: dict[str, Any] = {}
    if response.body:
        try:
            decoded = msgspec.json.decode(response.body)
        except msgspec.DecodeError:
            decoded = None
        if isinstance(decoded, dict):
            body = decoded
    if not body and response.body.lstrip().startswith(b"<"):
        # Some AWS front ends (and emulators) answer auth failures in XML.
        body = _xml_error(response.body)
    code = response.headers.get("x-amzn-errortype", "")
    if not code:
        raw = body.get("__type") or body.get("code") or body.get("Code") or ""
        code = raw if isinstance(raw, str) else ""
    code = _clean_code(code)
    message = body.get("message") or body.get("Message") or body.get("errorMessage")
    if not isinstance(message, str):
        message = _text_snippet(response) if not code else ""
    details = {
        k: v
        for k, v in body.items()
        if k not in ("message", "Message", "__type", "code", "Code", "errorMessage")
    }
    return service_error(
        code,
        message or f"HTTP {response.status}",
        status=response.status,
        request_id=request_id_of(response),
        details=details,
    )


def _xml_error(data: bytes) -> dict[str, Any]:
    """``<Error><Code>..</Code><Message>..</Message></Error>`` anywhere in an XML body."""
    text = data[:20000].decode("utf-8", "replace")
    found: dict[str, Any] = {}
    for tag in ("Code", "Message"):
        match = re.search(rf"<{tag}>(.*?)</{tag}>", text, re.S)
        if match:
            found[tag] = match.group(1).strip()
    return found


def _text_snippet(response: HttpResponse) -> str:
    """A short plain-text hint from a non-JSON body (an HTML error page, say)."""
    text = response.body[:2000].decode("utf-8", "replace")
    title = re.search(r"<title[^>]*>(.*?)</title>", text, re.I | re.S)
    if title:
        text = title.group(1)
    text = re.sub(r"<[^>]+>", " ", text)
    text = " ".join(text.split())
    return f"HTTP {response.status}: {text[:200]}" if text else f"HTTP {response.status}"
