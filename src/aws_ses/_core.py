"""What the sync and async clients share: everything but the I/O.

``ClientCore`` resolves region, endpoint and credentials, builds and signs a
request for an operation, and turns the response into a result. The clients
only move the request through their transport.
"""

from __future__ import annotations

import os
import platform
from typing import Any

from aws_ses._http import HttpRequest, HttpResponse, Timeout
from aws_ses._model import Operation, operation, shape
from aws_ses._parse import parse_response
from aws_ses._serialize import build_request
from aws_ses._version import __version__
from aws_ses.auth.credentials import Credentials
from aws_ses.config import SesConfig
from aws_ses.endpoints import ResolvedEndpoint, resolve_endpoint
from aws_ses.errors import SesValidationError
from aws_ses.signing import SigV4Signer

__all__ = ["ClientCore"]


def _configured_endpoint() -> str | None:
    env = os.environ
    if env.get("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "").lower() == "true":
        return None
    return env.get("AWS_ENDPOINT_URL_SESV2") or env.get("AWS_ENDPOINT_URL") or None


class ClientCore:
    """Resolved configuration plus the pure request/response steps."""

    __slots__ = (
        "_credentials",
        "_provider",
        "_sigv4a",
        "config",
        "endpoint",
        "region",
        "signer",
        "timeout",
        "user_agent",
    )

    def __init__(self, config: SesConfig) -> None:
        from aws_ses.auth.cache import CredentialCache
        from aws_ses.auth.providers import StaticCredentialProvider, default_chain, resolve_region

        if config.endpoint_url is None:
            # Like the AWS SDKs: a service-specific endpoint from the environment.
            env_endpoint = _configured_endpoint()
            if env_endpoint:
                config = config.with_options(endpoint_url=env_endpoint)
        self.config = config
        region = resolve_region(config.region, profile=config.profile)
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
        agent = f"aws-ses/{__version__} python/{platform.python_version()}"
        self.user_agent = f"{agent} {config.user_agent_extra}" if config.user_agent_extra else agent

    @property
    def base_url(self) -> str:
        return self.endpoint.url.rstrip("/")

    def credentials(self) -> Credentials:
        """Current credentials: loaded on first use, refreshed before they expire."""
        return self._credentials.get()

    async def acredentials(self) -> Credentials:
        """As :meth:`credentials`, without blocking the event loop while loading."""
        return await self._credentials.aget()

    def prepare(self, name: str, params: dict[str, Any]) -> tuple[Operation, HttpRequest]:
        """Validate, serialize and sign one call. Raises before any I/O on bad input."""
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
        self.sign(request, endpoint)
        return op, request

    def sign(self, request: HttpRequest, endpoint: ResolvedEndpoint | None = None) -> None:
        """Sign (or re-sign, for a retry) a request."""
        endpoint = endpoint or self.endpoint
        if endpoint.auth_scheme == "sigv4a":
            # Multi-region endpoints: one ECDSA signature valid in a set of regions.
            from aws_ses.signing import SigV4aSigner

            signer = self._sigv4a
            if signer is None:
                signer = self._sigv4a = SigV4aSigner(endpoint.signing_name)
            signer.sign(
                request, self.credentials(), region_set=endpoint.signing_region_set or ["*"]
            )
            return
        self.signer.sign(request, self.credentials(), region=endpoint.signing_region or self.region)

    @staticmethod
    def parse(op: Operation, response: HttpResponse) -> Any:
        return parse_response(op, response)

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
