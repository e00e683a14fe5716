"""Probability scores per obligor: the Brier score (with Murphy's decomposition) and the
expected calibration error.
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
)
from overdue_risk.exceptions import DataError

__all__ = ["BrierResult", "ECEResult", "brier_score", "expected_calibration_error"]


# ----------------------------------------------------------------------------- scores
def _obligor_inputs(
    y_true: npt.ArrayLike, pd: npt.ArrayLike
) -> tuple[npt.NDArray[np.int64], FloatArray]:
    # a single-class sample is allowed: scores are defined; only a default flag is required
    y = check_binary_target(y_true, name="y_true", allow_single_class=True)
    p = check_probability(np.asarray(pd, dtype=np.float64).reshape(-1), "pd")
    check_consistent_length(y_true=y, pd=p)
    return y, p


@dataclass(frozen=True)
class BrierResult(Result):
    """Brier score with Murphy's (1973) decomposition.

    ``statistic = reliability - resolution + uncertainty + within_bin``; ``within_bin`` is 0
    when the groups are the distinct PD values (the exact decomposition) and holds the
    within-group terms (Stephenson et al. 2008) when PDs are binned.

    Attributes
    ----------
    statistic : float
        Mean squared error of the PDs.
    reliability : float
        Calibration term: sum n_k (f_k - o_k)^2 / N (lower is better).
    resolution : float
        sum n_k (o_k - o)^2 / N (higher is better).
    uncertainty : float
        o (1 - o), the Brier score of always forecasting the base rate.
    within_bin : float
        Remainder from binning (0 for exact grouping).
    skill_score : float
        1 - statistic / uncertainty.
    n : int
        Number of obligors.
    n_groups : int
        Number of forecast groups.

    Examples
    --------
    >>> r = brier_score([0, 1, 0, 0], [0.1, 0.6, 0.1, 0.3])
    >>> round(r.statistic, 4), r.n_groups
    (0.0675, 3)
    >>> r.to_frame().shape
    (1, 8)
    """

    statistic: float
    reliability: float
    resolution: float
    uncertainty: float
    within_bin: float
    skill_score: float
    n: int
    n_groups: int
    standard_error: float = math.nan
    pvalue: float = math.nan

    def confidence_interval(self, confidence_level: float = 0.95) -> tuple[float, float]:
        """Normal-approximation interval of the Brier score (Bradley et al. 2008).

        Examples
        --------
        >>> r = brier_score([0, 1, 0, 0, 1, 0], [0.1, 0.6, 0.1, 0.3, 0.8, 0.2])
        >>> lo, hi = r.confidence_interval()
        >>> bool(lo < r.statistic < hi)
        True
        """
        from scipy.special import ndtri

        level = float(confidence_level)
        if not 0.0 < level < 1.0:
            raise DataError(f"confidence_level must lie in (0, 1); got {confidence_level!r}.")
        z = float(ndtri(0.5 + level / 2.0))
        half = z * self.standard_error
        return (max(0.0, self.statistic - half), min(1.0, self.statistic + half))

    def _summary_table(self) -> tuple[str, list[str], list[list[Any]], str]:
        return (
            "Brier score (Murphy decomposition)",
            [
                "Brier",
                "std. error",
                "reliability",
                "resolution",
                "uncertainty",
                "within-bin",
                "skill",
                "n",
            ],
            [
                [
                    self.statistic,
                    self.standard_error,
                    self.reliability,
                    self.resolution,
                    self.uncertainty,
                    self.within_bin,
                    self.skill_score,
                    self.n,
                ]
            ],
            "Brier = reliability - resolution + uncertainty + within-bin; Spiegelhalter "
            f"p-value {self.pvalue:.4g}.",
        )

    def to_frame(self) -> Any:
        """One-row DataFrame."""
        return self._summary_frame()


def _bin_index(p: FloatArray, n_bins: int | None, strategy: str) -> npt.NDArray[np.intp]:
    if n_bins is None:
        return np.unique(p, return_inverse=True)[1].reshape(-1)
    if int(n_bins) != n_bins or n_bins < 1:
        raise DataError(f"n_bins must be a positive integer or None; got {n_bins!r}.")
    if strategy == "uniform":
        edges = np.linspace(0.0, 1.0, int(n_bins) + 1)[1:-1]
    else:
        edges = np.unique(np.quantile(p, np.linspace(0, 1, int(n_bins) + 1)[1:-1]))
    return np.searchsorted(edges, p, side="right")


def _reliability_table(
    y: npt.NDArray[np.int64], p: FloatArray, n_bins: int | None, strategy: str
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Mean forecast, observed rate and count of every non-empty bin of ``p``."""
    g = _bin_index(p, n_bins, strategy)
    k = int(g.max()) + 1
    cnt = np.bincount(g, minlength=k).astype(float)
    used = cnt > 0
    f = np.bincount(g, weights=p, minlength=k)[used] / cnt[used]
    o = np.bincount(g, weights=y.astype(float), minlength=k)[used] / cnt[used]
    return f, o, cnt[used]


def brier_score(
    y_true: npt.ArrayLike,
    pd: npt.ArrayLike,
    *,
    n_bins: int | None = None,
    strategy: str = "quantile",
) -> BrierResult:
    """Brier score of PDs and its Murphy decomposition.

    Parameters
    ----------
    y_true : array-like of shape (n,)
        Default flags (0/1).
    pd : array-like of shape (n,)
        PDs in [0, 1].
    n_bins : int or None, default=None
        None groups obligors by distinct PD value (exact decomposition: right for graded
        PDs). An int bins continuous PDs; the remainder is reported as ``within_bin``.
    strategy : {"quantile", "uniform"}, default="quantile"
        Bin edges at PD quantiles or evenly spaced on [0, 1] (when ``n_bins`` is set).

    Returns
    -------
    BrierResult

    References
    ----------
    .. [1] Brier, G. W. (1950). Verification of forecasts expressed in terms of
       probability. Monthly Weather Review 78(1), 1-3.
    .. [2] Murphy, A. H. (1973). A new vector partition of the probability score.
       Journal of Applied Meteorology 12(4), 595-600.
    .. [3] Stephenson, D. B., Coelho, C. A. S., Jolliffe, I. T. (2008). Two extra
       components in the Brier score decomposition. Weather and Forecasting 23(4),
       752-757.
    .. [4] Bradley, A. A., Schwartz, S. S., Hashino, T. (2008). Sampling uncertainty and
       confidence intervals for the Brier score and Brier skill score. Weather and
       Forecasting 23(5), 992-1006.

    Examples
    --------
    >>> r = brier_score([0, 1, 0, 1], [0.2, 0.8, 0.2, 0.8])
    >>> round(r.statistic, 4), round(r.reliability, 4), round(r.resolution, 4)
    (0.04, 0.04, 0.25)
    """
    check_in(strategy, "strategy", ["quantile", "uniform"])
    y, p = _obligor_inputs(y_true, pd)
    n = y.size
    bs = float(np.mean((p - y) ** 2))
    f, o, c = _reliability_table(y, p, n_bins, strategy)
    obar = float(y.mean())
    rel = float(np.sum(c * (f - o) ** 2) / n)
    res = float(np.sum(c * (o - obar) ** 2) / n)
    unc = obar * (1.0 - obar)
    within = bs - (rel - res + unc)
    if n_bins is None:
        within = 0.0 if abs(within) < 1e-12 else within
    skill = 1.0 - bs / unc if unc > 0 else math.nan
    se = float(np.std((p - y) ** 2, ddof=1) / math.sqrt(n)) if n > 1 else math.nan
    sp_var = float(np.sum((1.0 - 2.0 * p) ** 2 * p * (1.0 - p)))
    if sp_var > 0:
        from scipy.special import ndtr

        z = float(np.sum((y - p) * (1.0 - 2.0 * p))) / math.sqrt(sp_var)
        pval = float(2.0 * ndtr(-abs(z)))
    else:
        pval = math.nan
    return BrierResult(bs, rel, res, unc, float(within), skill, n, int(c.size), se, pval)


@dataclass(frozen=True)
class ECEResult(Result):
    """Expected calibration error and its reliability table.

    Attributes
    ----------
    statistic : float
        sum_k (n_k / N) |o_k - f_k| (mean absolute gap, weighted by bin size).
    max_error : float
        max_k |o_k - f_k| over non-empty bins (MCE).
    bin_count : tuple of int
        Obligors per non-empty bin.
    bin_pd : tuple of float
        Mean PD per bin.
    bin_default_rate : tuple of float
        Observed default rate per bin.

    Examples
    --------
    >>> r = expected_calibration_error([0, 1, 0, 0], [0.1, 0.6, 0.1, 0.3], n_bins=2)
    >>> r.bin_count
    (2, 2)
    >>> r.to_frame().shape
    (2, 3)
    """

    statistic: float
    max_error: float
    bin_count: tuple[int, ...]
    bin_pd: tuple[float, ...]
    bin_default_rate: tuple[float, ...]

    def _summary_table(self) -> tuple[str, list[str], list[list[Any]], str]:
        rows = [
            [
                i + 1,
                self.bin_count[i],
                self.bin_pd[i],
                self.bin_default_rate[i],
                abs(self.bin_default_rate[i] - self.bin_pd[i]),
            ]
            for i in range(len(self.bin_count))
        ]
        return (
            "Expected calibration error",
            ["bin", "n", "mean PD", "default rate", "gap"],
            rows,
            f"ECE {self.statistic:.4f}; maximum gap {self.max_error:.4f}",
        )

    def to_frame(self) -> Any:
        """Reliability table, one row per non-empty bin."""
        import pandas as pd

        return pd.DataFrame(
            {"n": self.bin_count, "mean_pd": self.bin_pd, "default_rate": self.bin_default_rate}
        )


def expected_calibration_error(
    y_true: npt.ArrayLike, pd: npt.ArrayLike, *, n_bins: int = 10, strategy: str = "quantile"
) -> ECEResult:
    """Expected calibration error of PDs over ``n_bins`` bins.

    Parameters
    ----------
    y_true : array-like of shape (n,)
        Default flags.
    pd : array-like of shape (n,)
        PDs in [0, 1].
    n_bins : int, default=10
        Number of bins.
    strategy : {"quantile", "uniform"}, default="quantile"
        Quantile bins suit low-default portfolios (uniform bins on [0, 1] put almost
        every obligor of a 2% PD book into the first bin).

    Returns
    -------
    ECEResult

    References
    ----------
    .. [1] Naeini, M. P., Cooper, G., Hauskrecht, M. (2015). Obtaining well calibrated
       probabilities using Bayesian binning. AAAI 2015, 2901-2907.

    Examples
    --------
    >>> r = expected_calibration_error([0, 1, 0, 1], [0.2, 0.8, 0.2, 0.8], n_bins=2)
    >>> round(r.statistic, 4)
    0.2
    """
    check_in(strategy, "strategy", ["quantile", "uniform"])
    y, p = _obligor_inputs(y_true, pd)
    f, o, c = _reliability_table(y, p, n_bins, strategy)
    gap = np.abs(o - f)
    return ECEResult(
        float(np.sum(c * gap) / c.sum()),
        float(gap.max()),
        tuple(int(v) for v in c),
        tuple(f.tolist()),
        tuple(o.tolist()),
    )
