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

from overdue_risk._validation import FloatArray, format_values
from overdue_risk.exceptions import ConstraintError, DataError

__all__ = ["RATE_METHODS", "annualised_rate", "npv"]


#: ``irr``: periodic IRR x periods per year (nominal, the disclosed convention);
#: ``effective``: the effective annual rate.
RATE_METHODS: tuple[str, ...] = ("irr", "effective")

_MAX_ITER = 100
_BLOCK = 16_384  # loans per block of the solver
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


class _Flows:
    """The cash flows laid out for repeated NPV evaluations of a shrinking set of loans.

    Regular flows are stored transposed (one contiguous row per period), so that Horner's
    rule reads them with unit stride; the working copy is re-gathered only when the loans
    still iterating fall below half of it.
    """

    def __init__(self, cf: FloatArray, t: FloatArray | None) -> None:
        self.t = t
        self.ids = np.arange(cf.shape[0])  # loans held in the working copy
        self.work = np.ascontiguousarray(cf.T) if t is None else cf
        self.tw = t

    def shrink(self, active: npt.NDArray[np.int64]) -> None:
        if active.size * 2 >= self.ids.size:
            return
        pos = np.searchsorted(self.ids, active)
        self.work = np.ascontiguousarray(self.work[:, pos]) if self.t is None else self.work[pos]
        if self.tw is not None:
            self.tw = self.tw[pos]
        self.ids = active

    def value(self, x: FloatArray, active: npt.NDArray[np.int64]) -> tuple[FloatArray, FloatArray]:
        """NPV and its derivative in ``x = log(1 + i)`` for the loans ``active``."""
        pos = None if active.size == self.ids.size else np.searchsorted(self.ids, active)
        if self.t is None:
            v = np.exp(-x)
            f = np.zeros_like(x)
            g = np.zeros_like(x)  # sum t CF_t v^t, built alongside: d f / d x = -g
            for j in range(self.work.shape[0] - 1, -1, -1):
                g += f
                g *= v
                f *= v
                f += self.work[j] if pos is None else self.work[j, pos]
            return f, -g
        tw: FloatArray = self.work if self.tw is None else self.tw  # set when t is given
        cf = self.work if pos is None else self.work[pos]
        tt = tw if pos is None else tw[pos]
        disc = cf * np.exp(-x[:, None] * tt)
        return disc.sum(axis=1), -(disc * tt).sum(axis=1)


def _solve_block(
    cf: FloatArray, t: FloatArray | None, lo: float, hi: float
) -> tuple[FloatArray, npt.NDArray[np.bool_]]:
    """Root ``x`` of the NPV in the continuous rate for a block of loans, and the loans
    without a root in the bracket (their ``x`` is NaN)."""
    n, big_t = cf.shape
    flows = _Flows(cf, t)
    everyone = np.arange(n)
    f_lo, _ = flows.value(np.full(n, lo), everyone)
    f_hi, _ = flows.value(np.full(n, hi), everyone)
    pos = np.maximum(cf, 0.0)
    spos = pos.sum(axis=1)
    sneg = spos - cf.sum(axis=1)
    no_root = (np.sign(f_lo) * np.sign(f_hi) > 0) | ~((spos > 0) & (sneg > 0))
    # start: the rate that turns total outflow into total inflow over the mean duration
    if t is None:
        tt = np.arange(big_t, dtype=np.float64)
        tpos, tall = pos @ tt, cf @ tt
    else:
        tpos, tall = (pos * t).sum(axis=1), (cf * t).sum(axis=1)
    del pos
    with np.errstate(divide="ignore", invalid="ignore"):
        dur = tpos / spos - (tpos - tall) / sneg
        x0 = np.log(spos / sneg) / dur
    x = np.where(np.isfinite(x0) & (x0 > lo) & (x0 < hi), x0, 0.5 * (lo + hi))
    x = np.where(f_lo == 0, lo, np.where(f_hi == 0, hi, x))
    x = np.where(no_root, np.nan, x)
    sign_lo = np.sign(f_lo)
    x_lo = np.full(n, lo)
    x_hi = np.full(n, hi)
    active = np.flatnonzero((f_lo != 0) & (f_hi != 0) & ~no_root)
    for _ in range(_MAX_ITER):
        if active.size == 0:
            break
        flows.shrink(active)
        xa = x[active]
        f, df = flows.value(xa, active)
        below = np.sign(f) == sign_lo[active]  # the root lies above xa
        a_lo = np.where(below, xa, x_lo[active])
        a_hi = np.where(below, x_hi[active], xa)
        x_lo[active], x_hi[active] = a_lo, a_hi
        with np.errstate(divide="ignore", invalid="ignore"):
            new = xa - f / df
        bad = ~np.isfinite(new) | (new <= a_lo) | (new >= a_hi)
        new = np.where(bad, 0.5 * (a_lo + a_hi), new)
        done = (f == 0) | (np.abs(new - xa) < _TOL * np.maximum(1.0, np.abs(xa)))
        done |= (a_hi - a_lo) < _TOL
        x[active] = np.where(f == 0, xa, new)
        active = active[~done]
    return x, no_root


def _solve(cf: FloatArray, t: FloatArray | None, lo: float, hi: float) -> FloatArray:
    """Root ``x`` of the NPV in the continuous rate, row by row, vectorised.

    Loans are solved in blocks of :data:`_BLOCK` rows (a loop over blocks, not loans), so
    that every working array stays small enough for the CPU caches.
    """
    n = cf.shape[0]
    x = np.empty(n)
    no_root = np.zeros(n, dtype=bool)
    for start in range(0, n, _BLOCK):
        sl = slice(start, min(start + _BLOCK, n))
        x[sl], no_root[sl] = _solve_block(cf[sl], None if t is None else t[sl], lo, hi)
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
