"""Smoke test: the behaviour benchmark runs in quick mode and writes its ratios."""

from __future__ import annotations

import json
from pathlib import Path

from bench_smoke import load_bench


def test_quick_benchmark_writes_ratios(tmp_path: Path) -> None:
    out = tmp_path / "behaviour.json"
    load_bench("behaviour").main(["--quick", "--out", str(out)])
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["speed"]["n_rows"] == 100_000
    assert doc["speed"]["memory_ratio"] > 0
    assert doc["speed"]["duckdb_ratio"] > 0
    (run,) = doc["watchlist"]
    assert 0 < run["watchlist_share"] < 0.2
    assert run["lift"] > 1
