"""Smoke test: the binning benchmark runs in its quick mode and writes its JSON."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench_smoke import run_quick


@pytest.mark.peer
def test_bench_binning_quick(tmp_path: Path) -> None:
    report, _ = run_quick("binning", tmp_path / "binning.json")
    rows = report["results"]
    assert {r["name"].split(" (")[1].split(" ")[0] for r in rows} == {"quantile", "tree"}
    assert all(r["speedup_vs_optbinning"] > 0 and r["ours_total_iv"] > 0 for r in rows)
