"""Turn an HTTP response into a typed result or an SES error (pure, no I/O)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import msgspec

from aws_ses._model import Operation
from aws_ses.errors import SesError, SesServiceError, service_error
from aws_ses.transport.base import HttpResponse

__all__ = ["parse_error", "parse_response", "request_id_of"]


@lru_cache(maxsize=None)
def _decoder(output: str) -> msgspec.json.Decoder[Any]:
    from aws_ses._generated import types

    # strict=False lets epoch-second numbers decode into datetime fields.
    return msgspec.json.Decoder(getattr(types, output), strict=False)


def request_id_of(response: HttpResponse) -> str | None:
    h = response.headers
    return h.get("x-amzn-requestid") or h.get("x-amz-request-id") or h.get("x-amz-id-2")


def parse_response(op: Operation, response: HttpResponse) -> Any:
    """Decode a 2xx response into the operation's output type, else raise."""
    if not 200 <= response.status < 300:
        raise parse_error(response)
    if op.output is None:
        return None
    try:
        return _decoder(op.output).decode(response.body or b"{}")
    except (msgspec.DecodeError, msgspec.ValidationError) as exc:
        raise SesError(
            f"could not decode the {op.name} response: {exc}",
            code="ResponseDecodeError",
            status=response.status,
            request_id=request_id_of(response),
        ) from None


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
    code = response.headers.get("x-amzn-errortype", "")
    if not code:
        raw = body.get("__type") or body.get("code") or body.get("Code") or ""
        code = raw if isinstance(raw, str) else ""
    code = _clean_code(code)
    message = body.get("message") or body.get("Message") or body.get("errorMessage")
    if not isinstance(message, str):
        message = _text_snippet(response) if not body else ""
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


def _text_snippet(response: HttpResponse) -> str:
    """A short plain-text hint from a non-JSON body (an HTML error page, say)."""
    import re

    text = response.body[:2000].decode("utf-8", "replace")
    title = re.search(r"<title[^>]*>(.*?)</title>", text, re.I | re.S)
    if title:
        text = title.group(1)
    text = re.sub(r"<[^>]+>", " ", text)
    text = " ".join(text.split())
    return f"HTTP {response.status}: {text[:200]}" if text else f"HTTP {response.status}"
