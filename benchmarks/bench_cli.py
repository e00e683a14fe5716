"""``overdue-risk score`` against the pyarrow read+write floor, from CSV and from Parquet.

    python benchmarks/bench_cli.py           # 1,000,000 rows x 30 features (a few minutes)
    python benchmarks/bench_cli.py --quick   # 20,000 rows x 5 features (smoke test)

Data: the runtime benchmark's numeric features (2% missing) plus an integer ``id``,
written once as CSV and as Parquet with ONE row group (the worst case for memory). The
card is the runtime benchmark's calibrated card (logistic calibration, master scale).

Timed in turns (one warm-up each, then ``repeat`` runs; min and median printed), in this
process (interpreter start-up excluded):

- ``cli``: ``overdue-risk score SPEC INPUT --out OUT --id-column id --pd --grade
  --reason-codes 3 --no-progress`` through ``overdue_risk.cli.main`` (it reads the next
  block and writes the previous one in background threads while it scores; a CSV is cut
  into blocks of whole rows parsed on ``--threads`` threads, by default the cores);
- the floor: what any scorer of that file must do with pyarrow alone: read the same
  columns with the same types (the id as text, the features as float64) and write the
  CLI's own output table (read back with the CLI's schema, so the floor writes the same
  bytes: checked before timing). Three ways, each timed, the fastest is the floor:
  ``whole`` (``pyarrow.csv.read_csv`` / ``pyarrow.parquet.read_table`` single-threaded,
  then ``write_csv`` / ``write_table``), ``whole_threads`` (the same reads with
  ``use_threads=True``: pyarrow on every core) and ``streamed`` (``open_csv`` /
  ``ParquetFile.iter_batches`` in the CLI's block size, written block by block with
  ``CSVWriter`` / ``ParquetWriter``).

The ratio ``cli / floor`` is the figure of issue 19 (target <= 1.3x); the CPU time of
each (all threads: ``time.process_time``) is printed beside it, as the CLI may use two
cores. Peak memory: the CLI on the one-row-group Parquet file in a fresh subprocess
(VmHWM) at several ``--block-mb`` values, against reading the file whole
(``pyarrow.parquet.read_table``); and on the CSV file at the default block, parsed on one
thread and on the default threads.

The CPU bound: two cores cannot finish sooner than half the CPU time the work needs, so
the best the CLI can do on this machine is about ``(floor CPU + scoring CPU) / 2`` where
the scoring CPU is ``Spec.coded_frame`` alone over the same batches (timed here too).

Also ``read_table`` (the library's reader for ``fit``, the gate and the pipeline, which
infers types) on the same CSV against ``pandas.read_csv`` and a threaded
``pyarrow.csv.read_csv`` with the types given (the floor).

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
from bench_runtime import calibrated_spec, numeric_data, turns
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


def run_cli(args: list[str]) -> None:
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code = cli_main(["score", *args])
    if code != 0:
        raise SystemExit(f"overdue-risk score failed ({code}): {err.getvalue()}")


def floors(fmt: str, data: Path, out: Path, features: list[str], block_mb: int) -> dict[str, Any]:
    """The three pyarrow read+write floors of one input format (see the module docstring);
    each writes exactly the CLI's output (checked here)."""
    floor_out = out.parent / f"floor.{fmt}"
    columns = ["id", *features]
    if fmt == "csv":
        types = {c: pa.float64() for c in features}
        types["id"] = pa.string()  # the CLI reads passthrough columns as text
        convert = pcsv.ConvertOptions(
            include_columns=columns, column_types=types, strings_can_be_null=True
        )
        # the CLI's output types: text for the id, grade and reasons, float64 for score
        # and PD (a reader would otherwise infer integers from whole-number scores)
        names = pcsv.open_csv(out).schema.names
        out_types = {c: pa.float64() if c in ("score", "pd") else pa.string() for c in names}
        output = pcsv.read_csv(
            out,
            convert_options=pcsv.ConvertOptions(column_types=out_types, strings_can_be_null=True),
        )

        def whole(threads: bool) -> None:
            options = pcsv.ReadOptions(use_threads=threads)
            table = pcsv.read_csv(data, read_options=options, convert_options=convert)
            assert table.num_rows == output.num_rows
            pcsv.write_csv(output, floor_out)

        def streamed() -> None:
            options = pcsv.ReadOptions(use_threads=False, block_size=block_mb << 20)
            reader = pcsv.open_csv(data, read_options=options, convert_options=convert)
            with pcsv.CSVWriter(floor_out, output.schema) as writer:
                done = 0
                for batch in reader:
                    writer.write_table(output.slice(done, batch.num_rows))
                    done += batch.num_rows
            assert done == output.num_rows

    else:
        output = pq.read_table(out)

        def whole(threads: bool) -> None:
            table = pq.read_table(data, columns=columns, use_threads=threads)
            assert table.num_rows == output.num_rows
            pq.write_table(output, floor_out)

        def streamed() -> None:
            source = pq.ParquetFile(data)
            with pq.ParquetWriter(floor_out, output.schema) as writer:
                done = 0
                for batch in source.iter_batches(batch_size=block_mb * 10_000, columns=columns):
                    writer.write_table(output.slice(done, batch.num_rows))
                    done += batch.num_rows
            assert done == output.num_rows

    fns = {
        "whole": lambda: whole(False),
        "whole_threads": lambda: whole(True),
        "streamed": streamed,
    }
    for fn in fns.values():  # the floor writes what the CLI wrote
        fn()
        if fmt == "csv":
            same = floor_out.read_bytes() == out.read_bytes()
        else:
            same = pq.read_table(floor_out).equals(output)
        if not same:
            raise SystemExit(f"{fmt} floor output differs from the CLI's output")
    return {"output": output, "fns": fns}


def case(fmt: str, data: Path, spec_path: Path, features: list[str], repeat: int) -> dict[str, Any]:
    """The CLI against the pyarrow floors on one input format."""
    out = data.parent / f"scored.{fmt}"
    block_mb = 4  # the CLI's default --block-mb
    args = [str(spec_path), str(data), "--out", str(out), "--id-column", "id"]
    args += ["--pd", "--grade", "--reason-codes", "3", "--no-progress"]
    run_cli(args)
    floor = floors(fmt, data, out, features, block_mb)
    fns = {f"floor_{k}": v for k, v in floor["fns"].items()}
    fns["cli"] = lambda: run_cli(args)
    times, cpu = turns_cpu(fns, repeat)
    stats = {k: {"min": min(v), "median": float(np.median(v))} for k, v in times.items()}
    names = [k for k in stats if k.startswith("floor_")]
    best_min = min(stats[k]["min"] for k in names)
    best_median = min(stats[k]["median"] for k in names)
    cpu_min = {k: min(v) for k, v in cpu.items()}
    score_cpu = scoring_cpu(data, spec_path)
    floor_cpu = min(cpu_min[k] for k in names)
    return {
        "name": fmt,
        "n_rows": floor["output"].num_rows,
        "output_columns": floor["output"].column_names,
        "repeat": repeat,
        "warm_up": 1,
        "block_mb": block_mb,
        "seconds": stats,
        "cpu_seconds_min": cpu_min,
        "floor_min": best_min,
        "floor_median": best_median,
        "ratio_min": stats["cli"]["min"] / best_min,
        "ratio_median": stats["cli"]["median"] / best_median,
        "ratio_cpu_min": cpu_min["cli"] / floor_cpu,
        "scoring_cpu": score_cpu,
        # two cores: no run can beat half the CPU the floor and the scoring need together
        "two_core_bound_ratio": (floor_cpu + score_cpu) / 2 / best_min,
    }


def turns_cpu(
    fns: dict[str, Any], repeat: int
) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """:func:`bench_runtime.turns` that also records each call's CPU time (all threads)."""
    cpu: dict[str, list[float]] = {name: [] for name in fns}

    def timed(name: str, fn: Any) -> Any:
        def call() -> None:
            c0 = time.process_time()
            fn()
            cpu[name].append(time.process_time() - c0)

        return call

    times = turns({name: timed(name, fn) for name, fn in fns.items()}, repeat)
    return times, {name: v[1:] for name, v in cpu.items()}  # without the warm-up


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


def csv_memory(data: Path, spec_path: Path) -> dict[str, float]:
    """Peak RSS of the CLI on the CSV file at the default block, on one parsing thread and
    on the default number."""
    out = data.parent / "mem_out.csv"
    res = {}
    for threads in ("1", None):
        argv = ["score", str(spec_path), str(data), "--out", str(out), "--id-column", "id"]
        argv += ["--pd", "--grade", "--reason-codes", "3", "--no-progress"]
        argv += ["--threads", threads] if threads else []
        res[f"csv_threads_{threads or 'default'}_mb"] = peak_rss_mb(
            f"from overdue_risk.cli import main; assert main({argv!r}) == 0"
        )
    return res


def scoring_cpu(data: Path, spec_path: Path) -> float:
    """CPU seconds of ``Spec.coded_frame`` alone over the CLI's batches (min of 3)."""
    from overdue_risk._io import TableReader
    from overdue_risk.runtime import load_spec

    spec = load_spec(spec_path)
    names = list(spec.feature_names)
    reader = TableReader(data)
    batches = [b for b, _ in reader.batches(["id", *names], numeric=names, threads=2)]
    best = float("inf")
    for _ in range(3):
        c0 = time.process_time()
        for batch in batches:
            spec.coded_frame(batch, pd=True, grade=True, reason_codes=3)
        best = min(best, time.process_time() - c0)
    return best


def read_case(data: Path, repeat: int) -> dict[str, Any]:
    """``overdue_risk`` ``read_table`` (the reader of ``fit``, the gate and the pipeline: types
    inferred by the library's rule) on the CSV against ``pandas.read_csv`` (its own
    inference) and ``pyarrow.csv.read_csv`` with threads and no inference (the floor: every
    column as float64 but the id), taking turns after one warm-up each."""
    import pandas as pd

    from overdue_risk._io import read_table

    header = pcsv.open_csv(data).schema.names
    types = {c: pa.string() if c == "id" else pa.float64() for c in header}
    convert = pcsv.ConvertOptions(column_types=types, strings_can_be_null=True)
    ours = read_table(data)
    peer = pd.read_csv(data)
    if ours.shape != peer.shape or not np.allclose(
        ours.drop(columns="id").to_numpy(float),
        peer.drop(columns="id").to_numpy(float),
        equal_nan=True,
    ):
        raise SystemExit("read_table and pandas.read_csv read different values")
    fns = {
        "read_table": lambda: read_table(data),
        "pandas_read_csv": lambda: pd.read_csv(data),
        "pyarrow_floor": lambda: pcsv.read_csv(data, convert_options=convert),
    }
    times = turns(fns, repeat)
    stats = {k: {"min": min(v), "median": float(np.median(v))} for k, v in times.items()}
    ours_min, ours_med = stats["read_table"]["min"], stats["read_table"]["median"]
    return {
        "name": "read_table",
        "n_rows": int(ours.shape[0]),
        "seconds": stats,
        "ratio_vs_pandas_min": ours_min / stats["pandas_read_csv"]["min"],
        "ratio_vs_pandas_median": ours_med / stats["pandas_read_csv"]["median"],
        "ratio_vs_floor_min": ours_min / stats["pyarrow_floor"]["min"],
        "ratio_vs_floor_median": ours_med / stats["pyarrow_floor"]["median"],
    }


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
        reading = read_case(csv_path, repeat)
        mem = memory(pq_path, spec_path, [1, 4] if args.quick else [1, 4, 16])
        mem.update(csv_memory(csv_path, spec_path))
    print(f"{n:,} rows x {p} features; --id-column id --pd --grade --reason-codes 3")
    print(f"{'input':<9}{'':<20}{'min s':>8}{'median s':>10}{'cpu min s':>11}")
    for r in results:
        for name, t in r["seconds"].items():
            cpu = r["cpu_seconds_min"][name]
            print(f"{r['name']:<9}{name:<20}{t['min']:>8.3f}{t['median']:>10.3f}{cpu:>11.3f}")
    head = f"{'input':<9}{'floor min s':>12}{'cli min s':>11}{'x floor min':>13}{'x median':>10}"
    print(f"{head}{'x cpu':>7}{'2-core bound':>14}")
    for r in results:
        print(
            f"{r['name']:<9}{r['floor_min']:>12.3f}{r['seconds']['cli']['min']:>11.3f}"
            f"{r['ratio_min']:>13.2f}{r['ratio_median']:>10.2f}{r['ratio_cpu_min']:>7.2f}"
            f"{r['two_core_bound_ratio']:>13.2f}x"
        )
    blocks = ", ".join(f"{k[13:]} MB: {v:.0f} MB" for k, v in mem.items() if k.startswith("cli_"))
    print(
        f"peak RSS, one-row-group Parquet of {mem['file_mb']:.0f} MB: CLI --block-mb {blocks}; "
        f"read whole {mem['read_whole_mb']:.0f} MB; imports alone {mem['import_only_mb']:.0f} MB"
    )
    print(
        f"peak RSS, CSV at --block-mb 4: --threads 1 {mem['csv_threads_1_mb']:.0f} MB, "
        f"default threads {mem['csv_threads_default_mb']:.0f} MB"
    )
    r = reading
    print(
        f"read_table on the CSV: {r['seconds']['read_table']['min']:.3f} s min; "
        f"x pandas.read_csv {r['ratio_vs_pandas_min']:.2f} (median "
        f"{r['ratio_vs_pandas_median']:.2f}), x pyarrow floor {r['ratio_vs_floor_min']:.2f} "
        f"(median {r['ratio_vs_floor_median']:.2f})"
    )
    results.append(reading)
    results.append({"name": "memory", **mem})
    write_json(args.out, {"benchmark": "cli", "quick": args.quick, "results": results})


if __name__ == "__main__":
    main()
