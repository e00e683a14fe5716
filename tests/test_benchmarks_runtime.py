"""Smoke test: benchmarks/bench_runtime.py --quick runs and writes its ratios."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench_smoke import run_quick


@pytest.mark.slow
@pytest.mark.peer
def test_bench_runtime_quick(tmp_path: Path) -> None:
    report, stdout = run_quick("runtime", tmp_path / "runtime.json")
    assert "x faster than optbinning" in stdout
    results = {r["name"]: r for r in report["results"]}
    assert set(results) == {"numeric5", "numeric10", "categorical3", "single_row", "reference5"}
    assert results["numeric5"]["max_abs_diff_vs_optbinning"] < 1e-8  # same card, same scores
    for r in results.values():
        assert all(v > 0 for k, v in r.items() if "ratio" in k or "speedup" in k)
    ref = results["reference5"]
    if "status" not in ref:  # built with gcc: checked against the runtime before timing
        assert ref["check"]["score_bit_identical"]
        assert ref["check"]["reasons_identical"]
        assert ref["check"]["grade_identical"]
        assert ref["one_record_full_us"]["min"] <= ref["one_record_full_us"]["p50"]
        assert "runtime / reference, full" in stdout
