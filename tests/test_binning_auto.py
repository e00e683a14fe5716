"""monotonic_trend="auto": a monotone card unless the peak/valley shape is real."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from overdue_risk.binning import WOEBinner, solve_binning
from overdue_risk.binning._solver import shape_lr_test
from overdue_risk.exceptions import DataError


def _linear(seed: int, n: int = 3000) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    y = (rng.random(n) < 1 / (1 + np.exp(-(-1.5 + 0.5 * x)))).astype(int)
    return x.reshape(-1, 1), y


def test_u_shaped_age_keeps_valley() -> None:
    # make_microloan_portfolio draws default risk U-shaped in age by construction
    from overdue_risk.datasets import make_microloan_portfolio

    pf = make_microloan_portfolio(n_loans=20_000, random_state=0)
    X, y = pf.xy()
    fb = WOEBinner().fit(X[["age"]], y).bins_["age"]
    assert fb.trend == "valley"
    assert fb.trend_reason.startswith("auto: valley")
    assert "LR test" in fb.trend_reason


def test_monotone_feature_plus_noise_gets_a_monotone_trend() -> None:
    # a logistic-linear effect: any peak/valley is noise. Pure maximum IV (the old rule,
    # auto_min_iv_gain=0 and no test) picks a peak or valley on several of these seeds.
    old_rule, new_rule = [], []
    for seed in range(12):
        x, y = _linear(seed)
        old_rule.append(
            WOEBinner(auto_min_iv_gain=0.0, auto_alpha=None).fit(x, y).bins_["x0"].trend
        )
        new_rule.append(WOEBinner().fit(x, y).bins_["x0"].trend)
    assert set(new_rule) == {"ascending"}
    assert {"peak", "valley"} & set(old_rule)  # the rule matters on this data


def test_trend_reason_is_recorded_and_shown_in_the_table() -> None:
    x, y = _linear(1)
    b = WOEBinner().fit(x, y)
    reason = b.bins_["x0"].trend_reason
    assert reason.startswith("auto: ascending;")
    assert "gain" in reason
    assert "trend chosen: auto: ascending" in b.binning_table("x0").summary()
    imposed = WOEBinner(monotonic_trend="descending").fit(x, y).bins_["x0"]
    assert imposed.trend_reason == "monotonic_trend='descending' imposed"


def test_gain_threshold_and_test_each_catch_what_the_other_misses() -> None:
    # pure noise (50,000 rows): the best valley triples a near-zero IV, so the relative
    # gain rule alone takes it; the (Bonferroni-adjusted) likelihood-ratio test does not
    rng = np.random.default_rng(0)
    x = rng.normal(size=(50_000, 1))
    y = (rng.random(50_000) < 0.12).astype(int)
    only_gain = WOEBinner(auto_min_iv_gain=0.05, auto_alpha=None).fit(x, y).bins_["x0"]
    only_test = WOEBinner(auto_min_iv_gain=0.0, auto_alpha=0.01).fit(x, y).bins_["x0"]
    assert only_gain.trend == "valley"
    assert only_test.trend == "descending"
    assert "not significant at auto_alpha 0.01" in only_test.trend_reason
    assert WOEBinner().fit(x, y).bins_["x0"].trend == "descending"
    # a real but small dip at the top (200,000 rows): hugely significant, yet it adds only
    # 2.5% IV -- the test alone takes the peak, the gain rule keeps the monotone card
    x = rng.normal(size=200_000)
    y = (rng.random(200_000) < 1 / (1 + np.exp(-(-2 + 0.8 * x - 1.2 * (x > 1.6))))).astype(int)
    x = x.reshape(-1, 1)
    only_test = WOEBinner(auto_min_iv_gain=0.0, auto_alpha=0.01).fit(x, y).bins_["x0"]
    only_gain = WOEBinner(auto_min_iv_gain=0.05, auto_alpha=None).fit(x, y).bins_["x0"]
    assert only_test.trend == "peak"
    assert only_gain.trend == "ascending"
    assert "auto_min_iv_gain" in only_gain.trend_reason


def test_lr_statistic_equals_the_g_test_of_independence() -> None:
    # Sokal & Rohlf, Biometry (G-test): when the monotone bins have equal event rates, the
    # refinement's G equals the G-test of independence of its table; peer value from
    # scipy.stats.chi2_contingency(table, lambda_="log-likelihood") = 25.943028652013...
    ev, ne = [30, 10, 10, 30], [70, 90, 90, 70]
    g, df, p = shape_lr_test(ev, ne, (0, 2), (0, 1, 3))
    assert g == pytest.approx(25.94302865201362, rel=1e-12)
    assert df == 2
    assert p == pytest.approx(2.3256422372213204e-06, rel=1e-9)
    assert shape_lr_test(ev, ne, (0, 2), (0, 2)) == (0.0, 0, 1.0)


@pytest.mark.parametrize(
    ("param", "value"),
    [("auto_min_iv_gain", -0.1), ("auto_min_iv_gain", float("nan")), ("auto_alpha", 1.5)],
)
def test_bad_auto_parameters_raise(param, value) -> None:
    x, y = _linear(0, 200)
    with pytest.raises(DataError, match=param):
        WOEBinner(**{param: value}).fit(x, y)


problems = st.integers(1, 8).flatmap(
    lambda p: st.tuples(
        st.lists(st.integers(0, 40), min_size=p, max_size=p),
        st.lists(st.integers(0, 80), min_size=p, max_size=p),
        st.integers(1, 8),
        st.sampled_from([0.0, 0.01, 0.05, 0.5]),
        st.sampled_from([None, 0.01, 0.2]),
    )
)


@settings(max_examples=200, deadline=None)
@given(problems)
def test_auto_never_below_the_best_monotone_iv(problem) -> None:
    ev_l, ne_l, max_bins, gain, alpha = problem
    ev, ne = np.array(ev_l, float), np.array(ne_l, float)
    kw = {
        "total_events": ev.sum() + 1.0,
        "total_nonevents": ne.sum() + 1.0,
        "max_n_bins": max_bins,
    }
    auto = solve_binning(ev, ne, trend="auto", auto_min_iv_gain=gain, auto_alpha=alpha, **kw)
    mono = [solve_binning(ev, ne, trend=t, **kw) for t in ("ascending", "descending")]
    if not auto.feasible:
        assert not any(m.feasible for m in mono)
        return
    best_mono = max(m.iv for m in mono)
    assert auto.iv >= best_mono - 1e-12 * max(1.0, abs(best_mono))
    if auto.trend in ("peak", "valley"):  # only for a gain above the threshold
        assert auto.iv > best_mono * (1 + gain)
    else:
        assert auto.iv == pytest.approx(best_mono, rel=1e-12, abs=1e-15)
