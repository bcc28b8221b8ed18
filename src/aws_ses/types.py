"""Every SES v2 wire type, as ``msgspec.Struct`` classes with snake_case fields.

Re-exported from the generated module so user code imports a stable name::

    from aws_ses.types import Destination, EmailContent
"""

from aws_ses._generated.types import *  # noqa: F403
from aws_ses._generated.types import __all__ as __all__
