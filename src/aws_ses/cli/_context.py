"""The global options, and the client and console every command builds from them."""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

import typer

if TYPE_CHECKING:
    from rich.console import Console

    from aws_ses.client import SesClient
    from aws_ses.config import SesConfig

__all__ = ["Output", "Settings", "settings"]


class Output(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


@dataclass(slots=True)
class Settings:
    """What the global options asked for; commands read it from the click context."""

    region: str | None = None
    profile: str | None = None
    endpoint_url: str | None = None
    output: Output = Output.table
    debug: bool = False
    color: bool = True
    _console: Console | None = field(default=None, repr=False)
    _err_console: Console | None = field(default=None, repr=False)

    def config(self, **options: Any) -> SesConfig:
        """``SesConfig`` from the environment (``AWS_*``) with the options on top."""
        from aws_ses.config import SesConfig

        explicit: dict[str, Any] = {
            name: value
            for name, value in (
                ("region", self.region),
                ("profile", self.profile),
                ("endpoint_url", self.endpoint_url),
            )
            if value is not None
        }
        return SesConfig.from_env(None, **explicit, **options)

    def client(self, **options: Any) -> SesClient:
        from aws_ses.client import SesClient

        return SesClient(self.config(**options))

    @property
    def console(self) -> Console:
        if self._console is None:
            self._console = _make_console(self.color, sys.stdout)
        return self._console

    @property
    def err_console(self) -> Console:
        if self._err_console is None:
            self._err_console = _make_console(self.color, sys.stderr)
        return self._err_console

    def enable_debug_logging(self) -> None:
        # One handler however often this runs in a process (tests invoke the
        # app many times), writing to whatever sys.stderr is at the time.
        logger = logging.getLogger("aws_ses")
        if not any(isinstance(h, _StderrHandler) for h in logger.handlers):
            handler = _StderrHandler()
            handler.setFormatter(logging.Formatter("aws-ses: debug: %(name)s: %(message)s"))
            logger.addHandler(handler)
        logger.setLevel(logging.DEBUG)


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """A stream handler bound to the current ``sys.stderr`` at each record."""

    @property
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, value: Any) -> None:
        pass


def _make_console(color: bool, stream: Any) -> Console:
    from rich.console import Console

    # highlight=False: no guessing at colours for numbers and URLs in data.
    return Console(file=stream, no_color=not color, highlight=False, soft_wrap=False)


def settings(ctx: typer.Context) -> Settings:
    """The settings of this invocation (defaults when a command runs on its own)."""
    root = ctx.find_root()
    if not isinstance(root.obj, Settings):
        root.obj = Settings()
    return root.obj
