"""Smoke test: the metrics benchmark runs in its quick mode and writes its JSON."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.peer
def test_bench_metrics_quick(tmp_path: Path) -> None:
    out = tmp_path / "metrics.json"
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "bench_metrics.py"),
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
