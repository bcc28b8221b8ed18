"""A local SES v2 server: real SigV4 checks, SES's wire format, state in SQLite.

``create_app()`` returns the ASGI app (for in-process use through
:class:`aws_ses.transport.asgi.ASGITransport`); :class:`LocalServer` runs it on
a background thread for tests and demos; ``python -m aws_ses.local`` (or
``aws-ses local``) serves it in the foreground. ``smtp_port`` (``--smtp-port``)
adds the SMTP endpoint (:mod:`aws_ses.local.smtp`). Importing this package
imports Starlette; ``import aws_ses`` does not.
"""

from __future__ import annotations

from aws_ses.local.app import LocalServer, create_app, serve
from aws_ses.local.state import DEFAULT_PORT, ServerOptions

__all__ = ["DEFAULT_PORT", "LocalServer", "ServerOptions", "create_app", "serve"]
