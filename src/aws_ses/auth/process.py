"""``credential_process``: a command in the profile that prints credentials.

The command is split as a POSIX shell would split it (no shell runs it) and
must print JSON ``{"Version": 1, "AccessKeyId", "SecretAccessKey",
"SessionToken"?, "Expiration"?}`` on stdout. Its stderr is the caller's
stderr, so prompts and diagnostics reach the user. A non-zero exit is an
error naming the profile and the status; stdout is never quoted (it may hold
a secret). The async path spawns and waits in worker threads, so the event
loop never waits for fork/exec, and kills the child if the call is cancelled.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import asyncio
else:
    from ._aio import asyncio

from ..errors import CredentialsError
from .base import Declined, Outcome, Provider, no_profile, parse_timestamp, select_profile, value
from .credentials import Credentials
from .profiles import environ_of, load_shared_files

__all__ = ["ProcessCredentialProvider", "parse_process_output"]


def parse_process_output(stdout: bytes, profile: str, source: str) -> Credentials:
    where = f"credential_process of profile {profile!r}"
    try:
        data = json.loads(stdout)
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise CredentialsError(f"{where} did not print a JSON object")
    if data.get("Version") != 1:
        raise CredentialsError(f"{where} printed an unsupported Version (only 1 is supported)")
    key, secret = data.get("AccessKeyId"), data.get("SecretAccessKey")
    token, expiry = data.get("SessionToken"), data.get("Expiration")
    missing = [
        name
        for name, found in (("AccessKeyId", key), ("SecretAccessKey", secret))
        if not isinstance(found, str) or not found
    ]
    if missing:
        raise CredentialsError(f"{where} printed no {' or '.join(missing)}")
    assert isinstance(key, str) and isinstance(secret, str)
    expiration = None if expiry is None else parse_timestamp(expiry, f"{where}: Expiration")
    return Credentials(
        key, secret, token if isinstance(token, str) else None, expiration=expiration, source=source
    )


class ProcessCredentialProvider(Provider):
    """Runs the profile's ``credential_process`` at each load."""

    name = "credential-process"

    def __init__(self, profile: str | None = None, env: Mapping[str, str] | None = None) -> None:
        self._profile = profile or None
        self._env = env

    def _command(self) -> tuple[str, list[str]] | Declined:
        env = environ_of(self._env)
        name, section = select_profile(load_shared_files(env), self._profile, env)
        if section is None:
            return no_profile(name)
        command = value(section, "credential_process")
        if command is None:
            return Declined(f"profile {name!r} has no credential_process")
        try:
            import shlex  # here: only a configured command needs it

            argv = shlex.split(command)
        except ValueError:
            argv = []
        if not argv:
            raise CredentialsError(f"credential_process of profile {name!r} cannot be parsed")
        return name, argv

    def _env_for_child(self) -> dict[str, str] | None:
        # The child sees the environment the provider reads: the one it was
        # given, else this process's.
        return None if self._env is None else dict(self._env)

    def attempt(self) -> Outcome:
        found = self._command()
        if isinstance(found, Declined):
            return found
        profile, argv = found
        import subprocess  # here: a profile without credential_process never needs it

        try:
            done = subprocess.run(
                argv, stdout=subprocess.PIPE, stdin=subprocess.DEVNULL, env=self._env_for_child()
            )
        except OSError as exc:
            problem = exc.strerror or type(exc).__name__
        else:
            return self._result(profile, argv, done.returncode, done.stdout)
        raise _cannot_start(profile, argv, problem)

    async def aattempt(self) -> Outcome:
        found = await asyncio.to_thread(self._command)
        if isinstance(found, Declined):
            return found
        profile, argv = found
        import subprocess

        try:
            # Spawned from a worker thread: asyncio's own subprocess support
            # forks and waits for the exec on the loop thread, which stalls the
            # loop for 10-40 ms on a busy machine.
            child = await asyncio.to_thread(
                subprocess.Popen,
                argv,
                stdout=subprocess.PIPE,
                stdin=subprocess.DEVNULL,
                env=self._env_for_child(),
            )
        except OSError as exc:
            problem = exc.strerror or type(exc).__name__
        else:
            try:
                stdout, _ = await asyncio.to_thread(child.communicate)
            except asyncio.CancelledError:
                # Do not leave the child running behind a cancelled call; the
                # worker thread's communicate() returns once it is gone.
                child.kill()
                raise
            return self._result(profile, argv, child.returncode, stdout)
        raise _cannot_start(profile, argv, problem)

    def _result(self, profile: str, argv: list[str], status: int, stdout: bytes) -> Credentials:
        if status != 0:
            raise CredentialsError(
                f"credential_process of profile {profile!r} ({argv[0]}) exited with status "
                f"{status} (its stderr goes to this process's stderr)"
            )
        return parse_process_output(stdout, profile, self.name)

    def __repr__(self) -> str:
        return f"ProcessCredentialProvider(profile={self._profile!r})"


def _cannot_start(profile: str, argv: list[str], problem: str) -> CredentialsError:
    return CredentialsError(
        f"credential_process of profile {profile!r} could not start {argv[0]}: {problem}"
    )
