"""Cut a CSV file into blocks of whole rows and parse them on several threads.

pyarrow's streaming CSV reader (``pyarrow.csv.open_csv``) parses one block after another
on one core, whatever ``use_threads`` says: on a 1M x 30 file that is 1.5 s, twice its
multi-threaded whole-file read. :class:`~overdue_risk._io.TableReader` streams a plain
(not gzipped) file in an ASCII-compatible encoding through this module instead:

* :func:`row_blocks` reads the file in ``block`` bytes and cuts each read after its last
  line end that lies outside a quoted field (RFC 4180: a quote is doubled inside a quoted
  field, so an even count of ``"`` before a line end means it ends a row); the next read
  starts at the cut. Every block therefore holds whole rows, and a quoted field may hold
  line ends (pyarrow's own block splitter does not allow that unless told to, and then
  only on one thread);
* :func:`ordered_map` parses up to ``threads`` blocks at once in a thread pool (pyarrow
  parses outside the GIL) and yields the results in file order, with at most
  ``threads + 1`` blocks in flight, so memory stays bounded by the block size.

A block is parsed by ``pyarrow.csv.read_csv`` with the header's names given and nothing
else changed, so its values and types are those of the one-thread reader; the caller
compares the two on every error path (the one-thread reader names the file's line).
"""

from __future__ import annotations

import codecs
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

__all__ = ["ascii_compatible", "default_threads", "header_end", "ordered_map", "row_blocks"]

T = TypeVar("T")
R = TypeVar("R")

# codecs in which b"\n", b"\r" and b'"' only ever stand for those characters (a byte of a
# multi-byte character never takes these values), so the file can be cut on bytes
_SAFE_CODECS = frozenset(
    {"utf-8", "utf-8-sig", "ascii", "latin-1", "iso8859-1", "iso8859-15", "cp1252", "cp1250"}
    | {"cp1251", "gbk", "gb18030", "gb2312", "big5", "cp936", "cp950", "shift_jis", "euc_jp"}
)


def default_threads() -> int:
    """Threads that parse a CSV when the caller does not say: the cores, at most 4 (the
    parse stops scaling there; ``overdue-risk score --threads`` and ``read_table``)."""
    return min(4, os.cpu_count() or 1)


def ascii_compatible(encoding: str) -> bool:
    """Whether a file in ``encoding`` can be cut at its ``\\n`` bytes.

    Examples
    --------
    >>> ascii_compatible("UTF_8"), ascii_compatible("gbk"), ascii_compatible("utf-16")
    (True, True, False)
    """
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        return False
    return name in _SAFE_CODECS


def _cut(data: bytes, end: int) -> int:
    """Length of the longest prefix of ``data[:end]`` ending in a row end outside quotes
    (0 when there is none)."""
    cut = data.rfind(b"\n", 0, end)
    if data.find(b'"', 0, end) < 0:  # no quotes: the last line end ends a row
        return cut + 1
    while cut >= 0 and data.count(b'"', 0, cut) % 2:  # inside a quoted field
        cut = data.rfind(b"\n", 0, cut)
    return cut + 1


def header_end(path: str | os.PathLike[str]) -> int:
    """Byte offset just after the header row (the end of the file if it has one row only).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.csv"
    >>> _ = p.write_bytes(b'a,"b\\nc"\\n1,2\\n')
    >>> header_end(p)
    8
    """
    size = Path(path).stat().st_size
    want = 1 << 16
    with open(path, "rb") as fh:
        while True:
            data = fh.read(want)
            fh.seek(0)
            if len(data) >= size:
                data += b"\n"  # the end of the file ends the header row
            first = _first_row_end(data)
            if first or len(data) > size:
                return min(first, size)
            want *= 4


def _first_row_end(data: bytes) -> int:
    """Length of the first row of ``data`` with its line end (0 when it has none)."""
    end = data.find(b"\n")
    while end >= 0 and data.count(b'"', 0, end) % 2:
        end = data.find(b"\n", end + 1)
    return end + 1


def row_blocks(path: str | os.PathLike[str], start: int, block: int) -> Iterator[memoryview]:
    """Blocks of whole rows of the file from byte ``start`` on, each about ``block`` bytes
    (longer only where one row is longer); the last block ends at the end of the file.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.csv"
    >>> _ = p.write_bytes(b'a,b\\n1,"x\\ny"\\n2,z\\n3,w')
    >>> [bytes(b) for b in row_blocks(p, 4, 5)]
    [b'1,"x\\ny"\\n', b'2,z\\n', b'3,w']
    """
    size = Path(path).stat().st_size
    with open(path, "rb") as fh:
        pos = start
        want = max(int(block), 1)
        while pos < size:
            fh.seek(pos)
            data = fh.read(want)
            if pos + len(data) >= size:  # the rest of the file
                if data:
                    yield memoryview(data)
                return
            cut = _cut(data, len(data))
            if cut == 0:  # one row longer than the block: read more of it
                want *= 2
                continue
            yield memoryview(data)[:cut]
            pos += cut
            want = max(int(block), 1)


def ordered_map(fn: Callable[[T], R], items: Iterable[T], threads: int) -> Iterator[R]:
    """``map(fn, items)`` on ``threads`` threads, in order, at most ``threads + 1`` items
    taken ahead of the consumer; closing the iterator cancels what has not started.

    Examples
    --------
    >>> list(ordered_map(lambda v: v * v, range(6), threads=2))
    [0, 1, 4, 9, 16, 25]
    """
    source = iter(items)
    pending: deque[Future[R]] = deque()
    workers = max(1, threads)
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="overdue-risk-csv") as pool:
        try:
            for item in source:
                pending.append(pool.submit(fn, item))
                if len(pending) > threads:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        finally:
            for future in pending:
                future.cancel()
            close: Any = getattr(source, "close", None)
            if close is not None:
                close()
