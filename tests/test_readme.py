"""The README's Python blocks run, in order, as one script (so the tour stays true)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
README_TEXT = README.read_text(encoding="utf-8")
FENCE = re.compile(r"^```python[ \t]*\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)


def python_blocks(text: str) -> list[str]:
    """The bodies of the ```python fenced blocks of a Markdown text, in order."""
    return FENCE.findall(text)


def test_python_blocks_are_found() -> None:
    text = "a\n```python\nx = 1\n```\n```bash\nls\n```\n```python\ny = x + 1\n```\n"
    assert python_blocks(text) == ["x = 1\n", "y = x + 1\n"]
    assert python_blocks("```pycon\n>>> 1\n```\n") == []


@pytest.mark.slow
def test_readme_python_blocks_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocks = python_blocks(README_TEXT)
    assert blocks, "README.md has no ```python blocks"
    monkeypatch.chdir(tmp_path)  # the tour writes card.json into the working directory
    namespace: dict[str, object] = {"__name__": "__readme__"}
    for i, block in enumerate(blocks, start=1):
        code = compile(block, f"README.md python block {i}", "exec")
        exec(code, namespace)  # executing our own documentation is the point
    # the numbers quoted in the tour's comments are the ones the code computes
    y, score = namespace["y"], namespace["score"]
    gini = namespace["gini"](y, -score)  # type: ignore[operator]
    assert f"Gini {gini.statistic:.3f} [{gini.confidence_interval(0.95)[0]:.3f}, " in README_TEXT
    assert f"KS {namespace['ks'].statistic:.3f}, PSI " in README_TEXT  # type: ignore[attr-defined]
    assert f"ECL {namespace['ecl'].total:,.0f} on" in README_TEXT  # type: ignore[attr-defined]
    counts = namespace["gate"].counts()  # type: ignore[attr-defined]
    assert f"{namespace['gate'].passed} {counts}" in README_TEXT  # type: ignore[attr-defined]
