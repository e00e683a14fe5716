"""Vectorised plumbing shared by the panel estimators (no Python loop over rows or loans).

A loan-month panel (see CONTRACTS.md section A) has one row per loan and period. The
helpers here turn its columns into integer codes, check or restore the (loan, period)
order, and pair each row with the row of the same loan ``step`` periods later.

Every transitions function reads its panel through the same checks: the library's one
column adapter (:func:`overdue_risk._columns.as_columns`: DataFrames of pandas, polars or
pyarrow, dicts of arrays; duplicated column names refused), one row per (loan, period)
(:func:`panel_keys`), states from the given list only, in its order (:func:`state_codes`:
never dropped, never sorted alphabetically), and days past due >= 0 (:func:`dpd_values`).
"""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from overdue_risk._columns import as_columns
from overdue_risk._validation import FloatArray, check_columns, format_values
from overdue_risk.exceptions import DataError
from overdue_risk.transitions._buckets import STATES

__all__ = [
    "CodedPanel",
    "as_array",
    "category_codes",
    "code_panel",
    "coded_keys",
    "columns_of",
    "default_absorbing",
    "default_states",
    "dpd_values",
    "factorize",
    "id_codes",
    "is_date_column",
    "move_cells",
    "pair_rows",
    "panel_keys",
    "period_groups",
    "period_index",
    "period_labels",
    "sort_order",
    "state_codes",
]

IntArray = npt.NDArray[np.int64]

_MOVE_BLOCK = 1 << 16  # rows per block of move_cells (a few hundred KB of scratch)


def columns_of(
    panel: Any, required: Sequence[str | None], what: str = "panel"
) -> Mapping[str, Any]:
    """Name -> column mapping of a DataFrame / dict of arrays, checking required columns."""
    if isinstance(panel, CodedPanel):
        check_columns(list(panel.columns), [str(c) for c in required if c is not None], what=what)
        return panel.columns
    if isinstance(panel, Mapping) and not panel:
        raise DataError(f"{what} has no columns; pass a DataFrame or a dict of arrays.")
    try:
        view = as_columns(panel)
    except DataError as exc:
        raise DataError(f"{what}: {exc}") from None
    if view.record is not None or view.matrix is not None:
        raise DataError(
            f"{what} must be a DataFrame or a dict of equal-length arrays (one row per loan "
            f"and period); got {type(panel).__name__}."
        )
    check_columns(view.names, [str(c) for c in required if c is not None], what=what)
    if view.n_rows == 0:
        raise DataError(f"{what} has no rows; pass at least one loan-period.")
    return {name: view.raw(name) for name in view.names}


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
    """The bucket states (M0..M6+, CO, PO) when every label is one; else a DataError.

    Labels outside the bucket list have no natural order (sorting ``"M10"`` before
    ``"M2"`` would be wrong): the caller lists them, in order, with ``states=``.
    """
    names = [str(v) for v in labels]
    if set(names) <= set(STATES):
        return STATES
    outside = [n for n in dict.fromkeys(names) if n not in STATES]
    raise DataError(
        f"the panel holds states {format_values(outside)} outside the bucket list "
        f"{format_values(STATES)}. Pass states=[...] listing every state in order (best to "
        "worst), or map them to buckets first (dpd_to_bucket)."
    )


def state_codes(
    values: Any, states: Sequence[str] | None, column: str, *, any_labels: bool = False
) -> tuple[IntArray, tuple[str, ...]]:
    """Map state labels to positions in ``states`` (DataError naming unknown labels).

    Without ``states``, the labels must be buckets (M0..M6+, CO, PO), unless
    ``any_labels`` (rating histories of the continuous-time estimators, whose labels are
    sorted as before).
    """
    if states is not None or not any_labels:
        coded = category_codes(values, states)
        if coded is not None:
            return coded[0].astype(np.int64), coded[1]
        fast = _arrow_state_codes(values, STATES if states is None else states)
        if fast is not None:
            return fast
    codes, uniques = factorize(values)
    if (codes < 0).any():
        row = int(np.flatnonzero(codes < 0)[0])
        raise DataError(
            f"column {column!r} has {int((codes < 0).sum())} missing states (first at row "
            f"{row}). Every loan-period needs a state; drop or fill those rows."
        )
    if states is not None:
        labels = tuple(str(v) for v in states)
    elif any_labels and not {str(u) for u in uniques} <= set(STATES):
        try:
            labels = tuple(str(v) for v in sorted(uniques.tolist()))
        except TypeError:
            labels = tuple(sorted(str(v) for v in uniques.tolist()))
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


_PER_DAY = {"ns": 86_400_000_000_000, "us": 86_400_000_000, "ms": 86_400_000, "s": 86_400, "D": 1}


def _date_months(arr: npt.NDArray[Any], column: str) -> IntArray:
    """Months since 1970-01 of a datetime64 array (NaT refused).

    ``astype("datetime64[M]")`` does calendar arithmetic per value; here the values are
    floored to days (one integer division) and the days looked up in a table of the few
    days the panel spans: the same months, several times faster on a long panel.
    """
    raw = arr.view(np.int64)
    unit = np.datetime_data(arr.dtype)[0]
    lo = int(raw.min()) if raw.size else 0
    if raw.size and lo == np.iinfo(np.int64).min:  # NaT is the smallest int64
        raise DataError(f"column {column!r} has missing dates (NaT). Fill or drop them.")
    per_day = _PER_DAY.get(unit)
    if per_day is None or raw.size < 1024:
        return arr.astype("datetime64[M]").astype(np.int64)
    d_lo, d_hi = lo // per_day, int(raw.max()) // per_day
    if d_hi - d_lo > 400_000:  # over a thousand years: no table
        return arr.astype("datetime64[M]").astype(np.int64)
    table = np.arange(d_lo, d_hi + 1).astype("datetime64[D]").astype("datetime64[M]")
    months = table.astype(np.int64)
    out = np.empty(raw.size, dtype=np.int64)
    days = np.empty(min(_MOVE_BLOCK, raw.size), dtype=np.int64)
    for r0 in range(0, raw.size, _MOVE_BLOCK):  # blocks in cache, one output array
        r1 = min(raw.size, r0 + _MOVE_BLOCK)
        d = days[: r1 - r0]
        np.floor_divide(raw[r0:r1], per_day, out=d)
        np.subtract(d, d_lo, out=d)
        np.take(months, d, out=out[r0:r1])
    return out


def _dictionary(values: Any) -> tuple[npt.NDArray[np.integer[Any]], list[Any]] | None:
    """``(codes, categories)`` of a categorical or Arrow dictionary column, else None.

    The codes are the column's own integer array (no copy for a pandas Categorical,
    where -1 marks a missing value; None for an Arrow column with nulls); the categories
    are few, so every check on them is cheap. Polars categoricals are not read here
    (their physical codes index a global string cache, not the column's categories).
    """
    import pandas as pd

    dtype = getattr(values, "dtype", None)
    if isinstance(dtype, pd.CategoricalDtype):
        cat = values.array if hasattr(values, "array") else values
        return np.asarray(cat.codes), list(cat.categories)
    arrow: Any = None
    if hasattr(dtype, "pyarrow_dtype"):  # pandas ArrowDtype(pa.dictionary(...))
        to_arrow = getattr(getattr(values, "array", None), "__arrow_array__", None)
        arrow = to_arrow() if to_arrow is not None else None
    elif "pyarrow" in sys.modules and type(values).__module__.startswith("pyarrow"):
        arrow = values
    if arrow is None or "pyarrow" not in sys.modules:
        return None
    import pyarrow as pa

    if not pa.types.is_dictionary(arrow.type) or arrow.null_count:
        return None  # missing values: the general path names the first row
    if isinstance(arrow, pa.ChunkedArray):
        chunks = (arrow.unify_dictionaries() if arrow.num_chunks > 1 else arrow).chunks
        if not chunks:
            return None
        dictionary = chunks[0].dictionary
        indices = np.concatenate([np.asarray(c.indices) for c in chunks])
    else:
        dictionary, indices = arrow.dictionary, np.asarray(arrow.indices)
    return indices, dictionary.to_pylist()


def category_codes(
    values: Any, states: Sequence[str] | None
) -> tuple[npt.NDArray[np.integer[Any]], tuple[str, ...]] | None:
    """Positions in the state list of a categorical column, from its categories alone.

    For a pandas Categorical (the built-in portfolio's ``bucket``) or an Arrow dictionary
    column whose categories are all states and whose values are never missing: the
    column's own codes when the categories are the states in order (no pass over the
    rows beyond one check for missing codes), else one gather through a table of the
    few categories. The codes keep their narrow integer type. None for any other column
    and for anything the general path must name in an error (a missing value, a
    category outside ``states``), so that the errors stay the same.
    """
    found = _dictionary(values)
    if found is None:
        return None
    codes, categories = found
    names = [str(c) for c in categories]
    if states is None:
        if not set(names) <= set(STATES):
            return None
        labels: tuple[str, ...] = STATES
    else:
        labels = tuple(str(s) for s in states)
    pos = {s: i for i, s in enumerate(labels)}
    if len(pos) != len(labels) or any(n not in pos for n in names):
        return None
    if codes.size and int(codes.min()) < 0:
        return None  # missing states: the general path names the first row
    lookup = np.array([pos[n] for n in names], dtype=np.int64)
    if np.array_equal(lookup, np.arange(lookup.size)):
        return codes, labels
    small = lookup.astype(np.int8 if len(labels) < 128 else np.int64)
    return small[codes], labels


def _arrow_state_codes(
    values: Any, states: Sequence[str]
) -> tuple[IntArray, tuple[str, ...]] | None:
    """Positions in ``states`` of an Arrow-backed string column in one pass, or None.

    Only for columns whose every value is one of ``states`` (pandas' default ``str``
    columns are Arrow arrays): hashing the few labels once beats factorizing ten million
    strings. Anything else (a missing or unknown state, an object column) returns None and
    takes the general path, which names the offending values.
    """
    dtype = getattr(values, "dtype", None)
    if getattr(dtype, "storage", None) != "pyarrow" and not hasattr(dtype, "pyarrow_dtype"):
        return None  # not Arrow-backed text (categoricals already carry their codes)
    arrow = getattr(getattr(values, "array", None), "__arrow_array__", None)
    labels = tuple(str(v) for v in states)
    if arrow is None or "pyarrow" not in sys.modules or len(set(labels)) != len(labels):
        return None
    import pyarrow as pa
    import pyarrow.compute as pc

    data = arrow()
    if not pa.types.is_string(data.type) and not pa.types.is_large_string(data.type):
        return None
    pos = pc.index_in(data, value_set=pa.array(labels, type=data.type))
    if pos.null_count:
        return None
    return np.asarray(pos.to_numpy(), dtype=np.int64), labels


def period_index(values: Any, column: str) -> IntArray:
    """Integer period numbers: months since 1970-01 for dates, the integers otherwise."""
    arr = as_array(values)
    if arr.dtype.kind == "M":
        return _date_months(arr, column)
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


def period_groups(values: IntArray) -> tuple[IntArray, IntArray]:
    """``np.unique(values, return_inverse=True)`` for period numbers, without a sort.

    Periods span a few hundred values at most: an offset and one bincount find the
    periods present, a cumulative sum numbers them. Wide spans fall back to ``np.unique``.
    """
    if values.size == 0:
        return values.astype(np.int64), np.zeros(0, dtype=np.int64)
    lo, hi = int(values.min()), int(values.max())
    if hi - lo > max(4 * values.size, 1 << 16):
        uniq, inverse = np.unique(values, return_inverse=True)
        return uniq.astype(np.int64), inverse.astype(np.int64).reshape(-1)
    offset = values - lo
    present = np.bincount(offset, minlength=hi - lo + 1) > 0
    number = np.cumsum(present) - 1
    return np.flatnonzero(present).astype(np.int64) + lo, number[offset].astype(np.int64)


def id_codes(values: Any) -> IntArray:
    """Loan identifiers as integers usable for ordering (factorized unless integer)."""
    arr = as_array(values)
    if arr.dtype.kind in "iu":
        return arr.astype(np.int64, copy=False)
    codes, _ = factorize(arr)
    if (codes < 0).any():
        raise DataError("the loan id column has missing values; every row needs a loan id.")
    return codes


def panel_keys(
    cols: Mapping[str, Any], id_col: str, time_col: str
) -> tuple[IntArray, IntArray, IntArray | None]:
    """``(loan codes, period numbers, sort order or None)``; one row per (loan, period).

    Raises
    ------
    DataError
        Columns of different lengths, missing ids or periods, or duplicated (loan, period)
        rows (named by row).
    """
    ids = id_codes(cols[id_col])
    t = period_index(cols[time_col], time_col)
    if ids.size != t.size:
        raise DataError("panel columns have different lengths; pass equal-length columns.")
    return ids, t, sort_order(ids, t)


def dpd_values(column: Any, name: str) -> FloatArray:
    """Days past due as float64 (NaN: missing); a negative value is a DataError."""
    from overdue_risk._columns import numeric_column

    days = numeric_column(column, name)
    bad = days < 0
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise DataError(
            f"column {name!r} holds {int(bad.sum())} negative days past due (first "
            f"{days[row]:g} at row {row}). Days past due are >= 0; fix the extract."
        )
    return days


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


def is_date_column(panel: Any, time_col: str) -> bool:
    """Whether the panel's time column holds dates (a coded panel knows)."""
    if isinstance(panel, CodedPanel) and panel.time_col == time_col:
        return panel.is_date
    return as_array(columns_of(panel, [time_col])[time_col]).dtype.kind == "M"


def period_labels(values: IntArray, is_date: bool) -> tuple[str, ...]:
    """Labels of period numbers: ``"2024-01"`` for months of dates, the number otherwise."""
    return tuple(str(np.datetime64(int(v), "M")) if is_date else str(int(v)) for v in values)


def default_absorbing(states: Sequence[str]) -> tuple[str, ...]:
    """Charged-off and paid-off states present in ``states``."""
    return tuple(s for s in states if s in ("CO", "PO"))


@dataclass(frozen=True, eq=False)
class CodedPanel:
    """A loan-month panel read and coded once, for every transitions view.

    Each view (:func:`cohort_matrix`, :func:`roll_rates`, :func:`vintage_curves`, ...)
    otherwise reads the panel afresh: it maps the state labels to integers, turns the
    dates into month numbers and checks the (loan, month) order, which on a long panel
    of text buckets costs many times the counting itself. Build this once with
    :func:`code_panel` and pass it wherever a panel is accepted; the results are the
    same as on the panel itself. The panel's columns are kept, not copied: do not
    change them while the coded panel is in use.

    Attributes
    ----------
    columns : mapping of str to column
        The panel's columns as given (every view reads its other columns from here).
    id_col, time_col, state_col : str
        The columns that were coded.
    states : tuple of str
        State order of ``codes``.
    codes, ids, periods : ndarray of int64
        State position, loan code and period number (months since 1970-01 for dates)
        of every row, in the panel's row order.
    order : ndarray of int64 or None
        Row order by (loan, period); None when the rows already are in that order.
    is_date : bool
        Whether ``time_col`` holds dates.
    cache : dict
        What the views derived from the codes once (the cell of every one-period move,
        the first row and origination of every loan), reused by the next call.

    Examples
    --------
    >>> from overdue_risk.transitions import code_panel, cohort_matrix, roll_rates
    >>> panel = {"loan_id": [1, 1, 2, 2], "month": [0, 1, 0, 1],
    ...          "bucket": ["M0", "M1", "M0", "M0"]}
    >>> coded = code_panel(panel, states=["M0", "M1"])
    >>> coded.codes.tolist(), coded.order is None
    ([0, 1, 0, 0], True)
    >>> cohort_matrix(coded).probabilities[0].tolist()
    [0.5, 0.5]
    >>> roll_rates(coded).pooled_forward.tolist()
    [0.5]
    """

    columns: Mapping[str, Any]
    id_col: str
    time_col: str
    state_col: str
    states: tuple[str, ...]
    codes: IntArray
    ids: IntArray
    periods: IntArray
    order: IntArray | None
    is_date: bool
    cache: dict[Any, Any] = field(default_factory=dict, repr=False)

    def __len__(self) -> int:
        return int(self.codes.size)


def code_panel(
    panel: Any,
    *,
    states: Sequence[str] | None = None,
    id_col: str = "loan_id",
    time_col: str = "month",
    state_col: str = "bucket",
) -> CodedPanel:
    """Read and code a loan-month panel once (see :class:`CodedPanel`).

    Parameters
    ----------
    panel : DataFrame or dict of arrays
        One row per loan and period (the same checks as every transitions function).
    states : sequence of str, default=None
        State order; the bucket states M0..M6+, CO, PO when the labels are buckets.
    id_col, time_col, state_col : str

    Returns
    -------
    CodedPanel

    Raises
    ------
    DataError
        Missing columns, missing or unknown states, missing dates, duplicated
        (loan, period) rows.

    Examples
    --------
    >>> from overdue_risk.datasets import make_microloan_portfolio
    >>> from overdue_risk.transitions import code_panel, vintage_curves
    >>> book = make_microloan_portfolio(500, 12, random_state=0)
    >>> coded = code_panel(book.performance)
    >>> coded.states[:3], len(coded) == len(book.performance)
    (('M0', 'M1', 'M2'), True)
    >>> bool(vintage_curves(coded).n_loans.sum() == book.performance["loan_id"].nunique())
    True
    """
    codes, labels, ids, t, order = coded_keys(panel, states, id_col, time_col, state_col)
    cols = columns_of(panel, [id_col, time_col, state_col])
    is_date = as_array(cols[time_col]).dtype.kind == "M"
    return CodedPanel(
        dict(cols), id_col, time_col, state_col, labels, codes, ids, t, order, is_date
    )


def coded_keys(
    panel: Any, states: Sequence[str] | None, id_col: str, time_col: str, state_col: str
) -> tuple[IntArray, tuple[str, ...], IntArray, IntArray, IntArray | None]:
    """``(state codes, states, loan codes, periods, sort order or None)`` of a panel.

    A :class:`CodedPanel` coded with the same columns (and states, when given) answers
    from what it holds; anything else is read and checked.
    """
    if (
        isinstance(panel, CodedPanel)
        and (panel.id_col, panel.time_col, panel.state_col) == (id_col, time_col, state_col)
        and (states is None or tuple(str(s) for s in states) == panel.states)
    ):
        return panel.codes, panel.states, panel.ids, panel.periods, panel.order
    cols = columns_of(panel, [id_col, time_col, state_col])
    codes, labels = state_codes(cols[state_col], states, state_col)
    t = period_index(cols[time_col], time_col)
    ids = id_codes(cols[id_col])
    if not (codes.size == t.size == ids.size):
        raise DataError("panel columns have different lengths; pass equal-length columns.")
    return codes, labels, ids, t, sort_order(ids, t)


def move_cells(
    panel: Any, codes: IntArray, ids: IntArray, t: IntArray, order: IntArray | None, k: int
) -> tuple[IntArray, int, int]:
    """``(cells, first period, number of periods)`` of the panel's one-period moves.

    Every row (in (loan, period) order) but the last gets the cell
    ``(period - first) * k * k + from * k + to`` of its move to the next row, or the spare
    cell ``n_periods * k * k`` when the next row is not the same loan one period later.
    One bincount of the cells gives the count table of every start period (their sum the
    pooled table). A :class:`CodedPanel` keeps the cells for the next view.
    """
    key = ("moves", k)
    cacheable = isinstance(panel, CodedPanel) and codes is panel.codes
    if cacheable and key in panel.cache:
        hit: tuple[IntArray, int, int] = panel.cache[key]
        return hit
    if order is not None:
        codes, ids, t = codes[order], ids[order], t[order]
    lo = int(t.min())
    span = int(t.max()) - lo + 1
    kk = k * k
    n = max(ids.size - 1, 0)
    cells = np.empty(n, dtype=np.int64)
    # in blocks that stay in cache: no full-length temporaries to allocate and fault in
    size = min(_MOVE_BLOCK, max(n, 1))
    tmp = np.empty(size, dtype=np.int64)
    ok = np.empty(size, dtype=bool)
    same = np.empty(size, dtype=bool)
    for r0 in range(0, n, _MOVE_BLOCK):
        r1 = min(n, r0 + _MOVE_BLOCK)
        m = r1 - r0
        c, w, o, e = cells[r0:r1], tmp[:m], ok[:m], same[:m]
        np.subtract(t[r0:r1], lo, out=c)
        np.multiply(c, kk, out=c)
        np.multiply(codes[r0:r1], k, out=w)
        np.add(c, w, out=c)
        np.add(c, codes[r0 + 1 : r1 + 1], out=c)
        np.subtract(t[r0 + 1 : r1 + 1], t[r0:r1], out=w)
        np.equal(w, 1, out=o)
        np.equal(ids[r0 + 1 : r1 + 1], ids[r0:r1], out=e)
        np.logical_and(o, e, out=o)
        np.logical_not(o, out=o)
        c[o] = span * kk
    out = (cells, lo, span)
    if cacheable:
        panel.cache[key] = out
    return out
