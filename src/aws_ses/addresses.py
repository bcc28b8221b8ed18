"""E-mail addresses as SES takes them: syntax, display names, IDN domains.

One function, :func:`normalize_address`, validates every address the library
sends (flat calls, builders, bulk entries) and the local server receives, so
they agree on what an address is:

* the addr-spec is checked by ``email-validator`` (syntax, domain rules,
  IDNA 2008), then against RFC 5321's limits, which that package only applies
  in its strict mode: a local part of at most 64 octets, a domain of at most
  255, an address of at most 254;
* a display name may be bare atoms, a quoted string or RFC 2047 encoded
  words (``"Ada Lovelace" <ada@example.com>``, ``=?utf-8?q?Zo=C3=AB?= <z@x.org>``),
  as SES accepts in ``FromEmailAddress``, ``ReplyToAddresses`` and
  destinations; it is re-encoded so that normalising twice changes nothing;
* an internationalised domain is sent as punycode; a non-ASCII local part is
  refused, because SES does not accept SMTPUTF8 mailboxes;
* CR or LF anywhere, even inside an encoded word, is refused.

The RFC 2047 encoder (:func:`encoded_words`) lives here because display
names need it; :mod:`aws_ses.mime` uses it for subjects and file names too.
"""

from __future__ import annotations

import binascii
import math
import re
from functools import cache, lru_cache
from typing import Any, Final

from aws_ses._lazy import LazyPattern
from aws_ses._rules import MAX_ADDRESS_OCTETS, MAX_DOMAIN_OCTETS, MAX_LOCAL_PART_OCTETS
from aws_ses.errors import SesValidationError

__all__ = [
    "address_problem",
    "check_text",
    "encoded_words",
    "format_address",
    "normalize_address",
    "printable_ascii",
]

# An encoded word must fit on one line after the longest header name it is
# written under ("Reply-To: " is 10 characters).
_EW_MAX: Final = 68
_EW_OVERHEAD: Final = len("=?utf-8?q?") + len("?=")
_WSP_RUN: Final = LazyPattern(r"[ \t]+")
# RFC 5322 atext: a display name made only of these needs no quoting.
_ATOM: Final = LazyPattern(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+")
# Bytes an RFC 2047 "Q" word may carry as themselves in any context (the
# strictest rule, for phrases); the rest become =XX and space becomes "_".
_Q_LITERAL: Final = frozenset(
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!*+-/"
)

# The common address needs neither email-validator's tables nor the email
# package: a dot-atom local part at an ASCII host name with an alphabetic
# top-level domain. Anything else (quoted local parts, IDN, literals, special
# names) goes through email-validator. A test checks both agree on every
# address the fast path accepts.
_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_SIMPLE_ADDRESS: Final = re.compile(
    rf"(?P<local>{_ATEXT}(?:\.{_ATEXT})*)@(?P<domain>(?:{_LABEL}\.)+[A-Za-z]{{2,63}})"
)
# Top-level names email-validator refuses as special-use (RFC 6761 and kin).
_SPECIAL_TLDS: Final = frozenset(
    {"arpa", "invalid", "local", "localhost", "onion", "test", "internal", "alt", "lan", "home"}
)


@cache
def _header_registry() -> Any:
    from email.headerregistry import HeaderRegistry

    return HeaderRegistry()


def normalize_address(value: str, *, field: str) -> str:
    """Validate one address and return the ASCII form to send.

    Accepts ``addr@example.com`` and ``Display Name <addr@example.com>`` (the
    name may be quoted, or RFC 2047 encoded as this function produces, so
    normalising twice changes nothing). The domain is sent as punycode; a
    non-ASCII local part is rejected because SES does not accept SMTPUTF8
    mailboxes. A display name keeps its text: runs of spaces and tabs become
    one space (they carry no meaning in a phrase) and it is quoted or RFC 2047
    encoded as needed.
    """
    name, addr_spec = _split_mailbox(value, field)
    return _mailbox(name, _ascii_addr_spec(addr_spec, field))


def format_address(email: str, name: str | None = None, *, field: str = "address") -> str:
    """``"Name <addr>"`` (or just ``addr``) ready for a header or the SES API.

    The display name is written as an atom, a quoted string or RFC 2047
    encoded words (UTF-8), whichever it needs; the domain becomes punycode.
    Raises :class:`SesValidationError` naming ``field`` for a bad address or a
    name containing CR or LF.
    """
    if not isinstance(email, str):
        raise SesValidationError(field, f"expected a string, got {type(email).__name__}")
    check_text(email, field)
    display = ""
    if name is not None:
        if not isinstance(name, str):
            raise SesValidationError(
                f"{field}.name", f"expected a string, got {type(name).__name__}"
            )
        check_text(name, f"{field}.name")
        display = _normalize_display_name(name)
    return _mailbox(display, _ascii_addr_spec(email.strip(), field))


def check_text(value: str, field: str) -> None:
    if "\r" in value or "\n" in value:
        raise SesValidationError(field, "must not contain CR or LF characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise SesValidationError(
            field, f"is not valid Unicode (lone surrogate at index {exc.start})"
        ) from None


def _split_mailbox(value: str, field: str) -> tuple[str, str]:
    """(display name, addr-spec) of ``addr`` or ``name <addr>``."""
    if not isinstance(value, str):
        raise SesValidationError(field, f"expected a string, got {type(value).__name__}")
    check_text(value, field)
    text = value.strip()
    if not text.endswith(">"):
        if "<" in text or ">" in text:
            raise SesValidationError(field, "unbalanced '<' in the address")
        return "", text
    # The addr-spec cannot hold '<', so the last one opens it.
    start = text.rfind("<")
    if start < 0:
        raise SesValidationError(field, "unbalanced '>' in the address")
    display = text[:start].strip()
    addr_spec = text[start + 1 : -1].strip()
    if display.startswith('"'):
        display = _unquote(display, field)
    else:
        bad = sorted({c for c in display if c in '<>",;'})
        if bad:
            # "a@x.com, Bob <b@y.com>" is two addresses, not a strange name.
            raise SesValidationError(
                field,
                f"the display name contains {' '.join(bad)}; put it in double quotes "
                "(and pass one address per list item)",
            )
        if "=?" in display:
            # Undo RFC 2047 encoding (ours included) so it is not encoded twice.
            display = str(_header_registry()("X-Display-Name", display))
            check_text(display, field)  # no CR/LF smuggled in encoded
    return _normalize_display_name(display), addr_spec


def _unquote(quoted: str, field: str) -> str:
    out: list[str] = []
    chars = iter(enumerate(quoted[1:], start=1))
    for index, char in chars:
        if char == "\\":
            escaped = next(chars, None)
            if escaped is None:
                break
            out.append(escaped[1])
        elif char == '"':
            if index != len(quoted) - 1:
                raise SesValidationError(field, "unexpected text after the quoted display name")
            return "".join(out)
        else:
            out.append(char)
    raise SesValidationError(field, "the quoted display name is missing its closing '\"'")


def _normalize_display_name(name: str) -> str:
    return _WSP_RUN.sub(" ", name).strip(" \t")


def _ascii_addr_spec(addr_spec: str, field: str) -> str:
    if not addr_spec:
        raise SesValidationError(field, "is empty; expected an e-mail address")
    ok, result = _validated(addr_spec)
    if not ok:
        raise SesValidationError(field, result)
    return result


@lru_cache(maxsize=4096)
def _validated(addr_spec: str) -> tuple[bool, str]:
    """(True, ASCII address) or (False, problem); cached as senders repeat themselves."""
    simple = _simple(addr_spec)
    if simple is not None:
        return True, simple
    from email_validator import EmailNotValidError, validate_email

    try:
        result = validate_email(addr_spec, check_deliverability=False)
    except EmailNotValidError as exc:
        # The address itself stays out of the message: errors end up in logs.
        return False, f"is not a valid e-mail address: {exc}"
    if result.ascii_email is None:
        return False, (
            "has non-ASCII characters before the '@'; SES does not accept "
            "internationalised (SMTPUTF8) local parts, only internationalised domains"
        )
    local = len(result.local_part.encode("utf-8"))
    if local > MAX_LOCAL_PART_OCTETS:
        return False, (
            f"the part before the '@' is {local} characters; "
            f"RFC 5321 allows at most {MAX_LOCAL_PART_OCTETS}"
        )
    domain = len(result.ascii_domain)
    if domain > MAX_DOMAIN_OCTETS:  # pragma: no cover - email-validator stops it first
        return False, f"the domain is {domain} characters; RFC 5321 allows {MAX_DOMAIN_OCTETS}"
    if len(result.ascii_email) > MAX_ADDRESS_OCTETS:
        return False, (
            f"is {len(result.ascii_email)} characters long; RFC 5321 allows at most "
            f"{MAX_ADDRESS_OCTETS}"
        )
    return True, result.ascii_email


def _simple(addr_spec: str) -> str | None:
    """The ASCII address when it is plainly valid, else None (ask email-validator)."""
    match = _SIMPLE_ADDRESS.fullmatch(addr_spec)
    if match is None:
        return None
    local, domain = match["local"], match["domain"].lower()
    if (
        len(local) > MAX_LOCAL_PART_OCTETS
        or len(domain) > MAX_DOMAIN_OCTETS
        or len(local) + 1 + len(domain) > MAX_ADDRESS_OCTETS
        or domain.rsplit(".", 1)[1] in _SPECIAL_TLDS
        # "xn--" labels, and any label with "--" in its third and fourth
        # places (reserved by IDNA), are for email-validator to judge.
        or "--" in domain
    ):
        return None
    return f"{local}@{domain}"


@lru_cache(maxsize=4096)
def address_problem(value: str) -> tuple[str, str | None]:
    """(normalised address, None) or ("", problem) without raising; cached.

    The serializer and the local server call this for every address member.
    """
    # A bare, plainly valid address (the usual one; every entry of a bulk
    # send) is what normalize_address would return for it: the fast check
    # admits no spaces, angle brackets, CR/LF or non-ASCII characters.
    simple = _simple(value) if isinstance(value, str) else None
    if simple is not None:
        return simple, None
    try:
        return normalize_address(value, field="address"), None
    except SesValidationError as exc:
        return "", exc.problem


def _mailbox(display: str, addr_spec: str) -> str:
    return f"{_phrase(display)} <{addr_spec}>" if display else addr_spec


def _phrase(name: str) -> str:
    """A display name as header text: atoms, a quoted string, or encoded words."""
    words = name.split(" ")
    # "=?" is excluded because readers decode encoded words even in quotes.
    if printable_ascii(name) and "=?" not in name and max(map(len, words)) <= 60:
        if all(_ATOM.fullmatch(word) for word in words):
            return name
        return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return " ".join(encoded_words(name))


def printable_ascii(text: str) -> bool:
    return all(" " <= c <= "~" for c in text)


def encoded_words(text: str) -> list[str]:
    """RFC 2047 encoded words (UTF-8) for ``text``, each at most ``_EW_MAX`` long.

    Q or B, whichever is shorter for the whole text. Words never split a
    character (each must decode on its own). A new word also starts after a
    space that is followed by other whitespace: the stdlib's reader merges such
    a pair into one space when both sit in the same word.
    """
    raw = text.encode("utf-8")
    q_size = sum(1 if b in _Q_LITERAL or b == 0x20 else 3 for b in raw)
    use_b = 4 * math.ceil(len(raw) / 3) < q_size
    budget = _EW_MAX - _EW_OVERHEAD

    def size(chunk: bytes) -> int:
        if use_b:
            return 4 * math.ceil(len(chunk) / 3)
        return sum(1 if b in _Q_LITERAL or b == 0x20 else 3 for b in chunk)

    def encode(chunk: bytes) -> str:
        if use_b:
            return "=?utf-8?b?" + binascii.b2a_base64(chunk, newline=False).decode("ascii") + "?="
        body = "".join(
            "_" if b == 0x20 else chr(b) if b in _Q_LITERAL else f"={b:02X}" for b in chunk
        )
        return "=?utf-8?q?" + body + "?="

    words: list[str] = []
    chunk = b""
    for index, char in enumerate(text):
        encoded = char.encode("utf-8")
        if chunk and size(chunk + encoded) > budget:
            words.append(encode(chunk))
            chunk = b""
        chunk += encoded
        if char == " " and index + 1 < len(text) and text[index + 1].isspace():
            words.append(encode(chunk))
            chunk = b""
    if chunk or not words:
        words.append(encode(chunk))
    return words
