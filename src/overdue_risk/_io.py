"""The one file layer: read and write CSV, TSV and Parquet tables with the same rules everywhere.

The CLI, the gate, the dataset loaders and the report read files through this module, so a
file that one of them reads, every one reads with the same meaning:

* the format comes from the extension: ``.csv``, ``.txt``, ``.tsv``, ``.tab`` (each
  optionally ``.gz``), ``.parquet`` or ``.pq``; anything else is refused;
* a UTF-8 byte order mark is stripped; a file that is not valid text in ``encoding``
  (default UTF-8) is a :class:`~overdue_risk.exceptions.DataError` naming the
  ``encoding`` option (``--encoding`` on the command line);
* duplicated column names are refused (never renamed ``a.1`` behind the caller's back);
* a row with too many or too few fields, and a file cut inside a quoted field, is a
  ``DataError`` naming the line (never a pyarrow traceback); a value that is not a number
  in a column read as numbers names the column, value and row;
* writing is all or nothing (:class:`TableWriter`): rows go to a temporary file beside the
  target, renamed over it only when every row was written.

Streaming can overlap the caller's work: ``TableReader.batches(..., ahead=n)`` reads up to
``n`` blocks ahead in a background thread, and ``TableWriter(path, background=True)``
writes in one (pyarrow parses, encodes and compresses outside the GIL). Either holds at
most a couple of blocks in flight, so memory stays bounded by the block size.

pyarrow does the parsing (the ``io`` extra); pandas is imported only by :func:`read_table`.

Examples
--------
>>> import pathlib, tempfile
>>> p = pathlib.Path(tempfile.mkdtemp()) / "x.csv"
>>> _ = p.write_bytes(b"\\xef\\xbb\\xbfage,purpose\\n22,cash\\n41,car\\n")
>>> read_table(p).columns.tolist()
['age', 'purpose']
>>> _ = p.write_text("a,a\\n1,2\\n")
>>> read_table(p)
Traceback (most recent call last):
...
overdue_risk.exceptions.DataError: x.csv: column 'a' appears more than once in the header...
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import os
import queue
import re
import tempfile
import threading
from collections.abc import Collection, Generator, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from overdue_risk._csv_chunks import (
    ascii_compatible,
    default_threads,
    header_end,
    ordered_map,
    row_blocks,
)
from overdue_risk._optional import require
from overdue_risk._table_types import infer_table
from overdue_risk.exceptions import DataError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["TableReader", "TableWriter", "read_table", "table_format"]

_FORMATS = {
    ".csv": "csv",
    ".txt": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".parquet": "parquet",
    ".pq": "parquet",
}


def table_format(path: str | os.PathLike[str]) -> tuple[str, bool]:
    """``(format, gzipped)`` of a table file from its extension.

    Examples
    --------
    >>> table_format("book.csv.gz"), table_format("b.parquet")
    (('csv', True), ('parquet', False))
    >>> table_format("book.xlsx")
    Traceback (most recent call last):
    ...
    overdue_risk.exceptions.DataError: cannot tell the format of 'book.xlsx'...
    """
    name = Path(path).name.lower()
    gz = name.endswith(".gz")
    stem = name[:-3] if gz else name
    fmt = _FORMATS.get(Path(stem).suffix)
    if fmt is None or (gz and fmt == "parquet"):
        raise DataError(
            f"cannot tell the format of {Path(path).name!r}: expected .csv, .tsv (optionally "
            ".gz), .parquet or .pq. Rename or convert the file (Excel: save as CSV)."
        )
    return fmt, gz


def _pa() -> Any:
    return require("pyarrow", extra="io", purpose="reading and writing table files")


class TableReader:
    """One table file: its header checked, then read whole or streamed in blocks.

    Parameters
    ----------
    path : str or Path
    delimiter : str, optional
        CSV field delimiter (default ``,``; ``\\t`` for ``.tsv``).
    encoding : str, default="utf-8"
        Text encoding of a CSV/TSV file (a UTF-8 byte order mark is stripped).

    Attributes
    ----------
    names : list of str
        The header (Parquet: the schema), duplicates refused.
    format : {"csv", "tsv", "parquet"}
    total : int
        Rows in the file (Parquet) or bytes (CSV/TSV), for progress reports.
    unit : {"rows", "B"}

    Examples
    --------
    >>> import pathlib, tempfile
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.csv"
    >>> _ = p.write_text("a,b\\n1,x\\n2,y\\n")
    >>> reader = TableReader(p)
    >>> reader.names
    ['a', 'b']
    >>> [b.num_rows for b, _ in reader.batches(["a"], numeric=["a"])]
    [2]
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        delimiter: str | None = None,
        encoding: str = "utf-8",
    ) -> None:
        self.path = Path(path)
        self.format, self.gzipped = table_format(self.path)
        self.delimiter = delimiter or ("\t" if self.format == "tsv" else ",")
        self.encoding = encoding
        if not self.path.is_file():
            raise DataError(f"data file {str(self.path)!r} does not exist. Check the path.")
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise DataError(
                f"unknown encoding {encoding!r}; pass a Python codec name such as 'utf-8', "
                "'cp1252' or 'latin-1'."
            ) from None
        if self.format == "parquet":
            self.names = self._parquet_names()
            self.unit = "rows"
        else:
            self.names = self._csv_header()
            self.total = os.path.getsize(self.path)
            self.unit = "B"
        _refuse_duplicates(self.names, self.path)

    # ------------------------------------------------------------------ header
    def _where(self) -> str:
        return self.path.name

    def _parquet_names(self) -> list[str]:
        pq = require("pyarrow.parquet", extra="io", purpose="reading Parquet files")
        try:
            self._pf = pq.ParquetFile(self.path)
        except (OSError, ValueError, _pa().ArrowException) as exc:
            raise DataError(f"cannot read Parquet file {self._where()!r}: {exc}.") from None
        self.total = int(self._pf.metadata.num_rows)
        return [str(n) for n in self._pf.schema_arrow.names]

    def _text(self) -> io.TextIOBase:
        opener: Any = gzip.open if self.gzipped else open
        encoding = (
            "utf-8-sig"
            if self.encoding.lower().replace("_", "-") in ("utf-8", "utf8")
            else self.encoding
        )
        return opener(self.path, "rt", encoding=encoding, newline="")  # type: ignore[no-any-return]

    def _csv_header(self) -> list[str]:
        try:
            with self._text() as fh:
                header = next(csv.reader(fh, delimiter=self.delimiter), None)
        except UnicodeDecodeError as exc:
            raise self._encoding_error(exc) from None
        except (OSError, EOFError, csv.Error) as exc:
            raise DataError(f"cannot read {self._where()!r}: {exc}.") from None
        if not header:
            raise DataError(f"{self._where()} is empty: no header line. Pass a file with data.")
        return [h.strip() for h in header]

    def _encoding_error(self, exc: Exception) -> DataError:
        return DataError(
            f"{self._where()} is not valid {self.encoding} text ({exc}). Pass its encoding: "
            "encoding='cp1252' (or 'latin-1', ...) in Python, --encoding on the command line."
        )

    # ------------------------------------------------------------------ reading
    def batches(
        self,
        columns: Sequence[str],
        *,
        numeric: Collection[str] = (),
        block_mb: float = 4,
        ahead: int = 0,
        threads: int = 1,
    ) -> Generator[tuple[Any, int], None, None]:
        """Yield ``(pyarrow.RecordBatch, progress units)`` with ``columns`` only.

        ``numeric`` columns are read as float64 (a non-number is a DataError naming the
        column, value and row); every other column is read as text. With ``ahead > 0`` a
        background thread reads up to ``ahead`` blocks ahead of the caller (its errors are
        raised here, at the block where they happened). With ``threads > 1`` a plain CSV
        or TSV file in an ASCII-compatible encoding is cut into blocks of whole rows that
        ``threads`` threads parse at once (:mod:`overdue_risk._csv_chunks`): the same
        batches, in file order, as with one thread.
        """
        batches = self._batches(columns, numeric, block_mb, threads)
        return read_ahead(batches, ahead) if ahead > 0 else batches

    def _batches(
        self, columns: Sequence[str], numeric: Collection[str], block_mb: float, threads: int = 1
    ) -> Generator[tuple[Any, int], None, None]:
        missing = [c for c in columns if c not in self.names]
        if missing:
            raise DataError(
                f"{self._where()} lacks column(s) {missing}; its columns are "
                f"{self.names[:20]}{' ...' if len(self.names) > 20 else ''}. Rename the "
                "columns or fix the options."
            )
        if self.format == "parquet":
            yield from self._parquet_batches(list(columns), block_mb)
        elif threads > 1 and not self.gzipped and ascii_compatible(self.encoding):
            yield from self._csv_parallel(list(columns), set(numeric), block_mb, threads)
        else:
            yield from self._csv_batches(list(columns), set(numeric), block_mb)

    def _parquet_batches(self, columns: list[str], block_mb: float) -> Iterator[tuple[Any, int]]:
        pa = _pa()
        pq = require("pyarrow.parquet", extra="io", purpose="reading Parquet files")
        try:
            # buffered, not pre-buffered: pages are read as the batches need them, so memory
            # follows block_mb even for one huge row group (pre_buffer loads the whole group)
            pf = pq.ParquetFile(self.path, buffer_size=1 << 20, pre_buffer=False)
            size = max(1, int(block_mb * 10_000))
            for batch in pf.iter_batches(batch_size=size, columns=columns):
                yield batch, batch.num_rows
        except (OSError, pa.ArrowException) as exc:
            raise DataError(f"cannot read Parquet file {self._where()!r}: {exc}.") from None

    def _csv_options(
        self, columns: list[str], numeric: set[str], block: int, bad_rows: list[Any], **read: Any
    ) -> dict[str, Any]:
        """pyarrow's read, parse and convert options: ``block`` bytes per block, ``numeric``
        columns as float64 and the others as text, rows of a wrong field count kept in
        ``bad_rows`` (and an error); ``read`` adds read options."""
        pa = _pa()
        pcsv = require("pyarrow.csv", extra="io", purpose="reading CSV files")

        def on_invalid(row: Any) -> str:
            bad_rows.append(row)
            return "error"

        enc = self.encoding.lower().replace("_", "-")
        return {
            "read_options": pcsv.ReadOptions(
                block_size=block,
                use_threads=False,
                encoding="utf8" if enc in ("utf-8", "utf8", "utf-8-sig") else self.encoding,
                **read,
            ),
            "parse_options": pcsv.ParseOptions(
                delimiter=self.delimiter, invalid_row_handler=on_invalid
            ),
            "convert_options": pcsv.ConvertOptions(
                include_columns=columns,
                column_types={c: pa.float64() if c in numeric else pa.string() for c in columns},
                strings_can_be_null=True,
            ),
        }

    def _open_csv(
        self, raw: Any, columns: list[str], numeric: set[str], block_mb: float, bad_rows: list[Any]
    ) -> Any:
        pa = _pa()
        pcsv = require("pyarrow.csv", extra="io", purpose="reading CSV files")
        stream: Any = pa.CompressedInputStream(raw, "gzip") if self.gzipped else raw
        block = max(1 << 10, int(block_mb * (1 << 20)))
        return pcsv.open_csv(stream, **self._csv_options(columns, numeric, block, bad_rows))

    def _csv_parallel(
        self, columns: list[str], numeric: set[str], block_mb: float, threads: int
    ) -> Iterator[tuple[Any, int]]:
        """:meth:`_csv_batches` with blocks of whole rows parsed on ``threads`` threads.

        A block that fails to parse is not reported from here: the one-thread reader reads
        the file again up to the failure, to name the line as it does."""
        pa = _pa()
        pcsv = require("pyarrow.csv", extra="io", purpose="reading CSV files")
        self._check_tail()
        start = header_end(self.path)
        block = max(1 << 10, int(block_mb * (1 << 20)))

        def parse(data: memoryview) -> tuple[Any, int]:
            options = self._csv_options(
                columns, numeric, len(data) + 1, [], column_names=self.names
            )
            try:
                table = pcsv.read_csv(pa.py_buffer(data), **options)
            except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
                return exc, len(data)
            return table.combine_chunks().to_batches(), len(data)

        units = start  # the header's bytes count with the first block
        for batches, size in ordered_map(parse, row_blocks(self.path, start, block), threads):
            if isinstance(batches, Exception):
                for _ in self._csv_batches(columns, numeric, block_mb):
                    pass  # raises the one-thread reader's error, naming the line
                self._raise(batches, [], columns, numeric)
            units += size
            for batch in batches:
                yield batch, units
                units = 0

    def _csv_batches(
        self, columns: list[str], numeric: set[str], block_mb: float
    ) -> Iterator[tuple[Any, int]]:
        pa = _pa()
        self._check_tail()
        bad_rows: list[Any] = []
        reader: Any = None
        raw = open(self.path, "rb")  # noqa: SIM115 - closed in the finally clause
        try:
            try:
                reader = self._open_csv(raw, columns, numeric, block_mb, bad_rows)
            except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
                self._raise(exc, bad_rows, columns, numeric)
            last = 0
            while True:
                try:
                    batch = reader.read_next_batch()
                except StopIteration:
                    return
                except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
                    self._raise(exc, bad_rows, columns, numeric)
                pos = raw.tell()
                yield batch, pos - last
                last = pos
        finally:
            raw.close()

    def _check_tail(self) -> None:
        """Refuse a file cut inside a quoted field (a reader would take the rest as text)."""
        if self.gzipped:
            return
        with open(self.path, "rb") as fh:
            fh.seek(max(0, os.path.getsize(self.path) - (1 << 16)))
            tail = fh.read()
        if not tail or tail.endswith((b"\n", b"\r")):
            return
        with self._text() as text:
            try:
                rows = list(csv.reader(text, delimiter=self.delimiter, strict=True))
            except csv.Error as exc:
                raise DataError(
                    f"{self._where()} ends inside a quoted field (the file looks cut off: "
                    f"{exc}). Re-export or re-copy the whole file."
                ) from None
            except UnicodeDecodeError as exc:
                raise self._encoding_error(exc) from None
        if rows and len(rows[-1]) != len(self.names):
            raise DataError(
                f"{self._where()}: line {len(rows)} has {len(rows[-1])} field(s) where the "
                f"header has {len(self.names)}; the file looks cut off mid-row. Re-export "
                "or re-copy the whole file."
            )

    def _raise(
        self, exc: Exception, bad_rows: list[Any], columns: list[str], numeric: set[str]
    ) -> None:
        if isinstance(exc, UnicodeDecodeError) or "UTF8" in str(exc) or "utf8" in str(exc):
            raise self._encoding_error(exc) from None
        if bad_rows:
            row = bad_rows[0]
            line = row.number if row.number is not None else "?"
            raise DataError(
                f"{self._where()}: line {line} has {row.actual_columns} field(s) where the "
                f"header has {row.expected_columns} ({row.text[:80]!r}). Fix or remove that "
                "row (a field holding the delimiter must be quoted)."
            ) from None
        message = str(exc)
        match = re.search(r"column #(\d+)", message)
        if match is not None and numeric:
            index = int(match.group(1))
            name = self.names[index] if index < len(self.names) else None
            if name in numeric:
                self._locate_bad_value(name, message)
        raise DataError(f"cannot read {self._where()!r}: {message}.") from None

    def _locate_bad_value(self, name: str, message: str) -> None:
        """Re-read one column as text to name its non-numbers and their rows."""
        from overdue_risk._columns import numeric_column

        offset = 1  # data rows are numbered from 1 (the header is not a row)
        for batch, _ in self._csv_batches([name], set(), 4):
            try:
                numeric_column(batch.column(name), name, offset)
            except DataError as err:
                raise DataError(
                    f"{self._where()}: {err} (rows count data rows from 1; the header line "
                    "is not counted)"
                ) from None
            offset += batch.num_rows
        raise DataError(f"cannot read {self._where()!r}: {message}.") from None

    def read(self, columns: Sequence[str] | None = None) -> pd.DataFrame:
        """The whole table (or ``columns``) as a pandas DataFrame; types inferred.

        A plain CSV or TSV is parsed on up to 4 threads (the cores), as
        ``overdue-risk score --threads`` does: the same rows and values as one thread.
        """
        pa = _pa()
        cols = list(self.names if columns is None else columns)
        if self.format == "parquet":
            try:
                table = self._pf.read(columns=cols)
            except (OSError, pa.ArrowException) as exc:
                raise DataError(f"cannot read Parquet file {self._where()!r}: {exc}.") from None
            frame: pd.DataFrame = table.to_pandas()
            return frame
        threads = default_threads()
        batches = [b for b, _ in self.batches(cols, threads=threads)]
        schema = batches[0].schema if batches else None
        if schema is None:
            import pandas as pd

            return pd.DataFrame({c: pd.Series([], dtype=object) for c in cols})
        return infer_table(pa.Table.from_batches(batches, schema=schema), threads)


_END = object()


def read_ahead(items: Iterable[Any], ahead: int = 1) -> Generator[Any, None, None]:
    """Yield ``items``, produced by a background thread up to ``ahead`` items ahead.

    An exception raised while producing is raised to the consumer in turn; closing the
    iterator early (or an exception in the consumer) stops the thread before returning.

    Examples
    --------
    >>> list(read_ahead(iter(range(5)), ahead=2))
    [0, 1, 2, 3, 4]
    """
    handoff: queue.Queue[tuple[bool, Any]] = queue.Queue(maxsize=max(1, ahead))
    stop = threading.Event()

    def offer(item: tuple[bool, Any]) -> bool:
        while not stop.is_set():
            try:
                handoff.put(item, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        source = iter(items)
        try:
            for item in source:
                if not offer((True, item)):
                    return
            offer((False, _END))
        except BaseException as exc:  # handed to the consumer, raised there
            offer((False, exc))
        finally:
            close = getattr(source, "close", None)
            if close is not None:
                close()

    thread = threading.Thread(target=produce, name="overdue-risk-read", daemon=True)
    thread.start()
    try:
        while True:
            ok, item = handoff.get()
            if ok:
                yield item
            elif item is _END:
                return
            else:
                raise item
    finally:
        stop.set()
        thread.join()


def _refuse_duplicates(names: Sequence[str], path: Path) -> None:
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise DataError(
                f"{path.name}: column {name!r} appears more than once in the header; which "
                "one is meant is ambiguous. Rename or drop the duplicates."
            )
        seen.add(name)


def read_table(
    path: str | os.PathLike[str],
    *,
    columns: Sequence[str] | None = None,
    delimiter: str | None = None,
    encoding: str = "utf-8",
) -> pd.DataFrame:
    """Read a CSV, TSV or Parquet file into a pandas DataFrame under the rules above.

    CSV columns whose every value reads as a number are numbers (int64 when every value is
    a whole number and none is missing, else float64), those holding only True/False are
    booleans, the others are text.

    Parameters
    ----------
    path : str or Path
    columns : sequence of str, optional
        Read only these (a missing one is a DataError).
    delimiter : str, optional
    encoding : str, default="utf-8"

    Returns
    -------
    pandas.DataFrame

    Examples
    --------
    >>> import pathlib, tempfile
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.csv"
    >>> _ = p.write_text("a,b\\n1,x\\n4.0,\\n")
    >>> frame = read_table(p)
    >>> frame["a"].tolist(), frame["b"].isna().tolist()
    ([1.0, 4.0], [False, True])
    """
    return TableReader(path, delimiter=delimiter, encoding=encoding).read(columns)


class TableWriter:
    """All-or-nothing writer of a CSV, TSV or Parquet table, chosen by the extension.

    Rows go to a temporary file in the target's directory; :meth:`commit` renames it over
    the target, :meth:`abort` (or leaving a ``with`` block by an exception) removes it, so
    the target is either the complete output or untouched. ``.csv.gz``/``.tsv.gz`` are
    written gzip-compressed; an unknown extension is refused before any work.

    With ``background=True`` blocks are written by a background thread (at most one block
    waiting): :meth:`write` returns once the block is handed over, :meth:`wait` blocks
    until every block is written, and a write error is raised by the next call.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "out.csv"
    >>> with TableWriter(target) as out:
    ...     out.write({"score": [1.0, 2.0]})
    >>> target.read_text().splitlines()
    ['"score"', '1', '2']
    """

    def __init__(self, path: str | os.PathLike[str], *, background: bool = False) -> None:
        self.path = Path(path)
        self.format, self.gzipped = table_format(self.path)
        parent = self.path.parent
        if not parent.is_dir():
            raise DataError(
                f"cannot write {str(self.path)!r}: directory {str(parent)!r} does not exist."
            )
        if self.path.is_dir():
            raise DataError(f"cannot write {str(self.path)!r}: it is a directory.")
        try:
            fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=parent)
        except OSError as exc:
            raise DataError(f"cannot write to {str(parent)!r}: {exc}.") from None
        os.close(fd)
        self._tmp = Path(tmp)
        self._sink: Any = None
        self._writer: Any = None
        self.rows = 0
        self._background = background
        self._queue: queue.Queue[Any] | None = None
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None

    def write(self, columns: Mapping[str, Any]) -> None:
        """Append one block: column name -> values (NumPy arrays, lists or arrow arrays)."""
        pa = _pa()
        arrays = {}
        for name, values in columns.items():
            if getattr(values, "dtype", None) is not None and values.dtype.kind == "O":
                arrays[name] = pa.array(
                    [None if v is None else str(v) for v in values.tolist()], type=pa.string()
                )
            else:
                arrays[name] = values
        batch = pa.RecordBatch.from_pydict(arrays)
        if not self._background:
            self._write_batch(batch)
            return
        self._raise_error()
        if self._queue is None:  # the thread starts with the first block
            self._queue = queue.Queue(maxsize=1)
            self._thread = threading.Thread(
                target=self._drain, name="overdue-risk-write", daemon=True
            )
            self._thread.start()
        self._queue.put(batch)

    def _write_batch(self, batch: Any) -> None:
        if self._writer is None:
            self._writer = self._open(batch.schema)
        try:
            self._writer.write(batch)
        except OSError as exc:
            raise DataError(f"cannot write {str(self.path)!r}: {exc}.") from None
        self.rows += batch.num_rows

    def _drain(self) -> None:
        """The background thread: write blocks until the end marker (after an error, the
        remaining blocks are dropped: the output is aborted anyway)."""
        handoff = self._queue
        assert handoff is not None
        while True:
            batch = handoff.get()
            try:
                if batch is _END:
                    return
                if self._error is None:
                    self._write_batch(batch)
            except BaseException as exc:  # raised in the caller's thread by the next call
                self._error = exc
            finally:
                handoff.task_done()

    def _raise_error(self) -> None:
        if self._error is not None:
            raise self._error

    def wait(self) -> None:
        """Block until every block handed to :meth:`write` is written (no-op unless
        ``background``); raise the error of a failed write."""
        if self._queue is not None:
            self._queue.join()
        self._raise_error()

    def _stop(self) -> None:
        if self._thread is not None and self._queue is not None:
            self._queue.put(_END)
            self._thread.join()
            self._thread = self._queue = None

    def _open(self, schema: Any) -> Any:
        pa = _pa()
        try:
            if self.format == "parquet":
                pq = require("pyarrow.parquet", extra="io", purpose="writing Parquet files")
                # dictionary pages for text only: a number column written in blocks would
                # be dictionary-encoded block by block (each block's distinct values fit
                # the page limit), hashing every value for no gain (issue 19: 20% of the
                # write of a scored file in 40k-row blocks)
                text = [
                    f.name
                    for f in schema
                    if pa.types.is_string(f.type)
                    or pa.types.is_large_string(f.type)
                    or pa.types.is_dictionary(f.type)
                ]
                return pq.ParquetWriter(self._tmp, schema, use_dictionary=text or False)
            pcsv = require("pyarrow.csv", extra="io", purpose="writing CSV files")
            self._sink = pa.OSFile(str(self._tmp), "wb")
            stream = pa.CompressedOutputStream(self._sink, "gzip") if self.gzipped else self._sink
            self._stream = stream
            options = pcsv.WriteOptions(delimiter="\t" if self.format == "tsv" else ",")
            return pcsv.CSVWriter(stream, schema, write_options=options)
        except OSError as exc:
            raise DataError(f"cannot write {str(self.path)!r}: {exc}.") from None

    def commit(self) -> Path:
        """Close the temporary file and rename it over the target."""
        try:
            self.wait()
        except BaseException:
            self.abort()
            raise
        self._stop()
        try:
            if self._writer is not None:
                self._writer.close()
                if self._sink is not None:
                    if self._stream is not self._sink:
                        self._stream.close()
                    if not self._sink.closed:
                        self._sink.close()
            os.replace(self._tmp, self.path)
        except OSError as exc:
            self.abort()
            raise DataError(f"cannot write {str(self.path)!r}: {exc}.") from None
        return self.path

    def abort(self) -> None:
        """Drop the temporary file; the target is left as it was."""
        self._stop()
        try:
            if self._writer is not None:
                self._writer.close()
        except Exception:
            pass
        try:
            if self._sink is not None and not self._sink.closed:
                self._sink.close()
        except Exception:
            pass
        self._tmp.unlink(missing_ok=True)

    def __enter__(self) -> TableWriter:
        return self

    def __exit__(self, kind: Any, value: Any, tb: Any) -> None:
        if kind is None:
            self.commit()
        else:
            self.abort()
