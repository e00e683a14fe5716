"""Smoke test: the transitions benchmark runs in quick mode and writes its ratios."""

from __future__ import annotations

import json
from pathlib import Path

from bench_smoke import load_bench


def test_quick_benchmark_writes_ratio(tmp_path: Path) -> None:
    out = tmp_path / "transitions.json"
    load_bench("transitions").main(["--quick", "--peer-rows", "3000", "--out", str(out)])
    doc = json.loads(out.read_text(encoding="utf-8"))
    (row,) = doc["rows"]
    assert row["n_rows"] > 50_000
    assert row["ratio_vs_floor"] > 0
    assert doc["peer"]["name"].startswith("transitionMatrix")
    views = {r["name"]: r for r in doc["generator_panel"]["views"]}
    for name in ("cohort_matrix", "roll_rates", "vintage_curves"):
        for how in ("frame", "coded"):
            row = views[f"{name} ({how})"]
            assert row["min_s"] <= row["median_s"]
            assert row["ratio_min_vs_bincount"] > 0
