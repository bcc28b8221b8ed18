"""JSON request bodies, decoded without recursion trouble.

``msgspec`` decodes straight from the body's bytes (no intermediate text
copy, which matters for a 50 MB ``SendEmail``), and a depth check refuses
nesting that no SES shape has before any recursive code sees it.
"""

from __future__ import annotations

from typing import Any

import msgspec

from aws_ses.local.state import ApiError

__all__ = ["MAX_JSON_DEPTH", "decode_json"]

# SES's shapes nest a handful of levels; deeper JSON is refused, not recursed into.
MAX_JSON_DEPTH = 32


def _too_deep(value: Any, limit: int) -> bool:
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        for child in children:
            if isinstance(child, dict | list):
                if depth + 1 > limit:
                    return True
                stack.append((child, depth + 1))
    return False


def _bad(message: str) -> ApiError:
    return ApiError("BadRequestException", message, 400)


def decode_json(body: bytes | bytearray) -> Any:
    """The body as JSON, or ``BadRequestException`` saying what is wrong with it."""
    try:
        decoded = msgspec.json.decode(body)
    except RecursionError:
        raise _bad(f"The request body nests deeper than {MAX_JSON_DEPTH} levels.") from None
    except msgspec.DecodeError as exc:
        raise _bad(f"The request body is not valid JSON: {exc}.") from None
    if _too_deep(decoded, MAX_JSON_DEPTH):
        raise _bad(f"The request body nests deeper than {MAX_JSON_DEPTH} levels.")
    return decoded
