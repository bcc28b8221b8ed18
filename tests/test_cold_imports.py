"""Cold start: what importing, building a client and a first send load, and what they must not.

The cold-start target (docs/benchmarks.md) is met by loading each piece only
when it is needed; these tests pin that down, so a new eager import shows up
here rather than as a slower benchmark.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from aws_ses._lazy import LazyLogger

SRC = str(Path(__file__).resolve().parents[1] / "src")

# Loaded only once the credential chain reaches their provider.
LAZY_AUTH = [
    "aws_ses.auth.assume_role",
    "aws_ses.auth.container",
    "aws_ses.auth.http",
    "aws_ses.auth.imds",
    "aws_ses.auth.process",
    "aws_ses.auth.sso",
    "aws_ses.auth.sts",
    "aws_ses.auth.web_identity",
]
# What a plain send from a client with keys in the environment never needs.
NEVER_ON_A_PLAIN_SEND = [
    *LAZY_AUTH,
    "subprocess",
    "tempfile",
    "shutil",
    "xml.etree.ElementTree",
    "opentelemetry",
    "logging",
    "pathlib",
    "shlex",
    "random",
    "hashlib",
    "_hashlib",
    "hmac",
    "json",
    "ssl",
    "asyncio",
    "email",
    "email_validator",
    "aws_ses.mime",
    "aws_ses.signing.sigv4a",
    "aws_ses.signing.verify",
    "aws_ses.local",
    "dataclasses",
    "calendar",
    "locale",
    "base64",
    "encodings.idna",
]

PROGRAM = """
import sys
from aws_ses import SesClient
from aws_ses.transport import sync_transport
client = SesClient(region="us-east-1", endpoint_url=sys.argv[1], transport=sync_transport())
built = set(sys.modules)
result = client.send_email(
    from_email_address="sender@example.com",
    destination={"to_addresses": ["to@example.com"]},
    content={"simple": {"subject": {"data": "Hi"}, "body": {"text": {"data": "Hello"}}}},
)
sent = sorted(sys.modules)
import json
print(json.dumps({
    "message_id": result.message_id,
    "result_module": type(result).__module__,
    "after_build": sorted(built),
    "after_send": sent,
}))
"""


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "OTEL_"))}
    env.update(
        AWS_ACCESS_KEY_ID="test",
        AWS_SECRET_ACCESS_KEY="test",
        AWS_CONFIG_FILE="/nonexistent/aws-config",
        AWS_SHARED_CREDENTIALS_FILE="/nonexistent/aws-credentials",
        AWS_EC2_METADATA_DISABLED="true",
        PYTHONPATH=os.pathsep.join([SRC, env.get("PYTHONPATH", "")]),
    )
    env.update(extra)
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
        env.pop(name, None)
    return env


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    from aws_ses.local import LocalServer

    with LocalServer() as server:
        with server.client() as ses:
            ses.create_email_identity(email_identity="example.com")  # the sender's domain
        yield server.url


@pytest.fixture(scope="module")
def cold_send(endpoint: str) -> dict[str, object]:
    """A fresh interpreter: import, build a client, one SendEmail to the local server."""
    out = subprocess.run(
        [sys.executable, "-c", PROGRAM, endpoint],
        env=_env(),
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return dict(json.loads(out))


def test_the_cold_send_went_through(cold_send: dict[str, object]) -> None:
    assert cold_send["message_id"]


@pytest.mark.parametrize("module", NEVER_ON_A_PLAIN_SEND)
def test_a_plain_send_does_not_load(cold_send: dict[str, object], module: str) -> None:
    loaded = cold_send["after_send"]
    assert isinstance(loaded, list)
    assert module not in loaded


def test_decoding_a_reply_loads_only_its_own_types(cold_send: dict[str, object]) -> None:
    loaded = cold_send["after_send"]
    assert isinstance(loaded, list)
    assert cold_send["result_module"] == "aws_ses._generated.types.emails_results"
    type_modules = [m for m in loaded if m.startswith("aws_ses._generated.types.")]
    assert type_modules == ["aws_ses._generated.types.emails_results"]


def test_building_a_client_loads_no_wire_types(cold_send: dict[str, object]) -> None:
    built = cold_send["after_build"]
    assert isinstance(built, list)
    assert not [m for m in built if m.startswith("aws_ses._generated.types.")]


# ------------------------------------------------------------ the credential chain


def test_the_default_chain_names_every_provider_without_loading_them() -> None:
    code = (
        "import sys\n"
        "from aws_ses.auth import default_chain\n"
        "chain = default_chain()\n"
        "print(repr(chain))\n"
        f"print(sorted(m for m in {LAZY_AUTH!r} if m in sys.modules))\n"
        "print([p.name for p in chain.providers])\n"  # builds every provider
        f"print(sorted(m for m in {LAZY_AUTH!r} if m in sys.modules))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=_env(), capture_output=True, text=True, check=True
    ).stdout.splitlines()
    names = [
        "environment", "assume-role", "web-identity", "sso", "shared-credentials-file",
        "credential-process", "config-file", "container", "imds",
    ]  # fmt: skip
    assert out[0] == f"CredentialChain({names!r})"
    assert out[1] == "[]"
    # The deferred names are the providers' own: attribution does not change.
    assert out[2] == repr(names)
    assert out[3] != "[]"


def test_a_chain_walk_loads_a_provider_when_it_reaches_it(tmp_path: Path) -> None:
    # Keys in the config file: the walk passes assume-role, web identity, SSO
    # and credential_process on its way, so those load; container and IMDS,
    # after the winner, do not.
    config = tmp_path / "config"
    config.write_text("[default]\naws_access_key_id = AKIDFILE\naws_secret_access_key = s\n")
    code = (
        "import sys\n"
        "from aws_ses.auth import default_chain\n"
        "creds = default_chain().load()\n"
        "print(creds.access_key_id, creds.source)\n"
        f"print(sorted(m for m in {LAZY_AUTH!r} if m in sys.modules))\n"
        "print('subprocess' in sys.modules)\n"
    )
    env = _env(AWS_CONFIG_FILE=str(config))
    del env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"]
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert out[0] == "AKIDFILE config-file"
    loaded = set(json.loads(out[1].replace("'", '"')))
    assert {"aws_ses.auth.assume_role", "aws_ses.auth.sso", "aws_ses.auth.process"} <= loaded
    assert not loaded & {"aws_ses.auth.container", "aws_ses.auth.imds"}
    # credential_process was asked, but with no command configured it ran nothing.
    assert out[2] == "False"


def test_a_bad_mfa_token_provider_is_refused_when_the_chain_is_built() -> None:
    from aws_ses.auth import default_chain

    with pytest.raises(TypeError, match="mfa_token_provider"):
        default_chain(mfa_token_provider="123456")  # type: ignore[arg-type]


# ------------------------------------------------------------ the lazy loggers


def test_without_logging_loaded_debug_is_dropped_and_a_warning_still_reaches_stderr() -> None:
    code = (
        "import sys\n"
        "from aws_ses._lazy import lazy_logger\n"
        "log = lazy_logger('aws_ses.test')\n"
        "log.debug('quiet %s', 1)\n"
        "log.info('quiet too')\n"
        "print('logging' in sys.modules)\n"
        "log.warning('loud %s', 2)\n"
        "print('logging' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], env=_env(), capture_output=True, text=True, check=True
    )
    assert done.stdout.splitlines() == ["False", "True"]
    # What logging's last-resort handler prints for an unconfigured application.
    assert done.stderr == "loud 2\n"


def test_with_logging_configured_records_are_the_real_loggers(
    caplog: pytest.LogCaptureFixture,
) -> None:
    log = LazyLogger("aws_ses.test.lazy")
    with caplog.at_level(logging.DEBUG, logger="aws_ses.test.lazy"):
        assert log.isEnabledFor(logging.DEBUG)
        log.debug("one %s", "arg", extra={"field": 7})
        line = sys._getframe().f_lineno - 1
        log.info("two")
        log.warning("three")
    records = [r for r in caplog.records if r.name == "aws_ses.test.lazy"]
    assert [(r.levelno, r.getMessage()) for r in records] == [
        (logging.DEBUG, "one arg"),
        (logging.INFO, "two"),
        (logging.WARNING, "three"),
    ]
    first = records[0]
    # The record names the caller, not the stand-in.
    assert (first.funcName, first.lineno, first.pathname) == (
        "test_with_logging_configured_records_are_the_real_loggers",
        line,
        __file__,
    )
    assert first.field == 7  # type: ignore[attr-defined]
    logging.getLogger("aws_ses.test.lazy").setLevel(logging.ERROR)
    try:
        assert not log.isEnabledFor(logging.WARNING)
    finally:
        logging.getLogger("aws_ses.test.lazy").setLevel(logging.NOTSET)


# ------------------------------------------------------------ the split wire types


def test_every_wire_type_is_reachable_from_both_public_modules() -> None:
    from aws_ses import types as public
    from aws_ses._generated import types as generated

    assert len(generated.__all__) == 369
    assert public.__all__ == generated.__all__
    for name in generated.__all__:
        cls = getattr(public, name)
        assert cls is getattr(generated, name)
        assert cls.__name__ == name
    with pytest.raises(AttributeError, match="NoSuchShape"):
        _ = public.NoSuchShape


def test_star_import_gives_every_wire_type() -> None:
    code = "from aws_ses.types import *\nprint(len([n for n in dir() if n[0].isupper()]))"
    out = subprocess.run(
        [sys.executable, "-c", code], env=_env(), capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "369"


def test_a_send_reads_only_the_model_tables_of_its_group(cold_send: dict[str, object]) -> None:
    loaded = cold_send["after_send"]
    assert isinstance(loaded, list)
    tables = [m for m in loaded if m.startswith("aws_ses._generated.model.")]
    assert sorted(tables) == ["aws_ses._generated.model.common", "aws_ses._generated.model.emails"]


def test_every_shape_table_is_found_through_the_index() -> None:
    from aws_ses._model import shape, shape_names

    names = shape_names()
    assert len(names) == 623
    assert all(shape(name).name == name for name in names)
    with pytest.raises(KeyError):
        shape("NoSuchShape")


# ------------------------------------------------------------ lazy patterns


def test_a_lazy_pattern_compiles_at_first_use_and_then_is_the_compiled_one() -> None:
    import re

    from aws_ses._lazy import LazyPattern

    pattern = LazyPattern(r"[a-z]+")
    assert repr(pattern) == "LazyPattern('[a-z]+')"
    assert pattern.fullmatch("abc") is not None
    assert pattern.fullmatch("ab1") is None
    assert pattern.search("12x3") is not None
    assert pattern.sub("-", "a1b") == "-1-"
    # After the first use the methods are the compiled pattern's own.
    assert pattern.fullmatch.__self__ is re.compile(r"[a-z]+")  # type: ignore[attr-defined]
    with pytest.raises(AttributeError):
        _ = pattern.finditer  # type: ignore[attr-defined]


# ------------------------------------------------------------ records that were dataclasses


def test_sesconfig_keeps_the_dataclass_behaviour() -> None:
    import copy
    import pickle

    from aws_ses.config import SesConfig
    from aws_ses.errors import SesValidationError

    config = SesConfig(region="eu-west-1", timeout=5)
    assert repr(config) == "SesConfig(region='eu-west-1', timeout=5)"
    assert repr(SesConfig()) == "SesConfig()"
    assert config == SesConfig(region="eu-west-1", timeout=5) != SesConfig(region="eu-west-1")
    assert hash(config) == hash(SesConfig(region="eu-west-1", timeout=5))
    assert pickle.loads(pickle.dumps(config)) == config == copy.deepcopy(config)
    with pytest.raises(AttributeError):
        config.region = "us-east-1"  # type: ignore[misc]
    changed = config.with_options(region="us-west-2")
    assert (changed.region, changed.timeout, config.region) == ("us-west-2", 5, "eu-west-1")
    with pytest.raises(SesValidationError, match="timeout"):
        config.with_options(timeout=-1)  # validated again, as on creation
    with pytest.raises(TypeError, match="regoin"):
        config.with_options(regoin="x")
    with pytest.raises(TypeError, match="regoin"):
        SesConfig(regoin="x")  # type: ignore[call-arg]


def test_http_records_keep_their_behaviour() -> None:
    from aws_ses._http import HttpRequest, HttpResponse, Timeout

    request = HttpRequest("POST", "https://h/x", {"Authorization": "secret-sig"}, b"{}")
    assert "secret-sig" not in repr(request) and "<2 bytes>" in repr(request)
    assert request == HttpRequest("POST", "https://h/x", {"Authorization": "secret-sig"}, b"{}")
    first, second = HttpRequest("GET", "u"), HttpRequest("GET", "u")
    first.headers["A"] = "1"  # each request has its own headers dict
    assert second.headers == {}
    assert HttpResponse(200).body == b"" and HttpResponse(200).headers == {}
    assert Timeout() == Timeout(connect=10.0, read=60.0) and hash(Timeout()) == hash(Timeout())
    with pytest.raises(AttributeError):
        Timeout().read = 1.0  # type: ignore[misc]


# ------------------------------------------------------------ digests without OpenSSL


@pytest.mark.parametrize(
    "size", [0, 1, 55, 56, 63, 64, 65, 300, 4096, 64 * 1024 - 1, 64 * 1024, 200_000]
)
def test_sha256_matches_hashlib_at_every_size(size: int) -> None:
    import hashlib

    from aws_ses.signing.digests import sha256_digest, sha256_hex

    data = os.urandom(size)
    assert sha256_hex(data) == hashlib.sha256(data).hexdigest()
    assert sha256_digest(data) == hashlib.sha256(data).digest()


@pytest.mark.parametrize("key_size", [0, 1, 32, 63, 64, 65, 200])
@pytest.mark.parametrize("msg_size", [0, 3, 64, 1000, 70_000])
def test_hmac_sha256_matches_the_standard_library(key_size: int, msg_size: int) -> None:
    import hmac

    from aws_ses.signing.digests import hmac_sha256

    key, msg = os.urandom(key_size), os.urandom(msg_size)
    assert hmac_sha256(key, msg) == hmac.digest(key, msg, "sha256")
