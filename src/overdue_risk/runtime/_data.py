"""Input adapters: turn whatever the caller passes into columns, without importing pandas,
polars or pyarrow (duck typing only).

Accepted: a mapping of arrays (or of scalars: one record), a 2-D array in the spec's
column order, a pandas or polars DataFrame, a pyarrow Table or RecordBatch, or any object
with ``__array__``. Every error names the column, the offending values and rows, and the fix.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from overdue_risk._missing import canonical_category, is_missing, is_missing_scalar
from overdue_risk.exceptions import DataError

__all__ = ["Columns", "as_columns", "categorical_codes", "numeric_column"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]


def _show(values: Sequence[Any], limit: int = 5) -> str:
    shown = ", ".join(repr(v) for v in list(values)[:limit])
    more = f", ... ({len(values) - limit} more)" if len(values) > limit else ""
    return f"[{shown}{more}]"


_PLAIN_SCALARS = frozenset({float, int, str, bool, type(None), np.float64, np.int64})


def _is_scalar(value: Any) -> bool:
    if type(value) in _PLAIN_SCALARS:  # the common case of one record, checked first
        return True
    if isinstance(value, str | bytes):
        return True
    if isinstance(value, np.ndarray):
        return value.ndim == 0
    return not hasattr(value, "__len__")


class Columns:
    """Uniform view of the caller's data: ``n_rows`` and ``get(j, name)`` -> raw column.

    ``record`` is set (a mapping name -> scalar) when the input is a single record, and
    ``matrix`` when it is a 2-D ndarray in spec column order.
    """

    def __init__(
        self,
        n_rows: int,
        getter: Any,
        *,
        record: Mapping[str, Any] | None = None,
        matrix: npt.NDArray[Any] | None = None,
    ) -> None:
        self.n_rows = n_rows
        self.row_offset = 0  # added to row numbers in error messages (streaming)
        self._getter = getter
        self.record = record
        self.matrix = matrix

    def get(self, j: int, name: str) -> Any:
        """Raw column ``j`` (spec order) named ``name``."""
        return self._getter(j, name)


def _missing_columns_error(missing: list[str], available: Sequence[Any]) -> DataError:
    return DataError(
        f"input is missing {len(missing)} column(s) the spec scores: {_show(missing, 10)}; "
        f"available columns: {_show([str(c) for c in available], 12)}. Rename or add them "
        "(spec.feature_names lists what is needed)."
    )


def _column_names(data: Any) -> list[Any] | None:
    names = getattr(data, "column_names", None)  # pyarrow Table / RecordBatch
    if names is None:
        names = getattr(data, "columns", None)  # pandas, polars, ...
    if names is None:
        return None
    try:
        return list(names)
    except TypeError:
        return None


def _length(col: Any) -> int:
    n = getattr(col, "shape", None)
    if n is not None and len(n) >= 1:
        return int(n[0])
    return len(col)


def as_columns(data: Any, feature_names: Sequence[str]) -> Columns:
    """Recognise the caller's data by duck typing and return a :class:`Columns` view."""
    names = list(feature_names)
    if isinstance(data, Mapping):
        return _from_mapping(data, names)
    if isinstance(data, np.ndarray) or (_column_names(data) is None and hasattr(data, "__array__")):
        return _from_matrix(np.asarray(data), names)
    cols = _column_names(data)
    if cols is not None:
        present = set(map(str, cols))
        missing = [n for n in names if n not in present]
        if missing:
            raise _missing_columns_error(missing, cols)
        n_rows = getattr(data, "num_rows", None)
        if n_rows is None:
            n_rows = _length(data[names[0]]) if names else len(data)
        return Columns(int(n_rows), lambda j, name: data[name])
    if isinstance(data, list | tuple):
        return _from_matrix(np.asarray(data, dtype=object), names)
    raise DataError(
        f"cannot score data of type {type(data).__name__}. Pass a dict of arrays, a single "
        "record (dict of scalars), a 2-D array in spec.feature_names order, a pandas or "
        "polars DataFrame, or a pyarrow Table."
    )


def _from_mapping(data: Mapping[str, Any], names: list[str]) -> Columns:
    missing = [n for n in names if n not in data]
    if missing:
        raise _missing_columns_error(missing, list(data))
    values = [data[n] for n in names]
    if all(_is_scalar(v) for v in values):
        return Columns(1, lambda j, name: [data[name]], record=data)
    lengths = {n: _length(v) for n, v in zip(names, values, strict=True) if not _is_scalar(v)}
    if len(set(lengths.values())) > 1:
        raise DataError(
            f"input columns have different lengths: {lengths}. Pass columns of one length."
        )
    n_rows = next(iter(lengths.values()))

    def getter(j: int, name: str) -> Any:
        value = data[name]
        return [value] * n_rows if _is_scalar(value) else value

    return Columns(n_rows, getter)


def _from_matrix(arr: npt.NDArray[Any], names: list[str]) -> Columns:
    if arr.ndim == 1 and arr.shape[0] == len(names):
        arr = arr.reshape(1, -1)  # one row given as a flat sequence
    if arr.ndim != 2 or arr.shape[1] != len(names):
        raise DataError(
            f"a 2-D array must have one column per spec feature ({len(names)}, in the order "
            f"{_show(names, 6)}); got shape {arr.shape}. Pass a dict or DataFrame with named "
            "columns instead, or reorder the columns."
        )
    return Columns(arr.shape[0], lambda j, name: arr[:, j], matrix=arr)


def _to_numpy(col: Any) -> npt.NDArray[Any]:
    """A 1-D NumPy array from a pandas/polars Series, pyarrow (Chunked)Array or sequence."""
    if isinstance(col, np.ndarray):
        return col
    if _is_arrow(col):
        return _arrow_to_numpy(col)
    to_numpy = getattr(col, "to_numpy", None)
    if to_numpy is not None:
        return np.asarray(to_numpy())
    seq = col if hasattr(col, "__len__") else list(col)
    arr = np.asarray(seq)
    if arr.dtype.kind in "US":  # mixed Python values: keep each as given (1 stays 1)
        arr = np.empty(len(seq), dtype=object)
        arr[:] = list(seq)
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


def numeric_column(col: Any, name: str, row_offset: int = 0) -> FloatArray:
    """The column as float64 with NaN for every missing value (None, NaN, pd.NA, pd.NaT).

    Raises
    ------
    DataError
        Naming the column, the values that are not numbers and their (0-based) rows.
    """
    if not isinstance(col, np.ndarray):
        to_numpy = getattr(col, "to_numpy", None)
        if to_numpy is not None and not _is_arrow(col) and hasattr(col, "dtype"):
            try:  # pandas: nullable dtypes straight to float64 with NaN
                arr: npt.NDArray[Any] = np.asarray(to_numpy(dtype=np.float64, na_value=np.nan))
                return arr
            except (TypeError, ValueError):
                pass
        col = _to_numpy(col)
    arr = col
    if arr.ndim != 1:
        arr = arr.reshape(-1)
    kind = arr.dtype.kind
    if kind == "f":
        return arr if arr.dtype == np.float64 else arr.astype(np.float64)
    if kind in "iub":
        return arr.astype(np.float64)
    if kind == "O":
        miss = is_missing(arr)
        out = np.full(arr.shape, np.nan)
        try:
            out[~miss] = arr[~miss].astype(np.float64)
            return out
        except (TypeError, ValueError):
            pass
    if kind in "OUS":
        return _parse_or_raise(arr, name, row_offset)
    raise DataError(
        f"column {name!r} must be numeric; got dtype {arr.dtype}. Convert it to numbers "
        "(durations or dates to a count such as months) before scoring."
    )


def _parse_or_raise(arr: npt.NDArray[Any], name: str, row_offset: int) -> FloatArray:
    out = np.full(arr.shape, np.nan)
    bad_rows: list[int] = []
    bad_values: list[Any] = []
    for i, v in enumerate(arr.tolist()):
        if is_missing_scalar(v):
            continue
        try:
            out[i] = float(v)
        except (TypeError, ValueError):
            bad_rows.append(i + row_offset)
            bad_values.append(v)
    if bad_rows:
        raise DataError(
            f"column {name!r} must be numeric; got {len(bad_rows)} non-numeric value(s) "
            f"{_show(bad_values)} at row(s) {_show(bad_rows)}. Clean them or map them to "
            "missing (None/NaN) or to a special code."
        )
    return out


def categorical_codes(col: Any) -> tuple[list[Any], IntArray]:
    """Factorise a column: distinct raw values and the row -> distinct index array.

    The cost is one pass over the rows plus work per distinct value; pandas categoricals
    and arrow dictionaries are read through their codes.
    """
    cat = getattr(col, "cat", None)
    if cat is not None and hasattr(cat, "codes") and hasattr(cat, "categories"):
        try:  # pandas categorical: codes -1 are missing
            codes = np.asarray(cat.codes.to_numpy(), dtype=np.intp)
            uniques = [*list(cat.categories), None]
            codes = np.where(codes < 0, len(uniques) - 1, codes)
            return uniques, codes
        except (AttributeError, TypeError):
            pass
    fast = _factorize_columnar(col)
    if fast is not None:
        return fast
    arr = _to_numpy(col)
    if arr.ndim != 1:
        arr = arr.reshape(-1)
    kind = arr.dtype.kind
    if kind in "iub" and arr.size:
        lo, hi = int(arr.min()), int(arr.max())
        if hi - lo <= 4 * arr.size + 1024:  # direct table: O(n), no sort
            shifted = (arr - lo).astype(np.intp) if kind != "b" else arr.astype(np.intp)
            base = lo if kind != "b" else 0
            present = np.flatnonzero(np.bincount(shifted, minlength=1))
            remap = np.zeros(hi - base + 1, dtype=np.intp)
            remap[present] = np.arange(present.size)
            values = [bool(p) if kind == "b" else int(p + base) for p in present]
            return values, remap[shifted]
    if kind in "iufbUS":
        uniq, inverse = np.unique(arr, return_inverse=True)
        return uniq.tolist(), inverse.reshape(-1).astype(np.intp, copy=False)
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
