"""Every SES v2 wire type, as ``msgspec.Struct`` classes with snake_case fields.

Re-exported from the generated package so user code imports a stable name::

    from aws_ses.types import Destination, EmailContent

Each name loads its module on first use (``from aws_ses.types import *``
loads them all).
"""

from typing import TYPE_CHECKING, Any

from aws_ses._generated import types as _types
from aws_ses._generated.types import __all__ as __all__

if TYPE_CHECKING:
    from aws_ses._generated.types import *  # noqa: F403


def __getattr__(name: str) -> Any:
    return getattr(_types, name)


def __dir__() -> list[str]:
    return __all__
