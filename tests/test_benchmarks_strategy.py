"""Smoke test: the strategy benchmark runs in quick mode and writes its ratios."""

from __future__ import annotations

import json
from pathlib import Path

from bench_smoke import load_bench


def test_quick_benchmark_writes_ratios(tmp_path: Path) -> None:
    out = tmp_path / "strategy.json"
    load_bench("strategy").main(["--quick", "--out", str(out)])
    rows = json.loads(out.read_text(encoding="utf-8"))["rows"]
    assert [r["n"] for r in rows] == [10_000, 10_000]
    assert all(r["ratio_vs_floor"] > 0 for r in rows)
    assert rows[0]["speedup_vs_naive_loop"] > 0
