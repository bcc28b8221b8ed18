"""Request signing: AWS Signature Version 4, and its server-side check.

The signer knows nothing of clients or operations: it takes a built
:class:`~aws_ses.transport.base.HttpRequest` and :class:`Credentials` and adds
the signing headers. :class:`SigV4aSigner` does the same for multi-region
endpoints (it needs ``cryptography``, imported on first use).
:func:`verify_request` is the other side, used by the local SES server.
"""

from __future__ import annotations

from aws_ses.signing.sigv4 import (
    SigV4Signer,
    canonical_headers,
    canonical_query_string,
    canonical_request,
    canonical_uri,
    credential_scope,
    payload_hash,
    signature,
    signed_headers,
    signing_key,
    string_to_sign,
)
from aws_ses.signing.sigv4a import SigV4aSigner
from aws_ses.signing.verify import SignatureError, verify_request

__all__ = [
    "SigV4Signer",
    "SigV4aSigner",
    "SignatureError",
    "canonical_headers",
    "canonical_query_string",
    "canonical_request",
    "canonical_uri",
    "credential_scope",
    "payload_hash",
    "signature",
    "signed_headers",
    "signing_key",
    "string_to_sign",
    "verify_request",
]
