"""SigV4: the official suite, botocore as an oracle, the key cache, the verifier."""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials as BotoCredentials
from botocore.utils import percent_encode, percent_encode_sequence
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aws_ses.auth.credentials import Credentials
from aws_ses.signing import (
    SignatureError,
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
    sigv4,
    string_to_sign,
    verify_request,
)
from aws_ses.signing.sigv4 import canonical_host, headers_to_sign, split_url
from aws_ses.transport.base import HttpRequest

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
# The *-unnormalized cases sign the path verbatim, without dot-segment and
# double-slash removal: that is S3's rule, never used for SES.
S3_ONLY_CASES = [
    "get-relative-relative-unnormalized",
    "get-relative-unnormalized",
    "get-slash-dot-slash-unnormalized",
    "get-slash-pointless-dot-unnormalized",
    "get-slash-unnormalized",
    "get-slashes-unnormalized",
    "get-space-unnormalized",
]

SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
T0 = datetime(2015, 8, 30, 12, 36, tzinfo=UTC)


# ------------------------------------------------------------ suite helpers


@dataclass
class RawRequest:
    """A request file from the suite: request line, header entries in order, body."""

    method: str
    path: str
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""


def parse_http(text: str) -> RawRequest:
    head, _, body = text.partition("\n\n")
    lines = head.rstrip("\n").split("\n")
    method, _, rest = lines[0].partition(" ")
    path = rest.rpartition(" ")[0]  # the path may itself contain spaces
    headers: list[tuple[str, str]] = []
    for line in lines[1:]:
        if line[:1] in (" ", "\t"):  # folded continuation of the previous value
            name, value = headers[-1]
            headers[-1] = (name, f"{value}\n{line}")
        else:
            name, _, value = line.partition(":")
            headers.append((name, value))
    return RawRequest(method, path, headers, body.encode())


def load_case(testdata_dir: Path, name: str) -> tuple[Path, dict[str, Any], RawRequest]:
    case = testdata_dir / "sigv4-suite" / "v4" / name
    if not case.is_dir():
        pytest.skip(f"suite case {name} not present")
    context = json.loads((case / "context.json").read_text())
    return case, context, parse_http((case / "request.txt").read_text())


def suite_headers(raw: RawRequest) -> tuple[dict[str, str], dict[str, str]]:
    """The suite's header entries as an HttpRequest dict.

    A dict cannot repeat a key, so a repeated name is stored under another
    spelling of the same name (headers are case-insensitive); the second dict
    maps each key back to the spelling in the file.
    """
    headers: dict[str, str] = {}
    spelling: dict[str, str] = {}
    for name, value in raw.headers:
        key = name
        variants = iter([name.lower(), name.upper(), name.swapcase(), name.title()])
        while key in headers:
            key = next(variants)
        headers[key] = value
        spelling[key] = name
    return headers, spelling


def serialize(method: str, path: str, headers: list[tuple[str, str]], body: bytes) -> RawRequest:
    """The request with its headers grouped by name; a repeated name keeps its
    values in their original order (that order is significant)."""
    return RawRequest(method, path, sorted(headers, key=lambda h: h[0].lower()), body)


@pytest.mark.parametrize("name", SUITE_CASES)
def test_suite_canonical_request_and_string_to_sign(testdata_dir: Path, name: str) -> None:
    case, ctx, raw = load_case(testdata_dir, name)
    creds = ctx["credentials"]
    timestamp = "20150830T123600Z"
    pairs = list(raw.headers)
    body_hash = payload_hash(raw.body)
    if ctx.get("sign_body"):
        pairs.append(("x-amz-content-sha256", body_hash))
    pairs.append(("X-Amz-Date", timestamp))
    if creds.get("token") and not ctx.get("omit_session_token"):
        pairs.append(("X-Amz-Security-Token", creds["token"]))
    path, _, query = raw.path.partition("?")

    creq = canonical_request(raw.method, path, query, pairs, body_hash)
    assert creq == (case / "header-canonical-request.txt").read_text()

    scope = credential_scope(timestamp[:8], ctx["region"], ctx["service"])
    sts = string_to_sign(timestamp, scope, creq)
    assert sts == (case / "header-string-to-sign.txt").read_text()

    key = signing_key(creds["secret_access_key"], timestamp[:8], ctx["region"], ctx["service"])
    assert signature(key, sts) == (case / "header-signature.txt").read_text().strip()


@pytest.mark.parametrize("name", SUITE_CASES)
def test_suite_signed_request(testdata_dir: Path, name: str) -> None:
    case, ctx, raw = load_case(testdata_dir, name)
    creds = ctx["credentials"]
    headers, spelling = suite_headers(raw)
    if ctx.get("sign_body"):
        # The case's signer is configured to sign the body hash as a header.
        headers["x-amz-content-sha256"] = hashlib.sha256(raw.body).hexdigest()
    omit_token = bool(ctx.get("omit_session_token"))
    token = None if omit_token else creds.get("token")
    request = HttpRequest(raw.method, f"https://example.amazonaws.com{raw.path}", headers, raw.body)
    now = datetime.fromisoformat(ctx["timestamp"].replace("Z", "+00:00"))
    SigV4Signer(ctx["service"]).sign(
        request,
        Credentials(creds["access_key_id"], creds["secret_access_key"], token),
        region=ctx["region"],
        now=now,
    )
    if omit_token:
        # "Header after": the token is attached after signing, so it is not signed.
        request.headers["X-Amz-Security-Token"] = creds["token"]

    expected = parse_http((case / "header-signed-request.txt").read_text())
    ours = [(spelling.get(k, k), v) for k, v in request.headers.items()]
    # The header order between different names carries no meaning; all else must
    # match byte for byte, the Authorization line included.
    assert serialize(raw.method, raw.path, ours, request.body) == serialize(
        expected.method, expected.path, expected.headers, expected.body
    )
    assert request.headers["Authorization"] == dict(expected.headers)["Authorization"]


def test_every_suite_case_is_accounted_for(testdata_dir: Path) -> None:
    present = {p.name for p in (testdata_dir / "sigv4-suite" / "v4").iterdir() if p.is_dir()}
    assert present == set(SUITE_CASES) | set(S3_ONLY_CASES)


@pytest.mark.parametrize("name", S3_ONLY_CASES)
def test_suite_s3_only_cases_skipped(name: str) -> None:
    pytest.skip("S3-only: unnormalized paths are signed verbatim only by S3")


# ------------------------------------------------------------ pure functions


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("", "/"),
        ("/", "/"),
        ("/v2/email/outbound-emails", "/v2/email/outbound-emails"),
        ("/v2/email/identities/user%40example.com", "/v2/email/identities/user%2540example.com"),
        ("/a%2Fb", "/a%252Fb"),
        ("/a/./b/../c//d/", "/a/c/d/"),
        ("/a/b/..", "/a"),
        ("/../..", "/"),
        ("/.well-known", "/.well-known"),
        ("/~user/ü", "/~user/%C3%BC"),
    ],
)
def test_canonical_uri(path: str, expected: str) -> None:
    assert canonical_uri(path) == expected


def test_canonical_uri_unnormalized_keeps_segments() -> None:
    assert canonical_uri("//a/./b/", normalize=False) == "//a/./b/"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ""),
        ("b=2&a=1", "a=1&b=2"),
        ("a=2&a=1&a=", "a=&a=1&a=2"),
        ("flag", "flag="),
        ("k=%e1%88%b4", "k=%E1%88%B4"),
        ("k=a b+c", "k=a%20b%2Bc"),
        ("k=%7E%41", "k=~A"),
        ("x=1&&y=2", "x=1&y=2"),
        ("k=%FF", "k=%FF"),
    ],
)
def test_canonical_query_string(query: str, expected: str) -> None:
    assert canonical_query_string(query) == expected


def test_canonical_and_signed_headers() -> None:
    pairs = [("B", "  x   y "), ("a", "1"), ("b", "z"), ("C", "multi\n  line")]
    assert canonical_headers(pairs) == "a:1\nb:x y,z\nc:multi line"
    assert signed_headers(pairs) == "a;b;c"
    assert canonical_headers({"Host": "h"}) == "host:h"


def test_headers_to_sign_skips_volatile_headers_and_adds_host() -> None:
    selected = headers_to_sign(
        {
            "User-Agent": "x",
            "Expect": "100-continue",
            "X-Amzn-Trace-Id": "t",
            "Content-Type": "application/json",
        },
        "email.us-east-1.amazonaws.com",
    )
    assert selected == [
        ("content-type", "application/json"),
        ("host", "email.us-east-1.amazonaws.com"),
    ]


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("https://Email.US-EAST-1.amazonaws.com/v2", "email.us-east-1.amazonaws.com"),
        ("https://h.example:443/", "h.example"),
        ("http://h.example:80/", "h.example"),
        ("http://localhost:8080/v2", "localhost:8080"),
        ("https://h.example:80/", "h.example:80"),
        ("http://user:pw@h.example:81", "h.example:81"),
        ("http://[::1]:8443/", "[::1]:8443"),
        ("https://[::1]/", "[::1]"),
    ],
)
def test_canonical_host(url: str, host: str) -> None:
    scheme, netloc, _, _ = split_url(url)
    assert canonical_host(scheme, netloc) == host


def test_split_url_keeps_raw_text() -> None:
    assert split_url("https://h:1/a%20b/?x=%2F&y#frag") == ("https", "h:1", "/a%20b/", "x=%2F&y")
    assert split_url("https://h?q=1") == ("https", "h", "", "q=1")
    with pytest.raises(ValueError, match="absolute"):
        split_url("/relative")


# ------------------------------------------------------------ botocore as oracle

_segment = st.one_of(
    st.text(max_size=12).map(lambda s: percent_encode(s, safe="")),
    st.sampled_from([".", "..", "", "a:b@c", "!$&'()*+,;=", "%41", "v2"]),
)
_query_text = st.text(max_size=8)
_header_name = st.one_of(
    st.from_regex(r"[A-Za-z][A-Za-z0-9-]{0,15}", fullmatch=True),
    st.sampled_from(
        ["Content-Type", "User-Agent", "Expect", "X-Amzn-Trace-Id", "Host", "x-amz-content-sha256"]
    ),
).filter(lambda n: n.lower() not in {"authorization", "x-amz-date", "x-amz-security-token", "date"})
_header_value = st.text(st.characters(codec="utf-8"), max_size=20)


@st.composite
def signing_inputs(draw: st.DrawFn) -> dict[str, Any]:
    scheme = draw(st.sampled_from(["https", "http"]))
    netloc = draw(
        st.sampled_from(
            [
                "email.us-east-1.amazonaws.com",
                "EMAIL.eu-west-1.amazonaws.com:443",
                "localhost:8005",
                "127.0.0.1:4566",
                "[::1]:8443",
            ]
        )
    )
    path = "/" + "/".join(draw(st.lists(_segment, max_size=6)))
    keys = draw(st.lists(_query_text, min_size=1, max_size=3))
    params = draw(st.lists(st.tuples(st.sampled_from(keys), _query_text), max_size=5))
    url = f"{scheme}://{netloc}{path}"
    if params:
        url += "?" + percent_encode_sequence(params)
    names = draw(st.lists(_header_name, max_size=6, unique_by=str.lower))
    headers = {name: draw(_header_value) for name in names}
    token = draw(
        st.one_of(
            st.none(),
            st.text(st.characters(min_codepoint=33, max_codepoint=126), min_size=1, max_size=40),
        )
    )
    return {
        "method": draw(st.sampled_from(["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD"])),
        "url": url,
        "headers": headers,
        "body": draw(st.binary(max_size=64)),
        "access_key": draw(st.from_regex(r"[A-Z0-9]{4,20}", fullmatch=True)),
        "secret": draw(
            st.text(st.characters(min_codepoint=33, max_codepoint=126), min_size=1, max_size=40)
        ),
        "token": token,
        "region": draw(st.sampled_from(["us-east-1", "eu-west-1", "ap-southeast-2"])),
        "now": draw(
            st.datetimes(datetime(2000, 1, 1), datetime(2099, 12, 31), timezones=st.just(UTC))
        ),
    }


def botocore_sign(inp: dict[str, Any], service: str = "ses") -> AWSRequest:
    request = AWSRequest(
        method=inp["method"], url=inp["url"], headers=dict(inp["headers"]), data=inp["body"]
    )
    creds = BotoCredentials(inp["access_key"], inp["secret"], inp["token"])
    naive = inp["now"].astimezone(UTC).replace(tzinfo=None)
    with mock.patch("botocore.auth.get_current_datetime", return_value=naive):
        SigV4Auth(creds, service, inp["region"]).add_auth(request)
    return request


def ours_sign(inp: dict[str, Any], signer: SigV4Signer | None = None) -> HttpRequest:
    request = HttpRequest(inp["method"], inp["url"], dict(inp["headers"]), inp["body"])
    (signer or SigV4Signer("ses")).sign(
        request,
        Credentials(inp["access_key"], inp["secret"], inp["token"]),
        region=inp["region"],
        now=inp["now"],
    )
    return request


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(signing_inputs())
def test_matches_botocore(inp: dict[str, Any]) -> None:
    theirs = botocore_sign(inp)
    ours = ours_sign(inp)
    assert ours.headers["Authorization"] == theirs.headers["Authorization"]
    assert ours.headers["X-Amz-Date"] == theirs.headers["X-Amz-Date"]
    assert ours.headers.get("X-Amz-Security-Token") == theirs.headers.get("X-Amz-Security-Token")

    # And the verifier accepts what botocore signed, as a server would see it.
    if any(name.lower() == "x-amz-content-sha256" for name in inp["headers"]):
        return  # a made-up payload hash that the body does not match: rightly refused
    scheme, netloc, path, query = split_url(inp["url"])
    received = dict(theirs.headers.items())
    if not any(name.lower() == "host" for name in received):
        received["Host"] = canonical_host(scheme, netloc)
    secret = inp["secret"]
    access_key = verify_request(
        inp["method"],
        path,
        query,
        received,
        inp["body"],
        lambda akid: secret if akid == inp["access_key"] else None,
        region=inp["region"],
        now=inp["now"],
    )
    assert access_key == inp["access_key"]


# ------------------------------------------------------------ the signer

CREDS = Credentials("AKIDEXAMPLE", SECRET)
URL = "https://email.us-east-1.amazonaws.com/v2/email/outbound-emails"


def test_signing_key_cache() -> None:
    signer = SigV4Signer()
    first = signer._key(CREDS, "20150830", "us-east-1")
    assert signer._key(CREDS, "20150830", "us-east-1") is first
    assert first == signing_key(SECRET, "20150830", "us-east-1", "ses")
    next_day = signer._key(CREDS, "20150831", "us-east-1")
    assert next_day is not first
    assert next_day == signing_key(SECRET, "20150831", "us-east-1", "ses")
    rotated = Credentials("AKIDEXAMPLE", "another-secret")
    changed = signer._key(rotated, "20150830", "us-east-1")
    assert changed == signing_key("another-secret", "20150830", "us-east-1", "ses")
    assert changed != first


def test_signing_key_cache_is_used_by_sign_and_bounded() -> None:
    signer = SigV4Signer(max_keys=2)
    with mock.patch.object(sigv4, "signing_key", wraps=sigv4.signing_key) as derive:
        for _ in range(3):
            signer.sign(HttpRequest("POST", URL, {}, b"{}"), CREDS, region="us-east-1", now=T0)
        assert derive.call_count == 1
        for day in range(1, 5):
            when = T0 + timedelta(days=day)
            signer.sign(HttpRequest("POST", URL), CREDS, region="us-east-1", now=when)
        assert derive.call_count == 5
    assert len(signer._keys) == 2


def test_rotated_secret_signs_with_the_new_secret() -> None:
    signer = SigV4Signer()
    signer.sign(HttpRequest("GET", URL), CREDS, region="us-east-1", now=T0)
    rotated = Credentials("AKIDEXAMPLE", "rotated-secret")
    request = HttpRequest("GET", URL)
    signer.sign(request, rotated, region="us-east-1", now=T0)
    fresh = HttpRequest("GET", URL)
    SigV4Signer().sign(fresh, rotated, region="us-east-1", now=T0)
    assert request.headers["Authorization"] == fresh.headers["Authorization"]


def test_resigning_replaces_signing_headers() -> None:
    signer = SigV4Signer()
    request = HttpRequest("POST", URL, {"Content-Type": "application/json"}, b"{}")
    session = Credentials("ASIAEXAMPLE", SECRET, "token-1")
    signer.sign(request, session, region="us-east-1", now=T0)
    first = request.headers["Authorization"]
    # A retry a minute later, after the credentials lost their session token,
    # with the header spelt differently by some middleware in between.
    request.headers["authorization"] = request.headers.pop("Authorization")
    later = T0 + timedelta(minutes=1)
    signer.sign(request, CREDS, region="us-east-1", now=later)
    assert [k for k in request.headers if k.lower() == "authorization"] == ["Authorization"]
    assert "X-Amz-Security-Token" not in request.headers
    assert request.headers["X-Amz-Date"] == "20150830T123700Z"
    assert request.headers["Authorization"] != first
    fresh = HttpRequest("POST", URL, {"Content-Type": "application/json"}, b"{}")
    signer.sign(fresh, CREDS, region="us-east-1", now=later)
    assert fresh.headers == request.headers


def test_naive_and_offset_datetimes_are_utc() -> None:
    naive = HttpRequest("GET", URL)
    SigV4Signer().sign(naive, CREDS, region="us-east-1", now=datetime(2015, 8, 30, 12, 36))
    offset = HttpRequest("GET", URL)
    plus_two = datetime.fromisoformat("2015-08-30T14:36:00+02:00")
    SigV4Signer().sign(offset, CREDS, region="us-east-1", now=plus_two)
    assert naive.headers == offset.headers
    assert naive.headers["X-Amz-Date"] == "20150830T123600Z"


def test_default_now_is_current_time() -> None:
    request = HttpRequest("GET", URL)
    before = datetime.now(UTC).replace(microsecond=0)
    SigV4Signer().sign(request, CREDS, region="us-east-1")
    stamp = datetime.strptime(request.headers["X-Amz-Date"], "%Y%m%dT%H%M%SZ")
    assert before <= stamp.replace(tzinfo=UTC) <= datetime.now(UTC)


def test_signing_from_many_threads() -> None:
    signer = SigV4Signer(max_keys=3)
    regions = ["us-east-1", "eu-west-1", "ap-south-1", "us-west-2"]
    expected = {}
    for region in regions:
        request = HttpRequest("POST", URL, {}, b"x")
        SigV4Signer().sign(request, CREDS, region=region, now=T0)
        expected[region] = request.headers["Authorization"]
    failures: list[str] = []

    def work(offset: int) -> None:
        for i in range(200):
            region = regions[(i + offset) % len(regions)]
            request = HttpRequest("POST", URL, {}, b"x")
            signer.sign(request, CREDS, region=region, now=T0)
            if request.headers["Authorization"] != expected[region]:
                failures.append(region)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []


def test_secrets_stay_out_of_repr() -> None:
    signer = SigV4Signer()
    signer.sign(HttpRequest("GET", URL), Credentials("AKID", SECRET, "tok"), region="us-east-1")
    assert SECRET not in repr(signer)
    assert SECRET not in str(signer)
    assert repr(signer) == "SigV4Signer(service='ses')"


# ------------------------------------------------------------ the verifier

HOST = "email.us-east-1.amazonaws.com"


def keys(akid: str) -> str | None:
    return {"AKIDEXAMPLE": SECRET}.get(akid)


def signed(
    method: str = "POST",
    url: str = URL + "?b=2&a=%20x",
    body: bytes = b'{"x":1}',
    *,
    creds: Credentials = CREDS,
    now: datetime = T0,
) -> tuple[str, str, str, dict[str, str], bytes]:
    request = HttpRequest(method, url, {"Content-Type": "application/json"}, body)
    SigV4Signer().sign(request, creds, region="us-east-1", now=now)
    scheme, netloc, path, query = split_url(url)
    # What the server receives: the transport adds Host (and Content-Length).
    received = {"Host": canonical_host(scheme, netloc), "Content-Length": str(len(body))}
    received.update(request.headers)
    return method, path, query, received, body


def verify(
    method: str,
    path: str,
    query: str,
    headers: Any,
    body: bytes,
    **kwargs: Any,
) -> str:
    kwargs.setdefault("now", T0 + timedelta(minutes=3))
    kwargs.setdefault("region", "us-east-1")
    return verify_request(method, path, query, headers, body, keys, **kwargs)


def test_verifies_our_signature() -> None:
    assert verify(*signed()) == "AKIDEXAMPLE"
    method, path, query, headers, body = signed("GET", URL + "/a%40b/../c", b"")
    assert verify(method, path, query, headers, body) == "AKIDEXAMPLE"


def test_verifies_with_lowercase_headers_bytes_and_asgi_pairs() -> None:
    method, path, query, headers, body = signed()
    lower = {k.lower(): v for k, v in headers.items()}
    assert verify(method, path, query, lower, body) == "AKIDEXAMPLE"
    pairs = [(k.lower().encode(), v.encode("latin-1")) for k, v in headers.items()]
    assert verify(method, path.encode(), query.encode(), pairs, body) == "AKIDEXAMPLE"


def test_verifies_botocore_signature() -> None:
    url = f"https://{HOST}/v2/email/identities/user%40example.com?PageSize=5&NextToken=a%2Bb"
    inp = {
        "method": "PUT",
        "url": url,
        "headers": {"Content-Type": "application/json", "User-Agent": "Boto3/1.44"},
        "body": b'{"Tags":[]}',
        "access_key": "AKIDEXAMPLE",
        "secret": SECRET,
        "token": "session-token",
        "region": "us-east-1",
        "now": T0,
    }
    request = botocore_sign(inp)
    _, _, path, query = split_url(url)
    headers = {"Host": HOST, **dict(request.headers.items())}
    assert verify("PUT", path, query, headers, inp["body"]) == "AKIDEXAMPLE"


def test_verifies_repeated_headers_as_sent() -> None:
    request = HttpRequest("GET", URL, {"X-Multi": "one", "x-multi": "two", "Host": HOST}, b"")
    SigV4Signer().sign(request, CREDS, region="us-east-1", now=T0)
    pairs = list(request.headers.items())
    assert verify("GET", "/v2/email/outbound-emails", "", pairs, b"") == "AKIDEXAMPLE"


def _code(excinfo: pytest.ExceptionInfo[SignatureError]) -> tuple[str, int | None]:
    return excinfo.value.code, excinfo.value.status


def test_wrong_secret() -> None:
    wrong = Credentials("AKIDEXAMPLE", "not-the-secret")
    with pytest.raises(SignatureError) as excinfo:
        verify(*signed(creds=wrong))
    assert _code(excinfo) == ("SignatureDoesNotMatch", 403)
    assert "does not match the signature you provided" in excinfo.value.message
    assert "not-the-secret" not in repr(excinfo.value) + str(excinfo.value)
    assert SECRET not in repr(excinfo.value) + str(excinfo.value)


def test_altered_body() -> None:
    method, path, query, headers, _ = signed()
    with pytest.raises(SignatureError) as excinfo:
        verify(method, path, query, headers, b'{"x":2}')
    assert _code(excinfo) == ("SignatureDoesNotMatch", 403)


@pytest.mark.parametrize(
    ("name", "value"),
    [("Content-Type", "text/plain"), ("Host", "evil.example"), ("X-Amz-Date", "20150830T123601Z")],
)
def test_altered_signed_header(name: str, value: str) -> None:
    method, path, query, headers, body = signed()
    headers[name] = value
    with pytest.raises(SignatureError) as excinfo:
        verify(method, path, query, headers, body)
    assert _code(excinfo) == ("SignatureDoesNotMatch", 403)


def test_altered_path_or_query() -> None:
    method, path, query, headers, body = signed()
    with pytest.raises(SignatureError, match="does not match"):
        verify(method, path + "x", query, headers, body)
    with pytest.raises(SignatureError, match="does not match"):
        verify(method, path, query + "&c=3", headers, body)
    with pytest.raises(SignatureError, match="does not match"):
        verify("PUT", path, query, headers, body)


def test_unsigned_header_may_change() -> None:
    method, path, query, headers, body = signed()
    headers["User-Agent"] = "anything"
    assert verify(method, path, query, headers, body) == "AKIDEXAMPLE"


def test_stale_and_future_dates() -> None:
    args = signed()
    with pytest.raises(SignatureError) as excinfo:
        verify(*args, now=T0 + timedelta(minutes=15, seconds=1))
    assert _code(excinfo) == ("InvalidSignatureException", 403)
    assert excinfo.value.message == (
        "Signature expired: 20150830T123600Z is now earlier than 20150830T123601Z "
        "(20150830T125101Z - 15 min.)"
    )
    with pytest.raises(SignatureError) as excinfo:
        verify(*args, now=T0 - timedelta(minutes=16))
    assert _code(excinfo) == ("InvalidSignatureException", 403)
    assert excinfo.value.message.startswith("Signature not yet current: 20150830T123600Z")
    assert verify(*args, now=T0 + timedelta(minutes=15)) == "AKIDEXAMPLE"
    with pytest.raises(SignatureError, match="expired"):
        verify(*args, now=T0 + timedelta(minutes=6), max_skew=timedelta(minutes=5))


def test_unknown_access_key() -> None:
    with pytest.raises(SignatureError) as excinfo:
        verify(*signed(creds=Credentials("AKIDUNKNOWN", SECRET)))
    assert _code(excinfo) == ("UnrecognizedClientException", 403)
    assert excinfo.value.message == "The security token included in the request is invalid."


def test_missing_authorization() -> None:
    method, path, query, headers, body = signed()
    del headers["Authorization"]
    with pytest.raises(SignatureError) as excinfo:
        verify(method, path, query, headers, body)
    assert _code(excinfo) == ("MissingAuthenticationToken", 403)
    assert excinfo.value.message == "Missing Authentication Token"


@pytest.mark.parametrize(
    "authorization",
    [
        "Bearer abc",
        "AWS4-HMAC-SHA256",
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/ses/aws4_request",
        "AWS4-HMAC-SHA256 Credential AKIDEXAMPLE, SignedHeaders=host, Signature=00",
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/ses/aws4_request, "
        "SignedHeaders=host, Signature=00",
        "AWS4-HMAC-SHA512 Credential=AKIDEXAMPLE/20150830/us-east-1/ses/aws4_request, "
        "SignedHeaders=host, Signature=00",
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/ses/aws4_request, "
        "SignedHeaders=host;x-absent, Signature=00",
    ],
)
def test_garbled_authorization(authorization: str) -> None:
    method, path, query, headers, body = signed()
    headers["Authorization"] = authorization
    with pytest.raises(SignatureError) as excinfo:
        verify(method, path, query, headers, body)
    assert _code(excinfo) == ("IncompleteSignatureException", 400)


def test_missing_date() -> None:
    method, path, query, headers, body = signed()
    del headers["X-Amz-Date"]
    with pytest.raises(SignatureError) as excinfo:
        verify(method, path, query, headers, body)
    assert _code(excinfo) == ("IncompleteSignatureException", 400)
    headers["X-Amz-Date"] = "2015-08-30T12:36:00Z"
    with pytest.raises(SignatureError, match="basic format"):
        verify(method, path, query, headers, body)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("/us-east-1/", "/eu-west-1/", "valid region"),
        ("/ses/", "/sqs/", "correct service"),
        ("/20150830/", "/20150829/", "Date in Credential scope"),
        ("/aws4_request", "/aws5_request", "terminator"),
    ],
)
def test_wrong_scope(old: str, new: str, message: str) -> None:
    method, path, query, headers, body = signed()
    headers["Authorization"] = headers["Authorization"].replace(old, new)
    with pytest.raises(SignatureError, match=message) as excinfo:
        verify(method, path, query, headers, body)
    assert _code(excinfo) == ("SignatureDoesNotMatch", 403)


def test_host_must_be_signed() -> None:
    method, path, query, headers, body = signed()
    headers["Authorization"] = headers["Authorization"].replace("host;", "")
    with pytest.raises(SignatureError, match="'Host'") as excinfo:
        verify(method, path, query, headers, body)
    assert _code(excinfo) == ("InvalidSignatureException", 403)


def test_any_region_when_unrestricted() -> None:
    request = HttpRequest("GET", URL)
    SigV4Signer().sign(request, CREDS, region="eu-central-1", now=T0)
    headers = {"Host": HOST, **request.headers}
    assert verify("GET", "/v2/email/outbound-emails", "", headers, b"", region=None)
    with pytest.raises(SignatureError, match="valid region"):
        verify("GET", "/v2/email/outbound-emails", "", headers, b"")


def test_date_header_instead_of_x_amz_date() -> None:
    # botocore signs with Date (RFC 1123) instead of X-Amz-Date when one is set.
    inp = {
        "method": "GET",
        "url": URL,
        "headers": {"Date": "Sun, 30 Aug 2015 12:36:00 GMT"},
        "body": b"",
        "access_key": "AKIDEXAMPLE",
        "secret": SECRET,
        "token": None,
        "region": "us-east-1",
        "now": T0,
    }
    request = botocore_sign(inp)
    assert "X-Amz-Date" not in request.headers
    headers = {"Host": HOST, **dict(request.headers.items())}
    assert verify("GET", "/v2/email/outbound-emails", "", headers, b"") == "AKIDEXAMPLE"


def test_payload_hash_header() -> None:
    request = HttpRequest("POST", URL, {"X-Amz-Content-SHA256": "UNSIGNED-PAYLOAD"}, b"body")
    SigV4Signer().sign(request, CREDS, region="us-east-1", now=T0)
    headers = {"Host": HOST, **request.headers}
    path = "/v2/email/outbound-emails"
    # Explicitly unsigned payloads are accepted, whatever the body.
    assert verify("POST", path, "", headers, b"other body") == "AKIDEXAMPLE"
    # A stated hash that does not match the body is not.
    request = HttpRequest("POST", URL, {"X-Amz-Content-SHA256": payload_hash(b"a")}, b"b")
    SigV4Signer().sign(request, CREDS, region="us-east-1", now=T0)
    with pytest.raises(SignatureError, match="does not match"):
        verify("POST", path, "", {"Host": HOST, **request.headers}, b"b")
