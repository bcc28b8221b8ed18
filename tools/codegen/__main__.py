"""Regenerate every generated file, or with ``--check`` fail when one would change."""

from __future__ import annotations

import argparse
import importlib
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GENERATORS = [
    "tools.codegen.service",
    "tools.codegen.model_tables",
    "tools.codegen.wire_types",
    "tools.codegen.endpoint_rules",
]


def _format(path: str, source: str) -> str:
    """Format with the pinned ruff so the committed output is stable."""
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--stdin-filename", path, "-"],
        input=source,
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return result.stdout


def render_all() -> dict[str, str]:
    files: dict[str, str] = {}
    for name in GENERATORS:
        module = importlib.import_module(name)
        for path, source in module.generate().items():
            files[path] = _format(path, source)
    return files


def leftovers(files: dict[str, str]) -> list[str]:
    """Files in a directory a generator owns that it no longer writes."""
    found = []
    for name in GENERATORS:
        for directory in getattr(importlib.import_module(name), "OWNED_DIRECTORIES", ()):
            for path in sorted((ROOT / directory).glob("*.py")):
                rel = path.relative_to(ROOT).as_posix()
                if rel not in files:
                    found.append(rel)
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.codegen")
    parser.add_argument("--check", action="store_true", help="fail if any file would change")
    args = parser.parse_args(argv)
    stale = []
    files = render_all()
    for rel, source in files.items():
        path = ROOT / rel
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current == source:
            continue
        stale.append(rel)
        if not args.check:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(source, encoding="utf-8")
    for rel in leftovers(files):
        stale.append(rel)
        if not args.check:
            (ROOT / rel).unlink()
    if args.check and stale:
        print("generated files are stale (run `python -m tools.codegen`):", *stale, sep="\n  ")
        return 1
    print("updated:" if stale else "up to date", *stale, sep="\n  " if stale else "")
    return 0


if __name__ == "__main__":
    sys.exit(main())
