"""Sample weights: the zero-count smoothing is 0.5 x the mean weight (scale invariant)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from overdue_risk.binning import CountTable, WOEBinner, woe_iv


def _data(seed: int, n: int = 400) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    x[rng.random(n) < 0.05] = np.nan
    # rare events, none at all in the top of x: bins without events need the smoothing
    p = np.where(x > 1.0, 0.0, 0.12)
    y = (rng.random(n) < np.nan_to_num(p, nan=0.1)).astype(int)
    y[:2] = [1, 0]
    cat = rng.choice(["a", "b", "c", "never_bad"], size=n)
    y[cat == "never_bad"] = 0
    w = rng.uniform(0.2, 3.0, n)
    return pd.DataFrame({"x": x, "cat": cat}), y, w


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 2**31 - 1),
    c=st.floats(1e-3, 1e3),
    trend=st.sampled_from(["ascending", "descending", "peak", "valley", None, "auto"]),
)
def test_woe_invariant_to_scaling_the_weights(seed, c, trend) -> None:
    X, y, w = _data(seed)
    kw = {
        "max_n_bins": 5,
        "monotonic_trend": trend,
        "min_event_count": 0,  # weight units: 0 keeps bins without events possible
        "min_nonevent_count": 0,
        "auto_alpha": None,  # the LR test takes weights as frequencies (documented)
        "special_codes": {"x": [-99.0]},  # never occurs: an empty bin
    }
    a = WOEBinner(**kw).fit(X, y, sample_weight=w)
    b = WOEBinner(**kw).fit(X, y, sample_weight=c * w)
    for name in ("x", "cat"):
        fa, fb = a.bins_[name], b.bins_[name]
        assert fa.splits == fb.splits
        assert fa.categories == fb.categories
        assert fb.smoothing == pytest.approx(c * fa.smoothing, rel=1e-12)
        np.testing.assert_allclose(fb.woe, fa.woe, rtol=1e-9, atol=1e-12)
        assert fb.iv == pytest.approx(fa.iv, rel=1e-9, abs=1e-12)
    np.testing.assert_allclose(b.transform(X), a.transform(X), rtol=1e-9, atol=1e-12)


def test_smoothing_is_half_the_mean_weight_golden() -> None:
    # Haldane (1956) / Anscombe (1956): add 1/2 to the cells of a zero-count bin; with
    # weights the "one row" unit is the mean weight. Worked by hand: bins (events,
    # non-events) = (4, 6) and (0, 10) at unit weight; with every weight 3 the counts are
    # (12, 18), (0, 30), the smoothing 1.5, and WOE_1 = ln(((30 + 1.5) / 48) / (1.5 / 12)).
    x = np.r_[np.zeros(10), np.ones(10)].reshape(-1, 1)
    y = np.r_[np.ones(4), np.zeros(6), np.zeros(10)].astype(int)
    kw = {"user_splits": {"x0": [0.5]}, "min_event_count": 0, "monotonic_trend": None}
    fb = WOEBinner(**kw).fit(x, y, sample_weight=np.full(20, 3.0)).bins_["x0"]
    assert fb.smoothing == pytest.approx(1.5)
    assert fb.woe[1] == pytest.approx(np.log((31.5 / 48) / (1.5 / 12)), rel=1e-12)
    assert fb.woe[0] == pytest.approx(np.log((18 / 48) / (12 / 12)), rel=1e-12)
    unit = WOEBinner(**kw).fit(x, y).bins_["x0"]
    np.testing.assert_allclose(fb.woe, unit.woe, rtol=1e-12)
    # a constant 0.5 would not be invariant: the smoothed bin's WOE would move
    fixed, _ = woe_iv([12.0, 0.0], [18.0, 30.0], 12.0, 48.0, 0.5)
    assert abs(fixed[1] - unit.woe[1]) > 0.5


def test_zero_weight_rows_do_not_count_and_tables_carry_n_obs() -> None:
    X, y, w = _data(3)
    w0 = w.copy()
    w0[::7] = 0.0
    keep = w0 > 0
    a = WOEBinner(min_event_count=0).fit(X, y, sample_weight=w0)
    b = WOEBinner(min_event_count=0).fit(X[keep], y[keep], sample_weight=w0[keep])
    np.testing.assert_allclose(a.bins_["x"].woe, b.bins_["x"].woe, rtol=1e-12)
    assert a.count_tables_["x"].n_obs == keep.sum()
    t1 = CountTable.from_data("x", X["x"][:200], y[:200], w[:200], splits=[0.0])
    t2 = CountTable.from_data("x", X["x"][200:], y[200:], w[200:], splits=[0.0])
    total = t1 + t2
    assert total.n_obs == 400
    assert total.weight_unit == pytest.approx(w.mean())
    assert CountTable.from_counts("x", [1, 2, 0], [3, 4, 0], splits=[0.0]).weight_unit == 1.0
    t = CountTable.from_counts("x", [3, 6, 0], [9, 12, 0], splits=[0.0], n_obs=10)
    assert t.weight_unit == pytest.approx(3.0)
