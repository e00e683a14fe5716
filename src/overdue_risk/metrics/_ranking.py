"""Discrimination of a ranking: ROC AUC (DeLong and Hanley-McNeil errors), Gini, AUC
comparison and change tests, the Kolmogorov-Smirnov statistic.
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
    check_in,
)
from overdue_risk.exceptions import DataError
from overdue_risk.metrics._common import (
    _check_scores,
    _check_weights_both_classes,
    _kish,
    _positive_rows,
)

__all__ = [
    "AUCComparisonResult",
    "AUCResult",
    "KSResult",
    "auc_change_test",
    "gini",
    "ks_statistic",
    "roc_auc",
    "roc_auc_compare",
]


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
        return self._summary_frame()


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
    if sample_weight is not None:
        y, s, w = _positive_rows(y, s, _check_weights_both_classes(y, sample_weight))
        m, n0 = int(y.sum()), int(y.size - y.sum())
        auc, v10w, w10, v01w, w01 = _weighted_placements(y, s, w)
        m_eff, n0_eff = _kish(w10), _kish(w01)
        if method == "delong":
            # both placement means equal the AUC (DeLong et al. 1988, eq. 3)
            var = _weighted_var(v10w, w10, auc) / m_eff + _weighted_var(v01w, w01, auc) / n0_eff
        else:
            var = _hanley_mcneil_var(auc, m_eff, n0_eff)
    else:
        aucs, v10, v01 = _delong_placements(y, s[None, :])
        auc = float(aucs[0])
        m, n0 = v10.shape[1], v01.shape[1]
        var = _delong_var(v10[0], v01[0]) if method == "delong" else _hanley_mcneil_var(auc, m, n0)
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
        return self._summary_frame()


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
    if not se > 0 and 0.0 < cur.statistic < 1.0:
        raise DataError(
            f"the current AUC ({cur.statistic:g}) has a standard error of 0: every score is "
            "tied, so the scores rank nobody and the test is undefined. Check y_score (a "
            "constant column, or scores rounded to one value)."
        )
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
        return self._summary_frame()


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
        ends = np.flatnonzero(last)
        bads = np.cumsum(yy)[ends]  # bads at or below each distinct score; goods: the rest
        cb = bads / m
        cg = (ends + 1 - bads) / n0
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
