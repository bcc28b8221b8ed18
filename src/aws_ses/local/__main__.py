"""``python -m aws_ses.local``: run the local SES v2 server in the foreground."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from aws_ses.local.state import DEFAULT_PORT, ServerOptions

__all__ = ["build_parser", "main", "options_from_args"]


def build_parser(prog: str = "python -m aws_ses.local") -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Run a local Amazon SES v2 endpoint (SigV4-checked, state in SQLite).",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (loopback)")
    parser.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})"
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help="keep state in DIR/ses.sqlite3 across restarts (default: in memory)",
    )
    parser.add_argument("--region", default="us-east-1", help="region in ARNs and messages")
    parser.add_argument(
        "--no-auth", action="store_true", help="accept requests without checking signatures"
    )
    parser.add_argument(
        "--sandbox",
        action="store_true",
        help="start the account in the sandbox (only verified recipients)",
    )
    parser.add_argument(
        "--no-auto-verify",
        action="store_true",
        help="leave new identities pending instead of verifying them at once",
    )
    parser.add_argument(
        "--max-send-rate", type=float, default=None, help="recipients per second (default 14)"
    )
    parser.add_argument(
        "--smtp-port",
        type=int,
        default=None,
        help="also accept mail over SMTP on this port (SES SMTP credentials; e.g. 2587)",
    )
    parser.add_argument(
        "--smtp-tls",
        action="store_true",
        help="offer STARTTLS on the SMTP port (a generated local certificate) and require it "
        "before AUTH",
    )
    parser.add_argument(
        "--allow-host",
        action="append",
        default=[],
        metavar="NAME",
        help="another Host name the admin and inbox routes answer (repeatable)",
    )
    parser.add_argument(
        "--admin-token",
        default=None,
        help="require this token on /_aws/* and /_inbox (generated when --host is not loopback)",
    )
    return parser


def options_from_args(args: argparse.Namespace) -> ServerOptions:
    options = ServerOptions(
        region=args.region,
        auth=not args.no_auth,
        sandbox=args.sandbox,
        auto_verify=not args.no_auto_verify,
        data_dir=args.data_dir,
        allowed_hosts=tuple(args.allow_host),
        admin_token=args.admin_token or None,
    )
    if args.max_send_rate is not None:
        if args.max_send_rate <= 0:
            raise SystemExit("--max-send-rate must be positive")
        options.max_send_rate = args.max_send_rate
    return options


def main(argv: Sequence[str] | None = None, *, prog: str | None = None) -> int:
    parser = build_parser(prog) if prog else build_parser()
    args = parser.parse_args(argv)
    options = options_from_args(args)
    if args.smtp_port is not None and not 0 < args.smtp_port < 65536:
        raise SystemExit("--smtp-port must be a port number (1-65535)")
    from aws_ses.local.app import serve, with_admin_token

    options = with_admin_token(args.host, options)

    host = f"[{args.host}]" if ":" in args.host else args.host
    url = f"http://{host}:{args.port}"
    print(f"aws-ses local SES v2 endpoint: {url}")
    print(f"inbox:                        {url}/_inbox")
    if options.auth:
        key, secret = next(iter(options.credentials.items()))
        print(f"credentials:                  access key {key!r}, secret {secret!r}")
    else:
        print("credentials:                  any (signatures are not checked)")
    print(f"region:                       {options.region}")
    if args.smtp_port is not None:
        tls = " (STARTTLS)" if args.smtp_tls else ""
        print(f"SMTP:                         {host}:{args.smtp_port}{tls}")
        if options.auth:
            from aws_ses.smtp import smtp_credentials

            user, password = smtp_credentials(key, secret, options.region)
            print(f"SMTP credentials:             user {user!r}, password {password!r}")
    if options.admin_token is not None:
        print(f"admin token:                  {options.admin_token}")
    if options.data_dir is not None:
        print(f"state:                        {options.data_dir / 'ses.sqlite3'}")
    sys.stdout.flush()
    serve(options, host=args.host, port=args.port, smtp_port=args.smtp_port, smtp_tls=args.smtp_tls)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
