"""Stand-ins that do the real work on first use: a module, a logger, a regex."""

from __future__ import annotations

import importlib
import re
import sys
from collections.abc import Callable
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import logging

__all__ = ["LazyLogger", "LazyPattern", "lazy_logger", "lazy_module"]


class _LazyModule:
    __slots__ = ("_module", "_name")

    def __init__(self, name: str) -> None:
        self._name = name
        self._module: ModuleType | None = None

    def __getattr__(self, attr: str) -> Any:
        module = self._module
        if module is None:
            module = self._module = importlib.import_module(self._name)
        return getattr(module, attr)

    def __repr__(self) -> str:
        return f"<lazy module {self._name!r}>"


def lazy_module(name: str) -> Any:
    """A stand-in for module ``name``; importing it is deferred to first use."""
    return _LazyModule(name)


# logging's levels, spelled out so that checking one needs no import.
DEBUG, INFO, WARNING = 10, 20, 30


class LazyLogger:
    """``logging.getLogger(name)``, without importing ``logging`` until it matters.

    Importing ``logging`` costs a client's cold start more than most of the
    client does. Until something has imported it, nobody can have added a
    handler or changed a level, so the defaults hold: the root logger passes
    WARNING and up, to the last-resort handler on stderr. A record below
    that is dropped without the import; a WARNING imports ``logging`` and is
    emitted exactly as the real logger would. Once ``logging`` is loaded
    (an application that configures logging has loaded it), every call goes
    straight to the real logger, so levels, handlers and ``caplog`` work as
    usual. Records name the caller's line, not this class's.
    """

    __slots__ = ("_logger", "name")

    def __init__(self, name: str) -> None:
        self.name = name
        self._logger: logging.Logger | None = None

    def _real(self) -> logging.Logger:
        logger = self._logger
        if logger is None:
            import logging

            logger = self._logger = logging.getLogger(self.name)
        return logger

    def isEnabledFor(self, level: int) -> bool:  # logging's spelling
        if self._logger is None and "logging" not in sys.modules:
            return level >= WARNING
        return self._real().isEnabledFor(level)

    def _emit(self, level: int, msg: object, args: tuple[object, ...], kw: dict[str, Any]) -> None:
        if self.isEnabledFor(level):
            # The record names the line that called debug()/info()/warning().
            kw["stacklevel"] = kw.get("stacklevel", 1) + 2
            self._real().log(level, msg, *args, **kw)

    def debug(self, msg: object, *args: object, **kwargs: Any) -> None:
        self._emit(DEBUG, msg, args, kwargs)

    def info(self, msg: object, *args: object, **kwargs: Any) -> None:
        self._emit(INFO, msg, args, kwargs)

    def warning(self, msg: object, *args: object, **kwargs: Any) -> None:
        self._emit(WARNING, msg, args, kwargs)

    def __repr__(self) -> str:
        return f"<lazy logger {self.name!r}>"


def lazy_logger(name: str) -> LazyLogger:
    """A stand-in for ``logging.getLogger(name)``; see :class:`LazyLogger`."""
    return LazyLogger(name)


class LazyPattern:
    """``re.compile(source)``, compiled the first time it is matched.

    A module's table of patterns costs its import a compile each (about a
    tenth of a millisecond apiece), though a call uses few of them. After
    the first use ``fullmatch``, ``search`` and ``sub`` are the compiled
    pattern's own bound methods, stored on the instance, so matching costs
    what it did.
    """

    __slots__ = ("fullmatch", "search", "source", "sub")

    fullmatch: Callable[[str], re.Match[str] | None]
    search: Callable[[str], re.Match[str] | None]
    sub: Callable[[str, str], str]

    def __init__(self, source: str) -> None:
        self.source = source

    def __getattr__(self, name: str) -> Any:
        # Only reached while a slot is still empty, that is before the first use.
        if name not in ("fullmatch", "search", "sub"):
            raise AttributeError(name)
        compiled = re.compile(self.source)
        self.fullmatch = compiled.fullmatch
        self.search = compiled.search
        self.sub = compiled.sub
        return getattr(compiled, name)

    def __repr__(self) -> str:
        return f"LazyPattern({self.source!r})"
