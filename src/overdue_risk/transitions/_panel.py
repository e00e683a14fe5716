"""Vectorised plumbing shared by the panel estimators (no Python loop over rows or loans).

A loan-month panel (see CONTRACTS.md section A) has one row per loan and period. The
helpers here turn its columns into integer codes, check or restore the (loan, period)
order, and pair each row with the row of the same loan ``step`` periods later.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from overdue_risk._validation import as_mapping_of_columns, check_columns, format_values
from overdue_risk.exceptions import DataError
from overdue_risk.transitions._buckets import STATES

__all__ = [
    "as_array",
    "columns_of",
    "default_absorbing",
    "default_states",
    "factorize",
    "id_codes",
    "pair_rows",
    "period_index",
    "sort_order",
    "state_codes",
]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


def columns_of(
    panel: Any, required: Sequence[str | None], what: str = "panel"
) -> Mapping[str, Any]:
    """Name -> column mapping of a DataFrame / dict of arrays, checking required columns."""
    cols = as_mapping_of_columns(panel)
    if cols is None:
        raise DataError(
            f"{what} must be a pandas DataFrame or a dict of equal-length arrays; got "
            f"{type(panel).__name__}."
        )
    check_columns(cols.keys(), [str(c) for c in required if c is not None], what=what)
    return cols


def as_array(column: Any) -> npt.NDArray[Any]:
    """A column as a NumPy array (pandas/polars Series via ``to_numpy``)."""
    if hasattr(column, "to_numpy"):
        return np.asarray(column.to_numpy())
    return np.asarray(column)


def factorize(values: Any) -> tuple[IntArray, npt.NDArray[Any]]:
    """Integer codes and uniques (hash based via pandas; categoricals use their codes)."""
    import pandas as pd

    if isinstance(getattr(values, "dtype", None), pd.CategoricalDtype):
        cat = values.array if hasattr(values, "array") else values
        codes = np.asarray(cat.codes, dtype=np.int64)
        return codes, np.asarray(cat.categories, dtype=object)
    uniques: Any
    if isinstance(values, pd.Series):  # hash the column as stored (5x faster for strings)
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
    else:
        codes, uniques = pd.factorize(as_array(values), use_na_sentinel=True)
    return np.asarray(codes, dtype=np.int64), np.asarray(uniques, dtype=object)


def default_states(labels: Sequence[Any]) -> tuple[str, ...]:
    """The bucket states (M0..M6+, CO, PO) when every label is one; else sorted labels."""
    names = [str(v) for v in labels]
    if set(names) <= set(STATES):
        return STATES
    try:
        return tuple(str(v) for v in sorted(labels))
    except TypeError:
        return tuple(sorted(names))


def state_codes(
    values: Any, states: Sequence[str] | None, column: str
) -> tuple[IntArray, tuple[str, ...]]:
    """Map state labels to positions in ``states`` (DataError naming unknown labels)."""
    codes, uniques = factorize(values)
    if (codes < 0).any():
        row = int(np.flatnonzero(codes < 0)[0])
        raise DataError(
            f"column {column!r} has {int((codes < 0).sum())} missing states (first at row "
            f"{row}). Every loan-period needs a state; drop or fill those rows."
        )
    if states is not None:
        labels = tuple(str(v) for v in states)
    else:
        labels = default_states(uniques.tolist())
    pos = {s: i for i, s in enumerate(labels)}
    unknown = [str(u) for u in uniques if str(u) not in pos]
    if unknown:
        raise DataError(
            f"column {column!r} holds states {format_values(unknown)} that are not in states "
            f"{format_values(labels)}. Add them to states= or map them first."
        )
    lookup = np.array([pos[str(u)] for u in uniques], dtype=np.int64)
    if np.array_equal(lookup, np.arange(lookup.size)):
        return codes, labels  # categories already in state order: no gather needed
    return lookup[codes] if codes.size else codes, labels


def period_index(values: Any, column: str) -> IntArray:
    """Integer period numbers: months since 1970-01 for dates, the integers otherwise."""
    arr = as_array(values)
    if arr.dtype.kind == "M":
        if np.isnat(arr).any():
            raise DataError(f"column {column!r} has missing dates (NaT). Fill or drop them.")
        return arr.astype("datetime64[M]").astype(np.int64)
    if arr.dtype.kind in "iu":
        return arr.astype(np.int64)
    if arr.dtype.kind == "f":
        if not np.all(np.isfinite(arr)) or np.any(arr != np.round(arr)):
            raise DataError(
                f"column {column!r} must hold whole period numbers or dates; got non-integer "
                "or missing values. Pass month-start dates or integer period numbers."
            )
        return arr.astype(np.int64)
    try:
        return arr.astype("datetime64[M]").astype(np.int64)
    except (TypeError, ValueError):
        raise DataError(
            f"column {column!r} must hold dates (datetime64) or integer period numbers; got "
            f"dtype {arr.dtype}."
        ) from None


def id_codes(values: Any) -> IntArray:
    """Loan identifiers as integers usable for ordering (factorized unless integer)."""
    arr = as_array(values)
    if arr.dtype.kind in "iu":
        return arr.astype(np.int64, copy=False)
    codes, _ = factorize(arr)
    if (codes < 0).any():
        raise DataError("the loan id column has missing values; every row needs a loan id.")
    return codes


def sort_order(ids: IntArray, t: IntArray) -> IntArray | None:
    """None when rows are already sorted by (id, period) with no duplicates, else the order."""
    if ids.size < 2:
        return None
    ok = ids[1:] > ids[:-1]
    ok |= (ids[1:] == ids[:-1]) & (t[1:] > t[:-1])
    if ok.all():
        return None
    t0, t_span = int(t.min()), int(t.max() - t.min()) + 1
    i0, i_span = int(ids.min()), int(ids.max() - ids.min()) + 1
    if i_span < np.iinfo(np.int64).max // t_span:  # one int64 key: a single argsort
        key = (ids - i0) * t_span + (t - t0)
        order = np.argsort(key).astype(np.int64)
    else:
        order = np.lexsort((t, ids)).astype(np.int64)
    ids_s, t_s = ids[order], t[order]
    dup = (ids_s[1:] == ids_s[:-1]) & (t_s[1:] == t_s[:-1])
    if dup.any():
        i = int(order[int(np.flatnonzero(dup)[0]) + 1])
        raise DataError(
            f"the panel has {int(dup.sum())} duplicate (loan, period) rows (e.g. row {i}). "
            "Keep one row per loan and period."
        )
    return order


def pair_rows(
    ids: IntArray, t: IntArray, step: int, absorbing_row: npt.NDArray[np.bool_] | None = None
) -> tuple[IntArray, IntArray]:
    """Row positions (from, to) of the same loan ``step`` periods apart (rows sorted).

    With ``absorbing_row`` (rows in a closed state such as CO / PO, after which the panel
    has no rows), a loan whose last row is absorbing and dated before ``t + step`` is
    paired with that last row, as long as ``t + step`` is inside the panel: it is still
    closed then. Other loans without a row ``step`` periods later are censored.
    """
    n = ids.size
    if n < 2:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    if step == 1:
        ok = (ids[1:] == ids[:-1]) & (t[1:] - t[:-1] == 1)
        src = np.flatnonzero(ok)
        return src, src + 1
    new_loan = ids[1:] != ids[:-1]
    group = np.concatenate(([0], np.cumsum(new_loan)))
    t0 = t.min()
    span = int(t.max() - t0) + step + 1
    key = group * span + (t - t0)
    target = key + step
    j = np.searchsorted(key, target)
    j_clip = np.minimum(j, n - 1)
    ok = (j < n) & (key[j_clip] == target)
    dst = j_clip.copy()
    if absorbing_row is not None:
        last = np.flatnonzero(np.r_[new_loan, True])[group]
        carry = (
            ~ok
            & absorbing_row[last]
            & (t[last] < t + step)
            & (t + step <= t.max())
            & ~absorbing_row
        )
        ok |= carry
        dst = np.where(carry, last, dst)
    src = np.flatnonzero(ok)
    return src, dst[src]


def default_absorbing(states: Sequence[str]) -> tuple[str, ...]:
    """Charged-off and paid-off states present in ``states``."""
    return tuple(s for s in states if s in ("CO", "PO"))
