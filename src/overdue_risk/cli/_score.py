"""``overdue-risk score SPEC INPUT --out OUTPUT``: score a CSV or Parquet file in chunks.

Files larger than memory are streamed: the file layer (``overdue_risk._io``) hands over one
block at a time, the runtime scores it, and the block is appended to a temporary file
beside ``--out`` (CSV, TSV or Parquet, chosen by its extension; ``.gz`` compresses CSV),
which is renamed to ``--out`` only when every row was scored: on any failure nothing is
left at ``--out``. Reading, scoring and writing overlap: the next block is read and the
previous one written by background threads while this one is scored, so memory is
bounded by a few blocks, not the file size. A plain CSV or TSV input is cut into blocks
of whole rows that ``--threads`` threads parse at once (pyarrow's own streaming reader
parses on one core only: on 1M rows x 30 features that was the run's critical path).
Grades and reason codes go to the writer as Arrow text taken from their integer positions
(:meth:`Spec.coded_frame`), never as a Python object per row. A progress bar goes to
stderr; the row count check (rows read == rows written) is printed at the end.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from overdue_risk._csv_chunks import default_threads
from overdue_risk._io import TableReader, TableWriter
from overdue_risk._optional import require
from overdue_risk.cli._common import positive_int
from overdue_risk.exceptions import DataError
from overdue_risk.runtime import load_spec

__all__ = ["add_arguments", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the command's arguments."""
    parser.add_argument("spec", help="scoring spec JSON (Scorecard.save_spec / to_spec)")
    parser.add_argument("input", help="input file: .csv (optionally .gz) or .parquet")
    parser.add_argument("--out", required=True, help="output file: .csv or .parquet")
    parser.add_argument(
        "--reason-codes",
        type=positive_int,
        default=0,
        metavar="K",
        help="add K reason-code columns reason_1..reason_K",
    )
    parser.add_argument("--pd", action="store_true", help="add the calibrated PD column")
    parser.add_argument("--grade", action="store_true", help="add the master-scale grade column")
    parser.add_argument("--id-column", default=None, help="copy this column first to the output")
    parser.add_argument(
        "--keep", nargs="+", default=[], metavar="COL", help="copy these columns to the output"
    )
    parser.add_argument(
        "--block-mb",
        type=positive_int,
        default=4,
        help="CSV block size in MB, or Parquet rows per batch / 10000 (default 4)",
    )
    parser.add_argument(
        "--delimiter", default=None, help="CSV field delimiter (default ',', TAB for .tsv)"
    )
    parser.add_argument(
        "--encoding", default="utf-8", help="text encoding of a CSV input (default utf-8)"
    )
    parser.add_argument(
        "--prefix", default="", help="prefix of the output columns (score, pd, grade, reason_k)"
    )
    parser.add_argument(
        "--threads",
        type=positive_int,
        default=default_threads(),
        help="threads that parse a CSV or TSV input (default: the cores, at most 4; 1: "
        "block after block, as pyarrow's streaming reader does)",
    )
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")


def _output_names(spec: Any, args: argparse.Namespace) -> list[str]:
    names = ["score"]
    if args.pd or args.grade:
        names.append("pd")
    if args.grade:
        names.append("grade")
    names += [f"reason_{k}" for k in range(1, args.reason_codes + 1)]
    return [args.prefix + n for n in names]


def run(args: argparse.Namespace) -> int:
    """Stream INPUT through the spec into OUTPUT; print the row count check."""
    spec = load_spec(args.spec)
    if (args.pd or args.grade) and spec.calibration is None:
        raise DataError(f"--pd/--grade need a calibration; {args.spec} carries none.")
    if args.grade and spec.master_scale is None:
        raise DataError(f"--grade needs a master scale; {args.spec} carries none.")
    in_path, out_path = Path(args.input), Path(args.out)
    if in_path.resolve() == out_path.resolve():
        raise DataError("--out must differ from INPUT (the input would be overwritten).")
    passthrough = list(dict.fromkeys(([args.id_column] if args.id_column else []) + args.keep))
    outputs = _output_names(spec, args)
    clash = [c for c in passthrough if c in outputs]
    if clash:
        raise DataError(
            f"kept column(s) {clash} would be overwritten by the output column(s) of the same "
            "name. Pass --prefix (e.g. --prefix new_) to name the outputs apart."
        )
    source = TableReader(in_path, delimiter=args.delimiter, encoding=args.encoding)
    needed = list(dict.fromkeys([*passthrough, *spec.feature_names]))
    numeric = [f.name for f in spec.features if f.kind == "numeric" and f.name not in passthrough]
    pa = require("pyarrow", extra="io", purpose="overdue-risk score")
    sink = TableWriter(out_path, background=True)  # refuses an unknown extension first
    # text of every position, and null for the last one ("no grade" / "no reason")
    grades = spec.master_scale.grades if spec.master_scale else ()
    text = {
        "grade": pa.array([*grades, None], pa.string()),
        "reason": pa.array([f.reason_code for f in spec.features] + [None], pa.string()),
    }
    rows_in = 0
    started = time.perf_counter()
    bar: Any = None
    blocks = source.batches(
        needed, numeric=numeric, block_mb=args.block_mb, ahead=1, threads=args.threads
    )
    try:
        bar = _progress(args, source)
        bar.total = source.total
        for batch, units in blocks:
            scored = spec.coded_frame(
                batch,
                pd=args.pd,
                grade=args.grade,
                reason_codes=args.reason_codes,
                row_offset=rows_in + 1,
            )
            out = {c: batch.column(c) for c in passthrough}
            out.update({args.prefix + k: _arrow_column(pa, k, v, text) for k, v in scored.items()})
            sink.write(out)
            rows_in += batch.num_rows
            bar.update(units)
        sink.wait()
        if rows_in == 0:
            raise DataError(f"{in_path.name} has no data rows to score.")
        expected = source.total if source.format == "parquet" else rows_in
        if not sink.rows == rows_in == expected:
            raise DataError(
                f"row count check failed: read {rows_in:,}, wrote {sink.rows:,}, file holds "
                f"{expected:,}; nothing written to {out_path}."
            )
        sink.commit()
    except BaseException:
        sink.abort()
        raise
    finally:
        blocks.close()  # stops the read-ahead thread
        if bar is not None:
            bar.close()
    elapsed = time.perf_counter() - started
    in_file = f", rows in file {expected:,}" if source.format == "parquet" else ""
    print(
        f"rows read {rows_in:,}, rows written {sink.rows:,}{in_file}: OK "
        f"({rows_in / max(elapsed, 1e-9):,.0f} rows/s) -> {out_path}",
        file=sys.stderr,
    )
    return 0


def _arrow_column(pa: Any, name: str, values: Any, text: dict[str, Any]) -> Any:
    """A column of :meth:`Spec.coded_frame` for the writer: grade and reason positions
    become Arrow text by one ``take`` from the text of every position (no Python object
    per row); no grade (-1) and no reason (``n_features``) take the trailing null."""
    table = text["grade"] if name == "grade" else text["reason"] if name[:7] == "reason_" else None
    if table is None:
        return values
    codes = values.astype(np.int32)
    if name == "grade":
        codes[codes < 0] = len(table) - 1
    return table.take(pa.array(codes))


def _progress(args: argparse.Namespace, source: TableReader) -> Any:
    tqdm = require("tqdm", extra="io", purpose="the progress bar of overdue-risk score").tqdm

    return tqdm(
        total=None,
        unit=source.unit,
        unit_scale=True,
        file=sys.stderr,
        disable=args.no_progress,
        desc="scoring",
        leave=False,
    )
