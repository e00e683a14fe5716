"""Smoke test: the reject inference benchmark runs in quick mode and writes its summary."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench_smoke import load_bench


@pytest.mark.slow
def test_quick_benchmark_writes_summary(tmp_path: Path) -> None:
    out = tmp_path / "reject_inference.json"
    load_bench("reject_inference").main(["--quick", "--out", str(out)])
    doc = json.loads(out.read_text(encoding="utf-8"))
    private = doc["policies"]["private"]
    methods = [row["method"] for row in private["summary"]]
    assert methods[0] == "known_good_bad"
    assert {"fuzzy_incumbent_score", "selection_model", "reweighting"} <= set(methods)
    (run,) = private["runs"]
    assert run["reject_rate"] == pytest.approx(0.4, abs=0.02)
    assert run["cards"]["known_good_bad"]["ece_reduction"] == 0.0
    assert private["summary"][0]["ece_ratio_vs_known_good_bad"] == 1.0
