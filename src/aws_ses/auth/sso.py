"""IAM Identity Center (SSO): role credentials for the token ``aws sso login`` cached.

A profile uses SSO through ``sso_session`` (naming an ``[sso-session x]``
section with ``sso_start_url`` and ``sso_region``) or the legacy
``sso_start_url``/``sso_region`` keys, plus ``sso_account_id`` and
``sso_role_name``. The token is read from ``~/.aws/sso/cache/<sha1>.json``,
named as the AWS CLI names it: the SHA-1 of the session name, or of the start
URL for legacy profiles. An ``sso-session`` token that is expired or close to
it is refreshed with its refresh token at the SSO OIDC ``CreateToken`` API
(the new token is written back to the cache); legacy tokens cannot be
refreshed. The token then buys role credentials from the portal's
``GetRoleCredentials``. Endpoints: ``AWS_ENDPOINT_URL_SSO`` and
``AWS_ENDPOINT_URL_SSO_OIDC`` override the regional ones.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode

from aws_ses._http import HttpRequest, HttpResponse, Timeout

if TYPE_CHECKING:
    import asyncio
else:
    from ._aio import asyncio

from ..errors import CredentialsError
from .base import Declined, Outcome, Provider, no_profile, parse_timestamp, select_profile, value
from .credentials import Credentials
from .http import Flow, HttpClient, Send, run_async, run_sync
from .profiles import env_value, environ_of, expand_path, load_shared_files

if TYPE_CHECKING:
    from aws_ses.transport.base import AsyncTransport, Transport

__all__ = ["SsoCredentialProvider", "sso_cache_path"]

logger = logging.getLogger("aws_ses.auth")

_SSO_KEYS = ("sso_start_url", "sso_region", "sso_account_id", "sso_role_name")
_REFRESH_WINDOW = timedelta(minutes=15)
_TIMEOUT = Timeout(connect=5.0, read=10.0)


def sso_cache_path(key: str, env: Mapping[str, str] | None = None) -> Path:
    """Where the AWS CLI caches the token for a session name or legacy start URL."""
    digest = hashlib.sha1(key.encode("utf-8"), usedforsecurity=False).hexdigest()
    return expand_path("~/.aws/sso/cache", environ_of(env)) / f"{digest}.json"


@dataclass(frozen=True, slots=True)
class _Plan:
    profile: str
    session: str | None  # None for a legacy profile
    start_url: str
    region: str
    account_id: str
    role_name: str
    cache_file: Path
    portal_url: str
    oidc_url: str

    @property
    def login_hint(self) -> str:
        if self.session is not None:
            return f"run `aws sso login --sso-session {self.session}`"
        return f"run `aws sso login --profile {self.profile}`"


@dataclass(slots=True)
class _Token:
    data: dict[str, Any]
    access_token: str
    expires_at: datetime

    def __repr__(self) -> str:
        return f"_Token(expires_at={self.expires_at.isoformat()})"


def _plan(profile: str | None, env: Mapping[str, str]) -> _Plan | Declined:
    files = load_shared_files(env)
    name, section = select_profile(files, profile, env)
    if section is None:
        return no_profile(name)
    session = value(section, "sso_session")
    if session is None and not any(value(section, k) for k in _SSO_KEYS):
        return Declined(f"profile {name!r} has no sso_session or sso_start_url")
    start_url, region = value(section, "sso_start_url"), value(section, "sso_region")
    if session is not None:
        block = files.sso_sessions.get(session)
        if block is None:
            raise CredentialsError(
                f"profile {name!r} names sso_session {session!r}, but "
                f"{files.config_path} has no [sso-session {session}] section"
            )
        for key, mine in (("sso_start_url", start_url), ("sso_region", region)):
            theirs = value(block, key)
            if mine is not None and theirs is not None and mine != theirs:
                raise CredentialsError(
                    f"{key} of profile {name!r} differs from that of sso-session {session!r}"
                )
        start_url = value(block, "sso_start_url") or start_url
        region = value(block, "sso_region") or region
    needed = {
        "sso_start_url": start_url,
        "sso_region": region,
        "sso_account_id": value(section, "sso_account_id"),
        "sso_role_name": value(section, "sso_role_name"),
    }
    missing = [key for key, found in needed.items() if found is None]
    if missing:
        raise CredentialsError(f"SSO profile {name!r} lacks {', '.join(missing)}")
    assert start_url is not None and region is not None
    account, role = needed["sso_account_id"], needed["sso_role_name"]
    assert account is not None and role is not None
    portal = env_value(env, "AWS_ENDPOINT_URL_SSO") or f"https://portal.sso.{region}.amazonaws.com"
    oidc = env_value(env, "AWS_ENDPOINT_URL_SSO_OIDC") or f"https://oidc.{region}.amazonaws.com"
    return _Plan(
        name,
        session,
        start_url,
        region,
        account,
        role,
        sso_cache_path(session if session is not None else start_url, env),
        portal.rstrip("/"),
        oidc.rstrip("/"),
    )


def _read_token(plan: _Plan) -> _Token:
    try:
        raw = plan.cache_file.read_bytes()
    except FileNotFoundError:
        raise CredentialsError(
            f"no SSO token cached for profile {plan.profile!r}: {plan.login_hint}"
        ) from None
    except OSError as exc:
        problem = exc.strerror or type(exc).__name__
        raise CredentialsError(
            f"cannot read the SSO token cache {plan.cache_file}: {problem}"
        ) from None
    try:
        data = json.loads(raw)
    except ValueError:
        data = None
    if not isinstance(data, dict) or not isinstance(data.get("accessToken"), str):
        raise CredentialsError(
            f"the SSO token cache {plan.cache_file} is not valid: {plan.login_hint}"
        )
    expires = parse_timestamp(data.get("expiresAt"), f"expiresAt in {plan.cache_file}")
    return _Token(data, data["accessToken"], expires)


def _write_token(plan: _Plan, token: _Token) -> None:
    """Write the refreshed token back, atomically and readable only by us."""
    import tempfile  # here: only a refreshed token is written back

    directory = plan.cache_file.parent
    try:
        directory.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".tmp-", suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(token.data, out)
        os.replace(tmp, plan.cache_file)
    except OSError as exc:
        # The fresh token still works for this process; the CLI will refresh too.
        logger.warning("could not update the SSO token cache %s: %s", plan.cache_file, exc.strerror)


def _refreshable(token: _Token, now: datetime) -> bool:
    data = token.data
    if not all(isinstance(data.get(k), str) for k in ("refreshToken", "clientId", "clientSecret")):
        return False
    registration = data.get("registrationExpiresAt")
    if isinstance(registration, str):
        try:
            if parse_timestamp(registration, "registrationExpiresAt") <= now:
                return False
        except CredentialsError:
            return False
    return True


def _refresh_flow(plan: _Plan, token: _Token, now: datetime) -> Flow[_Token | None]:
    data = token.data
    body = json.dumps(
        {
            "grantType": "refresh_token",
            "clientId": data["clientId"],
            "clientSecret": data["clientSecret"],
            "refreshToken": data["refreshToken"],
        }
    ).encode()
    request = HttpRequest(
        "POST", plan.oidc_url + "/token", {"Content-Type": "application/json"}, body
    )
    reply = yield Send(request, _TIMEOUT)
    if not isinstance(reply, HttpResponse) or reply.status != 200:
        why = (
            reply.message
            if reply is not None and not isinstance(reply, HttpResponse)
            else (f"HTTP {reply.status}" if reply is not None else "no reply")
        )
        logger.warning("refreshing the SSO token of profile %r failed: %s", plan.profile, why)
        return None
    try:
        fresh = json.loads(reply.body)
    except ValueError:
        fresh = None
    if not isinstance(fresh, dict) or not isinstance(fresh.get("accessToken"), str):
        logger.warning("the SSO OIDC reply for profile %r has no access token", plan.profile)
        return None
    lifetime = fresh.get("expiresIn")
    seconds = lifetime if isinstance(lifetime, int) and lifetime > 0 else 3600
    expires = now + timedelta(seconds=seconds)
    updated = dict(data)
    updated["accessToken"] = fresh["accessToken"]
    updated["expiresAt"] = expires.strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(fresh.get("refreshToken"), str):
        updated["refreshToken"] = fresh["refreshToken"]
    return _Token(updated, fresh["accessToken"], expires)


def _portal_flow(plan: _Plan, token: _Token, source: str) -> Flow[Credentials]:
    query = urlencode({"account_id": plan.account_id, "role_name": plan.role_name}, quote_via=quote)
    request = HttpRequest(
        "GET",
        f"{plan.portal_url}/federation/credentials?{query}",
        {"x-amz-sso_bearer_token": token.access_token},
    )
    reply = yield Send(request, _TIMEOUT)
    if reply is None or not isinstance(reply, HttpResponse):
        why = reply.message if reply is not None else "no reply"
        raise CredentialsError(f"SSO portal GetRoleCredentials failed: {why}")
    if reply.status in (401, 403):
        raise CredentialsError(
            f"the SSO portal rejected the token of profile {plan.profile!r} "
            f"(HTTP {reply.status}): {plan.login_hint}"
        )
    try:
        data = json.loads(reply.body)
    except ValueError:
        data = None
    if reply.status != 200:
        code = data.get("__type") or data.get("code") if isinstance(data, dict) else None
        suffix = f" {str(code)[:100]}" if code else ""
        raise CredentialsError(f"SSO portal GetRoleCredentials failed: HTTP {reply.status}{suffix}")
    role = data.get("roleCredentials") if isinstance(data, dict) else None
    if not isinstance(role, dict):
        raise CredentialsError("SSO portal reply has no roleCredentials")
    key, secret = role.get("accessKeyId"), role.get("secretAccessKey")
    session, expiry = role.get("sessionToken"), role.get("expiration")
    if not (isinstance(key, str) and key and isinstance(secret, str) and secret):
        raise CredentialsError("SSO portal reply lacks accessKeyId or secretAccessKey")
    expiration = (
        datetime.fromtimestamp(expiry / 1000, UTC) if isinstance(expiry, int | float) else None
    )
    return Credentials(
        key,
        secret,
        session if isinstance(session, str) else None,
        expiration=expiration,
        source=source,
    )


class SsoCredentialProvider(Provider):
    """Role credentials through IAM Identity Center, from the CLI's token cache."""

    name = "sso"

    def __init__(
        self,
        profile: str | None = None,
        env: Mapping[str, str] | None = None,
        *,
        transport: Transport | None = None,
        async_transport: AsyncTransport | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._profile = profile or None
        self._env = env
        self._http = HttpClient(transport, async_transport)
        self._clock = clock

    def _needs_refresh(self, plan: _Plan, token: _Token, now: datetime) -> bool:
        return (
            plan.session is not None
            and token.expires_at - now <= _REFRESH_WINDOW
            and _refreshable(token, now)
        )

    def _usable(self, plan: _Plan, token: _Token, now: datetime) -> _Token:
        if token.expires_at <= now:
            raise CredentialsError(
                f"the SSO session of profile {plan.profile!r} has expired: {plan.login_hint}"
            )
        return token

    def attempt(self) -> Outcome:
        plan = _plan(self._profile, environ_of(self._env))
        if isinstance(plan, Declined):
            return plan
        token = _read_token(plan)
        now = self._clock()
        if self._needs_refresh(plan, token, now):
            fresh = run_sync(_refresh_flow(plan, token, now), self._http)
            if fresh is not None:
                _write_token(plan, fresh)
                token = fresh
        token = self._usable(plan, token, now)
        return run_sync(_portal_flow(plan, token, self.name), self._http)

    async def aattempt(self) -> Outcome:
        plan = await asyncio.to_thread(_plan, self._profile, environ_of(self._env))
        if isinstance(plan, Declined):
            return plan
        token = await asyncio.to_thread(_read_token, plan)
        now = self._clock()
        if self._needs_refresh(plan, token, now):
            fresh = await run_async(_refresh_flow(plan, token, now), self._http)
            if fresh is not None:
                await asyncio.to_thread(_write_token, plan, fresh)
                token = fresh
        token = self._usable(plan, token, now)
        return await run_async(_portal_flow(plan, token, self.name), self._http)

    def __repr__(self) -> str:
        return f"SsoCredentialProvider(profile={self._profile!r})"
