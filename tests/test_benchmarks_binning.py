"""Smoke test: the binning benchmark runs in its quick mode and writes its JSON."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.peer
def test_bench_binning_quick(tmp_path) -> None:
    out = tmp_path / "binning.json"
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "bench_binning.py"),
            "--quick",
            "--out",
            str(out),
        ],
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )
    report = json.loads(out.read_text())
    rows = report["results"]
    assert {r["name"].split(" (")[1].split(" ")[0] for r in rows} == {"quantile", "tree"}
    assert all(r["speedup_vs_optbinning"] > 0 and r["ours_total_iv"] > 0 for r in rows)
