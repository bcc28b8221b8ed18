"""SHA-256 and HMAC-SHA-256 for SigV4, without loading OpenSSL for small inputs.

``hashlib`` and ``hmac`` load OpenSSL's ``_hashlib``, which costs a client's
cold start about 5 ms. For the few hundred bytes SigV4 hashes per request,
CPython's built-in SHA-256 is as fast (OpenSSL's per-call setup dominates;
measured 4.5 µs for a SendEmail's body, canonical request and signature
either way), so it is used for those. A body of 64 KiB or more (an
attachment) goes to ``hashlib``, several times faster per byte. HMAC is
RFC 2104 over the same SHA-256; the SigV4 test suite checks both.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import Protocol

__all__ = ["hmac_sha256", "sha256_digest", "sha256_hex"]

# From this size on, OpenSSL's SHA-256 is worth importing.
LARGE = 64 * 1024
_BLOCK = 64
_IPAD = bytes(x ^ 0x36 for x in range(256))
_OPAD = bytes(x ^ 0x5C for x in range(256))


class _Hash(Protocol):
    def update(self, data: bytes, /) -> None: ...
    def digest(self) -> bytes: ...
    def hexdigest(self) -> str: ...


def _builtin_sha256() -> Callable[[bytes], _Hash]:
    # CPython's own implementation: _sha2 from 3.12, _sha256 before. A build
    # without built-in hashes falls back to hashlib.
    for name in ("_sha2", "_sha256"):
        try:
            found: Callable[[bytes], _Hash] = import_module(name).sha256
        except (ImportError, AttributeError):
            continue
        return found
    import hashlib

    return hashlib.sha256


_sha256 = _builtin_sha256()


def _large_sha256(data: bytes) -> _Hash:
    import hashlib

    return hashlib.sha256(data)


def sha256_hex(data: bytes) -> str:
    """Hex SHA-256 of ``data``."""
    return (_sha256(data) if len(data) < LARGE else _large_sha256(data)).hexdigest()


def sha256_digest(data: bytes) -> bytes:
    """SHA-256 of ``data``."""
    return (_sha256(data) if len(data) < LARGE else _large_sha256(data)).digest()


def hmac_sha256(key: bytes, msg: bytes) -> bytes:
    """HMAC-SHA-256 of ``msg`` under ``key`` (RFC 2104)."""
    if len(key) > _BLOCK:
        key = sha256_digest(key)
    key = key.ljust(_BLOCK, b"\0")
    inner = _sha256(key.translate(_IPAD))
    inner.update(msg)
    return _sha256(key.translate(_OPAD) + inner.digest()).digest()
