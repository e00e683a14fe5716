"""CSV blocks of whole rows parsed on several threads (overdue_risk._csv_chunks, issue 19):
the same batches as the one-thread reader, whatever the quoting, line ends and block size."""

from __future__ import annotations

import csv
import gzip
import io
import threading
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from overdue_risk._csv_chunks import ascii_compatible, header_end, ordered_map, row_blocks
from overdue_risk._io import TableReader
from overdue_risk.cli import main
from overdue_risk.exceptions import DataError
from overdue_risk.runtime import Spec, example_spec_dict, seal

pa = pytest.importorskip("pyarrow")

_TEXT = st.lists(st.sampled_from([*'ab ,"\n\r\t;é中', "\r\n"]), max_size=12).map("".join)
_NUMBER = st.one_of(st.none(), st.floats(-1e6, 1e6, allow_nan=False).map(lambda v: round(v, 3)))


def _field(value: object) -> str:
    """RFC 4180: a field holding a delimiter, quote or line end is quoted, quotes doubled
    (Python's csv writer leaves a lone carriage return unquoted)."""
    text = "" if value is None else str(value)
    if any(c in text for c in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def _csv_bytes(rows: list[tuple[object, ...]], header: list[str], newline: str = "\n") -> bytes:
    lines = [",".join(_field(v) for v in row) for row in [tuple(header), *rows]]
    return (newline.join(lines) + newline).encode("utf-8")


def _read(path: Path, threads: int, block_mb: float, **kw: object) -> object:
    reader = TableReader(path, **kw)  # type: ignore[arg-type]
    blocks = reader.batches(["t", "x"], numeric=["x"], block_mb=block_mb, threads=threads)
    batches = [b for b, _ in blocks]
    schema = pa.schema([("t", pa.string()), ("x", pa.float64())])
    return pa.Table.from_batches(batches, schema=schema)


@given(
    rows=st.lists(st.tuples(_TEXT, _NUMBER), min_size=0, max_size=120),
    newline=st.sampled_from(["\n", "\r\n"]),
    block=st.sampled_from([1e-6, 2e-4, 1e-3, 1.0]),
    threads=st.sampled_from([2, 3]),
)
def test_parallel_batches_equal_one_thread_on_any_quoting(
    tmp_path_factory: pytest.TempPathFactory,
    rows: list[tuple[str, float | None]],
    newline: str,
    block: float,
    threads: int,
) -> None:
    path = tmp_path_factory.mktemp("p") / "q.csv"
    path.write_bytes(_csv_bytes(rows, ["t", "x"], newline))
    whole = _read(path, threads=1, block_mb=64)  # one block: quoted line ends allowed
    got = _read(path, threads=threads, block_mb=block)
    assert got.num_rows == whole.num_rows == len(rows)
    assert got.equals(whole)


@given(
    rows=st.lists(st.tuples(_TEXT, _NUMBER), min_size=1, max_size=60),
    block=st.integers(1, 64),
)
def test_row_blocks_cut_only_between_rows(
    tmp_path_factory: pytest.TempPathFactory, rows: list[tuple[str, float | None]], block: int
) -> None:
    path = tmp_path_factory.mktemp("b") / "r.csv"
    data = _csv_bytes(rows, ["t", "x"])
    path.write_bytes(data)
    start = header_end(path)
    blocks = [bytes(b) for b in row_blocks(path, start, block)]
    assert b"".join(blocks) == data[start:]  # nothing lost, nothing repeated
    for chunk in blocks:  # each block parses alone into whole rows
        parsed = list(csv.reader(io.StringIO(chunk.decode("utf-8"), newline="")))
        assert all(len(r) == 2 for r in parsed)
        assert chunk.count(b'"') % 2 == 0


def test_header_end_and_codecs(tmp_path: Path) -> None:
    path = tmp_path / "h.csv"
    path.write_bytes(b'a,"b\nc"\r\n1,2\n')
    assert header_end(path) == 9
    path.write_bytes(b"a,b")  # a header without a line end, no rows
    assert header_end(path) == 3
    assert list(row_blocks(path, 3, 8)) == []
    assert [ascii_compatible(c) for c in ("utf-8", "GB18030", "utf-16", "klingon")] == [
        True,
        True,
        False,
        False,
    ]


def test_long_row_is_read_whole_and_bom_and_crlf_kept(tmp_path: Path) -> None:
    path = tmp_path / "l.csv"
    long_text = "z" * 5000
    path.write_bytes(b"\xef\xbb\xbft,x\r\n" + f"{long_text},1\r\nb,2\r\nc,".encode())
    got = _read(path, threads=2, block_mb=1e-6)  # 1 KB blocks, a 5 KB row
    assert got.column("t").to_pylist() == [long_text, "b", "c"]
    assert got.column("x").to_pylist() == [1.0, 2.0, None]


def test_errors_name_the_line_as_the_one_thread_reader_does(tmp_path: Path) -> None:
    lines = [b"t,x"] + [b"a,%d" % i for i in range(3000)]
    for broken, match in [
        (b"a,1,9", r"line 2502 has 3 field\(s\) where the header has 2"),
        (b"a,thirty", r"'x' must be numeric.*\['thirty'\] at row\(s\) \[2501\]"),
    ]:
        path = tmp_path / "e.csv"
        path.write_bytes(b"\n".join([*lines[:2501], broken, *lines[2502:]]) + b"\n")
        for threads in (1, 2):
            with pytest.raises(DataError, match=match):
                _read(path, threads=threads, block_mb=1e-6)


def test_gzip_and_utf16_fall_back_to_one_thread(tmp_path: Path) -> None:
    rows = [("p", 1.5), ("q", None)]
    gz = tmp_path / "g.csv.gz"
    gz.write_bytes(gzip.compress(_csv_bytes(rows, ["t", "x"])))
    assert _read(gz, threads=2, block_mb=1).column("x").to_pylist() == [1.5, None]
    u16 = tmp_path / "u.csv"
    u16.write_bytes(_csv_bytes(rows, ["t", "x"]).decode().encode("utf-16"))
    got = _read(u16, threads=2, block_mb=1, encoding="utf-16")
    assert got.column("t").to_pylist() == ["p", "q"]


def test_ordered_map_keeps_order_raises_and_bounds_the_work_ahead() -> None:
    taken: list[int] = []
    lock = threading.Lock()

    def items() -> object:
        for i in range(100):
            with lock:
                taken.append(i)
            yield i

    results = ordered_map(lambda v: v * 2, items(), threads=2)
    assert [next(results) for _ in range(3)] == [0, 2, 4]
    assert len(taken) <= 3 + 3  # at most threads + 1 items ahead of the consumer
    results.close()

    def boom(v: int) -> int:
        if v == 5:
            raise ValueError("five")
        return v

    mapped = ordered_map(boom, range(10), threads=3)
    assert [next(mapped) for _ in range(5)] == [0, 1, 2, 3, 4]
    with pytest.raises(ValueError, match="five"):
        next(mapped)


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_cli_output_is_the_same_bytes_on_one_or_more_threads(tmp_path: Path, fmt: str) -> None:
    spec_path = tmp_path / "card.json"
    spec_path.write_text(Spec.from_dict(seal(example_spec_dict())).to_json(), encoding="utf-8")
    rng = np.random.default_rng(0)
    n = 20_000
    age = np.round(rng.uniform(18, 80, n), 1).astype(object)
    age[::13] = ""
    purpose = rng.choice(["cash", "travel", '"rent, flat"', "medical", "", "yacht"], n)
    sep = "\t" if fmt == "tsv" else ","
    rows = enumerate(zip(age, purpose, strict=True))
    body = "\n".join(f"{i}{sep}{a}{sep}{p}" for i, (a, p) in rows)
    src = tmp_path / f"in.{fmt}"
    src.write_text(f"id{sep}age{sep}purpose\n{body}\n", encoding="utf-8")
    outputs = []
    for threads in ("1", "2", "4"):
        out = tmp_path / f"out{threads}.csv"
        argv = ["score", str(spec_path), str(src), "--out", str(out), "--id-column", "id"]
        argv += ["--pd", "--grade", "--reason-codes", "2", "--no-progress"]
        assert main([*argv, "--block-mb", "1", "--threads", threads]) == 0
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1] == outputs[2]
    assert outputs[0].count(b"\n") == n + 1


def test_read_table_parses_on_threads_and_equals_one_thread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # TableReader.read (read_table: fit, gate, pipeline inputs) parses a CSV on up to 4
    # threads; the frame, with its inferred types, is the one-thread reader's (one block
    # here: the cutting into many blocks is the hypothesis test's subject above)
    import pandas as pd

    from overdue_risk import _io

    rng = np.random.default_rng(3)
    n = 3000
    frame = pd.DataFrame(
        {
            "id": [f"L{i:05d}" for i in range(n)],
            "amount": np.round(rng.lognormal(8, 1, n), 2),
            "term": rng.integers(3, 37, n),
            "note": rng.choice(['a "quoted"\nline', "plain", "", "x,y"], n),
            "flag": rng.choice(["True", "False"], n),
        }
    )
    path = tmp_path / "t.csv"
    frame.to_csv(path, index=False)
    calls: list[int] = []
    real = _io.TableReader._csv_parallel

    def spy(self: TableReader, *args: object) -> object:
        calls.append(1)
        return real(self, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(_io.TableReader, "_csv_parallel", spy)
    monkeypatch.setattr(_io, "default_threads", lambda: 4)
    threaded = _io.read_table(path)
    assert calls, "read_table did not use the parallel reader"
    monkeypatch.setattr(_io, "default_threads", lambda: 1)
    single = _io.read_table(path)
    pd.testing.assert_frame_equal(threaded, single)
    assert threaded["term"].dtype == np.int64
    assert threaded["amount"].dtype == np.float64
