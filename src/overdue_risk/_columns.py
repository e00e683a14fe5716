"""The one column adapter: whatever table the caller passes, read as named 1-D columns.

Every part of the library that reads columns (the estimators, the scoring runtime, the
transitions panel, the CLI and the gate) goes through :func:`as_columns`, so a table that
one part accepts, every part accepts with the same meaning. This module imports NumPy and
the standard library only: pandas, polars and pyarrow are recognised by duck typing, never
imported (the runtime stays light).

API
---
``as_columns(X, names=None) -> Columns``
    ``X`` may be

    * a pandas DataFrame (every dtype: NumPy, nullable ``Int64``/``Float64``/``boolean``,
      ``category``, the ``str`` string dtype of pandas 3, Arrow-backed ``...[pyarrow]``),
    * a polars DataFrame (a ``LazyFrame`` is refused: collect it first, on purpose),
    * a pyarrow ``Table`` or ``RecordBatch``,
    * a mapping name -> column (lists, arrays, Series), or name -> scalar (one record),
    * a 2-D array (or list of rows); its columns are named by ``names`` (in order), or
      ``x0, x1, ...`` when ``names`` is None.

    ``names`` selects (and orders) the columns the caller needs; a missing one is a
    :class:`~overdue_risk.exceptions.DataError` listing what is missing and what is there.

``Columns``
    ``.names`` (tuple of str), ``.n_rows`` (int), ``.named`` (False for a 2-D array whose
    names were made up), ``.record`` (the mapping when ``X`` was one record, else None),
    ``.matrix`` (the 2-D array when ``X`` was one), ``.row_offset`` (added to row numbers
    quoted in errors), and per column:

    * ``raw(name)``: the caller's own column object (checked to be 1-D), for fast paths;
    * ``column(name)``: an ndarray, float64 when every value is a number (missing -> NaN),
      else object (text, booleans mixed with text, ...);
    * ``numeric(name)``: float64 with NaN for every missing value; text that reads as a
      number is parsed, anything else is refused naming the column, values and rows;
    * ``categorical(name)``: ``(distinct values, codes)`` with one code per row;
    * ``select(names)``: the same data restricted to (and ordered by) ``names``.

Refused with a ``DataError`` naming the column: duplicated column names, a 2-D block given
as one column, columns of different lengths, and dates, durations, complex numbers or
containers (lists, dicts, arrays) in a cell, whether the column is used as a number or as
a category.

Examples
--------
>>> cols = as_columns({"age": [22, None, 41], "purpose": ["cash", "car", None]})
>>> cols.names, cols.n_rows
(('age', 'purpose'), 3)
>>> cols.numeric("age")
array([22., nan, 41.])
>>> cols.column("purpose")
array(['cash', 'car', None], dtype=object)
>>> as_columns([[1.0, 2.0], [3.0, 4.0]], names=["a", "b"]).numeric("b")
array([2., 4.])
>>> as_columns({"a": [1, 2], "b": [[1, 2], [3, 4]]})
Traceback (most recent call last):
...
overdue_risk.exceptions.DataError: column 'b' is a 2-D block of shape (2, 2), not one column...
"""

from __future__ import annotations

import contextlib
import numbers
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from overdue_risk._missing import canonical_category, is_missing, is_missing_scalar
from overdue_risk._validation import FloatArray, offsets
from overdue_risk.exceptions import DataError

__all__ = ["Columns", "as_columns", "categorical_codes", "numeric_column", "plain_record"]

IntArray = npt.NDArray[np.intp]


def _show(values: Iterable[Any], limit: int = 5) -> str:
    values = list(values)
    shown = ", ".join(repr(v) for v in values[:limit])
    more = f", ... ({len(values) - limit} more)" if len(values) > limit else ""
    return f"[{shown}{more}]"


# ----------------------------------------------------------------------------- cells
_PLAIN_SCALARS = frozenset({float, int, str, bool, type(None), np.float64, np.int64})
_MISSING_NAMES = frozenset({"NAType", "NaTType"})
_NUMBER_NAMES = frozenset({"Decimal", "Fraction"})
_TIME_NAMES = frozenset(
    {"datetime", "date", "time", "timedelta", "Timestamp", "Timedelta", "Period"}
)


def _is_scalar(value: Any) -> bool:
    """A single value (not a column): what a record holds."""
    if type(value) in _PLAIN_SCALARS:
        return True
    if isinstance(value, str | bytes):
        return True
    if isinstance(value, np.ndarray):
        return value.ndim == 0
    return not hasattr(value, "__len__")


def _cell_problem(kind: type) -> str | None:
    """Why a cell of this type can be neither a number nor a category (None: it can)."""
    if kind in _PLAIN_SCALARS or kind is bytes or issubclass(kind, str):
        return None
    name = kind.__name__
    if name in _MISSING_NAMES:
        return None
    if issubclass(kind, np.datetime64 | np.timedelta64) or name in _TIME_NAMES:
        return "a date or duration"
    if issubclass(kind, complex | np.complexfloating):
        return "a complex number"
    if issubclass(kind, numbers.Real | np.bool_) or name in _NUMBER_NAMES:
        return None
    if issubclass(kind, Mapping | list | tuple | set | frozenset | np.ndarray) or hasattr(
        kind, "__len__"
    ):
        return "a container (list, dict or array)"
    return f"a {name}"


def _check_cells(arr: npt.NDArray[Any], name: str, row_offset: int) -> bool:
    """Refuse object cells that are neither numbers, text nor missing; True when every
    present cell is a real number (not text, not a boolean)."""
    kinds = set(map(type, arr.tolist()))
    all_numbers = True
    for kind in kinds:
        problem = _cell_problem(kind)
        if problem is not None:
            if issubclass(kind, np.datetime64 | np.timedelta64):
                bad_mask = np.array(
                    [type(v) is kind and not np.isnat(v) for v in arr.tolist()], dtype=bool
                )
                if not bad_mask.any():
                    continue
            else:
                bad_mask = np.array([type(v) is kind for v in arr.tolist()], dtype=bool)
            rows = np.flatnonzero(bad_mask)
            raise DataError(
                f"column {name!r} holds {problem} ({kind.__name__}) at row(s) "
                f"{_show((rows + row_offset).tolist())}, e.g. {arr[rows[0]]!r}; a column "
                "must hold numbers or text. Convert it first (dates or durations to a "
                "count such as months on book, containers to one value per cell)."
            )
        if kind is str or kind is bytes or issubclass(kind, str | bool | np.bool_):
            all_numbers = False
    return all_numbers


def _refuse_dtype(arr: npt.NDArray[Any], name: str) -> None:
    kind = arr.dtype.kind
    if kind in "mM":
        raise DataError(
            f"column {name!r} holds dates or durations (dtype {arr.dtype}); a column must "
            "hold numbers or text. Convert it to a count first (e.g. months on book)."
        )
    if kind == "c":
        raise DataError(
            f"column {name!r} holds complex numbers (dtype {arr.dtype}): Complex data not "
            "supported. Pass real numbers."
        )
    if kind == "V":
        raise DataError(
            f"column {name!r} has a structured dtype {arr.dtype}; pass one value per cell."
        )


# ----------------------------------------------------------------------------- Columns
class Columns:
    """Named 1-D columns of the caller's data (see the module docstring for the API).

    Build one with :func:`as_columns`. The caller's column objects are kept as they are
    and converted only when asked, so a categorical or Arrow column keeps its fast path.

    Examples
    --------
    >>> cols = as_columns({"a": [1, 2, 3]})
    >>> cols.names, cols.n_rows, cols.named
    (('a',), 3, True)
    """

    def __init__(
        self,
        names: Sequence[str],
        n_rows: int,
        getter: Any,
        *,
        named: bool = True,
        record: Mapping[str, Any] | None = None,
        matrix: npt.NDArray[Any] | None = None,
    ) -> None:
        self.names: tuple[str, ...] = tuple(names)
        self.n_rows = int(n_rows)
        self.named = named
        self.record = record
        self.matrix = matrix
        self.row_offset = 0
        self._getter = getter
        self._position = {n: i for i, n in enumerate(self.names)}

    def __repr__(self) -> str:
        return f"Columns(names={_show(self.names, 8)}, n_rows={self.n_rows})"

    def __contains__(self, name: object) -> bool:
        return name in self._position

    def __len__(self) -> int:
        return len(self.names)

    def position(self, name: str) -> int:
        """Index of ``name`` in :attr:`names` (DataError when absent)."""
        pos = self._position.get(name)
        if pos is None:
            raise _missing_columns_error([name], self.names)
        return pos

    def get(self, j: int, name: str) -> Any:
        """The caller's column ``name`` (``j``: its position); kept for the runtime."""
        return self._getter(j, name)

    def raw(self, name: str) -> Any:
        """The caller's own column object ``name`` (a Series, array, list, ...)."""
        return self._getter(self.position(name), name)

    def select(self, names: Sequence[str]) -> Columns:
        """The columns ``names`` only, in that order (DataError naming any missing)."""
        names = _check_names(names)
        missing = [n for n in names if n not in self._position]
        if missing:
            raise _missing_columns_error(missing, self.names)
        outer = self._getter
        pos = self._position
        sub = Columns(
            names,
            self.n_rows,
            lambda j, name: outer(pos[name], name),
            named=self.named,
            record=self.record,
            matrix=None if self.matrix is None else self.matrix[:, [pos[n] for n in names]],
        )
        sub.row_offset = self.row_offset
        return sub

    def column(self, name: str) -> npt.NDArray[Any]:
        """Column ``name`` as float64 (every value a number; missing -> NaN) or object.

        Examples
        --------
        >>> cols = as_columns({"n": [1, None], "t": ["a", 2]})
        >>> cols.column("n"), cols.column("t")
        (array([ 1., nan]), array(['a', 2], dtype=object))
        """
        col = self.raw(name)
        numeric = _try_float(col)
        if numeric is not None:
            return numeric
        arr = _to_numpy(col)
        _refuse_dtype(arr, name)
        if arr.dtype.kind in "fiub":
            return arr.astype(np.float64)
        if arr.dtype.kind in "US":
            return arr.astype(object)
        if _check_cells(arr, name, self.row_offset):
            return numeric_column(arr, name, self.row_offset)
        return arr

    def numeric(self, name: str) -> FloatArray:
        """Column ``name`` as float64, NaN for every missing value (text parsed if it can).

        Examples
        --------
        >>> as_columns({"x": ["1.5", None, 3]}).numeric("x")
        array([1.5, nan, 3. ])
        """
        return numeric_column(self.raw(name), name, self.row_offset)

    def categorical(self, name: str) -> tuple[list[Any], IntArray]:
        """``(distinct values, code per row)`` of column ``name`` (None: missing).

        Examples
        --------
        >>> values, codes = as_columns({"p": ["b", "a", "b"]}).categorical("p")
        >>> values, codes.tolist()
        (['b', 'a'], [0, 1, 0])
        """
        return categorical_codes(self.raw(name), name, self.row_offset)


def _missing_columns_error(missing: Sequence[str], available: Sequence[Any]) -> DataError:
    return DataError(
        f"the data is missing {len(missing)} column(s): {_show(missing, 10)}; it has "
        f"{_show([str(c) for c in available], 12)}. Rename or add them."
    )


def _check_names(names: Iterable[Any]) -> list[str]:
    out = [str(n) for n in names]
    _refuse_duplicates(out, "names")
    return out


def _refuse_duplicates(names: Sequence[str], where: str) -> None:
    seen: set[str] = set()
    dupes: list[str] = []
    for n in names:
        if n in seen and n not in dupes:
            dupes.append(n)
        seen.add(n)
    if dupes:
        raise DataError(
            f"column {dupes[0]!r} appears more than once in the {where} "
            f"(duplicated: {_show(dupes)}); which one is meant is ambiguous. Rename or drop "
            "the duplicates."
        )


def _frame_names(data: Any) -> list[Any] | None:
    names = getattr(data, "column_names", None)  # pyarrow Table / RecordBatch
    if names is None:
        names = getattr(data, "columns", None)  # pandas, polars, ...
    if names is None or isinstance(data, np.ndarray):
        return None
    try:
        return list(names)
    except TypeError:
        return None


def _length(col: Any) -> int:
    shape = getattr(col, "shape", None)
    if shape is not None and len(shape) >= 1:
        return int(shape[0])
    return len(col)


def _ndim(col: Any) -> int:
    shape = getattr(col, "shape", None)
    if shape is not None:
        return len(shape)
    if (
        isinstance(col, list | tuple)
        and col
        and all(isinstance(v, list | tuple | np.ndarray) for v in col)
    ):
        return int(np.asarray(col, dtype=object).ndim)
    return 1


def _one_column(col: Any, name: str) -> Any:
    """Refuse a 2-D block (a frame, a matrix, a list of rows) given as one column."""
    if _ndim(col) != 1:
        shape = getattr(col, "shape", None) or np.asarray(col, dtype=object).shape
        raise DataError(
            f"column {name!r} is a 2-D block of shape {tuple(shape)}, not one column. Pass "
            "one 1-D column per name (for a frame with duplicated names, rename them)."
        )
    return col


def _refuse_lazy(data: Any) -> None:
    if callable(getattr(data, "collect", None)) and not hasattr(data, "shape"):
        raise DataError(
            f"got a lazy frame ({type(data).__name__}); its rows are not computed yet. "
            "Materialise it first on purpose (polars: LazyFrame.collect(); Spark: use "
            "overdue_risk's Spark scorer or .toPandas())."
        )


def plain_record(X: Any, names: Sequence[str]) -> dict[str, Any] | None:
    """``X`` as one record of ``names`` when that is cheap to see, else None.

    The fast path of :func:`as_columns` for one record (microseconds): ``X`` is a plain
    ``dict`` with text keys only and every name in ``names`` (distinct, non-empty) holds a
    plain scalar (float, int, str, bool, None, NumPy float64/int64). Then the answer is
    exactly ``as_columns(X, names).record``; for anything else (missing names, other key
    or value types, other containers) None, and :func:`as_columns` gives the answer or
    the error.

    Examples
    --------
    >>> plain_record({"a": 1.5, "b": "x", "c": [1]}, ["a", "b"])
    {'a': 1.5, 'b': 'x'}
    >>> plain_record({"a": [1.5]}, ["a"]) is None
    True
    """
    if type(X) is not dict or not names:
        return None
    record: dict[str, Any] = {}
    for name in names:
        value = X.get(name, _ABSENT)
        if type(value) not in _PLAIN_SCALARS:
            return None  # a missing name (_ABSENT), a column, or another kind of value
        record[name] = value
    if len(record) != len(names):
        return None  # duplicated names: as_columns refuses them
    if len(X) != len(record):  # other keys too (else every key is one of the names)
        for key in X:
            if type(key) is not str:
                return None  # str(key) might equal another key: as_columns decides
    return record


_ABSENT = object()


def as_columns(X: Any, names: Sequence[str] | None = None) -> Columns:
    """Recognise the caller's data by duck typing and return a :class:`Columns` view.

    Parameters
    ----------
    X : DataFrame, pyarrow Table or RecordBatch, mapping, one record or 2-D array
        See the module docstring.
    names : sequence of str, optional
        The columns needed, in order. For named data they are selected (a missing one is
        an error); for a 2-D array they name its columns (one per column, in order).

    Returns
    -------
    Columns

    Raises
    ------
    DataError
        Missing or duplicated columns, columns of different lengths, a 2-D block given as
        one column, an array that is not 2-D, a lazy frame, or an unknown container.

    Examples
    --------
    >>> as_columns({"a": 1.5, "b": "x"}).record  # one record
    {'a': 1.5, 'b': 'x'}
    >>> as_columns([[1, 2]]).names
    ('x0', 'x1')
    >>> as_columns({"a": [1]}, names=["b"])
    Traceback (most recent call last):
    ...
    overdue_risk.exceptions.DataError: the data is missing 1 column(s): ['b']; it has ['a']...
    """
    wanted = None if names is None else _check_names(names)
    if hasattr(X, "tocsr") or (hasattr(X, "sparse") and hasattr(X, "density")):
        raise DataError(
            "Sparse data was passed, but dense data is required: sparse input is not "
            "supported. Convert it with X.toarray() (or pass a DataFrame)."
        )
    if isinstance(X, Mapping):
        return _from_mapping(X, wanted)
    _refuse_lazy(X)
    frame_names = _frame_names(X)
    if frame_names is not None:
        return _from_frame(X, frame_names, wanted)
    if isinstance(X, np.ndarray) or hasattr(X, "__array__") or isinstance(X, list | tuple):
        return _from_matrix(X, wanted)
    raise DataError(
        f"cannot read columns from a {type(X).__name__}. Pass a DataFrame, a pyarrow Table, "
        "a dict of columns, one record (dict of scalars) or a 2-D array."
    )


def _resolve_names(
    raw: list[Any], what: str, wanted: list[str] | None
) -> tuple[list[str], dict[str, Any]]:
    """The names to read (all, or ``wanted``) and each name's raw key in the data.

    Names are the keys as text; duplicates and ``wanted`` names that are missing are refused.
    """
    names = [str(c) for c in raw]
    _refuse_duplicates(names, what)
    key = dict(zip(names, raw, strict=True))
    if wanted is not None:
        missing = [n for n in wanted if n not in key]
        if missing:
            raise _missing_columns_error(missing, names)
    return (names if wanted is None else wanted), key


def _from_frame(data: Any, raw_names: list[Any], wanted: list[str] | None) -> Columns:
    use, key = _resolve_names(raw_names, "data's columns", wanted)
    n_rows = getattr(data, "num_rows", None)
    if n_rows is None:
        shape = getattr(data, "shape", None)
        n_rows = shape[0] if shape is not None else len(data)
    by_name = getattr(data, "column", None) if hasattr(data, "column_names") else None

    def getter(j: int, name: str) -> Any:
        col = by_name(key[name]) if by_name is not None else data[key[name]]
        return _one_column(col, name)

    return Columns(use, int(n_rows), getter, named=True)


def _from_mapping(data: Mapping[Any, Any], wanted: list[str] | None) -> Columns:
    use, key = _resolve_names(list(data), "mapping's keys", wanted)
    values = {n: data[key[n]] for n in use}
    if use and all(_is_scalar(v) for v in values.values()):
        record = {n: values[n] for n in use}
        return Columns(use, 1, lambda j, name: [record[name]], record=record)
    lengths: dict[str, int] = {}
    for n, v in values.items():
        if not _is_scalar(v):
            _one_column(v, n)
            lengths[n] = _length(v)
    if len(set(lengths.values())) > 1:
        raise DataError(
            f"the columns have different lengths {lengths}. Pass columns of one length."
        )
    n_rows = next(iter(lengths.values()), 0)

    def getter(j: int, name: str) -> Any:
        value = values[name] if name in values else data[key[name]]
        return [value] * n_rows if _is_scalar(value) else value

    return Columns(use, n_rows, getter)


def _from_matrix(X: Any, wanted: list[str] | None) -> Columns:
    if isinstance(X, list | tuple):
        arr = np.asarray(X, dtype=object)
        if arr.ndim == 2:
            with contextlib.suppress(TypeError, ValueError):
                arr = np.asarray(X, dtype=np.float64)
    else:
        arr = np.asarray(X)
    if wanted is not None and arr.ndim == 1 and arr.shape[0] == len(wanted):
        arr = arr.reshape(1, -1)  # one row given as a flat sequence
    if arr.ndim != 2:
        raise DataError(
            f"Expected 2D array, got {arr.ndim}D array instead (shape {arr.shape}). Reshape "
            "your data (array.reshape(-1, 1) for a single feature, array.reshape(1, -1) for "
            "a single sample), or pass a DataFrame or dict of named columns."
        )
    if wanted is not None and arr.shape[1] != len(wanted):
        raise DataError(
            f"a 2-D array must have one column per name ({len(wanted)}, in the order "
            f"{_show(wanted, 6)}); got shape {arr.shape}. Pass a DataFrame or dict with "
            "named columns instead, or reorder the columns."
        )
    for j in range(arr.shape[1]) if arr.dtype.kind in "mMcV" else ():
        _refuse_dtype(arr[:, j], wanted[j] if wanted is not None else f"x{j}")
    use = wanted if wanted is not None else [f"x{j}" for j in range(arr.shape[1])]
    return Columns(
        use, arr.shape[0], lambda j, name: arr[:, j], named=wanted is not None, matrix=arr
    )


# ----------------------------------------------------------------------------- conversion
def _checked_numpy(col: Any, name: str) -> npt.NDArray[Any]:
    """:func:`_to_numpy` of one column, refused if it is 2-D or of an unreadable dtype."""
    arr = _to_numpy(col)
    if arr.ndim != 1:
        arr = _one_column(arr, name)
    _refuse_dtype(arr, name)
    return arr


def _to_numpy(col: Any) -> npt.NDArray[Any]:
    """A 1-D NumPy array from a pandas/polars Series, pyarrow (Chunked)Array or sequence."""
    if isinstance(col, np.ndarray):
        return col.reshape(-1) if col.ndim != 1 else col
    if _is_arrow(col):
        return _arrow_to_numpy(col)
    to_numpy = getattr(col, "to_numpy", None)
    if to_numpy is not None:
        return np.asarray(to_numpy())
    seq = col if hasattr(col, "__len__") else list(col)
    arr = np.asarray(seq) if not isinstance(seq, list | tuple) else None
    if arr is None or arr.dtype.kind in "US" or arr.ndim != 1:
        # mixed Python values: keep each as given (1 stays 1, "1" stays "1")
        arr = np.empty(len(seq), dtype=object)
        arr[:] = list(seq)
        kinds = set(map(type, seq))
        if kinds and all(k in (int, float) for k in kinds):
            return np.asarray(seq, dtype=np.float64)
    return arr


def _is_arrow(col: Any) -> bool:
    """A pyarrow Array or ChunkedArray (recognised without importing pyarrow)."""
    return hasattr(col, "chunks") or (hasattr(col, "to_pylist") and hasattr(col, "null_count"))


def _arrow_to_numpy(col: Any) -> npt.NDArray[Any]:
    chunks = col.chunks if hasattr(col, "chunks") else [col]
    parts: list[npt.NDArray[Any]] = []
    for chunk in chunks:
        if hasattr(chunk, "dictionary"):  # decode dictionary arrays ourselves (nulls kept)
            codes = _arrow_indices(chunk.indices, len(chunk.dictionary))
            table = np.empty(len(chunk.dictionary) + 1, dtype=object)
            table[:-1] = chunk.dictionary.to_pylist()
            table[-1] = None
            parts.append(table[codes])
        else:
            parts.append(np.asarray(chunk.to_numpy(zero_copy_only=False)))
    if not parts:
        return np.empty(0, dtype=np.float64)
    return parts[0] if len(parts) == 1 else np.concatenate(parts)


def _arrow_indices(indices: Any, null_code: int) -> IntArray:
    """Dictionary indices of an arrow chunk as intp, nulls -> ``null_code``."""
    if indices.null_count:
        nulls = np.asarray(indices.is_null().to_numpy(zero_copy_only=False), dtype=bool)
        codes = np.asarray(indices.fill_null(0).to_numpy(zero_copy_only=False), dtype=np.intp)
        codes[nulls] = null_code
        return codes
    return np.asarray(indices.to_numpy(zero_copy_only=False), dtype=np.intp)


def _try_float(col: Any) -> FloatArray | None:
    """pandas Series of a numeric or boolean dtype (nullable included) straight to float64
    with NaN; None for anything else."""
    if isinstance(col, np.ndarray) or _is_arrow(col):
        return None
    dtype = getattr(col, "dtype", None)
    to_numpy = getattr(col, "to_numpy", None)
    kind = getattr(dtype, "kind", None)
    if to_numpy is None or kind not in ("f", "i", "u", "b"):
        return None
    try:  # pandas: nullable / Arrow-backed dtypes to float64 with NaN
        return np.asarray(to_numpy(dtype=np.float64, na_value=np.nan), dtype=np.float64)
    except (TypeError, ValueError):
        return None


def numeric_column(col: Any, name: str, row_offset: int = 0) -> FloatArray:
    """The column as float64 with NaN for every missing value (None, NaN, pd.NA, pd.NaT).

    Text that reads as a number (``"4.0"``) is parsed.

    Raises
    ------
    DataError
        Naming the column, the values that are not numbers and their (0-based) rows; or
        the column holds dates, durations, complex numbers or containers.

    Examples
    --------
    >>> numeric_column(["1", 2.5, None], "x")
    array([1. , 2.5, nan])
    """
    fast = _try_float(col)
    if fast is not None:
        return fast
    arr = _checked_numpy(col, name)
    kind = arr.dtype.kind
    if kind == "f":
        return arr if arr.dtype == np.float64 else arr.astype(np.float64)
    if kind in "iub":
        return arr.astype(np.float64)
    if kind == "O":
        _check_cells(arr, name, row_offset)
        miss = is_missing(arr)
        out = np.full(arr.shape, np.nan)
        try:
            out[~miss] = arr[~miss].astype(np.float64)
            return out
        except (TypeError, ValueError):
            pass
    if kind in "OUS":
        return _parse_or_raise(arr, name, row_offset)
    raise DataError(  # pragma: no cover - every NumPy kind is handled above
        f"column {name!r} must be numeric; got dtype {arr.dtype}."
    )


def _parse_or_raise(arr: npt.NDArray[Any], name: str, row_offset: int) -> FloatArray:
    out = np.full(arr.shape, np.nan)
    bad_rows: list[int] = []
    bad_values: list[Any] = []
    for i, v in enumerate(arr.tolist()):
        if is_missing_scalar(v):
            continue
        try:
            out[i] = float(v.strip() if isinstance(v, str) else v)
        except (TypeError, ValueError, OverflowError):
            bad_rows.append(i + row_offset)
            bad_values.append(v)
    if bad_rows:
        raise DataError(
            f"column {name!r} must be numeric; got {len(bad_rows)} non-numeric value(s) "
            f"{_show(bad_values)} at row(s) {_show(bad_rows)}. Clean them or map them to "
            "missing (None/NaN) or to a special code."
        )
    return out


def categorical_codes(
    col: Any, name: str = "column", row_offset: int = 0
) -> tuple[list[Any], IntArray]:
    """Factorise a column: distinct raw values and the row -> distinct index array.

    The cost is one pass over the rows plus work per distinct value; pandas categoricals
    and arrow dictionaries are read through their codes. Missing values keep their raw
    form (None, NaN, ...); dates, durations, complex numbers and containers are refused.

    Examples
    --------
    >>> values, codes = categorical_codes(["b", None, "b", 3])
    >>> values, codes.tolist()
    (['b', None, 3], [0, 1, 0, 2])
    """
    cat = getattr(col, "cat", None)
    if cat is not None and hasattr(cat, "codes") and hasattr(cat, "categories"):
        try:  # pandas categorical: codes -1 are missing
            codes = np.asarray(cat.codes.to_numpy(), dtype=np.intp)
            uniques = [*list(cat.categories), None]
            codes = np.where(codes < 0, len(uniques) - 1, codes)
        except (AttributeError, TypeError):
            pass
        else:
            _check_cells(np.asarray(uniques, dtype=object), name, 0)
            return uniques, codes
    fast = _factorize_columnar(col)
    if fast is not None:
        return fast
    arr = _checked_numpy(col, name)
    kind = arr.dtype.kind
    if kind in "iub" and arr.size:
        lo, hi = int(arr.min()), int(arr.max())
        shifted = offsets(arr, lo, hi) if hi - lo <= 4 * arr.size + 1024 else None
        if shifted is not None:  # direct table: O(n), no sort
            present = np.flatnonzero(np.bincount(shifted, minlength=1))
            remap = np.zeros(hi - lo + 1, dtype=np.intp)
            remap[present] = np.arange(present.size)
            values = [bool(p + lo) if kind == "b" else int(p + lo) for p in present]
            return values, remap[shifted]
    if kind in "iufbUS":
        uniq, inverse = np.unique(arr, return_inverse=True)
        return uniq.tolist(), inverse.reshape(-1).astype(np.intp, copy=False)
    _check_cells(arr, name, row_offset)
    return _factorize_objects(arr)


def _factorize_columnar(col: Any) -> tuple[list[Any], IntArray] | None:
    """Hash-factorise text columns inside their own library (pandas string dtypes, pyarrow
    and polars text) by duck typing; None when the column is not one of those."""
    if not isinstance(col, np.ndarray) and str(getattr(col, "dtype", "")) in ("str", "string"):
        factorize = getattr(col, "factorize", None)  # pandas string dtypes (no bool mixing)
        if factorize is not None:
            raw_codes, uniques = factorize()
            found = [*list(uniques), None]
            codes = np.asarray(raw_codes, dtype=np.intp)
            return found, np.where(codes < 0, len(found) - 1, codes)
    if hasattr(col, "to_arrow") and not _is_arrow(col):  # polars Series
        try:
            col = col.to_arrow()
        except (ImportError, ModuleNotFoundError, AttributeError, TypeError):
            return None
    if not _is_arrow(col) or "string" not in str(col.type):
        return None
    encoded = col.dictionary_encode()
    chunks = encoded.chunks if hasattr(encoded, "chunks") else [encoded]
    values: list[Any] = []
    index: dict[Any, int] = {}
    parts: list[IntArray] = []
    for chunk in chunks:
        local = chunk.dictionary.to_pylist()
        remap = np.empty(len(local) + 1, dtype=np.intp)
        for i, v in enumerate([*local, None]):
            if v not in index:
                index[v] = len(values)
                values.append(v)
            remap[i] = index[v]
        parts.append(remap[_arrow_indices(chunk.indices, len(local))])
    if not parts:
        return [], np.empty(0, dtype=np.intp)
    return values, parts[0] if len(parts) == 1 else np.concatenate(parts)


def _factorize_objects(arr: npt.NDArray[Any]) -> tuple[list[Any], IntArray]:
    values = arr.tolist()
    try:
        distinct: list[Any] | None = list(dict.fromkeys(values))
    except TypeError:  # unhashable values: canonicalise row by row
        distinct = None
    # 1, 1.0 and True are one dict key but True canonicalises to "True", not "1": when a
    # 0/1-like key appears, canonicalise row by row so that they stay apart
    if distinct is not None and any(
        type(v) is not str and isinstance(v, int | float) and v in (0, 1) for v in distinct
    ):
        distinct = None
    if distinct is None:
        values = [canonical_category(v) for v in values]
        distinct = list(dict.fromkeys(values))
    index = {v: i for i, v in enumerate(distinct)}
    codes = np.fromiter(map(index.__getitem__, values), dtype=np.intp, count=len(values))
    return distinct, codes
