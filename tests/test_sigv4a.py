"""SigV4a against the official suite.

ECDSA signatures are randomized, so signatures are checked with the public key
rather than compared; the canonical request, string to sign and everything in
the signed request but the signature bytes are compared exactly.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from aws_ses.auth.credentials import Credentials
from aws_ses.signing import SignatureError, verify_request
from aws_ses.signing.sigv4 import canonical_request, payload_hash, string_to_sign
from aws_ses.signing.sigv4a import (
    ALGORITHM_V4A,
    SigV4aSigner,
    credential_scope_v4a,
    private_key_number,
    public_key,
    verify_signature,
)
from aws_ses.transport.base import HttpRequest
from test_sigv4 import RawRequest, parse_http, serialize, suite_headers

pytest.importorskip("cryptography")
from cryptography.hazmat.primitives.asymmetric import ec

SUITE_CASES = [
    "get-header-key-duplicate",
    "get-header-value-multiline",
    "get-header-value-order",
    "get-header-value-trim",
    "get-relative-normalized",
    "get-relative-relative-normalized",
    "get-slash-dot-slash-normalized",
    "get-slash-normalized",
    "get-slash-pointless-dot-normalized",
    "get-slashes-normalized",
    "get-space-normalized",
    "get-unreserved",
    "get-utf8",
    "get-vanilla",
    "get-vanilla-empty-query-key",
    "get-vanilla-query",
    "get-vanilla-query-order-encoded",
    "get-vanilla-query-order-key-case",
    "get-vanilla-query-unreserved",
    "get-vanilla-utf8-query",
    "get-vanilla-with-session-token",
    "post-header-key-case",
    "post-header-key-sort",
    "post-header-value-case",
    "post-sts-header-after",
    "post-sts-header-before",
    "post-vanilla",
    "post-vanilla-empty-query-value",
    "post-vanilla-query",
    "post-x-www-form-urlencoded",
    "post-x-www-form-urlencoded-parameters",
]
# get-vanilla-query-order-key and -value ship a request but no expected output,
# and the *-unnormalized cases follow S3's path rule: nothing to check for SES.

SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
T0 = datetime(2015, 8, 30, 12, 36, tzinfo=UTC)


def load(testdata_dir: Path, name: str) -> tuple[Path, dict[str, Any], RawRequest]:
    case = testdata_dir / "sigv4-suite" / "v4a" / name
    if not case.is_dir():
        pytest.skip(f"suite case {name} not present")
    context = json.loads((case / "context.json").read_text())
    return case, context, parse_http((case / "request.txt").read_text())


def suite_public_key(case: Path) -> ec.EllipticCurvePublicKey:
    numbers = json.loads((case / "public-key.json").read_text())
    return ec.EllipticCurvePublicNumbers(
        int(numbers["X"], 16), int(numbers["Y"], 16), ec.SECP256R1()
    ).public_key()


def strip_signature(raw: RawRequest) -> tuple[RawRequest, str]:
    headers = []
    signature = ""
    for name, value in raw.headers:
        if name == "Authorization":
            value, _, signature = value.rpartition("Signature=")
        headers.append((name, value))
    return RawRequest(raw.method, raw.path, headers, raw.body), signature


def test_every_suite_case_is_accounted_for(testdata_dir: Path) -> None:
    present = {p.name for p in (testdata_dir / "sigv4-suite" / "v4a").iterdir() if p.is_dir()}
    excluded = {
        name
        for name in present
        if name.endswith("-unnormalized")
        or not (testdata_dir / "sigv4-suite" / "v4a" / name / "header-signed-request.txt").exists()
    }
    assert present - excluded == set(SUITE_CASES)


def test_derived_key_matches_suite(testdata_dir: Path) -> None:
    case, ctx, _ = load(testdata_dir, "get-vanilla")
    creds = ctx["credentials"]
    ours = public_key(creds["access_key_id"], creds["secret_access_key"]).public_numbers()
    assert ours == suite_public_key(case).public_numbers()


def test_private_key_depends_on_both_halves() -> None:
    base = private_key_number("AKIDEXAMPLE", SECRET)
    assert 1 <= base < 2**256
    assert private_key_number("AKIDEXAMPLF", SECRET) != base
    assert private_key_number("AKIDEXAMPLE", SECRET + "x") != base


@pytest.mark.parametrize("name", SUITE_CASES)
def test_suite_canonical_request_and_string_to_sign(testdata_dir: Path, name: str) -> None:
    case, ctx, raw = load(testdata_dir, name)
    creds = ctx["credentials"]
    timestamp = "20150830T123600Z"
    pairs = list(raw.headers)
    body_hash = payload_hash(raw.body)
    if ctx.get("sign_body"):
        pairs.append(("x-amz-content-sha256", body_hash))
    pairs += [("X-Amz-Date", timestamp), ("X-Amz-Region-Set", ctx["region"])]
    if creds.get("token") and not ctx.get("omit_session_token"):
        pairs.append(("X-Amz-Security-Token", creds["token"]))
    path, _, query = raw.path.partition("?")

    creq = canonical_request(raw.method, path, query, pairs, body_hash)
    assert creq == (case / "header-canonical-request.txt").read_text()
    sts = string_to_sign(
        timestamp, credential_scope_v4a(timestamp[:8], ctx["service"]), creq, ALGORITHM_V4A
    )
    assert sts == (case / "header-string-to-sign.txt").read_text()
    # The suite's own signature checks out against the key we derive.
    key = public_key(creds["access_key_id"], creds["secret_access_key"])
    assert verify_signature(key, sts, (case / "header-signature.txt").read_text().strip())
    assert not verify_signature(key, sts + "x", (case / "header-signature.txt").read_text())


@pytest.mark.parametrize("name", SUITE_CASES)
def test_suite_signed_request(testdata_dir: Path, name: str) -> None:
    case, ctx, raw = load(testdata_dir, name)
    creds = ctx["credentials"]
    headers, spelling = suite_headers(raw)
    if ctx.get("sign_body"):
        headers["x-amz-content-sha256"] = hashlib.sha256(raw.body).hexdigest()
    omit_token = bool(ctx.get("omit_session_token"))
    request = HttpRequest(raw.method, f"https://example.amazonaws.com{raw.path}", headers, raw.body)
    SigV4aSigner(ctx["service"]).sign(
        request,
        Credentials(
            creds["access_key_id"],
            creds["secret_access_key"],
            None if omit_token else creds.get("token"),
        ),
        region_set=[ctx["region"]],
        now=datetime.fromisoformat(ctx["timestamp"].replace("Z", "+00:00")),
    )
    if omit_token:
        request.headers["X-Amz-Security-Token"] = creds["token"]

    expected, _ = strip_signature(parse_http((case / "header-signed-request.txt").read_text()))
    ours_raw = RawRequest(
        raw.method,
        raw.path,
        [(spelling.get(k, k), v) for k, v in request.headers.items()],
        request.body,
    )
    ours, signature = strip_signature(ours_raw)
    assert serialize(ours.method, ours.path, ours.headers, ours.body) == serialize(
        expected.method, expected.path, expected.headers, expected.body
    )
    sts = (case / "header-string-to-sign.txt").read_text()
    assert verify_signature(suite_public_key(case), sts, signature)


def test_resign_replaces_headers_and_key_is_cached() -> None:
    signer = SigV4aSigner()
    creds = Credentials("AKIDEXAMPLE", SECRET, "tok")
    url = "https://email.amazonaws.com/v2/email/outbound-emails"
    request = HttpRequest("POST", url, {"Content-Type": "application/json"}, b"{}")
    signer.sign(request, creds, region_set=["us-east-1", "eu-west-1"], now=T0)
    assert request.headers["X-Amz-Region-Set"] == "us-east-1,eu-west-1"
    key = signer._key(creds)
    later = T0 + timedelta(minutes=2)
    signer.sign(request, Credentials("AKIDEXAMPLE", SECRET), region_set="*", now=later)
    assert signer._key(Credentials("AKIDEXAMPLE", SECRET)) is key
    assert request.headers["X-Amz-Region-Set"] == "*"
    assert request.headers["X-Amz-Date"] == "20150830T123800Z"
    assert "X-Amz-Security-Token" not in request.headers
    assert sum(k.lower() == "authorization" for k in request.headers) == 1
    auth = request.headers["Authorization"]
    assert auth.startswith(f"{ALGORITHM_V4A} Credential=AKIDEXAMPLE/20150830/ses/aws4_request, ")
    assert "SignedHeaders=content-type;host;x-amz-date;x-amz-region-set," in auth
    rotated = Credentials("AKIDEXAMPLE", "rotated")
    assert signer._key(rotated) is not key
    assert SECRET not in repr(signer)


def _v4a_request(
    body: bytes = b'{"x":1}', region_set: str = "us-east-1,eu-west-1", secret: str = SECRET
) -> tuple[str, str, str, dict[str, str], bytes]:
    url = "https://email.amazonaws.com/v2/email/outbound-emails?a=1"
    request = HttpRequest("POST", url, {"Content-Type": "application/json"}, body)
    SigV4aSigner().sign(request, Credentials("AKIDEXAMPLE", secret), region_set=region_set, now=T0)
    headers = {"Host": "email.amazonaws.com", **request.headers}
    return "POST", "/v2/email/outbound-emails", "a=1", headers, body


def _verify(*args: Any, region: str | None = "eu-west-1") -> str:
    return verify_request(
        *args, lambda k: SECRET if k == "AKIDEXAMPLE" else None, region=region, now=T0
    )


def test_verifier_accepts_sigv4a() -> None:
    assert _verify(*_v4a_request()) == "AKIDEXAMPLE"
    assert _verify(*_v4a_request(region_set="*"), region="ap-south-1") == "AKIDEXAMPLE"


def test_verifier_rejects_bad_sigv4a() -> None:
    with pytest.raises(SignatureError, match="valid region") as excinfo:
        _verify(*_v4a_request(), region="ap-south-1")
    assert excinfo.value.code == "SignatureDoesNotMatch"
    with pytest.raises(SignatureError, match="does not match") as excinfo:
        _verify(*_v4a_request(secret="wrong"))
    assert excinfo.value.code == "SignatureDoesNotMatch"
    method, path, query, headers, _ = _v4a_request()
    with pytest.raises(SignatureError, match="does not match"):
        _verify(method, path, query, headers, b'{"x":2}')
    headers["X-Amz-Region-Set"] = "*"  # widening the set breaks the signature
    with pytest.raises(SignatureError, match="does not match"):
        _verify(method, path, query, headers, b'{"x":1}')
    del headers["X-Amz-Region-Set"]
    with pytest.raises(SignatureError) as excinfo:
        _verify(method, path, query, headers, b'{"x":1}')
    assert (excinfo.value.code, excinfo.value.status) == ("IncompleteSignatureException", 400)
