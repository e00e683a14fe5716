"""Helpers for the benchmark smoke tests (tests/test_benchmarks_*.py).

Every ``benchmarks/bench_<area>.py`` takes ``--quick`` (smallest size) and ``--out``
(where to write its JSON). A smoke test runs it either in a subprocess
(:func:`run_quick`, for benchmarks that start engines or peers) or by import
(:func:`load_bench`, then ``module.main([...])``), and reads the JSON back.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def run_quick(area: str, out: Path, *extra: str) -> tuple[dict[str, Any], str]:
    """Run ``bench_<area>.py --quick --out out *extra`` in a subprocess.

    Returns the JSON it wrote and its stdout; a non-zero exit fails with its stderr.
    """
    script = BENCHMARKS / f"bench_{area}.py"
    proc = subprocess.run(
        [sys.executable, str(script), "--quick", "--out", str(out), *extra],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(out.read_text(encoding="utf-8")), proc.stdout


def load_bench(area: str) -> ModuleType:
    """Import ``benchmarks/bench_<area>.py`` as a module (its ``_common`` helpers too)."""
    if str(BENCHMARKS) not in sys.path:
        sys.path.insert(0, str(BENCHMARKS))  # the scripts import ``_common`` as run from there
    spec = importlib.util.spec_from_file_location(f"bench_{area}", BENCHMARKS / f"bench_{area}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
