"""The shared AWS files: ``~/.aws/credentials`` and ``~/.aws/config``.

The grammar follows what the AWS CLI accepts (it reads these files through
Python's ``configparser``), so a file that works with ``aws`` works here:

* ``[section]`` headers; in the config file a profile is ``[default]`` or
  ``[profile name]``, other sections (``[sso-session x]``, ``[services x]``,
  anything else) are kept apart or ignored; in the credentials file every
  section is a profile, named verbatim;
* ``key = value`` or ``key: value``; keys are case-insensitive (lower-cased),
  whitespace around keys and values is dropped;
* whole-line comments start with ``#`` or ``;``; there are no inline comments
  on value lines (``region = x # y`` is the value ``x # y``, as in the CLI);
* a line indented deeper than the key above it continues that key's value;
  a key whose value starts on the next line is a sub-section
  (``s3 =\\n  max_concurrent_requests = 10`` gives ``{"s3": {...}}``);
* a section or a key given twice is an error, as in the CLI.

Where the CLI falls over we do better: a UTF-8 byte-order mark is accepted,
a sub-section line without ``=`` is reported with its line number instead of
crashing, and ``[DEFAULT]`` is an ordinary section (``configparser`` would
copy its keys into every profile).

Errors name the file and line, never the text of the line: a secret may sit
on it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import msgspec

from .._lazy import DEBUG, lazy_logger
from ..errors import CredentialsError

if TYPE_CHECKING:
    from pathlib import Path

__all__ = [
    "SharedFiles",
    "chosen_profile",
    "config_file_path",
    "credentials_file_path",
    "load_profiles",
    "load_shared_files",
    "profile_name",
]

logger = lazy_logger("aws_ses.auth")

#: A section: plain values are ``str``, sub-sections ``dict[str, str]``.
Section = dict[str, Any]

_VAR = re.compile(r"\$(?:(\w+)|\{([^}]*)\})")


# ---------------------------------------------------------------- paths


def environ_of(env: Mapping[str, str] | None) -> Mapping[str, str]:
    return os.environ if env is None else env


def env_value(env: Mapping[str, str], name: str) -> str | None:
    """An environment variable, with empty (or blank) meaning unset."""
    value = env.get(name)
    if value is None:
        return None
    value = value.strip()
    return value or None


def _expand(path: str, env: Mapping[str, str]) -> str:
    path = _VAR.sub(lambda m: env.get(m.group(1) or m.group(2), m.group(0)), path)
    if path == "~" or path.startswith(("~/", "~" + os.sep)):
        home = env.get("USERPROFILE" if os.name == "nt" else "HOME")
        path = home + path[1:] if home else os.path.expanduser(path)
    elif path.startswith("~"):
        path = os.path.expanduser(path)  # ~user/...
    return path


# The shared files are read as plain strings and become Path objects only when
# asked for: a client build reads them, and importing pathlib for that would
# cost the cold start more than reading them does.


def _as_path(path: str) -> Path:
    from pathlib import Path

    return Path(path)


def expand_path(path: str, env: Mapping[str, str]) -> Path:
    """Expand ``$VAR``/``${VAR}`` and a leading ``~`` using ``env``.

    Using the given mapping (not only ``os.environ``) keeps lookups
    reproducible: a caller passing ``env={"HOME": ...}`` never reaches the
    real home directory. Unknown variables are left as written, as the shell
    helpers in ``os.path`` do.
    """
    return _as_path(_expand(path, env))


def _credentials_file(env: Mapping[str, str]) -> str:
    return _expand(env_value(env, "AWS_SHARED_CREDENTIALS_FILE") or "~/.aws/credentials", env)


def _config_file(env: Mapping[str, str]) -> str:
    return _expand(env_value(env, "AWS_CONFIG_FILE") or "~/.aws/config", env)


def credentials_file_path(env: Mapping[str, str] | None = None) -> Path:
    """``AWS_SHARED_CREDENTIALS_FILE``, else ``~/.aws/credentials``."""
    return _as_path(_credentials_file(environ_of(env)))


def config_file_path(env: Mapping[str, str] | None = None) -> Path:
    """``AWS_CONFIG_FILE``, else ``~/.aws/config``."""
    return _as_path(_config_file(environ_of(env)))


def chosen_profile(env: Mapping[str, str] | None = None) -> str | None:
    """The profile the environment asks for, or None when it asks for none.

    ``AWS_PROFILE`` wins over the older ``AWS_DEFAULT_PROFILE`` (botocore
    reads them the other way round; every other SDK and the CLI docs name
    ``AWS_PROFILE`` as the one to use).
    """
    e = environ_of(env)
    return env_value(e, "AWS_PROFILE") or env_value(e, "AWS_DEFAULT_PROFILE")


def profile_name(env: Mapping[str, str] | None = None) -> str:
    """``AWS_PROFILE``, then ``AWS_DEFAULT_PROFILE``, then ``"default"``."""
    return chosen_profile(env) or "default"


# ---------------------------------------------------------------- parsing


def _fail(path: str, lineno: int, problem: str) -> CredentialsError:
    return CredentialsError(f"malformed AWS shared file {_as_path(path)}, line {lineno}: {problem}")


class _Key:
    """A key being read: its first line plus any continuation lines."""

    __slots__ = ("first", "indent", "lineno", "more")

    def __init__(self, lineno: int, indent: int, first: str) -> None:
        self.lineno = lineno
        self.indent = indent
        self.first = first
        self.more: list[tuple[int, str]] = []


def _finish(key: _Key, path: str) -> str | dict[str, str]:
    if not key.more:
        return key.first
    if key.first:
        # An ordinary multi-line value, kept as configparser joins it.
        return "\n".join([key.first, *(text for _, text in key.more)])
    nested: dict[str, str] = {}
    for lineno, text in key.more:
        name, eq, value = text.partition("=")
        name = name.strip()
        if not eq or not name:
            raise _fail(path, lineno, "expected 'key = value' inside an indented sub-section")
        nested[name] = value.strip()
    return nested


def _parse(text: str, path: str) -> list[tuple[str, int, Section]]:
    """Sections in file order as ``(name, header line, values)``."""
    sections: list[tuple[str, int, Section]] = []
    seen: dict[str, int] = {}
    values: Section | None = None
    key_lines: dict[str, int] = {}
    current: _Key | None = None
    current_name = ""

    def close_key() -> None:
        nonlocal current
        if current is not None and values is not None:
            values[current_name] = _finish(current, path)
        current = None

    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for lineno, raw in enumerate(lines, start=1):
        stripped = raw.strip()
        # Blank lines and comments do not end a continued value, as in
        # configparser: an indented line after them still belongs to the key.
        if not stripped or stripped[0] in "#;":
            continue
        indent = len(raw) - len(raw.lstrip())
        if current is not None and indent > current.indent:
            current.more.append((lineno, stripped))
            continue
        close_key()
        if stripped[0] == "[":
            name, close, rest = stripped[1:].partition("]")
            name = name.strip()
            rest = rest.strip()
            if not close or not name or (rest and rest[0] not in "#;"):
                raise _fail(path, lineno, "expected a '[section]' header")
            if name in seen:
                # Unnamed for the same reason as keys below.
                raise _fail(path, lineno, f"repeats the section header at line {seen[name]}")
            seen[name] = lineno
            values = {}
            key_lines = {}
            sections.append((name, lineno, values))
            continue
        match = re.search(r"[=:]", stripped)
        if match is None:
            raise _fail(path, lineno, "expected 'key = value', a '[section]' header or a comment")
        key = stripped[: match.start()].strip().lower()
        if not key:
            raise _fail(path, lineno, "a value with no key before '='")
        if values is None:
            raise _fail(path, lineno, "a key before the first '[section]' header")
        if key in key_lines:
            # The key itself is not shown: a pasted secret can look like one.
            raise _fail(path, lineno, f"repeats the key set at line {key_lines[key]}")
        key_lines[key] = lineno
        current_name = key
        current = _Key(lineno, indent, stripped[match.end() :].strip())
    close_key()
    return sections


def _read(path: str) -> list[tuple[str, int, Section]] | None:
    """Parse one file; None when it does not exist."""
    problem = None
    data = b""
    try:
        with open(path, "rb") as file:
            data = file.read()
    except (FileNotFoundError, NotADirectoryError):
        if logger.isEnabledFor(DEBUG):
            logger.debug("AWS shared file %s not found", _as_path(path))
        return None
    except IsADirectoryError:
        problem = "it is a directory"
    except PermissionError:
        problem = "permission denied"
    except OSError as exc:
        problem = exc.strerror or type(exc).__name__
    # Raised outside the except blocks so no chained exception rides along.
    if problem is not None:
        raise CredentialsError(f"cannot read AWS shared file {_as_path(path)}: {problem}")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        bad_line = data[: exc.start].count(b"\n") + 1
    else:
        return _parse(text, path)
    raise _fail(path, bad_line, "not valid UTF-8")


# ---------------------------------------------------------------- profiles


class SharedFiles(msgspec.Struct, frozen=True):
    """Both shared files, parsed.

    ``credentials`` and ``config`` map profile names to their sections, as
    found in each file (kept apart because credentials are looked up file by
    file). ``sso_sessions`` and ``services`` hold the config file's
    ``[sso-session x]`` and ``[services x]`` sections for the providers that
    need them. The sections hold secrets: the ``repr`` shows names only.
    """

    _credentials_file: str
    _config_file: str
    credentials: dict[str, Section]
    config: dict[str, Section]
    sso_sessions: dict[str, Section]
    services: dict[str, Section]

    @property
    def credentials_path(self) -> Path:
        return _as_path(self._credentials_file)

    @property
    def config_path(self) -> Path:
        return _as_path(self._config_file)

    @property
    def profiles(self) -> dict[str, Section]:
        """Config and credentials merged key by key; the credentials file wins."""
        merged = {name: dict(values) for name, values in self.config.items()}
        for name, values in self.credentials.items():
            merged.setdefault(name, {}).update(values)
        return merged

    def has_profile(self, name: str) -> bool:
        return name in self.credentials or name in self.config

    def __repr__(self) -> str:
        names = sorted(set(self.credentials) | set(self.config))
        return (
            f"SharedFiles(credentials_path={str(self.credentials_path)!r}, "
            f"config_path={str(self.config_path)!r}, profiles={names!r})"
        )


def _kind_and_name(header: str) -> tuple[str, str] | None:
    """``profile x`` -> ("profile", "x"); quoted names allowed, as in the CLI."""
    import shlex  # only when a config file has sections to read

    try:
        parts = shlex.split(header)
    except ValueError:
        return None
    if len(parts) != 2:
        return None
    return parts[0], parts[1]


def load_shared_files(env: Mapping[str, str] | None = None) -> SharedFiles:
    """Read both shared files. Missing files count as empty."""
    e = environ_of(env)
    cred_path = _credentials_file(e)
    config_path = _config_file(e)

    credentials: dict[str, Section] = {}
    for name, _, values in _read(cred_path) or ():
        credentials[name] = values

    config: dict[str, Section] = {}
    sso_sessions: dict[str, Section] = {}
    services: dict[str, Section] = {}
    groups = {"profile": config, "sso-session": sso_sessions, "services": services}
    for header, _, values in _read(config_path) or ():
        if header == "default":
            # ``[default]`` and ``[profile default]`` are the same profile; as
            # in the CLI, the later of the two in the file replaces the other.
            config["default"] = values
            continue
        parsed = _kind_and_name(header)
        if parsed is not None and parsed[0] in groups:
            groups[parsed[0]][parsed[1]] = values
        # Any other section is not ours to interpret; it must not break parsing.

    return SharedFiles(cred_path, config_path, credentials, config, sso_sessions, services)


def load_profiles(env: Mapping[str, str] | None = None) -> dict[str, dict[str, Any]]:
    """Every profile in the config and credentials files, merged.

    Values are strings, or dicts of strings for indented sub-sections. Where
    both files set a key for the same profile, the credentials file wins. The
    result holds secrets: do not log it.
    """
    return load_shared_files(env).profiles
