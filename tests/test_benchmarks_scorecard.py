"""Smoke test: the scorecard benchmark runs in its quick mode and writes its JSON."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.peer
@pytest.mark.slow
def test_bench_scorecard_quick(tmp_path: Path, uci_path: Path) -> None:
    out = tmp_path / "scorecard.json"
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "bench_scorecard.py"),
            "--quick",
            "--out",
            str(out),
            "--data",
            str(uci_path),
        ],
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )
    report = json.loads(out.read_text())
    (row,) = report["results"]
    assert 0.3 < row["ours_gini"] < 0.7
    assert 0.3 < row["peer_gini"] < 0.7
    assert row["fit_speedup_vs_optbinning"] > 0
    assert row["score_ratio_to_sum_floor"] > 1
