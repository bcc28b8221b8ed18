"""``aws-ses smtp-credentials``: SES SMTP user name and password from the current credentials."""

from __future__ import annotations

import typer

from aws_ses.cli._context import Output, settings
from aws_ses.cli._output import emit_record

__all__ = ["smtp_credentials"]


def smtp_credentials(ctx: typer.Context) -> None:
    """Print the SMTP user name and password for SES's SMTP interface in the region.

    They are derived from the credentials the chain finds (environment,
    profile, ...). The password is a secret: it is printed only here, on
    request.
    """
    from aws_ses.auth.providers import default_chain, resolve_region
    from aws_ses.smtp import smtp_credentials as derive

    s = settings(ctx)
    config = s.config()
    region = resolve_region(config.region, profile=config.profile) or "us-east-1"
    creds = default_chain(profile=config.profile).load()
    user, password = derive(creds.access_key_id, creds.secret_access_key, region)
    host = f"email-smtp.{region}.amazonaws.com"
    if s.output is Output.table:
        print(f"SMTP server:   {host} (port 587 STARTTLS, or 465 TLS)")
        print(f"SMTP user:     {user}")
        print(f"SMTP password: {password}")
        return
    emit_record(s, [("host", host), ("region", region), ("user", user), ("password", password)])
