"""The out-of-time split of a portfolio: develop on early vintages, validate on later ones.

Only vintages whose whole outcome window lies inside the panel are used, so that the
target of every sampled loan is known (see :func:`out_of_time_split`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from overdue_risk.exceptions import DataError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from overdue_risk.datasets._portfolio import Portfolio

__all__ = ["OutOfTimeSplit", "out_of_time_split"]


@dataclass(frozen=True)
class OutOfTimeSplit:
    """A development sample of early vintages and an out-of-time hold-out of later ones.

    Attributes
    ----------
    development, holdout : pandas.DataFrame
        Application rows (all columns) of each sample, index reset.
    development_months, holdout_months : tuple of str
        Origination months ("2023-01") of each sample.
    """

    development: pd.DataFrame
    holdout: pd.DataFrame
    development_months: tuple[str, ...]
    holdout_months: tuple[str, ...]


def out_of_time_split(portfolio: Portfolio, holdout_share: float = 1 / 3) -> OutOfTimeSplit:
    """Split a portfolio by origination month, keeping only complete outcome windows.

    A vintage (origination month) is usable when its whole target window lies inside the
    panel: ``origination + target_window <= last month``. Later vintages are left out
    entirely -- their known outcomes are mostly the early defaults, which would bias the
    bad rate. The latest ``holdout_share`` of the usable vintages (at least one) are the
    out-of-time hold-out; the earlier ones are the development sample.

    Parameters
    ----------
    portfolio : Portfolio
    holdout_share : float, default=1/3

    Returns
    -------
    OutOfTimeSplit

    Raises
    ------
    DataError
        When fewer than two vintages have a complete outcome window.

    Examples
    --------
    >>> from overdue_risk.datasets import make_microloan_portfolio
    >>> pf = make_microloan_portfolio(n_loans=2_000, n_months=18, random_state=0)
    >>> split = out_of_time_split(pf)
    >>> split.development_months, split.holdout_months
    (('2023-01', '2023-02', '2023-03', '2023-04'), ('2023-05', '2023-06'))
    """
    apps, perf = portfolio.applications, portfolio.performance
    if len(perf) == 0 or len(apps) == 0:
        raise DataError("the portfolio is empty; an out-of-time split needs loans.")
    orig = apps["origination_month"]
    index = (orig.dt.year * 12 + orig.dt.month - 1).to_numpy()  # months since year 0
    last = perf["month"].max()
    complete = index + portfolio.target_window <= last.year * 12 + last.month - 1
    vintages = np.unique(index[complete])
    if vintages.size < 2:
        raise DataError(
            f"only {vintages.size} origination month(s) have a complete "
            f"{portfolio.target_window}-month outcome window by {str(last)[:7]}; an "
            "out-of-time split needs at least 2. Simulate more months (n_months >= "
            f"target_window + 2, i.e. --n-months {portfolio.target_window + 2} or more)."
        )
    n_hold = min(max(1, round(holdout_share * vintages.size)), vintages.size - 1)
    hold_v, dev_v = vintages[-n_hold:], vintages[:-n_hold]

    def months(v: Any) -> tuple[str, ...]:
        return tuple(f"{m // 12}-{m % 12 + 1:02d}" for m in v)

    return OutOfTimeSplit(
        development=apps[complete & np.isin(index, dev_v)].reset_index(drop=True),
        holdout=apps[complete & np.isin(index, hold_v)].reset_index(drop=True),
        development_months=months(dev_v),
        holdout_months=months(hold_v),
    )
