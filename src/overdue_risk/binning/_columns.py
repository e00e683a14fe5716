"""Column access for the binner: DataFrames (pandas, polars) and 2-D arrays alike."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from typing import Any

import numpy as np

from overdue_risk._missing import is_missing
from overdue_risk._validation import format_values
from overdue_risk.exceptions import DataError

__all__ = ["categorical_dtype_names", "columns_of", "is_categorical_column"]


def columns_of(X: Any) -> tuple[list[str], list[Any], bool]:
    """(names, 1-D column arrays, has_names) of a DataFrame-like or 2-D array input."""
    if hasattr(X, "tocsr") or (hasattr(X, "sparse") and hasattr(X, "density")):
        raise DataError(
            "Sparse data was passed to WOEBinner, but dense data is required: sparse input "
            "is not supported. Convert it with X.toarray() (or pass a DataFrame)."
        )
    if isinstance(X, Mapping):
        arrays = [np.atleast_1d(np.asarray(v)) for v in X.values()]
        if len({a.shape for a in arrays}) > 1:
            raise DataError(
                f"the columns of X have different shapes {sorted({a.shape for a in arrays})}. "
                "Pass equal-length one-dimensional columns."
            )
        return [str(k) for k in X], arrays, True
    if hasattr(X, "columns") and hasattr(X, "__getitem__") and hasattr(X, "shape"):
        cols = list(X.columns)
        names = [str(c) for c in cols]
        arrays = []
        for c in cols:
            col = X[c]
            arrays.append(col.to_numpy() if hasattr(col, "to_numpy") else np.asarray(col))
        return names, arrays, all(isinstance(c, str) for c in cols)
    if hasattr(X, "__array__") or isinstance(X, list | tuple):
        arr = np.asarray(X) if not isinstance(X, list | tuple) else np.asarray(X, dtype=object)
        if isinstance(X, list | tuple) and arr.ndim == 2:
            with contextlib.suppress(TypeError, ValueError):
                arr = np.asarray(X, dtype=np.float64)
        if arr.ndim != 2:
            raise DataError(
                f"Expected 2D array, got {arr.ndim}D array instead. Reshape your data "
                "(array.reshape(-1, 1) for a single feature)."
            )
        return (
            [f"x{i}" for i in range(arr.shape[1])],
            [arr[:, i] for i in range(arr.shape[1])],
            False,
        )
    raise DataError(f"X must be a pandas/polars DataFrame or a 2-D array; got {type(X).__name__}.")


def is_categorical_column(values: Any, name: str) -> bool:
    """Auto-detect: numeric dtypes are numeric; object columns by their values."""
    arr = np.asarray(values)
    if arr.dtype.kind in "iufcmM":
        return False
    if arr.dtype.kind == "b":
        return False
    if arr.dtype.kind in "US":
        return True
    import pandas as pd

    uniques = pd.unique(arr)
    present = uniques[~is_missing(uniques)]
    has_str = has_num = False
    for v in present:
        if isinstance(v, str | bytes):
            has_str = True
        elif isinstance(v, int | float | np.integer | np.floating) and not isinstance(v, bool):
            has_num = True
        else:
            has_str = True
    if has_str and has_num:
        strs = [v for v in present if isinstance(v, str | bytes)][:3]
        raise DataError(
            f"Column {name!r} mixes numbers and strings (e.g. {format_values(strs)}). "
            "Clean it, or list it in categorical_features to treat every value as a "
            "category."
        )
    return has_str


def categorical_dtype_names(X: Any) -> set[str]:
    """Names of the columns of a DataFrame whose dtype is categorical (pandas, polars)."""
    out: set[str] = set()
    dtypes = getattr(X, "dtypes", None)
    columns = getattr(X, "columns", None)
    if dtypes is None or columns is None:
        return out
    for name, dtype in zip(list(columns), list(dtypes), strict=False):
        label = str(getattr(dtype, "name", dtype)).lower()
        if label in ("category", "categorical", "enum") or label.startswith(
            ("categorical", "enum")
        ):
            out.add(str(name))
    return out
