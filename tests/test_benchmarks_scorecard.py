"""Smoke test: the scorecard benchmark runs in its quick mode and writes its JSON."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench_smoke import run_quick


@pytest.mark.peer
@pytest.mark.slow
def test_bench_scorecard_quick(tmp_path: Path, uci_path: Path) -> None:
    report, _ = run_quick("scorecard", tmp_path / "scorecard.json", "--data", str(uci_path))
    (row,) = report["results"]
    assert 0.3 < row["ours_gini"] < 0.7
    assert 0.3 < row["peer_gini"] < 0.7
    assert row["fit_speedup_vs_optbinning"] > 0
    assert row["score_ratio_to_sum_floor"] > 1
    speed = report["fit_speed"]  # the fit-speed case on synthetic rows (20,000 in --quick)
    assert speed["n_rows"] == 20_000
    assert speed["fit_speedup_vs_optbinning_min"] > 0
    assert speed["ours_peak_traced_mb"] > speed["input_mb"] / 10
