"""Smoke test: the pricing benchmark runs in quick mode and writes its ratios."""

from __future__ import annotations

import json
from pathlib import Path

from bench_smoke import load_bench


def test_quick_benchmark_writes_ratios(tmp_path: Path) -> None:
    out = tmp_path / "pricing.json"
    load_bench("pricing").main(["--quick", "--out", str(out)])
    rows = json.loads(out.read_text(encoding="utf-8"))["rows"]
    assert [r["n"] for r in rows] == [10_000]
    assert rows[0]["ratio_vs_floor"] > 0
    assert rows[0]["speedup_vs_brentq_loop"] > 0
    assert rows[0]["max_abs_diff_vs_brentq"] < 1e-8
