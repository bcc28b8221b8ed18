"""Helpers shared by the network transports: URL splitting, proxy choice, TLS.

Both the urllib3 and the aiohttp transport pick proxies here, so
``HTTPS_PROXY``/``HTTP_PROXY``/``NO_PROXY`` mean exactly the same thing to
the sync and the async client. The rules follow curl, which is what people
who set these variables expect:

* ``https_proxy``/``HTTPS_PROXY`` serve ``https://`` URLs and
  ``http_proxy``/``HTTP_PROXY`` serve ``http://`` URLs; the lower-case
  spelling wins. Upper-case ``HTTP_PROXY`` is ignored when ``REQUEST_METHOD``
  is set (a CGI environment, where a client could inject it: "httpoxy").
* ``no_proxy``/``NO_PROXY`` is a comma-separated list. ``*`` bypasses every
  host; ``example.com``, ``.example.com`` and ``*.example.com`` all match
  ``example.com`` and its subdomains (never ``badexample.com``); an entry
  with ``:port`` matches that port only; IP addresses and CIDR blocks
  (``10.0.0.0/8``, ``::1``) match IP-literal hosts. No DNS lookups are made.
* An explicit ``proxy=`` passed to a transport is used for every request;
  the environment is then not consulted.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    # Both are imported where they are used: a client of an http:// endpoint
    # never loads ssl, and NO_PROXY lists without addresses never need ipaddress.
    import ipaddress
    import ssl

__all__ = [
    "Proxy",
    "ProxyChooser",
    "check_verify",
    "Target",
    "bypass_proxy",
    "make_ssl_context",
    "parse_proxy_url",
    "proxy_environment",
    "proxy_from_environment",
    "select_proxy",
    "split_url",
]

_DEFAULT_PORTS = {"http": 80, "https": 443}

if TYPE_CHECKING:
    _IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


# --------------------------------------------------------------------- URLs


class Target:
    """The parts of a request URL a transport needs.

    ``target`` is the request target (path and query) exactly as it appears
    in the URL, so the signed percent-encoding goes out untouched. (Plain
    slotted classes here and below: ``dataclasses`` costs more to import
    than this whole module.)
    """

    __slots__ = ("host", "port", "scheme", "target")

    def __init__(self, scheme: str, host: str, port: int, target: str) -> None:
        self.scheme = scheme
        self.host = host  # lower-case, IPv6 without brackets
        self.port = port
        self.target = target

    def __repr__(self) -> str:
        return f"Target({self.scheme!r}, {self.host!r}, {self.port!r}, {self.target!r})"

    @property
    def origin(self) -> str:
        """``scheme://host:port``, for error messages (no path: it may hold addresses)."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{self.scheme}://{host}:{self.port}"


@functools.lru_cache(maxsize=256)
def _split_authority(prefix: str) -> tuple[str, str, int]:
    # urllib.parse imports ipaddress on Python 3.11: only pay for it once per host.
    from urllib.parse import urlsplit

    parts = urlsplit(prefix)
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        raise ValueError(f"unsupported URL scheme {scheme!r}; expected http or https")
    host = parts.hostname
    if not host:
        raise ValueError("URL has no host")
    port = parts.port or _DEFAULT_PORTS[scheme]
    return scheme, host, port


@functools.lru_cache(maxsize=512)
def split_url(url: str) -> Target:
    """Split an absolute URL without re-encoding anything.

    The authority is parsed (and cached, as a client talks to few hosts); the
    request target is sliced out of the string as is. A fragment is dropped,
    as it never goes on the wire.
    """
    start = url.find("://")
    if start < 0:
        raise ValueError("URL is not absolute")
    end = len(url)
    for sep in "/?#":
        i = url.find(sep, start + 3)
        if 0 <= i < end:
            end = i
    scheme, host, port = _split_authority(url[:end])
    target = url[end:].partition("#")[0]
    if not target.startswith("/"):
        target = "/" + target
    return Target(scheme, host, port, target)


# -------------------------------------------------------------------- proxies


class Proxy:
    """A proxy to use: its URL without credentials, and the credentials apart.

    Hashable (pools are keyed by it); the credentials are never shown.
    """

    __slots__ = ("credentials", "url")

    def __init__(self, url: str, credentials: tuple[str, str] | None = None) -> None:
        self.url = url
        self.credentials = credentials

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Proxy):
            return NotImplemented
        return (self.url, self.credentials) == (other.url, other.credentials)

    def __hash__(self) -> int:
        return hash((self.url, self.credentials))

    def __repr__(self) -> str:
        return f"Proxy(url={self.url!r})"

    @property
    def headers(self) -> dict[str, str]:
        """``Proxy-Authorization: Basic`` when the proxy URL held credentials."""
        if self.credentials is None:
            return {}
        import base64

        token = base64.b64encode(":".join(self.credentials).encode()).decode("ascii")
        return {"Proxy-Authorization": f"Basic {token}"}


@functools.lru_cache(maxsize=32)
def parse_proxy_url(raw: str) -> Proxy:
    """Parse a proxy URL; ``host:port`` alone means an HTTP proxy, as in curl.

    ``user:password@`` in the URL (percent-decoded) become the credentials.
    Error messages never repeat the URL, as it may hold a password.
    """
    from urllib.parse import unquote, urlsplit

    raw = raw.strip()
    if "://" not in raw:
        raw = "http://" + raw
    parts = urlsplit(raw)
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        raise ValueError(f"unsupported proxy scheme {scheme!r}; expected http or https")
    try:
        host = parts.hostname
        port = parts.port or _DEFAULT_PORTS[scheme]
    except ValueError:
        raise ValueError("invalid proxy URL (bad port)") from None
    if not host:
        raise ValueError("invalid proxy URL (no host)")
    if ":" in host:
        host = f"[{host}]"
    credentials = None
    if parts.username is not None:
        credentials = (unquote(parts.username), unquote(parts.password or ""))
    return Proxy(f"{scheme}://{host}:{port}", credentials)


def _clean(value: str | None) -> str | None:
    # An empty or blank value means "unset".
    return (value.strip() or None) if value else None


def _getenv(environ: Mapping[str, str], name: str) -> str | None:
    # Lower case first, as curl and urllib do.
    return _clean(environ.get(name.lower())) or _clean(environ.get(name.upper()))


def proxy_from_environment(
    scheme: str, environ: Mapping[str, str] | None = None
) -> tuple[str | None, str]:
    """The proxy URL for ``scheme`` from the environment, and the ``NO_PROXY`` list."""
    env = os.environ if environ is None else environ
    if scheme == "http":
        proxy = _clean(env.get("http_proxy"))
        if proxy is None and "REQUEST_METHOD" not in env:
            proxy = _clean(env.get("HTTP_PROXY"))
    else:
        proxy = _getenv(env, "https_proxy")
    return proxy, _getenv(env, "no_proxy") or ""


class _Rule:
    __slots__ = ("domain", "network", "port")

    def __init__(self, domain: str | None, network: _IPNetwork | None, port: int | None) -> None:
        self.domain = domain  # a host name suffix, or None for an IP rule
        self.network = network
        self.port = port


def _parse_rule(entry: str) -> _Rule | None:
    import ipaddress

    entry = entry.strip().lower()
    if entry.startswith("*."):
        entry = entry[1:]
    entry = entry.lstrip(".")
    if not entry:
        return None
    port: int | None = None
    if entry.startswith("["):  # [v6] or [v6]:port
        host, _, rest = entry[1:].partition("]")
        if rest.startswith(":") and rest[1:].isdigit():
            port = int(rest[1:])
        entry = host
    elif entry.count(":") == 1:  # host:port (more colons: a bare IPv6 address)
        host, _, port_text = entry.partition(":")
        if port_text.isdigit():
            entry, port = host, int(port_text)
    try:
        return _Rule(None, ipaddress.ip_network(entry, strict=False), port)
    except ValueError:
        return _Rule(entry.rstrip("."), None, port)


@functools.lru_cache(maxsize=32)
def _parse_no_proxy(no_proxy: str) -> tuple[_Rule, ...] | None:
    """Parsed rules, or None when the list holds ``*`` (bypass everything)."""
    rules = []
    for entry in no_proxy.split(","):
        if entry.strip() == "*":
            return None
        rule = _parse_rule(entry)
        if rule is not None:
            rules.append(rule)
    return tuple(rules)


def bypass_proxy(host: str, port: int, no_proxy: str) -> bool:
    """Whether ``NO_PROXY``-style list ``no_proxy`` exempts ``host:port``."""
    if not no_proxy:
        return False
    rules = _parse_no_proxy(no_proxy)
    if rules is None:
        return True
    host = host.strip("[]").lower().rstrip(".")
    import ipaddress

    try:
        address: ipaddress.IPv4Address | ipaddress.IPv6Address | None
        address = ipaddress.ip_address(host.partition("%")[0])
    except ValueError:
        address = None
    for rule in rules:
        if rule.port is not None and rule.port != port:
            continue
        if rule.network is not None:
            if address is not None and address in rule.network:
                return True
        elif rule.domain is not None and (host == rule.domain or host.endswith("." + rule.domain)):
            return True
    return False


_PROXY_VARS = (
    "http_proxy",
    "HTTP_PROXY",
    "https_proxy",
    "HTTPS_PROXY",
    "no_proxy",
    "NO_PROXY",
    "REQUEST_METHOD",
)


def proxy_environment() -> dict[str, str]:
    """The proxy variables of ``os.environ`` now, as a plain dict.

    A transport that takes this snapshot when it is built pays for the
    environment lookups once rather than at every request (``os.environ``
    encodes each key it is asked for); httpx reads them at that point too.
    """
    env = os.environ
    return {name: env[name] for name in _PROXY_VARS if name in env}


def select_proxy(
    target: Target,
    *,
    proxy: str | None,
    trust_env: bool,
    environ: Mapping[str, str] | None = None,
) -> Proxy | None:
    """The proxy for a request to ``target``, or None to connect directly."""
    if proxy is not None:
        return parse_proxy_url(proxy)
    if not trust_env:
        return None
    env_proxy, no_proxy = proxy_from_environment(target.scheme, environ)
    if env_proxy is None or bypass_proxy(target.host, target.port, no_proxy):
        return None
    return parse_proxy_url(env_proxy)


class ProxyChooser:
    """:func:`select_proxy` with the environment read once, when it is built.

    A transport asks it for every request; with no proxy configured that is
    one dict lookup. See :func:`proxy_environment` for why the environment
    is read up front.
    """

    __slots__ = ("_by_scheme", "_forced")

    def __init__(self, *, proxy: str | None, trust_env: bool) -> None:
        self._forced = parse_proxy_url(proxy) if proxy is not None else None
        env = proxy_environment() if trust_env and proxy is None else {}
        self._by_scheme = {scheme: proxy_from_environment(scheme, env) for scheme in _DEFAULT_PORTS}

    def choose(self, target: Target) -> Proxy | None:
        if self._forced is not None:
            return self._forced
        env_proxy, no_proxy = self._by_scheme[target.scheme]
        if env_proxy is None or bypass_proxy(target.host, target.port, no_proxy):
            return None
        return parse_proxy_url(env_proxy)


# ------------------------------------------------------------------------ TLS


def check_verify(verify: bool | str | os.PathLike[str]) -> None:
    """Fail now (``FileNotFoundError``) for a CA path that does not exist.

    Lets a transport build its TLS context at the first ``https://`` request
    (``ssl`` costs tens of milliseconds to import and set up) yet still
    reject a wrong path when it is constructed.
    """
    if isinstance(verify, bool):
        return
    path = os.fspath(verify)
    if not (os.path.isdir(path) or os.path.isfile(path)):
        raise FileNotFoundError(f"CA bundle not found: {path}")


def _system_store_missing() -> bool:
    import ssl

    paths = ssl.get_default_verify_paths()
    return (
        not any(p and os.path.exists(p) for p in (paths.cafile, paths.capath))
        and not os.environ.get("SSL_CERT_FILE")
        and not os.environ.get("SSL_CERT_DIR")
    )


def make_ssl_context(verify: bool | str | os.PathLike[str]) -> ssl.SSLContext:
    """A client TLS context.

    ``True`` trusts the system CA store, or certifi's bundle when the system
    has none (a slim container, some Windows and macOS Pythons) and certifi
    is installed; a path trusts the CA bundle file or the hashed CA directory
    it names; ``False`` turns verification off (for local development only).
    """
    import ssl

    if verify is False:
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        return ctx
    if verify is True:
        ctx = ssl.create_default_context()
        if not ctx.get_ca_certs() and _system_store_missing():
            try:
                import certifi
            except ImportError:
                return ctx
            ctx.load_verify_locations(cafile=certifi.where())
        return ctx
    check_verify(verify)
    path = os.fspath(verify)
    if os.path.isdir(path):
        return ssl.create_default_context(capath=path)
    return ssl.create_default_context(cafile=path)
