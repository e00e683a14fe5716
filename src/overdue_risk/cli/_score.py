"""``overdue-risk score SPEC INPUT --out OUTPUT``: score a CSV or Parquet file in chunks.

Files larger than memory are streamed: pyarrow's streaming CSV reader (or Parquet
``iter_batches``) hands over one block at a time, the runtime scores it, and the block is
appended to the output (CSV or Parquet, chosen by the ``--out`` extension). Memory is
bounded by the block size, not the file size. A progress bar goes to stderr; the row
count check (rows read == rows written) is printed at the end.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from overdue_risk._optional import require
from overdue_risk.cli._common import positive_int
from overdue_risk.exceptions import DataError

__all__ = ["add_arguments", "run"]

PARQUET_EXT = (".parquet", ".pq")


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
    parser.add_argument("--delimiter", default=",", help="CSV field delimiter (default ',')")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")


def _read_header(path: Path, delimiter: str) -> list[str]:
    import gzip

    opener: Any = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rt", encoding="utf-8", newline="") as fh:
            return next(csv.reader(fh, delimiter=delimiter), [])
    except OSError as exc:
        raise DataError(f"cannot read input file {str(path)!r}: {exc}.") from exc


def _check_columns(needed: list[str], available: list[str], path: Path) -> None:
    missing = [c for c in needed if c not in available]
    if missing:
        raise DataError(
            f"{path.name} lacks column(s) {missing} needed to score (spec features, "
            f"--id-column, --keep); its columns are {available[:20]}"
            f"{' ...' if len(available) > 20 else ''}. Rename the columns or fix the options."
        )


class _Input:
    """Streams record batches from a CSV or Parquet file and reports progress units."""

    def __init__(self, path: Path, spec: Any, passthrough: list[str], args: Any) -> None:
        self.path = path
        self.spec = spec
        self.passthrough = passthrough
        self.args = args
        self.is_parquet = path.suffix.lower() in PARQUET_EXT
        self.needed = list(dict.fromkeys([*passthrough, *spec.feature_names]))
        self.total: int | None = None
        self.unit = "rows" if self.is_parquet else "B"

    def _types(self, as_text: set[str] | None = None) -> dict[str, Any]:
        pa = require("pyarrow", extra="io", purpose="overdue-risk score")

        types: dict[str, Any] = {c: pa.string() for c in self.passthrough}
        for f in self.spec.features:
            numeric = f.kind == "numeric" and not (as_text and f.name in as_text)
            types[f.name] = pa.float64() if numeric else pa.string()
        return types

    def batches(self) -> Iterator[tuple[Any, int]]:
        """Yield (record batch, progress units consumed)."""
        if self.is_parquet:
            yield from self._parquet()
        else:
            yield from self._csv()

    def _parquet(self) -> Iterator[tuple[Any, int]]:
        pq = require("pyarrow.parquet", extra="io", purpose="overdue-risk score")

        try:
            pf = pq.ParquetFile(self.path)
        except (OSError, ValueError) as exc:
            raise DataError(f"cannot read Parquet file {str(self.path)!r}: {exc}.") from exc
        _check_columns(self.needed, list(pf.schema_arrow.names), self.path)
        self.total = pf.metadata.num_rows
        batch_rows = self.args.block_mb * 10_000
        for batch in pf.iter_batches(batch_size=batch_rows, columns=self.needed):
            yield batch, batch.num_rows

    def _open_csv(self, include: list[str], as_text: set[str] | None = None) -> Any:
        pcsv = require("pyarrow.csv", extra="io", purpose="overdue-risk score")

        read = pcsv.ReadOptions(block_size=self.args.block_mb << 20, use_threads=False)
        parse = pcsv.ParseOptions(delimiter=self.args.delimiter)
        types = self._types(as_text)
        convert = pcsv.ConvertOptions(
            include_columns=include,
            column_types={c: types[c] for c in include},
            strings_can_be_null=True,
        )
        return pcsv.open_csv(
            self._stream(), read_options=read, parse_options=parse, convert_options=convert
        )

    def _stream(self) -> Any:
        pa = require("pyarrow", extra="io", purpose="overdue-risk score")

        compression = "gzip" if self.path.suffix == ".gz" else None
        self._raw = open(self.path, "rb")  # noqa: SIM115 - closed in _csv
        return pa.CompressedInputStream(self._raw, compression) if compression else self._raw

    def _csv(self) -> Iterator[tuple[Any, int]]:
        pa = require("pyarrow", extra="io", purpose="overdue-risk score")

        header = _read_header(self.path, self.args.delimiter)
        _check_columns(self.needed, header, self.path)
        self.total = os.path.getsize(self.path)
        rows = 0
        last = 0
        try:
            try:
                reader = self._open_csv(self.needed)  # reads the first block
            except pa.ArrowInvalid as exc:
                self._raise_bad_value(exc, header, rows)
            while True:
                try:
                    batch = reader.read_next_batch()
                except StopIteration:
                    return
                except pa.ArrowInvalid as exc:
                    self._raise_bad_value(exc, header, rows)
                pos = self._raw.tell()
                rows += batch.num_rows
                yield batch, pos - last
                last = pos
        finally:
            self._raw.close()

    def _raise_bad_value(self, exc: Exception, header: list[str], rows_before: int) -> None:
        """Re-read the offending column as text to name the bad values and their rows."""
        from overdue_risk._columns import numeric_column

        message = str(exc)
        bad = [f.name for f in self.spec.features if f.kind == "numeric"]
        for i, name in enumerate(header):
            if f"column #{i}:" in message and name in bad:
                bad = [name]
                break
        self._raw.close()
        reader = self._open_csv(bad, as_text=set(bad))
        offset = 1  # data rows are numbered from 1 (the header is not a row)
        try:
            for batch in reader:
                for name in bad:
                    try:
                        numeric_column(batch.column(name), name, offset)
                    except DataError as err:
                        raise DataError(
                            f"{self.path.name}: {err} (rows count data rows from 1; the "
                            "header line is not counted)"
                        ) from None
                offset += batch.num_rows
        finally:
            self._raw.close()
        raise DataError(f"{self.path.name}: {message} (after data row {rows_before}).")


class _Output:
    """Appends scored batches to a CSV or Parquet file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.writer: Any = None
        self.rows = 0

    def write(self, columns: dict[str, Any]) -> None:
        pa = require("pyarrow", extra="io", purpose="overdue-risk score")

        arrays = {}
        for name, values in columns.items():
            if getattr(values, "dtype", None) is not None and values.dtype.kind == "O":
                arrays[name] = pa.array(values.tolist(), type=pa.string())
            else:
                arrays[name] = values
        batch = pa.RecordBatch.from_pydict(arrays)
        if self.writer is None:
            self.writer = self._open(batch.schema)
        self.writer.write(batch)
        self.rows += batch.num_rows

    def _open(self, schema: Any) -> Any:
        if self.path.suffix.lower() in PARQUET_EXT:
            pq = require("pyarrow.parquet", extra="io", purpose="overdue-risk score")

            return pq.ParquetWriter(self.path, schema)
        pcsv = require("pyarrow.csv", extra="io", purpose="overdue-risk score")

        return pcsv.CSVWriter(self.path, schema)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


def run(args: argparse.Namespace) -> int:
    """Stream INPUT through the spec into OUTPUT; print the row count check."""
    from overdue_risk.runtime import load_spec

    spec = load_spec(args.spec)
    if (args.pd or args.grade) and spec.calibration is None:
        raise DataError(f"--pd/--grade need a calibration; {args.spec} carries none.")
    if args.grade and spec.master_scale is None:
        raise DataError(f"--grade needs a master scale; {args.spec} carries none.")
    in_path, out_path = Path(args.input), Path(args.out)
    if in_path.resolve() == out_path.resolve():
        raise DataError("--out must differ from INPUT (the input would be overwritten).")
    passthrough = list(dict.fromkeys(([args.id_column] if args.id_column else []) + args.keep))
    source = _Input(in_path, spec, passthrough, args)
    sink = _Output(out_path)
    rows_in = 0
    started = time.perf_counter()
    bar = _progress(args, source)
    try:
        for batch, units in source.batches():
            if bar.total is None and source.total is not None:
                bar.total = source.total
            scored = spec.score_frame(
                batch,
                pd=args.pd,
                grade=args.grade,
                reason_codes=args.reason_codes,
                row_offset=rows_in + 1,
            )
            out = {c: batch.column(c) for c in passthrough}
            out.update(scored)
            sink.write(out)
            rows_in += batch.num_rows
            bar.update(units)
    finally:
        bar.close()
        sink.close()
    if rows_in == 0:
        raise DataError(f"{in_path.name} has no data rows to score.")
    elapsed = time.perf_counter() - started
    expected = source.total if source.is_parquet else rows_in
    ok = sink.rows == rows_in == expected
    print(
        f"rows read {rows_in:,}, rows written {sink.rows:,}"
        f"{'' if not source.is_parquet else f', rows in file {expected:,}'}: "
        f"{'OK' if ok else 'MISMATCH'} ({rows_in / max(elapsed, 1e-9):,.0f} rows/s) -> {out_path}",
        file=sys.stderr,
    )
    return 0 if ok else 1


def _progress(args: argparse.Namespace, source: _Input) -> Any:
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
