"""Statistical tests of PD calibration per grade: Jeffreys, binomial (with the Vasicek
correlation option), Hosmer-Lemeshow, Spiegelhalter and the normal test.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from overdue_risk._validation import (
    FloatArray,
    check_counts,
    check_in,
    check_probability,
)
from overdue_risk.backtest._result import BacktestResult
from overdue_risk.exceptions import DataError

__all__ = [
    "binomial_test",
    "hosmer_lemeshow_test",
    "jeffreys_test",
    "normal_test",
    "spiegelhalter_test",
]


# ----------------------------------------------------------------------------- inputs
def _grades(
    n_obligors: npt.ArrayLike,
    n_defaults: npt.ArrayLike,
    pd: npt.ArrayLike,
    *,
    open_interval: bool = False,
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], FloatArray]:
    n_raw = check_counts(n_obligors, "n_obligors")
    d_raw = check_counts(n_defaults, "n_defaults")
    p_raw = np.asarray(check_probability(pd, "pd", open_interval=open_interval))
    n, d, p = n_raw.reshape(-1), d_raw.reshape(-1), p_raw.reshape(-1)
    k = max(n.size, d.size, p.size)
    # a scalar applies to every grade; a list must have one entry per grade (a one-entry
    # list against several grades is a mistake, not a broadcast)
    sizes = [a.size for a in (n_raw, d_raw, p_raw) if a.ndim > 0]
    if any(size != k for size in sizes):
        raise DataError(
            f"n_obligors, n_defaults and pd must have one entry per grade (or be scalars); got "
            f"lengths {n.size}, {d.size}, {p.size}."
        )
    n, d, p = (np.broadcast_to(a, (k,)).copy() for a in (n, d, p))  # type: ignore[assignment]
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
