"""The documentation's own promises: code on the getting-started page runs, every guide
page is in the guide's table of contents, and the gallery examples exist."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[1] / "docs"
EXAMPLES = DOCS.parent / "examples"


def _python_blocks(path: Path) -> list[str]:
    return re.findall(r"```python\n(.*?)```", path.read_text(encoding="utf-8"), re.S)


def test_every_guide_page_is_in_the_guide_toctree() -> None:
    index = (DOCS / "guide" / "index.md").read_text(encoding="utf-8")
    listed = set()
    for block in re.findall(r"```\{toctree\}\n(.*?)```", index, re.S):
        listed.update(
            line.strip() for line in block.splitlines() if line.strip() and ":" not in line
        )
    pages = {
        p.stem
        for p in (DOCS / "guide").glob("*.md")
        if not p.read_text(encoding="utf-8").startswith("---\norphan: true")
    } - {"index"}
    assert pages - listed == set(), "add these pages to a toctree in docs/guide/index.md"
    every = {p.stem for p in (DOCS / "guide").glob("*.md")}
    assert listed - every == set(), "these toctree entries have no page"


def test_gallery_examples_are_small_scripts() -> None:
    scripts = sorted(EXAMPLES.glob("plot_*.py"))
    assert len(scripts) >= 4
    assert (EXAMPLES / "README.txt").exists()
    for script in scripts:
        text = script.read_text(encoding="utf-8")
        assert text.startswith('"""\n'), f"{script.name}: sphinx-gallery needs a docstring title"


@pytest.mark.slow
def test_getting_started_code_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import matplotlib

    matplotlib.use("Agg")
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {}
    blocks = _python_blocks(DOCS / "getting_started.md")
    assert len(blocks) >= 5
    for i, block in enumerate(blocks):
        exec(compile(block, f"getting_started.md block {i}", "exec"), namespace)
    assert os.path.exists("card.json")
    assert os.path.exists("review.html")
    result = namespace["result"]
    assert result.checks  # type: ignore[attr-defined]
