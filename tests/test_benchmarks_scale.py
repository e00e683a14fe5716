"""Smoke test: benchmarks/bench_scale.py --quick runs, checks its engines and writes ratios.

Spark is left out here (its JVM start-up alone costs more than this smoke test should);
tests/test_export_spark.py covers the Spark scorers themselves.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench_smoke import run_quick


@pytest.mark.slow
@pytest.mark.dask
def test_bench_scale_quick(tmp_path: Path) -> None:
    payload, stdout = run_quick("scale", tmp_path / "scale.json", "--engines", "kernel,duckdb,dask")
    assert "vs kernel" in stdout
    results = {r["name"]: r for r in payload["results"]}
    assert set(results) == {"kernel", "duckdb_sql", "dask"}
    assert payload["rows"] == 20_000
    for name in ("duckdb_sql", "dask"):
        assert results[name]["throughput_ratio_vs_kernel"] > 0
    assert results["dask"]["overhead_per_partition_ms"] >= 0
    # Dask against the kernel on the same partitions, per core
    assert results["dask"]["dask_per_core_vs_kernel_1_thread"] > 0
    assert results["dask"]["numpy_sort_threads_speedup"] > 0  # the machine's own ceiling
    assert "Dask per core vs the kernel on one thread" in stdout
