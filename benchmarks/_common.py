"""What every ``bench_<area>.py`` script shares: timing, floors, ``--quick``, JSON, tables.

The scripts run as plain Python (``python benchmarks/bench_<area>.py``), so this module is
imported as ``from _common import ...`` (the script's folder is first on ``sys.path``).

- :func:`time_best` / :func:`best_of`: best of ``repeat`` runs (a shared machine's load
  only ever adds time, so the minimum is the least noisy estimate).
- :func:`floor_sum`, :func:`floor_argsort`, :func:`floor_bincount`: the floors the ratios
  are taken against (the cost of touching every value once).
- :func:`bench_parser`: ``--quick`` (smallest size, smoke test) and ``--out`` (defaults to
  ``benchmarks/results/<area>.json``).
- :func:`write_json`: writes the result document and says where; :func:`versions`
  for its header; :func:`save_result`: the document every script ends with (``benchmark``,
  ``quick``, the versions, then the script's own fields), written to ``--out``.
- :func:`print_table`: a fixed-width table of result rows.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
#: When the script started (UTC) and the machine's 1-minute load average then: stamped on
#: every result document so a page built from several runs can say when each was measured.
STARTED_AT = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
START_LOAD = round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None

T = TypeVar("T")


def time_best(fn: Callable[[], T], repeat: int) -> tuple[float, T]:
    """Best wall time of ``repeat`` calls of ``fn`` and the value of the last call."""
    best = float("inf")
    out: Any = None
    for _ in range(max(repeat, 1)):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def best_of(fn: Callable[[], Any], repeat: int) -> float:
    """Best wall time of ``repeat`` calls of ``fn``."""
    return time_best(fn, repeat)[0]


def floor_sum(arr: np.ndarray, repeat: int = 5) -> float:
    """Floor: one ``np.sum`` pass over ``arr`` (best of ``repeat``)."""
    return best_of(lambda: np.sum(arr), repeat)


def floor_argsort(x: np.ndarray, repeat: int) -> float:
    """Floor: one ``np.argsort`` of ``x`` (any exact rank statistic needs one sort)."""
    return best_of(lambda: np.argsort(x), repeat)


def floor_bincount(codes: np.ndarray, minlength: int, repeat: int) -> float:
    """Floor: one ``np.bincount`` pass over integer ``codes`` (the cost of any count table)."""
    return best_of(lambda: np.bincount(codes, minlength=minlength), repeat)


def versions() -> dict[str, str]:
    """The Python and NumPy versions a result was measured with."""
    return {"python": platform.python_version(), "numpy": np.__version__}


def bench_parser(
    doc: str | None, area: str, quick_help: str = "smallest size (smoke test)"
) -> argparse.ArgumentParser:
    """Parser with ``--quick`` and ``--out`` (default ``benchmarks/results/<area>.json``).

    ``doc`` is the script's module docstring; its first line describes the parser.
    """
    parser = argparse.ArgumentParser(description=(doc or area).splitlines()[0])
    parser.add_argument("--quick", action="store_true", help=quick_help)
    parser.add_argument("--out", type=Path, default=RESULTS / f"{area}.json")
    return parser


def write_json(path: str | Path, payload: Any) -> Path:
    """Write ``payload`` as indented JSON to ``path`` (parents created) and say so.

    A dict payload gets ``measured_at`` (the script's start, UTC) and ``load_average`` (the
    1-minute load at the start and at the end) unless it already has them.
    """
    if isinstance(payload, dict):
        end_load = round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None
        payload = {"measured_at": STARTED_AT, "load_average": [START_LOAD, end_load], **payload}
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {path}")
    return path


def save_result(args: argparse.Namespace, benchmark: str, **fields: Any) -> dict[str, Any]:
    """Write the run's result document to ``args.out`` and return it.

    The header is the same for every script: ``benchmark`` (the area), ``quick`` (the
    ``--quick`` flag) and the :func:`versions`; the script's own ``fields`` follow.
    """
    doc: dict[str, Any] = {"benchmark": benchmark, "quick": args.quick, **versions(), **fields}
    write_json(args.out, doc)
    return doc


_WIDTH = re.compile(r"^(?P<align>[<>^=]?)(?P<width>\d+)")


def print_table(
    columns: Sequence[tuple[str, str]],
    rows: Iterable[Sequence[Any]],
    *,
    sep: str = " ",
    rule: bool = True,
) -> None:
    """Print ``rows`` under ``columns`` (``(title, format spec)`` pairs, e.g. ``(
    "ours (s)", ">9.4f")``).

    Titles take the alignment (right unless the spec says otherwise) and width of their
    spec; a cell that is ``None`` prints blank, a string cell keeps only alignment and
    width. Trailing blanks are dropped; ``rule`` underlines the header.
    """
    widths = []
    for _, spec in columns:
        m = _WIDTH.match(spec)
        if m is None:
            raise ValueError(f"column format {spec!r} must start with a width, e.g. '>9.4f'")
        widths.append(f"{m['align'] or '>'}{m['width']}")
    header = sep.join(f"{title:{w}}" for (title, _), w in zip(columns, widths, strict=True))
    print(header)
    if rule:
        print("-" * len(header))
    for row in rows:
        cells = []
        for value, (_, spec), w in zip(row, columns, widths, strict=True):
            if value is None:
                cells.append(f"{'':{w}}")
            elif isinstance(value, str):
                cells.append(f"{value:{w}}")
            else:
                cells.append(f"{value:{spec}}")
        print(sep.join(cells).rstrip())
