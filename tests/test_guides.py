"""Every guide page runs top to bottom: its ```python blocks in order, in one namespace.

Each page runs in an empty temporary folder (as a reader who copies the page's code into
a fresh session) that has ``../shared/data`` beside it, with matplotlib on the Agg backend.
Pages that do not run yet are marked ``xfail(strict=True)`` with the error they stop on:
fixing a page makes its test XPASS, which fails the suite until the mark is removed, so the
list cannot go stale.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import SHARED_DATA

GUIDE = Path(__file__).resolve().parents[1] / "docs" / "guide"
FENCE = re.compile(r"^```python[ \t]*\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)

#: Pages whose own test runs them (and checks the numbers they quote).
RUN_ELSEWHERE = {
    "monitoring": "tests/test_docs_monitoring.py",
    "pricing": "tests/test_docs_pricing.py",
    "your_data": "tests/test_pipeline.py::test_your_data_guide_runs",
}

#: Pages that stop today, with the error (measured 2026-12-02; see the module docstring).
DO_NOT_RUN_YET: dict[str, tuple[type[Exception], str]] = {}

#: Extra marks of pages that start a local Spark session (pyspark 4.3 warns on every
#: pandas-backed call that it does not fully support pandas 3, as in test_distributed_spark).
PAGE_MARKS: dict[str, list[pytest.MarkDecorator]] = {
    "scale": [
        pytest.mark.spark,
        pytest.mark.dask,
        pytest.mark.filterwarnings(
            "ignore:PySpark does not yet fully support pandas:FutureWarning"
        ),
    ],
}


def _scorecard_numbers(ns: dict[str, Any]) -> list[str]:
    r = ns["report"]
    train_gap = r.gini_challenger_train - r.gini_scorecard_train
    test_gap = r.gini_challenger_test - r.gini_scorecard_test
    return [
        f"it gains {train_gap:.3f} Gini in training",
        f"only {test_gap:.3f} on the hold-out sample",
        f"({r.gini_challenger_test:.3f} against the card's {r.gini_scorecard_test:.3f})",
    ]


def _validation_numbers(ns: dict[str, Any]) -> list[str]:
    import numpy as np

    from overdue_risk.metrics import gini, psi

    y, points, dev = ns["y"], ns["points"], ns["dev"]
    g = gini(y[~dev], -points[~dev])
    low, high = g.confidence_interval(0.95)
    drift = psi(points[dev], points[~dev])
    assert np.isfinite(drift.critical_value)
    return [
        f"# Gini {g.statistic:.2f} [{low:.2f}, {high:.2f}] (DeLong)",
        f"# PSI {drift.statistic:.4f}, critical value {drift.critical_value:.4f}",
    ]


#: Numbers a page quotes from its own run: page -> strings, built from the page's
#: namespace after it ran, that must appear verbatim in the page (a stale number fails).
QUOTED: dict[str, Callable[[dict[str, Any]], list[str]]] = {
    "scorecard": _scorecard_numbers,
    "validation": _validation_numbers,
}


def _pages() -> list[object]:
    params: list[object] = []
    for path in sorted(GUIDE.glob("*.md")):
        name = path.stem
        if name == "index":
            continue
        marks: list[pytest.MarkDecorator] = [pytest.mark.slow, *PAGE_MARKS.get(name, [])]
        if name in RUN_ELSEWHERE:
            marks.append(pytest.mark.skip(reason=f"run by {RUN_ELSEWHERE[name]}"))
        elif name in DO_NOT_RUN_YET:
            error, reason = DO_NOT_RUN_YET[name]
            marks.append(pytest.mark.xfail(raises=error, reason=reason, strict=True))
        params.append(pytest.param(name, marks=marks, id=name))
    return params


def test_python_blocks_are_found() -> None:
    text = "a\n```python\nx = 1\n```\n```toml\n[a]\n```\n```python\ny = x + 1\n```\n"
    assert FENCE.findall(text) == ["x = 1\n", "y = x + 1\n"]


def test_the_lists_name_real_pages() -> None:
    pages = {p.stem for p in GUIDE.glob("*.md")}
    assert set(RUN_ELSEWHERE) <= pages
    assert set(DO_NOT_RUN_YET) <= pages
    assert set(PAGE_MARKS) <= pages
    assert set(QUOTED) <= pages


@pytest.mark.parametrize("page", _pages())
def test_guide_page_runs(page: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import matplotlib

    matplotlib.use("Agg")
    # an empty project folder beside ../shared/data, as the pages expect
    project = tmp_path / "project"
    project.mkdir()
    # the same shared data folder the fixtures read (conftest.SHARED_DATA honours
    # OVERDUE_RISK_SHARED_DATA; by default ../shared/data beside the repository)
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared" / "data").symlink_to(SHARED_DATA, target_is_directory=True)
    monkeypatch.chdir(project)
    text = (GUIDE / f"{page}.md").read_text(encoding="utf-8")
    blocks = FENCE.findall(text)
    namespace: dict[str, object] = {"__name__": f"__guide_{page}__"}
    for i, block in enumerate(blocks):
        code = compile(block, f"docs/guide/{page}.md python block {i}", "exec")
        exec(code, namespace)  # executing our own documentation is the point
    if page in QUOTED:
        flat = " ".join(text.split())  # quoted numbers may wrap across lines
        for quoted in QUOTED[page](namespace):
            assert quoted in flat, f"docs/guide/{page}.md should quote {quoted!r}"
