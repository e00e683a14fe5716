"""Risk-based pricing and expected profit (one-period loan model, Thomas 2009, ch. 5).

Public through :mod:`overdue_risk.strategy`; the formulas are explained there.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from overdue_risk._validation import FloatArray, check_positive, check_probability, format_values
from overdue_risk.exceptions import DataError

__all__ = ["expected_profit", "risk_based_apr"]


def _rate(value: Any, name: str) -> float:
    v = check_positive(value, name, strict=False)
    return v


def _term_years(term_months: npt.ArrayLike) -> FloatArray:
    term = np.asarray(term_months, dtype=np.float64)
    if not np.all(np.isfinite(term)) or np.any(term <= 0):
        raise DataError(
            f"term_months must be positive numbers of months; got {format_values(np.unique(term))}."
        )
    out: FloatArray = term / 12.0
    return out


def risk_based_apr(
    pd: npt.ArrayLike,
    *,
    lgd: float,
    funding_rate: float,
    operating_cost: float = 0.0,
    target_margin: float = 0.0,
    term_months: npt.ArrayLike = 12,
    apr_cap: float | None = None,
) -> Any:
    """Annual rate that covers expected loss, funding and operating cost and a margin.

    ``r = (r_F + c + m + p LGD / h) / (1 - p)`` with ``h = term_months / 12`` (one-period
    loan model of Thomas 2009, ch. 5; see the module notes). With ``apr_cap`` no price
    above the cap is ever returned: an applicant whose required rate exceeds it cannot
    be served profitably under the cap and gets NaN.

    Parameters
    ----------
    pd : float or array-like
        Probability of default over the loan's term, in [0, 1).
    lgd : float
        Loss given default, share of the exposure lost, in [0, 1].
    funding_rate : float
        Annual cost of funds ``r_F`` (e.g. 0.08).
    operating_cost : float, default=0.0
        Annual operating cost per unit of exposure ``c``.
    target_margin : float, default=0.0
        Annual profit margin per unit of exposure ``m``.
    term_months : float or array-like, default=12
        Term of the loan.
    apr_cap : float, default=None
        Legal or policy ceiling on the rate (e.g. ``CHINA_CAPS.limit(date, lpr=...)`` of
        :mod:`overdue_risk.pricing`); prices above it become NaN.

    Returns
    -------
    float or ndarray
        The APR (a float for scalar input); NaN where it would exceed ``apr_cap``.

    References
    ----------
    .. [1] Thomas, L. C. (2009). *Consumer Credit Models*. Oxford University Press, ch. 5.

    Examples
    --------
    >>> round(risk_based_apr(0.05, lgd=0.6, funding_rate=0.08, operating_cost=0.05,
    ...                      target_margin=0.02), 6)
    0.189474
    >>> risk_based_apr([0.0, 0.5], lgd=1.0, funding_rate=0.1).round(3).tolist()
    [0.1, 1.2]
    >>> risk_based_apr([0.0, 0.5], lgd=1.0, funding_rate=0.1, apr_cap=0.36).tolist()
    [0.1, nan]
    """
    p = np.asarray(pd, dtype=np.float64)
    check_probability(p, "pd")
    if np.any(p >= 1.0):
        raise DataError("pd must be below 1 to price a loan: a certain default has no price.")
    lgd_v = float(check_probability(lgd, "lgd"))
    h = _term_years(term_months)
    costs = (
        _rate(funding_rate, "funding_rate")
        + _rate(operating_cost, "operating_cost")
        + float(target_margin)
    )
    apr = (costs + p * lgd_v / h) / (1.0 - p)
    if apr_cap is not None:
        cap = check_positive(apr_cap, "apr_cap")
        apr = np.where(apr > cap, np.nan, apr)
    if apr.ndim == 0:
        return float(apr)
    return apr


def expected_profit(
    pd: npt.ArrayLike,
    apr: npt.ArrayLike,
    *,
    lgd: float,
    funding_rate: float,
    operating_cost: float = 0.0,
    term_months: npt.ArrayLike = 12,
    exposure: npt.ArrayLike = 1.0,
) -> Any:
    """Expected profit of a loan: ``E [(1 - p) r h - p LGD - (r_F + c) h]``.

    Pass observed 0/1 outcomes as ``pd`` to get the realised profit.

    Parameters
    ----------
    pd : float or array-like
        Probability of default over the term (or the observed default flag).
    apr : float or array-like
        Annual rate charged.
    lgd, funding_rate, operating_cost, term_months
        As in :func:`risk_based_apr`.
    exposure : float or array-like, default=1.0
        Amount lent (or the average balance of an amortising loan).

    Returns
    -------
    float or ndarray

    Examples
    --------
    >>> apr = risk_based_apr(0.05, lgd=0.6, funding_rate=0.08, target_margin=0.02)
    >>> round(expected_profit(0.05, apr, lgd=0.6, funding_rate=0.08, exposure=1000), 6)
    20.0
    """
    p = np.asarray(pd, dtype=np.float64)
    r = np.asarray(apr, dtype=np.float64)
    h = _term_years(term_months)
    lgd_v = float(check_probability(lgd, "lgd"))
    cost = _rate(funding_rate, "funding_rate") + _rate(operating_cost, "operating_cost")
    e = np.asarray(exposure, dtype=np.float64)
    out = e * ((1.0 - p) * r * h - p * lgd_v - cost * h)
    if out.ndim == 0:
        return float(out)
    return out
