"""Smoke test: benchmarks/bench_runtime.py --quick runs and writes its ratios."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_runtime.py"


@pytest.mark.slow
@pytest.mark.peer
def test_bench_runtime_quick(tmp_path: Path) -> None:
    out = tmp_path / "runtime.json"
    proc = subprocess.run(
        [sys.executable, str(BENCH), "--quick", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "x faster than optbinning" in proc.stdout
    results = {r["name"]: r for r in json.loads(out.read_text(encoding="utf-8"))["results"]}
    assert set(results) == {"numeric5", "numeric10", "categorical3", "single_row"}
    assert results["numeric5"]["max_abs_diff_vs_optbinning"] < 1e-8  # same card, same scores
    for r in results.values():
        assert all(v > 0 for k, v in r.items() if "ratio" in k or "speedup" in k)
