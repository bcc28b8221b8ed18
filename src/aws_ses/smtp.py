"""SES SMTP credentials, derived from an IAM secret access key.

SES's SMTP interface takes the access key id as the user name and a password
derived from the secret key: a SigV4-style HMAC-SHA256 chain over a fixed
date, the region, ``ses``, ``aws4_request`` and ``SendRawEmail``, prefixed
with version byte 0x04 and base64-encoded (AWS documents these steps).
"""

from __future__ import annotations

import base64
import hashlib
import hmac

__all__ = ["smtp_credentials", "smtp_password"]

_DATE = "11111111"
_SERVICE = "ses"
_TERMINAL = "aws4_request"
_MESSAGE = "SendRawEmail"
_VERSION = b"\x04"


def _sign(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).digest()


def smtp_password(secret_access_key: str, region: str) -> str:
    """The SMTP password SES accepts in ``region`` for this secret key."""
    if not secret_access_key:
        raise ValueError("secret_access_key must not be empty")
    if not region:
        raise ValueError("region must not be empty")
    signature = _sign(("AWS4" + secret_access_key).encode("utf-8"), _DATE)
    for part in (region, _SERVICE, _TERMINAL, _MESSAGE):
        signature = _sign(signature, part)
    return base64.b64encode(_VERSION + signature).decode("ascii")


def smtp_credentials(access_key_id: str, secret_access_key: str, region: str) -> tuple[str, str]:
    """``(user name, password)`` for SES's SMTP endpoint in ``region``."""
    if not access_key_id:
        raise ValueError("access_key_id must not be empty")
    return access_key_id, smtp_password(secret_access_key, region)
