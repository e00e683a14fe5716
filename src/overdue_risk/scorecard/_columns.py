"""Column access by name or position for DataFrames, dicts of columns and 2-D arrays."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from overdue_risk._validation import format_values
from overdue_risk.exceptions import DataError

__all__ = ["Columns"]


_SCALARS = (str, bytes, int, float, bool, np.generic, type(None))


def _check_scalar_cells(arr: np.ndarray[Any, Any]) -> None:
    """Refuse containers (dicts, lists, ...) in an object array: cells must be scalars."""
    bad = [(i, type(v)) for i, v in enumerate(arr.ravel()) if not isinstance(v, _SCALARS)]
    bad = [(i, t) for i, t in bad if t.__name__ not in ("NAType", "NaTType", "Timestamp")]
    if bad:
        i, t = bad[0]
        row, col = divmod(i, arr.shape[1])
        raise TypeError(
            f"X[{row}, {col}] is a {t.__name__}; argument must be a string or a number "
            "(or missing). Flatten or drop that column."
        )


class Columns:
    """Uniform read access to the columns of ``X``.

    ``X`` may be a pandas/polars DataFrame or pyarrow Table (recognised by duck typing),
    a dict of equal-length columns (or of scalars: one record), or a 2-D array. Structure
    is checked here, before anything else, so that bad shapes get a clear error.

    Examples
    --------
    >>> cols = Columns({"a": [1, 2], "b": ["x", None]})
    >>> cols.n_rows, cols.names
    (2, ['a', 'b'])
    >>> Columns(np.array([[1.0, 2.0]])).get("x1", 1)
    array([2.])
    """

    def __init__(self, X: Any) -> None:
        if hasattr(X, "tocsr") or (hasattr(X, "sparse") and hasattr(X, "density")):
            raise DataError(
                "Sparse data was passed, but dense data is required: sparse input is not "
                "supported. Convert it with X.toarray() or pass a DataFrame."
            )
        self._X: Any
        if isinstance(X, Mapping):
            self.kind = "dict"
            cols = {str(k): np.atleast_1d(np.asarray(v)) for k, v in X.items()}
            lengths = sorted({len(v) for v in cols.values()})
            if len(lengths) > 1:
                raise DataError(
                    f"the columns have different lengths {lengths}. Pass equal-length columns."
                )
            self._X = cols
            self.names = list(cols)
            self.n_rows = lengths[0] if lengths else 0
            self._index: dict[str, Any] = {n: n for n in cols}
        elif hasattr(X, "columns") and hasattr(X, "__getitem__") and not isinstance(X, np.ndarray):
            self.kind = "frame"
            self._X = X
            # pyarrow Tables list their columns as arrays; their names are column_names
            raw = list(X.column_names) if hasattr(X, "column_names") else list(X.columns)
            self._raw = raw
            self.names = [str(c) for c in raw]
            self._index = dict(zip(self.names, raw, strict=True))
            self.n_rows = int(X.shape[0]) if hasattr(X, "shape") else len(X)
        else:
            self.kind = "array"
            arr = np.asarray(X)
            if arr.ndim != 2:
                raise DataError(
                    f"Expected a 2D array (rows x features); got an array of shape "
                    f"{arr.shape}. Reshape your data with array.reshape(-1, 1) for a single "
                    "feature or array.reshape(1, -1) for a single sample."
                )
            if arr.dtype.kind == "c":
                raise DataError("Complex data not supported; pass real numbers.")
            if arr.dtype.kind == "O":
                _check_scalar_cells(arr)
            self._X = arr
            self.names = [f"x{i}" for i in range(arr.shape[1])]
            self._index = {n: i for i, n in enumerate(self.names)}
            self.n_rows = int(arr.shape[0])

    @property
    def n_columns(self) -> int:
        """Number of columns."""
        return len(self.names)

    def get(self, name: str, position: int | None = None) -> Any:
        """Column ``name``; by ``position`` when unnamed (arrays) or absent from a frame."""
        if self.kind == "array":
            pos = self._index.get(name, position) if position is None else position
            if pos is None or pos >= self._X.shape[1]:
                raise DataError(
                    f"X has {self._X.shape[1]} columns; column {name!r} (position "
                    f"{position}) is not among them. Pass columns in the fitted order."
                )
            return self._X[:, pos]
        if name in self._index:
            col = self._X[self._index[name]]
        elif self.kind == "frame" and position is not None and position < len(self._raw):
            col = self._X[self._raw[position]]
        else:
            raise DataError(
                f"the data lacks column {name!r}; it has {format_values(self.names)}. "
                "Rename or add that column."
            )
        if self.kind == "dict":
            return col
        return col.to_numpy() if hasattr(col, "to_numpy") else np.asarray(col)
