"""Request signing: AWS Signature Version 4, and its server-side check.

The signer knows nothing of clients or operations: it takes a built
:class:`~aws_ses.transport.base.HttpRequest` and :class:`Credentials` and adds
the signing headers. :class:`SigV4aSigner` does the same for multi-region
endpoints (it needs ``cryptography``, imported on first use).
:func:`verify_request` is the other side, used by the local SES server.

Names are imported from their modules on first use, so a client that signs
with SigV4 loads neither the SigV4a signer nor the server-side check.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from aws_ses.signing.sigv4 import SigV4Signer as SigV4Signer
    from aws_ses.signing.sigv4 import canonical_headers as canonical_headers
    from aws_ses.signing.sigv4 import canonical_query_string as canonical_query_string
    from aws_ses.signing.sigv4 import canonical_request as canonical_request
    from aws_ses.signing.sigv4 import canonical_uri as canonical_uri
    from aws_ses.signing.sigv4 import credential_scope as credential_scope
    from aws_ses.signing.sigv4 import payload_hash as payload_hash
    from aws_ses.signing.sigv4 import signature as signature
    from aws_ses.signing.sigv4 import signed_headers as signed_headers
    from aws_ses.signing.sigv4 import signing_key as signing_key
    from aws_ses.signing.sigv4 import string_to_sign as string_to_sign
    from aws_ses.signing.sigv4a import SigV4aSigner as SigV4aSigner
    from aws_ses.signing.verify import SignatureError as SignatureError
    from aws_ses.signing.verify import verify_request as verify_request

_WHERE = {
    **dict.fromkeys(
        (
            "SigV4Signer", "canonical_headers", "canonical_query_string", "canonical_request",
            "canonical_uri", "credential_scope", "payload_hash", "signature", "signed_headers",
            "signing_key", "string_to_sign",
        ),
        ".sigv4",
    ),
    "SigV4aSigner": ".sigv4a",
    "SignatureError": ".verify",
    "verify_request": ".verify",
}  # fmt: skip

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'aws_ses.signing' has no attribute {name!r}")
    value = getattr(import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
