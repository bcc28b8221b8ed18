"""The committed generated code is exactly what the generator writes today."""

from __future__ import annotations

import pytest

pytest.importorskip("botocore")

from tools.codegen.__main__ import ROOT, render_all


def test_generated_files_are_up_to_date() -> None:
    stale = [
        path
        for path, source in render_all().items()
        if (ROOT / path).read_text(encoding="utf-8") != source
    ]
    assert stale == [], f"run `python -m tools.codegen`: {stale}"


def test_generated_code_copies_no_documentation() -> None:
    # The model's documentation is HTML; none of it may reach generated code.
    for path in (ROOT / "src" / "aws_ses" / "_generated").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "<p>" not in text, path
        assert "documentation" not in text, path
