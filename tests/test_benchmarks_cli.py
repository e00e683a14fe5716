"""Smoke test: benchmarks/bench_cli.py --quick runs and writes its ratios and memory."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench_smoke import run_quick


@pytest.mark.slow
def test_bench_cli_quick(tmp_path: Path) -> None:
    report, stdout = run_quick("cli", tmp_path / "cli.json")
    assert "x floor min" in stdout
    results = {r["name"]: r for r in report["results"]}
    assert set(results) == {"csv", "parquet", "read_table", "memory"}
    for fmt in ("csv", "parquet"):
        r = results[fmt]
        assert r["n_rows"] == 20_000
        assert r["output_columns"] == [
            "id",
            "score",
            "pd",
            "grade",
            *(f"reason_{k}" for k in (1, 2, 3)),
        ]
        assert r["ratio_min"] > 0
        assert r["seconds"]["cli"]["min"] <= r["seconds"]["cli"]["median"]
        assert r["scoring_cpu"] > 0
        assert r["two_core_bound_ratio"] > 0
    mem = results["memory"]
    assert mem["cli_block_mb_1"] > 0
    assert mem["read_whole_mb"] > 0
    assert mem["csv_threads_1_mb"] > 0
    assert mem["csv_threads_default_mb"] > 0
    reading = results["read_table"]
    assert reading["n_rows"] == 20_000
    assert reading["ratio_vs_pandas_min"] > 0
    assert reading["ratio_vs_floor_min"] > 0
