"""A small interpreter for the Smithy endpoint rules language.

A rule set declares typed parameters and an ordered list of rules. Each rule
has conditions (function calls, optionally binding their result to a name)
and, when they all hold, either yields an endpoint, raises an error, or
descends into a tree of further rules. Strings are templates: ``{Name}``
inserts a variable and ``{Name#path}`` an attribute of one.

Only what AWS rule sets for services like SES need is implemented: the core
functions (``isSet``, ``not``, ``booleanEquals``, ``stringEquals``,
``getAttr``, ``parseURL``, ``uriEncode``, ``isValidHostLabel``,
``substring``) and ``aws.partition``. Anything else is reported as a
:class:`RuleSetError`, so an unsupported rule set fails loudly instead of
resolving a wrong endpoint.
"""

from __future__ import annotations

import ipaddress
import re
import urllib.parse
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import msgspec

from aws_ses.errors import SesValidationError

__all__ = [
    "Partitions",
    "RuleEndpoint",
    "RuleSet",
    "RuleSetError",
    "get_attr",
    "is_valid_host_label",
    "parse_url",
    "substring",
    "uri_encode",
]

Scope = dict[str, Any]


class RuleSetError(Exception):
    """The rule set itself is malformed or uses something we do not support.

    This is a bug in the (generated) data or the interpreter, not bad input,
    which is why it is not a ``SesValidationError``.
    """


class RuleEndpoint(msgspec.Struct, frozen=True):
    """What an ``endpoint`` rule evaluates to."""

    url: str
    headers: dict[str, list[str]] = msgspec.field(default_factory=dict)
    properties: dict[str, Any] = msgspec.field(default_factory=dict)


# ------------------------------------------------------------ library functions

# A path segment of getAttr: ``name``, ``name[3]`` or ``[3]``.
_PATH_PART = re.compile(r"([^\[\]]*)(?:\[(\d+)\])?")


def get_attr(value: Any, path: str) -> Any:
    """Follow ``path`` (``a``, ``a.b``, ``a[0]``, ``a.b[1].c``) into ``value``.

    A missing key or an index out of range gives None (unset), as the rules
    language requires, rather than an exception.
    """
    for part in path.split("."):
        match = _PATH_PART.fullmatch(part)
        if match is None or part == "":
            raise RuleSetError(f"bad getAttr path {path!r}")
        name, index = match.groups()
        if name:
            value = value.get(name) if isinstance(value, Mapping) else None
        if index is not None:
            i = int(index)
            value = value[i] if isinstance(value, list | tuple) and i < len(value) else None
        if value is None:
            return None
    return value


# RFC 1123 label: letters, digits and hyphens, no hyphen at either end, 1-63 long.
_HOST_LABEL = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?")


def is_valid_host_label(value: str, allow_sub_domains: bool) -> bool:
    """Whether ``value`` is one DNS label (or dot-separated labels if allowed)."""
    labels = value.split(".") if allow_sub_domains else [value]
    return all(_HOST_LABEL.fullmatch(label) for label in labels)


def parse_url(url: str) -> dict[str, Any] | None:
    """Split an ``http(s)`` URL into the parts the rules language exposes.

    Returns None for anything a rule set could not safely build on: another
    scheme, no host, a bad port, or a query string or fragment (an endpoint
    must not carry request parameters).
    """
    try:
        parts = urllib.parse.urlsplit(url)
        parts.port  # noqa: B018  (raises ValueError for a bad port)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc or not parts.hostname:
        return None
    if parts.query or parts.fragment or "?" in url or "#" in url:
        return None
    try:
        ipaddress.ip_address(parts.hostname)
        is_ip = True
    except ValueError:
        is_ip = False
    path = parts.path
    normalized = path if path.startswith("/") else "/" + path
    if not normalized.endswith("/"):
        normalized += "/"
    return {
        "scheme": parts.scheme,
        "authority": parts.netloc,
        "path": path,
        "normalizedPath": normalized,
        "isIp": is_ip,
    }


def uri_encode(value: str) -> str:
    """Percent-encode everything but RFC 3986 unreserved characters."""
    return urllib.parse.quote(value, safe="")


def substring(value: str, start: int, stop: int, reverse: bool) -> str | None:
    """``value[start:stop]``, counted from the end when ``reverse``.

    Unset (None) when the range does not fit or the string is not ASCII, so a
    rule can test the result with its conditions instead of failing.
    """
    if not value.isascii() or not 0 <= start < stop <= len(value):
        return None
    if reverse:
        start, stop = len(value) - stop, len(value) - start
    return value[start:stop]


class Partitions:
    """The AWS partition table (``partitions.json``), for ``aws.partition``."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        # The region regexes are compiled when a lookup first needs one (by
        # re's own cache): compiling all eight took milliseconds of every
        # client's cold start, and a listed region or a custom endpoint needs none.
        self._partitions: list[Mapping[str, Any]] = list(data["partitions"])
        by_id = {p["id"]: p for p in self._partitions}
        if "aws" not in by_id:
            raise RuleSetError("partition table has no 'aws' partition")
        self._default = by_id["aws"]

    def lookup(self, region: str) -> dict[str, Any]:
        """The partition outputs for ``region``.

        A region listed by a partition wins (with its own overrides of the
        outputs), then the first partition whose regex matches, and last the
        ``aws`` partition, so new regions resolve before the table knows them.
        """
        for partition in self._partitions:
            override = partition["regions"].get(region)
            if override is not None:
                outputs = partition["outputs"]
                return {**outputs, **{k: v for k, v in override.items() if k in outputs}}
        for partition in self._partitions:
            if re.fullmatch(partition["regionRegex"], region):
                return dict(partition["outputs"])
        return dict(self._default["outputs"])


# ------------------------------------------------------------------ evaluator

_PARAM_TYPES: dict[str, type] = {"string": str, "boolean": bool, "stringArray": list}


class RuleSet:
    """A parsed endpoint rule set, ready to resolve parameters to endpoints."""

    def __init__(self, ruleset: Mapping[str, Any], partitions: Mapping[str, Any]) -> None:
        self.parameters: Mapping[str, Mapping[str, Any]] = ruleset["parameters"]
        self.rules: Sequence[Mapping[str, Any]] = ruleset["rules"]
        self.partitions = Partitions(partitions)
        self._functions: dict[str, Callable[..., Any]] = {
            "isSet": lambda value: value is not None,
            "not": lambda value: not value,
            "booleanEquals": lambda a, b: a == b,
            "stringEquals": lambda a, b: a == b,
            "getAttr": get_attr,
            "isValidHostLabel": is_valid_host_label,
            "parseURL": parse_url,
            "uriEncode": uri_encode,
            "substring": substring,
            "aws.partition": self.partitions.lookup,
        }

    def resolve(
        self,
        params: Mapping[str, Any] | None = None,
        builtins: Mapping[str, Any] | None = None,
    ) -> RuleEndpoint:
        """Evaluate the rules for ``params`` (by parameter name).

        ``builtins`` supplies values by built-in name (``AWS::Region``,
        ``SDK::Endpoint``, ...) for parameters not given in ``params``.
        A matching ``error`` rule raises :class:`SesValidationError`.
        """
        scope = self._bind(params or {}, builtins or {})
        endpoint = self._first_match(self.rules, scope)
        if endpoint is None:
            raise SesValidationError("endpoint", "no endpoint rule matched the configuration")
        return endpoint

    def _bind(self, params: Mapping[str, Any], builtins: Mapping[str, Any]) -> Scope:
        unknown = set(params) - set(self.parameters)
        if unknown:
            raise RuleSetError(f"unknown endpoint parameters: {sorted(unknown)}")
        scope: Scope = {}
        for name, spec in self.parameters.items():
            value = params.get(name)
            if value is None and "builtIn" in spec:
                value = builtins.get(spec["builtIn"])
            if value is None:
                value = spec.get("default")
            if value is None:
                if spec.get("required"):
                    raise SesValidationError("endpoint", f"missing required parameter {name}")
                continue
            expected = _PARAM_TYPES.get(spec["type"])
            if expected is None:
                raise RuleSetError(f"parameter {name} has unsupported type {spec['type']!r}")
            if not isinstance(value, expected):
                raise SesValidationError("endpoint", f"parameter {name} must be a {spec['type']}")
            scope[name] = value
        return scope

    def _first_match(self, rules: Sequence[Mapping[str, Any]], scope: Scope) -> RuleEndpoint | None:
        for rule in rules:
            endpoint = self._rule(rule, scope)
            if endpoint is not None:
                return endpoint
        return None

    def _rule(self, rule: Mapping[str, Any], scope: Scope) -> RuleEndpoint | None:
        # Names bound by this rule's conditions are visible to it and its
        # children only, never to the rules after it.
        local = dict(scope)
        for condition in rule.get("conditions", ()):
            value = self._call(condition, local)
            if value is None or value is False:
                return None
            if "assign" in condition:
                local[condition["assign"]] = value
        kind = rule["type"]
        if kind == "endpoint":
            return self._endpoint(rule["endpoint"], local)
        if kind == "error":
            raise SesValidationError("endpoint", str(self._expr(rule["error"], local)))
        if kind == "tree":
            endpoint = self._first_match(rule["rules"], local)
            if endpoint is None:
                # A tree whose conditions matched is terminal: falling out of
                # it means the rule set has a gap, not that the next rule applies.
                raise SesValidationError("endpoint", "no endpoint rule matched the configuration")
            return endpoint
        raise RuleSetError(f"unknown rule type {kind!r}")

    def _endpoint(self, spec: Mapping[str, Any], scope: Scope) -> RuleEndpoint:
        url = self._expr(spec["url"], scope)
        if not isinstance(url, str):
            raise RuleSetError("endpoint url did not evaluate to a string")
        headers = {
            name: [str(self._expr(v, scope)) for v in values]
            for name, values in spec.get("headers", {}).items()
        }
        properties = {k: self._expr(v, scope) for k, v in spec.get("properties", {}).items()}
        return RuleEndpoint(url, headers, properties)

    def _call(self, call: Mapping[str, Any], scope: Scope) -> Any:
        name = call["fn"]
        function = self._functions.get(name)
        if function is None:
            raise RuleSetError(f"unsupported rule function {name!r}")
        args = [self._expr(arg, scope) for arg in call["argv"]]
        # Only isSet may look at an unset value; any other function given one
        # is unset itself, which fails the condition.
        if name != "isSet" and any(arg is None for arg in args):
            return None
        return function(*args)

    def _expr(self, expr: Any, scope: Scope) -> Any:
        """Evaluate an argument, url, header or property value."""
        if isinstance(expr, str):
            return self._template(expr, scope)
        if isinstance(expr, Mapping):
            if "ref" in expr:
                return scope.get(expr["ref"])
            if "fn" in expr:
                return self._call(expr, scope)
            return {k: self._expr(v, scope) for k, v in expr.items()}
        if isinstance(expr, list):
            return [self._expr(v, scope) for v in expr]
        return expr  # bool or number literal

    def _template(self, template: str, scope: Scope) -> str:
        """Expand ``{Name}`` and ``{Name#path}``; ``{{`` and ``}}`` are literal braces."""
        out: list[str] = []
        i = 0
        while i < len(template):
            char = template[i]
            if char in "{}" and template[i + 1 : i + 2] == char:
                out.append(char)
                i += 2
            elif char == "{":
                end = template.find("}", i)
                if end < 0:
                    raise RuleSetError(f"unclosed template in {template!r}")
                out.append(self._lookup(template[i + 1 : end], scope))
                i = end + 1
            else:
                out.append(char)
                i += 1
        return "".join(out)

    def _lookup(self, reference: str, scope: Scope) -> str:
        name, _, path = reference.partition("#")
        value = scope.get(name)
        if path and value is not None:
            value = get_attr(value, path)
        if value is None:
            raise RuleSetError(f"template refers to unset {reference!r}")
        if isinstance(value, bool):
            return "true" if value else "false"
        return str(value)
