"""The annualised rate of cash flows: internal rate of return, regular or on dates.

``annualised_rate`` solves ``sum_t CF_t (1 + i)^(-t) = 0`` for the periodic rate ``i`` of
every loan at once (a safeguarded Newton iteration over arrays: Newton steps, bisection
whenever a step leaves the bracket that holds the sign change; no Python loop over loans)
and reports ``i x periods_per_year`` (the nominal rate that lenders must disclose: IRR
method of PBoC 公告〔2021〕第3号, actuarial method of US Regulation Z, Appendix J (b)(1))
or the effective annual rate ``(1 + i)^periods_per_year - 1``.

On irregular dates the exponent is the exact time in years, ``days / 365`` (the XIRR
convention), and the rate found is the effective annual rate ``E``; the nominal rate is
its periodic equivalent ``p ((1 + E)^(1/p) - 1)``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from overdue_risk._validation import format_values
from overdue_risk.exceptions import ConstraintError, DataError

__all__ = ["RATE_METHODS", "annualised_rate", "npv"]

FloatArray = npt.NDArray[np.float64]

#: ``irr``: periodic IRR x periods per year (nominal, the disclosed convention);
#: ``effective``: the effective annual rate.
RATE_METHODS: tuple[str, ...] = ("irr", "effective")

_MAX_ITER = 100
_TOL = 1e-12


def _times(dates: Any, shape: tuple[int, int]) -> FloatArray:
    """Time of every flow in years since the first date (days / 365)."""
    d = np.asarray(dates)
    if d.dtype.kind not in "M":
        try:
            d = np.asarray(dates, dtype="datetime64[D]")
        except (TypeError, ValueError):
            raise DataError(
                "dates must be dates (numpy datetime64, pandas Timestamps or ISO strings "
                f"like '2024-01-31'); got {np.asarray(dates).dtype}."
            ) from None
    days = d.astype("datetime64[D]").astype(np.int64)
    if days.ndim == 1:
        days = days[None, :]
    if days.shape[-1] != shape[1] or days.shape[0] not in (1, shape[0]):
        raise DataError(
            f"dates have shape {d.shape} for cash flows of shape {shape}; pass one date per "
            "flow (one row for all loans, or one row per loan)."
        )
    rel = days - days[:, :1]
    if np.any(np.diff(days, axis=1) < 0):
        raise DataError("dates must be in increasing order along each loan's flows.")
    out: FloatArray = np.broadcast_to(rel / 365.0, shape).astype(np.float64)
    return out


def npv(
    rate: npt.ArrayLike, cash_flows: npt.ArrayLike, *, times: npt.ArrayLike | None = None
) -> Any:
    """Net present value ``sum_t CF_t (1 + rate)^(-t)`` of every row of ``cash_flows``.

    Parameters
    ----------
    rate : float or array-like, shape (n_loans,)
        Rate per unit of ``times`` (per period when ``times`` is None).
    cash_flows : array-like, shape (n_flows,) or (n_loans, n_flows)
    times : array-like, default=None
        Time of each flow; by default 0, 1, 2, ... periods.

    Returns
    -------
    float or ndarray

    Examples
    --------
    >>> round(npv(0.1, [-100, 110]), 10)
    0.0
    """
    cf = np.atleast_2d(np.asarray(cash_flows, dtype=np.float64))
    t = np.arange(cf.shape[1], dtype=np.float64) if times is None else np.asarray(times, float)
    r = np.asarray(rate, dtype=np.float64).reshape(-1, 1)
    out = (cf * (1.0 + r) ** (-t)).sum(axis=1)
    return float(out[0]) if np.ndim(cash_flows) == 1 else out


def _value_regular(x: FloatArray, cf: FloatArray) -> tuple[FloatArray, FloatArray]:
    """NPV and its derivative in ``x = log(1 + i)`` by Horner's rule over the periods."""
    v = np.exp(-x)
    f = np.zeros_like(x)
    g = np.zeros_like(x)  # sum t CF_t v^t, built alongside
    for j in range(cf.shape[1] - 1, -1, -1):
        g = g * v + f * v
        f = f * v + cf[:, j]
    # f = sum CF_t v^t; g = sum t CF_t v^t; d f / d x = -g
    return f, -g


def _value_dates(x: FloatArray, cf: FloatArray, t: FloatArray) -> tuple[FloatArray, FloatArray]:
    disc = cf * np.exp(-x[:, None] * t)
    return disc.sum(axis=1), -(disc * t).sum(axis=1)


def _solve(cf: FloatArray, t: FloatArray | None, lo: float, hi: float) -> FloatArray:
    """Root ``x`` of the NPV in the continuous rate, row by row, vectorised."""
    n = cf.shape[0]

    def value(xs: FloatArray, rows: npt.NDArray[np.int64]) -> tuple[FloatArray, FloatArray]:
        if t is None:
            return _value_regular(xs, cf[rows])
        return _value_dates(xs, cf[rows], t[rows])

    all_rows = np.arange(n)
    x_lo = np.full(n, lo)
    x_hi = np.full(n, hi)
    f_lo, _ = value(x_lo, all_rows)
    f_hi, _ = value(x_hi, all_rows)
    no_root = (np.sign(f_lo) * np.sign(f_hi) > 0) | ~((cf > 0).any(axis=1) & (cf < 0).any(axis=1))
    if no_root.any():
        rows = np.flatnonzero(no_root)
        sums = cf[rows].sum(axis=1)
        raise ConstraintError(
            f"the cash flows of {rows.size} loan(s) (rows {format_values(rows.tolist())}) have "
            f"no internal rate of return between {np.expm1(lo):.0%} and {np.expm1(hi):.3g}x per "
            f"period (their undiscounted sums are {format_values(np.round(sums, 2).tolist())}). "
            "A loan needs money out (negative) and money back (positive): check the signs, "
            "and that the flows are not all zero."
        )
    # start: the rate that turns total outflow into total inflow over the mean duration
    tt = np.arange(cf.shape[1], dtype=np.float64)[None, :] if t is None else t
    pos = np.where(cf > 0, cf, 0.0)
    neg = np.where(cf < 0, -cf, 0.0)
    spos, sneg = pos.sum(axis=1), neg.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        dur = (pos * tt).sum(axis=1) / spos - (neg * tt).sum(axis=1) / sneg
        x0 = np.log(spos / sneg) / dur
    x = np.where(np.isfinite(x0) & (x0 > lo) & (x0 < hi), x0, 0.5 * (lo + hi))
    sign_lo = np.sign(f_lo)
    x = np.where(f_lo == 0, lo, np.where(f_hi == 0, hi, x))
    active = np.flatnonzero((f_lo != 0) & (f_hi != 0))
    for _ in range(_MAX_ITER):
        if active.size == 0:
            break
        xa = x[active]
        f, df = value(xa, active)
        same_as_lo = np.sign(f) == sign_lo[active]
        x_lo[active] = np.where(same_as_lo, xa, x_lo[active])
        x_hi[active] = np.where(same_as_lo, x_hi[active], xa)
        with np.errstate(divide="ignore", invalid="ignore"):
            step = f / df
        new = xa - step
        bad = ~np.isfinite(new) | (new <= x_lo[active]) | (new >= x_hi[active])
        new = np.where(bad, 0.5 * (x_lo[active] + x_hi[active]), new)
        done = (f == 0) | (np.abs(new - xa) < _TOL * np.maximum(1.0, np.abs(xa)))
        done |= (x_hi[active] - x_lo[active]) < _TOL
        x[active] = np.where(f == 0, xa, new)
        active = active[~done]
    return x


def annualised_rate(
    cash_flows: npt.ArrayLike,
    dates: Any = None,
    method: str = "irr",
    *,
    periods_per_year: int = 12,
    times: npt.ArrayLike | None = None,
) -> Any:
    """Annualised rate of return of cash flows (IRR), for one loan or many at once.

    Parameters
    ----------
    cash_flows : array-like, shape (n_flows,) or (n_loans, n_flows)
        One row per loan: the amount lent (negative) then what comes back (positive), or
        the other way round (the rate is the same). Without ``dates`` the flows are one
        period apart; pad shorter loans with zeros at the end.
    dates : array-like of dates, shape (n_flows,) or (n_loans, n_flows), default=None
        Date of every flow, for irregular schedules (odd first periods, skipped months,
        daily loans). The exponent is then the exact time in years, ``days / 365``.
    method : {"irr", "effective"}, default="irr"
        ``"irr"``: the periodic internal rate of return times ``periods_per_year`` (the
        annualised rate lenders disclose: monthly IRR x 12); ``"effective"``: the effective
        annual rate ``(1 + i)^periods_per_year - 1``.
    periods_per_year : int, default=12
        Periods per year of the flows (or of the nominal rate, with ``dates``).
    times : array-like, shape (n_flows,) or (n_loans, n_flows), default=None
        Time of every flow in periods, fractions allowed (an odd first period of 13 days
        is ``13 / 30`` of a month, as in Regulation Z, Appendix J (b)(5)); an alternative
        to ``dates``.

    Returns
    -------
    float or ndarray
        A float for one loan, an array of shape (n_loans,) otherwise.

    Raises
    ------
    ConstraintError
        When the flows of a loan have no root (no sign change, all zeros); the message
        lists the loans.

    Notes
    -----
    With one sign change (money out, then money back: every loan of
    :func:`repayment_schedule`) the root is unique (Descartes' rule of signs). With more
    sign changes several rates may solve the equation; the one returned lies in the
    bracket ``(-95%, +1,900%)`` per period (``(-95%, e^20 - 1)`` a year on dates).

    References
    ----------
    .. [1] People's Bank of China (2021). 中国人民银行公告〔2021〕第3号: the annualised rate
       of a loan is computed on all its costs, by the internal rate of return when
       compounding.
    .. [2] Consumer Financial Protection Bureau. Regulation Z, 12 CFR 1026, Appendix J:
       annual percentage rate = unit-period rate x unit-periods per year (actuarial method).
    .. [3] Supreme People's Court (2020). 关于审理民间借贷案件适用法律若干问题的规定
       (法释〔2020〕17号), Articles 25-29 (annualised rates against the protection ceiling).

    Examples
    --------
    A loan of 10,000 repaid by 12 instalments of 933.33 (a "1% a month" flat-rate loan):

    >>> round(annualised_rate([-10_000] + [933.33] * 12), 4)
    0.2146
    >>> round(annualised_rate([-10_000] + [933.33] * 12, method="effective"), 4)
    0.237
    >>> annualised_rate([[-100, 110, 0], [-100, 0, 121]]).round(6).tolist()
    [1.2, 1.2]
    >>> round(annualised_rate([-1000, 1100], dates=["2023-01-01", "2024-01-01"]), 6)
    0.095690
    """
    if method not in RATE_METHODS:
        raise DataError(f"method must be one of {format_values(RATE_METHODS)}; got {method!r}.")
    ppy = float(periods_per_year)
    if not ppy > 0:
        raise DataError(f"periods_per_year must be positive; got {periods_per_year!r}.")
    raw = np.asarray(cash_flows, dtype=np.float64)
    if raw.ndim not in (1, 2) or raw.shape[-1] < 2:
        raise DataError(
            f"cash_flows must have shape (n_flows,) or (n_loans, n_flows) with at least two "
            f"flows; got shape {raw.shape}."
        )
    cf = np.atleast_2d(raw)
    if cf.shape[0] == 0:
        return np.empty(0)
    if not np.all(np.isfinite(cf)):
        rows = np.flatnonzero(~np.isfinite(cf).all(axis=1))
        raise DataError(
            f"cash_flows of loan(s) {format_values(rows.tolist())} hold NaN or inf; pad "
            "unused periods with 0."
        )
    if dates is not None and times is not None:
        raise DataError("pass dates or times, not both.")
    if times is not None:
        tp = np.asarray(times, dtype=np.float64)
        tp = tp[None, :] if tp.ndim == 1 else tp
        if tp.shape[-1] != cf.shape[1] or tp.shape[0] not in (1, cf.shape[0]):
            raise DataError(
                f"times have shape {tp.shape} for cash flows of shape {cf.shape}; pass one "
                "time per flow."
            )
        if not np.all(np.isfinite(tp)) or np.any(np.diff(tp, axis=1) < 0):
            raise DataError("times must be finite and increasing along each loan's flows.")
        tp = np.broadcast_to(tp - tp[:, :1], cf.shape).astype(np.float64)
        x = _solve(cf, tp, float(np.log(0.05)), float(np.log(20.0)))
        out = ppy * np.expm1(x) if method == "irr" else np.expm1(ppy * x)
    elif dates is None:
        x = _solve(cf, None, float(np.log(0.05)), float(np.log(20.0)))
        rate = np.expm1(x)
        out = ppy * rate if method == "irr" else np.expm1(ppy * x)
    else:
        t = _times(dates, cf.shape)
        x = _solve(cf, t, float(np.log(0.05)), 20.0)
        out = ppy * np.expm1(x / ppy) if method == "irr" else np.expm1(x)
    return float(out[0]) if raw.ndim == 1 else out
