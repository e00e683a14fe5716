"""The one home for input checks used by every module.

Each check raises :class:`~overdue_risk.exceptions.DataError` (a ``ValueError``) whose
message names the argument or column, shows the offending values, and says the fix.
Checks return the cleaned value so callers write ``y = check_binary_target(y)``.

This module imports NumPy only; pandas objects are recognised by duck typing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from overdue_risk._missing import is_missing
from overdue_risk.exceptions import DataError

__all__ = [
    "check_binary_target",
    "check_columns",
    "check_consistent_length",
    "check_counts",
    "check_finite",
    "check_in",
    "check_positive",
    "check_probability",
    "check_sample_weight",
    "check_two_class_target",
    "format_values",
]


def format_values(values: Iterable[Any], limit: int = 8) -> str:
    """Short printable list of values for error messages (at most ``limit`` shown)."""
    vals = list(values)
    shown = ", ".join(repr(v) for v in vals[:limit])
    more = f", ... ({len(vals) - limit} more)" if len(vals) > limit else ""
    return f"[{shown}{more}]"


def check_binary_target(y: npt.ArrayLike, name: str = "y") -> npt.NDArray[np.int64]:
    """Validate a binary default flag and return it as an int64 array of 0/1.

    Raises a :class:`DataError` for missing values, values other than 0/1 (True/False
    accepted), and a target with a single class.

    Examples
    --------
    >>> check_binary_target([0, 1, 1, 0])
    array([0, 1, 1, 0])
    """
    arr = np.asarray(y)
    if arr.ndim != 1:
        arr = arr.reshape(-1) if arr.ndim == 2 and 1 in arr.shape else arr
    if arr.ndim != 1:
        raise DataError(f"{name} must be one-dimensional; got shape {arr.shape}. Pass one column.")
    if arr.size == 0:
        raise DataError(f"{name} is empty. Pass at least one row with a 0/1 default flag.")
    miss = is_missing(arr)
    if miss.any():
        raise DataError(
            f"{name} has {int(miss.sum())} missing values (first at row "
            f"{int(np.flatnonzero(miss)[0])}). Drop those rows or decide their outcome first."
        )
    if arr.dtype.kind == "b":
        out = arr.astype(np.int64)
    else:
        try:
            num = arr.astype(np.float64)
        except (TypeError, ValueError):
            uniq = sorted({str(v) for v in arr.tolist()})
            raise DataError(
                f"{name} must contain only 0 and 1; got values {format_values(uniq)}. "
                "Map your target to a binary default flag first."
            ) from None
        bad = ~np.isin(num, (0.0, 1.0))
        if bad.any():
            uniq_vals = np.unique(num[bad])
            raise DataError(
                f"{name} must contain only 0 and 1; got values "
                f"{format_values(sorted(set(np.unique(num).tolist())))} "
                f"(offending: {format_values(uniq_vals.tolist())}). "
                "Map your target to a binary default flag first."
            )
        out = num.astype(np.int64)
    n_pos = int(out.sum())
    if n_pos == 0 or n_pos == out.size:
        only = 1 if n_pos else 0
        raise DataError(
            f"{name} has a single class (all {only}; {out.size} rows). A default model needs "
            "both defaults (1) and non-defaults (0): widen the sample or the target window."
        )
    return out


def check_two_class_target(y: npt.ArrayLike, name: str = "y") -> npt.NDArray[np.int64]:
    """Like :func:`check_binary_target`, but any two numeric labels are accepted.

    The larger label is the event (1), as scikit-learn's binary classifiers treat it.
    Text labels are refused (which of "good"/"bad" is the event is not for us to guess).

    Examples
    --------
    >>> check_two_class_target([1, 2, 2, 1])
    array([0, 1, 1, 0])
    """
    arr = np.asarray(y)
    if arr.ndim == 2 and 1 in arr.shape:
        arr = arr.reshape(-1)
    if arr.ndim == 1 and arr.size and arr.dtype.kind in "iuf" and not is_missing(arr).any():
        values = np.unique(arr)
        if values.size == 2 and not np.array_equal(values, [0, 1]):
            return np.asarray(arr == values[1], dtype=np.int64)
    return check_binary_target(arr, name)


def check_sample_weight(
    sample_weight: npt.ArrayLike | None, n_samples: int, name: str = "sample_weight"
) -> npt.NDArray[np.float64]:
    """Validate sample weights (finite, non-negative, not all zero); ones when None.

    Examples
    --------
    >>> check_sample_weight(None, 3)
    array([1., 1., 1.])
    """
    if sample_weight is None:
        return np.ones(n_samples, dtype=np.float64)
    try:
        w = np.asarray(sample_weight, dtype=np.float64).reshape(-1)
    except (TypeError, ValueError):
        raise DataError(f"{name} must be numeric. Pass one float weight per row.") from None
    if w.shape[0] != n_samples:
        raise DataError(
            f"{name} has {w.shape[0]} entries but the data has {n_samples} rows. "
            "Pass one weight per row."
        )
    if not np.all(np.isfinite(w)):
        idx = int(np.flatnonzero(~np.isfinite(w))[0])
        raise DataError(f"{name} must be finite; row {idx} is {w[idx]!r}. Fix or drop that row.")
    if (w < 0).any():
        idx = int(np.flatnonzero(w < 0)[0])
        raise DataError(f"{name} must be non-negative; row {idx} is {w[idx]!r}.")
    if not (w > 0).any():
        raise DataError(f"{name} are all zero: no row carries weight. Pass positive weights.")
    return w


def check_consistent_length(**arrays: Sequence[Any] | npt.ArrayLike | None) -> int:
    """Check that all named arrays (None skipped) have the same length; return it.

    Examples
    --------
    >>> check_consistent_length(X=[[1], [2]], y=[0, 1])
    2
    """
    lengths = {k: len(v) for k, v in arrays.items() if v is not None}  # type: ignore[arg-type]
    if len(set(lengths.values())) > 1:
        desc = ", ".join(f"{k} has {n}" for k, n in lengths.items())
        raise DataError(f"Inputs must have the same number of rows; {desc}. Align them first.")
    return next(iter(lengths.values()), 0)


def check_columns(
    available: Iterable[str], required: Iterable[str], *, what: str = "the data"
) -> None:
    """Raise a DataError naming every required column that ``available`` lacks.

    Examples
    --------
    >>> check_columns(["a", "b"], ["a"])
    """
    have = set(available)
    missing = [c for c in required if c not in have]
    if missing:
        raise DataError(
            f"{what} lacks required columns {format_values(missing)}; it has "
            f"{format_values(sorted(have))}. Rename or add those columns."
        )


def check_counts(values: npt.ArrayLike, name: str) -> npt.NDArray[np.int64]:
    """Check non-negative whole-number counts (e.g. obligors or defaults per grade).

    Examples
    --------
    >>> check_counts([10, 0, 3.0], "n_defaults")
    array([10,  0,  3])
    """
    try:
        arr = np.atleast_1d(np.asarray(values, dtype=np.float64))
    except (TypeError, ValueError):
        raise DataError(f"{name} must be numeric counts; got {values!r}.") from None
    bad = ~np.isfinite(arr) | (arr < 0) | (arr != np.round(arr))
    if bad.any():
        idx = int(np.flatnonzero(bad.ravel())[0])
        raise DataError(
            f"{name} must hold non-negative whole numbers; got {arr.ravel()[idx]!r} at position "
            f"{idx}. Pass counts of obligors/defaults, not rates or weights."
        )
    return arr.astype(np.int64)


def check_finite(values: npt.ArrayLike, name: str, *, allow_nan: bool = True) -> npt.NDArray[Any]:
    """Raise a DataError naming the column and the first row holding +/-inf (or NaN).

    Examples
    --------
    >>> check_finite([1.0, float("nan")], "income")
    array([ 1., nan])
    """
    arr = np.asarray(values, dtype=np.float64)
    bad = np.isinf(arr) if allow_nan else ~np.isfinite(arr)
    if bad.any():
        idx = int(np.flatnonzero(bad)[0])
        raise DataError(
            f"Column {name!r} holds {int(bad.sum())} non-finite values (first at row {idx}: "
            f"{arr[idx]!r}). Replace them with NaN (missing) or a special code."
        )
    return arr


def check_in(value: Any, name: str, allowed: Iterable[Any]) -> Any:
    """Check that a parameter takes one of the allowed values.

    Examples
    --------
    >>> check_in("auto", "monotonic_trend", ["auto", None])
    'auto'
    """
    options = list(allowed)
    if value not in options:
        raise DataError(f"{name} must be one of {format_values(options)}; got {value!r}.")
    return value


def check_positive(value: Any, name: str, *, strict: bool = True) -> float:
    """Check a finite positive (or non-negative) number parameter and return it as float.

    Examples
    --------
    >>> check_positive(20, "pdo")
    20.0
    """
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise DataError(f"{name} must be a number; got {value!r}.") from None
    if not np.isfinite(v) or (v <= 0 if strict else v < 0):
        sign = "positive" if strict else "non-negative"
        raise DataError(f"{name} must be a finite {sign} number; got {value!r}.")
    return v


def check_probability(
    values: npt.ArrayLike, name: str, *, open_interval: bool = False
) -> npt.NDArray[np.float64]:
    """Check that values are probabilities in [0, 1] (or (0, 1) when ``open_interval``).

    Examples
    --------
    >>> check_probability([0.01, 0.2], "pd")
    array([0.01, 0.2 ])
    """
    try:
        arr = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise DataError(
            f"{name} must be numeric probabilities; got {values!r}. Pass PDs as numbers."
        ) from None
    bad = ~np.isfinite(arr) | (arr <= 0 if open_interval else arr < 0)
    bad |= arr >= 1 if open_interval else arr > 1
    if bad.any():
        idx = np.unravel_index(int(np.flatnonzero(bad.ravel())[0]), arr.shape) if arr.ndim else ()
        interval = "(0, 1)" if open_interval else "[0, 1]"
        raise DataError(
            f"{name} must lie in {interval}; got {arr[idx]!r} at position {idx}. "
            "Pass probabilities, not percentages or scores."
        )
    return arr


def as_mapping_of_columns(X: Any) -> Mapping[str, Any] | None:
    """Return a name->column mapping for DataFrame-like or dict input, else None."""
    if isinstance(X, Mapping):
        return X
    if hasattr(X, "columns") and hasattr(X, "__getitem__"):
        return {str(c): X[c] for c in X.columns}
    return None
