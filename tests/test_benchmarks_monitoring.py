"""Smoke test: the monitoring benchmark runs in quick mode and writes its ratio."""

from __future__ import annotations

import json
from pathlib import Path

from bench_smoke import load_bench


def test_quick_benchmark_writes_ratio(tmp_path: Path) -> None:
    out = tmp_path / "monitoring.json"
    load_bench("monitoring").main(["--quick", "--out", str(out)])
    doc = json.loads(out.read_text(encoding="utf-8"))
    (row,) = doc["rows"]
    assert row["ratio_vs_floor"] > 0
    assert row["n_periods"] == 20
    (seed,) = doc["seeds"]
    assert seed["seed"] == 0
    assert "psi" in seed
