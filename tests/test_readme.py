"""Every Python example in README.md, docs/local-server.md and docs/resilience.md runs.

Examples written for Amazon SES run against the local server: the test points
the standard environment variables (``AWS_ENDPOINT_URL_SESV2`` and the
credentials) at it, which is exactly how a user would redirect them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
DOCS = [README, ROOT / "docs" / "local-server.md", ROOT / "docs" / "resilience.md"]
BLOCKS = [
    (doc, block)
    for doc in DOCS
    for block in re.findall(r"```python\n(.*?)```", doc.read_text(encoding="utf-8"), re.S)
]


@pytest.fixture(scope="module")
def local_endpoint() -> Iterator[str]:
    from aws_ses.local import LocalServer

    with LocalServer() as server:
        yield server.url


def test_readme_has_examples() -> None:
    assert sum(doc == README for doc, _ in BLOCKS) >= 5


@pytest.mark.parametrize(
    ("doc", "source"), BLOCKS, ids=[f"{doc.name}-{i}" for i, (doc, _) in enumerate(BLOCKS)]
)
def test_readme_example_runs(
    doc: Path,
    source: str,
    local_endpoint: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL_SESV2", local_endpoint)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    exec(compile(source, str(doc), "exec"), {"__name__": "__readme__"})
    out = capsys.readouterr().out
    assert out.strip(), "every README example prints what it did"
