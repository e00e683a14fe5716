"""The one home for input checks used by every module.

Each check raises :class:`~overdue_risk.exceptions.DataError` (a ``ValueError``) whose
message names the argument or column, shows the offending values, and says the fix.
Checks return the cleaned value so callers write ``y = check_binary_target(y)``.

This module imports NumPy only; pandas objects are recognised by duck typing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import fields
from typing import Any, Literal, TypeAlias, overload

import numpy as np
import numpy.typing as npt

from overdue_risk._missing import is_missing
from overdue_risk.exceptions import DataError

__all__ = [
    "FloatArray",
    "check_binary_target",
    "check_columns",
    "check_consistent_length",
    "check_counts",
    "check_finite",
    "check_in",
    "check_keys",
    "check_positive",
    "check_probability",
    "check_record",
    "check_sample_weight",
    "format_values",
    "offsets",
    "repeated_values",
]

#: The float arrays the checks return; modules import this alias from here rather than
#: each writing its own ``FloatArray = npt.NDArray[np.float64]``.
FloatArray: TypeAlias = npt.NDArray[np.float64]


def offsets(arr: npt.NDArray[Any], lo: int, hi: int) -> npt.NDArray[np.intp] | None:
    """``arr - lo`` as platform integers, for a bool or integer array whose minimum and
    maximum are ``lo`` and ``hi``: the direct-table index of a small range (one
    ``bincount`` in place of a sort). The subtraction happens after the widening, so an
    ``int8`` column spanning -128..127 does not wrap; None when ``hi`` exceeds the index type
    (``uint64`` beyond ``2**63 - 1``). With ``lo == 0`` the result may be ``arr`` itself.

    Examples
    --------
    >>> offsets(np.array([-128, 127], dtype=np.int8), -128, 127).tolist()
    [0, 255]
    """
    if hi > np.iinfo(np.intp).max:
        return None
    wide: npt.NDArray[np.intp] = arr.astype(np.intp, copy=False)
    return wide - lo if lo else wide


def format_values(values: Iterable[Any], limit: int = 8) -> str:
    """Short printable list of values for error messages (at most ``limit`` shown)."""
    vals = list(values)
    shown = ", ".join(repr(v) for v in vals[:limit])
    more = f", ... ({len(vals) - limit} more)" if len(vals) > limit else ""
    return f"[{shown}{more}]"


def repeated_values(values: Iterable[str]) -> list[str]:
    """The values that stand more than once in ``values``, sorted (empty when all differ).

    For checks of names that must be unique (the features of a spec or of an expert card);
    each caller raises its own error with its own fix.

    Examples
    --------
    >>> repeated_values(["age", "income", "age", "purpose", "income"])
    ['age', 'income']
    >>> repeated_values(["age", "income"])
    []
    """
    seen: set[str] = set()
    repeated: set[str] = set()
    for value in values:
        (repeated if value in seen else seen).add(value)
    return sorted(repeated)


_EVENT_WORDS = ("bad", "default", "defaulted", "event", "yes", "y", "true", "1")


def _labels(arr: npt.NDArray[Any]) -> list[Any]:
    """Distinct values of a 1-D array as Python scalars, sorted when they sort."""
    small = _small_labels(arr)
    if small is not None:
        return small
    if arr.dtype.kind in "biufUS":  # vectorised: no Python loop over the rows
        return [v.item() if isinstance(v, np.generic) else v for v in np.unique(arr)]
    distinct = [v.item() if isinstance(v, np.generic) else v for v in dict.fromkeys(arr.tolist())]
    try:
        return sorted(dict.fromkeys(distinct))
    except TypeError:
        return list(dict.fromkeys(distinct))


def _small_labels(arr: npt.NDArray[Any]) -> list[Any] | None:
    """The distinct values of a bool, integer or float array of a few small whole numbers
    (a 0/1 flag, 1/2 labels) from its minimum and maximum and at most one counting pass
    instead of ``np.unique``'s sort (a 1M-row flag: 13 -> 1 ms); None otherwise. The
    values and their types are ``np.unique``'s."""
    kind = arr.dtype.kind
    if kind not in "biuf" or arr.size == 0:
        return None
    if kind == "b":
        first, last = bool(arr.min()), bool(arr.max())
        return [first] if first == last else [False, True]
    lo_v, hi_v = arr.min(), arr.max()
    if kind == "f":
        lo, hi = float(lo_v), float(hi_v)
        if not (lo.is_integer() and hi.is_integer()) or hi - lo > 1:
            return None  # the caller's sort handles the rest
        if lo != hi and np.count_nonzero((arr != lo) & (arr != hi)):
            return None  # a value strictly between
        return [lo_v.item()] if lo == hi else [lo_v.item(), hi_v.item()]
    lo_i, hi_i = int(lo_v), int(hi_v)
    if hi_i - lo_i > 1 << 12:
        return None
    if hi_i - lo_i <= 1:
        return [lo_i] if lo_i == hi_i else [lo_i, hi_i]
    shifted = offsets(arr, lo_i, hi_i)
    if shifted is None:
        return None
    present = np.flatnonzero(np.bincount(shifted, minlength=hi_i - lo_i + 1))
    return [int(v) + lo_i for v in present]


def _suggest_pos_label(labels: Sequence[Any]) -> Any:
    """The label that most likely means "default" (for the error message only)."""
    for lab in labels:
        if isinstance(lab, str) and lab.strip().lower() in _EVENT_WORDS:
            return lab
    return labels[-1]


@overload
def check_binary_target(
    y: npt.ArrayLike,
    name: str = ...,
    *,
    pos_label: Any = ...,
    allow_single_class: bool = ...,
    return_classes: Literal[False] = ...,
) -> npt.NDArray[np.int64]: ...


@overload
def check_binary_target(
    y: npt.ArrayLike,
    name: str = ...,
    *,
    pos_label: Any = ...,
    allow_single_class: bool = ...,
    return_classes: Literal[True],
) -> tuple[npt.NDArray[np.int64], npt.NDArray[Any]]: ...


def check_binary_target(
    y: npt.ArrayLike,
    name: str = "y",
    *,
    pos_label: Any = None,
    allow_single_class: bool = False,
    return_classes: bool = False,
) -> npt.NDArray[np.int64] | tuple[npt.NDArray[np.int64], npt.NDArray[Any]]:
    """The library's one target rule: return the default flag as an int64 array of 0/1.

    - 0/1 (integers, floats ``0.0``/``1.0``) and bool pass as they are (1 = default).
    - Any other two labels (``"bad"``/``"good"``, ``1``/``2``, ...) need ``pos_label``,
      the label of a default: which one is the event is never guessed.
    - Missing values, a single class (unless ``allow_single_class``, e.g. one chunk of
      a stream), three or more labels, and non-integer numbers are refused.

    Parameters
    ----------
    y : array-like of shape (n_samples,)
        The target (a column vector of shape ``(n, 1)`` is accepted).
    name : str, default="y"
        Name used in error messages.
    pos_label : scalar or None, default=None
        Label of the event (default). Required unless ``y`` holds only 0/1 or bools.
    allow_single_class : bool, default=False
        Accept a target holding one class only.
    return_classes : bool, default=False
        Also return ``classes``, the labels as ``[non-event, event]`` (for ``classes_``).

    Returns
    -------
    ndarray of int64
        1 where ``y`` is the event, else 0; with ``return_classes`` a tuple
        ``(flag, classes)``.

    Raises
    ------
    DataError
        For every refused target, naming the labels found and the fix.

    Examples
    --------
    >>> check_binary_target([0, 1, 1, 0])
    array([0, 1, 1, 0])
    >>> check_binary_target(["bad", "good", "good"], pos_label="bad")
    array([1, 0, 0])
    >>> check_binary_target(["bad", "good"])
    Traceback (most recent call last):
    ...
    overdue_risk.exceptions.DataError: y has labels ['bad', 'good']; pass pos_label='bad' ...
    """
    if y is None:
        raise DataError(
            f"This model requires y to be passed, but the target y is None ({name}). Pass "
            "the 0/1 default flag of every row."
        )
    arr = np.asarray(y)
    if arr.ndim == 2 and 1 in arr.shape:
        arr = arr.reshape(-1)
    if arr.ndim != 1:
        raise DataError(f"{name} must be one-dimensional; got shape {arr.shape}. Pass one column.")
    if arr.size == 0:
        raise DataError(f"{name} is empty. Pass at least one row with a 0/1 default flag.")
    if arr.dtype.kind == "c":
        raise DataError(
            f"{name} holds complex numbers; a default flag must be 0 or 1. Map {name} to a "
            "0/1 default flag first."
        )
    miss = is_missing(arr)
    if miss.any():
        raise DataError(
            f"{name} has {int(miss.sum())} missing values (first at row "
            f"{int(np.flatnonzero(miss)[0])}). Drop those rows or decide their outcome first."
        )
    try:
        labels = _labels(arr)
    except TypeError:  # unhashable cells: dicts, lists, arrays
        kinds = sorted({type(v).__name__ for v in arr.tolist()})
        raise DataError(
            f"Unknown label type: {name} holds values of types {kinds}, which cannot be "
            f"labels. Pass a 0/1 default flag."
        ) from None
    if pos_label is None:
        if arr.dtype.kind in "iuf" and any(
            not float(v).is_integer() for v in labels
        ):  # probabilities or scores given as a target
            offending = [v for v in labels if not float(v).is_integer()]
            raise DataError(
                f"{name} must contain only 0 and 1; got continuous values "
                f"{format_values([float(v) for v in labels])} (offending: "
                f"{format_values([float(v) for v in offending])}). Map your target to a "
                "binary default flag first."
            )
        if all(isinstance(v, int | float | bool) and v in (0, 1) for v in labels):
            out = (
                np.asarray(arr == 1, dtype=np.int64)
                if arr.dtype.kind != "O"
                else np.array([int(v == 1) for v in arr.tolist()], dtype=np.int64)
            )
            classes: npt.NDArray[Any] = np.array(
                [0, 1], dtype=arr.dtype if arr.dtype.kind in "biuf" else np.int64
            )
            return _finish(out, classes, name, allow_single_class, return_classes)
        if len(labels) == 2:
            hint = _suggest_pos_label(labels)
            raise DataError(
                f"{name} has labels {format_values(labels)}; pass pos_label={hint!r} (the "
                f"label of a default) or map {name} to a 0/1 default flag."
            )
    elif pos_label not in labels:
        raise DataError(
            f"pos_label={pos_label!r} is not a label of {name}; {name} has labels "
            f"{format_values(labels)}. Pass the label that marks a default."
        )
    if len(labels) > 2:
        raise DataError(
            f"Only binary classification is supported. {name} must contain only 0 and 1 (or "
            f"two labels and pos_label); got {len(labels)} labels {format_values(labels)}. "
            f"Map {name} to a 0/1 default flag first."
        )
    if len(labels) == 1:
        if not allow_single_class:
            raise DataError(
                f"{name} has a single class (all {labels[0]!r}; {arr.size} rows). A default "
                "model needs two classes, not 1 class: defaults and non-defaults. Widen the "
                "sample or the target window."
            )
        if pos_label is None:  # a single label that is not 0/1 (those returned above)
            raise DataError(
                f"{name} has the single label {labels[0]!r}; pass pos_label (the label of a "
                f"default) or map {name} to a 0/1 default flag."
            )
    if (arr.dtype.kind in "biuf" and isinstance(pos_label, int | float)) or (
        arr.dtype.kind == "U" and isinstance(pos_label, str)
    ):
        out = np.asarray(arr == pos_label, dtype=np.int64)
    else:
        out = np.array([int(v == pos_label) for v in arr.tolist()], dtype=np.int64)
    others = [v for v in labels if v != pos_label]
    classes = np.array([*others[:1], pos_label], dtype=arr.dtype if others else None)
    return _finish(out, classes, name, allow_single_class, return_classes)


def _finish(
    out: npt.NDArray[np.int64],
    classes: npt.NDArray[Any],
    name: str,
    allow_single_class: bool,
    return_classes: bool,
) -> npt.NDArray[np.int64] | tuple[npt.NDArray[np.int64], npt.NDArray[Any]]:
    n_pos = int(out.sum())
    if not allow_single_class and (n_pos == 0 or n_pos == out.size):
        only = 1 if n_pos else 0
        raise DataError(
            f"{name} has a single class (all {only}; {out.size} rows). A default model needs "
            "two classes, not 1 class: defaults (1) and non-defaults (0). Widen the sample or "
            "the target window."
        )
    return (out, classes) if return_classes else out


def check_sample_weight(
    sample_weight: npt.ArrayLike | None, n_samples: int, name: str = "sample_weight"
) -> FloatArray:
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
) -> FloatArray:
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


def check_record(item: Any, cls: type[Any], what: str) -> Any:
    """``item`` as an instance of the dataclass ``cls``: kept if it is one, built if a dict.

    A dict (e.g. a parsed TOML or JSON table) must use only ``cls``'s field names; unknown
    keys are refused with the allowed ones listed.

    Examples
    --------
    >>> from dataclasses import dataclass
    >>> @dataclass(frozen=True)
    ... class Band:
    ...     grade: str
    >>> check_record({"grade": "A"}, Band, "band 0")
    Band(grade='A')
    >>> check_record({"grade": "A", "fee": 0.3}, Band, "b")
    Traceback (most recent call last):
    ...
    overdue_risk.exceptions.DataError: b has unknown keys ['fee']; allowed keys are ['grade'].
    """
    if isinstance(item, cls):
        return item
    if isinstance(item, Mapping):
        check_keys(item, cls, what)
        return cls(**item)
    raise DataError(f"{what} must be a {cls.__name__} or a dict; got {item!r}.")


def check_keys(mapping: Mapping[str, Any], cls: type[Any], what: str) -> None:
    """Refuse keys of ``mapping`` that are not field names of the dataclass ``cls``.

    For ``from_mapping``-style constructors that convert the values themselves; plain
    records go through :func:`check_record`.

    Examples
    --------
    >>> from dataclasses import dataclass
    >>> @dataclass(frozen=True)
    ... class Band:
    ...     grade: str
    >>> check_keys({"grade": "A"}, Band, "band 0")
    >>> check_keys({"fee": 0.3}, Band, "b")
    Traceback (most recent call last):
    ...
    overdue_risk.exceptions.DataError: b has unknown keys ['fee']; allowed keys are ['grade'].
    """
    names = {f.name for f in fields(cls)}
    unknown = sorted(set(mapping) - names)
    if unknown:
        raise DataError(
            f"{what} has unknown keys {format_values(unknown)}; allowed keys are "
            f"{format_values(sorted(names))}."
        )


def as_mapping_of_columns(X: Any) -> Mapping[str, Any] | None:
    """Return a name->column mapping for DataFrame-like or dict input, else None."""
    if isinstance(X, Mapping):
        return X
    if hasattr(X, "columns") and hasattr(X, "__getitem__"):
        return {str(c): X[c] for c in X.columns}
    return None
