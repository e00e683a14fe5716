"""Smoke test: benchmarks/bench_spark_fit.py runs and its Spark card equals the in-memory one."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench_smoke import run_quick

pytest.importorskip("pyspark")


@pytest.mark.slow
@pytest.mark.spark
def test_bench_spark_fit_quick(tmp_path: Path) -> None:
    payload, stdout = run_quick(
        "spark_fit", tmp_path / "spark_fit.json", "--rows", "5000", "--dask"
    )
    assert "max_abs_points_diff" in stdout
    assert payload["rows"] == 5000
    assert payload["same_features"]
    assert payload["max_abs_points_diff"] <= 1e-6
    assert payload["spark_newton_iterations"] == payload["memory_newton_iterations"]
    assert payload["dask_vs_spark_max_abs_points_diff"] <= 1e-6
    assert payload["driver_jvm_peak_rss_mb_during_spark_fit"] >= 0
