#!/usr/bin/env bash
# Set up everything the tests need, then run every check and test.
# Usage: ./scripts/test.sh [extra pytest args]
set -euo pipefail
cd "$(dirname "$0")/.."

# System packages: Chromium for the web-inbox browser test, redis-server for
# the shared rate limiter and campaign tests, swaks for the SMTP test.
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
command -v swaks >/dev/null 2>&1 || need+=(swaks)
if [ ${#need[@]} -gt 0 ] && command -v apt-get >/dev/null 2>&1; then
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    echo "installing system packages: ${need[*]}"
    ($SUDO apt-get update -qq && $SUDO apt-get install -y -qq "${need[@]}" >/dev/null) \
        || echo "warning: could not install ${need[*]}; tests that need them will say so"
fi

# Python environment.
[ -x .venv/bin/python ] || python3 -m venv .venv
. .venv/bin/activate
python -m pip install -q --upgrade pip
python -m pip install -q -e ".[dev]"

echo "== generated code is up to date"
python -m tools.codegen --check
echo "== ruff"
ruff check src tests tools examples
ruff format --check src tests tools examples
echo "== mypy --strict src"
mypy
echo "== pytest"
python -m pytest -q "$@"
