"""Endpoint resolution for SES v2.

The SES v2 endpoint rule set and the AWS partition table are generated from
botocore into ``aws_ses._generated.endpoint_ruleset`` and evaluated here by a
small interpreter (:mod:`aws_ses.endpoints.rules`); botocore is not needed at
run time.

>>> resolve_endpoint("eu-west-1").url
'https://email.eu-west-1.amazonaws.com'
"""

from __future__ import annotations

import functools
from typing import Any

import msgspec

from aws_ses.errors import SesValidationError

from .rules import RuleSet

__all__ = ["ResolvedEndpoint", "SUPPORTED_AUTH_SCHEMES", "resolve_endpoint"]

SUPPORTED_AUTH_SCHEMES = ("sigv4", "sigv4a")
DEFAULT_SIGNING_NAME = "ses"


class ResolvedEndpoint(msgspec.Struct, frozen=True):
    """Where to send requests and how to sign them.

    ``headers`` are extra headers the endpoint requires; ``properties`` are
    the rule set's endpoint properties as given (notably ``authSchemes``).
    ``region`` is the region the endpoint was resolved for. Instances are
    cached and shared: treat the dicts as read-only.
    """

    url: str
    headers: dict[str, list[str]] = msgspec.field(default_factory=dict)
    properties: dict[str, Any] = msgspec.field(default_factory=dict)
    region: str | None = None

    def __hash__(self) -> int:
        # The dicts take part in equality but not in the hash (they are unhashable).
        return hash((self.url, self.region))

    @property
    def _scheme(self) -> dict[str, Any]:
        # The first scheme we can sign with; resolve_endpoint has already
        # rejected endpoints that list only schemes we cannot.
        for scheme in self.properties.get("authSchemes", ()):
            if scheme.get("name") in SUPPORTED_AUTH_SCHEMES:
                return dict(scheme)
        return {}

    @property
    def auth_scheme(self) -> str:
        """``"sigv4"`` or ``"sigv4a"`` (multi-region endpoints)."""
        return str(self._scheme.get("name", "sigv4"))

    @property
    def signing_name(self) -> str:
        return str(self._scheme.get("signingName", DEFAULT_SIGNING_NAME))

    @property
    def signing_region(self) -> str | None:
        """The SigV4 signing region: the rule's, else the requested region."""
        region = self._scheme.get("signingRegion", self.region)
        return None if region is None else str(region)

    @property
    def signing_region_set(self) -> list[str] | None:
        """The SigV4a region set, None for SigV4.

        When a SigV4a rule names no set, the requested region is used, or
        ``*`` (any region) without one.
        """
        scheme = self._scheme
        if scheme.get("name") != "sigv4a":
            return None
        regions = scheme.get("signingRegionSet")
        if regions is not None:
            return [str(r) for r in regions]
        return [self.region] if self.region else ["*"]


def resolve_endpoint(
    region: str | None,
    *,
    use_fips: bool = False,
    use_dual_stack: bool = False,
    endpoint_url: str | None = None,
    endpoint_id: str | None = None,
) -> ResolvedEndpoint:
    """Resolve the SES v2 endpoint for a client configuration.

    ``endpoint_url`` overrides the host (a local server, a VPC endpoint);
    ``endpoint_id`` selects a multi-region endpoint (signed with SigV4a).
    An impossible combination (FIPS with a custom URL, no region, ...)
    raises :class:`~aws_ses.errors.SesValidationError` with field
    ``"endpoint"``. Results are cached per argument combination.
    """
    return _resolve(region, use_fips, use_dual_stack, endpoint_url, endpoint_id)


@functools.lru_cache(maxsize=64)
def _resolve(
    region: str | None,
    use_fips: bool,
    use_dual_stack: bool,
    endpoint_url: str | None,
    endpoint_id: str | None,
) -> ResolvedEndpoint:
    endpoint = _ruleset().resolve(
        {"EndpointId": endpoint_id},
        {
            "AWS::Region": region,
            "AWS::UseFIPS": use_fips,
            "AWS::UseDualStack": use_dual_stack,
            "SDK::Endpoint": endpoint_url,
        },
    )
    schemes = endpoint.properties.get("authSchemes")
    if schemes and not any(s.get("name") in SUPPORTED_AUTH_SCHEMES for s in schemes):
        names = ", ".join(str(s.get("name")) for s in schemes)
        raise SesValidationError("endpoint", f"no supported auth scheme among: {names}")
    return ResolvedEndpoint(endpoint.url, endpoint.headers, endpoint.properties, region)


@functools.cache
def _ruleset() -> RuleSet:
    # Imported on first use so that importing the package stays cheap.
    from aws_ses._generated.endpoint_ruleset import PARTITIONS, RULESET

    return RuleSet(RULESET, PARTITIONS)
