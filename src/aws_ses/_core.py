"""What the sync and async clients share: everything but the I/O.

``ClientCore`` resolves region, endpoint, credentials and the retry and
breaker policies once, builds and signs requests, and hands out the plan of
each call (:func:`aws_ses._pipeline.call_plan`). The clients only drive it.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from aws_ses._http import HttpRequest, Timeout
from aws_ses._lazy import lazy_logger
from aws_ses._model import Operation, operation, shape
from aws_ses._pipeline import Plan, call_plan
from aws_ses._runtime import DEFAULT_RUNTIME, Runtime
from aws_ses._serialize import build_request
from aws_ses._version import __version__
from aws_ses.auth.credentials import Credentials
from aws_ses.config import SesConfig
from aws_ses.endpoints import ResolvedEndpoint, resolve_endpoint
from aws_ses.errors import SesError, SesValidationError
from aws_ses.resilience.breaker import CircuitBreaker, breaker_for
from aws_ses.resilience.retry import RetryPolicy
from aws_ses.signing import SigV4Signer

# platform.python_version() would import platform (a few ms) for this alone.
_PYTHON_VERSION = "{}.{}.{}".format(*sys.version_info[:3])

if TYPE_CHECKING:
    from aws_ses.resilience.ratelimit import RateLimiter
    from aws_ses.resilience.retry import AdaptiveRate, RetryQuota

__all__ = ["ClientCore"]

logger = lazy_logger("aws_ses.ratelimit")

_DEFAULT_MAX_ATTEMPTS = 3


def _configured_endpoint() -> str | None:
    env = os.environ
    if env.get("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "").lower() == "true":
        return None
    return env.get("AWS_ENDPOINT_URL_SESV2") or env.get("AWS_ENDPOINT_URL") or None


def _retry_settings(config: SesConfig) -> tuple[str, int]:
    """(mode, max_attempts): config, then AWS_RETRY_MODE / AWS_MAX_ATTEMPTS, then profile."""
    mode, attempts = config.retry_mode, config.max_attempts
    if mode is None or attempts is None:
        env = os.environ
        if mode is None and env.get("AWS_RETRY_MODE"):
            mode = env["AWS_RETRY_MODE"].strip().lower()  # type: ignore[assignment]
        if attempts is None and env.get("AWS_MAX_ATTEMPTS", "").strip().isdigit():
            attempts = int(env["AWS_MAX_ATTEMPTS"])
        if mode is None or attempts is None:
            from aws_ses.auth.profiles import load_shared_files, profile_name

            try:
                section = load_shared_files().config.get(config.profile or profile_name(), {})
            except Exception:  # a broken config file is reported by the credential chain
                section = {}
            if mode is None and section.get("retry_mode"):
                mode = str(section["retry_mode"]).strip().lower()  # type: ignore[assignment]
            if attempts is None and str(section.get("max_attempts", "")).strip().isdigit():
                attempts = int(section["max_attempts"])
    mode = mode or "standard"
    if mode not in ("standard", "adaptive", "off"):
        raise SesValidationError("retry_mode", f"{mode!r} is not standard, adaptive or off")
    if attempts is not None and attempts < 1:
        raise SesValidationError("max_attempts", "must be at least 1")
    return mode, attempts or _DEFAULT_MAX_ATTEMPTS


class SharedState:
    """What a client and its ``with_options`` copies share: the retry budget."""

    __slots__ = ("adaptive", "quota")

    def __init__(self) -> None:
        self.quota: RetryQuota | None = None
        self.adaptive: AdaptiveRate | None = None


class ClientCore:
    """Resolved configuration plus the pure request/response steps."""

    __slots__ = (
        "_credentials",
        "_provider",
        "_sigv4a",
        "breaker",
        "config",
        "endpoint",
        "host",
        "region",
        "retry",
        "runtime",
        "shared",
        "signer",
        "timeout",
        "user_agent",
    )

    def __init__(self, config: SesConfig, shared: SharedState | None = None) -> None:
        from aws_ses.auth.cache import CredentialCache
        from aws_ses.auth.providers import StaticCredentialProvider, default_chain, resolve_region

        if config.endpoint_url is None:
            # Like the AWS SDKs: a service-specific endpoint from the environment.
            env_endpoint = _configured_endpoint()
            if env_endpoint:
                config = config.with_options(endpoint_url=env_endpoint)
        self.config = config
        # EC2 instance metadata is asked last, only when nothing else names a
        # region and no endpoint URL was given (as botocore's region chain).
        region = resolve_region(
            config.region, profile=config.profile, imds=config.endpoint_url is None
        )
        if region is None and config.endpoint_url is None:
            raise SesValidationError(
                "region",
                "no region configured: pass region=..., set AWS_REGION, "
                "or set region in your AWS profile",
            )
        self.region = region or "us-east-1"
        self.endpoint: ResolvedEndpoint = resolve_endpoint(
            self.region,
            use_fips=config.use_fips,
            use_dual_stack=config.use_dual_stack,
            endpoint_url=config.endpoint_url,
        )
        self.host = urlsplit(self.endpoint.url).hostname or ""
        self.signer = SigV4Signer(self.endpoint.signing_name)
        self._sigv4a: Any = None
        # Providers are only built here; nothing is loaded until the first call.
        creds = config.credentials
        if creds is None:
            self._provider: Any = default_chain(
                profile=config.profile, mfa_token_provider=config.mfa_token_provider
            )
        elif isinstance(creds, Credentials):
            self._provider = StaticCredentialProvider(creds)
        else:
            self._provider = creds
        self._credentials = CredentialCache(self._provider)
        self.timeout = Timeout(connect=config.connect_timeout, read=config.timeout)
        agent = f"aws-ses/{__version__} python/{_PYTHON_VERSION}"
        self.user_agent = f"{agent} {config.user_agent_extra}" if config.user_agent_extra else agent
        self.runtime: Runtime = config.runtime or DEFAULT_RUNTIME
        self.shared = shared or SharedState()
        mode, attempts = _retry_settings(config)
        self.retry = RetryPolicy(
            mode=mode,
            max_attempts=attempts,
            retry_ambiguous_sends=config.retry_ambiguous_sends,
            runtime=self.runtime,
            quota=self.shared.quota,
            adaptive=self.shared.adaptive,
        )
        self.shared.quota, self.shared.adaptive = self.retry.quota, self.retry.adaptive
        self.breaker: CircuitBreaker | None = (
            breaker_for(
                self.region,
                self.base_url,
                threshold=config.breaker_threshold,
                cooldown=config.breaker_cooldown,
                clock=self.runtime.monotonic,
                transport=config.transport or config.async_transport,
            )
            if config.circuit_breaker
            else None
        )

    @property
    def base_url(self) -> str:
        return self.endpoint.url.rstrip("/")

    # ------------------------------------------------------------ credentials

    def credentials(self) -> Credentials:
        """Current credentials: loaded on first use, refreshed before they expire
        (see :class:`aws_ses.auth.CredentialCache`)."""
        return self._credentials.get()

    def ready_credentials(self) -> Credentials | None:
        """The cached credentials when they never expire (no refresh can be due,
        so no I/O), else None: the plan then asks the driver for them."""
        creds = self._credentials.current
        return creds if creds is not None and creds.expiration is None else None

    async def acredentials(self) -> Credentials:
        """The same without blocking the event loop while loading."""
        return await self._credentials.aget()

    # ------------------------------------------------------------ one call

    def plan(self, name: str, params: dict[str, Any]) -> Plan:
        """The steps of one call; see :mod:`aws_ses._pipeline`."""
        return call_plan(self, name, params)

    def build(
        self, name: str, params: dict[str, Any]
    ) -> tuple[Operation, HttpRequest, ResolvedEndpoint]:
        """Validate and serialize one call (unsigned). Raises before any I/O on bad input."""
        op = operation(name)
        endpoint = self.endpoint
        if params.get("EndpointId"):
            endpoint = resolve_endpoint(
                self.region,
                use_fips=self.config.use_fips,
                use_dual_stack=self.config.use_dual_stack,
                endpoint_url=self.config.endpoint_url,
                endpoint_id=params["EndpointId"],
            )
        request = build_request(op, params, endpoint.url.rstrip("/"))
        request.headers["User-Agent"] = self.user_agent
        for header, values in endpoint.headers.items():
            request.headers[header] = ",".join(values)
        return op, request, endpoint

    def prepare(self, name: str, params: dict[str, Any]) -> tuple[Operation, HttpRequest]:
        """Validate, serialize and sign one call (one attempt, no retries)."""
        op, request, endpoint = self.build(name, params)
        self.sign(request, self.credentials(), endpoint)
        return op, request

    def sign(
        self,
        request: HttpRequest,
        credentials: Credentials,
        endpoint: ResolvedEndpoint | None = None,
    ) -> None:
        """Sign (or re-sign, for a retry) a request."""
        endpoint = endpoint or self.endpoint
        if endpoint.auth_scheme == "sigv4a":
            # Multi-region endpoints: one ECDSA signature valid in a set of regions.
            from aws_ses.signing import SigV4aSigner

            signer = self._sigv4a
            if signer is None:
                signer = self._sigv4a = SigV4aSigner(endpoint.signing_name)
            signer.sign(request, credentials, region_set=endpoint.signing_region_set or ["*"])
            return
        self.signer.sign(request, credentials, region=endpoint.signing_region or self.region)

    def rate_unknown(self, limiter: RateLimiter, error: SesError | None) -> None:
        """``rate_limit="auto"`` could not read MaxSendRate: keep (or start at) a safe rate."""
        from aws_ses.config import DEFAULT_RATE_LIMIT

        rate = limiter.rate or DEFAULT_RATE_LIMIT
        logger.warning(
            "rate_limit='auto': could not read SendQuota.MaxSendRate (%s); using %g "
            "recipients/s until the next refresh",
            error.code if error is not None else "absent from GetAccount",
            rate,
            extra={"rate_limit": rate, "error_code": error.code if error else None},
        )
        limiter.set_rate(rate)

    @staticmethod
    def page_keys(op: Operation) -> tuple[str, str, str]:
        """(input token wire name, output token attribute, result list attribute)."""
        pag = op.paginator
        if pag is None or op.output is None:
            raise SesValidationError(op.py_name, "this operation does not page")
        out = shape(op.output)
        token = out.lookup(pag.output_token)
        items = out.lookup(pag.result_key)
        assert token is not None and items is not None
        return pag.input_token, token.py, items.py
