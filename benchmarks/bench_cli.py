"""``overdue-risk score`` against the pyarrow read+write floor, from CSV and from Parquet.

    python benchmarks/bench_cli.py           # 1,000,000 rows x 30 features (a few minutes)
    python benchmarks/bench_cli.py --quick   # 20,000 rows x 5 features (smoke test)

Data: the runtime benchmark's numeric features (2% missing) plus an integer ``id``,
written once as CSV and as Parquet with ONE row group (the worst case for memory). The
card is the runtime benchmark's calibrated card (logistic calibration, master scale).

Timed in turns (one warm-up each, then ``repeat`` runs; min and median printed), in this
process (interpreter start-up excluded):

- ``cli``: ``overdue-risk score SPEC INPUT --out OUT --id-column id --pd --grade
  --reason-codes 3 --no-progress`` through ``overdue_risk.cli.main``;
- ``floor``: what any scorer of that file must do with pyarrow: read the same columns
  (``pyarrow.csv.read_csv`` with the same column types / ``pyarrow.parquet.read_table``)
  and write a table of the same rows and output columns (id, score, pd, grade,
  reason_1..3, as the CLI writes them) with ``pyarrow.csv.write_csv`` /
  ``pyarrow.parquet.write_table``.

The ratio ``cli / floor`` is the figure of issue 19 (target <= 1.3x). Peak memory: the
CLI on the one-row-group Parquet file in a fresh subprocess (``ru_maxrss``) at two
``--block-mb`` values, against reading the file whole (``pyarrow.parquet.read_table``).

Writes ``benchmarks/results/cli.json``.
"""

from __future__ import annotations

import contextlib
import io
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as pcsv
import pyarrow.parquet as pq

from _common import bench_parser, write_json
from bench_runtime import calibrated_spec, numeric_data
from overdue_risk.cli import main as cli_main

# VmHWM (peak resident set of this process image), not ru_maxrss: Linux carries ru_maxrss
# over from the forking parent (this benchmark holds the data), VmHWM starts afresh at exec
_RSS = """
{body}
with open("/proc/self/status") as f:
    print(next(int(line.split()[1]) for line in f if line.startswith("VmHWM")) / 1024)
"""


def peak_rss_mb(body: str) -> float:
    """Peak resident memory (MB) of a fresh interpreter running ``body``."""
    proc = subprocess.run(
        [sys.executable, "-c", _RSS.format(body=body)],
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )
    if proc.returncode != 0:
        raise SystemExit(proc.stderr)
    return float(proc.stdout.strip().splitlines()[-1])


def turns(fns: dict[str, Any], repeat: int) -> dict[str, list[float]]:
    """Run every function once (warm-up), then ``repeat`` rounds in turns."""
    for fn in fns.values():
        fn()
    times: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(repeat):
        for name, fn in fns.items():
            t0 = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - t0)
    return times


def run_cli(args: list[str]) -> None:
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code = cli_main(["score", *args])
    if code != 0:
        raise SystemExit(f"overdue-risk score failed ({code}): {err.getvalue()}")


def case(fmt: str, data: Path, spec_path: Path, features: list[str], repeat: int) -> dict[str, Any]:
    """The CLI against the pyarrow floor on one input format."""
    work = data.parent
    out = work / f"scored.{fmt}"
    floor_out = work / f"floor.{fmt}"
    args = [str(spec_path), str(data), "--out", str(out), "--id-column", "id"]
    args += ["--pd", "--grade", "--reason-codes", "3", "--no-progress"]
    run_cli(args)
    if fmt == "csv":
        types = {c: pa.float64() for c in features}
        types["id"] = pa.string()  # the CLI reads passthrough columns as text
        convert = pcsv.ConvertOptions(
            include_columns=["id", *features], column_types=types, strings_can_be_null=True
        )
        output = pcsv.read_csv(out)

        def floor() -> None:
            table = pcsv.read_csv(
                data,
                read_options=pcsv.ReadOptions(use_threads=False),
                convert_options=convert,
            )
            assert table.num_rows == output.num_rows
            pcsv.write_csv(output, floor_out)

    else:
        output = pq.read_table(out)

        def floor() -> None:
            table = pq.read_table(data, columns=["id", *features], use_threads=False)
            assert table.num_rows == output.num_rows
            pq.write_table(output, floor_out)

    times = turns({"floor": floor, "cli": lambda: run_cli(args)}, repeat)
    stats = {k: {"min": min(v), "median": float(np.median(v))} for k, v in times.items()}
    return {
        "name": fmt,
        "n_rows": output.num_rows,
        "output_columns": output.column_names,
        "repeat": repeat,
        "warm_up": 1,
        "seconds": stats,
        "ratio_min": stats["cli"]["min"] / stats["floor"]["min"],
        "ratio_median": stats["cli"]["median"] / stats["floor"]["median"],
    }


def memory(data: Path, spec_path: Path, blocks: list[int]) -> dict[str, Any]:
    """Peak RSS of the CLI on a one-row-group Parquet file, per --block-mb, and of a whole read."""
    out = data.parent / "mem_out.parquet"
    res: dict[str, Any] = {"file_mb": data.stat().st_size / 2**20}
    res["read_whole_mb"] = peak_rss_mb(
        f"import pyarrow.parquet as pq; t = pq.read_table({str(data)!r})"
    )
    res["import_only_mb"] = peak_rss_mb("import overdue_risk.cli, pyarrow.parquet")
    for mb in blocks:
        argv = ["score", str(spec_path), str(data), "--out", str(out), "--id-column", "id"]
        argv += ["--pd", "--grade", "--reason-codes", "3", "--no-progress", "--block-mb", str(mb)]
        res[f"cli_block_mb_{mb}"] = peak_rss_mb(
            f"from overdue_risk.cli import main; assert main({argv!r}) == 0"
        )
    return res


def main(argv: list[str] | None = None) -> None:
    parser = bench_parser(__doc__, "cli")
    args = parser.parse_args(argv)
    n, p, repeat = (20_000, 5, 2) if args.quick else (1_000_000, 30, 3)
    x, _ = numeric_data(n, p, seed=p)
    spec = calibrated_spec(x, seed=p)
    features = list(spec.feature_names)
    table = pa.table({"id": np.arange(n), **{c: x[:, j] for j, c in enumerate(features)}})
    results: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        spec_path = work / "card.json"
        spec_path.write_text(json.dumps(spec.to_dict()), encoding="utf-8")
        csv_path, pq_path = work / "in.csv", work / "in.parquet"
        pcsv.write_csv(table, csv_path)
        pq.write_table(table, pq_path, row_group_size=n)  # one row group
        del table
        results.append(case("csv", csv_path, spec_path, features, repeat))
        results.append(case("parquet", pq_path, spec_path, features, repeat))
        mem = memory(pq_path, spec_path, [1, 4] if args.quick else [1, 4, 16])
    print(f"{n:,} rows x {p} features; --id-column id --pd --grade --reason-codes 3")
    print(f"{'input':<9}{'floor min s':>12}{'cli min s':>11}{'x floor min':>13}{'x median':>10}")
    for r in results:
        s = r["seconds"]
        print(
            f"{r['name']:<9}{s['floor']['min']:>12.3f}{s['cli']['min']:>11.3f}"
            f"{r['ratio_min']:>13.2f}{r['ratio_median']:>10.2f}"
        )
    blocks = ", ".join(f"{k[13:]} MB: {v:.0f} MB" for k, v in mem.items() if k.startswith("cli_"))
    print(
        f"peak RSS, one-row-group Parquet of {mem['file_mb']:.0f} MB: CLI --block-mb {blocks}; "
        f"read whole {mem['read_whole_mb']:.0f} MB; imports alone {mem['import_only_mb']:.0f} MB"
    )
    results.append({"name": "memory", **mem})
    write_json(args.out, {"benchmark": "cli", "quick": args.quick, "results": results})


if __name__ == "__main__":
    main()
