"""Discrimination and stability metrics for PD models and scorecards.

Discrimination: :func:`roc_auc` (with DeLong or Hanley-McNeil standard errors and
confidence intervals), :func:`gini`, :func:`roc_auc_compare` (DeLong's test of two
correlated AUCs), :func:`auc_change_test` (the ECB test of the current AUC against the AUC
at initial validation), :func:`ks_statistic`, :func:`cap_curve` and :func:`gains_table`.

Stability: :func:`psi` and :func:`psi_from_counts` (with the Yurdakul-Naranjo statistical
critical value next to the 0.1 / 0.25 rule of thumb), :func:`csi` (one PSI per
characteristic) and :func:`herfindahl` (concentration of grades).

Every function returns a frozen dataclass in the scipy.stats style (``statistic``,
``pvalue`` where a test exists, ``confidence_interval()``, ``summary()``, ``to_frame()``).

Score direction follows scikit-learn: a HIGHER ``y_score`` means a HIGHER risk of the event
(pass PDs, or minus the scorecard points, whose higher values mean lower risk).

Examples
--------
>>> import numpy as np
>>> from overdue_risk.metrics import roc_auc
>>> res = roc_auc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
>>> res.statistic
0.75
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from overdue_risk._missing import canonical_categories, is_missing
from overdue_risk._results import Result
from overdue_risk._validation import (
    as_mapping_of_columns,
    check_binary_target,
    check_consistent_length,
    check_in,
    check_positive,
    check_sample_weight,
    format_values,
)
from overdue_risk.exceptions import DataError

__all__ = [
    "AUCComparisonResult",
    "AUCResult",
    "CAPResult",
    "CSIResult",
    "GainsTable",
    "HerfindahlResult",
    "KSResult",
    "PSIResult",
    "auc_change_test",
    "cap_curve",
    "csi",
    "gains_table",
    "gini",
    "herfindahl",
    "ks_statistic",
    "psi",
    "psi_from_counts",
    "roc_auc",
    "roc_auc_compare",
]

FloatArray = npt.NDArray[np.float64]

#: Default epsilon added to empty-bin proportions in PSI (documented in :func:`psi`).
PSI_EPSILON = 1e-4


# ----------------------------------------------------------------------------- helpers
def _norm_ppf(q: float) -> float:
    from scipy.special import ndtri

    return float(ndtri(q))


def _norm_sf(x: float) -> float:
    from scipy.special import ndtr

    return float(ndtr(-x))


def _check_level(confidence_level: float) -> float:
    level = float(confidence_level)
    if not 0.0 < level < 1.0:
        raise DataError(
            f"confidence_level must lie in (0, 1); got {confidence_level!r}. Pass e.g. 0.95."
        )
    return level


def _check_scores(
    y_true: npt.ArrayLike, y_score: npt.ArrayLike, name: str = "y_score"
) -> tuple[npt.NDArray[np.int64], FloatArray]:
    y = check_binary_target(y_true, name="y_true")
    try:
        s = np.asarray(y_score, dtype=np.float64)
    except (TypeError, ValueError):
        raise DataError(
            f"{name} must be numeric (PDs or points); got dtype "
            f"{np.asarray(y_score).dtype}. Score the data first."
        ) from None
    if s.ndim == 2 and 1 in s.shape:
        s = s.reshape(-1)
    if s.ndim != 1:
        raise DataError(f"{name} must be one-dimensional; got shape {s.shape}. Pass one column.")
    check_consistent_length(y_true=y, **{name: s})
    bad = ~np.isfinite(s)
    if bad.any():
        idx = int(np.flatnonzero(bad)[0])
        raise DataError(
            f"{name} holds {int(bad.sum())} non-finite values (first at row {idx}: {s[idx]!r}). "
            "Score every row (missing values get their bin's points) before measuring."
        )
    return y, s


def _midrank_sorted(xs: FloatArray) -> FloatArray:
    """Mid-ranks (1-based, ties averaged) of an already sorted array, in one pass."""
    n = xs.size
    starts = np.flatnonzero(np.r_[True, xs[1:] != xs[:-1]])
    ends = np.r_[starts[1:], n]
    return np.repeat(0.5 * (starts + ends + 1), ends - starts)


def _delong_placements(
    y: npt.NDArray[np.int64], scores: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Fast DeLong (Sun & Xu 2014): AUCs and placement values for k score rows.

    ``scores`` has shape (k, n). Returns ``auc`` (k,), ``v10`` (k, m) and ``v01`` (k, n0),
    the placement values of the defaults / non-defaults; with k >= 2 scores they are in the
    original row order, so that the scores' placements pair up per obligor. One sort per
    score: the mid-ranks within each class are read off the class subsequences of the
    sorted order (mid-ranks depend on the values only, so the sort need not be stable).
    """
    pos = y == 1
    m = int(pos.sum())
    n0 = y.size - m
    k = scores.shape[0]
    aucs = np.empty(k)
    v10 = np.empty((k, m))
    v01 = np.empty((k, n0))
    for r in range(k):
        order = np.argsort(scores[r])
        ss = scores[r][order]
        p_s = pos[order]
        tz = _midrank_sorted(ss)  # mid-rank among all rows
        tw = np.empty(ss.size)  # mid-rank within the row's own class
        tw[p_s] = _midrank_sorted(ss[p_s])
        tw[~p_s] = _midrank_sorted(ss[~p_s])
        aucs[r] = (tz[p_s].sum() - m * (m + 1) / 2.0) / (m * n0)
        gap = tz - tw  # defaults: non-defaults below; non-defaults: defaults below
        placement = np.where(p_s, gap / n0, 1.0 - gap / m)
        if k == 1:  # the variance does not depend on the row order: skip the scatter
            v10[r], v01[r] = placement[p_s], placement[~p_s]
        else:
            full = np.empty(ss.size)
            full[order] = placement
            v10[r], v01[r] = full[pos], full[~pos]
    return aucs, v10, v01


def _kish(w: FloatArray) -> float:
    """Kish's effective sample size (sum w)^2 / sum w^2 (n for equal weights)."""
    total = float(w.sum())
    sq = float(np.dot(w, w))
    return total * total / sq if sq > 0 else 0.0


def _weighted_var(v: FloatArray, w: FloatArray, mean: float) -> float:
    """Unbiased variance with reliability weights: sum w (v - mean)^2 / (V1 - V2 / V1).

    Equal weights give ``np.var(v, ddof=1)``; one effective observation gives 0.
    """
    v1 = float(w.sum())
    v2 = float(np.dot(w, w))
    denom = v1 - v2 / v1 if v1 > 0 else 0.0
    if denom <= 1e-12 * v1:
        return 0.0
    return float(np.dot(w, (v - mean) ** 2)) / denom


def _weighted_placements(
    y: npt.NDArray[np.int64], s: FloatArray, w: FloatArray
) -> tuple[float, FloatArray, FloatArray, FloatArray, FloatArray]:
    """Weighted Mann-Whitney AUC and the DeLong placement values of both classes.

    A default's placement is the weighted share of non-defaults scored below it (ties one
    half); a non-default's, the weighted share of defaults scored above it. The AUC is the
    default-weighted mean of the defaults' placements: with whole-number weights, exactly
    the AUC of the data with every row repeated ``w`` times. Returns ``auc, v10, w10, v01,
    w01`` (placements and weights of the defaults, then of the non-defaults).
    """
    order = np.argsort(s, kind="stable")
    ss, ys, ws = s[order], y[order], w[order]
    w1 = ws * ys
    w0 = ws - w1
    starts = np.flatnonzero(np.r_[True, ss[1:] != ss[:-1]])
    group = np.cumsum(np.r_[True, ss[1:] != ss[:-1]]) - 1
    g1 = np.add.reduceat(w1, starts)
    g0 = np.add.reduceat(w0, starts)
    below0 = (np.cumsum(g0) - g0)[group]
    above1 = (g1.sum() - np.cumsum(g1))[group]
    tot0, tot1 = float(g0.sum()), float(g1.sum())
    pos = ys == 1
    v10 = (below0[pos] + 0.5 * g0[group][pos]) / tot0
    v01 = (above1[~pos] + 0.5 * g1[group][~pos]) / tot1
    auc = float(np.dot(ws[pos], v10) / tot1)
    return auc, v10, ws[pos], v01, ws[~pos]


def _positive_rows(
    y: npt.NDArray[np.int64], s: FloatArray, w: FloatArray
) -> tuple[npt.NDArray[np.int64], FloatArray, FloatArray]:
    """Drop rows of zero weight: they are absent from the weighted (repeated) data."""
    keep = w > 0
    if keep.all():
        return y, s, w
    return y[keep], s[keep], w[keep]


def _check_weights_both_classes(
    y: npt.NDArray[np.int64], sample_weight: npt.ArrayLike | None
) -> FloatArray:
    w = check_sample_weight(sample_weight, y.size)
    for cls, nm in ((1, "defaults (y = 1)"), (0, "non-defaults (y = 0)")):
        if not (w[y == cls] > 0).any():
            raise DataError(
                f"sample_weight is zero on every one of the {nm}; a discrimination measure "
                "needs positive weight in both classes. Check the weights of that class."
            )
    return w


# ----------------------------------------------------------------------------- AUC
@dataclass(frozen=True)
class AUCResult(Result):
    """Area under the ROC curve (or Gini) with its standard error.

    Attributes
    ----------
    statistic : float
        The AUC (or the Gini coefficient 2 AUC - 1 when ``measure == "Gini"``).
    standard_error : float
        DeLong (1988) or Hanley-McNeil (1982) standard error of ``statistic``.
    n_events, n_nonevents : int
        Number of defaults (y = 1) and non-defaults.
    measure : str
        ``"AUC"`` or ``"Gini"``.
    method : str
        ``"delong"`` or ``"hanley_mcneil"``.
    pvalue : float
        Two-sided p-value of H0 "no discrimination" (AUC = 0.5, Gini = 0), normal
        approximation with the same standard error.

    Examples
    --------
    >>> res = roc_auc([0, 0, 1, 1, 0, 1], [0.1, 0.3, 0.7, 0.4, 0.5, 0.9])
    >>> round(res.statistic, 4), res.n_events
    (0.8889, 3)
    >>> list(res.to_frame().columns)[:2]
    ['AUC', 'std. error']
    """

    statistic: float
    standard_error: float
    n_events: int
    n_nonevents: int
    measure: str = "AUC"
    method: str = "delong"
    pvalue: float = math.nan

    def confidence_interval(self, confidence_level: float = 0.95) -> tuple[float, float]:
        """Wald interval ``statistic -/+ z * standard_error`` clipped to the valid range.

        Examples
        --------
        >>> AUCResult(0.8, 0.05, 50, 50).confidence_interval(0.95)
        (0.702..., 0.897...)
        """
        z = _norm_ppf(0.5 + _check_level(confidence_level) / 2.0)
        lo_bound = 0.0 if self.measure == "AUC" else -1.0
        lo = max(lo_bound, self.statistic - z * self.standard_error)
        hi = min(1.0, self.statistic + z * self.standard_error)
        return (lo, hi)

    def _summary_table(self) -> tuple[str, list[str], list[list[Any]], str]:
        lo, hi = self.confidence_interval()
        return (
            f"{self.measure} ({self.method} standard error)",
            [self.measure, "std. error", "95% low", "95% high", "p-value", "events", "non-events"],
            [
                [
                    self.statistic,
                    self.standard_error,
                    lo,
                    hi,
                    self.pvalue,
                    self.n_events,
                    self.n_nonevents,
                ]
            ],
            "p-value: H0 no discrimination (AUC = 0.5), two-sided normal approximation.",
        )

    def to_frame(self) -> Any:
        """One-row pandas DataFrame of the result."""
        import pandas as pd

        _, cols, rows, _ = self._summary_table()
        return pd.DataFrame(rows, columns=cols)


def roc_auc(
    y_true: npt.ArrayLike,
    y_score: npt.ArrayLike,
    *,
    method: str = "delong",
    sample_weight: npt.ArrayLike | None = None,
) -> AUCResult:
    """Area under the ROC curve with a DeLong or Hanley-McNeil standard error.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Default flag (1 = default / bad).
    y_score : array-like of shape (n_samples,)
        Risk score: HIGHER means riskier (PDs, or minus the scorecard points).
    method : {"delong", "hanley_mcneil"}, default="delong"
        ``"delong"``: the nonparametric variance of DeLong et al. (1988), computed with
        the O(n log n) mid-rank algorithm of Sun & Xu (2014). ``"hanley_mcneil"``: the
        closed form of Hanley & McNeil (1982) with their exponential approximation of
        Q1 = A / (2 - A) and Q2 = 2 A^2 / (1 + A).
    sample_weight : array-like of shape (n_samples,), optional
        Non-negative weight per obligor (e.g. the inverse sampling rate of down-sampled
        goods). See Notes for what it does to the standard error.

    Returns
    -------
    AUCResult
        ``statistic`` (the AUC, ties counted one half), ``standard_error``,
        ``confidence_interval()``, ``pvalue`` (H0: AUC = 0.5).

    Notes
    -----
    The AUC equals the Mann-Whitney probability P(score of a default > score of a
    non-default) + 0.5 P(tie). DeLong's variance is S10 / m + S01 / n, with S10 and S01 the
    sample variances of the placement values of the m defaults and n non-defaults.

    With ``sample_weight`` the AUC is the weighted Mann-Whitney statistic
    sum_ij w_i w_j psi(x_i, y_j) / (W_1 W_0) -- the area under the weighted ROC curve, as
    ``sklearn.metrics.roc_auc_score(sample_weight=...)``; whole-number weights give
    exactly the AUC of the rows repeated. A DeLong variance for weighted data is not
    standard. Here the placement values get their weighted variances (reliability
    weights, unbiased) and m, n become Kish's effective sample sizes
    (sum w)^2 / sum w^2 of each class (Kish 1965); ``"hanley_mcneil"`` uses the same
    effective sizes. This standard error does not change when all weights are multiplied
    by a constant and equals DeLong's for equal weights, which is right for sampling
    weights. It is NOT the standard error of the repeated rows: if your weights are
    frequencies (a weight of 3 means three identical loans), repeat the rows
    (``np.repeat``) to get that one. Rows of zero weight are dropped (``n_events`` and
    ``n_nonevents`` count the rows of positive weight).

    References
    ----------
    .. [1] DeLong, E. R., DeLong, D. M., Clarke-Pearson, D. L. (1988). Comparing the areas
       under two or more correlated receiver operating characteristic curves: a
       nonparametric approach. Biometrics 44(3), 837-845.
    .. [2] Sun, X., Xu, W. (2014). Fast implementation of DeLong's algorithm for comparing
       the areas under correlated receiver operating characteristic curves. IEEE Signal
       Processing Letters 21(11), 1389-1393.
    .. [3] Hanley, J. A., McNeil, B. J. (1982). The meaning and use of the area under a
       receiver operating characteristic (ROC) curve. Radiology 143(1), 29-36.
    .. [4] Kish, L. (1965). Survey Sampling. Wiley, section 11.7 (effective sample size).

    Examples
    --------
    >>> res = roc_auc([0, 0, 0, 1, 1], [0.1, 0.2, 0.6, 0.5, 0.9])
    >>> round(res.statistic, 4), round(res.standard_error, 4)
    (0.8333, 0.2357)
    >>> roc_auc([0, 0, 1, 1], [0.1, 0.6, 0.5, 0.9], sample_weight=[3, 1, 1, 1]).statistic
    0.875
    """
    check_in(method, "method", ["delong", "hanley_mcneil"])
    y, s = _check_scores(y_true, y_score)
    m_rows, n0_rows = int(y.sum()), int(y.size - y.sum())
    if sample_weight is not None:
        y, s, w = _positive_rows(y, s, _check_weights_both_classes(y, sample_weight))
        m_rows, n0_rows = int(y.sum()), int(y.size - y.sum())
        auc, v10w, w10, v01w, w01 = _weighted_placements(y, s, w)
        m_eff, n0_eff = _kish(w10), _kish(w01)
        if method == "delong":
            # both placement means equal the AUC (DeLong et al. 1988, eq. 3)
            var = _weighted_var(v10w, w10, auc) / m_eff + _weighted_var(v01w, w01, auc) / n0_eff
        else:
            var = _hanley_mcneil_var(auc, m_eff, n0_eff)
        se = math.sqrt(max(var, 0.0))
        pvalue = 2.0 * _norm_sf(abs(auc - 0.5) / se) if se > 0 else (1.0 if auc == 0.5 else 0.0)
        return AUCResult(auc, se, m_rows, n0_rows, "AUC", method, pvalue)
    aucs, v10, v01 = _delong_placements(y, s[None, :])
    auc = float(aucs[0])
    m, n0 = v10.shape[1], v01.shape[1]
    if method == "delong":
        var = _delong_var(v10[0], v01[0])
    else:
        q1 = auc / (2.0 - auc)
        q2 = 2.0 * auc * auc / (1.0 + auc)
        var = (auc * (1 - auc) + (m - 1) * (q1 - auc**2) + (n0 - 1) * (q2 - auc**2)) / (m * n0)
    se = math.sqrt(max(var, 0.0))
    pvalue = 2.0 * _norm_sf(abs(auc - 0.5) / se) if se > 0 else (1.0 if auc == 0.5 else 0.0)
    return AUCResult(auc, se, m, n0, "AUC", method, pvalue)


def _hanley_mcneil_var(auc: float, m: float, n0: float) -> float:
    q1 = auc / (2.0 - auc)
    q2 = 2.0 * auc * auc / (1.0 + auc)
    return (auc * (1 - auc) + (m - 1) * (q1 - auc**2) + (n0 - 1) * (q2 - auc**2)) / (m * n0)


def _delong_var(v10: FloatArray, v01: FloatArray) -> float:
    m, n0 = v10.size, v01.size
    s10 = float(np.var(v10, ddof=1)) if m > 1 else 0.0
    s01 = float(np.var(v01, ddof=1)) if n0 > 1 else 0.0
    return s10 / m + s01 / n0


def gini(
    y_true: npt.ArrayLike,
    y_score: npt.ArrayLike,
    *,
    method: str = "delong",
    sample_weight: npt.ArrayLike | None = None,
) -> AUCResult:
    """Gini coefficient (accuracy ratio) 2 AUC - 1 with its standard error (2 SE_AUC).

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Default flag (1 = default).
    y_score : array-like of shape (n_samples,)
        Risk score, higher = riskier.
    method : {"delong", "hanley_mcneil"}, default="delong"
        Standard-error method, as in :func:`roc_auc`.
    sample_weight : array-like of shape (n_samples,), optional
        Weights, as in :func:`roc_auc` (weighted statistic; standard error from Kish's
        effective sample sizes).

    Returns
    -------
    AUCResult
        With ``measure == "Gini"``.

    Notes
    -----
    For a binary outcome the accuracy ratio of the CAP curve equals the Gini coefficient
    2 AUC - 1 (Engelmann, Hayden & Tasche 2003), ties included.

    References
    ----------
    .. [1] Engelmann, B., Hayden, E., Tasche, D. (2003). Testing rating accuracy.
       Risk 16(1), 82-86.

    Examples
    --------
    >>> gini([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]).statistic
    0.5
    """
    res = roc_auc(y_true, y_score, method=method, sample_weight=sample_weight)
    return AUCResult(
        2.0 * res.statistic - 1.0,
        2.0 * res.standard_error,
        res.n_events,
        res.n_nonevents,
        "Gini",
        res.method,
        res.pvalue,
    )


@dataclass(frozen=True)
class AUCComparisonResult(Result):
    """A z-test on AUCs: DeLong's paired comparison or the ECB change test.

    Attributes
    ----------
    statistic : float
        The z statistic.
    pvalue : float
        p-value (two-sided for :func:`roc_auc_compare` unless ``alternative`` says
        otherwise; one-sided "the AUC has dropped" for :func:`auc_change_test`).
    auc_a, auc_b : float
        The two AUCs (for the ECB test: the initial and the current AUC).
    difference : float
        ``auc_a - auc_b``.
    standard_error : float
        Standard error of the difference (ECB: the current AUC's standard error).
    test : str
        Name of the test.
    alternative : str
        ``"two-sided"``, ``"greater"`` (auc_a > auc_b) or ``"less"``.

    Examples
    --------
    >>> res = roc_auc_compare([0, 0, 1, 1, 0, 1], [1, 2, 5, 4, 3, 6], [1, 5, 2, 4, 3, 6])
    >>> res.test
    'DeLong test of two correlated AUCs'
    >>> res.to_frame().shape
    (1, 6)
    """

    statistic: float
    pvalue: float
    auc_a: float
    auc_b: float
    difference: float
    standard_error: float
    test: str
    alternative: str

    def confidence_interval(self, confidence_level: float = 0.95) -> tuple[float, float]:
        """Two-sided Wald interval for ``difference``.

        Examples
        --------
        >>> r = AUCComparisonResult(2.0, 0.05, 0.8, 0.7, 0.1, 0.05, "t", "two-sided")
        >>> tuple(round(v, 4) for v in r.confidence_interval())
        (0.002, 0.198)
        """
        z = _norm_ppf(0.5 + _check_level(confidence_level) / 2.0)
        return (
            self.difference - z * self.standard_error,
            self.difference + z * self.standard_error,
        )

    def _summary_table(self) -> tuple[str, list[str], list[list[Any]], str]:
        lo, hi = self.confidence_interval()
        return (
            self.test,
            ["AUC a", "AUC b", "difference", "std. error", "z", "p-value"],
            [
                [
                    self.auc_a,
                    self.auc_b,
                    self.difference,
                    self.standard_error,
                    self.statistic,
                    self.pvalue,
                ]
            ],
            f"alternative: {self.alternative}; 95% CI of the difference [{lo:.4f}, {hi:.4f}]",
        )

    def to_frame(self) -> Any:
        """One-row pandas DataFrame of the result."""
        import pandas as pd

        _, cols, rows, _ = self._summary_table()
        return pd.DataFrame(rows, columns=cols)


def _pvalue(z: float, alternative: str) -> float:
    if alternative == "two-sided":
        return min(1.0, 2.0 * _norm_sf(abs(z)))
    if alternative == "greater":
        return _norm_sf(z)
    return _norm_sf(-z)


def roc_auc_compare(
    y_true: npt.ArrayLike,
    score_a: npt.ArrayLike,
    score_b: npt.ArrayLike,
    *,
    alternative: str = "two-sided",
) -> AUCComparisonResult:
    """DeLong's test of two correlated AUCs measured on the same obligors.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Default flag.
    score_a, score_b : array-like of shape (n_samples,)
        Two risk scores of the same obligors (higher = riskier), e.g. the challenger
        and the champion model.
    alternative : {"two-sided", "greater", "less"}, default="two-sided"
        ``"greater"``: H1 AUC_a > AUC_b.

    Returns
    -------
    AUCComparisonResult
        ``statistic`` z = (AUC_a - AUC_b) / sqrt(var_a + var_b - 2 cov_ab) and ``pvalue``.

    References
    ----------
    .. [1] DeLong, E. R., DeLong, D. M., Clarke-Pearson, D. L. (1988). Biometrics 44(3),
       837-845.
    .. [2] Sun, X., Xu, W. (2014). IEEE Signal Processing Letters 21(11), 1389-1393.

    Examples
    --------
    >>> y = [0, 0, 0, 1, 1, 1]
    >>> res = roc_auc_compare(y, [1, 2, 3, 4, 5, 6], [1, 4, 3, 2, 5, 6])
    >>> round(res.difference, 4)
    0.2222
    """
    check_in(alternative, "alternative", ["two-sided", "greater", "less"])
    y, a = _check_scores(y_true, score_a, name="score_a")
    _, b = _check_scores(y_true, score_b, name="score_b")
    aucs, v10, v01 = _delong_placements(y, np.vstack([a, b]))
    m, n0 = v10.shape[1], v01.shape[1]
    s10 = np.cov(v10) if m > 1 else np.zeros((2, 2))
    s01 = np.cov(v01) if n0 > 1 else np.zeros((2, 2))
    cov = s10 / m + s01 / n0
    var = float(cov[0, 0] + cov[1, 1] - 2.0 * cov[0, 1])
    diff = float(aucs[0] - aucs[1])
    se = math.sqrt(max(var, 0.0))
    z = diff / se if se > 0 else (0.0 if diff == 0 else math.copysign(math.inf, diff))
    return AUCComparisonResult(
        z,
        _pvalue(z, alternative),
        float(aucs[0]),
        float(aucs[1]),
        diff,
        se,
        "DeLong test of two correlated AUCs",
        alternative,
    )


def auc_change_test(
    auc_initial: float, y_true: npt.ArrayLike, y_score: npt.ArrayLike
) -> AUCComparisonResult:
    """ECB test of the current AUC against the AUC at initial validation.

    Parameters
    ----------
    auc_initial : float
        AUC measured at the initial validation (development), in (0, 1).
    y_true, y_score : array-like of shape (n_samples,)
        Current observation period: default flags and risk scores (higher = riskier).

    Returns
    -------
    AUCComparisonResult
        ``statistic`` S = (AUC_init - AUC_curr) / s_curr with s_curr the DeLong standard
        error of the current AUC, and the one-sided ``pvalue`` 1 - Phi(S) of H0 "the
        discriminatory power has not dropped" (small p-value: it has dropped).

    Notes
    -----
    The initial AUC is treated as a constant, as in the ECB instructions; only the
    current AUC's sampling error enters.

    References
    ----------
    .. [1] European Central Bank (2019). Instructions for reporting the validation results
       of internal models: IRB Pillar I models for credit risk (test of the current AUC
       against the AUC at initial validation).

    Examples
    --------
    >>> y = [0, 0, 0, 1, 1, 0, 1, 0]
    >>> s = [0.1, 0.2, 0.3, 0.6, 0.5, 0.55, 0.9, 0.05]
    >>> res = auc_change_test(0.95, y, s)
    >>> round(res.auc_b, 4), res.statistic > 0
    (0.9333, True)
    """
    a0 = float(auc_initial)
    if not 0.0 < a0 < 1.0:
        raise DataError(f"auc_initial must lie in (0, 1); got {auc_initial!r}.")
    cur = roc_auc(y_true, y_score)
    se = cur.standard_error
    diff = a0 - cur.statistic
    z = diff / se if se > 0 else (0.0 if diff == 0 else math.copysign(math.inf, diff))
    return AUCComparisonResult(
        z,
        _norm_sf(z),
        a0,
        cur.statistic,
        diff,
        se,
        "ECB test: AUC at initial validation vs current AUC",
        "greater",
    )


# ----------------------------------------------------------------------------- KS
@dataclass(frozen=True)
class KSResult(Result):
    """Kolmogorov-Smirnov separation of defaults and non-defaults.

    Attributes
    ----------
    statistic : float
        max |F_bad(t) - F_good(t)| over thresholds t (0..1).
    pvalue : float
        Two-sample p-value from the Kolmogorov distribution at the effective sample size
        m n / (m + n) (Smirnov's approximation, as ``scipy.stats.ks_2samp(method="asymp")``).
    threshold : float
        Score at which the maximum is reached (scores <= threshold vs above).
    n_events, n_nonevents : int
        Sample sizes.

    Examples
    --------
    >>> res = ks_statistic([0, 0, 1, 1], [0.1, 0.6, 0.5, 0.9])
    >>> res.statistic, res.threshold
    (0.5, 0.1)
    >>> res.to_frame()["KS"].item()
    0.5
    """

    statistic: float
    pvalue: float
    threshold: float
    n_events: int
    n_nonevents: int

    def _summary_table(self) -> tuple[str, list[str], list[list[Any]], str]:
        return (
            "Kolmogorov-Smirnov statistic",
            ["KS", "p-value", "threshold", "events", "non-events"],
            [[self.statistic, self.pvalue, self.threshold, self.n_events, self.n_nonevents]],
            "p-value: Kolmogorov distribution at the effective size m n / (m + n).",
        )

    def to_frame(self) -> Any:
        """One-row pandas DataFrame."""
        import pandas as pd

        _, cols, rows, _ = self._summary_table()
        return pd.DataFrame(rows, columns=cols)


def ks_statistic(
    y_true: npt.ArrayLike, y_score: npt.ArrayLike, *, sample_weight: npt.ArrayLike | None = None
) -> KSResult:
    """Kolmogorov-Smirnov statistic between the score distributions of bads and goods.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Default flag.
    y_score : array-like of shape (n_samples,)
        Score (either direction: KS is symmetric).
    sample_weight : array-like of shape (n_samples,), optional
        Weights: the two distribution functions become weighted (whole-number weights
        give exactly the KS of the repeated rows). The p-value then uses Kish's effective
        sample size (sum w)^2 / sum w^2 of each class in place of m and n, as
        :func:`roc_auc` does for its standard error.

    Returns
    -------
    KSResult
        ``statistic``, asymptotic ``pvalue`` (as ``scipy.stats.ks_2samp(method="asymp")``)
        and the ``threshold`` score where the separation is largest.

    Examples
    --------
    >>> ks_statistic([0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9]).statistic
    1.0
    >>> ks_statistic([0, 0, 1, 1], [0.1, 0.6, 0.5, 0.9], sample_weight=[1, 3, 1, 1]).statistic
    0.5
    """
    from scipy.stats import kstwo

    y, s = _check_scores(y_true, y_score)
    w = None
    if sample_weight is not None:
        y, s, w = _positive_rows(y, s, _check_weights_both_classes(y, sample_weight))
    order = np.argsort(s)
    ss, yy = s[order], y[order]
    m = int(yy.sum())
    n0 = yy.size - m
    last = np.r_[ss[1:] != ss[:-1], True]  # evaluate only after each run of ties
    if w is None:
        cb = np.cumsum(yy)[last] / m
        cg = np.cumsum(1 - yy)[last] / n0
        m_eff, n0_eff = float(m), float(n0)
    else:
        ws = w[order]
        wb, wg = ws * yy, ws * (1 - yy)
        cb = np.cumsum(wb)[last] / wb.sum()
        cg = np.cumsum(wg)[last] / wg.sum()
        m_eff, n0_eff = _kish(wb[yy == 1]), _kish(wg[yy == 0])
    diff = np.abs(cb - cg)
    i = int(np.argmax(diff))
    ks = float(diff[i])
    en = m_eff * n0_eff / (m_eff + n0_eff)  # effective size (Smirnov's asymptotic formula)
    pvalue = float(min(1.0, kstwo.sf(ks, max(round(en), 1))))
    return KSResult(ks, pvalue, float(ss[last][i]), m, n0)


# ----------------------------------------------------------------------------- CAP / gains
@dataclass(frozen=True)
class CAPResult(Result):
    """Cumulative accuracy profile (Lorenz curve of defaults, riskiest first).

    Attributes
    ----------
    fraction_population : tuple of float
        x-axis points (0 first), population share screened, riskiest first.
    fraction_events : tuple of float
        y-axis points: share of all defaults captured.
    accuracy_ratio : float
        Area between the CAP and the diagonal over the same area of the perfect model
        (= Gini coefficient).
    event_rate : float
        Portfolio default rate.

    Examples
    --------
    >>> cap = cap_curve([0, 1, 0, 1], [0.2, 0.9, 0.4, 0.3])
    >>> cap.fraction_events
    (0.0, 0.5, 0.5, 1.0, 1.0)
    >>> cap.to_frame().shape
    (5, 2)
    """

    fraction_population: tuple[float, ...] = field(repr=False)
    fraction_events: tuple[float, ...] = field(repr=False)
    accuracy_ratio: float
    event_rate: float

    @property
    def statistic(self) -> float:
        """The accuracy ratio."""
        return self.accuracy_ratio

    def _summary_table(self) -> tuple[str, list[str], list[list[Any]], str]:
        return (
            "Cumulative accuracy profile",
            ["accuracy ratio", "event rate", "points"],
            [[self.accuracy_ratio, self.event_rate, len(self.fraction_population)]],
            "accuracy ratio = Gini = 2 AUC - 1 for a binary outcome.",
        )

    def to_frame(self) -> Any:
        """DataFrame with the curve's points."""
        import pandas as pd

        return pd.DataFrame(
            {
                "fraction_population": self.fraction_population,
                "fraction_events": self.fraction_events,
            }
        )


def cap_curve(
    y_true: npt.ArrayLike, y_score: npt.ArrayLike, *, sample_weight: npt.ArrayLike | None = None
) -> CAPResult:
    """Cumulative accuracy profile and accuracy ratio.

    Obligors are sorted riskiest first (highest ``y_score``); tied scores form one step
    (the curve is linear across a tie group, which counts ties one half as the AUC does).

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Default flag.
    y_score : array-like of shape (n_samples,)
        Risk score, higher = riskier.
    sample_weight : array-like of shape (n_samples,), optional
        Weights: the population and default shares are weighted (whole-number weights
        give exactly the curve of the repeated rows).

    Returns
    -------
    CAPResult

    References
    ----------
    .. [1] Engelmann, B., Hayden, E., Tasche, D. (2003). Testing rating accuracy.
       Risk 16(1), 82-86.

    Examples
    --------
    >>> cap = cap_curve([0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9])
    >>> cap.accuracy_ratio
    1.0
    """
    y, s = _check_scores(y_true, y_score)
    w = None
    if sample_weight is not None:
        y, s, w = _positive_rows(y, s, _check_weights_both_classes(y, sample_weight))
    order = np.argsort(-s)
    ss, yy = s[order], y[order]
    last = np.r_[ss[1:] != ss[:-1], True]
    if w is None:
        n: float = yy.size
        d: float = int(yy.sum())
        x = np.r_[0.0, (np.flatnonzero(last) + 1) / n]
        cy = np.r_[0.0, np.cumsum(yy)[last] / d]
    else:
        ws = w[order]
        wd = ws * yy
        n, d = float(ws.sum()), float(wd.sum())
        x = np.r_[0.0, np.cumsum(ws)[last] / n]
        cy = np.r_[0.0, np.cumsum(wd)[last] / d]
    area = float(np.sum((x[1:] - x[:-1]) * (cy[1:] + cy[:-1]) / 2.0))
    pd_ = d / n
    ar = (area - 0.5) / (0.5 * (1.0 - pd_))
    return CAPResult(tuple(x.tolist()), tuple(cy.tolist()), ar, pd_)


@dataclass(frozen=True)
class GainsTable(Result):
    """Gains (lift) table by score band, riskiest band first.

    Attributes
    ----------
    band : tuple of int
        1 = riskiest band.
    score_min, score_max : tuple of float
        Score range of each band.
    n, n_events : tuple of int
        Obligors and defaults per band.

    Examples
    --------
    >>> t = gains_table([0, 1, 0, 1], [0.2, 0.9, 0.4, 0.3], n_bins=2)
    >>> t.to_frame()[["band", "n", "n_events", "lift"]].values.tolist()
    [[1.0, 2.0, 1.0, 1.0], [2.0, 2.0, 1.0, 1.0]]
    """

    band: tuple[int, ...]
    score_min: tuple[float, ...]
    score_max: tuple[float, ...]
    n: tuple[int, ...]
    n_events: tuple[int, ...]

    def _columns(self) -> dict[str, FloatArray]:
        n = np.asarray(self.n, dtype=float)
        ev = np.asarray(self.n_events, dtype=float)
        rate = ev / n
        total_rate = ev.sum() / n.sum()
        cum_n = np.cumsum(n)
        cum_ev = np.cumsum(ev)
        cum_good = np.cumsum(n - ev)
        return {
            "event_rate": rate,
            "cum_population_pct": cum_n / n.sum(),
            "cum_events_pct": cum_ev / ev.sum(),
            "lift": rate / total_rate,
            "cum_lift": (cum_ev / cum_n) / total_rate,
            "ks": np.abs(cum_ev / ev.sum() - cum_good / (n - ev).sum()),
        }

    def _summary_table(self) -> tuple[str, list[str], list[list[Any]], str]:
        c = self._columns()
        cols = [
            "band",
            "score min",
            "score max",
            "n",
            "events",
            "event rate",
            "cum pop",
            "cum events",
            "lift",
            "cum lift",
            "KS",
        ]
        rows = [
            [
                self.band[i],
                self.score_min[i],
                self.score_max[i],
                self.n[i],
                self.n_events[i],
                c["event_rate"][i],
                c["cum_population_pct"][i],
                c["cum_events_pct"][i],
                c["lift"][i],
                c["cum_lift"][i],
                c["ks"][i],
            ]
            for i in range(len(self.band))
        ]
        return "Gains table (riskiest band first)", cols, rows, ""

    def to_frame(self) -> Any:
        """DataFrame with one row per band."""
        import pandas as pd

        data: dict[str, Any] = {
            "band": self.band,
            "score_min": self.score_min,
            "score_max": self.score_max,
            "n": self.n,
            "n_events": self.n_events,
        }
        data.update(self._columns())
        return pd.DataFrame(data)


def gains_table(
    y_true: npt.ArrayLike,
    y_score: npt.ArrayLike,
    *,
    n_bins: int = 10,
    sample_weight: npt.ArrayLike | None = None,
) -> GainsTable:
    """Gains / lift table over ``n_bins`` equal-count score bands, riskiest first.

    Ties are never split: a band boundary falls between distinct scores, so bands can be
    uneven when scores are discrete (e.g. rounded points).

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Default flag.
    y_score : array-like of shape (n_samples,)
        Risk score, higher = riskier.
    n_bins : int, default=10
        Number of bands (deciles by default).
    sample_weight : array-like of shape (n_samples,), optional
        Weights: bands hold equal shares of the total weight (still never splitting a
        tie), and ``n`` / ``n_events`` are weighted sums. Whole-number weights give
        exactly the table of the repeated rows.

    Returns
    -------
    GainsTable

    Examples
    --------
    >>> t = gains_table([0, 0, 1, 1, 0, 1], [1, 2, 6, 5, 3, 4], n_bins=3)
    >>> t.n_events
    (2, 1, 0)
    >>> gains_table([0, 1, 0, 1], [1, 4, 2, 3], n_bins=2, sample_weight=[1, 2, 1, 2]).n
    (4, 2)
    """
    if int(n_bins) != n_bins or n_bins < 1:
        raise DataError(f"n_bins must be a positive integer; got {n_bins!r}.")
    y, s = _check_scores(y_true, y_score)
    w = None
    if sample_weight is not None:
        y, s, w = _positive_rows(y, s, check_sample_weight(sample_weight, y.size))
    order = np.argsort(-s)
    ss, yy = s[order], y[order]
    n = ss.size
    if w is None:
        # desired cut positions, moved to the end of their tie group
        cuts = np.unique(np.ceil(np.arange(1, n_bins) * n / n_bins).astype(int))
        cut_rows = np.clip(cuts - 1, 0, n - 1)
        ws = np.ones(n)
    else:
        ws = w[order]
        cum = np.cumsum(ws)
        # row holding the cut-th unit of weight: as the row of a repeated data set
        cut_rows = np.clip(
            np.searchsorted(cum, np.arange(1, n_bins) * cum[-1] / n_bins, side="left"), 0, n - 1
        )
    run_end = np.searchsorted(-ss, -ss[cut_rows], side="right")
    bounds = np.unique(np.r_[0, run_end, n])
    bands: list[int] = []
    cnt: list[float] = []
    ev: list[float] = []
    smin: list[float] = []
    smax: list[float] = []
    for i in range(bounds.size - 1):
        lo, hi = int(bounds[i]), int(bounds[i + 1])
        if hi <= lo:
            continue
        bands.append(len(bands) + 1)
        smin.append(float(ss[hi - 1]))
        smax.append(float(ss[lo]))
        if w is None:
            cnt.append(hi - lo)
            ev.append(int(yy[lo:hi].sum()))
        else:
            cnt.append(_count(float(ws[lo:hi].sum())))
            ev.append(_count(float(np.dot(ws[lo:hi], yy[lo:hi]))))
    return GainsTable(tuple(bands), tuple(smin), tuple(smax), tuple(cnt), tuple(ev))  # type: ignore[arg-type]


# ----------------------------------------------------------------------------- PSI
@dataclass(frozen=True)
class PSIResult(Result):
    """Population stability index with its statistical critical value.

    Attributes
    ----------
    statistic : float
        PSI = sum (a_i - e_i) ln(a_i / e_i) over bins (proportions, empty bins floored at
        ``epsilon``).
    pvalue : float
        Approximate p-value: PSI / (1/N + 1/M) is compared with chi-square(B - 1)
        (Yurdakul & Naranjo 2020).
    critical_value : float
        (1/N + 1/M) chi2_{B-1}(1 - alpha): PSI above it rejects stability at level alpha.
    alpha : float
        Significance level of ``critical_value``.
    n_expected, n_actual : int
        Sample sizes N (reference) and M (current).
    labels : tuple of str
        Bin labels.
    expected_counts, actual_counts : tuple of float
        Counts per bin.
    epsilon : float
        Floor applied to empty-bin proportions.
    name : str
        Characteristic name (for CSI) or "score".

    Examples
    --------
    >>> r = psi_from_counts([50, 50], [70, 30])
    >>> round(r.statistic, 4), r.rule_of_thumb, r.reject
    (0.1695, 'moderate shift', True)
    >>> r.to_frame()["psi"].round(4).tolist()
    [0.0673, 0.1022]
    """

    statistic: float
    pvalue: float
    critical_value: float
    alpha: float
    n_expected: int
    n_actual: int
    labels: tuple[str, ...]
    expected_counts: tuple[float, ...]
    actual_counts: tuple[float, ...]
    epsilon: float = PSI_EPSILON
    name: str = "score"

    @property
    def rule_of_thumb(self) -> str:
        """Industry rule of thumb: "stable" < 0.1 <= "moderate shift" < 0.25 <= "major shift"."""
        if self.statistic < 0.1:
            return "stable"
        if self.statistic < 0.25:
            return "moderate shift"
        return "major shift"

    @property
    def reject(self) -> bool:
        """True when PSI exceeds its statistical critical value."""
        return self.statistic > self.critical_value

    def critical_value_at(self, alpha: float) -> float:
        """Yurdakul-Naranjo critical value at another significance level.

        Examples
        --------
        >>> r = psi_from_counts([500, 500], [500, 500])
        >>> round(r.critical_value_at(0.05), 5)
        0.00768
        """
        return _psi_critical_value(self.n_expected, self.n_actual, len(self.labels), alpha)

    def _contributions(self) -> tuple[FloatArray, FloatArray, FloatArray]:
        e = np.asarray(self.expected_counts, dtype=float)
        a = np.asarray(self.actual_counts, dtype=float)
        pe = np.maximum(e / e.sum(), self.epsilon)
        pa = np.maximum(a / a.sum(), self.epsilon)
        return pe, pa, (pa - pe) * np.log(pa / pe)

    def _summary_table(self) -> tuple[str, list[str], list[list[Any]], str]:
        pe, pa, contrib = self._contributions()
        rows: list[list[Any]] = [
            [
                self.labels[i],
                _count(self.expected_counts[i]),
                _count(self.actual_counts[i]),
                pe[i],
                pa[i],
                contrib[i],
            ]
            for i in range(len(self.labels))
        ]
        rows.append(
            [
                "total",
                _count(sum(self.expected_counts)),
                _count(sum(self.actual_counts)),
                1.0,
                1.0,
                self.statistic,
            ]
        )
        footer = (
            f"PSI {self.statistic:.4f} ({self.rule_of_thumb}); critical value at alpha "
            f"{self.alpha:g}: {self.critical_value:.4f} (Yurdakul & Naranjo 2020), "
            f"p-value {self.pvalue:.4g}; empty bins floored at {self.epsilon:g}."
        )
        return (
            f"Population stability index: {self.name}",
            ["bin", "expected n", "actual n", "expected %", "actual %", "PSI"],
            rows,
            footer,
        )

    def to_frame(self) -> Any:
        """DataFrame with one row per bin (proportions and PSI contributions)."""
        import pandas as pd

        pe, pa, contrib = self._contributions()
        return pd.DataFrame(
            {
                "bin": self.labels,
                "expected_count": self.expected_counts,
                "actual_count": self.actual_counts,
                "expected_pct": pe,
                "actual_pct": pa,
                "psi": contrib,
            }
        )


def _count(v: float) -> float | int:
    """Whole counts print as integers; weighted counts keep their decimals."""
    return int(v) if float(v).is_integer() else v


def _psi_critical_value(n: int, m: int, n_bins: int, alpha: float) -> float:
    from scipy.stats import chi2

    if not 0.0 < alpha < 1.0:
        raise DataError(f"alpha must lie in (0, 1); got {alpha!r}. Pass e.g. 0.05.")
    return float((1.0 / n + 1.0 / m) * chi2.ppf(1.0 - alpha, max(n_bins - 1, 1)))


def psi_from_counts(
    expected_counts: npt.ArrayLike,
    actual_counts: npt.ArrayLike,
    *,
    labels: Sequence[str] | None = None,
    epsilon: float = PSI_EPSILON,
    alpha: float = 0.05,
    name: str = "score",
    sample_sizes: tuple[float, float] | None = None,
) -> PSIResult:
    """PSI from bin counts of the reference (expected) and current (actual) samples.

    Counts are sufficient statistics: counts of several chunks add up, so PSI over a
    stream or a distributed table is this function applied to the summed counts.

    Parameters
    ----------
    expected_counts, actual_counts : array-like of shape (n_bins,)
        Non-negative (possibly weighted) counts per bin.
    labels : sequence of str, optional
        Bin labels (default "0", "1", ...).
    epsilon : float, default=1e-4
        Floor for a bin's proportion, so an empty bin contributes a large but finite
        term instead of infinity. A bin empty in both samples contributes exactly 0.
    alpha : float, default=0.05
        Significance level of the statistical critical value.
    name : str, default="score"
        Name shown in the summary.
    sample_sizes : (float, float), optional
        Sample sizes (N, M) of the critical value and p-value. Default: the sums of the
        counts. With weighted counts pass the effective sample sizes (see :func:`psi`).

    Returns
    -------
    PSIResult

    Notes
    -----
    Yurdakul & Naranjo (2020) show that with N reference and M current observations and B
    fixed bins, PSI / (1/N + 1/M) is asymptotically chi-square with B - 1 degrees of
    freedom when the populations are the same, so the critical value at level alpha is
    (1/N + 1/M) chi2_{B-1, 1-alpha}. Unlike the 0.1 / 0.25 rule of thumb, it depends on
    the sample sizes: with 10 bins and N = M = 1000 it is about 0.034.

    References
    ----------
    .. [1] Yurdakul, B., Naranjo, J. (2020). Statistical properties of the population
       stability index. Journal of Risk Model Validation 14(4), 89-100.
    .. [2] Siddiqi, N. (2006). Credit Risk Scorecards. Wiley, chapter 8.

    Examples
    --------
    >>> r = psi_from_counts([100, 200, 300, 400], [120, 180, 310, 390])
    >>> round(r.statistic, 5)
    0.00633
    """
    e = np.asarray(expected_counts, dtype=np.float64).reshape(-1)
    a = np.asarray(actual_counts, dtype=np.float64).reshape(-1)
    if e.shape != a.shape:
        raise DataError(
            f"expected_counts has {e.size} bins but actual_counts has {a.size}. "
            "Count both samples over the same bins."
        )
    if e.size == 0:
        raise DataError("PSI needs at least one bin; got no counts.")
    for nm, arr in (("expected_counts", e), ("actual_counts", a)):
        if not np.all(np.isfinite(arr)) or (arr < 0).any():
            raise DataError(f"{nm} must be finite and non-negative; got {format_values(arr)}.")
        if arr.sum() <= 0:
            raise DataError(f"{nm} sums to zero: that sample is empty. Pass a non-empty sample.")
    eps = check_positive(epsilon, "epsilon")
    lab = tuple(str(v) for v in (labels if labels is not None else range(e.size)))
    if len(lab) != e.size:
        raise DataError(f"labels has {len(lab)} entries for {e.size} bins; pass one per bin.")
    pe = np.maximum(e / e.sum(), eps)
    pa = np.maximum(a / a.sum(), eps)
    value = float(np.sum((pa - pe) * np.log(pa / pe)))
    if sample_sizes is None:
        n, m = float(e.sum()), float(a.sum())
    else:
        n, m = (check_positive(v, "sample_sizes") for v in sample_sizes)
    n_int, m_int = max(int(np.rint(n)), 1), max(int(np.rint(m)), 1)
    scale = 1.0 / n + 1.0 / m
    from scipy.stats import chi2

    dof = max(e.size - 1, 1)
    pvalue = float(chi2.sf(value / scale, dof))
    return PSIResult(
        value,
        pvalue,
        _psi_critical_value(n_int, m_int, e.size, alpha),
        float(alpha),
        n_int,
        m_int,
        lab,
        tuple(e.tolist()),
        tuple(a.tolist()),
        eps,
        name,
    )


def _numeric_or_none(values: npt.ArrayLike) -> npt.NDArray[Any] | None:
    """Numeric view of the values (integers kept as they are), or None if not numeric."""
    arr = np.asarray(values)
    if arr.dtype.kind in "iu":
        return arr.reshape(-1)
    if arr.dtype.kind in "bf":
        return arr.astype(np.float64, copy=False).reshape(-1)
    if arr.dtype.kind == "O":
        try:
            out = arr.astype(np.float64).reshape(-1)
        except (TypeError, ValueError):
            return None
        return out
    return None


def _quantile_edges(
    ref: npt.NDArray[Any], bins: int, weight: FloatArray | None = None
) -> FloatArray:
    """Unique inner quantile edges (numpy's default "linear" rule) from one sort.

    With weights, the quantiles of the sample with each row repeated ``weight`` times:
    the j-th (0-based) value of the repeated sorted sample is the first row whose
    cumulative weight exceeds j, so whole-number weights give exactly the edges of the
    repeated rows (and fractional weights a consistent generalisation).
    """
    if weight is None:
        xs = np.sort(ref)
        pos = np.linspace(0.0, 1.0, bins + 1)[1:-1] * (xs.size - 1)
        lo = np.floor(pos).astype(np.intp)
        hi = np.minimum(lo + 1, xs.size - 1)
        qs = xs[lo] + (pos - lo) * (xs[hi] - xs[lo])
    else:
        order = np.argsort(ref, kind="stable")
        xs = np.asarray(ref, dtype=np.float64)[order]
        cum = np.cumsum(weight[order])
        pos = np.linspace(0.0, 1.0, bins + 1)[1:-1] * max(float(cum[-1]) - 1.0, 0.0)
        lo_f = np.floor(pos)
        last = xs.size - 1
        x_lo = xs[np.minimum(np.searchsorted(cum, lo_f, side="right"), last)]
        x_hi = xs[np.minimum(np.searchsorted(cum, lo_f + 1.0, side="right"), last)]
        qs = x_lo + (pos - lo_f) * (x_hi - x_lo)
    out: FloatArray = np.unique(qs)
    return out


def _bin_codes(x: npt.NDArray[Any], edges: FloatArray) -> npt.NDArray[np.intp]:
    """``searchsorted(edges, x, side="right")``; a few comparison passes for few edges.

    For the usual 5-20 bins, k vectorised ``x >= edge`` passes beat ``searchsorted``'s
    per-element binary search on unsorted values several times over.
    """
    if edges.size > 32:
        return np.searchsorted(edges, x, side="right")
    small = np.zeros(x.size, dtype=np.uint8)
    for e in edges:
        np.add(small, x >= e, out=small, casting="unsafe")
    idx: npt.NDArray[np.intp] = small.astype(np.intp)
    return idx


def _interval_labels(edges: FloatArray) -> list[str]:
    pts = ["-inf", *[f"{v:.6g}" for v in edges], "inf"]
    return [f"[{pts[i]}, {pts[i + 1]})" for i in range(len(pts) - 1)]


def psi(
    expected: npt.ArrayLike,
    actual: npt.ArrayLike,
    *,
    bins: int | npt.ArrayLike = 10,
    epsilon: float = PSI_EPSILON,
    alpha: float = 0.05,
    name: str = "score",
    expected_weight: npt.ArrayLike | None = None,
    actual_weight: npt.ArrayLike | None = None,
) -> PSIResult:
    """Population stability index between a reference and a current sample.

    Parameters
    ----------
    expected : array-like of shape (n,)
        Reference sample (development / initial validation), numeric or categorical.
    actual : array-like of shape (m,)
        Current sample.
    bins : int or array-like of float, default=10
        Numeric data: an int gives that many bins at the reference sample's quantiles
        (duplicate quantiles merged); an array gives the inner bin edges (bin of x =
        ``searchsorted(edges, x, side="right")``, as in the scoring spec). Categorical data:
        one bin per category seen in either sample; ``bins`` is ignored. Missing values
        (NaN, None, ``pd.NA``) always get their own "Missing" bin.
    epsilon : float, default=1e-4
        Floor for empty-bin proportions (see :func:`psi_from_counts`).
    alpha : float, default=0.05
        Significance level of the Yurdakul-Naranjo critical value.
    name : str, default="score"
        Name shown in the summary.
    expected_weight, actual_weight : array-like, optional
        Non-negative weight per row of ``expected`` / ``actual`` (e.g. inverse sampling
        rates). The bin proportions become weighted, and so do the reference quantiles of
        ``bins=int`` (whole-number weights give exactly the PSI of the repeated rows).
        The critical value and p-value then use Kish's effective sample sizes
        (sum w)^2 / sum w^2 in place of N and M: scaling all weights by a constant leaves
        them unchanged, as sampling weights require. For frequency weights repeat the
        rows instead. Rows of zero weight are dropped.

    Returns
    -------
    PSIResult

    References
    ----------
    .. [1] Yurdakul, B., Naranjo, J. (2020). Statistical properties of the population
       stability index. Journal of Risk Model Validation 14(4), 89-100.
    .. [2] Kish, L. (1965). Survey Sampling. Wiley, section 11.7 (effective sample size).

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=5000)
    >>> psi(x, x).statistic
    0.0
    >>> r = psi(x, rng.normal(0.2, 1, size=5000))
    >>> r.reject, r.rule_of_thumb
    (True, 'stable')
    >>> round(psi([1, 2], [1, 2], bins=[1.5], actual_weight=[3, 1]).statistic, 4)
    0.2747
    """
    ex = np.asarray(expected)
    ac = np.asarray(actual)
    if ex.ndim != 1 or ac.ndim != 1:
        raise DataError(
            f"psi compares one column; got shapes {ex.shape} and {ac.shape}. Use csi() for "
            "several characteristics."
        )
    if ex.size == 0 or ac.size == 0:
        raise DataError("psi needs non-empty expected and actual samples.")
    ew: FloatArray | None = None
    aw: FloatArray | None = None
    sizes: tuple[float, float] | None = None
    if expected_weight is not None or actual_weight is not None:
        ew = check_sample_weight(expected_weight, ex.size, "expected_weight")
        aw = check_sample_weight(actual_weight, ac.size, "actual_weight")
        if not (ew > 0).all():
            ex, ew = ex[ew > 0], ew[ew > 0]
        if not (aw > 0).all():
            ac, aw = ac[aw > 0], aw[aw > 0]
        sizes = (_kish(ew), _kish(aw))
    counts, labels = _psi_counts(ex, ac, bins, ew, aw)
    return psi_from_counts(
        *counts, labels=labels, epsilon=epsilon, alpha=alpha, name=name, sample_sizes=sizes
    )


def _psi_counts(
    ex: npt.NDArray[Any],
    ac: npt.NDArray[Any],
    bins: int | npt.ArrayLike,
    ew: FloatArray | None,
    aw: FloatArray | None,
) -> tuple[tuple[FloatArray, FloatArray], list[str]]:
    """(Weighted) bin counts of both samples over the same bins, and the bin labels."""
    e_num, a_num = _numeric_or_none(ex), _numeric_or_none(ac)
    if e_num is not None and a_num is not None:
        for nm, arr in (("expected", e_num), ("actual", a_num)):
            if arr.dtype.kind == "f" and np.isinf(arr).any():
                raise DataError(f"{nm} holds infinite values; replace them with NaN or a cap.")
        e_miss = np.isnan(e_num) if e_num.dtype.kind == "f" else np.zeros(e_num.size, bool)
        a_miss = np.isnan(a_num) if a_num.dtype.kind == "f" else np.zeros(a_num.size, bool)
        if np.ndim(bins) == 0:
            nb = int(bins)  # type: ignore[arg-type]
            if nb != bins or nb < 1:
                raise DataError(
                    f"bins must be a positive integer or an array of edges; got {bins!r}."
                )
            ref = e_num[~e_miss] if e_miss.any() else e_num
            if ref.size == 0:
                raise DataError("expected holds only missing values; cannot place quantile bins.")
            ref_w = None if ew is None else (ew[~e_miss] if e_miss.any() else ew)
            edges = _quantile_edges(ref, nb, ref_w)
        else:
            edges = np.asarray(bins, dtype=np.float64).reshape(-1)
            if not np.all(np.isfinite(edges)) or np.any(np.diff(edges) <= 0):
                raise DataError(
                    f"bin edges must be finite and strictly increasing; got {format_values(edges)}."
                )
        k = edges.size + 1
        e_idx = _bin_codes(e_num[~e_miss] if e_miss.any() else e_num, edges)
        a_idx = _bin_codes(a_num[~a_miss] if a_miss.any() else a_num, edges)
        e_cnt = _weighted_bincount(e_idx, k, ew, e_miss)
        a_cnt = _weighted_bincount(a_idx, k, aw, a_miss)
        labels = _interval_labels(edges)
    else:
        e_cat = canonical_categories(ex.astype(object))
        a_cat = canonical_categories(ac.astype(object))
        e_miss, a_miss = is_missing(e_cat), is_missing(a_cat)
        cats = sorted(set(e_cat[~e_miss].tolist()) | set(a_cat[~a_miss].tolist()))
        pos = {c: i for i, c in enumerate(cats)}
        k = len(cats)
        e_idx = np.fromiter((pos[c] for c in e_cat[~e_miss]), dtype=np.intp)
        a_idx = np.fromiter((pos[c] for c in a_cat[~a_miss]), dtype=np.intp)
        e_cnt = _weighted_bincount(e_idx, k, ew, e_miss)
        a_cnt = _weighted_bincount(a_idx, k, aw, a_miss)
        labels = list(cats)
    if e_miss.any() or a_miss.any():
        e_cnt = np.r_[e_cnt, e_miss.sum() if ew is None else ew[e_miss].sum()]
        a_cnt = np.r_[a_cnt, a_miss.sum() if aw is None else aw[a_miss].sum()]
        labels.append("Missing")
    return (e_cnt, a_cnt), labels


def _weighted_bincount(
    idx: npt.NDArray[np.intp], k: int, w: FloatArray | None, miss: npt.NDArray[np.bool_]
) -> FloatArray:
    if w is None:
        return np.bincount(idx, minlength=k).astype(float)
    ww = w[~miss] if miss.any() else w
    out: FloatArray = np.bincount(idx, weights=ww, minlength=k).astype(np.float64)
    return out


@dataclass(frozen=True)
class CSIResult(Result):
    """Characteristic stability indices: one :class:`PSIResult` per characteristic.

    Attributes
    ----------
    results : tuple of PSIResult
        In the order of ``names``.
    names : tuple of str
        Characteristic names.

    Examples
    --------
    >>> res = csi({"x": [1.0, 2.0, 3.0, 4.0]}, {"x": [1.0, 1.0, 2.0, 4.0]}, bins={"x": [2.5]})
    >>> round(res["x"].statistic, 4)
    0.2747
    >>> res.to_frame()["characteristic"].tolist()
    ['x']
    """

    results: tuple[PSIResult, ...]
    names: tuple[str, ...]

    def __getitem__(self, name: str) -> PSIResult:
        try:
            return self.results[self.names.index(name)]
        except ValueError:
            raise KeyError(f"no characteristic {name!r}; have {list(self.names)}") from None

    @property
    def statistic(self) -> dict[str, float]:
        """CSI value per characteristic."""
        return {n: r.statistic for n, r in zip(self.names, self.results, strict=True)}

    def _summary_table(self) -> tuple[str, list[str], list[list[Any]], str]:
        rows = [
            [n, r.statistic, r.critical_value, r.pvalue, r.reject, r.rule_of_thumb]
            for n, r in zip(self.names, self.results, strict=True)
        ]
        return (
            "Characteristic stability index",
            ["characteristic", "CSI", "critical value", "p-value", "reject", "rule of thumb"],
            rows,
            "critical values: Yurdakul & Naranjo (2020).",
        )

    def to_frame(self) -> Any:
        """DataFrame with one row per characteristic."""
        import pandas as pd

        _, cols, rows, _ = self._summary_table()
        return pd.DataFrame(rows, columns=cols)


def csi(
    expected: Any,
    actual: Any,
    *,
    columns: Sequence[str] | None = None,
    bins: int | Mapping[str, npt.ArrayLike] = 10,
    epsilon: float = PSI_EPSILON,
    alpha: float = 0.05,
    expected_weight: npt.ArrayLike | None = None,
    actual_weight: npt.ArrayLike | None = None,
) -> CSIResult:
    """Characteristic stability index: PSI of every characteristic (column).

    Parameters
    ----------
    expected, actual : DataFrame or mapping of column name -> array
        Reference and current samples (pandas / polars DataFrame or dict of arrays).
    columns : sequence of str, optional
        Columns to compare (default: all columns of ``expected``).
    bins : int or mapping of column -> edges, default=10
        Quantile bin count for every numeric column, or explicit inner edges per column
        (columns not in the mapping use 10 quantile bins).
    epsilon, alpha : float
        As in :func:`psi`.
    expected_weight, actual_weight : array-like, optional
        One weight per row of ``expected`` / ``actual``, used for every column (weighted
        proportions, quantiles and effective sample sizes, as in :func:`psi`).

    Returns
    -------
    CSIResult

    Examples
    --------
    >>> import numpy as np
    >>> ref = {"age": np.arange(100.0), "region": np.array(["n", "s"] * 50)}
    >>> cur = {"age": np.arange(100.0) + 5, "region": np.array(["n"] * 60 + ["s"] * 40)}
    >>> round(csi(ref, cur)["region"].statistic, 4)
    0.0405
    """
    e_map = as_mapping_of_columns(expected)
    a_map = as_mapping_of_columns(actual)
    if e_map is None or a_map is None:
        raise DataError("csi needs DataFrames or dicts of columns for expected and actual.")
    names = list(columns) if columns is not None else [str(c) for c in e_map]
    missing = [c for c in names if c not in a_map or c not in e_map]
    if missing:
        raise DataError(
            f"columns {format_values(missing)} are not in both samples; expected has "
            f"{format_values(list(e_map))}, actual has {format_values(list(a_map))}."
        )
    out = []
    for c in names:
        b: Any = bins.get(c, 10) if isinstance(bins, Mapping) else bins
        out.append(
            psi(
                _to_numpy(e_map[c]),
                _to_numpy(a_map[c]),
                bins=b,
                epsilon=epsilon,
                alpha=alpha,
                name=c,
                expected_weight=expected_weight,
                actual_weight=actual_weight,
            )
        )
    return CSIResult(tuple(out), tuple(names))


def _to_numpy(col: Any) -> npt.NDArray[Any]:
    if hasattr(col, "to_numpy"):
        try:
            return np.asarray(col.to_numpy(dtype=object if _is_object_like(col) else None))
        except TypeError:
            return np.asarray(col.to_numpy())
    return np.asarray(col)


def _is_object_like(col: Any) -> bool:
    kind = getattr(getattr(col, "dtype", None), "kind", None)
    return kind not in ("b", "i", "u", "f")


# ----------------------------------------------------------------------------- concentration
@dataclass(frozen=True)
class HerfindahlResult(Result):
    """Herfindahl-Hirschman concentration of obligors (or exposure) over grades.

    Attributes
    ----------
    statistic : float
        HHI = sum s_k^2 of grade shares s_k, in [1/K, 1].
    normalized : float
        (HHI - 1/K) / (1 - 1/K) in [0, 1] (0 = evenly spread, 1 = one grade).
    coefficient_of_variation : float
        sqrt(K * HHI - 1), the coefficient of variation of the grade shares (ECB 2019).
    n_grades : int
        K.
    shares : tuple of float
        Grade shares.

    Examples
    --------
    >>> h = herfindahl([60, 30, 10])
    >>> round(h.statistic, 2), h.n_grades
    (0.46, 3)
    >>> h.to_frame()["share"].tolist()
    [0.6, 0.3, 0.1]
    """

    statistic: float
    normalized: float
    coefficient_of_variation: float
    n_grades: int
    shares: tuple[float, ...]

    def _summary_table(self) -> tuple[str, list[str], list[list[Any]], str]:
        return (
            "Herfindahl index of grade concentration",
            ["HHI", "normalized HHI", "CV", "grades"],
            [[self.statistic, self.normalized, self.coefficient_of_variation, self.n_grades]],
            "",
        )

    def to_frame(self) -> Any:
        """DataFrame of grade shares."""
        import pandas as pd

        return pd.DataFrame({"grade": range(len(self.shares)), "share": self.shares})


def herfindahl(counts: npt.ArrayLike) -> HerfindahlResult:
    """Herfindahl index of the distribution of obligors (or exposure) over grades.

    Parameters
    ----------
    counts : array-like of shape (n_grades,)
        Number of obligors (or exposure) per grade, empty grades included.

    Returns
    -------
    HerfindahlResult

    References
    ----------
    .. [1] European Central Bank (2019). Instructions for reporting the validation results
       of internal models (Herfindahl index of the grade distribution and its
       coefficient of variation).

    Examples
    --------
    >>> herfindahl([25, 25, 25, 25]).normalized
    0.0
    >>> herfindahl([0, 100, 0]).statistic
    1.0
    """
    c = np.asarray(counts, dtype=np.float64).reshape(-1)
    if c.size == 0 or not np.all(np.isfinite(c)) or (c < 0).any() or c.sum() <= 0:
        raise DataError(
            f"counts must be finite, non-negative, not all zero, one per grade; got "
            f"{format_values(c)}."
        )
    s = c / c.sum()
    hhi = float(np.sum(s * s))
    k = c.size
    norm = (hhi - 1.0 / k) / (1.0 - 1.0 / k) if k > 1 else 1.0
    cv = math.sqrt(max(k * hhi - 1.0, 0.0))
    return HerfindahlResult(hhi, max(norm, 0.0), cv, k, tuple(s.tolist()))
