"""Smoke test: the transitions benchmark runs in quick mode and writes its ratios."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_transitions.py"


def test_quick_benchmark_writes_ratio(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("bench_transitions", BENCH)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    out = tmp_path / "transitions.json"
    module.main(["--quick", "--peer-rows", "3000", "--out", str(out)])
    doc = json.loads(out.read_text(encoding="utf-8"))
    (row,) = doc["rows"]
    assert row["n_rows"] > 50_000
    assert row["ratio_vs_floor"] > 0
    assert doc["peer"]["name"].startswith("transitionMatrix")
