"""Cut-off analysis (approval rate, bad rate, expected loss and profit per cut-off) and
swap sets between two models.

Public through :mod:`overdue_risk.strategy`; the profit model is explained there.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from overdue_risk._results import Result
from overdue_risk._validation import (
    FloatArray,
    check_binary_target,
    check_consistent_length,
    check_in,
    check_probability,
    check_sample_weight,
)
from overdue_risk.exceptions import DataError
from overdue_risk.strategy._pricing import _term_years, expected_profit

__all__ = ["CutoffAnalysis", "SwapSet", "cutoff_analysis", "swap_set"]


# ---------------------------------------------------------------------------------------
# cut-off analysis
# ---------------------------------------------------------------------------------------
def _scores(values: npt.ArrayLike, name: str) -> FloatArray:
    try:
        arr = np.asarray(values, dtype=np.float64).reshape(-1)
    except (TypeError, ValueError):
        raise DataError(f"{name} must be numeric (higher = safer).") from None
    if arr.size == 0:
        raise DataError(f"{name} is empty. Pass one score per applicant.")
    if not np.all(np.isfinite(arr)):
        i = int(np.flatnonzero(~np.isfinite(arr))[0])
        raise DataError(
            f"{name} must be finite; position {i} is {arr[i]!r}. Score every applicant first."
        )
    return arr


def _broadcast(value: npt.ArrayLike, n: int, name: str) -> FloatArray:
    arr = np.asarray(value, dtype=np.float64)
    if arr.ndim == 0:
        return np.full(n, float(arr))
    arr = arr.reshape(-1)
    if arr.size != n:
        raise DataError(f"{name} has {arr.size} entries for {n} applicants. Pass one per row.")
    return arr


@dataclass(frozen=True, repr=False)
class CutoffAnalysis(Result):
    """Approval, bad rates, loss and profit at each candidate cut-off (approve if score >= c).

    Attributes
    ----------
    cutoffs : ndarray
        Candidate cut-offs, increasing.
    n_approved, approval_rate : ndarray
        (Weighted) number and share of applicants with ``score >= cutoff``.
    expected_bad_rate : ndarray
        Mean PD of the approved (NaN without PDs or when nobody is approved).
    observed_bad_rate : ndarray
        Observed default rate of the approved (NaN without outcomes).
    expected_loss : ndarray
        Sum of ``PD x LGD x exposure`` over the approved (NaN without ``lgd``).
    expected_profit, observed_profit : ndarray
        Sum of :func:`expected_profit` over the approved, with PDs or with the outcomes
        (NaN without ``apr``).
    n_total : float
        (Weighted) number of applicants.
    """

    cutoffs: FloatArray
    n_approved: FloatArray
    approval_rate: FloatArray
    expected_bad_rate: FloatArray
    observed_bad_rate: FloatArray
    expected_loss: FloatArray
    expected_profit: FloatArray
    observed_profit: FloatArray
    n_total: float

    def __repr__(self) -> str:
        return (
            f"CutoffAnalysis(n_cutoffs={self.cutoffs.size}, n_total={self.n_total:g}, "
            f"cutoffs=[{self.cutoffs[0]:g} .. {self.cutoffs[-1]:g}])"
        )

    _COLUMNS = (
        "cutoff",
        "n_approved",
        "approval_rate",
        "expected_bad_rate",
        "observed_bad_rate",
        "expected_loss",
        "expected_profit",
        "observed_profit",
    )

    def _arrays(self) -> list[FloatArray]:
        return [
            self.cutoffs,
            self.n_approved,
            self.approval_rate,
            self.expected_bad_rate,
            self.observed_bad_rate,
            self.expected_loss,
            self.expected_profit,
            self.observed_profit,
        ]

    def to_frame(self) -> Any:
        """One row per cut-off (pandas DataFrame).

        Examples
        --------
        >>> cutoff_analysis([1, 2, 3], y=[1, 0, 0], cutoffs=[2]).to_frame()["n_approved"].tolist()
        [2.0]
        """
        import pandas as pd

        return pd.DataFrame(dict(zip(self._COLUMNS, self._arrays(), strict=True)))

    def _summary_table(self) -> tuple[str, list[str], list[list[Any]], str]:
        keep = [i for i, a in enumerate(self._arrays()) if not np.all(np.isnan(a))]
        cols = [self._COLUMNS[i] for i in keep]
        arrays = [self._arrays()[i] for i in keep]
        rows = [[float(a[j]) for a in arrays] for j in range(self.cutoffs.size)]
        if "n_approved" in cols and np.all(self.n_approved == np.round(self.n_approved)):
            at = cols.index("n_approved")
            for row in rows:
                row[at] = int(row[at])
        footer = f"{self.n_total:g} applicants; approve when score >= cutoff."
        return "Cut-off analysis", cols, rows, footer

    def best_cutoff(self, by: str = "expected_profit") -> float:
        """The cut-off that maximises ``by`` (``expected_profit`` or ``observed_profit``).

        Examples
        --------
        >>> res = cutoff_analysis([1, 2, 3, 4], pd=[0.5, 0.3, 0.05, 0.01], apr=0.3, lgd=1.0,
        ...                       cutoffs=[1, 2, 3, 4])
        >>> res.best_cutoff()
        3.0
        """
        check_in(by, "by", ["expected_profit", "observed_profit"])
        values = getattr(self, by)
        if np.all(np.isnan(values)):
            raise DataError(f"{by} was not computed: pass apr and lgd (and y for observed).")
        return float(self.cutoffs[int(np.nanargmax(values))])

    def cutoff_for_approval_rate(self, rate: float) -> float:
        """The highest cut-off that still approves at least ``rate`` of applicants.

        Examples
        --------
        >>> cutoff_analysis([1, 2, 3, 4], y=[1, 1, 0, 0]).cutoff_for_approval_rate(0.5)
        3.0
        """
        ok = np.flatnonzero(self.approval_rate >= float(rate) - 1e-12)
        if ok.size == 0:
            raise DataError(f"no cut-off approves {rate:.1%}; lower the target approval rate.")
        return float(self.cutoffs[ok[-1]])

    def cutoff_for_bad_rate(self, max_bad_rate: float, *, observed: bool = False) -> float:
        """The lowest cut-off (most approvals) whose bad rate is at most ``max_bad_rate``.

        Examples
        --------
        >>> res = cutoff_analysis([1, 2, 3, 4], pd=[0.4, 0.3, 0.2, 0.1])
        >>> res.cutoff_for_bad_rate(0.2)
        2.0
        """
        rates = self.observed_bad_rate if observed else self.expected_bad_rate
        ok = np.flatnonzero(rates <= float(max_bad_rate) + 1e-12)
        if ok.size == 0:
            raise DataError(
                f"no cut-off keeps the bad rate at or below {max_bad_rate:.2%}; the lowest "
                f"is {np.nanmin(rates):.2%}."
            )
        return float(self.cutoffs[ok[0]])


def _default_cutoffs(score: FloatArray, n: int) -> FloatArray:
    uniq = np.unique(score)
    if uniq.size <= n:
        return uniq
    return np.unique(np.quantile(score, np.linspace(0.0, 1.0, n), method="lower"))


def cutoff_analysis(
    score: npt.ArrayLike,
    pd: npt.ArrayLike | None = None,
    y: npt.ArrayLike | None = None,
    *,
    cutoffs: int | npt.ArrayLike | None = None,
    lgd: float | None = None,
    apr: npt.ArrayLike | None = None,
    term_months: npt.ArrayLike = 12,
    exposure: npt.ArrayLike = 1.0,
    funding_rate: float = 0.0,
    operating_cost: float = 0.0,
    sample_weight: npt.ArrayLike | None = None,
) -> CutoffAnalysis:
    """Approval rate, bad rates, expected loss and profit for candidate score cut-offs.

    An applicant is approved when ``score >= cutoff`` (higher score = safer). All cut-offs
    are evaluated in one pass: applicants are sorted once and every quantity is a prefix
    sum.

    Parameters
    ----------
    score : array-like of float
        One score per applicant, higher = safer.
    pd : array-like of float, default=None
        Probability of default of each applicant (expected bad rate, loss and profit).
    y : array-like of 0/1, default=None
        Observed outcome (observed bad rate and realised profit). At least one of ``pd``
        and ``y`` is required.
    cutoffs : int, array-like or None, default=None
        Cut-offs to evaluate, or how many score quantiles to use (None: 21 quantiles, or
        every distinct score when there are fewer).
    lgd : float, default=None
        Loss given default; needed for the expected loss and the profit.
    apr : float or array-like, default=None
        Annual rate charged (per applicant or one for all); needed for the profit.
    term_months : float or array-like, default=12
    exposure : float or array-like, default=1.0
        Amount lent per applicant (e.g. ``loan_amount``).
    funding_rate, operating_cost : float, default=0.0
        Annual costs per unit of exposure (see :func:`expected_profit`).
    sample_weight : array-like, default=None

    Returns
    -------
    CutoffAnalysis

    References
    ----------
    .. [1] Siddiqi, N. (2017). *Intelligent Credit Scoring*, 2nd ed., Wiley, ch. 12.
    .. [2] Thomas, L. C. (2009). *Consumer Credit Models*. Oxford University Press, ch. 5.

    Examples
    --------
    >>> res = cutoff_analysis([500, 550, 600, 650], pd=[0.2, 0.1, 0.05, 0.02], lgd=0.5,
    ...                       cutoffs=[550, 600])
    >>> res.approval_rate.tolist(), res.expected_bad_rate.round(4).tolist()
    ([0.75, 0.5], [0.0567, 0.035])
    >>> res.expected_loss.round(3).tolist()
    [0.085, 0.035]
    """
    s = _scores(score, "score")
    n = s.size
    if pd is None and y is None:
        raise DataError("cutoff_analysis needs pd (expected) or y (observed), or both.")
    check_consistent_length(
        score=s,
        pd=None if pd is None else np.asarray(pd).reshape(-1),
        y=None if y is None else np.asarray(y).reshape(-1),
    )
    w = check_sample_weight(sample_weight, n)
    p = None if pd is None else check_probability(np.asarray(pd).reshape(-1), "pd")
    yy = None if y is None else check_binary_target(y, "y").astype(np.float64)
    e = _broadcast(exposure, n, "exposure")
    h = _term_years(_broadcast(term_months, n, "term_months"))

    if cutoffs is None or isinstance(cutoffs, int | np.integer):
        cuts = _default_cutoffs(s, 21 if cutoffs is None else int(cutoffs))
    else:
        cuts = np.unique(_scores(cutoffs, "cutoffs"))

    order = np.argsort(-s, kind="stable")
    neg_sorted = -s[order]
    k = np.searchsorted(neg_sorted, -cuts, side="right")  # number approved at each cut-off

    def prefix(values: FloatArray) -> FloatArray:
        out: FloatArray = np.concatenate([[0.0], np.cumsum(values[order])])[k]
        return out

    nan = np.full(cuts.size, np.nan)
    n_appr = prefix(w)
    with np.errstate(invalid="ignore", divide="ignore"):
        exp_bad = prefix(w * p) / n_appr if p is not None else nan
        obs_bad = prefix(w * yy) / n_appr if yy is not None else nan
    exp_loss = prefix(w * p * lgd * e) if (p is not None and lgd is not None) else nan
    exp_profit = obs_profit = nan
    if apr is not None and lgd is not None:
        r = _broadcast(apr, n, "apr")
        kwargs = {"lgd": lgd, "funding_rate": funding_rate, "operating_cost": operating_cost}
        if p is not None:
            per_loan = expected_profit(p, r, term_months=h * 12, exposure=e, **kwargs)
            exp_profit = prefix(w * per_loan)
        if yy is not None:
            obs_profit = prefix(
                w * expected_profit(yy, r, term_months=h * 12, exposure=e, **kwargs)
            )
    total = float(w.sum())
    return CutoffAnalysis(
        cutoffs=cuts,
        n_approved=n_appr,
        approval_rate=n_appr / total,
        expected_bad_rate=exp_bad,
        observed_bad_rate=obs_bad,
        expected_loss=exp_loss,
        expected_profit=exp_profit,
        observed_profit=obs_profit,
        n_total=total,
    )


# ---------------------------------------------------------------------------------------
# swap set
# ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SwapSet(Result):
    """Who two models approve: both, swap-in (new only), swap-out (current only), neither.

    Attributes
    ----------
    cutoff_current, cutoff_new : float
    n : dict of str to float
        (Weighted) count of each cell: ``both``, ``swap_in``, ``swap_out``, ``neither``.
    observed_bad_rate, expected_bad_rate : dict of str to float
        Bad rate of each cell (NaN without outcomes / PDs or for an empty cell).
    approval_rate_current, approval_rate_new : float
    bad_rate_current, bad_rate_new : float
        Bad rate of each model's approved set (observed when ``y`` was given, else
        expected).
    """

    cutoff_current: float
    cutoff_new: float
    n: dict[str, float]
    observed_bad_rate: dict[str, float]
    expected_bad_rate: dict[str, float]
    approval_rate_current: float
    approval_rate_new: float
    bad_rate_current: float
    bad_rate_new: float

    _CELLS = (
        ("both", "approve", "approve"),
        ("swap_in", "decline", "approve"),
        ("swap_out", "approve", "decline"),
        ("neither", "decline", "decline"),
    )

    def to_frame(self) -> Any:
        """One row per cell (pandas DataFrame).

        Examples
        --------
        >>> swap_set([1, 2, 3, 4], [4, 3, 1, 2], cutoff_current=3, cutoff_new=3,
        ...          y=[1, 0, 0, 0]).to_frame()["n"].tolist()
        [0.0, 2.0, 2.0, 0.0]
        """
        import pandas as pd

        total = sum(self.n.values())
        return pd.DataFrame(
            [
                {
                    "cell": cell,
                    "current": cur,
                    "new": new,
                    "n": self.n[cell],
                    "share": self.n[cell] / total,
                    "observed_bad_rate": self.observed_bad_rate[cell],
                    "expected_bad_rate": self.expected_bad_rate[cell],
                }
                for cell, cur, new in self._CELLS
            ]
        )

    def _summary_table(self) -> tuple[str, list[str], list[list[Any]], str]:
        rows = [
            [
                cell,
                cur,
                new,
                self.n[cell],
                self.observed_bad_rate[cell],
                self.expected_bad_rate[cell],
            ]
            for cell, cur, new in self._CELLS
        ]
        footer = (
            f"approval rate {self.approval_rate_current:.2%} -> {self.approval_rate_new:.2%}; "
            f"bad rate of approved {self.bad_rate_current:.2%} -> {self.bad_rate_new:.2%}"
        )
        cols = ["cell", "current", "new", "n", "observed_bad_rate", "expected_bad_rate"]
        return "Swap set", cols, rows, footer


def swap_set(
    score_current: npt.ArrayLike,
    score_new: npt.ArrayLike,
    *,
    cutoff_current: float,
    cutoff_new: float | None = None,
    y: npt.ArrayLike | None = None,
    pd: npt.ArrayLike | None = None,
    sample_weight: npt.ArrayLike | None = None,
) -> SwapSet:
    """Swap-in and swap-out sets of a new model against the current one.

    Parameters
    ----------
    score_current, score_new : array-like of float
        Scores of the same applicants under each model (higher = safer).
    cutoff_current : float
        Approve when ``score_current >= cutoff_current``.
    cutoff_new : float, default=None
        Cut-off of the new model; None picks the one that approves the same number of
        applicants as the current model, as closely as ties allow (the usual like-for-like
        comparison).
    y : array-like of 0/1, default=None
        Observed outcomes (known for the "both" and "swap-out" cells in practice; reject
        inference is outside this function).
    pd : array-like, default=None
        PDs (e.g. from the new model) for expected bad rates.
    sample_weight : array-like, default=None

    Returns
    -------
    SwapSet

    References
    ----------
    .. [1] Siddiqi, N. (2017). *Intelligent Credit Scoring*, 2nd ed., Wiley, ch. 12.

    Examples
    --------
    >>> res = swap_set([1, 2, 3, 4], [2, 1, 4, 3], cutoff_current=2, cutoff_new=2,
    ...                y=[1, 0, 0, 1])
    >>> res.n
    {'both': 2.0, 'swap_in': 1.0, 'swap_out': 1.0, 'neither': 0.0}
    >>> res.observed_bad_rate["swap_in"], res.observed_bad_rate["swap_out"]
    (1.0, 0.0)
    """
    cur = _scores(score_current, "score_current")
    new = _scores(score_new, "score_new")
    check_consistent_length(score_current=cur, score_new=new)
    n = cur.size
    w = check_sample_weight(sample_weight, n)
    yy = None if y is None else check_binary_target(y, "y").astype(np.float64)
    p = None if pd is None else check_probability(np.asarray(pd).reshape(-1), "pd")
    check_consistent_length(score_current=cur, y=yy, pd=p)
    c_cur = float(cutoff_current)
    app_cur = cur >= c_cur
    if cutoff_new is None:
        target = float(w[app_cur].sum())
        order = np.argsort(-new, kind="stable")
        cum = np.cumsum(w[order])
        j = int(np.searchsorted(cum, target - 1e-9, side="left"))
        c_new = float(new[order][min(j, n - 1)]) if target > 0 else float(new.max()) + 1.0
    else:
        c_new = float(cutoff_new)
    app_new = new >= c_new
    masks = {
        "both": app_cur & app_new,
        "swap_in": ~app_cur & app_new,
        "swap_out": app_cur & ~app_new,
        "neither": ~app_cur & ~app_new,
    }

    def rate(values: FloatArray | None, mask: npt.NDArray[np.bool_]) -> float:
        wm = float(w[mask].sum())
        if values is None or wm == 0:
            return math.nan
        return float((w[mask] * values[mask]).sum() / wm)

    outcome = yy if yy is not None else p
    total = float(w.sum())
    return SwapSet(
        cutoff_current=c_cur,
        cutoff_new=c_new,
        n={k: float(w[m].sum()) for k, m in masks.items()},
        observed_bad_rate={k: rate(yy, m) for k, m in masks.items()},
        expected_bad_rate={k: rate(p, m) for k, m in masks.items()},
        approval_rate_current=float(w[app_cur].sum()) / total,
        approval_rate_new=float(w[app_new].sum()) / total,
        bad_rate_current=rate(outcome, app_cur),
        bad_rate_new=rate(outcome, app_new),
    )
