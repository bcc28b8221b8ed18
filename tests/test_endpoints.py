"""Endpoint resolution: the official SES v2 endpoint cases, and the interpreter's parts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from aws_ses.endpoints import ResolvedEndpoint, resolve_endpoint
from aws_ses.endpoints.rules import (
    Partitions,
    RuleSet,
    RuleSetError,
    get_attr,
    is_valid_host_label,
    parse_url,
    substring,
    uri_encode,
)
from aws_ses.errors import SesValidationError

CASES_FILE = Path("endpoint-rules") / "sesv2-endpoint-tests.json"
# The official file has 62 cases; the ids are fixed here (rather than read at
# collection time) so that a missing data folder skips instead of failing, and
# a changed file is caught by the count check below.
CASE_COUNT = 62


@pytest.fixture(scope="module")
def cases(testdata_dir: Path) -> list[dict[str, Any]]:
    data = json.loads((testdata_dir / CASES_FILE).read_text(encoding="utf-8"))
    cases: list[dict[str, Any]] = data["testCases"]
    return cases


def test_case_count(cases: list[dict[str, Any]]) -> None:
    assert len(cases) == CASE_COUNT


def _call(params: dict[str, Any]) -> ResolvedEndpoint:
    known = {"Region", "UseFIPS", "UseDualStack", "Endpoint", "EndpointId"}
    assert set(params) <= known, f"unmapped parameters {set(params) - known}"
    return resolve_endpoint(
        params.get("Region"),
        use_fips=params.get("UseFIPS", False),
        use_dual_stack=params.get("UseDualStack", False),
        endpoint_url=params.get("Endpoint"),
        endpoint_id=params.get("EndpointId"),
    )


@pytest.mark.parametrize("index", range(CASE_COUNT), ids=lambda i: f"case{i:02d}")
def test_official_case(cases: list[dict[str, Any]], index: int) -> None:
    case = cases[index]
    params = case.get("params") or {}
    expect = case["expect"]
    if "error" in expect:
        with pytest.raises(SesValidationError) as info:
            _call(params)
        assert info.value.field == "endpoint"
        assert info.value.problem == expect["error"], case.get("documentation")
        return
    expected = expect["endpoint"]
    endpoint = _call(params)
    assert endpoint.url == expected["url"], case.get("documentation")
    assert endpoint.headers == expected.get("headers", {})
    assert endpoint.properties == expected.get("properties", {})
    schemes = expected.get("properties", {}).get("authSchemes")
    if schemes:
        scheme = schemes[0]
        assert endpoint.auth_scheme == scheme["name"]
        assert endpoint.signing_name == scheme["signingName"]
        if "signingRegionSet" in scheme:
            assert endpoint.signing_region_set == scheme["signingRegionSet"]
        if "signingRegion" in scheme:
            assert endpoint.signing_region == scheme["signingRegion"]
    else:
        assert endpoint.auth_scheme == "sigv4"
        assert endpoint.signing_name == "ses"
        assert endpoint.signing_region == params.get("Region")
        assert endpoint.signing_region_set is None


# ------------------------------------------------------------- public API


def test_defaults_and_cache() -> None:
    first = resolve_endpoint("eu-west-1")
    assert first.url == "https://email.eu-west-1.amazonaws.com"
    assert (first.auth_scheme, first.signing_name, first.signing_region) == (
        "sigv4",
        "ses",
        "eu-west-1",
    )
    assert resolve_endpoint("eu-west-1") is first


def test_multi_region_endpoint_uses_sigv4a() -> None:
    endpoint = resolve_endpoint("us-east-1", endpoint_id="abc123.456def")
    assert endpoint.auth_scheme == "sigv4a"
    assert endpoint.signing_region_set == ["*"]


def test_unknown_region_of_known_shape() -> None:
    assert resolve_endpoint("us-east-99").url == "https://email.us-east-99.amazonaws.com"


def test_missing_region_is_validation_error() -> None:
    with pytest.raises(SesValidationError, match="Missing Region"):
        resolve_endpoint(None)


# ------------------------------------------------------------ library functions


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "https://example.com",
            {
                "scheme": "https",
                "authority": "example.com",
                "path": "",
                "normalizedPath": "/",
                "isIp": False,
            },
        ),
        (
            "http://localhost:4566/base/path",
            {
                "scheme": "http",
                "authority": "localhost:4566",
                "path": "/base/path",
                "normalizedPath": "/base/path/",
                "isIp": False,
            },
        ),
        (
            "https://127.0.0.1:8443/",
            {
                "scheme": "https",
                "authority": "127.0.0.1:8443",
                "path": "/",
                "normalizedPath": "/",
                "isIp": True,
            },
        ),
        (
            "https://[2001:db8::1]",
            {
                "scheme": "https",
                "authority": "[2001:db8::1]",
                "path": "",
                "normalizedPath": "/",
                "isIp": True,
            },
        ),
    ],
)
def test_parse_url(url: str, expected: dict[str, Any]) -> None:
    assert parse_url(url) == expected


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.com",
        "example.com",
        "https://",
        "https://example.com?x=1",
        "https://example.com/?",
        "https://example.com#frag",
        "https://example.com:notaport",
    ],
)
def test_parse_url_rejects(url: str) -> None:
    assert parse_url(url) is None


@pytest.mark.parametrize(
    ("value", "sub_domains", "valid"),
    [
        ("abc123", False, True),
        ("a", False, True),
        ("a-b", False, True),
        ("a" * 63, False, True),
        ("a" * 64, False, False),
        ("", False, False),
        ("-abc", False, False),
        ("abc-", False, False),
        ("abc.def", False, False),
        ("abc.def", True, True),
        ("abc..def", True, False),
        ("abc.", True, False),
        ("badactor.com?foo=bar", True, False),
        ("ünï", False, False),
    ],
)
def test_is_valid_host_label(value: str, sub_domains: bool, valid: bool) -> None:
    assert is_valid_host_label(value, sub_domains) is valid


def test_get_attr_paths() -> None:
    value = {"a": {"b": [{"c": 1}, {"c": 2}]}, "list": ["x", "y"]}
    assert get_attr(value, "a.b[1].c") == 2
    assert get_attr(value, "list[0]") == "x"
    assert get_attr(value, "list[5]") is None
    assert get_attr(value, "missing.b") is None
    assert get_attr(["only"], "[0]") == "only"
    with pytest.raises(RuleSetError):
        get_attr(value, "a..b")


def test_substring_and_uri_encode() -> None:
    assert substring("abcdef", 0, 3, False) == "abc"
    assert substring("abcdef", 0, 3, True) == "def"
    assert substring("abc", 1, 5, False) is None
    assert substring("ábc", 0, 1, False) is None
    assert uri_encode("a b/c~d_e.f-g") == "a%20b%2Fc~d_e.f-g"


PARTITIONS = {
    "partitions": [
        {
            "id": "aws",
            "outputs": {"name": "aws", "dnsSuffix": "amazonaws.com", "supportsFIPS": True},
            "regionRegex": r"^(us|eu)\-\w+\-\d+$",
            "regions": {"us-east-1": {}, "aws-global": {}},
        },
        {
            "id": "aws-cn",
            "outputs": {"name": "aws-cn", "dnsSuffix": "amazonaws.com.cn", "supportsFIPS": True},
            "regionRegex": r"^cn\-\w+\-\d+$",
            "regions": {"cn-north-1": {"supportsFIPS": False, "description": "ignored"}},
        },
    ]
}


def test_partition_lookup() -> None:
    table = Partitions(PARTITIONS)
    assert table.lookup("us-east-1")["name"] == "aws"
    # Unlisted, but the aws regex matches.
    assert table.lookup("us-east-99")["name"] == "aws"
    assert table.lookup("cn-west-7")["dnsSuffix"] == "amazonaws.com.cn"
    # Per-region overrides of the outputs; prose keys are not outputs.
    assert table.lookup("cn-north-1") == {
        "name": "aws-cn",
        "dnsSuffix": "amazonaws.com.cn",
        "supportsFIPS": False,
    }
    # Matches no regex: falls back to aws.
    assert table.lookup("mars-central-1")["name"] == "aws"


def test_generated_partition_table_fallback() -> None:
    from aws_ses._generated.endpoint_ruleset import PARTITIONS as REAL

    table = Partitions(REAL)
    assert table.lookup("us-east-99")["dnsSuffix"] == "amazonaws.com"
    assert table.lookup("us-gov-west-9")["name"] == "aws-us-gov"
    assert table.lookup("nowhere")["name"] == "aws"


def test_interpreter_templates_assign_and_scoping() -> None:
    ruleset = {
        "parameters": {
            "Region": {"type": "string", "builtIn": "AWS::Region", "required": False},
            "Flag": {"type": "boolean", "required": True, "default": False},
        },
        "rules": [
            {
                # Binds P, then fails: P must not leak into the next rule.
                "conditions": [
                    {"fn": "aws.partition", "argv": [{"ref": "Region"}], "assign": "P"},
                    {"fn": "booleanEquals", "argv": [{"ref": "Flag"}, True]},
                ],
                "type": "endpoint",
                "endpoint": {"url": "https://flag.{P#dnsSuffix}"},
            },
            {
                "conditions": [{"fn": "isSet", "argv": [{"ref": "P"}]}],
                "type": "error",
                "error": "leaked",
            },
            {
                "conditions": [
                    {"fn": "aws.partition", "argv": [{"ref": "Region"}], "assign": "P"},
                    {"fn": "not", "argv": [{"fn": "isSet", "argv": [{"ref": "Nope"}]}]},
                ],
                "type": "endpoint",
                "endpoint": {
                    "url": "https://{Region}.{P#dnsSuffix}/{{literal}}",
                    "headers": {"x-partition": ["{P#name}"]},
                    "properties": {"fips": "{P#supportsFIPS}", "n": 1},
                },
            },
        ],
    }
    rules = RuleSet(ruleset, PARTITIONS)
    endpoint = rules.resolve(builtins={"AWS::Region": "cn-north-1"})
    assert endpoint.url == "https://cn-north-1.amazonaws.com.cn/{literal}"
    assert endpoint.headers == {"x-partition": ["aws-cn"]}
    assert endpoint.properties == {"fips": "false", "n": 1}
    assert rules.resolve({"Flag": True}, {"AWS::Region": "us-east-1"}).url == (
        "https://flag.amazonaws.com"
    )


def test_interpreter_rejects_unknown_function_and_bad_params() -> None:
    ruleset = {
        "parameters": {"Region": {"type": "string", "required": True}},
        "rules": [
            {
                "conditions": [{"fn": "aws.mystery", "argv": [{"ref": "Region"}]}],
                "type": "error",
                "error": "never",
            }
        ],
    }
    rules = RuleSet(ruleset, PARTITIONS)
    with pytest.raises(RuleSetError, match=r"aws\.mystery"):
        rules.resolve({"Region": "us-east-1"})
    with pytest.raises(SesValidationError, match="missing required parameter Region"):
        rules.resolve()
    with pytest.raises(SesValidationError, match="must be a string"):
        rules.resolve({"Region": 5})
    with pytest.raises(RuleSetError, match="unknown endpoint parameters"):
        rules.resolve({"Bogus": "x"})


def test_tree_without_match_is_terminal() -> None:
    ruleset = {
        "parameters": {},
        "rules": [
            {
                "conditions": [],
                "type": "tree",
                "rules": [{"conditions": [{"fn": "isSet", "argv": [None]}], "type": "error"}],
            },
            {"conditions": [], "type": "endpoint", "endpoint": {"url": "https://unreachable"}},
        ],
    }
    with pytest.raises(SesValidationError, match="no endpoint rule matched"):
        RuleSet(ruleset, PARTITIONS).resolve()


def test_importing_endpoints_does_not_load_botocore() -> None:
    import subprocess
    import sys

    code = (
        "import sys, aws_ses.endpoints as e; e.resolve_endpoint('us-east-1');"
        "assert not [m for m in sys.modules if m.startswith('botocore')]"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
