"""Vintage curves: cumulative bad rate by months on book for each origination cohort."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
import numpy.typing as npt

from overdue_risk._results import Result
from overdue_risk._validation import FloatArray, format_values
from overdue_risk.exceptions import DataError
from overdue_risk.transitions._panel import (
    CodedPanel,
    IntArray,
    as_array,
    coded_keys,
    columns_of,
    dpd_values,
    factorize,
    is_date_column,
    period_groups,
    period_index,
    period_labels,
)
from overdue_risk.transitions._sorted import sorted_keys, sorted_loans

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    from matplotlib.axes import Axes

__all__ = ["VintageCurves", "vintage_curves"]


@dataclass(frozen=True, eq=False)
class VintageCurves(Result):
    """Cumulative bad rates by origination cohort (rows) and months on book (columns).

    Cells not yet observed (the censored lower-right triangle) are NaN, never 0.

    Attributes
    ----------
    cohorts : tuple of str
        Origination periods (``"2024-01"``) in order.
    mob : ndarray of int, shape (n_mob,)
        Months on book 1, 2, ..., max.
    count_rate : ndarray of shape (n_cohorts, n_mob)
        Share of the cohort's loans bad by that month on book.
    balance_rate : ndarray of shape (n_cohorts, n_mob)
        Bad exposure (balance at the first bad month; charge-off amount on CO rows) over
        the cohort's amount.
    n_loans : ndarray of shape (n_cohorts,)
    amount : ndarray of shape (n_cohorts,)
    bad_states : tuple of str
    """

    cohorts: tuple[str, ...]
    mob: IntArray
    count_rate: FloatArray
    balance_rate: FloatArray
    n_loans: FloatArray
    amount: FloatArray
    bad_states: tuple[str, ...]
    bad_dpd: int | None = None

    @property
    def bad_definition(self) -> str:
        """Human-readable bad definition (for titles and footers)."""
        text = f"in {', '.join(self.bad_states)}"
        return text if self.bad_dpd is None else f"{self.bad_dpd}+ DPD or {text}"

    def to_frame(self, kind: str = "count") -> pd.DataFrame:
        """Triangle as a frame: cohorts x months on book (``kind`` "count" or "balance")."""
        import pandas as pd

        data = self.count_rate if kind == "count" else self.balance_rate
        return pd.DataFrame(
            data,
            index=pd.Index(self.cohorts, name="cohort"),
            columns=pd.Index(self.mob, name="mob"),
        )

    def plot(self, ax: Axes | None = None, kind: str = "count") -> Axes:
        """Vintage curves (see :func:`overdue_risk.plotting.plot_vintage_curves`)."""
        from overdue_risk.plotting._dynamics_plots import plot_vintage_curves

        return plot_vintage_curves(self, ax=ax, kind=kind)

    def _summary_table(self) -> tuple[str, list[str], list[list[Any]], str]:
        show = sorted({m for m in (3, 6, 12, 24) if m <= self.mob.size} | {int(self.mob.size)})
        rows = [
            [c, float(self.n_loans[i]), *(float(self.count_rate[i, m - 1]) for m in show)]
            for i, c in enumerate(self.cohorts)
        ]
        return (
            "Vintage curves (cumulative bad rate, count)",
            ["cohort", "loans", *(f"mob {m}" for m in show)],
            rows,
            f"bad = ever {self.bad_definition}; nan = not yet observed",
        )


def vintage_curves(
    panel: Any,
    *,
    bad_states: Sequence[str] | None = None,
    bad_dpd: int | None = None,
    dpd_col: str = "dpd",
    id_col: str = "loan_id",
    time_col: str = "month",
    mob_col: str = "mob",
    state_col: str = "bucket",
    origination_col: str | None = None,
    amount_col: str | None = None,
    balance_col: str | None = "balance",
    charge_off_col: str | None = "charge_off_amount",
    states: Sequence[str] | None = None,
    max_mob: int | None = None,
    as_of: Any = None,
) -> VintageCurves:
    """Cumulative bad rate by months on book per origination cohort (count and balance).

    Parameters
    ----------
    panel : DataFrame or dict of arrays
        Loan-month panel with ``mob`` (1 = first month after origination).
    bad_states : sequence of str, default=None
        A loan is bad from its first month in one of these; None means those of
        ``("M4", "M5", "M6+", "CO")`` in the panel (more than 90 DPD or charged off).
    bad_dpd : int, default=None
        Also bad from the first month with ``dpd >= bad_dpd`` (column ``dpd_col``); e.g.
        ``bad_dpd=90, bad_states=("CO",)`` is "ever 90+ DPD or charged off", the target
        of the built-in portfolio.
    dpd_col : str, default="dpd"
    id_col, time_col, mob_col, state_col : str
    origination_col : str, default=None
        Origination period column; ``time - mob`` months when None.
    amount_col : str, default=None
        Original amount per loan (any row of the loan); the balance of the loan's first
        row when None. Needed only for ``balance_rate``.
    balance_col : str or None, default="balance"
        None to skip the balance-based curves (then all NaN).
    charge_off_col : str or None, default="charge_off_amount"
        Exposure of bad CO rows (balance is 0 there in the built-in portfolio).
    states : sequence of str, default=None
    max_mob : int, default=None
        Last month on book reported; the largest observed when None.
    as_of : date or int, default=None
        Last observed period (the panel's last period when None): cells with
        ``origination + mob > as_of`` are NaN.

    Returns
    -------
    VintageCurves

    Examples
    --------
    >>> panel = {
    ...     "loan_id": [1, 1, 2, 2, 3],
    ...     "month": [1, 2, 1, 2, 2],
    ...     "mob": [1, 2, 1, 2, 1],
    ...     "bucket": ["M0", "CO", "M0", "M0", "M0"],
    ...     "balance": [100.0, 0.0, 100.0, 90.0, 50.0],
    ...     "charge_off_amount": [0.0, 100.0, 0.0, 0.0, 0.0],
    ... }
    >>> vc = vintage_curves(panel, states=["M0", "CO"], bad_states=["CO"])
    >>> vc.cohorts
    ('0', '1')
    >>> vc.count_rate
    array([[0. , 0.5],
           [0. , nan]])
    >>> vc.balance_rate
    array([[0. , 0.5],
           [0. , nan]])
    """
    need: list[str | None] = [
        id_col,
        time_col,
        mob_col,
        state_col,
        origination_col,
        amount_col,
        balance_col,
    ]
    if bad_dpd is not None:
        need.append(dpd_col)
    cols = columns_of(panel, need)
    keys = (
        sorted_keys(panel, cols, states, (id_col, time_col, state_col))
        if origination_col is None
        else None
    )
    codes: npt.NDArray[np.integer[Any]]
    if keys is None:
        codes, labels, ids, t, order = coded_keys(panel, states, id_col, time_col, state_col)
    else:
        labels = keys.labels
    if bad_states is None:
        bad_states = tuple(s for s in ("M4", "M5", "M6+", "CO") if s in labels)
    unknown = [s for s in bad_states if s not in labels]
    if unknown:
        raise DataError(
            f"bad_states {format_values(unknown)} are not states of the panel "
            f"{format_values(labels)}."
        )
    wanted = sorted(labels.index(s) for s in bad_states)
    extra_bad = None
    if bad_dpd is not None:
        days = dpd_values(cols[dpd_col], dpd_col)
        extra_bad = np.nan_to_num(days, nan=-1.0) >= float(bad_dpd)
    loans = None if keys is None else sorted_loans(keys, cols[mob_col], wanted, extra_bad)
    if keys is not None and loans is not None:  # sorted rows read as stored: one pass
        codes = keys.codes
        first = _FirstRows(loans.starts, loans.starts, loans.bad_rows, loans.bad_loans)
        groups = _Cohorts.of(loans.origination, loans.bad_loans)
        bad_mob = as_array(cols[mob_col])[loans.bad_rows].astype(np.int64, copy=False)
        last_period, max_mob_seen = loans.last_period, loans.max_mob
    else:
        if keys is not None:
            codes, labels, ids, t, order = coded_keys(panel, states, id_col, time_col, state_col)
        runs = _loan_runs(panel, cols, ids, t, order, mob_col, origination_col)
        first_bad, first = _first_bad(runs, codes, wanted, len(labels), extra_bad)
        bad_loans = np.flatnonzero(first_bad < np.iinfo(np.int64).max)
        bad_mob = first_bad[bad_loans]
        groups = _Cohorts(runs.cohort_values, runs.cohort, bad_loans)
        last_period, max_mob_seen = runs.last_period, runs.max_mob
    cohort_vals, n_c = groups.values, groups.values.size
    if as_of is None:
        last = last_period
    elif isinstance(as_of, int | np.integer):
        last = int(as_of)
    else:
        last = int(np.datetime64(as_of, "M").astype(np.int64))
    m_max = int(max_mob) if max_mob is not None else max(max_mob_seen, 1)
    n_loans = groups.total().astype(np.float64)
    is_bad = bad_mob <= m_max
    cells = groups.bad_cohort[is_bad] * (m_max + 1) + bad_mob[is_bad]
    hist = np.bincount(cells, minlength=n_c * (m_max + 1)).reshape(n_c, m_max + 1)
    cum_count = np.cumsum(hist, axis=1)[:, 1:].astype(np.float64)
    mobs = np.arange(1, m_max + 1)
    censored = cohort_vals[:, None] + mobs[None, :] > last
    count_rate = cum_count / n_loans[:, None]
    count_rate[censored] = np.nan

    balance_rate = np.full_like(count_rate, np.nan)
    amount = np.full(n_c, np.nan)
    if balance_col is not None:
        co_col = charge_off_col if charge_off_col is not None and charge_off_col in cols else None
        loan_amount, exposure = _loan_exposures(
            cols, codes, labels, first, (balance_col, co_col, amount_col)
        )
        if loans is None:  # exposures in the order of the bad loans
            per_loan = np.zeros(loan_amount.size)
            per_loan[first.bad_loans] = exposure
            exposure = per_loan[bad_loans]
        amount = groups.total(loan_amount)
        bhist = np.bincount(cells, weights=exposure[is_bad], minlength=n_c * (m_max + 1)).reshape(
            n_c, m_max + 1
        )
        with np.errstate(invalid="ignore", divide="ignore"):
            balance_rate = np.cumsum(bhist, axis=1)[:, 1:] / amount[:, None]
        balance_rate[censored] = np.nan
    return VintageCurves(
        cohorts=period_labels(cohort_vals, is_date_column(panel, time_col)),
        mob=mobs.astype(np.int64),
        count_rate=count_rate,
        balance_rate=balance_rate,
        n_loans=n_loans,
        amount=amount,
        bad_states=tuple(bad_states),
        bad_dpd=None if bad_dpd is None else int(bad_dpd),
    )


def _months_on_book(column: Any, name: str) -> IntArray:
    """Months on book as int64 (whole numbers >= 0; DataError otherwise)."""
    raw = as_array(column)
    if raw.dtype.kind in "iu":
        mob_i = raw.astype(np.int64, copy=False)
        if mob_i.size and int(mob_i.min()) < 0:
            raise DataError(f"column {name!r} must hold months on book >= 0 (1 = first month).")
        return mob_i
    mob = np.asarray(raw, dtype=np.float64)
    if not np.all(np.isfinite(mob)) or (mob < 0).any():
        raise DataError(f"column {name!r} must hold months on book >= 0 (1 = first month).")
    return mob.astype(np.int64)


class _LoanRuns(NamedTuple):
    """Per-loan structure of a panel that every vintage call needs."""

    mob: IntArray  # months on book per row
    n_loans: int
    loan: IntArray  # loan number per row (first-appearance order)
    starts: IntArray | None  # first row of each loan when rows are sorted by loan
    in_order: bool  # months on book never fall along a loan (sorted rows only)
    origination: IntArray  # origination period per loan
    cohort_values: IntArray
    cohort: IntArray  # cohort number per loan
    last_period: int
    max_mob: int
    small_codes: npt.NDArray[np.int8] | None  # the state codes in one byte (coded panels)


def _in_states(
    codes: npt.NDArray[np.integer[Any]], wanted: list[int], k: int
) -> npt.NDArray[np.bool_]:
    """Rows whose state code is one of ``wanted`` (two comparisons for a run of codes)."""
    if wanted and wanted == list(range(wanted[0], wanted[-1] + 1)):
        out = codes >= wanted[0]
        if wanted[-1] < k - 1:
            out &= codes <= wanted[-1]
        return out
    table = np.zeros(k, dtype=bool)
    table[wanted] = True
    picked: npt.NDArray[np.bool_] = table[codes]
    return picked


def _loan_runs(
    panel: Any,
    cols: Mapping[str, Any],
    ids: IntArray,
    t: IntArray,
    order: IntArray | None,
    mob_col: str,
    origination_col: str | None,
) -> _LoanRuns:
    """Loans, their origination and cohort; kept by a :class:`CodedPanel` for reuse."""
    key = ("loans", mob_col, origination_col)
    cacheable = isinstance(panel, CodedPanel) and ids is panel.ids
    if cacheable and key in panel.cache:
        hit: _LoanRuns = panel.cache[key]
        return hit
    mob_i = _months_on_book(cols[mob_col], mob_col)
    if origination_col is not None:
        orig_row = period_index(cols[origination_col], origination_col)
    else:
        orig_row = t - mob_i
    starts: IntArray | None = None
    in_order = False
    if order is None:  # rows sorted by (loan, month): every loan is one run of rows
        new_loan = np.empty(ids.size, dtype=bool)
        new_loan[0] = True
        np.not_equal(ids[1:], ids[:-1], out=new_loan[1:])
        starts = np.flatnonzero(new_loan)
        loan = np.cumsum(new_loan) - 1
        orig = np.minimum.reduceat(orig_row, starts)
        in_order = not np.any((mob_i[1:] < mob_i[:-1]) & ~new_loan[1:])
    else:
        loan, _ = factorize(ids)  # the same numbers as factorizing the id column
        n = int(loan.max()) + 1 if loan.size else 0
        orig = np.full(n, np.iinfo(np.int64).max, dtype=np.int64)
        np.minimum.at(orig, loan, orig_row)
    values, cohort = period_groups(orig)
    out = _LoanRuns(
        mob_i,
        int(orig.size),
        loan,
        starts,
        in_order,
        orig,
        values,
        cohort,
        int(t.max()),
        int(mob_i.max()),
        panel.codes.astype(np.int8) if cacheable and len(panel.states) < 128 else None,
    )
    if cacheable:
        panel.cache[key] = out
    return out


class _Cohorts:
    """Origination cohorts: their periods, the cohort of each bad loan, sums per cohort.

    Built from per-loan cohort numbers, or (:meth:`of`) from the loans' origination
    periods directly: an offset and one bincount, without a cohort number per loan.
    """

    def __init__(self, values: IntArray, cohort: IntArray, bad_loans: IntArray) -> None:
        self.values = values
        self.cohort = cohort  # cohort number per loan (or offset per loan, see ``of``)
        self.bad_cohort = cohort[bad_loans]
        self.offset: tuple[IntArray, int] | None = None  # (present offsets, their span)
        self.loans: IntArray | None = None  # loans per cohort (``of``)

    @classmethod
    def of(cls, origination: IntArray, bad_loans: IntArray) -> _Cohorts:
        lo = int(origination.min())
        span = int(origination.max()) - lo + 1
        if span > max(4 * origination.size, 1 << 16):  # wide: number the cohorts
            values, cohort = period_groups(origination)
            return cls(values, cohort, bad_loans)
        offset = origination - lo
        loans = np.bincount(offset, minlength=span)
        present = loans > 0
        number = np.cumsum(present) - 1
        out = cls(np.flatnonzero(present).astype(np.int64) + lo, offset, bad_loans)
        out.bad_cohort = number[out.bad_cohort]
        out.offset = (np.flatnonzero(present), span)
        out.loans = loans[present]
        return out

    def total(self, weights: FloatArray | None = None) -> npt.NDArray[Any]:
        """Loans (or the sum of ``weights``) per cohort, in cohort order."""
        if weights is None and self.loans is not None:
            return self.loans
        if self.offset is None:
            return np.bincount(self.cohort, weights=weights, minlength=self.values.size)
        present, span = self.offset
        sums: npt.NDArray[Any] = np.bincount(self.cohort, weights=weights, minlength=span)
        return sums[present]


class _FirstRows(NamedTuple):
    """First row of every loan and first bad row of every bad loan, with their loans."""

    rows: IntArray  # first row of each loan ...
    loans: IntArray  # ... and its loan (the same array when loans are numbered in row order)
    bad_rows: IntArray
    bad_loans: IntArray
    n_loans: int = 0  # when loans are not numbered in row order


def _first_bad(
    runs: _LoanRuns,
    codes: npt.NDArray[np.integer[Any]],
    wanted: list[int],
    k: int,
    extra_bad: npt.NDArray[np.bool_] | None,
) -> tuple[IntArray, _FirstRows]:
    """Month on book of each loan's first bad row (int64 max when never bad), first rows.

    When the rows are sorted by loan only the bad rows are visited; otherwise the rows
    are sorted by (loan, months on book).
    """
    bad = _in_states(runs.small_codes if runs.small_codes is not None else codes, wanted, k)
    if extra_bad is not None:
        bad |= extra_bad
    mob_i, loan = runs.mob, runs.loan
    first_bad = np.full(runs.n_loans, np.iinfo(np.int64).max, dtype=np.int64)
    if runs.starts is not None:  # rows sorted by loan: only the bad rows are visited
        bad_idx = np.flatnonzero(bad)
        loan_of_bad = loan[bad_idx]
        keep = np.ones(bad_idx.size, dtype=bool)
        np.not_equal(loan_of_bad[1:], loan_of_bad[:-1], out=keep[1:])
        first = np.flatnonzero(keep)
        if first.size:
            first_bad[loan_of_bad[first]] = np.minimum.reduceat(mob_i[bad_idx], first)
        if runs.in_order:  # months on book rise along each loan: first bad row = earliest
            rows = bad_idx[first]
            return first_bad, _FirstRows(runs.starts, runs.starts, rows, loan[rows])
    else:
        np.minimum.at(first_bad, loan[bad], mob_i[bad])
    order = np.lexsort((mob_i, loan))
    first_row = order[np.r_[True, loan[order][1:] != loan[order][:-1]]]
    bad_rows = order[bad[order]]
    first_bad_row = (
        bad_rows[np.r_[True, loan[bad_rows][1:] != loan[bad_rows][:-1]]]
        if bad_rows.size
        else bad_rows
    )
    return first_bad, _FirstRows(
        first_row, loan[first_row], first_bad_row, loan[first_bad_row], runs.n_loans
    )


def _loan_exposures(
    cols: Mapping[str, Any],
    codes: npt.NDArray[np.integer[Any]],
    labels: tuple[str, ...],
    first: _FirstRows,
    names: tuple[str, str | None, str | None],
) -> tuple[FloatArray, FloatArray]:
    """Amount per loan (first month on book) and the exposure at each first bad row."""
    balance_col, co_col, amount_col = names
    bal = np.asarray(as_array(cols[balance_col]), dtype=np.float64)
    exposure = bal[first.bad_rows]
    if co_col is not None and "CO" in labels:
        co = np.nan_to_num(np.asarray(as_array(cols[co_col]), dtype=np.float64)[first.bad_rows])
        is_co = codes[first.bad_rows] == labels.index("CO")
        exposure = np.where(is_co, np.maximum(exposure, co), exposure)
    source = bal if amount_col is None else np.asarray(as_array(cols[amount_col]), np.float64)
    if first.loans is first.rows:  # loans numbered in row order
        loan_amount = source[first.rows]
    else:
        loan_amount = np.zeros(first.n_loans)
        loan_amount[first.loans] = source[first.rows]
    return loan_amount, exposure
