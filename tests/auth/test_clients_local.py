"""Both clients sign real requests with credentials from every provider, and
the local SES server (which verifies SigV4) accepts them."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
import pytest_asyncio

from aws_ses import AsyncSesClient, SesClient
from aws_ses.auth import Credentials, default_chain
from aws_ses.errors import SesError
from aws_ses.local import LocalServer
from aws_ses.transport import AiohttpTransport, Urllib3Transport

from .conftest import World
from .fakes import MARKER
from .test_botocore_oracle import SCENARIOS

# The static keys the scenarios write into files and the environment.
STATIC_KEYS = {
    "AKIAENV": f"{MARKER}-env",
    "AKIACREDFILE": f"{MARKER}-credfile",
    "AKIACONFIG": "s",
    "AKIAPROCESS": "s",
    "AKIADEV": "s",
}


# One event loop for the module, so one aiohttp transport serves every test
# (each transport costs a TLS context, which is slow to build on a busy box).
pytestmark = pytest.mark.asyncio(loop_scope="module")


SOURCES = {
    "environment": "environment",
    "assume-role": "assume-role",
    "web-identity": "web-identity",
    "sso": "sso",
    "credentials file before credential_process": "shared-credentials-file",
    "credential_process before config file": "credential-process",
    "config file": "config-file",
    "container": "container",
    "imds": "imds",
    "imds v1 only": "imds",
    "AWS_PROFILE": "shared-credentials-file",
}


@pytest.fixture(scope="module")
def local() -> Iterator[LocalServer]:
    with LocalServer(credentials={}) as server:
        yield server


@pytest.fixture(scope="module")
def sync_transport() -> Iterator[Urllib3Transport]:
    transport = Urllib3Transport()
    yield transport
    transport.close()


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def async_transport() -> AsyncIterator[AiohttpTransport]:
    transport = AiohttpTransport()
    yield transport
    await transport.aclose()


@pytest.fixture
def http(sync_transport: Urllib3Transport, async_transport: AiohttpTransport) -> dict[str, Any]:
    return {"transport": sync_transport, "async_transport": async_transport}


@pytest.fixture
def accepting(local: LocalServer, world: World) -> LocalServer:
    """The server accepts exactly the keys the fake AWS hands out (and the static ones)."""
    local.options.credentials.clear()
    local.options.credentials.update(STATIC_KEYS)
    world.fake.on_issue = local.options.credentials.__setitem__
    return local


@pytest.mark.parametrize("scenario", list(SCENARIOS), ids=list(SCENARIOS))
async def test_both_clients_sign_with_each_provider(
    accepting: LocalServer, world: World, scenario: str, http: dict[str, Any]
) -> None:
    env = SCENARIOS[scenario](world)
    options = {"region": "us-east-1", "endpoint_url": accepting.url}
    client = SesClient(
        credentials=default_chain(env=env, **http), transport=http["transport"], **options
    )
    account = client.get_account()
    assert account.send_quota is not None
    assert client._core.credentials().source == SOURCES[scenario]
    aclient = AsyncSesClient(
        credentials=default_chain(env=env, **http),
        async_transport=http["async_transport"],
        **options,
    )
    account = await aclient.get_account()
    assert account.send_quota is not None


async def test_server_refuses_unknown_keys(accepting: LocalServer, http: dict[str, Any]) -> None:
    options = {"region": "us-east-1", "endpoint_url": accepting.url}
    stranger = Credentials("AKIASTRANGER", "nope")
    client = SesClient(credentials=stranger, transport=http["transport"], **options)
    with pytest.raises(SesError) as info:
        client.get_account()
    assert info.value.status == 403
    aclient = AsyncSesClient(
        credentials=stranger, async_transport=http["async_transport"], **options
    )
    with pytest.raises(SesError):
        await aclient.get_account()


async def test_default_credentials_load_on_first_call_not_at_build(
    accepting: LocalServer, world: World, monkeypatch: pytest.MonkeyPatch, http: dict[str, Any]
) -> None:
    # The client's own default chain, reading the process environment.
    for name, value in SCENARIOS["container"](world).items():
        monkeypatch.setenv(name, value)
    options = {"region": "us-east-1", "endpoint_url": accepting.url}
    client = SesClient(transport=http["transport"], **options)
    aclient = AsyncSesClient(async_transport=http["async_transport"], **options)
    assert not world.fake.requests  # building did no I/O
    client.get_account()
    assert len(world.fake.seen("/container-creds")) == 1
    await aclient.get_account()
    await aclient.get_account()  # cached: no second fetch
    assert len(world.fake.seen("/container-creds")) == 2
