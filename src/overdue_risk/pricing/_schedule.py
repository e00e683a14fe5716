"""Repayment schedules of many loans at once (one row per loan, one column per period).

The five repayment methods micro-lenders use, with fees charged upfront, with every
instalment or at the end, and rates quoted per year, per month or per day (日利率):

==================  ============  =====================================================
method              Chinese       instalment ``k`` of ``n`` (principal ``P``, rate ``r``)
==================  ============  =====================================================
equal_instalment    等额本息      ``P r / (1 - (1 + r)^-n)`` every period (annuity)
equal_principal     等额本金      ``P / n + r B_{k-1}`` (falling instalments)
interest_only       先息后本      ``r P`` each period, ``P`` more with the last
bullet              一次性还本付息  ``P (1 + r n)`` at the end (simple interest)
flat                等本等息      ``P / n + r P`` every period: the interest is charged on
                                  the original principal although half of it is repaid
                                  on average, so the true rate is almost twice ``r``
==================  ============  =====================================================

Cash flows are from the lender's side: column 0 is the net amount disbursed (negative:
principal minus the upfront fee), columns 1 ... n are the instalments with their fees.
The annualised rate of :func:`overdue_risk.pricing.annualised_rate` is the same from the
borrower's side (the signs flip, the root does not).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from overdue_risk._results import Result
from overdue_risk._validation import FloatArray, format_values
from overdue_risk.exceptions import DataError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["METHODS", "METHODS_ZH", "RATE_UNITS", "Schedule", "period_rate", "repayment_schedule"]


#: Repayment methods, in the order of the module table.
METHODS: tuple[str, ...] = (
    "equal_instalment",
    "equal_principal",
    "interest_only",
    "bullet",
    "flat",
)
#: Chinese names accepted as aliases of :data:`METHODS`.
METHODS_ZH: dict[str, str] = {
    "等额本息": "equal_instalment",
    "等额本金": "equal_principal",
    "先息后本": "interest_only",
    "一次性还本付息": "bullet",
    "等本等息": "flat",
}
#: Units a quoted rate can have; ``daily`` uses the 360-day year (日利率 = 年利率 / 360).
RATE_UNITS: tuple[str, ...] = ("annual", "monthly", "daily")


def _method_codes(method: Any, n: int) -> npt.NDArray[np.int64]:
    arr = np.asarray(method, dtype=object).reshape(-1)
    if arr.size not in (1, n):
        raise DataError(f"method has {arr.size} entries for {n} loans; pass one or one per loan.")
    uniq = sorted({str(m) for m in arr.tolist()})
    lookup = {m: i for i, m in enumerate(METHODS)}
    lookup.update({zh: METHODS.index(en) for zh, en in METHODS_ZH.items()})
    unknown = [m for m in uniq if m not in lookup]
    if unknown:
        raise DataError(
            f"unknown repayment method {format_values(unknown)}; use one of "
            f"{format_values(METHODS)} (or the Chinese names {format_values(METHODS_ZH)})."
        )
    codes = np.asarray([lookup[str(m)] for m in arr.tolist()], dtype=np.int64)
    return np.broadcast_to(codes, (n,)).copy()


def _as_loan_array(value: Any, name: str, n: int, *, allow_zero: bool = True) -> FloatArray:
    arr = np.asarray(value, dtype=np.float64).reshape(-1)
    if arr.size not in (1, n):
        raise DataError(f"{name} has {arr.size} entries for {n} loans; pass one or one per loan.")
    bad = ~np.isfinite(arr) | (arr < 0) | ((arr == 0) & (not allow_zero))
    if bad.any():
        what = ">= 0" if allow_zero else "> 0"
        raise DataError(
            f"{name} must be finite and {what}; got {format_values(np.unique(arr[bad]))}. "
            "Rates and fees are fractions (0.36 for 36%)."
        )
    return np.broadcast_to(arr, (n,)).astype(np.float64)


def period_rate(rate: npt.ArrayLike, unit: str = "annual", periods_per_year: int = 12) -> Any:
    """Rate per repayment period from a quoted annual, monthly or daily rate.

    ``annual / periods_per_year``; ``monthly x 12 / periods_per_year``; ``daily x 360 /
    periods_per_year`` (the 360-day year of 日利率 = 年利率 / 360: People's Bank of China,
    人民币利率管理规定, 1999, Article 20), so a daily rate of 0.05% is 1.5% a month.

    Parameters
    ----------
    rate : float or array-like
        The quoted rate (a fraction: 0.0005 for 0.05% a day).
    unit : {"annual", "monthly", "daily"}, default="annual"
    periods_per_year : int, default=12

    Returns
    -------
    float or ndarray

    Examples
    --------
    >>> round(period_rate(0.0005, "daily"), 6)
    0.015
    >>> period_rate(0.24)
    0.02
    """
    if unit not in RATE_UNITS:
        raise DataError(f"rate unit must be one of {format_values(RATE_UNITS)}; got {unit!r}.")
    if periods_per_year <= 0:
        raise DataError(f"periods_per_year must be positive; got {periods_per_year!r}.")
    per_year = {"annual": 1.0, "monthly": 12.0, "daily": 360.0}[unit]
    out = np.asarray(rate, dtype=np.float64) * per_year / float(periods_per_year)
    return float(out) if out.ndim == 0 else out


@dataclass(frozen=True, eq=False)
class Schedule(Result):
    """Repayment schedules of many loans: one row per loan, one column per period.

    Attributes
    ----------
    cash_flows : ndarray of shape (n_loans, max_term + 1)
        Lender's cash flows: column 0 the net disbursement (``-(P - upfront fee)``), then
        the instalments with their fees; zero after a loan's last period.
    principal, interest, fee : ndarray of shape (n_loans, max_term + 1)
        The parts of every flow (column 0: the principal paid out and the upfront fee).
    balance : ndarray of shape (n_loans, max_term + 1)
        Principal outstanding after each period (column 0: the principal lent).
    term : ndarray of int, shape (n_loans,)
    method : ndarray of object, shape (n_loans,)
    periods_per_year : int
    """

    cash_flows: FloatArray
    principal: FloatArray
    interest: FloatArray
    fee: FloatArray
    balance: FloatArray
    term: npt.NDArray[np.int64]
    method: npt.NDArray[np.object_]
    periods_per_year: int = 12

    @property
    def instalment(self) -> FloatArray:
        """Amount due each period (principal + interest + fees), columns 1 ... max_term."""
        out: FloatArray = self.cash_flows[:, 1:]
        return out

    @property
    def total_cost(self) -> FloatArray:
        """Interest and fees paid over the life of each loan (the finance charge)."""
        out: FloatArray = self.cash_flows.sum(axis=1)
        return out

    def annualised_rate(self, method: str = "irr") -> Any:
        """Annualised rate of every loan (see :func:`overdue_risk.pricing.annualised_rate`)."""
        from overdue_risk.pricing._rate import annualised_rate

        return annualised_rate(
            self.cash_flows, method=method, periods_per_year=self.periods_per_year
        )

    def to_frame(self, loan: int = 0) -> pd.DataFrame:
        """The schedule of one loan as a table: period, instalment parts and balance."""
        import pandas as pd

        if not 0 <= loan < self.term.size:
            raise DataError(f"loan must be in [0, {self.term.size - 1}]; got {loan}.")
        t = int(self.term[loan]) + 1
        return pd.DataFrame(
            {
                "period": np.arange(t),
                "cash_flow": self.cash_flows[loan, :t],
                "principal": self.principal[loan, :t],
                "interest": self.interest[loan, :t],
                "fee": self.fee[loan, :t],
                "balance": self.balance[loan, :t],
            }
        )

    def _summary_table(self) -> tuple[str, list[str], list[list[Any]], str]:
        rate = np.atleast_1d(self.annualised_rate())
        rows: list[list[Any]] = []
        for m in METHODS:
            mask = self.method == m
            if not mask.any():
                continue
            lent = float(self.balance[mask, 0].sum())
            rows.append(
                [
                    m,
                    int(mask.sum()),
                    lent,
                    float(self.interest[mask].sum()),
                    float(self.fee[mask].sum()),
                    float(np.median(rate[mask])),
                ]
            )
        return (
            "Repayment schedules",
            ["method", "loans", "principal", "interest", "fees", "median IRR rate"],
            rows,
            "IRR rate: periodic internal rate of return x periods per year (fees included).",
        )


def repayment_schedule(
    principal: npt.ArrayLike,
    rate: npt.ArrayLike,
    term: npt.ArrayLike,
    *,
    method: Any = "equal_instalment",
    rate_unit: str = "annual",
    periods_per_year: int = 12,
    fee_upfront: npt.ArrayLike = 0.0,
    fee_per_period: npt.ArrayLike = 0.0,
    fee_at_end: npt.ArrayLike = 0.0,
) -> Schedule:
    """Repayment schedules for many loans at once (vectorised; loops over periods only).

    Parameters
    ----------
    principal : float or array-like, shape (n_loans,)
        Amount lent (before any upfront fee is deducted).
    rate : float or array-like
        The contractual rate, quoted in ``rate_unit``. For ``flat`` it is the flat rate
        charged on the original principal every period; for ``bullet``, simple interest.
    term : int or array-like of int
        Number of repayment periods (months by default), ``>= 1``.
    method : str or array-like of str, default="equal_instalment"
        One of :data:`METHODS` (or a Chinese name of :data:`METHODS_ZH`), per loan or one
        for all.
    rate_unit : {"annual", "monthly", "daily"}, default="annual"
        See :func:`period_rate` (daily rates use the 360-day year).
    periods_per_year : int, default=12
    fee_upfront : float or array-like, default=0.0
        Fee as a share of the principal, deducted from the amount paid out (砍头息 when it
        is interest in disguise): the borrower receives ``P (1 - fee_upfront)``.
    fee_per_period : float or array-like, default=0.0
        Service fee as a share of the original principal, paid with every instalment.
    fee_at_end : float or array-like, default=0.0
        Fee as a share of the principal, paid with the last instalment.

    Returns
    -------
    Schedule

    See Also
    --------
    annualised_rate : the true annualised cost of the cash flows.

    References
    ----------
    .. [1] Kellison, S. G. (2009). *The Theory of Interest*, 3rd ed., McGraw-Hill, ch. 5
       (amortisation schedules and sinking funds).
    .. [2] People's Bank of China (2021). 中国人民银行公告〔2021〕第3号 (disclosure of the
       annualised rate of every loan product, fees included).

    Examples
    --------
    10,000 over 12 months at a flat 1% a month (等本等息): 933.33 a month, a true rate of
    about 21.46% a year rather than the 12% the headline suggests.

    >>> s = repayment_schedule(10_000, 0.01, 12, method="flat", rate_unit="monthly")
    >>> round(float(s.instalment[0, 0]), 2), round(float(s.annualised_rate()[0]), 4)
    (933.33, 0.2146)
    >>> s = repayment_schedule([1200, 1200], 0.12, 3, method=["等额本息", "等额本金"])
    >>> s.instalment.round(2).tolist()
    [[408.03, 408.03, 408.03], [412.0, 408.0, 404.0]]
    """
    p = np.asarray(principal, dtype=np.float64).reshape(-1)
    t_raw = np.asarray(term).reshape(-1)
    n = max(p.size, t_raw.size, np.asarray(rate).size, np.asarray(method, dtype=object).size)
    p = _as_loan_array(p, "principal", n, allow_zero=False)
    try:
        t_float = t_raw.astype(np.float64)
    except (TypeError, ValueError):
        raise DataError(f"term must be whole numbers of periods; got {t_raw[:5]!r}.") from None
    if t_float.size not in (1, n) or not np.all(np.isfinite(t_float)):
        raise DataError(f"term must be finite, one per loan or one for all; got {t_raw[:5]!r}.")
    if np.any(t_float < 1) or np.any(t_float != np.round(t_float)):
        raise DataError(
            f"term must be whole numbers of periods >= 1; got {format_values(np.unique(t_float))}."
        )
    term_arr = np.broadcast_to(t_float.astype(np.int64), (n,)).copy()
    r = _as_loan_array(period_rate(rate, rate_unit, periods_per_year), "rate", n)
    codes = _method_codes(method, n)
    f_up = _as_loan_array(fee_upfront, "fee_upfront", n)
    if np.any(f_up >= 1):
        raise DataError("fee_upfront must be below 1: the fee cannot swallow the whole loan.")
    f_per = _as_loan_array(fee_per_period, "fee_per_period", n)
    f_end = _as_loan_array(fee_at_end, "fee_at_end", n)

    big_t = int(term_arr.max())
    k = np.arange(1, big_t + 1, dtype=np.float64)[None, :]  # period number
    nn = term_arr.astype(np.float64)[:, None]
    rr = r[:, None]
    pp = p[:, None]
    live = k <= nn
    last = k == nn
    principal_part = np.zeros((n, big_t))
    interest_part = np.zeros((n, big_t))

    # equal instalments: balance after k = P ((1+r)^n - (1+r)^k) / ((1+r)^n - 1)
    m = codes == 0
    if m.any():
        rm, nm, pm = rr[m], nn[m], pp[m]
        log_growth = np.log1p(rm)
        with np.errstate(divide="ignore", invalid="ignore"):
            # (expm1 keeps tiny rates exact: (1+r)^n - 1 ~ n r)
            grow_n = np.expm1(nm * log_growth)
            bal_after = np.where(
                rm > 0,
                pm * (grow_n - np.expm1(k * log_growth)) / grow_n,
                pm * (1.0 - k / nm),
            )
        bal_before = np.concatenate([pm, bal_after[:, :-1]], axis=1)
        interest_part[m] = rm * bal_before
        principal_part[m] = bal_before - np.maximum(bal_after, 0.0)
    # equal principal: P/n each period, interest on the falling balance
    m = codes == 1
    if m.any():
        bal_before = pp[m] * (1.0 - (k - 1.0) / nn[m])
        principal_part[m] = pp[m] / nn[m]
        interest_part[m] = rr[m] * bal_before
    # interest only, principal with the last instalment
    m = codes == 2
    if m.any():
        interest_part[m] = rr[m] * pp[m]
        principal_part[m] = np.where(last[m], pp[m], 0.0)
    # bullet: simple interest for the whole term, everything at the end
    m = codes == 3
    if m.any():
        lm = last[m]
        interest_part[m] = np.where(lm, rr[m] * nn[m] * pp[m], 0.0)
        principal_part[m] = np.where(lm, pp[m], 0.0)
    # flat (等本等息): interest on the original principal every period
    m = codes == 4
    if m.any():
        interest_part[m] = rr[m] * pp[m]
        principal_part[m] = pp[m] / nn[m]

    principal_part = np.where(live, principal_part, 0.0)
    interest_part = np.where(live, interest_part, 0.0)
    fee_part = np.where(live, f_per[:, None] * pp, 0.0) + np.where(last, f_end[:, None] * pp, 0.0)
    paid = np.cumsum(principal_part, axis=1)
    balance = np.maximum(pp - paid, 0.0)
    balance = np.where(np.abs(balance) < 1e-9 * pp, 0.0, balance)

    col0 = np.zeros((n, 1))
    upfront = (f_up * p)[:, None]
    cash = np.concatenate([-(pp - upfront), principal_part + interest_part + fee_part], axis=1)
    return Schedule(
        cash_flows=cash,
        principal=np.concatenate([-pp, principal_part], axis=1),
        interest=np.concatenate([col0, interest_part], axis=1),
        fee=np.concatenate([upfront, fee_part], axis=1),
        balance=np.concatenate([pp, balance], axis=1),
        term=term_arr,
        method=np.asarray(METHODS, dtype=object)[codes],
        periods_per_year=int(periods_per_year),
    )
