"""The examples of docs/testing.md, run as the test files they say they are."""

from __future__ import annotations

import re
from importlib.metadata import entry_points
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

DOC = Path(__file__).resolve().parents[2] / "docs" / "testing.md"
PLUGIN = "aws_ses.testing.pytest_plugin"
_EXAMPLE = re.compile(r"<!-- test file: (\S+) -->\n```python\n(.*?)```", re.S)


def examples() -> dict[str, str]:
    found = dict(_EXAMPLE.findall(DOC.read_text()))
    assert len(found) >= 4, "docs/testing.md lost its examples"
    return found


def test_every_python_block_is_a_tested_example() -> None:
    blocks = DOC.read_text().count("```python")
    assert blocks == len(examples())


def test_docs_examples_pass(pytester: pytest.Pytester) -> None:
    files = examples()
    for name, code in files.items():
        pytester.makepyfile(**{name.removesuffix(".py"): code})
    pytester.makeini("[pytest]\nasyncio_default_fixture_loop_scope = function\n")
    expected = sum(len(re.findall(r"^def test_", code, re.M)) for code in files.values())
    installed = any(ep.value == PLUGIN for ep in entry_points(group="pytest11"))
    # A subprocess: the Django example configures Django's settings for itself.
    args = [] if installed else ["-p", PLUGIN]
    result = pytester.runpytest_subprocess(*args, "-p", "no:cacheprovider")
    result.assert_outcomes(passed=expected)
