"""benchmarks/run_all.py: runs each bench script, collects ratios, writes table and plot."""

from __future__ import annotations

import importlib.util
import json
import os
import sys
from pathlib import Path
from types import ModuleType

import pytest

RUN_ALL = Path(__file__).resolve().parents[1] / "benchmarks" / "run_all.py"

GOOD = """
import json, sys
from pathlib import Path
quick = "--quick" in sys.argv
out = Path(__file__).parent / "results"
out.mkdir(exist_ok=True)
doc = {"benchmark": "fake", "rows": [
    {"name": "fit", "n": 100 if quick else 1000, "speedup_vs_peer": 3.5, "seconds": 0.1},
    {"name": "score", "n": 100, "ratio_vs_floor": 12.0, "flag": True},
]}
(out / "fake.json").write_text(json.dumps(doc))
print("done")
"""


@pytest.fixture
def run_all() -> ModuleType:
    spec = importlib.util.spec_from_file_location("run_all", RUN_ALL)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["run_all"] = module
    spec.loader.exec_module(module)
    return module


def test_extract_ratios_labels_and_skips_non_ratios(run_all: ModuleType) -> None:
    doc = {
        "benchmark": "fake",
        "rows": [
            {"name": "fit", "n": 1000, "speedup_vs_peer": 3.5, "seconds": 0.1},
            {"name": "score", "n": 100, "ratio_vs_floor": 12.0, "flag": True},
        ],
    }
    ratios = run_all.extract_ratios("fake", doc)
    assert [(r.label, r.metric, r.value) for r in ratios] == [
        ("fit / n=1,000", "speedup_vs_peer", 3.5),
        ("score / n=100", "ratio_vs_floor", 12.0),
    ]


def test_run_all_quick_collects_publishes_and_reports_failures(
    run_all: ModuleType, tmp_path: Path
) -> None:
    bench = tmp_path / "benchmarks"
    bench.mkdir()
    (bench / "bench_fake.py").write_text(GOOD)
    docs = tmp_path / "docs"
    args = ["--quick", "--publish", "--bench-dir", str(bench), "--docs-dir", str(docs)]
    assert run_all.main(args) == 0
    table = (bench / "results" / "summary.md").read_text()
    assert "| fake | fit / n=100 | speedup_vs_peer | 3.5 |" in table
    assert "`--quick` mode" in table
    assert (bench / "results" / "ratios.png").read_bytes().startswith(b"\x89PNG")
    assert (docs / "benchmarks" / "latest.md").read_text().startswith(table.splitlines()[0])
    assert (docs / "benchmarks" / "ratios.png").exists()
    # a failing benchmark fails the run and is named in the table
    (bench / "bench_broken.py").write_text("raise SystemExit('no data')\n")
    assert run_all.main(["--quick", "--bench-dir", str(bench), "--docs-dir", str(docs)]) == 1
    table = (bench / "results" / "summary.md").read_text()
    assert "`bench_broken.py` exited with 1" in table


def test_no_run_header_lists_each_results_file_with_its_time_and_load(
    run_all: ModuleType, tmp_path: Path
) -> None:
    bench = tmp_path / "benchmarks"
    results = bench / "results"
    results.mkdir(parents=True)
    for area in ("old", "new", "missing"):
        (bench / f"bench_{area}.py").write_text("raise SystemExit('must not run')\n")
    (results / "old.json").write_text('{"quick": true, "rows": [{"ratio_vs_floor": 2.0}]}')
    os.utime(results / "old.json", (1_700_000_000, 1_700_000_000))  # 2023-11-14 22:13 UTC
    new = {"measured_at": "2026-12-02T18:00Z", "load_average": [6.5, 6.0, 5.0], "python": "3.11"}
    (results / "new.json").write_text(json.dumps({**new, "speedup_vs_peer": 3.0}))
    args = ["--no-run", "--bench-dir", str(bench), "--docs-dir", str(tmp_path / "docs")]
    assert run_all.main(args) == 0
    table = (results / "summary.md").read_text()
    assert table.startswith("Summarised ")
    assert "measured from 2023-11-14 22:13 UTC to 2026-12-02 18:00 UTC" in table
    assert "- `old.json`: 2023-11-14 22:13 UTC (file written), **`--quick` sizes**" in table
    assert (
        "- `new.json`: 2026-12-02 18:00 UTC (run started),"
        " load average 6.5/6.0/5.0 (1/5/15 min), Python 3.11"
    ) in table
    assert "`bench_missing.py`: no results/missing.json" in table
    assert "| new | - | speedup_vs_peer | 3 |" in table


def test_load_average_as_recorded_by_common_start_and_end(run_all: ModuleType) -> None:
    assert run_all._load_text([9.25, 7.23]) == "9.2 at start, 7.2 at end (1 min)"
    assert run_all._load_text([None, 7.0]) == "7.0 at end (1 min)"
    assert run_all._load_text("high") == ""
