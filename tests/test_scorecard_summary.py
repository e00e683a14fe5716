"""The statsmodels summary: frequency weights are row repetitions; VIF as statsmodels'."""

from __future__ import annotations

import numpy as np
import pytest
import statsmodels.api as sm
from sklearn.linear_model import LogisticRegression
from statsmodels.stats.outliers_influence import variance_inflation_factor

from overdue_risk.scorecard._summary import fit_summary, weighted_vif


@pytest.fixture
def design(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    n = 600
    a = rng.choice([-0.8, -0.1, 0.4, 1.1], size=n)  # WOE-like step values
    b = np.where(rng.uniform(size=n) < 0.5, a, rng.choice([-0.5, 0.3], size=n))
    c = rng.choice([-0.3, 0.2, 0.6], size=n)
    Z = np.column_stack([a, b, c])
    eta = -1.2 - 0.9 * a - 0.4 * b - 0.7 * c
    y = (rng.uniform(size=n) < 1 / (1 + np.exp(-eta))).astype(np.int64)
    return Z, y


def test_integer_weights_equal_row_repetition(
    design: tuple[np.ndarray, np.ndarray], rng: np.random.Generator
) -> None:
    Z, y = design
    w = rng.integers(1, 4, size=y.size).astype(float)
    weighted = fit_summary(Z, y, w, ["a", "b", "c"])
    rep = np.repeat(np.arange(y.size), w.astype(int))
    expanded = fit_summary(Z[rep], y[rep], None, ["a", "b", "c"])
    for field in ("coef", "std_err", "pvalue", "ci_low", "ci_high", "vif"):
        np.testing.assert_allclose(
            getattr(weighted, field),
            getattr(expanded, field),
            rtol=1e-6,
            equal_nan=True,
            err_msg=field,
        )
    assert weighted.loglik == pytest.approx(expanded.loglik, rel=1e-9)
    assert weighted.aic == pytest.approx(expanded.aic, rel=1e-9)
    assert weighted.weights == "freq_weights"
    assert weighted.sum_weights == pytest.approx(w.sum())
    # ignoring the weights (what peers do) gives visibly different standard errors
    unweighted = fit_summary(Z, y, None, ["a", "b", "c"])
    assert not np.allclose(unweighted.std_err, weighted.std_err, rtol=0.05)


def test_coefficients_match_unpenalised_sklearn(design: tuple[np.ndarray, np.ndarray]) -> None:
    Z, y = design
    s = fit_summary(Z, y, None, ["a", "b", "c"])
    lr = LogisticRegression(C=np.inf, max_iter=1000, tol=1e-10).fit(Z, y)
    np.testing.assert_allclose(s.coef, [lr.intercept_[0], *lr.coef_[0]], rtol=1e-5)
    # statsmodels' own GLM summary gives the same standard errors (no OLS formula)
    ref = sm.GLM(y, sm.add_constant(Z), family=sm.families.Binomial()).fit()
    np.testing.assert_allclose(s.std_err, ref.bse, rtol=1e-8)
    lo, hi = s.confidence_interval(0.95)
    np.testing.assert_allclose(lo, s.ci_low, rtol=1e-6)
    np.testing.assert_allclose(hi, s.ci_high, rtol=1e-6)


def test_vif_equals_statsmodels_with_unit_weights(design: tuple[np.ndarray, np.ndarray]) -> None:
    Z, _ = design
    ref = [variance_inflation_factor(sm.add_constant(Z), j) for j in range(1, 4)]
    np.testing.assert_allclose(weighted_vif(Z, np.ones(Z.shape[0])), ref, rtol=1e-9)


def test_robust_covariance_and_outputs(design: tuple[np.ndarray, np.ndarray]) -> None:
    Z, y = design
    s = fit_summary(Z, y, None, ["a", "b", "c"], cov_type="HC0")
    assert s.cov_type == "HC0"
    frame = s.to_frame()
    assert list(frame.index) == ["intercept", "a", "b", "c"]
    assert np.isnan(frame.loc["intercept", "vif"])
    text = s.summary()
    assert "freq_weights" not in text
    assert "weights=none" in text
    assert "<table>" in s._repr_html_()


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("C", [np.inf, 0.05])
def test_fit_summary_from_newton_equals_statsmodels(
    design: tuple[np.ndarray, np.ndarray], rng: np.random.Generator, weighted: bool, C: float
) -> None:
    """The card's summary comes from the Newton fit's Hessian; statsmodels' GLM agrees."""
    import pandas as pd

    from overdue_risk import Scorecard, WOEBinner

    Z, y = design
    X = pd.DataFrame(Z, columns=["a", "b", "c"])
    w = rng.integers(0, 4, size=y.size).astype(float) if weighted else None
    sc = Scorecard(WOEBinner(max_n_bins=5), C=C, sign_check="report").fit(X, y, sample_weight=w)
    fast = sc.summary_
    Zw = np.column_stack(
        [np.asarray(f.woe)[sc._slot_matrix(X)[:, j]] for j, f in enumerate(sc.card_)]
    )
    # statsmodels' IRLS stops at a 1e-8 deviance change: start it at the optimum
    ref = fit_summary(Zw, y, w, sc.features_, start_params=fast.coef)
    np.testing.assert_allclose(fast.coef, ref.coef, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(fast.std_err, ref.std_err, rtol=1e-6)
    np.testing.assert_allclose(fast.pvalue, ref.pvalue, rtol=1e-5, atol=1e-300)
    np.testing.assert_allclose(fast.ci_low, ref.ci_low, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(fast.vif, ref.vif, rtol=1e-9, equal_nan=True)
    assert fast.loglik == pytest.approx(ref.loglik, rel=1e-9)
    assert fast.aic == pytest.approx(ref.aic, rel=1e-9)
    assert (fast.n_obs, fast.weights, fast.terms) == (ref.n_obs, ref.weights, ref.terms)
    assert fast.sum_weights == pytest.approx(ref.sum_weights)
    if np.isinf(C):  # the summary describes the card's own (unpenalised) coefficients
        np.testing.assert_allclose(fast.coef[1:], [f.coefficient for f in sc.card_], rtol=1e-12)
