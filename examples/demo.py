"""Send mail through aws-ses to the embedded local SES v2 server and show what arrived.

Run it with ``./scripts/demo.sh`` (or ``aws-ses demo``, or ``python examples/demo.py``).
``--serve`` keeps the server and its web inbox running afterwards. The code
is in ``aws_ses/cli/demo.py``, so the installed ``aws-ses demo`` runs the same.
"""

from __future__ import annotations

import argparse

from aws_ses.cli.demo import run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=0, help="server port (default: any free)")
    parser.add_argument("--serve", action="store_true", help="keep serving after the demo")
    args = parser.parse_args()
    run(args.port, args.serve)


if __name__ == "__main__":
    main()
