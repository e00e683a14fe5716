"""Vintage curves: cumulative bad rate by months on book for each origination cohort."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from overdue_risk._results import Result
from overdue_risk._validation import format_values
from overdue_risk.exceptions import DataError
from overdue_risk.transitions._panel import (
    as_array,
    columns_of,
    dpd_values,
    factorize,
    panel_keys,
    period_index,
    state_codes,
)

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    from matplotlib.axes import Axes

__all__ = ["VintageCurves", "vintage_curves"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


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
    codes, labels = state_codes(cols[state_col], states, state_col)
    if bad_states is None:
        bad_states = tuple(s for s in ("M4", "M5", "M6+", "CO") if s in labels)
    unknown = [s for s in bad_states if s not in labels]
    if unknown:
        raise DataError(
            f"bad_states {format_values(unknown)} are not states of the panel "
            f"{format_values(labels)}."
        )
    _, t, _ = panel_keys(cols, id_col, time_col)  # one row per (loan, month)
    mob = np.asarray(as_array(cols[mob_col]), dtype=np.float64)
    if not np.all(np.isfinite(mob)) or (mob < 0).any():
        raise DataError(f"column {mob_col!r} must hold months on book >= 0 (1 = first month).")
    mob_i = mob.astype(np.int64)
    loan, _ = factorize(as_array(cols[id_col]))
    n_l = int(loan.max()) + 1 if loan.size else 0
    if origination_col is not None:
        orig_row = period_index(cols[origination_col], origination_col)
    else:
        orig_row = t - mob_i
    orig = np.full(n_l, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(orig, loan, orig_row)
    cohort_vals, cohort = np.unique(orig, return_inverse=True)
    n_c = cohort_vals.size
    if as_of is None:
        last = int(t.max())
    elif isinstance(as_of, int | np.integer):
        last = int(as_of)
    else:
        last = int(np.datetime64(as_of, "M").astype(np.int64))
    m_max = int(max_mob) if max_mob is not None else max(int(mob_i.max()), 1)
    bad = np.isin(codes, [labels.index(s) for s in bad_states])
    if bad_dpd is not None:
        days = dpd_values(cols[dpd_col], dpd_col)
        bad |= np.nan_to_num(days, nan=-1.0) >= float(bad_dpd)
    big = np.iinfo(np.int64).max
    first_bad = np.full(n_l, big, dtype=np.int64)
    np.minimum.at(first_bad, loan[bad], mob_i[bad])
    n_loans = np.bincount(cohort, minlength=n_c).astype(np.float64)
    is_bad = first_bad <= m_max
    hist = np.bincount(
        cohort[is_bad] * (m_max + 1) + first_bad[is_bad], minlength=n_c * (m_max + 1)
    ).reshape(n_c, m_max + 1)
    cum_count = np.cumsum(hist, axis=1)[:, 1:].astype(np.float64)
    mobs = np.arange(1, m_max + 1)
    censored = cohort_vals[:, None] + mobs[None, :] > last
    count_rate = cum_count / n_loans[:, None]
    count_rate[censored] = np.nan

    balance_rate = np.full_like(count_rate, np.nan)
    amount = np.full(n_c, np.nan)
    if balance_col is not None:
        bal = np.asarray(as_array(cols[balance_col]), dtype=np.float64)
        exposure = bal.copy()
        if charge_off_col is not None and charge_off_col in cols and "CO" in labels:
            co = np.nan_to_num(np.asarray(as_array(cols[charge_off_col]), dtype=np.float64))
            exposure = np.where(codes == labels.index("CO"), np.maximum(bal, co), bal)
        order = np.lexsort((mob_i, loan))
        first_row = order[np.r_[True, loan[order][1:] != loan[order][:-1]]]
        loan_amount = np.zeros(n_l)
        if amount_col is not None:
            loan_amount[loan[first_row]] = np.asarray(as_array(cols[amount_col]), dtype=np.float64)[
                first_row
            ]
        else:
            loan_amount[loan[first_row]] = bal[first_row]
        bad_rows = order[bad[order]]
        first_bad_row = (
            bad_rows[np.r_[True, loan[bad_rows][1:] != loan[bad_rows][:-1]]]
            if bad_rows.size
            else bad_rows
        )
        bad_amount = np.zeros(n_l)
        bad_amount[loan[first_bad_row]] = exposure[first_bad_row]
        amount = np.bincount(cohort, weights=loan_amount, minlength=n_c)
        bhist = np.bincount(
            cohort[is_bad] * (m_max + 1) + first_bad[is_bad],
            weights=bad_amount[is_bad],
            minlength=n_c * (m_max + 1),
        ).reshape(n_c, m_max + 1)
        with np.errstate(invalid="ignore", divide="ignore"):
            balance_rate = np.cumsum(bhist, axis=1)[:, 1:] / amount[:, None]
        balance_rate[censored] = np.nan
    is_date = as_array(cols[time_col]).dtype.kind == "M"
    labels_c = tuple(
        str(np.datetime64(int(v), "M")) if is_date else str(int(v)) for v in cohort_vals
    )
    return VintageCurves(
        cohorts=labels_c,
        mob=mobs.astype(np.int64),
        count_rate=count_rate,
        balance_rate=balance_rate,
        n_loans=n_loans,
        amount=amount,
        bad_states=tuple(bad_states),
        bad_dpd=None if bad_dpd is None else int(bad_dpd),
    )
