#!/usr/bin/env bash
# Set up aws-ses and run the demo: send mail through the embedded local SES v2
# server and show what arrived.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
. .venv/bin/activate
python -m pip install -q --upgrade pip
python -m pip install -q -e ".[local,cli]"
aws-ses demo "$@"
