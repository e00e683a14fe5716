"""Smoke test: the metrics benchmark runs in its quick mode and writes its JSON."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench_smoke import run_quick


@pytest.mark.peer
def test_bench_metrics_quick(tmp_path: Path) -> None:
    report, _ = run_quick("metrics", tmp_path / "metrics.json")
    assert report["benchmark"] == "metrics"
    assert report["quick"] is True
    names = [r["name"] for r in report["results"]]
    assert names[0].startswith("roc_auc")
    assert len(names) == 5
    for r in report["results"]:
        ratio = r.get("ratio_vs_sort", r.get("ratio_vs_bincount"))
        assert ratio is not None
        assert ratio > 0
        if "speedup_vs_peer" in r:
            assert r["speedup_vs_peer"] > 0
