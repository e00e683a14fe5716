"""The PRC regulator's loan migration ratios (贷款迁徙率) read off a loan-month panel."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from overdue_risk._validation import check_in
from overdue_risk.exceptions import DataError
from overdue_risk.transitions._buckets import CHARGED_OFF, PAID_OFF
from overdue_risk.transitions._panel import (
    as_array,
    columns_of,
    dpd_values,
    panel_keys,
    state_codes,
)
from overdue_risk.transitions._tiers import FIVE_TIER, MigrationRatios
from overdue_risk.transitions._tiers import five_tier as _five_tier
from overdue_risk.transitions._tiers import migration_ratios as _migration_ratios

__all__ = ["tier_migration"]


def _period(value: Any) -> int:
    if isinstance(value, int | np.integer):
        return int(value)
    return int(np.datetime64(value, "M").astype(np.int64))


def tier_migration(
    panel: Any,
    *,
    start: Any,
    end: Any,
    thresholds: str | Sequence[int] = "cbirc2023",
    write_off: str = "loss",
    id_col: str = "loan_id",
    time_col: str = "month",
    state_col: str = "bucket",
    dpd_col: str = "dpd",
    balance_col: str = "balance",
    charge_off_col: str = "charge_off_amount",
) -> MigrationRatios:
    """Migration ratios of the five tiers between two months of a loan-month panel.

    Loans open at ``start`` are classified by their DPD then (:func:`five_tier`) and
    followed to ``end``: their tier and balance in that month, or, if they closed before,
    paid off (balance 0: a period reduction) or charged off.

    Parameters
    ----------
    panel : DataFrame or dict of arrays
        Loan-month panel (CONTRACTS.md A: ``loan_id``, ``month``, ``bucket``, ``dpd``,
        ``balance``, ``charge_off_amount``).
    start, end : date or int
        First and last month of the period (e.g. a year: ``"2024-01-01"``, ``"2024-12-01"``).
    thresholds : str or sequence of 4 int, default="cbirc2023"
        Five-tier thresholds (see :func:`overdue_risk.transitions.five_tier`).
    write_off : {"loss", "reduction"}, default="loss"
        A loan charged off by ``end`` migrates to loss with its written-off amount
        (``"loss"``), or leaves the book as a period reduction (``"reduction"``, the
        literal reporting rule: 核销 is one of the 期间减少 causes).
    id_col, time_col, state_col, dpd_col, balance_col, charge_off_col : str

    Returns
    -------
    MigrationRatios

    Examples
    --------
    >>> panel = {
    ...     "loan_id": [1, 1, 2, 2, 3, 3],
    ...     "month": [0, 1, 0, 1, 0, 1],
    ...     "bucket": ["M0", "M1", "M0", "M0", "M0", "PO"],
    ...     "dpd": [0, 5, 0, 0, 0, 0],
    ...     "balance": [100.0, 95.0, 100.0, 90.0, 100.0, 0.0],
    ...     "charge_off_amount": [0.0] * 6,
    ... }
    >>> r = tier_migration(panel, start=0, end=1)
    >>> round(r.normal, 4)  # 95 / (300 - (5 + 10 + 100))
    0.5135
    """
    check_in(write_off, "write_off", ["loss", "reduction"])
    cols = columns_of(panel, [id_col, time_col, state_col, dpd_col, balance_col])
    ids, t, _ = panel_keys(cols, id_col, time_col)  # one row per (loan, month)
    state_codes(cols[state_col], None, state_col)  # bucket states only, none dropped
    state = np.asarray(as_array(cols[state_col]), dtype=object).astype(str)
    dpd = dpd_values(cols[dpd_col], dpd_col)
    bal = np.asarray(as_array(cols[balance_col]), dtype=np.float64)
    co_amount = (
        np.asarray(as_array(cols[charge_off_col]), dtype=np.float64)
        if charge_off_col in cols
        else np.zeros_like(bal)
    )
    s, e = _period(start), _period(end)
    if e <= s:
        raise DataError(f"end must come after start; got start={start!r}, end={end!r}.")
    closed = np.isin(state, (CHARGED_OFF, PAID_OFF))
    first = np.flatnonzero((t == s) & ~closed)
    if first.size == 0:
        raise DataError(f"no open loans in the start month {start!r}; check start and time_col.")
    # the last row of every loan up to the end month
    upto = np.flatnonzero(t <= e)
    upto = upto[np.lexsort((t[upto], ids[upto]))]
    last_of = upto[np.r_[ids[upto][1:] != ids[upto][:-1], True]]
    pos = np.searchsorted(ids[last_of], ids[first])
    last = last_of[pos]
    at_end = t[last] == e
    gone = closed[last] & ~at_end
    missing = ~at_end & ~gone
    if missing.any():
        raise DataError(
            f"{int(missing.sum())} loans open in the start month have no row in the end "
            f"month and did not close (e.g. loan row {int(first[missing][0])}). The panel "
            "must cover the whole period; pick an earlier end month."
        )
    start_tier = _five_tier(dpd[first], thresholds)
    end_dpd = np.nan_to_num(dpd[last], nan=0.0)
    end_tier = _five_tier(end_dpd, thresholds).astype(object)
    end_bal = bal[last].copy()
    is_co = state[last] == CHARGED_OFF
    is_po = state[last] == PAID_OFF
    end_bal[is_po] = 0.0
    end_tier[is_po] = FIVE_TIER[0]
    if write_off == "loss":
        end_tier[is_co] = FIVE_TIER[-1]
        end_bal[is_co] = np.maximum(co_amount[last][is_co], bal[last][is_co])
    else:
        end_bal[is_co] = 0.0
    return _migration_ratios(start_tier, end_tier, bal[first], end_bal)
