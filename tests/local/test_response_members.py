"""What the local server answers, member by member, as SES does.

:data:`CASES` is the one place that says which members SES returns for a
freshly created resource and with which defaults: each case resets the
server, creates what it needs with boto3 over real HTTP, calls one operation
and compares the raw JSON body exactly (so a missing member, an extra one and
a wrong default all fail). Values SES generates (ids, tokens, timestamps) are
matched by kind. Every body is also checked against botocore's output shape
(:func:`wire_problems`), and a last test calls every one of the 117
operations in one sequence and checks each body the same way.

Where a case's comment names an "API reference" page, it is the SES API v2
reference page of that operation (its Response Syntax and Response Elements)
or of the data type named; "developer guide" is the SES developer guide.
Where the documentation is silent, the comment says "choice" and why.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import botocore
import pytest
from botocore.exceptions import ClientError

from aws_ses.local import LocalServer
from aws_ses.local.resources import DEFAULT_POOL, SEED_IPS

from .conftest import admin, make_boto3_client
from .wire_model import ACCOUNT, SERVICE, minimal_input, wire_problems

# ------------------------------------------------------------ matchers


class Like:
    """Equal to any value the test accepts: for what SES generates."""

    def __init__(self, what: str, test: Callable[[Any], bool]) -> None:
        self.what, self.test = what, test

    def __eq__(self, other: object) -> bool:
        return self.test(other)

    def __hash__(self) -> int:
        return hash(self.what)

    def __repr__(self) -> str:
        return f"<{self.what}>"


def _recent(value: Any) -> bool:
    ok = isinstance(value, int | float) and not isinstance(value, bool)
    return ok and abs(float(value) - time.time()) < 600


NOW = Like("epoch seconds, now", _recent)
UUID = Like("a UUID", lambda v: bool(re.fullmatch(r"[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}", v)))
MESSAGE_ID = Like(
    "an SES message id", lambda v: bool(re.fullmatch(r"[0-9a-f]{16}-[0-9a-f-]{36}-0{6}", v))
)
DKIM_TOKEN = Like("a DKIM token", lambda v: bool(re.fullmatch(r"[0-9a-f]{32}", v)))
MIME = Like("a MIME message", lambda v: isinstance(v, str) and "\r\nSubject: Hello\r\n" in v)

# ------------------------------------------------------- setup steps

ARN = f"arn:aws:ses:us-east-1:{ACCOUNT}"
Step = tuple[str, dict[str, Any]]

ADDRESS: Step = ("CreateEmailIdentity", {"EmailIdentity": "sender@example.com"})
DOMAIN: Step = ("CreateEmailIdentity", {"EmailIdentity": "example.com"})
MAIL_FROM: Step = (
    "PutEmailIdentityMailFromAttributes",
    {"EmailIdentity": "example.com", "MailFromDomain": "bounce.example.com"},
)
TEMPLATE: Step = (
    "CreateEmailTemplate",
    {
        "TemplateName": "welcome",
        "TemplateContent": {"Subject": "Hello", "Text": "Hi {{name}}", "Html": "<p>Hi</p>"},
    },
)
CONFIG_SET: Step = ("CreateConfigurationSet", {"ConfigurationSetName": "cs"})
SNS_DESTINATION: Step = (
    "CreateConfigurationSetEventDestination",
    {
        "ConfigurationSetName": "cs",
        "EventDestinationName": "to-sns",
        "EventDestination": {
            "Enabled": True,
            "MatchingEventTypes": ["BOUNCE"],
            "SnsDestination": {"TopicArn": f"arn:aws:sns:us-east-1:{ACCOUNT}:events"},
        },
    },
)
SUPPRESSED: Step = (
    "PutSuppressedDestination",
    {"EmailAddress": "gone@example.com", "Reason": "BOUNCE"},
)
POOL: Step = ("CreateDedicatedIpPool", {"PoolName": "pool"})
WEEKLY = {"TopicName": "weekly", "DisplayName": "Weekly", "DefaultSubscriptionStatus": "OPT_IN"}
CONTACT_LIST: Step = ("CreateContactList", {"ContactListName": "news", "Topics": [WEEKLY]})
BARE_CONTACT_LIST: Step = ("CreateContactList", {"ContactListName": "bare"})
CONTACT: Step = ("CreateContact", {"ContactListName": "news", "EmailAddress": "ann@example.com"})
TENANT: Step = ("CreateTenant", {"TenantName": "acme"})
TENANT_SUPPRESSION: Step = (
    "PutTenantSuppressionAttributes",
    {"TenantName": "acme", "SuppressedReasons": ["BOUNCE"], "SuppressionScope": "TENANT"},
)
ASSOCIATION: Step = (
    "CreateTenantResourceAssociation",
    {"TenantName": "acme", "ResourceArn": f"{ARN}:configuration-set/cs"},
)
ENDPOINT: Step = (
    "CreateMultiRegionEndpoint",
    {"EndpointName": "global", "Details": {"RoutesDetails": [{"Region": "us-west-2"}]}},
)
ENTITY = {"ReputationEntityType": "RESOURCE", "ReputationEntityReference": f"{ARN}:identity/a.com"}
ENTITY_PAUSED: Step = (
    "UpdateReputationEntityCustomerManagedStatus",
    {**ENTITY, "SendingStatus": "DISABLED"},
)
SIMPLE = {"Simple": {"Subject": {"Data": "Hello"}, "Body": {"Text": {"Data": "Hi"}}}}
TO_SIMULATOR = {"ToAddresses": ["success@simulator.amazonses.com"]}

# ---------------------------------------------------- shared expectations

DOMAIN_DKIM = {
    "SigningEnabled": True,
    "Status": "SUCCESS",  # the server verifies at once (auto_verify); SES starts PENDING
    "Tokens": [DKIM_TOKEN, DKIM_TOKEN, DKIM_TOKEN],
    "SigningAttributesOrigin": "AWS_SES",
    "NextSigningKeyLength": "RSA_2048_BIT",
    "CurrentSigningKeyLength": "RSA_2048_BIT",
    "LastKeyGenerationTimestamp": NOW,
}
# Choice: an address identity has no DKIM of its own; SES signs it through its
# domain's identity, so its own record is disabled with no tokens.
ADDRESS_DKIM = {
    "SigningEnabled": False,
    "Status": "NOT_STARTED",
    "Tokens": [],
    "SigningAttributesOrigin": "AWS_SES",
}
VERIFIED = {"LastCheckedTimestamp": NOW, "LastSuccessTimestamp": NOW}
IDENTITY_DEFAULTS = {
    "FeedbackForwardingStatus": True,
    "VerifiedForSendingStatus": True,
    # Without a custom MAIL FROM domain SES still reports the MX-failure behaviour.
    "MailFromAttributes": {"BehaviorOnMxFailure": "USE_DEFAULT_VALUE"},
    "Policies": {},
    "Tags": [],
    "VerificationStatus": "SUCCESS",
    # Choice: VerificationInfo for addresses too; the reference describes it
    # for any identity and is silent on which kinds carry it.
    "VerificationInfo": VERIFIED,
}
CONFIG_SET_DEFAULTS = {
    "ConfigurationSetName": "cs",
    "DeliveryOptions": {"TlsPolicy": "OPTIONAL"},
    "ReputationOptions": {"ReputationMetricsEnabled": False},
    "SendingOptions": {"SendingEnabled": True},
    "Tags": [],
}
SEEDED_IP = {"WarmupStatus": "DONE", "WarmupPercentage": 100, "PoolName": DEFAULT_POOL}
TENANT_INFO = {
    "TenantName": "acme",
    "TenantId": UUID,
    "TenantArn": f"{ARN}:tenant/acme",
    "CreatedTimestamp": NOW,
    "SendingStatus": "ENABLED",
}
UNTOUCHED_ENTITY = {
    **ENTITY,
    "ReputationManagementPolicy": "arn:aws:ses:us-east-1:aws:reputation-policy/none",
    "CustomerManagedStatus": {"Status": "ENABLED"},
    "AwsSesManagedStatus": {"Status": "ENABLED"},
    "SendingStatusAggregate": "ENABLED",
}


@dataclass(frozen=True)
class Case:
    op: str
    params: dict[str, Any]
    body: dict[str, Any]
    setup: tuple[Step, ...] = ()
    name: str = field(default="")

    @property
    def id(self) -> str:
        return f"{self.op}-{self.name}" if self.name else self.op


# A case with an empty body and no comment of its own is an operation whose API
# reference Response Syntax is a bare "HTTP/1.1 200": SES answers "{}".
CASES = [
    # --------------------------------------------------------------- sending
    # API reference SendEmail: MessageId only.
    Case(
        "SendEmail",
        {"FromEmailAddress": "sender@example.com", "Destination": TO_SIMULATOR, "Content": SIMPLE},
        {"MessageId": MESSAGE_ID},
        (ADDRESS,),
    ),
    # API reference SendEmail: a templated send answers the same way.
    Case(
        "SendEmail",
        {
            "FromEmailAddress": "sender@example.com",
            "Destination": TO_SIMULATOR,
            "Content": {"Template": {"TemplateName": "welcome", "TemplateData": "{}"}},
        },
        {"MessageId": MESSAGE_ID},
        (ADDRESS, TEMPLATE),
        "templated",
    ),
    # API reference SendBulkEmail, BulkEmailEntryResult: Error only for a failed entry.
    Case(
        "SendBulkEmail",
        {
            "FromEmailAddress": "sender@example.com",
            "DefaultContent": {"Template": {"TemplateName": "welcome", "TemplateData": "{}"}},
            "BulkEmailEntries": [{"Destination": TO_SIMULATOR}],
        },
        {"BulkEmailEntryResults": [{"Status": "SUCCESS", "MessageId": MESSAGE_ID}]},
        (ADDRESS, TEMPLATE),
    ),
    # ------------------------------------------------------------- templates
    # API reference CreateEmailTemplate / UpdateEmailTemplate / DeleteEmailTemplate:
    # empty bodies.
    Case("CreateEmailTemplate", TEMPLATE[1], {}),
    Case(
        "UpdateEmailTemplate",
        {"TemplateName": "welcome", "TemplateContent": {"Subject": "New"}},
        {},
        (TEMPLATE,),
    ),
    Case("DeleteEmailTemplate", {"TemplateName": "welcome"}, {}, (TEMPLATE,)),
    # API reference GetEmailTemplate. Choice: Tags [] for an untagged template, as
    # identities and configuration sets show it.
    Case(
        "GetEmailTemplate",
        {"TemplateName": "welcome"},
        {"TemplateName": "welcome", "TemplateContent": TEMPLATE[1]["TemplateContent"], "Tags": []},
        (TEMPLATE,),
    ),
    # API reference ListEmailTemplates, EmailTemplateMetadata.
    Case(
        "ListEmailTemplates",
        {},
        {"TemplatesMetadata": [{"TemplateName": "welcome", "CreatedTimestamp": NOW}]},
        (TEMPLATE,),
    ),
    Case("ListEmailTemplates", {}, {"TemplatesMetadata": []}, (), "empty"),
    # API reference TestRenderEmailTemplate: the whole MIME message.
    Case(
        "TestRenderEmailTemplate",
        {"TemplateName": "welcome", "TemplateData": '{"name": "Ann"}'},
        {"RenderedTemplate": MIME},
        (TEMPLATE,),
    ),
    # ------------------------------------------------------------ identities
    # API reference CreateEmailIdentity; developer guide "Easy DKIM": three tokens,
    # 2048-bit keys by default.
    Case(
        "CreateEmailIdentity",
        DOMAIN[1],
        {"IdentityType": "DOMAIN", "VerifiedForSendingStatus": True, "DkimAttributes": DOMAIN_DKIM},
    ),
    Case(
        "CreateEmailIdentity",
        ADDRESS[1],
        {
            "IdentityType": "EMAIL_ADDRESS",
            "VerifiedForSendingStatus": True,
            "DkimAttributes": ADDRESS_DKIM,
        },
        (),
        "address",
    ),
    # API reference GetEmailIdentity; developer guide "Feedback forwarding" (on by
    # default). ConfigurationSetName only when one is set.
    Case(
        "GetEmailIdentity",
        {"EmailIdentity": "example.com"},
        {"IdentityType": "DOMAIN", "DkimAttributes": DOMAIN_DKIM, **IDENTITY_DEFAULTS},
        (DOMAIN,),
    ),
    Case(
        "GetEmailIdentity",
        {"EmailIdentity": "sender@example.com"},
        {"IdentityType": "EMAIL_ADDRESS", "DkimAttributes": ADDRESS_DKIM, **IDENTITY_DEFAULTS},
        (ADDRESS,),
        "address",
    ),
    # API reference MailFromAttributes: all three members once a domain is set.
    Case(
        "GetEmailIdentity",
        {"EmailIdentity": "example.com"},
        {
            "IdentityType": "DOMAIN",
            "DkimAttributes": DOMAIN_DKIM,
            **IDENTITY_DEFAULTS,
            "MailFromAttributes": {
                "MailFromDomain": "bounce.example.com",
                "MailFromDomainStatus": "SUCCESS",
                "BehaviorOnMxFailure": "USE_DEFAULT_VALUE",
            },
        },
        (DOMAIN, MAIL_FROM),
        "mail-from",
    ),
    Case("DeleteEmailIdentity", {"EmailIdentity": "example.com"}, {}, (DOMAIN,)),
    # API reference ListEmailIdentities, IdentityInfo.
    Case(
        "ListEmailIdentities",
        {},
        {
            "EmailIdentities": [
                {
                    "IdentityType": "DOMAIN",
                    "IdentityName": "example.com",
                    "SendingEnabled": True,
                    "VerificationStatus": "SUCCESS",
                }
            ]
        },
        (DOMAIN,),
    ),
    Case("ListEmailIdentities", {}, {"EmailIdentities": []}, (), "empty"),
    # API reference PutEmailIdentityDkimSigningAttributes: status and tokens.
    Case(
        "PutEmailIdentityDkimSigningAttributes",
        {"EmailIdentity": "example.com", "SigningAttributesOrigin": "AWS_SES"},
        {"DkimStatus": "SUCCESS", "DkimTokens": [DKIM_TOKEN, DKIM_TOKEN, DKIM_TOKEN]},
        (DOMAIN,),
    ),
    # API reference PutEmailIdentityMailFromAttributes / PutEmailIdentityDkimAttributes.
    Case("PutEmailIdentityMailFromAttributes", MAIL_FROM[1], {}, (DOMAIN,)),
    Case(
        "PutEmailIdentityDkimAttributes",
        {"EmailIdentity": "example.com", "SigningEnabled": False},
        {},
        (DOMAIN,),
    ),
    # ---------------------------------------------------- configuration sets
    Case("CreateConfigurationSet", CONFIG_SET[1], {}),
    # API reference GetConfigurationSet; developer guide "Configuration sets": TLS
    # optional, sending on, reputation metrics off; unset groups are left out.
    Case("GetConfigurationSet", {"ConfigurationSetName": "cs"}, CONFIG_SET_DEFAULTS, (CONFIG_SET,)),
    Case(
        "GetConfigurationSet",
        {"ConfigurationSetName": "cs"},
        {**CONFIG_SET_DEFAULTS, "SendingOptions": {"SendingEnabled": False}},
        (
            CONFIG_SET,
            ("PutConfigurationSetSendingOptions", {"ConfigurationSetName": "cs"}),
            # A group put with nothing in it stays out of the answer.
            ("PutConfigurationSetTrackingOptions", {"ConfigurationSetName": "cs"}),
        ),
        "after-puts",
    ),
    Case("DeleteConfigurationSet", {"ConfigurationSetName": "cs"}, {}, (CONFIG_SET,)),
    # API reference ListConfigurationSets: names only.
    Case("ListConfigurationSets", {}, {"ConfigurationSets": ["cs"]}, (CONFIG_SET,)),
    Case("ListConfigurationSets", {}, {"ConfigurationSets": []}, (), "empty"),
    Case("CreateConfigurationSetEventDestination", SNS_DESTINATION[1], {}, (CONFIG_SET,)),
    # API reference GetConfigurationSetEventDestinations, EventDestination.
    Case(
        "GetConfigurationSetEventDestinations",
        {"ConfigurationSetName": "cs"},
        {"EventDestinations": [{"Name": "to-sns", **SNS_DESTINATION[1]["EventDestination"]}]},
        (CONFIG_SET, SNS_DESTINATION),
    ),
    Case(
        "GetConfigurationSetEventDestinations",
        {"ConfigurationSetName": "cs"},
        {"EventDestinations": []},
        (CONFIG_SET,),
        "none",
    ),
    # ----------------------------------------------------------- suppression
    Case("PutSuppressedDestination", SUPPRESSED[1], {}),
    # API reference GetSuppressedDestination, SuppressedDestination. Choice:
    # Attributes {} for an address put by hand (no message or feedback id).
    Case(
        "GetSuppressedDestination",
        {"EmailAddress": "gone@example.com"},
        {
            "SuppressedDestination": {
                "EmailAddress": "gone@example.com",
                "Reason": "BOUNCE",
                "LastUpdateTime": NOW,
                "Attributes": {},
            }
        },
        (SUPPRESSED,),
    ),
    Case("DeleteSuppressedDestination", {"EmailAddress": "gone@example.com"}, {}, (SUPPRESSED,)),
    # API reference ListSuppressedDestinations, SuppressedDestinationSummary.
    Case(
        "ListSuppressedDestinations",
        {},
        {
            "SuppressedDestinationSummaries": [
                {"EmailAddress": "gone@example.com", "Reason": "BOUNCE", "LastUpdateTime": NOW}
            ]
        },
        (SUPPRESSED,),
    ),
    Case("ListSuppressedDestinations", {}, {"SuppressedDestinationSummaries": []}, (), "empty"),
    # --------------------------------------------------------------- account
    # API reference GetAccount; developer guide "account-level suppression list"
    # (bounces and complaints for new accounts). Details only after
    # PutAccountDetails; VdmAttributes DISABLED until VDM is turned on (choice).
    Case(
        "GetAccount",
        {},
        {
            "DedicatedIpAutoWarmupEnabled": True,
            "EnforcementStatus": "HEALTHY",
            "ProductionAccessEnabled": True,
            "SendQuota": {"Max24HourSend": 50000.0, "MaxSendRate": 14.0, "SentLast24Hours": 0.0},
            "SendingEnabled": True,
            "SuppressionAttributes": {"SuppressedReasons": ["BOUNCE", "COMPLAINT"]},
            "VdmAttributes": {"VdmEnabled": "DISABLED"},
        },
    ),
    Case("PutAccountSendingAttributes", {"SendingEnabled": True}, {}),
    # ---------------------------------------------------------- dedicated IPs
    Case("CreateDedicatedIpPool", POOL[1], {}),
    # API reference GetDedicatedIpPool, DedicatedIpPool: STANDARD unless MANAGED asked.
    Case(
        "GetDedicatedIpPool",
        {"PoolName": "pool"},
        {"DedicatedIpPool": {"PoolName": "pool", "ScalingMode": "STANDARD"}},
        (POOL,),
    ),
    Case("DeleteDedicatedIpPool", {"PoolName": "pool"}, {}, (POOL,)),
    # API reference ListDedicatedIpPools; developer guide "dedicated IP pools":
    # addresses in no pool of yours are in ses-default-dedicated-pool.
    Case("ListDedicatedIpPools", {}, {"DedicatedIpPools": [DEFAULT_POOL, "pool"]}, (POOL,)),
    Case("ListDedicatedIpPools", {}, {"DedicatedIpPools": [DEFAULT_POOL]}, (), "fresh"),
    # API reference GetDedicatedIps / GetDedicatedIp, DedicatedIp. Choice: the
    # local account has three warmed-up test-net addresses.
    Case("GetDedicatedIps", {}, {"DedicatedIps": [{"Ip": ip, **SEEDED_IP} for ip in SEED_IPS]}),
    Case("GetDedicatedIp", {"Ip": SEED_IPS[0]}, {"DedicatedIp": {"Ip": SEED_IPS[0], **SEEDED_IP}}),
    # --------------------------------------------------------- contact lists
    Case("CreateContactList", CONTACT_LIST[1], {}),
    # API reference GetContactList. Choice: Topics [] and Tags [] when none were
    # given; Description only when set.
    Case(
        "GetContactList",
        {"ContactListName": "news"},
        {
            "ContactListName": "news",
            "Topics": [WEEKLY],
            "CreatedTimestamp": NOW,
            "LastUpdatedTimestamp": NOW,
            "Tags": [],
        },
        (CONTACT_LIST,),
    ),
    Case(
        "GetContactList",
        {"ContactListName": "bare"},
        {
            "ContactListName": "bare",
            "Topics": [],
            "CreatedTimestamp": NOW,
            "LastUpdatedTimestamp": NOW,
            "Tags": [],
        },
        (BARE_CONTACT_LIST,),
        "bare",
    ),
    # API reference ListContactLists, ContactList.
    Case(
        "ListContactLists",
        {},
        {"ContactLists": [{"ContactListName": "news", "LastUpdatedTimestamp": NOW}]},
        (CONTACT_LIST,),
    ),
    Case("ListContactLists", {}, {"ContactLists": []}, (), "empty"),
    Case("UpdateContactList", {"ContactListName": "news", "Description": "d"}, {}, (CONTACT_LIST,)),
    Case("DeleteContactList", {"ContactListName": "news"}, {}, (CONTACT_LIST,)),
    Case("CreateContact", CONTACT[1], {}, (CONTACT_LIST,)),
    # API reference GetContact: the list's topic defaults for topics the contact
    # did not set; UnsubscribeAll false; AttributesData only when set.
    Case(
        "GetContact",
        {"ContactListName": "news", "EmailAddress": "ann@example.com"},
        {
            "ContactListName": "news",
            "EmailAddress": "ann@example.com",
            "TopicPreferences": [],
            "TopicDefaultPreferences": [{"TopicName": "weekly", "SubscriptionStatus": "OPT_IN"}],
            "UnsubscribeAll": False,
            "CreatedTimestamp": NOW,
            "LastUpdatedTimestamp": NOW,
        },
        (CONTACT_LIST, CONTACT),
    ),
    # API reference ListContacts, Contact.
    Case(
        "ListContacts",
        {"ContactListName": "news"},
        {
            "Contacts": [
                {
                    "EmailAddress": "ann@example.com",
                    "TopicPreferences": [],
                    "TopicDefaultPreferences": [
                        {"TopicName": "weekly", "SubscriptionStatus": "OPT_IN"}
                    ],
                    "UnsubscribeAll": False,
                    "LastUpdatedTimestamp": NOW,
                }
            ]
        },
        (CONTACT_LIST, CONTACT),
    ),
    Case("ListContacts", {"ContactListName": "news"}, {"Contacts": []}, (CONTACT_LIST,), "empty"),
    Case(
        "UpdateContact",
        {**CONTACT[1], "UnsubscribeAll": True},
        {},
        (CONTACT_LIST, CONTACT),
    ),
    Case(
        "DeleteContact",
        {"ContactListName": "news", "EmailAddress": "ann@example.com"},
        {},
        (CONTACT_LIST, CONTACT),
    ),
    # --------------------------------------------------------------- tenants
    # API reference CreateTenant / GetTenant, Tenant: SendingStatus ENABLED, Tags []
    # (choice, as for other taggable resources); SuppressionAttributes only when set.
    Case("CreateTenant", TENANT[1], {**TENANT_INFO, "Tags": []}),
    Case("GetTenant", {"TenantName": "acme"}, {"Tenant": {**TENANT_INFO, "Tags": []}}, (TENANT,)),
    # API reference ListTenants, TenantInfo.
    Case("ListTenants", {}, {"Tenants": [TENANT_INFO]}, (TENANT,)),
    Case("ListTenants", {}, {"Tenants": []}, (), "empty"),
    Case("CreateTenantResourceAssociation", ASSOCIATION[1], {}, (TENANT, CONFIG_SET)),
    # API reference ListTenantResources, TenantResource.
    Case(
        "ListTenantResources",
        {"TenantName": "acme"},
        {
            "TenantResources": [
                {"ResourceType": "CONFIGURATION_SET", "ResourceArn": f"{ARN}:configuration-set/cs"}
            ]
        },
        (TENANT, CONFIG_SET, ASSOCIATION),
    ),
    Case(
        "ListTenantResources", {"TenantName": "acme"}, {"TenantResources": []}, (TENANT,), "empty"
    ),
    # API reference ListResourceTenants, ResourceTenantMetadata.
    Case(
        "ListResourceTenants",
        {"ResourceArn": f"{ARN}:configuration-set/cs"},
        {
            "ResourceTenants": [
                {
                    "TenantName": "acme",
                    "TenantId": UUID,
                    "ResourceArn": f"{ARN}:configuration-set/cs",
                    "AssociatedTimestamp": NOW,
                }
            ]
        },
        (TENANT, CONFIG_SET, ASSOCIATION),
    ),
    Case("DeleteTenantResourceAssociation", ASSOCIATION[1], {}, (TENANT, CONFIG_SET, ASSOCIATION)),
    Case("DeleteTenant", {"TenantName": "acme"}, {}, (TENANT,)),
    Case("PutTenantSuppressionAttributes", TENANT_SUPPRESSION[1], {}, (TENANT,)),
    # API reference GetTenant, TenantSuppressionAttributes: present once put.
    Case(
        "GetTenant",
        {"TenantName": "acme"},
        {
            "Tenant": {
                **TENANT_INFO,
                "Tags": [],
                "SuppressionAttributes": {
                    "SuppressedReasons": ["BOUNCE"],
                    "SuppressionScope": "TENANT",
                },
            }
        },
        (TENANT, TENANT_SUPPRESSION),
        "suppression",
    ),
    # ------------------------------------------------ multi-region endpoints
    # API reference CreateMultiRegionEndpoint. Choice: the local endpoint is READY
    # at once (SES answers CREATING, then READY).
    Case("CreateMultiRegionEndpoint", ENDPOINT[1], {"Status": "READY", "EndpointId": UUID}),
    # API reference GetMultiRegionEndpoint, Route: the primary region first.
    Case(
        "GetMultiRegionEndpoint",
        {"EndpointName": "global"},
        {
            "EndpointName": "global",
            "EndpointId": UUID,
            "Routes": [{"Region": "us-east-1"}, {"Region": "us-west-2"}],
            "Status": "READY",
            "CreatedTimestamp": NOW,
            "LastUpdatedTimestamp": NOW,
        },
        (ENDPOINT,),
    ),
    # API reference ListMultiRegionEndpoints, MultiRegionEndpoint.
    Case(
        "ListMultiRegionEndpoints",
        {},
        {
            "MultiRegionEndpoints": [
                {
                    "EndpointName": "global",
                    "Status": "READY",
                    "EndpointId": UUID,
                    "Regions": ["us-east-1", "us-west-2"],
                    "CreatedTimestamp": NOW,
                    "LastUpdatedTimestamp": NOW,
                }
            ]
        },
        (ENDPOINT,),
    ),
    Case("ListMultiRegionEndpoints", {}, {"MultiRegionEndpoints": []}, (), "empty"),
    # API reference DeleteMultiRegionEndpoint: the endpoint is DELETING.
    Case(
        "DeleteMultiRegionEndpoint", {"EndpointName": "global"}, {"Status": "DELETING"}, (ENDPOINT,)
    ),
    # ------------------------------------------------------------ reputation
    # API reference GetReputationEntity, ReputationEntity, StatusRecord. Choice
    # (docs silent on defaults): the "none" policy, both records ENABLED, no
    # ReputationImpact while there are no findings.
    Case("GetReputationEntity", ENTITY, {"ReputationEntity": UNTOUCHED_ENTITY}),
    # API reference UpdateReputationEntityCustomerManagedStatus: the aggregate is
    # DISABLED when either record is.
    Case(
        "GetReputationEntity",
        ENTITY,
        {
            "ReputationEntity": {
                **UNTOUCHED_ENTITY,
                "CustomerManagedStatus": {"Status": "DISABLED", "LastUpdatedTimestamp": NOW},
                "SendingStatusAggregate": "DISABLED",
            }
        },
        (ENTITY_PAUSED,),
        "paused",
    ),
    Case("UpdateReputationEntityCustomerManagedStatus", ENTITY_PAUSED[1], {}),
    Case(
        "UpdateReputationEntityPolicy",
        {**ENTITY, "ReputationEntityPolicy": "arn:aws:ses:us-east-1:aws:reputation-policy/strict"},
        {},
    ),
    # API reference ListReputationEntities.
    Case(
        "ListReputationEntities",
        {},
        {
            "ReputationEntities": [
                {
                    **UNTOUCHED_ENTITY,
                    "CustomerManagedStatus": {"Status": "DISABLED", "LastUpdatedTimestamp": NOW},
                    "SendingStatusAggregate": "DISABLED",
                }
            ]
        },
        (ENTITY_PAUSED,),
    ),
    Case("ListReputationEntities", {}, {"ReputationEntities": []}, (), "empty"),
]


# ------------------------------------------------------------- the client


class RawBodies:
    """A boto3 client that also keeps the raw JSON body of the last answer."""

    def __init__(self, server: LocalServer) -> None:
        self.client = make_boto3_client(server)
        self.last: bytes = b""
        self.client.meta.events.register("before-parse.sesv2.*", self._keep)

    def _keep(self, response_dict: dict[str, Any], **_: Any) -> None:
        self.last = bytes(response_dict["body"])

    def call(self, op: str, params: dict[str, Any]) -> Any:
        """The decoded body of ``op``'s answer (ClientError when SES would refuse)."""
        getattr(self.client, botocore.xform_name(op))(**params)
        return json.loads(self.last or b"{}")


@pytest.fixture(scope="module")
def ses(server: LocalServer) -> RawBodies:
    return RawBodies(server)


def _problems(op: str, body: Any) -> list[str]:
    output = SERVICE.operation_model(op).output_shape
    if output is None:
        return [] if body == {} else [f"{op}: a body for an operation without output"]
    return wire_problems(body, output)


# ------------------------------------------------------------------ tests


def test_the_table_covers_the_operations_it_is_meant_to() -> None:
    covered = {case.op for case in CASES}
    seed = {
        "SendEmail", "SendBulkEmail", "CreateEmailTemplate", "GetEmailTemplate",
        "UpdateEmailTemplate", "DeleteEmailTemplate", "ListEmailTemplates",
        "TestRenderEmailTemplate", "CreateEmailIdentity", "GetEmailIdentity",
        "DeleteEmailIdentity", "ListEmailIdentities", "PutEmailIdentityDkimSigningAttributes",
        "PutEmailIdentityMailFromAttributes", "CreateConfigurationSet", "GetConfigurationSet",
        "DeleteConfigurationSet", "ListConfigurationSets",
        "CreateConfigurationSetEventDestination", "PutSuppressedDestination",
        "GetSuppressedDestination", "DeleteSuppressedDestination",
        "ListSuppressedDestinations", "GetAccount", "PutAccountSendingAttributes",
        "CreateDedicatedIpPool", "DeleteDedicatedIpPool", "ListDedicatedIpPools",
        "GetConfigurationSetEventDestinations", "PutEmailIdentityDkimAttributes",
        "GetDedicatedIps",
    }  # fmt: skip
    families = {
        op
        for op in SERVICE.operation_names
        if re.search(r"Contact|Tenant|MultiRegionEndpoint|ReputationEntit", op)
    }
    assert seed | families <= covered, sorted((seed | families) - covered)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_response_members(case: Case, ses: RawBodies, server: LocalServer) -> None:
    admin(server, "DELETE", "/_aws/ses/state")
    for op, params in case.setup:
        ses.call(op, params)
    body = ses.call(case.op, case.params)
    assert sorted(body) == sorted(case.body), "top-level members"
    assert body == case.body
    assert _problems(case.op, body) == []


def test_the_validator_catches_typos_and_wrong_types() -> None:
    output = SERVICE.operation_model("GetEmailIdentity").output_shape
    good = {"IdentityType": "DOMAIN", "Policies": {}, "DkimAttributes": {"Tokens": ["t"]}}
    assert wire_problems(good, output) == []
    bad = {
        "IdentityTyp": "DOMAIN",
        "FeedbackForwardingStatus": "true",
        "DkimAttributes": {"Tokens": "t", "LastKeyGenerationTimestamp": "2024-01-01"},
        "MailFromAttributes": {"BehaviorOnMxFailure": "USE_DEFAULT"},
        "Tags": [{"Key": "k"}],
    }
    problems = wire_problems(bad, output)
    for fragment in (
        ".IdentityTyp: not a member",
        ".FeedbackForwardingStatus: expected a boolean",
        ".DkimAttributes.Tokens: expected a list",
        ".DkimAttributes.LastKeyGenerationTimestamp: expected a number",
        ".MailFromAttributes.BehaviorOnMxFailure: 'USE_DEFAULT' is not one of",
        ".Tags[0].Value: required member missing",
    ):
        assert any(fragment in p for p in problems), (fragment, problems)
    assert len(problems) == 6


# Operations in an order that lets most succeed on one state: creators first,
# readers in the middle, destroyers last; parents before children on the way
# in, children before parents on the way out.
_PHASES = (
    "Create",
    "Associate",
    "Put",
    "Update",
    "Tag",
    "Send",
    "Test",
    "Get",
    "List",
    "Batch",
    "Untag",
    "Cancel",
    "Delete",
    "Disassociate",
)
_FIRST_IN_PHASE = {
    "CreateContactList",
    "DeleteContact",
    "DeleteConfigurationSetEventDestination",
    "DeleteEmailIdentityPolicy",
    "DeleteTenantResourceAssociation",
}
# What minimal input lacks for these to succeed.
_MORE_INPUT: dict[str, dict[str, Any]] = {
    "CreateDedicatedIpPool": {"PoolName": "smoke-pool"},
    "CreateImportJob": {"ImportDataSource": {"S3Url": "s3://bucket/list.csv", "DataFormat": "CSV"}},
    "AssociateEmailIdentityCertificate": {
        "CertificateArn": f"arn:aws:acm:us-east-1:{ACCOUNT}:certificate/smoke",
    },
    "PutAccountSendingAttributes": {"SendingEnabled": True},
    "SendEmail": {
        "FromEmailAddress": "sender@example.com",
        "Destination": TO_SIMULATOR,
        "Content": SIMPLE,
    },
    "SendBulkEmail": {
        "FromEmailAddress": "sender@example.com",
        "DefaultContent": {"Template": {"TemplateName": "smoke", "TemplateData": "{}"}},
        "BulkEmailEntries": [{"Destination": TO_SIMULATOR}],
    },
}
# Ids the server generates, passed on to the operations that name them.
_GENERATED = ("JobId", "ReportId", "MessageId")


def _phase(op: str) -> tuple[int, int, str]:
    phase = next(i for i, p in enumerate(_PHASES) if op.startswith(p))
    return phase, 0 if op in _FIRST_IN_PHASE else 1, op


def test_every_operation_answers_in_the_models_shape(ses: RawBodies, server: LocalServer) -> None:
    admin(server, "DELETE", "/_aws/ses/state")
    ses.call("CreateEmailIdentity", {"EmailIdentity": "sender@example.com"})
    generated: dict[tuple[str, str], str] = {}  # (member, Import/Export) -> id SES made
    answered: list[str] = []
    problems: list[str] = []
    refused: list[tuple[str, int]] = []
    for op in sorted(SERVICE.operation_names, key=_phase):
        params = {**minimal_input(op), **_MORE_INPUT.get(op, {})}
        kind = "Import" if "Import" in op else "Export" if "Export" in op else ""
        for member in _GENERATED:
            if member in params and (member, kind) in generated:
                params[member] = generated[(member, kind)]
        try:
            body = ses.call(op, params)
        except ClientError as exc:
            refused.append((op, exc.response["ResponseMetadata"]["HTTPStatusCode"]))
            continue
        for member in _GENERATED:
            if member in body:
                generated[(member, kind)] = body[member]
        answered.append(op)
        problems.extend(f"{op}: {p}" for p in _problems(op, body))
    assert problems == []
    assert [(op, status) for op, status in refused if status >= 500] == []
    # Every operation succeeds in this sequence, so every body was checked.
    assert sorted(answered) == sorted(SERVICE.operation_names)
