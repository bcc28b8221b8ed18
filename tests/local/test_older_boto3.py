"""boto3 at the pinned version and an older boto3/botocore whose sesv2 model
still sends ``GET /v2/email/identities`` and ``GET /v2/email/configuration-sets``
both list identities and configuration sets against the server.

The older release lives in its own virtual environment, built once and kept
under the system temporary directory (``AWS_SES_TEST_CACHE`` overrides it).
Where it cannot be built (no package index) the test is skipped locally and
fails on CI (``CI=true``), so a missing environment never passes unseen.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path
from typing import Any

import pytest

from aws_ses.local import LocalServer

OLD_BOTOCORE = "1.34.162"  # sesv2 model of 2024: ListEmailIdentities is GET /v2/email/identities
CACHE = Path(os.environ.get("AWS_SES_TEST_CACHE", Path(tempfile.gettempdir()) / "aws-ses-tests"))

pytestmark = pytest.mark.usefixtures("reset")

_SCRIPT = textwrap.dedent(
    """
    import json, sys
    import boto3, botocore
    url = sys.argv[1]
    client = boto3.client(
        "sesv2", endpoint_url=url, region_name="us-east-1",
        aws_access_key_id="test", aws_secret_access_key="test",
    )
    model = client.meta.service_model
    identities = client.list_email_identities(PageSize=1)
    following = client.list_email_identities(PageSize=1, NextToken=identities["NextToken"])
    print(json.dumps({
        "botocore": botocore.__version__,
        "routes": [model.operation_model(n).http for n in
                   ("ListEmailIdentities", "ListConfigurationSets")],
        "identities": [i["IdentityName"] for i in identities["EmailIdentities"]
                       + following["EmailIdentities"]],
        "sets": client.list_configuration_sets()["ConfigurationSets"],
    }))
    """
)


def _fail_or_skip(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"the older-boto3 environment is required on CI: {reason}")
    pytest.skip(reason)


def _old_boto3_python() -> Path:
    venv = CACHE / f"boto3-{OLD_BOTOCORE}"
    python = venv / "bin" / "python"
    marker = venv / ".complete"
    if marker.exists() and python.exists():
        return python
    try:
        subprocess.run(
            [sys.executable, "-m", "venv", "--clear", str(venv)],
            check=True,
            capture_output=True,
            timeout=120,
        )
        subprocess.run(
            [
                str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                f"boto3=={OLD_BOTOCORE}", f"botocore=={OLD_BOTOCORE}",
            ],
            check=True,
            capture_output=True,
            timeout=600,
        )  # fmt: skip
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as exc:
        detail = getattr(exc, "stderr", b"") or b""
        _fail_or_skip(f"could not build it: {exc} {detail[-500:]!r}")
    marker.write_text(OLD_BOTOCORE)
    return python


def _seed(boto3_client: Any) -> None:
    boto3_client.create_email_identity(EmailIdentity="one.example.com")
    boto3_client.create_email_identity(EmailIdentity="two@example.com")
    boto3_client.create_configuration_set(ConfigurationSetName="tracked")


def test_pinned_boto3_lists_with_the_current_routes(boto3_client: Any) -> None:
    _seed(boto3_client)
    model = boto3_client.meta.service_model
    assert model.operation_model("ListEmailIdentities").http["method"] == "POST"
    names = [i["IdentityName"] for i in boto3_client.list_email_identities()["EmailIdentities"]]
    assert names == ["one.example.com", "two@example.com"]
    assert boto3_client.list_configuration_sets()["ConfigurationSets"] == ["tracked"]


def test_older_boto3_lists_with_the_get_routes(server: LocalServer, boto3_client: Any) -> None:
    python = _old_boto3_python()
    _seed(boto3_client)
    result = subprocess.run(
        [str(python), "-c", _SCRIPT, server.url],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={"PATH": os.environ.get("PATH", ""), "AWS_EC2_METADATA_DISABLED": "true"},
    )
    assert result.returncode == 0, result.stderr[-2000:]
    seen = json.loads(result.stdout)
    assert seen["botocore"] == OLD_BOTOCORE
    assert seen["routes"] == [
        {"method": "GET", "requestUri": "/v2/email/identities"},
        {"method": "GET", "requestUri": "/v2/email/configuration-sets"},
    ]
    assert seen["identities"] == ["one.example.com", "two@example.com"]
    assert seen["sets"] == ["tracked"]
