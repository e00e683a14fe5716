"""Feature selection: IV, WOE correlation, VIF and stepwise logistic."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from overdue_risk import WOEBinner
from overdue_risk.exceptions import DataError
from overdue_risk.selection import (
    SelectionResult,
    select_by_correlation,
    select_by_iv,
    select_by_vif,
    stepwise_selection,
)


@pytest.fixture
def woe_frame(twin_applicants) -> tuple[pd.DataFrame, np.ndarray, WOEBinner]:
    df, y = twin_applicants
    binner = WOEBinner(max_n_bins=5).fit(df, y)
    return binner.set_output(transform="pandas").transform(df), y.to_numpy(), binner


def test_select_by_iv_from_binner(woe_frame) -> None:
    _, _, binner = woe_frame
    res = select_by_iv(binner, min_iv=0.02)
    assert isinstance(res, SelectionResult)
    assert "noise" in res.dropped
    assert "a" in res.selected
    assert "b" in res.selected
    assert "unpredictive" in res.reasons[res.features.index("noise")]
    frame = res.to_frame()
    assert list(frame.columns) == ["feature", "kept", "statistic", "reason"]
    assert "Feature selection: iv" in res.summary()


def test_select_by_correlation_drops_lower_iv_twin(woe_frame) -> None:
    X, _, binner = woe_frame
    res = select_by_correlation(X, binner.iv_, max_corr=0.8)
    weaker = min(("a", "a_copy"), key=binner.iv_.get)
    stronger = ({"a", "a_copy"} - {weaker}).pop()
    assert weaker in res.dropped
    assert stronger in res.selected
    assert repr(stronger) in res.reasons[res.features.index(weaker)]


def test_select_by_vif_golden_two_perfectly_related() -> None:
    # VIF of x given z with R^2 = r^2: r = 0.8 -> VIF = 1 / (1 - 0.64) = 2.7778
    # (Kutner et al. 2005, eq. 10.41), exact for a sample whose correlation is 0.8.
    rng = np.random.default_rng(0)
    u, v = rng.normal(size=(2, 5000))
    u, v = (u - u.mean()) / u.std(), v - v.mean()
    v = v - (v @ u) / (u @ u) * u
    v /= v.std()
    X = np.c_[u, 0.8 * u + 0.6 * v]
    res = select_by_vif(X, max_vif=5)
    assert res.statistic == pytest.approx((1 / 0.36, 1 / 0.36))
    assert res.selected == ("x0", "x1")
    assert select_by_vif(X, max_vif=2).dropped == ("x0",)


def test_stepwise_selects_true_features(rng) -> None:
    # raw features (not in-sample WOE, whose fitted bins make even noise look predictive)
    X = pd.DataFrame(rng.normal(size=(4000, 3)), columns=["a", "b", "noise"])
    y = (rng.random(4000) < 1 / (1 + np.exp(1.2 - 1.2 * X["a"] - 0.6 * X["b"]))).astype(int)
    for direction in ("forward", "backward", "both"):
        res = stepwise_selection(X, y, direction=direction, criterion="pvalue")
        assert set(res.selected) == {"a", "b"}, direction
        assert res.statistic[res.features.index("noise")] == 1.0 or direction == "backward"
    res = stepwise_selection(X, y, criterion="aic", max_features=1)
    assert res.selected == ("a",)


def test_selection_bad_inputs() -> None:
    with pytest.raises(DataError, match="NaN or inf"):
        select_by_vif(np.array([[1.0, np.nan], [2.0, 3.0]]))
    with pytest.raises(DataError, match="iv lacks features"):
        select_by_correlation(np.ones((3, 2)), {"x0": 0.1})
    with pytest.raises(DataError, match="direction"):
        stepwise_selection(np.ones((3, 1)), [0, 1, 0], direction="sideways")


def test_woe_selector_in_pipeline_records_every_step(rng) -> None:
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    from overdue_risk.selection import WOESelector

    n = 3000
    X = rng.normal(size=(n, 4))
    X[:, 1] = X[:, 0] + 0.02 * rng.normal(size=n)  # a near copy of x0
    y = (rng.random(n) < 1 / (1 + np.exp(1 + X[:, 0] - 0.7 * X[:, 2]))).astype(int)
    pipe = make_pipeline(
        WOEBinner(max_n_bins=5),
        WOESelector(min_iv=0.02, max_corr=0.7, max_vif=5.0),
        LogisticRegression(),
    ).fit(X, y)
    sel = pipe[1]
    kept = set(sel.get_feature_names_out().tolist())
    assert "x2" in kept
    assert len(kept & {"x0", "x1"}) == 1
    assert "x3" not in kept  # pure noise: IV below 0.02
    assert [r.method for r in sel.results_] == ["iv", "correlation", "vif"]
    assert (pipe[-1].coef_ < 0).all()  # WOE convention carries through the pipeline


def test_vif_of_exactly_collinear_columns_is_infinite_and_dropped(rng) -> None:
    """Regression (issue 12): pinv of the singular correlation matrix reported VIF 1.00."""
    a, b = rng.normal(size=(2, 500))
    X = np.c_[a, b, a + b, rng.normal(size=500)]
    res = select_by_vif(X, max_vif=5.0)
    assert np.isinf(res.statistic[0])
    assert res.dropped == ("x0",)  # one of the three collinear columns goes, the rest stay
    assert "exactly collinear" in res.reasons[0]
    assert max(s for s, k in zip(res.statistic, res.kept, strict=True) if k) < 5.0
    twins = select_by_vif(np.c_[a, 2.0 * a - 1.0], max_vif=10.0)
    assert twins.kept == (False, True)


def test_vif_matches_regression_definition(rng) -> None:
    """VIF_j = 1 / (1 - R_j^2) of the least-squares fit on the other columns (Kutner)."""
    a, b, c = rng.normal(size=(3, 800))
    X = np.c_[a, b, 0.6 * a + 0.8 * b + 0.5 * c]
    res = select_by_vif(X, max_vif=1e6)
    for j in range(3):
        others = np.c_[np.ones(800), np.delete(X, j, axis=1)]
        coef, *_ = np.linalg.lstsq(others, X[:, j], rcond=None)
        resid = X[:, j] - others @ coef
        r2 = 1.0 - resid.var() / X[:, j].var()
        assert res.statistic[j] == pytest.approx(1.0 / (1.0 - r2), rel=1e-9)


def test_select_by_iv_drops_a_nan_iv_with_reason() -> None:
    """Regression (issue 12): a feature whose IV is NaN was kept."""
    res = select_by_iv({"a": 0.3, "b": float("nan"), "c": float("inf")}, min_iv=0.02)
    assert res.selected == ("a",)
    assert "not a finite number" in res.reasons[1]
    assert "not a finite number" in res.reasons[2]


def test_selection_target_needs_pos_label_for_text(rng) -> None:
    X = rng.normal(size=(400, 2))
    y = (rng.random(400) < 1 / (1 + np.exp(-X[:, 0]))).astype(int)
    with pytest.raises(DataError, match=r"pass pos_label='bad'"):
        stepwise_selection(X, np.where(y == 1, "bad", "good"))
    a = stepwise_selection(X, y)
    b = stepwise_selection(X, np.where(y == 1, "bad", "good"), pos_label="bad")
    assert a.selected == b.selected
    assert a.statistic == pytest.approx(b.statistic)
