"""The fast path for plain addresses agrees with email-validator, its oracle."""

from __future__ import annotations

import subprocess
import sys

from email_validator import EmailNotValidError, validate_email
from hypothesis import given, settings
from hypothesis import strategies as st

from aws_ses.addresses import _simple, normalize_address

ATEXT = "abcXYZ019!#$%&'*+/=?^_`{|}~-"
LABEL = st.text("abcdefghijklmnopqrstuvwxyzABC0123456789-", min_size=1, max_size=70)
TLD = st.sampled_from(["com", "org", "io", "COM", "test", "local", "x", "museum", "c0m", "ab"])
LOCAL = st.lists(st.text(ATEXT + '."\\ @', min_size=0, max_size=30), min_size=1, max_size=4).map(
    ".".join
)
ADDRESS = st.one_of(
    st.builds(
        lambda local, labels, tld: f"{local}@{'.'.join(labels)}.{tld}",
        LOCAL,
        st.lists(LABEL, min_size=1, max_size=4),
        TLD,
    ),
    st.text(max_size=40),
)


def oracle(address: str) -> str | None:
    try:
        result = validate_email(address, check_deliverability=False)
    except EmailNotValidError:
        return None
    return result.ascii_email


@settings(max_examples=400, deadline=None)
@given(ADDRESS)
def test_fast_path_accepts_only_what_email_validator_accepts(address: str) -> None:
    fast = _simple(address)
    if fast is not None:
        assert oracle(address) == fast


def test_common_addresses_take_the_fast_path() -> None:
    for address in ("ada@example.com", "first.last+tag@mail.example.co.uk", "X_Y@Example.ORG"):
        assert _simple(address) == oracle(address)


def test_a_plain_send_loads_neither_email_validator_nor_the_email_package() -> None:
    code = (
        "import sys\n"
        "from aws_ses.addresses import normalize_address\n"
        "assert normalize_address('Ada <ada@example.com>', field='f') == 'Ada <ada@example.com>'\n"
        "loaded = {'email_validator', 'email'} & set(sys.modules)\n"
        "assert not loaded, loaded\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
    # Everything else still reaches the full check.
    assert normalize_address("ada@münchen.de", field="f") == "ada@xn--mnchen-3ya.de"
