"""Calibration backtests: do the PDs hold against the realised defaults?

Grade-level tests take the sufficient statistics of a backtest -- obligors, defaults and
the PD of each grade -- as arrays (``n_obligors``, ``n_defaults``, ``pd``); a scalar is one
grade (or the whole portfolio). Obligor-level data is the special case
``n_obligors=1, n_defaults=y, pd=p`` per row. Each test returns a frozen
:class:`BacktestResult` carrying the per-grade values and the portfolio value
(``statistic``, ``pvalue``).

Tests: :func:`jeffreys_test` (ECB), :func:`binomial_test` (optionally with Vasicek asset
correlation), :func:`hosmer_lemeshow_test`, :func:`spiegelhalter_test`, :func:`normal_test`
(several periods), :func:`traffic_light`; scores: :func:`brier_score` (Murphy
decomposition) and :func:`expected_calibration_error`.

Convention: the null hypothesis is "the PD is right"; the one-sided tests look for
UNDER-estimated PDs (more defaults than predicted), the direction a supervisor cares about.

Examples
--------
>>> from overdue_risk.backtest import jeffreys_test
>>> res = jeffreys_test([1000, 500], [12, 15], [0.01, 0.02])
>>> [round(p, 4) for p in res.grade_pvalue]
[0.2524, 0.0623]
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from overdue_risk._results import Result
from overdue_risk._validation import (
    check_binary_target,
    check_consistent_length,
    check_counts,
    check_in,
    check_probability,
)
from overdue_risk.exceptions import DataError

__all__ = [
    "BacktestResult",
    "BrierResult",
    "ECEResult",
    "binomial_test",
    "brier_score",
    "expected_calibration_error",
    "hosmer_lemeshow_test",
    "jeffreys_test",
    "normal_test",
    "spiegelhalter_test",
    "traffic_light",
]

FloatArray = npt.NDArray[np.float64]
_TRAFFIC = ("green", "yellow", "red", "n/a")


# ----------------------------------------------------------------------------- inputs
def _grades(
    n_obligors: npt.ArrayLike,
    n_defaults: npt.ArrayLike,
    pd: npt.ArrayLike,
    *,
    open_interval: bool = False,
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], FloatArray]:
    n = check_counts(n_obligors, "n_obligors").reshape(-1)
    d = check_counts(n_defaults, "n_defaults").reshape(-1)
    p = np.atleast_1d(check_probability(pd, "pd", open_interval=open_interval)).reshape(-1)
    k = max(n.size, d.size, p.size)
    try:
        n, d, p = (np.broadcast_to(a, (k,)).copy() for a in (n, d, p))  # type: ignore[assignment]
    except ValueError:
        raise DataError(
            f"n_obligors, n_defaults and pd must have one entry per grade (or be scalars); got "
            f"lengths {n.size}, {d.size}, {p.size}."
        ) from None
    over = d > n
    if over.any():
        i = int(np.flatnonzero(over)[0])
        raise DataError(
            f"grade {i} has more defaults ({int(d[i])}) than obligors ({int(n[i])}). "
            "Count defaults among the obligors of the same grade."
        )
    if n.sum() == 0:
        raise DataError("n_obligors are all zero: there is nothing to backtest.")
    return n, d, p


def _labels(labels: Sequence[Any] | None, k: int, prefix: str = "grade") -> tuple[str, ...]:
    if labels is None:
        return tuple(f"{prefix} {i + 1}" for i in range(k))
    out = tuple(str(v) for v in labels)
    if len(out) != k:
        raise DataError(f"labels has {len(out)} entries for {k} grades; pass one per grade.")
    return out


def _portfolio_pd(n: npt.NDArray[np.int64], p: FloatArray) -> float:
    return float(np.sum(n * p) / n.sum())


def traffic_light(
    pvalue: npt.ArrayLike | float, *, levels: tuple[float, float] = (0.95, 0.999)
) -> npt.NDArray[np.str_]:
    """Traffic-light classification of one-sided backtest p-values.

    The confidence level reached by the observed defaults is ``1 - pvalue``:
    green below ``levels[0]``, yellow from ``levels[0]`` up to ``levels[1]``, red from
    ``levels[1]`` on (defaults: green < 0.95 <= yellow < 0.999 <= red).

    Parameters
    ----------
    pvalue : float or array-like
        One-sided p-values (small = more defaults than the PD predicts).
    levels : tuple of two floats, default=(0.95, 0.999)
        Yellow and red confidence levels, ``0 < levels[0] < levels[1] < 1``.

    Returns
    -------
    ndarray of str
        "green", "yellow" or "red" per p-value; "n/a" for a NaN p-value (an empty grade).

    References
    ----------
    .. [1] Tasche, D. (2003). A traffic lights approach to PD validation. Deutsche
       Bundesbank working paper, arXiv:cond-mat/0305038.
    .. [2] Oesterreichische Nationalbank (2004). Guidelines on Credit Risk Management:
       Rating Models and Validation, section 6.2 (traffic-light approach).

    Examples
    --------
    >>> traffic_light([0.30, 0.01, 0.0005, float("nan")]).tolist()
    ['green', 'yellow', 'red', 'n/a']
    """
    lo, hi = (float(v) for v in levels)
    if not 0.0 < lo < hi < 1.0:
        raise DataError(f"levels must satisfy 0 < yellow < red < 1; got {levels!r}.")
    conf = 1.0 - np.atleast_1d(np.asarray(pvalue, dtype=np.float64))
    idx = (conf >= lo).astype(int) + (conf >= hi).astype(int)
    idx[np.isnan(conf)] = 3
    out: npt.NDArray[np.str_] = np.asarray(_TRAFFIC, dtype=str)[idx]
    return out


# ----------------------------------------------------------------------------- result
@dataclass(frozen=True)
class BacktestResult(Result):
    """Result of a grade-level calibration backtest.

    Attributes
    ----------
    test : str
        Name of the test.
    statistic : float
        Portfolio statistic (test-specific: a z value, a chi-square, a count, ...).
    pvalue : float
        Portfolio p-value.
    n_obligors, n_defaults : int
        Portfolio totals.
    pd : float
        Portfolio PD (obligor-weighted mean of the grade PDs).
    labels : tuple of str
        Grade (or period) labels.
    grade_n_obligors, grade_n_defaults : tuple of int
        Per grade.
    grade_pd : tuple of float
        Per grade.
    grade_statistic, grade_pvalue : tuple of float
        Per-grade statistic and p-value (NaN where the test has none).
    alternative : str
        "greater" (H1: PD under-estimated), "less" or "two-sided".
    dof : float or None
        Degrees of freedom (chi-square tests).
    rho : float
        Asset correlation (binomial test).
    interval : str
        Method of :meth:`confidence_interval` ("jeffreys" or "clopper-pearson").

    Examples
    --------
    >>> res = binomial_test([500, 300], [4, 9], [0.01, 0.02], labels=["A", "B"])
    >>> res.labels, res.n_defaults
    (('A', 'B'), 13)
    >>> res.to_frame()["grade"].tolist()
    ['A', 'B', 'portfolio']
    """

    test: str
    statistic: float
    pvalue: float
    n_obligors: int
    n_defaults: int
    pd: float
    labels: tuple[str, ...]
    grade_n_obligors: tuple[int, ...]
    grade_n_defaults: tuple[int, ...]
    grade_pd: tuple[float, ...]
    grade_statistic: tuple[float, ...]
    grade_pvalue: tuple[float, ...]
    alternative: str = "greater"
    dof: float | None = None
    rho: float = 0.0
    interval: str = field(default="clopper-pearson", repr=False)

    @property
    def default_rate(self) -> float:
        """Portfolio observed default rate."""
        return self.n_defaults / self.n_obligors

    @property
    def grade_default_rate(self) -> tuple[float, ...]:
        """Observed default rate per grade (NaN for an empty grade)."""
        return tuple(
            d / n if n else math.nan
            for n, d in zip(self.grade_n_obligors, self.grade_n_defaults, strict=True)
        )

    def confidence_interval(self, confidence_level: float = 0.95) -> tuple[float, float]:
        """Two-sided interval for the portfolio default rate.

        Jeffreys (Beta(D + 1/2, N - D + 1/2) quantiles) for the Jeffreys test,
        Clopper-Pearson otherwise; both assume independent defaults (with asset
        correlation the default rate varies more than these intervals say).

        Examples
        --------
        >>> res = jeffreys_test(200, 25, 0.1)
        >>> tuple(round(v, 5) for v in res.confidence_interval())
        (0.08463, 0.17613)
        """
        lo, hi = self.grade_confidence_intervals(confidence_level, _portfolio=True)
        return (float(lo[0]), float(hi[0]))

    def grade_confidence_intervals(
        self, confidence_level: float = 0.95, *, _portfolio: bool = False
    ) -> tuple[FloatArray, FloatArray]:
        """Per-grade two-sided intervals of the default rate (lower, upper arrays).

        Examples
        --------
        >>> lo, hi = jeffreys_test([200, 100], [25, 0], [0.1, 0.01]).grade_confidence_intervals()
        >>> round(float(hi[1]), 4)
        0.0248
        """
        from scipy.stats import beta

        level = float(confidence_level)
        if not 0.0 < level < 1.0:
            raise DataError(f"confidence_level must lie in (0, 1); got {confidence_level!r}.")
        if _portfolio:
            n = np.array([self.n_obligors], dtype=float)
            d = np.array([self.n_defaults], dtype=float)
        else:
            n = np.asarray(self.grade_n_obligors, dtype=float)
            d = np.asarray(self.grade_n_defaults, dtype=float)
        a = (1.0 - level) / 2.0
        with np.errstate(invalid="ignore", divide="ignore"):
            if self.interval == "jeffreys":
                lo = beta.ppf(a, d + 0.5, n - d + 0.5)
                hi = beta.ppf(1.0 - a, d + 0.5, n - d + 0.5)
                lo = np.where(d == 0, 0.0, lo)
                hi = np.where(d == n, 1.0, hi)
            else:
                lo = np.where(d == 0, 0.0, beta.ppf(a, d, n - d + 1.0))
                hi = np.where(d == n, 1.0, beta.ppf(1.0 - a, d + 1.0, n - d))
        empty = n == 0
        return np.where(empty, np.nan, lo), np.where(empty, np.nan, hi)

    def traffic_light(self, levels: tuple[float, float] = (0.95, 0.999)) -> tuple[str, ...]:
        """Traffic light per grade (see :func:`traffic_light`); one-sided tests only.

        Examples
        --------
        >>> binomial_test([1000, 1000], [12, 25], [0.01, 0.01]).traffic_light()
        ('green', 'red')
        """
        if self.alternative != "greater":
            raise DataError(
                f"traffic lights classify one-sided 'greater' p-values; this {self.test} has "
                f"alternative {self.alternative!r}. Rerun it with alternative='greater'."
            )
        return tuple(traffic_light(np.asarray(self.grade_pvalue), levels=levels).tolist())

    def _rows(self) -> list[list[Any]]:
        rows: list[list[Any]] = []
        for i, lab in enumerate(self.labels):
            n, d = self.grade_n_obligors[i], self.grade_n_defaults[i]
            rows.append(
                [
                    lab,
                    n,
                    d,
                    d / n if n else math.nan,
                    self.grade_pd[i],
                    self.grade_statistic[i],
                    self.grade_pvalue[i],
                ]
            )
        rows.append(
            [
                "portfolio",
                self.n_obligors,
                self.n_defaults,
                self.default_rate,
                self.pd,
                self.statistic,
                self.pvalue,
            ]
        )
        return rows

    def _summary_table(self) -> tuple[str, list[str], list[list[Any]], str]:
        foot = f"H1: {self.alternative}"
        if self.dof is not None:
            foot += f"; degrees of freedom {self.dof:g}"
        if self.rho:
            foot += f"; asset correlation {self.rho:g}"
        return (
            self.test,
            ["grade", "obligors", "defaults", "default rate", "PD", "statistic", "p-value"],
            self._rows(),
            foot,
        )

    def to_frame(self) -> Any:
        """DataFrame: one row per grade plus a final "portfolio" row."""
        import pandas as pd

        return pd.DataFrame(
            self._rows(),
            columns=[
                "grade",
                "n_obligors",
                "n_defaults",
                "default_rate",
                "pd",
                "statistic",
                "pvalue",
            ],
        )


def _make(
    test: str,
    stat: float,
    pval: float,
    n: npt.NDArray[np.int64],
    d: npt.NDArray[np.int64],
    p: FloatArray,
    gstat: FloatArray,
    gp: FloatArray,
    labels: Sequence[Any] | None,
    **kw: Any,
) -> BacktestResult:
    return BacktestResult(
        test,
        float(stat),
        float(pval),
        int(n.sum()),
        int(d.sum()),
        _portfolio_pd(n, p),
        _labels(labels, n.size, kw.pop("prefix", "grade")),
        tuple(int(v) for v in n),
        tuple(int(v) for v in d),
        tuple(float(v) for v in p),
        tuple(float(v) for v in gstat),
        tuple(float(v) for v in gp),
        **kw,
    )


# ----------------------------------------------------------------------------- tests
def jeffreys_test(
    n_obligors: npt.ArrayLike,
    n_defaults: npt.ArrayLike,
    pd: npt.ArrayLike,
    *,
    labels: Sequence[Any] | None = None,
) -> BacktestResult:
    """One-sided Jeffreys test of PDs per grade and for the portfolio (ECB 2019).

    With the Jeffreys prior Beta(1/2, 1/2), the posterior of the default rate is
    Beta(D + 1/2, N - D + 1/2); the p-value is its cdf at the PD. A small p-value says
    the PD is under-estimated.

    Parameters
    ----------
    n_obligors : int or array-like of int
        N per grade.
    n_defaults : int or array-like of int
        D per grade.
    pd : float or array-like of float
        PD per grade, in [0, 1].
    labels : sequence, optional
        Grade labels.

    Returns
    -------
    BacktestResult
        ``grade_statistic`` holds the posterior mean (D + 1/2) / (N + 1); ``statistic``
        and ``pvalue`` test the portfolio (N = sum N, D = sum D, PD = obligor-weighted
        mean PD).

    References
    ----------
    .. [1] European Central Bank (2019). Instructions for reporting the validation results
       of internal models: IRB Pillar I models for credit risk (Jeffreys test of PD
       calibration).
    .. [2] Brown, L. D., Cai, T. T., DasGupta, A. (2001). Interval estimation for a
       binomial proportion. Statistical Science 16(2), 101-133.

    Examples
    --------
    >>> res = jeffreys_test(200, 25, 0.08462743)
    >>> round(res.pvalue, 4)
    0.025
    """
    from scipy.stats import beta

    n, d, p = _grades(n_obligors, n_defaults, pd)
    with np.errstate(invalid="ignore", divide="ignore"):
        gp = np.where(n > 0, beta.cdf(p, d + 0.5, n - d + 0.5), np.nan)
        gstat = np.where(n > 0, (d + 0.5) / (n + 1.0), np.nan)
    N, D, P = int(n.sum()), int(d.sum()), _portfolio_pd(n, p)
    return _make(
        "Jeffreys test",
        (D + 0.5) / (N + 1.0),
        float(beta.cdf(P, D + 0.5, N - D + 0.5)),
        n,
        d,
        p,
        gstat,
        gp,
        labels,
        interval="jeffreys",
    )


def _vasicek_sf(n: int, d: int, pd: float, rho: float) -> float:
    """P(X >= d) when X | Z ~ Binomial(n, p(Z)), p(Z) the Vasicek conditional PD."""
    from scipy.integrate import quad
    from scipy.special import ndtr, ndtri
    from scipy.stats import binom, norm

    if d <= 0:
        return 1.0
    if pd <= 0.0:
        return 0.0
    if pd >= 1.0:
        return 1.0
    k = float(ndtri(pd))
    sr, s1 = math.sqrt(rho), math.sqrt(1.0 - rho)

    def integrand(z: float) -> float:
        pz = float(ndtr((k - sr * z) / s1))
        return float(binom.sf(d - 1, n, pz) * norm.pdf(z))

    # the integrand falls from ~1 to ~0 around z*, where the conditional PD equals d / n
    dr = min(max(d / n, 1e-12), 1.0 - 1e-12)
    z_star = (k - s1 * float(ndtri(dr))) / sr
    z_star = min(max(z_star, -12.0), 12.0)
    lo_part = quad(integrand, -12.0, z_star, limit=200, epsabs=1e-13)[0]
    hi_part = quad(integrand, z_star, 12.0, limit=200, epsabs=1e-13)[0]
    return float(min(1.0, max(0.0, lo_part + hi_part)))


def binomial_test(
    n_obligors: npt.ArrayLike,
    n_defaults: npt.ArrayLike,
    pd: npt.ArrayLike,
    *,
    rho: float = 0.0,
    alternative: str = "greater",
    labels: Sequence[Any] | None = None,
) -> BacktestResult:
    """Binomial test of PDs, optionally with Vasicek one-factor asset correlation.

    Parameters
    ----------
    n_obligors, n_defaults : int or array-like of int
        N and D per grade.
    pd : float or array-like of float
        PD per grade.
    rho : float, default=0.0
        Asset correlation in [0, 1). With ``rho > 0`` defaults are independent only
        conditionally on a standard normal systematic factor Z, with conditional PD
        Phi((Phi^-1(PD) - sqrt(rho) Z) / sqrt(1 - rho)); the p-value integrates the
        conditional binomial tail over Z (exact for the one-factor model at any N; as
        N grows it tends to the Vasicek large-portfolio value).
    alternative : {"greater", "less", "two-sided"}, default="greater"
        ``"greater"``: H1 the PD is under-estimated, p = P(X >= D).
        ``"two-sided"`` (``rho == 0`` only) is ``scipy.stats.binomtest``'s.
    labels : sequence, optional
        Grade labels.

    Returns
    -------
    BacktestResult
        ``grade_statistic`` holds the defaults D; the portfolio test uses N = sum N,
        D = sum D and the obligor-weighted mean PD.

    Notes
    -----
    Without correlation the binomial test is too strict for real portfolios: defaults
    cluster in downturns, so the realised default rate varies far more than binomially
    (BCBS WP14, section 5). ``rho`` of 0.03 to 0.16 (Basel retail) to 0.12-0.24
    (corporates) widens the acceptance region accordingly.

    References
    ----------
    .. [1] Basel Committee on Banking Supervision (2005). Studies on the validation of
       internal rating systems, Working Paper No. 14, section 5 (binomial test, with
       asset correlation).
    .. [2] Tasche, D. (2003). A traffic lights approach to PD validation.
       arXiv:cond-mat/0305038.

    Examples
    --------
    >>> res = binomial_test(100, 65, 0.5)
    >>> round(res.pvalue, 6)
    0.00176
    >>> round(binomial_test(1000, 20, 0.01, rho=0.12).pvalue, 3) > res.pvalue
    True
    """
    from scipy.stats import binom, binomtest

    check_in(alternative, "alternative", ["greater", "less", "two-sided"])
    r = float(rho)
    if not 0.0 <= r < 1.0:
        raise DataError(f"rho must lie in [0, 1); got {rho!r}. Typical retail values: 0.03-0.16.")
    if r > 0 and alternative == "two-sided":
        raise DataError(
            "alternative='two-sided' is available only without correlation (rho=0); "
            "use 'greater' or 'less'."
        )
    n, d, p = _grades(n_obligors, n_defaults, pd)

    def one(nn: int, dd: int, pp: float) -> float:
        if nn == 0:
            return math.nan
        if alternative == "two-sided":
            return float(binomtest(dd, nn, pp).pvalue)
        if r == 0.0:
            return float(
                binom.sf(dd - 1, nn, pp) if alternative == "greater" else binom.cdf(dd, nn, pp)
            )
        if alternative == "greater":
            return _vasicek_sf(nn, dd, pp, r)
        return 1.0 - _vasicek_sf(nn, dd + 1, pp, r)

    gp = np.array([one(int(a), int(b), float(c)) for a, b, c in zip(n, d, p, strict=True)])
    N, D, P = int(n.sum()), int(d.sum()), _portfolio_pd(n, p)
    name = "Binomial test" + (f" (asset correlation {r:g})" if r else "")
    return _make(
        name, D, one(N, D, P), n, d, p, d.astype(float), gp, labels, alternative=alternative, rho=r
    )


def hosmer_lemeshow_test(
    n_obligors: npt.ArrayLike,
    n_defaults: npt.ArrayLike,
    pd: npt.ArrayLike,
    *,
    dof: int | None = None,
    labels: Sequence[Any] | None = None,
) -> BacktestResult:
    """Hosmer-Lemeshow chi-square test of PDs over grades (all grades jointly).

    H = sum_k (D_k - N_k PD_k)^2 / (N_k PD_k (1 - PD_k)), compared with chi-square(dof).

    Parameters
    ----------
    n_obligors, n_defaults : int or array-like of int
        N and D per grade (or per risk decile).
    pd : float or array-like of float
        PD per grade, in (0, 1).
    dof : int, optional
        Degrees of freedom. Sources disagree, and both are right in their setting:
        Hosmer & Lemeshow (1980, 2013) use k - 2 for k groups when the PDs were FITTED
        on the same data by a logistic regression (two parameters estimated); for a
        backtest of PDs fixed before the outcome was seen -- the usual validation case --
        nothing is estimated and H is chi-square with k degrees of freedom (BCBS WP14).
        Default None means k (empty grades excluded).
    labels : sequence, optional
        Grade labels.

    Returns
    -------
    BacktestResult
        ``grade_statistic`` holds each grade's contribution to H and ``grade_pvalue``
        its chi-square(1) p-value; ``statistic`` is H, ``pvalue`` its upper tail.

    References
    ----------
    .. [1] Hosmer, D. W., Lemeshow, S. (1980). Goodness of fit tests for the multiple
       logistic regression model. Communications in Statistics - Theory and Methods 9(10),
       1043-1069.
    .. [2] Hosmer, D. W., Lemeshow, S., Sturdivant, R. X. (2013). Applied Logistic
       Regression, 3rd ed. Wiley, section 5.2.2.
    .. [3] Basel Committee on Banking Supervision (2005). Studies on the validation of
       internal rating systems, Working Paper No. 14 (Hosmer-Lemeshow test).

    Examples
    --------
    >>> res = hosmer_lemeshow_test([100, 100, 100], [2, 6, 9], [0.02, 0.05, 0.10])
    >>> round(res.statistic, 4), res.dof
    (0.3216, 3.0)
    """
    from scipy.stats import chi2

    n, d, p = _grades(n_obligors, n_defaults, pd, open_interval=True)
    used = n > 0
    k = int(used.sum())
    df = float(k if dof is None else dof)
    if df <= 0 or df != int(df):
        raise DataError(f"dof must be a positive integer; got {dof!r} (with {k} non-empty grades).")
    e = n * p
    with np.errstate(invalid="ignore", divide="ignore"):
        contrib = np.where(used, (d - e) ** 2 / (e * (1.0 - p)), np.nan)
    h = float(np.nansum(contrib))
    gp = np.where(used, chi2.sf(contrib, 1), np.nan)
    return _make(
        "Hosmer-Lemeshow test",
        h,
        float(chi2.sf(h, df)),
        n,
        d,
        p,
        contrib,
        gp,
        labels,
        alternative="two-sided",
        dof=df,
    )


def spiegelhalter_test(
    n_obligors: npt.ArrayLike,
    n_defaults: npt.ArrayLike,
    pd: npt.ArrayLike,
    *,
    labels: Sequence[Any] | None = None,
) -> BacktestResult:
    """Spiegelhalter's z test of the mean squared error (Brier score) of PDs.

    Z = sum (y_i - p_i)(1 - 2 p_i) / sqrt(sum (1 - 2 p_i)^2 p_i (1 - p_i)), standard
    normal under H0 "every PD is right"; two-sided p-value. With grades,
    sum over obligors becomes sum_k (D_k - N_k p_k)(1 - 2 p_k) and
    sum_k N_k (1 - 2 p_k)^2 p_k (1 - p_k). For obligor-level data pass
    ``n_obligors=1, n_defaults=y, pd=p``.

    Parameters
    ----------
    n_obligors, n_defaults : int or array-like of int
        N and D per grade (or 1 and y per obligor).
    pd : float or array-like of float
        PD per grade (or obligor), in (0, 1).
    labels : sequence, optional
        Grade labels.

    Returns
    -------
    BacktestResult
        ``statistic`` is Z; ``grade_statistic`` the per-grade z values.

    References
    ----------
    .. [1] Spiegelhalter, D. J. (1986). Probabilistic prediction in patient management and
       clinical trials. Statistics in Medicine 5(5), 421-433.
    .. [2] Rauhmeier, R., Scheule, H. (2005). Rating properties and their implications for
       Basel II capital. Risk 18(3), 78-81.

    Examples
    --------
    >>> res = spiegelhalter_test([1] * 4, [0, 1, 0, 0], [0.1, 0.8, 0.3, 0.2])
    >>> round(res.statistic, 4)
    -0.9685
    """
    n, d, p = _grades(n_obligors, n_defaults, pd, open_interval=True)
    num = (d - n * p) * (1.0 - 2.0 * p)
    var = n * (1.0 - 2.0 * p) ** 2 * p * (1.0 - p)
    tot_var = float(var.sum())
    if tot_var <= 0:
        raise DataError(
            "Spiegelhalter's variance is zero: every PD is 0.5 (or every grade is empty). "
            "The test needs PDs other than 0.5."
        )
    z = float(num.sum()) / math.sqrt(tot_var)
    with np.errstate(invalid="ignore", divide="ignore"):
        gz = np.where(var > 0, num / np.sqrt(var), np.nan)
    from scipy.special import ndtr

    gp = 2.0 * ndtr(-np.abs(gz))
    return _make(
        "Spiegelhalter test",
        z,
        float(2.0 * ndtr(-abs(z))),
        n,
        d,
        p,
        gz,
        gp,
        labels,
        alternative="two-sided",
    )


def normal_test(
    n_obligors: npt.ArrayLike,
    n_defaults: npt.ArrayLike,
    pd: npt.ArrayLike,
    *,
    labels: Sequence[Any] | None = None,
) -> BacktestResult:
    """Normal test of a PD over several periods (Tasche, BCBS WP14).

    With yearly default rates d_t and forecast PDs PD_t of one grade (or the portfolio)
    over T periods, Z = sum_t (d_t - PD_t) / (sqrt(T) tau), where
    tau^2 = (sum_t (d_t - PD_t)^2 - (sum_t (d_t - PD_t))^2 / T) / (T - 1) is the sample
    variance of the forecast errors. Z is compared with a standard normal one-sided
    (H1: PDs under-estimated). Estimating tau from the data lets the test absorb default
    correlation within a year; independence ACROSS years is assumed.

    Parameters
    ----------
    n_obligors, n_defaults : array-like of int, shape (T,)
        Obligors at the start of each period and defaults during it.
    pd : float or array-like of float, shape (T,)
        PD forecast for each period.
    labels : sequence, optional
        Period labels (default "period 1", ...).

    Returns
    -------
    BacktestResult
        ``grade_*`` fields are per period; ``grade_statistic`` holds d_t - PD_t.

    References
    ----------
    .. [1] Basel Committee on Banking Supervision (2005). Studies on the validation of
       internal rating systems, Working Paper No. 14, section 5 (normal test).
    .. [2] Tasche, D. (2008). Validation of internal rating systems and PD estimates. In
       The Analytics of Risk Model Validation, Academic Press, 169-196.

    Examples
    --------
    >>> res = normal_test([1000] * 5, [12, 25, 9, 14, 30], 0.015)
    >>> round(res.statistic, 4)
    0.7431
    """
    from scipy.special import ndtr

    n, d, p = _grades(n_obligors, n_defaults, pd)
    if (n == 0).any():
        raise DataError("normal_test needs obligors in every period; a period has none.")
    t = n.size
    if t < 2:
        raise DataError("normal_test needs at least two periods to estimate the variance.")
    err = d / n - p
    tau2 = (np.sum(err**2) - np.sum(err) ** 2 / t) / (t - 1)
    if tau2 <= 0:
        raise DataError("the forecast errors have zero variance across periods; Z is undefined.")
    z = float(np.sum(err) / (math.sqrt(t) * math.sqrt(tau2)))
    nan = np.full(t, np.nan)
    return _make(
        "Normal test (multi-period)", z, float(ndtr(-z)), n, d, p, err, nan, labels, prefix="period"
    )


# ----------------------------------------------------------------------------- scores
def _obligor_inputs(
    y_true: npt.ArrayLike, pd: npt.ArrayLike
) -> tuple[npt.NDArray[np.int64], FloatArray]:
    arr = np.asarray(y_true)
    # allow a single-class sample: scores are defined; only a default flag is required
    if arr.size and np.isin(arr, (0, 1)).all() and len(np.unique(arr)) == 1:
        y = arr.astype(np.int64).reshape(-1)
    else:
        y = check_binary_target(arr, name="y_true")
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
        import pandas as pd

        _, cols, rows, _ = self._summary_table()
        return pd.DataFrame(rows, columns=cols)


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
    g = _bin_index(p, n_bins, strategy)
    k = int(g.max()) + 1
    cnt = np.bincount(g, minlength=k).astype(float)
    used = cnt > 0
    f = np.bincount(g, weights=p, minlength=k)[used] / cnt[used]
    o = np.bincount(g, weights=y.astype(float), minlength=k)[used] / cnt[used]
    c = cnt[used]
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
    return BrierResult(bs, rel, res, unc, float(within), skill, n, int(used.sum()), se, pval)


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
    g = _bin_index(p, n_bins, strategy)
    k = int(g.max()) + 1
    cnt = np.bincount(g, minlength=k).astype(float)
    used = cnt > 0
    f = np.bincount(g, weights=p, minlength=k)[used] / cnt[used]
    o = np.bincount(g, weights=y.astype(float), minlength=k)[used] / cnt[used]
    c = cnt[used]
    gap = np.abs(o - f)
    return ECEResult(
        float(np.sum(c * gap) / c.sum()),
        float(gap.max()),
        tuple(int(v) for v in c),
        tuple(f.tolist()),
        tuple(o.tolist()),
    )
