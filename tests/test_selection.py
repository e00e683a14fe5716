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
def woe_frame(rng) -> tuple[pd.DataFrame, np.ndarray, WOEBinner]:
    n = 4000
    a = rng.normal(size=n)
    df = pd.DataFrame(
        {
            "a": a,
            "a_copy": a + 0.05 * rng.normal(size=n),
            "b": rng.normal(size=n),
            "noise": rng.normal(size=n),
        }
    )
    y = (rng.random(n) < 1 / (1 + np.exp(1.2 - 1.2 * a - 0.6 * df["b"]))).astype(int)
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
