"""Redaction of parameters, URLs and free text."""

from __future__ import annotations

from aws_ses._generated.types import Destination
from aws_ses.observability.redact import redact_params, redact_text, redact_url, redact_userinfo


def test_send_email_params() -> None:
    params = {
        "FromEmailAddress": "me@example.com",
        "Destination": Destination(to_addresses=["ann@example.org"]),
        "ReplyToAddresses": ["reply@example.com"],
        "Content": {
            "Simple": {
                "Subject": {"Data": "Quarterly numbers", "Charset": "UTF-8"},
                "Body": {"Html": {"Data": "<p>hi Ann</p>"}},
                "Headers": [{"Name": "X-Campaign", "Value": "ann's campaign"}],
            }
        },
        "ConfigurationSetName": "marketing",
        "EmailTags": [{"Name": "kind", "Value": "promo"}],
    }
    out = redact_params("send_email", params)
    assert out["FromEmailAddress"] == "***"
    assert out["Destination"] == {"ToAddresses": ["***"]}
    assert out["ReplyToAddresses"] == ["***"]
    simple = out["Content"]["Simple"]
    assert simple["Subject"] == {"Data": "***", "Charset": "UTF-8"}
    assert simple["Body"]["Html"]["Data"] == "***"
    assert simple["Headers"] == [{"Name": "X-Campaign", "Value": "***"}]
    assert out["ConfigurationSetName"] == "marketing"
    assert out["EmailTags"] == [{"Name": "kind", "Value": "promo"}]


def test_raw_and_template_content() -> None:
    raw = b"To: ann@example.org\r\nSubject: hi\r\n\r\nbody"
    out = redact_params("send_email", {"Content": {"Raw": {"Data": raw}}})
    assert out["Content"]["Raw"]["Data"] == f"<{len(raw)} bytes>"
    template = {"TemplateName": "t", "TemplateData": '{"name": "Ann"}'}
    replacement = {"ReplacementTemplate": {"ReplacementTemplateData": "{}"}}
    entry = {
        "Destination": {"ToAddresses": ["ann@example.org"]},
        "ReplacementEmailContent": replacement,
    }
    out = redact_params(
        "send_bulk_email",
        {"DefaultContent": {"Template": template}, "BulkEmailEntries": [entry]},
    )
    assert out["DefaultContent"]["Template"] == {"TemplateName": "t", "TemplateData": "***"}
    assert out["BulkEmailEntries"][0]["Destination"] == {"ToAddresses": ["***"]}
    masked = out["BulkEmailEntries"][0]["ReplacementEmailContent"]["ReplacementTemplate"]
    assert masked["ReplacementTemplateData"] == "***"


def test_private_keys_are_masked_even_when_sensitive_is_allowed() -> None:
    params = {
        "EmailIdentity": "example.com",
        "DkimSigningAttributes": {"DomainSigningSelector": "s1", "DomainSigningPrivateKey": "MIIE"},
    }
    out = redact_params("create_email_identity", params, sensitive=True)
    assert out["DkimSigningAttributes"]["DomainSigningPrivateKey"] == "***"
    assert out["DkimSigningAttributes"]["DomainSigningSelector"] == "s1"


def test_free_text_and_urls() -> None:
    assert redact_text("failed for ann@example.org, bob@mail.example.com.") == (
        "failed for ***@example.org, ***@mail.example.com."
    )
    assert redact_text("no address here") == "no address here"
    url = "https://email.us-east-1.amazonaws.com/v2/email/suppression/addresses/ann%40example.org"
    assert redact_url(url).endswith("/addresses/***@example.org")
    out = redact_params("get_suppressed_destination", {"EmailAddress": "ann@example.org"})
    assert out == {"EmailAddress": "***"}
    out = redact_params("get_email_identity", {"EmailIdentity": "ann@example.org"})
    assert out == {"EmailIdentity": "***@example.org"}
    assert redact_userinfo("redis://:hunter2@cache:6379/0") == "redis://***@cache:6379/0"
