"""What a campaign sends, stored in Redis so that every worker reads the same thing.

Nothing secret goes in: workers take their AWS credentials from their own
environment (the standard provider chain), never from the ledger.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from aws_ses.bulk import MAX_BULK_ENTRIES
from aws_ses.errors import SesValidationError
from aws_ses.mime import normalize_address

__all__ = ["SES_SETTINGS", "CampaignSpec"]

#: SesConfig fields a campaign may set for its workers (none of them secret).
SES_SETTINGS = frozenset(
    {
        "region",
        "endpoint_url",
        "profile",
        "retry_mode",
        "max_attempts",
        "timeout",
        "deadline",
        "rate_limit",
        "rate_limit_url",
        "rate_limit_burst",
        "rate_limit_max_wait",
        "rate_limit_fallback",
    }
)
_CONTENT_KEYS = frozenset({"subject", "html", "text"})


@dataclass(frozen=True, slots=True, kw_only=True)
class CampaignSpec:
    """The message and the knobs of one campaign (see ``start_campaign``)."""

    from_: str
    template: str | None = None
    template_content: Mapping[str, str] | None = None
    default_data: Mapping[str, Any] = field(default_factory=dict)
    configuration_set: str | None = None
    reply_to: tuple[str, ...] = ()
    tags: Mapping[str, str] = field(default_factory=dict)
    ses: Mapping[str, Any] = field(default_factory=dict)
    chunk_size: int = MAX_BULK_ENTRIES
    lease_seconds: float = 120.0
    max_entry_attempts: int = 5
    retry_base: float = 0.5
    retry_cap: float = 20.0
    queue: str | None = None

    def check(self) -> None:
        """Raise :class:`SesValidationError` naming the first bad field."""
        normalize_address(self.from_, field="from_")
        if (self.template is None) == (self.template_content is None):
            raise SesValidationError(
                "template", "give exactly one of template (a name) and template_content"
            )
        if self.template is not None and not self.template:
            raise SesValidationError("template", "must be a non-empty template name")
        if self.template_content is not None:
            unknown = set(self.template_content) - _CONTENT_KEYS
            if unknown or "subject" not in self.template_content:
                raise SesValidationError(
                    "template_content", "takes 'subject' and 'html' and/or 'text', nothing else"
                )
        for i, address in enumerate(self.reply_to):
            normalize_address(address, field=f"reply_to[{i}]")
        unknown = set(self.ses) - SES_SETTINGS
        if unknown:
            raise SesValidationError(
                "ses",
                f"{', '.join(sorted(unknown))} cannot be set per campaign "
                f"(allowed: {', '.join(sorted(SES_SETTINGS))}; credentials come from "
                "each worker's environment)",
            )
        size = self.chunk_size
        if isinstance(size, bool) or not isinstance(size, int) or not 1 <= size <= MAX_BULK_ENTRIES:
            raise SesValidationError(
                "chunk_size", f"must be an integer from 1 to {MAX_BULK_ENTRIES}"
            )
        if self.max_entry_attempts < 1:
            raise SesValidationError("max_entry_attempts", "must be at least 1")
        for name in ("lease_seconds", "retry_base", "retry_cap"):
            if not getattr(self, name) > 0:
                raise SesValidationError(name, "must be a positive number of seconds")
        try:
            json.dumps(dict(self.default_data))
        except (TypeError, ValueError) as exc:
            raise SesValidationError("default_data", f"is not JSON-serialisable: {exc}") from None

    def to_json(self) -> dict[str, Any]:
        doc = asdict(self)
        doc["reply_to"] = list(self.reply_to)
        return doc

    @classmethod
    def from_json(cls, doc: Mapping[str, Any]) -> CampaignSpec:
        values = dict(doc)
        values["reply_to"] = tuple(values.get("reply_to") or ())
        return cls(**values)

    def send_params(self, entries: list[dict[str, Any]]) -> dict[str, Any]:
        """Keyword arguments of ``client.send_bulk_email`` for ``entries``."""
        template: dict[str, Any] = {"template_data": json.dumps(dict(self.default_data))}
        if self.template is not None:
            template["template_name"] = self.template
        else:
            template["template_content"] = dict(self.template_content or {})
        params: dict[str, Any] = {
            "from_email_address": self.from_,
            "default_content": {"template": template},
            "bulk_email_entries": entries,
        }
        if self.configuration_set:
            params["configuration_set_name"] = self.configuration_set
        if self.reply_to:
            params["reply_to_addresses"] = list(self.reply_to)
        if self.tags:
            params["default_email_tags"] = [{"name": k, "value": v} for k, v in self.tags.items()]
        return params
