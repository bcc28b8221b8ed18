"""SigV4a: AWS Signature Version 4 with ECDSA P-256, for multi-region endpoints.

The canonical request is SigV4's (same functions), with one more signed header,
``X-Amz-Region-Set``. What changes is the rest:

* the credential scope has no region (``date/service/aws4_request``), since
  one signature is valid in every region of the set;
* the key is an ECDSA P-256 private key derived from the secret key alone
  (not the day), by a NIST SP 800-108 counter-mode KDF over HMAC-SHA256;
* the signature is the hex DER ECDSA signature of the string to sign. ECDSA
  signatures are randomized, so the same request signs differently each time.

``cryptography`` (the ``events`` extra) is needed only for the elliptic-curve
steps and is imported on first use.
"""

from __future__ import annotations

import hashlib
import hmac
import threading
from collections import OrderedDict
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from aws_ses._http import HttpRequest
from aws_ses.signing.sigv4 import prepare_request, string_to_sign

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ec import (
        EllipticCurvePrivateKey,
        EllipticCurvePublicKey,
    )

    from aws_ses.auth.credentials import Credentials

__all__ = [
    "ALGORITHM_V4A",
    "SigV4aSigner",
    "credential_scope_v4a",
    "private_key_number",
    "public_key",
    "signing_private_key",
    "verify_signature",
]

ALGORITHM_V4A = "AWS4-ECDSA-P256-SHA256"
# Order of the P-256 group.
_P256_N = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551


def _require_cryptography() -> None:
    try:
        import cryptography  # noqa: F401
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(
            "SigV4a signing needs the 'cryptography' package: pip install 'aws-ses[events]'"
        ) from exc


def private_key_number(access_key_id: str, secret_access_key: str) -> int:
    """The ECDSA P-256 private scalar for a key pair.

    Counter-mode KDF (one HMAC-SHA256 block, 256 bits of output) keyed with
    ``"AWS4A" + secret``, the algorithm name as label and the access key id
    plus a one-byte counter as context. A candidate above ``n - 2`` is rejected
    and the counter bumped, which keeps ``candidate + 1`` a valid scalar in
    ``[1, n - 1]``.
    """
    key = ("AWS4A" + secret_access_key).encode("utf-8")
    label = ALGORITHM_V4A.encode("ascii")
    context = access_key_id.encode("utf-8")
    for counter in range(1, 255):
        block = (
            b"\x00\x00\x00\x01"  # KDF iteration i = 1
            + label
            + b"\x00"
            + context
            + bytes([counter])
            + b"\x00\x00\x01\x00"  # output length L = 256 bits
        )
        candidate = int.from_bytes(hmac.digest(key, block, "sha256"), "big")
        if candidate <= _P256_N - 2:
            return candidate + 1
    # Each round fails with probability ~2**-32; 254 failures do not happen.
    raise ValueError("could not derive a SigV4a key")  # pragma: no cover


def signing_private_key(access_key_id: str, secret_access_key: str) -> EllipticCurvePrivateKey:
    """The derived private key as a ``cryptography`` key object."""
    _require_cryptography()
    from cryptography.hazmat.primitives.asymmetric import ec

    return ec.derive_private_key(
        private_key_number(access_key_id, secret_access_key), ec.SECP256R1()
    )


def public_key(access_key_id: str, secret_access_key: str) -> EllipticCurvePublicKey:
    """The public key a server checks SigV4a signatures of this key pair with."""
    return signing_private_key(access_key_id, secret_access_key).public_key()


def credential_scope_v4a(date: str, service: str) -> str:
    """``YYYYMMDD/service/aws4_request``: SigV4a scopes carry no region."""
    return f"{date}/{service}/aws4_request"


def verify_signature(key: EllipticCurvePublicKey, text: str, signature_hex: str) -> bool:
    """Whether ``signature_hex`` is a valid SigV4a signature of ``text``."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec

    try:
        key.verify(bytes.fromhex(signature_hex), text.encode("utf-8"), ec.ECDSA(hashes.SHA256()))
    except (InvalidSignature, ValueError):
        return False
    return True


_KeyId = tuple[str, bytes]


class SigV4aSigner:
    """Signs requests for one service with SigV4a (``Authorization`` header).

    The derived private key depends only on the key pair, so it is cached per
    (access key id, digest of the secret) in a small LRU cache; derivation and
    ``cryptography``'s key setup cost far more than a signature.
    """

    __slots__ = ("_keys", "_lock", "max_keys", "service")

    def __init__(self, service: str = "ses", *, max_keys: int = 8) -> None:
        self.service = service
        self.max_keys = max_keys
        self._keys: OrderedDict[_KeyId, EllipticCurvePrivateKey] = OrderedDict()
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"SigV4aSigner(service={self.service!r})"

    def _key(self, credentials: Credentials) -> EllipticCurvePrivateKey:
        secret = credentials.secret_access_key
        cache_key = (credentials.access_key_id, hashlib.sha256(secret.encode("utf-8")).digest())
        with self._lock:
            key = self._keys.get(cache_key)
            if key is not None:
                self._keys.move_to_end(cache_key)
                return key
        key = signing_private_key(credentials.access_key_id, secret)
        with self._lock:
            self._keys[cache_key] = key
            while len(self._keys) > self.max_keys:
                self._keys.popitem(last=False)
        return key

    def sign(
        self,
        request: HttpRequest,
        credentials: Credentials,
        *,
        region_set: str | Iterable[str],
        now: datetime | None = None,
    ) -> None:
        """Add ``X-Amz-Date``, ``X-Amz-Region-Set``, ``X-Amz-Security-Token``
        (with a session token) and ``Authorization`` to ``request.headers``,
        replacing any left by an earlier signing of the same request.

        ``region_set`` is the regions the signature is valid in (``"*"`` for all).
        """
        regions = region_set if isinstance(region_set, str) else ",".join(region_set)
        timestamp, canonical, names = prepare_request(
            request, credentials.session_token, now, (("X-Amz-Region-Set", regions),)
        )
        scope = credential_scope_v4a(timestamp[:8], self.service)
        text = string_to_sign(timestamp, scope, canonical, ALGORITHM_V4A)
        key = self._key(credentials)  # first, so a missing package fails clearly
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import ec

        der = key.sign(text.encode("utf-8"), ec.ECDSA(hashes.SHA256()))
        request.headers["Authorization"] = (
            f"{ALGORITHM_V4A} Credential={credentials.access_key_id}/{scope}, "
            f"SignedHeaders={names}, Signature={der.hex()}"
        )
