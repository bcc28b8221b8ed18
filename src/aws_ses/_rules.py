"""SES's limits and charsets, written once.

The request serializer, the builders, bulk sending and the local server all
read these, so the client and the server cannot drift apart.
"""

from __future__ import annotations

from typing import Final

__all__ = ["MAX_CUSTOM_HEADERS", "MAX_MESSAGE_BYTES", "MAX_RECIPIENTS"]

# To + Cc + Bcc of one message (SES v2 SendEmail, and each SendBulkEmail entry).
MAX_RECIPIENTS: Final = 50
# Custom headers SES v2 accepts on a Simple message.
MAX_CUSTOM_HEADERS: Final = 15
# A whole message as SES v2 counts it (after base64), Simple or Raw.
MAX_MESSAGE_BYTES: Final = 40 * 1024 * 1024
