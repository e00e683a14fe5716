"""Statistical summary of a scorecard's logistic model (statsmodels GLM Binomial).

Why ``freq_weights``: scikit-learn's contract for ``sample_weight`` is that an integer
weight ``w`` is the same as repeating the row ``w`` times (``check_sample_weight_equivalence``).
GLM Binomial with ``freq_weights`` is exactly that model: coefficients, standard errors,
log-likelihood, AIC and residual degrees of freedom equal those of the row-expanded data.
``var_weights`` would give the same coefficients and, for the Binomial family (scale
fixed at 1), the same covariance, but count residual degrees of freedom and the
log-likelihood on ``n`` rows instead of ``sum(w)`` applicants, so AIC and the deviance
would not match the expanded sample. Peers either drop the weights here or compute
OLS-style standard errors, which are wrong for a logistic model.

If the weights are *sampling* weights (inverse selection probabilities, e.g. goods
down-sampled 1-in-10 and weighted 10), the frequency-weight standard errors are too small
because they pretend the population was observed; use the sandwich (robust) covariance,
``Scorecard.statistical_summary(X, y, sample_weight=w, cov_type="HC0")``, in that case.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from overdue_risk._results import Result
from overdue_risk._validation import check_binary_target, check_in, check_sample_weight
from overdue_risk.exceptions import DataError
from overdue_risk.scorecard._logistic import information

__all__ = [
    "ScorecardSummary",
    "card_summary",
    "fit_summary",
    "newton_summary",
    "weighted_vif",
]


def weighted_vif(Z: npt.ArrayLike, w: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """Variance inflation factors of the columns of ``Z`` under row weights ``w``.

    ``VIF_j = 1 / (1 - R_j^2)`` where ``R_j^2`` is the weighted R-squared of regressing
    column ``j`` on the others with an intercept; computed as the diagonal of the inverse
    weighted correlation matrix. With unit weights it equals statsmodels'
    ``variance_inflation_factor`` on the design with a constant.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> a = rng.normal(size=500)
    >>> Z = np.column_stack([a, a + 0.5 * rng.normal(size=500), rng.normal(size=500)])
    >>> np.round(weighted_vif(Z, np.ones(500)), 1)
    array([5.7, 5.7, 1. ])
    """
    Z = np.asarray(Z, dtype=np.float64)
    w = np.asarray(w, dtype=np.float64)
    p = Z.shape[1]
    if p == 0:
        return np.empty(0)
    if p == 1:
        return np.ones(1)
    # the weighted covariance from the moments [1, Z]' diag(w) [1, Z], centred in p x p
    # afterwards: one pass over Z and no centred n x p copy (0.7 s of a 1M x 30 card fit,
    # issue 19). WOE columns have weighted means near 0, so no digits cancel.
    if w.size and w.min() == 1.0 and w.max() == 1.0:  # unit weights: Z'Z, no weighted copy
        total, first, gram = float(w.size), Z.sum(axis=0), Z.T @ Z
    else:
        G = information(Z, w)
        total, first, gram = G[0, 0], G[0, 1:], G[1:, 1:]
    cov = gram - np.outer(first, first) / total
    sd = np.sqrt(np.diag(cov))
    with np.errstate(divide="ignore", invalid="ignore"):
        corr = cov / np.outer(sd, sd)
    if not np.all(np.isfinite(corr)):
        return np.full(p, np.inf)
    try:
        inv = np.linalg.inv(corr)
    except np.linalg.LinAlgError:
        return np.full(p, np.inf)
    vif: npt.NDArray[np.float64] = np.diag(inv).copy()
    return vif


@dataclass(frozen=True, eq=False)
class ScorecardSummary(Result):
    """Coefficients, standard errors, p-values, confidence intervals and VIF.

    Attributes
    ----------
    terms : tuple of str
        ``"intercept"`` then the card's features.
    coef, std_err, z, pvalue, ci_low, ci_high : ndarray of float64
        Maximum-likelihood estimates of the logistic model of ``P(event)`` on the WOE
        columns, their standard errors, Wald z statistics, two-sided p-values and 95%
        Wald confidence intervals.
    vif : ndarray of float64
        Variance inflation factor of each feature's WOE column (NaN for the intercept).
    n_obs : int
        Rows used. ``sum_weights`` : float, the total frequency weight.
    loglik, aic : float
        Log-likelihood and AIC of the frequency-weighted model.
    weights : str
        ``"freq_weights"`` (see the module notes for why) or ``"none"``.
    cov_type : str
        ``"nonrobust"`` or ``"HC0"`` (sandwich).
    notes : tuple of str
        Warnings raised by statsmodels while fitting (e.g. perfect separation).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> Z = rng.choice([-0.5, 0.2, 0.9], size=(2000, 1))
    >>> y = (rng.uniform(size=2000) < 1 / (1 + np.exp(1.5 + Z[:, 0]))).astype(int)
    >>> s = fit_summary(Z, y, None, ["dti"])
    >>> s.terms, bool(s.coef[1] < 0), bool(s.pvalue[1] < 0.01)
    (('intercept', 'dti'), True, True)
    """

    terms: tuple[str, ...]
    coef: npt.NDArray[np.float64]
    std_err: npt.NDArray[np.float64]
    z: npt.NDArray[np.float64]
    pvalue: npt.NDArray[np.float64]
    ci_low: npt.NDArray[np.float64]
    ci_high: npt.NDArray[np.float64]
    vif: npt.NDArray[np.float64]
    n_obs: int
    sum_weights: float
    loglik: float
    aic: float
    weights: str
    cov_type: str
    notes: tuple[str, ...] = ()

    def confidence_interval(
        self, confidence_level: float = 0.95
    ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
        """Wald confidence intervals ``coef -/+ z_{(1+level)/2} * std_err``."""
        from scipy.stats import norm

        q = float(norm.ppf(0.5 + confidence_level / 2.0))
        return self.coef - q * self.std_err, self.coef + q * self.std_err

    def to_frame(self) -> Any:
        """One row per term: coef, std_err, z, pvalue, ci_low, ci_high, vif."""
        import pandas as pd

        return pd.DataFrame(
            {
                "coef": self.coef,
                "std_err": self.std_err,
                "z": self.z,
                "pvalue": self.pvalue,
                "ci_low": self.ci_low,
                "ci_high": self.ci_high,
                "vif": self.vif,
            },
            index=pd.Index(list(self.terms), name="term"),
        )

    def _summary_table(self) -> tuple[str, list[str], list[list[Any]], str]:
        cols = ["term", "coef", "std_err", "z", "P>|z|", "[0.025", "0.975]", "VIF"]
        rows = [
            [
                t,
                *(float(a[i]) for a in (self.coef, self.std_err, self.z, self.pvalue)),
                float(self.ci_low[i]),
                float(self.ci_high[i]),
                None if math.isnan(self.vif[i]) else float(self.vif[i]),
            ]
            for i, t in enumerate(self.terms)
        ]
        footer = (
            f"GLM Binomial (logit), {self.n_obs} rows, sum of weights {self.sum_weights:g}, "
            f"weights={self.weights}, cov={self.cov_type}; log-lik {self.loglik:.4f}, "
            f"AIC {self.aic:.4f}. WOE convention: negative coefficients expected."
        )
        if self.notes:
            footer += " Notes: " + "; ".join(self.notes)
        return "Scorecard logistic model", cols, rows, footer


def fit_summary(
    Z: npt.ArrayLike,
    y: npt.ArrayLike,
    w: npt.ArrayLike | None,
    names: Sequence[str],
    *,
    cov_type: str = "nonrobust",
    start_params: npt.ArrayLike | None = None,
) -> ScorecardSummary:
    """Fit GLM Binomial with ``freq_weights`` on the WOE design ``Z`` and summarise it."""
    import statsmodels.api as sm

    check_in(cov_type, "cov_type", ["nonrobust", "HC0"])
    Z = np.asarray(Z, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    weights = "none" if w is None else "freq_weights"
    wv = np.ones(y.shape[0]) if w is None else np.asarray(w, dtype=np.float64)
    keep = wv > 0  # zero-weight rows carry no information (and break df bookkeeping)
    Zk, yk, wk = Z[keep], y[keep], wv[keep]
    design = np.column_stack([np.ones(Zk.shape[0]), Zk])
    notes: list[str] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = sm.GLM(yk, design, family=sm.families.Binomial(), freq_weights=wk)
        res = model.fit(cov_type=cov_type, start_params=start_params)
        params = np.asarray(res.params, dtype=np.float64)
        bse = np.asarray(res.bse, dtype=np.float64)
        ci = np.asarray(res.conf_int(alpha=0.05), dtype=np.float64)
        llf, aic = float(res.llf), float(res.aic)
    for item in caught:
        msg = str(item.message).splitlines()[0]
        if msg not in notes:
            notes.append(msg)
    zstat = params / bse
    from scipy.stats import norm

    pval = 2.0 * norm.sf(np.abs(zstat))
    vif = np.concatenate([[np.nan], weighted_vif(Zk, wk)])
    return ScorecardSummary(
        terms=("intercept", *names),
        coef=params,
        std_err=bse,
        z=zstat,
        pvalue=pval,
        ci_low=ci[:, 0],
        ci_high=ci[:, 1],
        vif=vif,
        n_obs=int(keep.sum()),
        sum_weights=float(wk.sum()),
        loglik=llf,
        aic=aic,
        weights=weights,
        cov_type=cov_type,
        notes=tuple(notes),
    )


def newton_summary(
    Z: npt.ArrayLike,
    y: npt.ArrayLike,
    w: npt.ArrayLike | None,
    names: Sequence[str],
    params: npt.ArrayLike,
    *,
    converged: bool = True,
) -> ScorecardSummary:
    """The ``nonrobust`` summary of :func:`fit_summary` from a converged Newton fit.

    ``params`` (intercept first) must be the unpenalised maximum-likelihood estimate on
    ``Z, y, w`` (what ``fit_logistic(..., C=inf)`` returns). The covariance is the inverse
    of the observed information ``X' diag(w mu (1 - mu)) X`` at ``params`` (pseudo-inverse,
    as statsmodels), so the standard errors, log-likelihood and AIC equal statsmodels'
    GLM Binomial with ``freq_weights`` without refitting the model: one ``O(n p^2)``
    pass in place of statsmodels' IRLS, which at 1M rows cost a third of a card's fit
    (``tests/test_scorecard_summary.py`` compares the two).

    Examples
    --------
    >>> from overdue_risk.scorecard._logistic import fit_logistic
    >>> rng = np.random.default_rng(0)
    >>> Z = rng.choice([-0.5, 0.2, 0.9], size=(2000, 1))
    >>> y = (rng.uniform(size=2000) < 1 / (1 + np.exp(1.5 + Z[:, 0]))).astype(int)
    >>> fit = fit_logistic(Z, y, np.ones(2000))
    >>> s = newton_summary(Z, y, None, ["dti"], np.r_[fit.intercept, fit.coef])
    >>> ref = fit_summary(Z, y, None, ["dti"])
    >>> bool(np.allclose(s.std_err, ref.std_err, rtol=1e-6))
    True
    """
    from scipy.stats import norm

    Zm = np.asarray(Z, dtype=np.float64)
    yv = np.asarray(y, dtype=np.float64)
    beta = np.asarray(params, dtype=np.float64).reshape(-1)
    weights = "none" if w is None else "freq_weights"
    if w is None:
        wk: npt.NDArray[np.float64] = np.ones(yv.shape[0])
        Zk, yk = Zm, yv
    else:
        wv = np.asarray(w, dtype=np.float64)
        keep = wv > 0
        if bool(keep.all()):
            Zk, yk, wk = Zm, yv, wv
        else:
            Zk, yk, wk = Zm[keep], yv[keep], wv[keep]
    eta = Zk @ beta[1:] + beta[0]
    mu = 0.5 * (1.0 + np.tanh(0.5 * eta))
    h = wk * mu * (1.0 - mu)
    p = beta.shape[0]
    cov = np.linalg.pinv(information(Zk, h))
    bse = np.sqrt(np.diag(cov))
    # log-likelihood of the Bernoulli model, log(1 + exp(eta)) computed stably
    llf = -float(wk @ (np.logaddexp(0.0, eta) - yk * eta))
    zstat = beta / bse
    q = float(norm.ppf(0.975))
    notes = () if converged else ("the Newton fit did not converge",)
    return ScorecardSummary(
        terms=("intercept", *names),
        coef=beta.copy(),
        std_err=bse,
        z=zstat,
        pvalue=2.0 * norm.sf(np.abs(zstat)),
        ci_low=beta - q * bse,
        ci_high=beta + q * bse,
        vif=np.concatenate([[np.nan], weighted_vif(Zk, wk)]),
        n_obs=int(yk.shape[0]),
        sum_weights=float(wk.sum()),
        loglik=llf,
        aic=-2.0 * llf + 2.0 * p,
        weights=weights,
        cov_type="nonrobust",
        notes=notes,
    )


def card_summary(
    sc: Any, X: Any, y: Any, *, sample_weight: npt.ArrayLike | None, cov_type: str
) -> ScorecardSummary:
    """``Scorecard.statistical_summary``: the fit's summary, or a refit on ``X, y``.

    The arguments are those of the method, which holds their defaults.
    """
    if X is None:
        if sc.summary_ is None:
            raise DataError(
                "an expert card has no fitted logistic model, hence no statistical "
                "summary. Fit a Scorecard on data to get coefficients and standard errors."
            )
        if cov_type != "nonrobust":
            raise DataError(
                f"cov_type={cov_type!r} needs the data: pass X and y to refit the summary."
            )
        summary: ScorecardSummary = sc.summary_
        return summary
    if y is None:
        raise DataError("X was given without y. Pass both to refit the summary.")
    if sc.is_expert_:
        raise DataError(
            "an expert card has no WOE columns to refit a logistic model on. Validate "
            "it with overdue_risk.metrics / backtest on predict_points instead."
        )
    y01 = check_binary_target(y, pos_label=sc.classes_[1])
    slots = sc._slot_matrix(X)
    Z = np.column_stack([np.asarray(f.woe)[slots[:, j]] for j, f in enumerate(sc.card_)])
    w = None if sample_weight is None else check_sample_weight(sample_weight, len(y01))
    return fit_summary(Z, y01, w, sc.features_, cov_type=cov_type)
