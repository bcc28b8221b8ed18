"""The local SES v2 server as test fixtures: in-process (ASGI) or on a real port.

Both offer the same reading and steering helpers (``messages()``,
``events()``, ``assert_sent()``, ``add_fault()``, ``reset()``), so a test can
move from one to the other without changing its assertions. Needs the
``local`` extra.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from aws_ses._http import HttpRequest, Timeout
from aws_ses.testing.assertions import assert_not_sent, assert_sent

if TYPE_CHECKING:
    from aws_ses.async_client import AsyncSesClient
    from aws_ses.client import SesClient
    from aws_ses.local import LocalServer
    from aws_ses.transport.asgi import ASGIApp, SyncASGITransport

__all__ = ["IN_PROCESS_URL", "LocalSes", "LocalSesHttp", "start_http_server"]

#: The endpoint the in-process clients use; no socket is ever opened for it.
IN_PROCESS_URL = "http://localhost"
_ACCESS_KEY, _SECRET_KEY = "test", "test"


class _Reading(ABC):
    """Read-back and steering over the server's admin routes."""

    region: str
    access_key_id: str
    secret_access_key: str

    @abstractmethod
    def _admin(self, method: str, path: str, body: Any = None) -> Any:
        """One JSON admin call; each subclass has its own I/O."""

    @abstractmethod
    def _verifying_client(self) -> SesClient:
        """A client to create identities with."""

    @abstractmethod
    def raw_message(self, message_id: str) -> bytes:
        """The message exactly as delivered (RFC 5322 bytes)."""

    def messages(self, *, id: str | None = None, email: str | None = None) -> list[dict[str, Any]]:
        """Mail the server accepted, oldest first (``GET /_aws/ses``, every page)."""
        params = {k: v for k, v in (("id", id), ("email", email)) if v is not None}
        found: list[dict[str, Any]] = []
        while True:
            page = self._admin("GET", "/_aws/ses?" + urlencode(params))
            found.extend(page["messages"])
            token = page.get("next_token")
            if not token:
                return found
            params["next_token"] = token

    def events(self, **filters: str) -> list[dict[str, Any]]:
        """Published events (filters ``type``, ``message_id``, ``destination``)."""
        found: list[dict[str, Any]] = self._admin("GET", "/_aws/ses/events?" + urlencode(filters))[
            "events"
        ]
        return found

    def add_fault(self, **spec: Any) -> dict[str, Any]:
        """Queue a fault: ``add_fault(operation="SendEmail", status=503, count=1)``."""
        queued: dict[str, Any] = self._admin("POST", "/_aws/ses/faults", spec)["fault"]
        return queued

    def reset(self) -> None:
        """Forget every identity, template, message, event, quota count and fault."""
        self._admin("DELETE", "/_aws/ses/state")

    def assert_sent(self, **criteria: Any) -> dict[str, Any]:
        """:func:`aws_ses.testing.assert_sent` on this server's messages."""
        return assert_sent(self, **criteria)

    def assert_not_sent(self, **criteria: Any) -> None:
        assert_not_sent(self, **criteria)

    @abstractmethod
    def django_settings(self) -> dict[str, Any]:
        """Settings that send Django's mail to this server, for ``override_settings``."""

    def _django_settings(self, endpoint_url: str, **config: Any) -> dict[str, Any]:
        settings: dict[str, Any] = {
            "EMAIL_BACKEND": "aws_ses.contrib.django.EmailBackend",
            "AWS_SES_REGION": self.region,
            "AWS_SES_ENDPOINT_URL": endpoint_url,
            "AWS_SES_ACCESS_KEY_ID": self.access_key_id,
            "AWS_SES_SECRET_ACCESS_KEY": self.secret_access_key,
        }
        if config:
            settings["AWS_SES_CONFIG"] = config
        return settings

    def verify(self, *identities: str) -> None:
        """Create sender identities (verified at once, unless the server has auto_verify=False)."""
        client = self._verifying_client()
        for identity in identities:
            client.create_email_identity(email_identity=identity)


class LocalSes(_Reading):
    """A fresh local server in this process, reached through the ASGI transport.

    ``client`` is a ready :class:`~aws_ses.SesClient`; :meth:`async_client`
    builds an :class:`~aws_ses.AsyncSesClient` on the same server.
    ``ServerOptions`` fields are keywords (``LocalSes(sandbox=True)``).
    Call :meth:`close` when done (the fixture does).
    """

    def __init__(self, **options: Any) -> None:
        from aws_ses.client import SesClient
        from aws_ses.transport.asgi import SyncASGITransport

        create_app = _local_server().create_app

        self.app = create_app(**options)
        server_options = self.app.state.ses.options
        self.region = server_options.region
        self.access_key_id, self.secret_access_key = next(
            iter(server_options.credentials.items()), (_ACCESS_KEY, _SECRET_KEY)
        )
        self.endpoint_url = IN_PROCESS_URL
        # The server needs no lifespan; declining it leaves no task behind
        # in the caller's event loop for the async clients.
        self._asgi: ASGIApp = _without_lifespan(self.app)
        self._transport: SyncASGITransport = SyncASGITransport(self._asgi)
        self.client: SesClient = SesClient(**self.client_options(transport=self._transport))

    def client_options(self, **options: Any) -> dict[str, Any]:
        """Keyword arguments for a client of this server (region, endpoint, keys)."""
        from aws_ses.auth.credentials import Credentials

        options.setdefault("region", self.region)
        options.setdefault("endpoint_url", self.endpoint_url)
        options.setdefault("credentials", Credentials(self.access_key_id, self.secret_access_key))
        return options

    def async_client(self, **options: Any) -> AsyncSesClient:
        """An async client on this server, usable in any event loop."""
        from aws_ses.async_client import AsyncSesClient
        from aws_ses.transport.asgi import ASGITransport

        options.setdefault("async_transport", ASGITransport(self._asgi))
        return AsyncSesClient(**self.client_options(**options))

    def _verifying_client(self) -> SesClient:
        return self.client

    @property
    def transport(self) -> SyncASGITransport:
        """The in-process transport every client of this server shares."""
        return self._transport

    def django_settings(self) -> dict[str, Any]:
        """Django settings for the aws-ses backend on this in-process server.

        ``with override_settings(**local_ses.django_settings()): ...``: the
        backend's clients use this server's transport, so no socket is opened.
        """
        return self._django_settings(self.endpoint_url, transport=self._transport)

    def _admin(self, method: str, path: str, body: Any = None) -> Any:
        data = b"" if body is None else json.dumps(body).encode()
        headers = {"Content-Type": "application/json"} if data else {}
        request = HttpRequest(method, self.endpoint_url + path, headers, data)
        response = self._transport.send(request, timeout=Timeout())
        if response.status >= 400:
            raise RuntimeError(f"local server answered {response.status} to {method} {path}")
        return json.loads(response.body or b"null")

    def raw_message(self, message_id: str) -> bytes:
        request = HttpRequest("GET", f"{self.endpoint_url}/_aws/ses/messages/{message_id}/raw")
        response = self._transport.send(request, timeout=Timeout())
        if response.status != 200:
            raise KeyError(message_id)
        return response.body

    def close(self) -> None:
        self.client.close()
        self._transport.close()

    def __enter__(self) -> LocalSes:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"LocalSes(endpoint_url={self.endpoint_url!r}, in_process=True)"


class LocalSesHttp(_Reading):
    """The local server on a real port, for code that builds its own client.

    ``url`` is the endpoint; ``env`` the environment variables that point
    aws-ses, boto3 and the AWS CLI at it (the fixture sets them for the test).
    """

    def __init__(self, server: LocalServer) -> None:
        self.server = server
        self.region = server.options.region
        self.access_key_id, self.secret_access_key = next(
            iter(server.options.credentials.items()), (_ACCESS_KEY, _SECRET_KEY)
        )
        self._client: SesClient | None = None

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def endpoint_url(self) -> str:
        return self.server.url

    @property
    def env(self) -> Mapping[str, str]:
        return {
            "AWS_ENDPOINT_URL_SESV2": self.url,
            "AWS_ACCESS_KEY_ID": self.access_key_id,
            "AWS_SECRET_ACCESS_KEY": self.secret_access_key,
            "AWS_REGION": self.region,
            "AWS_DEFAULT_REGION": self.region,
        }

    def client(self, **options: Any) -> SesClient:
        """A new :class:`~aws_ses.SesClient` for this server (close it when done)."""
        return self.server.client(**options)

    def async_client(self, **options: Any) -> AsyncSesClient:
        return self.server.async_client(**options)

    def django_settings(self) -> dict[str, Any]:
        """Django settings for the aws-ses backend on this server, for ``override_settings``."""
        return self._django_settings(self.url)

    def _verifying_client(self) -> SesClient:
        if self._client is None:
            self._client = self.server.client()
        return self._client

    def _admin(self, method: str, path: str, body: Any = None) -> Any:
        import urllib.request

        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.url + path, data=data, method=method)
        if data is not None:
            request.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read() or b"null")

    def raw_message(self, message_id: str) -> bytes:
        import urllib.error
        import urllib.request

        url = f"{self.url}/_aws/ses/messages/{message_id}/raw"
        try:
            with urllib.request.urlopen(url, timeout=30) as response:
                data: bytes = response.read()
        except urllib.error.HTTPError as exc:
            if exc.code == 404:
                raise KeyError(message_id) from None
            raise
        return data

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def __repr__(self) -> str:
        return f"LocalSesHttp(url={self.url!r})"


def _local_server() -> Any:
    """``aws_ses.local``, or an error that says which extra brings it."""
    try:
        import aws_ses.local as local
    except ModuleNotFoundError as exc:
        raise ModuleNotFoundError(
            f"the local SES server needs the 'local' extra (pip install 'aws-ses[local]'); "
            f"{exc.name} is missing"
        ) from exc
    return local


def start_http_server(**options: Any) -> LocalServer:
    """A started :class:`~aws_ses.local.LocalServer` (``ServerOptions`` as keywords)."""
    server: LocalServer = _local_server().LocalServer(**options)
    return server.start()


def _without_lifespan(app: ASGIApp) -> ASGIApp:
    async def wrapped(scope: Any, receive: Callable[..., Any], send: Callable[..., Any]) -> None:
        if scope["type"] == "lifespan":
            return
        await app(scope, receive, send)

    return wrapped
