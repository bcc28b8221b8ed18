"""Real engines for the campaign tests: redis-server, Celery worker processes, the local server."""

from __future__ import annotations

import collections
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
import redis as redis_lib

from aws_ses.local import LocalServer

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="package")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.fail("redis-server is not installed (apt-get install redis-server)")
    port = free_port()
    workdir = tmp_path_factory.mktemp("redis")
    proc = subprocess.Popen(
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(workdir),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    client = redis_lib.Redis.from_url(url)
    deadline = time.monotonic() + 10
    while True:
        try:
            client.ping()
            break
        except redis_lib.ConnectionError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                pytest.fail("redis-server did not start")
            time.sleep(0.05)
    yield url
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture
def redis_client(redis_url: str) -> Any:
    return redis_lib.Redis.from_url(redis_url, decode_responses=True)


TEMPLATE = "newsletter"


@pytest.fixture
def ses_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., LocalServer]]:
    """Start a local SES server with a verified domain and the newsletter template."""
    started: list[LocalServer] = []

    def start(max_send_rate: float = 100_000.0) -> LocalServer:
        server = LocalServer(max_send_rate=max_send_rate, max_24_hour_send=10_000_000)
        server.start()
        started.append(server)
        with server.client() as client:
            client.create_email_identity(email_identity="example.com")
            client.create_email_template(
                template_name=TEMPLATE,
                template_content={"subject": "News for {{name}}", "text": "Hello {{name}}"},
            )
        return server

    yield start
    for server in started:
        server.stop()


class Workers:
    """Celery worker processes (prefork) started as subprocesses, each its own group."""

    def __init__(self, redis_url: str, queue: str, env: dict[str, str]) -> None:
        self.redis_url = redis_url
        self.queue = queue
        self.env = env
        self.procs: list[subprocess.Popen[bytes]] = []
        self.logs: list[Path] = []

    def start(self, concurrency: int = 2, log_dir: Path | None = None) -> subprocess.Popen[bytes]:
        name = f"w{len(self.procs)}-{uuid.uuid4().hex[:6]}@test"
        log_path = (log_dir or Path("/tmp")) / f"celery-{name}.log"
        handle = log_path.open("wb")
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "tests.campaigns.celery_test_app",
                "worker",
                "--pool=prefork",
                f"--concurrency={concurrency}",
                "-n",
                name,
                "-Q",
                self.queue,
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--loglevel=WARNING",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # SIGKILL reaches the pool processes too
        )
        self.procs.append(proc)
        self.logs.append(log_path)
        return proc

    def kill(self, proc: subprocess.Popen[bytes]) -> None:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)

    def stop_all(self) -> None:
        # SIGKILL: a warm shutdown takes seconds, and this Redis is thrown away.
        for proc in self.procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
        for proc in self.procs:
            proc.wait(timeout=10)

    def log_text(self) -> str:
        return "\n".join(p.read_text(errors="replace")[-3000:] for p in self.logs if p.exists())


def _start_workers(
    redis_url: str, log_dir: Path, count: int, concurrency: int, visibility: float
) -> Workers:
    env = dict(os.environ)
    env.update(
        AWS_SES_CAMPAIGNS_REDIS_URL=redis_url,
        AWS_ACCESS_KEY_ID="test",
        AWS_SECRET_ACCESS_KEY="test",
        AWS_REGION="us-east-1",
        CAMPAIGN_TEST_VISIBILITY=str(visibility),
        PYTHONPATH=os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
    )
    env.pop("AWS_PROFILE", None)
    group = Workers(redis_url, f"campaign-test-{uuid.uuid4().hex[:8]}", env)
    for _ in range(count):
        group.start(concurrency, log_dir)
    return group


@pytest.fixture(scope="package")
def shared_workers(redis_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workers]:
    """Two worker processes of two pool processes each, shared by the tests that kill none."""
    group = _start_workers(redis_url, tmp_path_factory.mktemp("celery"), 2, 2, 600)
    yield group
    group.stop_all()


@pytest.fixture
def workers(redis_url: str, tmp_path: Path) -> Iterator[Callable[..., Workers]]:
    """A factory for a test's own workers: ``workers(n, visibility=...)``, on a fresh queue."""
    made: list[Workers] = []

    def start(count: int = 2, *, concurrency: int = 2, visibility: float = 600) -> Workers:
        group = _start_workers(redis_url, tmp_path, count, concurrency, visibility)
        made.append(group)
        return group

    yield start
    for group in made:
        group.stop_all()


class ServerProcess:
    """The local SES server in a subprocess (``server_proc.py``), read back over HTTP."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.campaigns.server_proc"],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout is not None
        self.url = self.proc.stdout.readline().strip()
        if not self.url.startswith("http://"):
            self.stop()
            pytest.fail("the local SES server process did not start")

    def messages(self, *, id: str | None = None, bodies: bool = False) -> list[dict[str, Any]]:
        """The accepted messages (all, or the one with ``id``), as ``LocalServer.messages``."""
        found: list[dict[str, Any]] = []
        params = {} if bodies else {"bodies": "false"}
        if id is not None:
            params["id"] = id
        while True:
            with urllib.request.urlopen(f"{self.url}/_aws/ses?{urlencode(params)}") as reply:
                page = json.loads(reply.read())
            found.extend(page["messages"])
            if not page.get("next_token"):
                return found
            params["next_token"] = page["next_token"]

    def stop(self) -> None:
        if self.proc.stdin is not None:
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)


BIG = 5000
BIG_TEST = "test_five_thousand_recipients_each_mailed_once"


class BigCampaign:
    """The 5,000-recipient campaign, started early and checked by its test."""

    def __init__(self, redis_url: str, log_dir: Path) -> None:
        from aws_ses.campaigns import make_app, start_campaign

        self.server = ServerProcess()
        self.workers = _start_workers(redis_url, log_dir, 2, 2, 600)
        self.people = [{"email": f"user{i}@example.org", "name": f"N{i}"} for i in range(BIG)]
        rows = [*self.people, {"email": "USER7@example.org", "name": "again"}]  # a duplicate
        # Default settings: rate_limit="auto" (GetAccount's MaxSendRate) on the campaign's Redis.
        self.campaign_id = start_campaign(
            iter(rows),
            from_="news@example.com",
            template=TEMPLATE,
            default_data={"name": "friend"},
            ses={"endpoint_url": self.server.url, "region": "us-east-1"},
            app=make_app(redis_url),
            queue=self.workers.queue,
            check_suppression=False,  # read from the account in test_ledger
        )

    def stop(self) -> None:
        self.workers.stop_all()
        self.server.stop()


@pytest.fixture(scope="package")
def big_campaign(redis_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[BigCampaign]:
    """Its own server process and two worker processes, on a queue of its own."""
    campaign = BigCampaign(redis_url, tmp_path_factory.mktemp("big"))
    yield campaign
    campaign.stop()


@pytest.fixture(autouse=True)
def _start_the_big_campaign_early(request: pytest.FixtureRequest) -> None:
    # The big campaign is bound by its server's one core; started with the
    # first campaign test, it runs while the others use the other core.
    if any(item.name == BIG_TEST for item in request.session.items):
        request.getfixturevalue("big_campaign")


@pytest.fixture
def celery_app(redis_url: str) -> Any:
    from aws_ses.campaigns import make_app

    return make_app(redis_url)


def wait_for(predicate: Callable[[], bool], timeout: float, what: str) -> None:
    """Poll ``predicate`` every 50 ms until it holds (AssertionError after ``timeout``)."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def to_addresses(server: LocalServer | ServerProcess) -> collections.Counter[str]:
    """How many messages each address got, from the server's read-back."""
    counter: collections.Counter[str] = collections.Counter()
    for message in server.messages(bodies=False):
        for address in message["Destination"]["ToAddresses"]:
            counter[address.lower()] += 1
    return counter


@pytest.fixture(autouse=True)
def _aws_env(monkeypatch: pytest.MonkeyPatch) -> None:
    # The starting process reads the suppression list with these, as a worker would.
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    monkeypatch.delenv("AWS_PROFILE", raising=False)
