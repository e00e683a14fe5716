"""Run every benchmark, collect their ratios, write one table and one plot.

    python benchmarks/run_all.py            # full sizes (minutes)
    python benchmarks/run_all.py --quick    # smallest sizes (seconds)
    python benchmarks/run_all.py --publish  # also copy the table and plot into docs/

Each ``benchmarks/bench_<area>.py`` is run in its own process (plain Python, as its
author wrote it); each writes ``benchmarks/results/<area>.json``. Absolute times on a
shared machine are noise, so the table keeps the RATIOS each benchmark measured within
its own run (ours against a peer library, ours against a floor such as one ``np.sum``
pass): every numeric field whose name contains ``ratio`` or ``speedup``, labelled by the
descriptive fields next to it (name, case, size ...).

The table's header says where each area's numbers come from: every results file with
the time it was measured (its ``measured_at`` field, else the file's modification time,
i.e. when the benchmark wrote it), the load average if the document records one
(``load_average``), and ``--quick`` results marked as such; a ``bench_<area>.py`` without a
results file is listed as a problem. So a page summarised with ``--no-run`` from results
measured piecewise (areas re-run at different times) says so, area by area.

Outputs: ``benchmarks/results/summary.md`` (markdown table) and
``benchmarks/results/ratios.png`` (bar chart of the ratios, log scale); with
``--publish`` also ``docs/benchmarks/latest.md`` and ``docs/benchmarks/ratios.png``,
which the documentation shows.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import platform
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RATIO_WORDS = ("ratio", "speedup")
LABEL_KEYS = (
    "name",
    "benchmark",
    "case",
    "task",
    "operation",
    "method",
    "engine",
    "peer",
    "against",
    "vs",
    "size",
    "n",
    "n_rows",
    "n_loans",
    "rows",
    "dataset",
)


@dataclass(frozen=True)
class Ratio:
    """One ratio reported by one benchmark."""

    area: str
    label: str
    metric: str
    value: float


@dataclass(frozen=True)
class Run:
    """The outcome of running one benchmark script."""

    script: str
    returncode: int
    seconds: float
    tail: str
    load: tuple[float, ...] = ()


@dataclass(frozen=True)
class Source:
    """Where and when one results document was measured."""

    file: str
    measured: str
    how: str
    load: str = ""
    quick: bool = False
    python: str = ""

    def line(self) -> str:
        """One markdown list item: file, time (and how it is known), load, size, Python."""
        parts = [f"`{self.file}`: {self.measured} ({self.how})"]
        if self.load:
            parts.append(f"load average {self.load}")
        if self.quick:
            parts.append("**`--quick` sizes**")
        if self.python:
            parts.append(f"Python {self.python}")
        return "- " + ", ".join(parts)


def _utc(seconds: float) -> str:
    return dt.datetime.fromtimestamp(seconds, dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


def _load_text(value: Any) -> str:
    """A recorded load average as text.

    One number; ``[start, end]`` (the 1-minute load when the script started and ended, as
    ``benchmarks/_common.write_json`` records it); or the 1/5/15-minute triple.

    Examples
    --------
    >>> _load_text([9.25, 7.23]), _load_text([6.5, 6.0, 5.0]), _load_text([None, 7.0])
    ('9.2 at start, 7.2 at end (1 min)', '6.5/6.0/5.0 (1/5/15 min)', '7.0 at end (1 min)')
    """

    def num(v: Any) -> bool:
        return isinstance(v, int | float) and not isinstance(v, bool)

    if num(value):
        return f"{value:.1f}"
    if not isinstance(value, list | tuple) or not all(v is None or num(v) for v in value):
        return ""
    if len(value) == 2:
        said = [
            f"{v:.1f} at {when}"
            for v, when in zip(value, ("start", "end"), strict=True)
            if v is not None
        ]
        return ", ".join(said) + " (1 min)" if said else ""
    if len(value) == 3 and all(num(v) for v in value):
        return "/".join(f"{v:.1f}" for v in value) + " (1/5/15 min)"
    return ""


def describe_source(path: Path, doc: Any) -> Source:
    """When, under what load and at what size ``doc`` (read from ``path``) was measured.

    The time is the document's ``measured_at`` field (when the script started) if it has
    one, else the file's modification time (when the benchmark wrote it).

    Examples
    --------
    >>> doc = {"quick": False, "measured_at": "2026-12-02T18:00:00Z", "load_average": 6.5}
    >>> describe_source(Path("binning.json"), doc).line()
    '- `binning.json`: 2026-12-02 18:00 UTC (run started), load average 6.5'
    """
    meta = doc if isinstance(doc, dict) else {}
    stamp = meta.get("measured_at")
    if isinstance(stamp, str) and stamp:
        try:
            measured, how = _utc(dt.datetime.fromisoformat(stamp).timestamp()), "run started"
        except ValueError:
            measured, how = stamp, "measured_at"
    else:
        measured, how = _utc(path.stat().st_mtime), "file written"
    python = meta.get("python")
    return Source(
        file=path.name,
        measured=measured,
        how=how,
        load=_load_text(meta.get("load_average")),
        quick=meta.get("quick") is True,
        python=python if isinstance(python, str) else "",
    )


def discover(bench_dir: Path, only: str | None = None) -> list[Path]:
    """The ``bench_*.py`` scripts of ``bench_dir``, sorted, optionally filtered."""
    scripts = sorted(bench_dir.glob("bench_*.py"))
    return [s for s in scripts if only is None or only in s.stem]


def run_script(script: Path, *, quick: bool, timeout: float, cwd: Path) -> Run:
    """Run one benchmark in a fresh interpreter; never raises on its failure."""
    cmd = [sys.executable, str(script), *(["--quick"] if quick else [])]
    load = os.getloadavg() if hasattr(os, "getloadavg") else ()
    start = time.perf_counter()
    try:
        proc = subprocess.run(
            cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False
        )
        code, out = proc.returncode, proc.stdout + proc.stderr
    except subprocess.TimeoutExpired:
        code, out = -1, f"timed out after {timeout:.0f} s"
    tail = "\n".join(out.strip().splitlines()[-5:])
    return Run(script.name, code, time.perf_counter() - start, tail, tuple(load))


def _label(obj: dict[str, Any]) -> list[str]:
    parts = []
    for key in LABEL_KEYS:
        value = obj.get(key)
        if isinstance(value, str):
            parts.append(value)
        elif isinstance(value, int) and not isinstance(value, bool):
            parts.append(f"{key}={value:,}")
    return parts


def _is_ratio_key(key: str) -> bool:
    k = key.lower()
    return any(w in k for w in RATIO_WORDS)


def _walk(obj: Any, context: list[str]) -> Iterator[tuple[str, str, float]]:
    if isinstance(obj, dict):
        here = context + _label(obj)
        for key, value in obj.items():
            if isinstance(value, bool):
                continue
            if isinstance(value, int | float) and _is_ratio_key(str(key)):
                if math.isfinite(float(value)):
                    yield " / ".join(here), str(key), float(value)
            elif isinstance(value, dict | list):
                sub = here if isinstance(value, list) or _label(value) else [*here, str(key)]
                yield from _walk(value, sub)
    elif isinstance(obj, list):
        for item in obj:
            yield from _walk(item, context)


def extract_ratios(area: str, doc: Any) -> list[Ratio]:
    """Every finite numeric ``*ratio*`` / ``*speedup*`` field of a results document.

    Examples
    --------
    >>> doc = {"rows": [{"name": "fit", "n": 1000, "ratio_vs_peer": 0.5}]}
    >>> extract_ratios("binning", doc)
    [Ratio(area='binning', label='fit / n=1,000', metric='ratio_vs_peer', value=0.5)]
    """
    seen: set[tuple[str, str]] = set()
    out = []
    for raw, metric, value in _walk(doc, []):
        parts: list[str] = []
        for part in raw.split(" / ") if raw else []:
            if part and part != area and part not in parts:
                parts.append(part)
        label = " / ".join(parts)
        if (label, metric) in seen:
            continue
        seen.add((label, metric))
        out.append(Ratio(area, label or "-", metric, value))
    return out


def collect(
    results_dir: Path, scripts: Sequence[Path] = ()
) -> tuple[list[Ratio], dict[str, str], list[Source]]:
    """Ratios from every ``results_dir/*.json`` and where each came from.

    Unreadable files are listed as problems, not hidden; each readable one gets a
    :func:`describe_source`. A ``bench_<area>.py`` of ``scripts`` without an
    ``<area>.json`` is a problem too: its area is missing from the table.
    """
    ratios: list[Ratio] = []
    problems: dict[str, str] = {}
    sources: list[Source] = []
    paths = sorted(results_dir.glob("*.json"))
    for path in paths:
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            problems[path.name] = f"unreadable: {exc}"
            continue
        sources.append(describe_source(path, doc))
        found = extract_ratios(path.stem, doc)
        if not found:
            problems[path.name] = "no ratio fields"
        ratios.extend(found)
    have = {p.stem for p in paths}
    for script in scripts:
        area = script.stem.removeprefix("bench_")
        if area not in have:
            problems[script.name] = f"no results/{area}.json: the {area} area is not in the table"
    return ratios, problems, sources


def markdown_table(
    ratios: Sequence[Ratio],
    runs: Sequence[Run],
    problems: dict[str, str],
    mode: str = "",
    sources: Sequence[Source] = (),
    notes: Sequence[str] = (),
) -> str:
    """The summary as markdown: context, the ratio table, and anything that went wrong.

    ``sources`` (one per results file) are listed before the table with the time each was
    measured; ``notes`` are paragraphs placed under the first line.
    """
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    verb = "Measured" if runs else "Summarised"
    lines = [
        f"{verb} {now} on {platform.machine()} / Python {platform.python_version()}"
        f" / {platform.system()}" + (f"; {mode}." if mode else "."),
        "",
    ]
    for note in notes:
        lines += [note.strip(), ""]
    if sources:
        times = sorted(s.measured for s in sources)
        span = times[0] if times[0] == times[-1] else f"from {times[0]} to {times[-1]}"
        lines += [
            f"Results per area ({len(sources)} files, measured {span}; 'run started' is"
            " the time the benchmark recorded, 'file written' when it wrote its file):",
            "",
            *[s.line() for s in sources],
            "",
        ]
    if ratios:
        lines += ["| area | case | ratio | value |", "|---|---|---|---:|"]
        lines += [
            f"| {r.area} | {r.label.replace('|', '/')} | {r.metric} | {r.value:.3g} |"
            for r in ratios
        ]
    else:
        lines.append("No benchmark results were found.")
    failed = [r for r in runs if r.returncode != 0]
    if runs:
        total = sum(r.seconds for r in runs)
        lines += ["", f"{len(runs)} benchmark scripts ran in {total:.0f} s:", ""]
        lines += [
            f"- `{r.script}`: {r.seconds:.0f} s"
            + (f", load average {_load_text(list(r.load))} at its start" if r.load else "")
            for r in runs
        ]
    if failed or problems:
        lines += ["", "Problems:", ""]
        lines += [f"- `{r.script}` exited with {r.returncode}: {r.tail[-300:]}" for r in failed]
        lines += [f"- `{name}`: {why}" for name, why in problems.items()]
    return "\n".join(lines) + "\n"


def _short(text: str, width: int) -> str:
    """Ellipsis in the middle: the start names the area, the end tells cases apart."""
    if len(text) <= width:
        return text
    head = width // 2 - 2
    return text[:head] + "..." + text[-(width - head - 3) :]


def plot_ratios(ratios: Sequence[Ratio], path: Path) -> bool:
    """Horizontal bar chart of the ratios (log scale, a line at 1); False when none."""
    if not ratios:
        return False
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    positive = [r for r in ratios if r.value > 0]
    height = max(2.5, 0.28 * len(positive) + 1.2)
    fig = Figure(figsize=(11, height), layout="constrained")
    ax = fig.add_subplot()
    labels = [_short(f"{r.area}: {r.label}", 58) + f" [{r.metric}]" for r in positive]
    y = range(len(positive))
    ax.barh(list(y), [r.value for r in positive], color="#486581")
    ax.set_yticks(list(y), labels, fontsize=7)
    ax.set_ylim(len(positive) - 0.5, -0.5)  # first ratio on top, no 5% blank margins
    ax.set_xscale("log")
    ax.axvline(1.0, color="#b42318", lw=1)
    ax.set_xlabel("ratio (log scale; see each benchmark for its direction)")
    ax.set_title("Ratios measured within each run", loc="left")
    fig.savefig(path, dpi=110)
    return True


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="smallest sizes (smoke run)")
    parser.add_argument("--only", help="run only benchmarks whose name contains this")
    parser.add_argument(
        "--no-run", action="store_true", help="do not run anything; summarise existing results"
    )
    parser.add_argument("--publish", action="store_true", help="copy table and plot into docs/")
    parser.add_argument("--timeout", type=float, default=1800.0, help="seconds per benchmark")
    parser.add_argument(
        "--note",
        action="append",
        default=[],
        help="a paragraph (markdown) for the table's header, e.g. how the results were run",
    )
    parser.add_argument("--bench-dir", type=Path, default=HERE, help=argparse.SUPPRESS)
    parser.add_argument("--docs-dir", type=Path, default=ROOT / "docs", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    bench_dir: Path = args.bench_dir
    results_dir = bench_dir / "results"
    results_dir.mkdir(parents=True, exist_ok=True)
    runs: list[Run] = []
    if not args.no_run:
        for script in discover(bench_dir, args.only):
            print(f"running {script.name}{' --quick' if args.quick else ''} ...", flush=True)
            run = run_script(script, quick=args.quick, timeout=args.timeout, cwd=bench_dir.parent)
            status = "ok" if run.returncode == 0 else f"FAILED ({run.returncode})"
            print(f"  {status} in {run.seconds:.1f} s", flush=True)
            runs.append(run)
    ratios, problems, sources = collect(results_dir, discover(bench_dir, args.only))
    if args.no_run:
        mode = "summarised from the results already in benchmarks/results/"
    elif args.quick:
        mode = "`--quick` mode (smallest sizes)"
    else:
        mode = "full sizes"
    table = markdown_table(ratios, runs, problems, mode, sources, args.note)
    (results_dir / "summary.md").write_text(table, encoding="utf-8")
    plotted = plot_ratios(ratios, results_dir / "ratios.png")
    print(table)
    print(f"wrote {results_dir / 'summary.md'}" + (" and ratios.png" if plotted else ""))
    if args.publish:
        target = args.docs_dir / "benchmarks"
        target.mkdir(parents=True, exist_ok=True)
        note = "" if plotted else "\n"
        figure = "\n![Benchmark ratios](ratios.png)\n" if plotted else note
        (target / "latest.md").write_text(table + figure, encoding="utf-8")
        if plotted:
            shutil.copyfile(results_dir / "ratios.png", target / "ratios.png")
        print(f"published to {target}")
    return 1 if any(r.returncode != 0 for r in runs) else 0


if __name__ == "__main__":
    raise SystemExit(main())
