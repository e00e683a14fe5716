"""Smoke test: the collections benchmark runs in quick mode and writes its measurements."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench_smoke import load_bench


@pytest.mark.slow
def test_quick_benchmark_writes_measurements(tmp_path: Path) -> None:
    out = tmp_path / "collections.json"
    load_bench("collections").main(["--quick", "--seeds", "1", "--out", str(out)])
    doc = json.loads(out.read_text(encoding="utf-8"))
    run = doc["seeds"][0]
    assert run["uplift"]["optimised"] > run["uplift"]["ladder"]
    assert set(run["effect_ci_coverage"]) == {"cured", "recovered"}
    (row,) = doc["rows"]
    assert row["n"] == 5_000
    assert row["relative_gap"] <= 1e-6
    assert row["objective"] >= row["highs_full_lp_objective"] * (1 - 1e-6) - 1e-6
    assert "HiGHS" in row["solver"]
