"""The ``Filter`` maps of SES list operations (``{"KEY": "value"}``), applied to documents."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from aws_ses.local.state import ApiError

__all__ = ["Test", "apply_filter", "equals"]

Test = Callable[[dict[str, Any], str], bool]


def apply_filter(
    docs: list[dict[str, Any]], given: Mapping[str, Any] | None, tests: Mapping[str, Test]
) -> list[dict[str, Any]]:
    """The documents every given filter key accepts; BadRequestException for an unknown key."""
    for key, value in (given or {}).items():
        test = tests.get(key)
        if test is None:
            raise ApiError(
                "BadRequestException",
                f"Invalid filter key: {key}. Valid keys: {', '.join(sorted(tests))}.",
                400,
            )
        docs = [d for d in docs if test(d, str(value))]
    return docs


def equals(member: str) -> Test:
    """A test that a document's ``member`` is the filter value."""
    return lambda doc, value: str(doc.get(member, "")) == value
