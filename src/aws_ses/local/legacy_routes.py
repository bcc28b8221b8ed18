"""Routes of earlier SES v2 service models that SES still answers.

Current models send ``ListEmailIdentities`` and ``ListConfigurationSets`` as
``POST /v2/email/list-identities`` and ``POST /v2/email/list-configuration-sets``
with their members in the JSON body; every SDK built from an earlier model
(botocore before 1.44, and the JavaScript, Go and Java SDKs of the same time)
sends the GET routes below, with the paging members in the query string.
``PutEmailIdentityDkimSigningAttributes`` once lived under ``/v1/``. Found
by comparing the published sesv2 models (botocore 1.34.162 against the
pinned 1.44.8); this table is the one place that lists them.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["LEGACY_ROUTES", "LegacyRoute"]


@dataclass(frozen=True, slots=True)
class LegacyRoute:
    method: str
    uri: str  # a URI template, as in the model
    operation: str  # the SES operation name it serves
    # query-string name -> member wire name (the members the old model put there)
    query: tuple[tuple[str, str], ...] = ()


LEGACY_ROUTES: tuple[LegacyRoute, ...] = (
    LegacyRoute(
        "GET",
        "/v2/email/identities",
        "ListEmailIdentities",
        (("NextToken", "NextToken"), ("PageSize", "PageSize")),
    ),
    LegacyRoute(
        "GET",
        "/v2/email/configuration-sets",
        "ListConfigurationSets",
        (("NextToken", "NextToken"), ("PageSize", "PageSize")),
    ),
    LegacyRoute(
        "PUT",
        "/v1/email/identities/{EmailIdentity}/dkim/signing",
        "PutEmailIdentityDkimSigningAttributes",
    ),
)
