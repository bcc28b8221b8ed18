"""What every result carries about the exchange that produced it."""

from __future__ import annotations

import msgspec

__all__ = ["ResponseMetadata"]


class ResponseMetadata(msgspec.Struct, kw_only=True, omit_defaults=True):
    """``result.response_metadata``: as boto3's ``ResponseMetadata``.

    ``request_id`` is SES's request id (quote it to AWS support),
    ``http_status_code`` the final status, ``retry_attempts`` how many
    retries the call took, and ``http_headers`` the final response's headers.
    """

    request_id: str | None = None
    http_status_code: int | None = None
    retry_attempts: int = 0
    http_headers: dict[str, str] = msgspec.field(default_factory=dict)
