"""Smoke test: benchmarks/bench_scale.py --quick runs, checks its engines and writes ratios.

Spark is left out here (its JVM start-up alone costs more than this smoke test should);
tests/test_export_spark.py covers the Spark scorers themselves.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_scale.py"


@pytest.mark.slow
@pytest.mark.dask
def test_bench_scale_quick(tmp_path: Path) -> None:
    out = tmp_path / "scale.json"
    proc = subprocess.run(
        [
            sys.executable,
            str(BENCH),
            "--quick",
            "--engines",
            "kernel,duckdb,dask",
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "vs kernel" in proc.stdout
    payload = json.loads(out.read_text(encoding="utf-8"))
    results = {r["name"]: r for r in payload["results"]}
    assert set(results) == {"kernel", "duckdb_sql", "dask"}
    assert payload["rows"] == 20_000
    for name in ("duckdb_sql", "dask"):
        assert results[name]["throughput_ratio_vs_kernel"] > 0
    assert results["dask"]["overhead_per_partition_ms"] >= 0
