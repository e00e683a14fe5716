"""Reject inference methods, the selection model and the report against the truth."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression

from overdue_risk.exceptions import DataError, NotFittedError
from overdue_risk.reject_inference import (
    AcceptanceReweighting,
    FuzzyAugmentation,
    HardCutoffAugmentation,
    Parcelling,
    SelectionModel,
    bivariate_normal_cdf,
    reject_inference_report,
)

METHODS = [
    AcceptanceReweighting(),
    FuzzyAugmentation(),
    HardCutoffAugmentation(),
    Parcelling(random_state=0),
    SelectionModel(selection_features=["iv"]),
]


@pytest.fixture(scope="module")
def applicants() -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """A selected sample: bivariate probit, correlation -0.6, instrument ``iv``."""
    rng = np.random.default_rng(7)
    n = 4_000
    X = pd.DataFrame({"x": rng.normal(size=n), "iv": rng.normal(size=n)})
    u, v = rng.multivariate_normal([0.0, 0.0], [[1.0, -0.6], [-0.6, 1.0]], n).T
    bad = (-1.0 + 0.8 * X["x"] + v > 0).to_numpy(dtype=float)
    accepted = (0.3 - 0.8 * X["x"] + 0.8 * X["iv"] + u > 0).to_numpy()
    return X, np.where(accepted, bad, np.nan), bad


@pytest.mark.parametrize("method", METHODS, ids=lambda m: type(m).__name__)
def test_development_sample_shape_and_weights(
    method: Any, applicants: tuple[pd.DataFrame, np.ndarray, np.ndarray]
) -> None:
    X, y, _ = applicants
    X_dev, y_dev, w = clone(method).fit_resample(X, y)
    n_acc, n_rej = int((~np.isnan(y)).sum()), int(np.isnan(y).sum())
    assert len(X_dev) == y_dev.size == w.size
    assert set(np.unique(y_dev)) <= {0, 1}
    assert np.all(w > 0)
    assert np.all(np.isfinite(w))
    assert list(X_dev.columns) == list(X.columns)
    if isinstance(method, AcceptanceReweighting):
        assert len(X_dev) == n_acc
        assert w.sum() == pytest.approx(len(X))
    elif isinstance(method, FuzzyAugmentation | SelectionModel):
        # every reject twice, weights p and 1 - p (zero weights dropped)
        assert n_acc + n_rej <= len(X_dev) <= n_acc + 2 * n_rej
        assert w[n_acc:].sum() == pytest.approx(n_rej)
    else:
        assert len(X_dev) == n_acc + n_rej
        np.testing.assert_array_equal(w, 1.0)
    # the accepts keep their own labels
    np.testing.assert_array_equal(y_dev[:n_acc], y[~np.isnan(y)].astype(int))


def test_fuzzy_inferred_bad_rate_is_the_reference_pd(
    applicants: tuple[pd.DataFrame, np.ndarray, np.ndarray],
) -> None:
    X, y, _ = applicants
    m = FuzzyAugmentation(features=["x"], estimator=LogisticRegression(), bad_rate_factor=1.5)
    _X_dev, y_dev, w = m.fit_resample(X, y)
    n_acc = int((~np.isnan(y)).sum())
    rej = X.loc[np.isnan(y)]
    expected = np.clip(1.5 * m.predict_pd(rej), 0, 1).sum()
    assert w[n_acc:][y_dev[n_acc:] == 1].sum() == pytest.approx(expected)


def test_hard_cutoff_labels_the_share_it_says(
    applicants: tuple[pd.DataFrame, np.ndarray, np.ndarray],
) -> None:
    X, y, _ = applicants
    m = HardCutoffAugmentation(estimator=LogisticRegression(), bad_rate_factor=2.0)
    _X_dev, y_dev, _ = m.fit_resample(X, y)
    n_acc = int((~np.isnan(y)).sum())
    p = m.predict_pd(X.loc[np.isnan(y)])
    assert y_dev[n_acc:].mean() == pytest.approx(2.0 * p.mean(), abs=2.0 / p.size)
    assert np.all(p[y_dev[n_acc:] == 1] >= m.cutoff_)


def test_parcelling_is_seeded_and_uses_band_rates(
    applicants: tuple[pd.DataFrame, np.ndarray, np.ndarray],
) -> None:
    X, y, _ = applicants
    a = Parcelling(n_bands=5, random_state=3, estimator=LogisticRegression()).fit_resample(X, y)
    b = Parcelling(n_bands=5, random_state=3, estimator=LogisticRegression())
    b_out = b.fit_resample(X, y)
    np.testing.assert_array_equal(a[1], b_out[1])
    assert b.band_bad_rate_.size == 5
    assert np.all(np.diff(b.band_bad_rate_) > 0)  # the bands rank the accepts


def test_selection_model_recovers_the_truth(
    applicants: tuple[pd.DataFrame, np.ndarray, np.ndarray],
) -> None:
    X, y, bad = applicants
    m = SelectionModel(features=["x"], selection_features=["iv"]).fit(X, y)
    assert m.converged_
    assert m.rho_ == pytest.approx(-0.6, abs=0.2)
    rej = np.isnan(y)
    # the selection-corrected PD of the rejects is much closer to their true bad rate
    # than the accepts-only model's (not equal: WOE bins do not extrapolate beyond the
    # accepts' range, so both under-predict the far tail)
    kgb = FuzzyAugmentation(features=["x"]).fit(X, y)
    truth = bad[rej].mean()
    pd_sel = m.predict_pd(X.loc[rej]).mean()
    pd_kgb = kgb.predict_pd(X.loc[rej]).mean()
    assert pd_kgb < pd_sel < truth
    assert truth - pd_sel < 0.5 * (truth - pd_kgb)


@pytest.mark.parametrize("rho", [-0.9, -0.3, 0.0, 0.5, 0.95])
def test_bivariate_normal_cdf_matches_scipy(rho: float) -> None:
    h = np.array([-2.0, -0.5, 0.0, 0.7, 2.5])
    k = np.array([1.0, -1.5, 0.0, 0.3, -0.2])
    mvn = stats.multivariate_normal([0.0, 0.0], [[1.0, rho], [rho, 1.0]])
    expected = [mvn.cdf([a, b]) for a, b in zip(h, k, strict=True)]
    np.testing.assert_allclose(bivariate_normal_cdf(h, k, rho), expected, atol=1e-7)


def test_bivariate_normal_cdf_closed_form_at_zero() -> None:
    """Phi2(0, 0; rho) = 1/4 + asin(rho) / (2 pi) (Sheppard 1898)."""
    for rho in (-0.7, 0.2, 0.8):
        val = float(bivariate_normal_cdf(0.0, 0.0, rho)[0])
        assert val == pytest.approx(0.25 + np.arcsin(rho) / (2 * np.pi), abs=1e-12)


@pytest.mark.parametrize(
    ("y", "match"),
    [
        ([0, 1, 0, 1], "no rejected applicant"),
        ([0, 2, np.nan, 1], "only 0, 1"),
        ([0, 0, np.nan, np.nan], "both goods"),
        ([0, 1, np.nan], "3 values but X has 4 rows"),
    ],
)
def test_bad_outcomes_are_clear_errors(y: list[float], match: str) -> None:
    X = pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0]})
    with pytest.raises(DataError, match=match):
        FuzzyAugmentation().fit(X, y)


def test_bad_inputs_are_clear_errors(
    applicants: tuple[pd.DataFrame, np.ndarray, np.ndarray],
) -> None:
    X, y, _ = applicants
    with pytest.raises(DataError, match="pandas DataFrame"):
        FuzzyAugmentation().fit(X.to_numpy(), y)
    with pytest.raises(DataError, match="not columns of X"):
        FuzzyAugmentation(features=["nope"]).fit(X, y)
    with pytest.raises(DataError, match="max_weight"):
        AcceptanceReweighting(max_weight=0.5).fit(X, y)
    with pytest.raises(DataError, match="n_bands"):
        Parcelling(n_bands=1).fit_resample(X, y)
    with pytest.raises(DataError, match="cutoff"):
        HardCutoffAugmentation(cutoff=1.5).fit_resample(X, y)
    Xn = X.assign(iv=np.where(np.arange(len(X)) == 0, np.nan, X["iv"]))
    with pytest.raises(DataError, match="'iv'"):
        SelectionModel(selection_features=["iv"]).fit(Xn, y)
    with pytest.raises(NotFittedError, match="not fitted"):
        FuzzyAugmentation().predict_pd(X)


@pytest.mark.parametrize("method", METHODS, ids=lambda m: type(m).__name__)
def test_parameter_rules_cover_the_constructor(method: Any) -> None:
    """One declarative validation (``_param_rules``), as the other estimators have."""
    rules = type(method)._param_rules
    params = method.get_params(deep=False)
    assert set(rules) <= set(params)
    for name, rule in rules.items():
        rule.check(type(method).__name__, name, params[name])  # the defaults pass


@pytest.mark.parametrize(
    ("method", "match"),
    [
        (FuzzyAugmentation(bad_rate_factor=0.0), "FuzzyAugmentation: bad_rate_factor must be"),
        (HardCutoffAugmentation(bad_rate_factor=-1.0), "bad_rate_factor must be a number > 0"),
        (Parcelling(n_bands=2.5), "Parcelling: n_bands must be an integer >= 2"),
        (AcceptanceReweighting(max_weight=float("inf")), "max_weight must be a number >= 1"),
        (SelectionModel(max_iter=0), "SelectionModel: max_iter must be an integer >= 1"),
    ],
)
def test_bad_parameters_are_named_at_fit(
    applicants: tuple[pd.DataFrame, np.ndarray, np.ndarray], method: Any, match: str
) -> None:
    X, y, _ = applicants
    with pytest.raises(DataError, match=match):
        method.fit(X, y)


def test_methods_clone_with_their_parameters() -> None:
    m = Parcelling(["a"], n_bands=4, bad_rate_factor=2.0, random_state=1)
    assert clone(m).get_params() == m.get_params()


def test_report_needs_a_through_the_door_book() -> None:
    from overdue_risk.datasets import make_microloan_portfolio

    with pytest.raises(DataError, match="through_the_door=True"):
        reject_inference_report(make_microloan_portfolio(300, 12, random_state=0))


@pytest.mark.slow
def test_report_against_the_truth() -> None:
    """On a through-the-door book the known-good-bad card under-predicts the rejects;
    augmentation with the incumbent score and the selection model raise the PD towards
    the true through-the-door bad rate."""
    from overdue_risk.datasets import make_microloan_portfolio
    from overdue_risk.reject_inference import default_methods

    book = make_microloan_portfolio(8_000, 30, random_state=11, through_the_door=True)
    feats = list(book.applicant_features)
    methods = {
        k: v
        for k, v in default_methods(feats, random_state=0).items()
        if k in {"fuzzy_incumbent_score", "selection_model", "fuzzy"}
    }
    rep = reject_inference_report(book, methods=methods, random_state=11)
    kgb = rep.card("known_good_bad")
    assert rep.cards[0].method == "known_good_bad"
    assert rep.ece_reduction("known_good_bad") == 0.0
    assert kgb.mean_pd < rep.through_the_door_bad_rate
    for name in ("fuzzy_incumbent_score", "selection_model"):
        assert rep.card(name).mean_pd > kgb.mean_pd
    # every card approves the incumbent's share (like-for-like swap sets)
    for c in rep.cards:
        assert c.approval_rate == pytest.approx(rep.incumbent_approval_rate, abs=0.01)
    assert set(rep.swap_sets) == {c.method for c in rep.cards}
    assert "Reject inference against the truth" in rep.summary()
    assert len(rep.to_frame()) == len(rep.cards)
