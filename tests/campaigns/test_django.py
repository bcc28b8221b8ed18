"""Campaigns from a Django project: ``manage.py ses_campaign`` and a view under runserver.

The project (``django_project/``) configures the campaign in its settings and
enqueues through its own Celery app; the shared campaign worker processes
consume the queue, against the same redis-server and the local SES server.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .conftest import ROOT, TEMPLATE, Workers, free_port, to_addresses, wait_for

PROJECT = Path(__file__).parent / "django_project"


@pytest.fixture
def django_env(ses_server: Any, shared_workers: Workers, redis_url: str) -> dict[str, Any]:
    server = ses_server()
    env = dict(shared_workers.env)
    env.update(
        TEST_SES_URL=server.url,
        TEST_REDIS_URL=redis_url,
        TEST_QUEUE=shared_workers.queue,
        DJANGO_SETTINGS_MODULE="campaign_site.settings",
        PYTHONPATH=os.pathsep.join([str(PROJECT), str(ROOT / "src"), str(ROOT)]),
    )
    env.pop("AWS_SES_CAMPAIGNS_REDIS_URL")  # only the Django settings say where Redis is
    return {"env": env, "server": server}


def _manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", "ses_campaign", *args],
        cwd=PROJECT, env=env, capture_output=True, text=True, timeout=90,
    )  # fmt: skip


def test_management_command_starts_waits_and_reports(django_env, tmp_path):
    env, server = django_env["env"], django_env["server"]
    people = tmp_path / "people.csv"
    people.write_text("email,name\n" + "".join(f"dj{i}@example.org,D{i}\n" for i in range(40)))
    started = _manage(env, "start", str(people), "--template", TEMPLATE, "--wait", "--timeout=60")
    assert started.returncode == 0, started.stderr
    cid, counts = started.stdout.splitlines()
    done = json.loads(counts)
    assert done["done"] is True and done["counts"]["sent"] == 40 == done["total"]
    got = to_addresses(server)
    assert len(got) == 40 and set(got.values()) == {1}
    message = server.messages(email="dj7@example.org")[0]
    assert message["Source"] == "News <news@example.com>"  # DEFAULT_FROM_EMAIL
    assert '"D7"' in message["TemplateData"]

    status = _manage(env, "status", cid)
    assert status.returncode == 0 and json.loads(status.stdout)["counts"]["sent"] == 40
    missing = _manage(env, "status", "nope")
    assert missing.returncode == 1 and "no campaign 'nope' in this Redis" in missing.stderr


@pytest.fixture
def runserver(django_env: dict[str, Any]) -> Iterator[str]:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=PROJECT, env=django_env["env"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        start_new_session=True,
    )  # fmt: skip

    def accepting() -> bool:
        if proc.poll() is not None:
            raise AssertionError(proc.stderr.read().decode() if proc.stderr else "runserver died")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return True
        except OSError:
            return False

    wait_for(accepting, 30, "runserver")
    yield f"http://127.0.0.1:{port}"
    os.killpg(proc.pid, signal.SIGTERM)
    proc.wait(timeout=10)


def _json(url: str, body: Any = None) -> tuple[int, Any]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method="POST" if data else "GET")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def test_a_view_starts_a_campaign_and_another_shows_progress(django_env, runserver):
    server = django_env["server"]
    emails = [f"view{i}@example.org" for i in range(30)]
    code, started = _json(f"{runserver}/campaigns/", {"emails": emails, "template": TEMPLATE})
    assert code == 202
    cid = started["campaign_id"]
    seen: list[dict[str, Any]] = []

    def done() -> bool:
        seen.append(_json(f"{runserver}/campaigns/{cid}/")[1])
        return bool(seen[-1]["done"])

    wait_for(done, 60, "the campaign started by the view")
    assert seen[-1]["counts"]["sent"] == 30 and seen[-1]["control"] == "running"
    got = to_addresses(server)
    assert sorted(got) == sorted(emails) and set(got.values()) == {1}
    missing = _json(f"{runserver}/campaigns/nope/")
    assert missing == (404, {"error": "no campaign 'nope' in this Redis"})
