"""Smoke test: the strategy benchmark runs in quick mode and writes its ratios."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_strategy.py"


def test_quick_benchmark_writes_ratios(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("bench_strategy", BENCH)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    out = tmp_path / "strategy.json"
    module.main(["--quick", "--out", str(out)])
    rows = json.loads(out.read_text(encoding="utf-8"))["rows"]
    assert [r["n"] for r in rows] == [10_000, 10_000]
    assert all(r["ratio_vs_floor"] > 0 for r in rows)
    assert rows[0]["speedup_vs_naive_loop"] > 0
