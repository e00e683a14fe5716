"""Tests of overdue_risk.monitoring: properties, maturity, alerts, the population, errors.

The downturn test (alerts in the downturn months and none before) is in
tests/test_monitoring_downturn.py.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from overdue_risk.exceptions import DataError
from overdue_risk.monitoring import (
    AlertRule,
    MonitoringThresholds,
    book_population,
    ks_interval,
    monitor,
)
from overdue_risk.runtime import Spec, example_spec_dict, seal

SPEC = Spec.from_dict(seal(example_spec_dict()))


def _panel(rng: np.random.Generator, n_periods: int = 6, n: int = 2000, shift_from: int = 99):
    """Monthly samples of the example card's inputs; ages fall by 12 from ``shift_from``."""
    frames = []
    for m in range(n_periods):
        age = rng.integers(20, 60, n) - (12 if m >= shift_from else 0)
        purpose = rng.choice(["cash", "rent", "education"], n)
        frames.append(pd.DataFrame({"month": m, "age": age, "purpose": purpose}))
    data = pd.concat(frames, ignore_index=True)
    data["bad"] = (rng.random(len(data)) < SPEC.predict_pd(data)).astype(np.int64)
    return data


# ----------------------------------------------------------------------------- stability
def test_identical_periods_have_zero_psi_and_no_stability_alerts(rng):
    base = _panel(rng, n_periods=1)
    data = pd.concat([base.assign(month=m) for m in range(4)], ignore_index=True)
    res = monitor(SPEC, data, baseline=base)
    for p in res.periods:
        assert p.psi.statistic == 0.0
        assert all(r.statistic == 0.0 for r in p.csi.values())
        assert p.status is not None
        assert p.status["psi"] == "green"
    assert res.alert_periods("psi") == ()
    assert res.alert_periods("csi:*") == ()


def test_shift_is_seen_in_the_shifted_periods_only(rng):
    data = _panel(rng, n_periods=6, shift_from=3)
    res = monitor(SPEC, data, target="bad", baseline=(0, 1))
    assert res.status("psi") == ("green",) * 3 + ("red",) * 3
    assert res.status("csi:age")[3:] == ("red",) * 3
    assert res.status("csi:purpose") == ("green",) * 6
    assert res.alert_periods("psi") == ("3", "4", "5")
    # outcomes follow the card's PDs: calibration holds throughout
    assert res.alert_periods("calibration") == ()


def test_csi_uses_the_gate_card_bins(rng):
    from overdue_risk.gate import card_slots
    from overdue_risk.gate._checks import csi_on_card_bins

    data = _panel(rng, n_periods=3, shift_from=2)
    res = monitor(SPEC, data, baseline=(0, 0))
    base = card_slots(SPEC, data[data.month == 0])
    cur = card_slots(SPEC, data[data.month == 2])
    for name in SPEC.feature_names:
        expected = csi_on_card_bins(base[name], cur[name], None, name).statistic
        assert res.periods[2].csi[name].statistic == pytest.approx(expected, abs=1e-12)


def test_row_order_does_not_matter(rng):
    data = _panel(rng, n_periods=4, shift_from=2)
    a = monitor(SPEC, data, target="bad", baseline=(0, 1))
    b = monitor(SPEC, data.sample(frac=1.0, random_state=1), target="bad", baseline=(0, 1))
    pd.testing.assert_frame_equal(a.to_frame(), b.to_frame())


def test_baseline_frame_honours_observed(rng):
    data = _panel(rng, n_periods=3)
    data["known"] = True
    base = data[data.month == 0].copy()
    base.loc[base.index[:50], "known"] = False
    base.loc[base.index[:50], "bad"] = 0  # unknown outcomes recorded as 0 must not count
    flagged = monitor(SPEC, data, target="bad", observed="known", baseline=base)
    dropped = monitor(SPEC, data, target="bad", observed="known", baseline=base.iloc[50:])
    assert flagged.periods[1].auc_drop_pvalue == pytest.approx(dropped.periods[1].auc_drop_pvalue)


def test_baseline_frame_equals_baseline_periods(rng):
    data = _panel(rng, n_periods=4, shift_from=2)
    a = monitor(SPEC, data, target="bad", baseline=(0, 1))
    b = monitor(SPEC, data, target="bad", baseline=data[data.month <= 1])
    cols = ["psi", "max_csi", "gini", "calibration_pvalue", "auc_drop_pvalue"]
    pd.testing.assert_frame_equal(a.to_frame()[cols], b.to_frame()[cols])


# ----------------------------------------------------------------------------- maturity
def test_maturity_rule_and_no_look_ahead(rng):
    data = _panel(rng, n_periods=6)
    res = monitor(SPEC, data, target="bad", baseline=(0, 1), horizon=3)
    assert [p.mature for p in res.periods] == [True] * 4 + [False] * 2
    assert [p.known_at for p in res.periods] == ["2", "3", "4", "5", "6", "7"]
    assert res.periods[-1].gini is None
    assert res.periods[-1].n_outcomes == 0
    assert res.status("calibration")[-2:] == ("n/a", "n/a")
    # outcomes of immature periods cannot matter, not even missing ones
    future = data.copy()
    future.loc[future.month >= 4, "bad"] = np.nan
    again = monitor(SPEC, future, target="bad", baseline=(0, 1), horizon=3)
    pd.testing.assert_frame_equal(res.to_frame(), again.to_frame())
    # as_of moves the cut
    early = monitor(SPEC, data, target="bad", baseline=(0, 1), horizon=3, as_of=3)
    assert [p.mature for p in early.periods] == [True, True] + [False] * 4


@settings(max_examples=5, deadline=None)
@given(cut=st.integers(1, 4), seed=st.integers(0, 2**16))
def test_later_periods_change_nothing_before_them(cut, seed):
    """Run the monitor as of month ``cut`` on the data up to then, and on data that also
    holds later months (with anything in them): the months up to ``cut`` are identical."""
    gen = np.random.default_rng(seed)
    data = _panel(gen, n_periods=6, n=400, shift_from=cut + 1)
    later = data["month"] > cut
    data.loc[later, "bad"] = gen.integers(0, 2, int(later.sum()))
    kwargs = {"target": "bad", "baseline": (0, 0), "horizon": 2, "as_of": cut}
    alone = monitor(SPEC, data[~later], **kwargs).to_frame()
    full = monitor(SPEC, data, **kwargs).to_frame()
    keep = ["period", "n", "psi", "max_csi", "mature", "gini", "ks", "calibration_pvalue"]
    pd.testing.assert_frame_equal(alone[keep], full[keep].iloc[: cut + 1])


def test_outcome_alerts_are_raised_when_the_window_ends(rng):
    data = _panel(rng, n_periods=6)
    data.loc[data.month == 2, "bad"] = 1  # every account of month 2 defaults
    res = monitor(SPEC, data, target="bad", baseline=(0, 1), horizon=2)
    red = [a for a in res.alerts if a.series == "calibration" and a.level == "red"]
    assert [(a.period, a.raised_at) for a in red] == [("2", "3")]
    assert res.alert_periods("calibration", "red") == ("3",)


def test_missing_target_in_a_mature_period_is_an_error_unless_observed(rng):
    data = _panel(rng, n_periods=3)
    data["bad"] = data["bad"].astype(float)
    data.loc[5, "bad"] = np.nan
    with pytest.raises(DataError, match="observed="):
        monitor(SPEC, data, target="bad")
    data["known"] = data["bad"].notna()
    res = monitor(SPEC, data, target="bad", observed="known")
    assert res.periods[0].n_outcomes == int(data.loc[data.month == 0, "known"].sum())


def test_pd_tolerance_is_a_materiality_margin(rng):
    data = _panel(rng, n_periods=3, n=20000)
    # raise the default rate by about 10% relative to the PDs
    extra = (data.month == 2) & (rng.random(len(data)) < 0.1 * SPEC.predict_pd(data))
    data.loc[extra, "bad"] = 1
    strict = monitor(SPEC, data, target="bad", baseline=(0, 1))
    lenient = monitor(SPEC, data, target="bad", baseline=(0, 1), thresholds={"pd_tolerance": 0.2})
    p_strict = strict.periods[2].calibration
    p_lenient = lenient.periods[2].calibration
    assert p_strict is not None
    assert p_lenient is not None
    assert p_lenient.pvalue > p_strict.pvalue
    assert lenient.status("calibration")[2] == "green"


def test_gini_and_ks_intervals_contain_the_estimates(rng):
    data = _panel(rng, n_periods=2, n=4000)
    res = monitor(SPEC, data, target="bad")
    frame = res.to_frame()
    assert (frame.gini_low <= frame.gini).all()
    assert (frame.gini <= frame.gini_high).all()
    assert (frame.ks_low <= frame.ks).all()
    assert (frame.ks <= frame.ks_high).all()


@settings(max_examples=40, deadline=None)
@given(
    ks=st.floats(0.0, 1.0),
    n1=st.integers(1, 10_000),
    n0=st.integers(1, 10_000),
    level=st.floats(0.5, 0.999),
)
def test_ks_interval_properties(ks, n1, n0, level):
    lo, hi = ks_interval(ks, n1, n0, level)
    assert 0.0 <= lo <= ks <= hi <= 1.0
    lo2, hi2 = ks_interval(ks, 4 * n1, 4 * n0, level)
    assert lo2 >= lo - 1e-12
    assert hi2 <= hi + 1e-12


# ----------------------------------------------------------------------------- alert rules
_STATUS = st.sampled_from(["n/a", "green", "yellow", "red"])


@settings(max_examples=60, deadline=None)
@given(statuses=st.lists(_STATUS, min_size=1, max_size=30), k=st.integers(1, 4))
def test_consecutive_rule_matches_brute_force(statuses, k):
    periods = [str(i) for i in range(len(statuses))]
    for level, hit in (("yellow", {"yellow", "red"}), ("red", {"red"})):
        alerts = AlertRule("x", level, k).evaluate("x", periods, statuses, [0.0] * len(periods))
        expected = [
            periods[i]
            for i in range(len(statuses))
            if i + 1 >= k and all(s in hit for s in statuses[i + 1 - k : i + 1])
        ]
        assert [a.period for a in alerts] == expected


def test_rules_are_data(rng):
    data = _panel(rng, n_periods=5, shift_from=3)
    only_csi = monitor(SPEC, data, baseline=(0, 1), rules=[AlertRule("csi:*", "red", 2)])
    assert {a.series for a in only_csi.alerts} == {"csi:age"}
    assert only_csi.alert_periods() == ("4",)
    assert monitor(SPEC, data, baseline=(0, 1), rules=[]).alerts == ()


def test_thresholds_materiality_floor(rng):
    data = _panel(rng, n_periods=4, n=4000, shift_from=2)
    loose = monitor(SPEC, data, baseline=(0, 1), thresholds=MonitoringThresholds(psi_red=5.0))
    assert "red" not in loose.status("psi")


# ----------------------------------------------------------------------------- periods
@pytest.mark.parametrize(
    "convert",
    [
        lambda m: pd.to_datetime("2024-01-01") + pd.to_timedelta(m * 31, unit="D"),
        lambda m: pd.Period("2024-01", "M") + m,
        lambda m: (pd.Period("2024-01", "M") + m).astype(str),
    ],
    ids=["datetime", "period", "string"],
)
def test_period_kinds_give_month_labels(rng, convert):
    data = _panel(rng, n_periods=3, n=300)
    data["month"] = data["month"].map(lambda m: convert(pd.Series([m]))[0])
    res = monitor(SPEC, data, target="bad", horizon=2)
    assert res.labels == ("2024-01", "2024-02", "2024-03")
    assert res.periods[0].known_at == "2024-02"
    assert res.as_of == "2024-03"


# ----------------------------------------------------------------------------- errors
def test_errors_name_the_problem(rng):
    data = _panel(rng, n_periods=2, n=200)
    with pytest.raises(DataError, match="age"):
        monitor(SPEC, data.drop(columns="age"))
    with pytest.raises(DataError, match="period"):
        monitor(SPEC, data.assign(month=np.nan))
    with pytest.raises(DataError, match="holds no rows"):
        monitor(SPEC, data, baseline=(7, 9))
    with pytest.raises(DataError, match="unknown threshold"):
        monitor(SPEC, data, thresholds={"psi_amber": 0.1})
    with pytest.raises(DataError, match="horizon"):
        monitor(SPEC, data, horizon=0)
    with pytest.raises(DataError, match="yellow"):
        AlertRule("psi", "amber")
    with pytest.raises(DataError, match="alpha_red"):
        MonitoringThresholds(alpha_red=0.1)
    with pytest.raises(DataError, match="0/1 default flag"):
        monitor(SPEC, data.assign(bad=np.arange(len(data)) % 3), target="bad")
    # a period without defaults is fine: no Gini there, calibration still tested
    res = monitor(SPEC, data.assign(bad=0), target="bad")
    assert res.periods[0].gini is None
    assert res.periods[0].calibration is not None


def test_result_views_and_summary(rng):
    data = _panel(rng, n_periods=4, shift_from=2)
    res = monitor(SPEC, data, target="bad", baseline=(0, 1))
    assert list(res.csi_frame().columns) == ["age", "purpose"]
    cv = res.csi_frame("critical_value")
    assert (cv > 0).all().all()
    assert (res.csi_frame("pvalue").loc["3", "age"]) < 1e-6
    with pytest.raises(DataError, match="value must be"):
        res.csi_frame("nope")
    assert res.status_frame().shape == (4, len(res.series_names))
    assert set(res.alerts_frame().columns) >= {"period", "series", "level", "raised_at"}
    text = res.summary()
    assert "Monitoring of example_card" in text
    assert "psi red" in text
    assert "<table>" in res._repr_html_()
    with pytest.raises(KeyError, match="psi"):
        res.status("nope")


# ----------------------------------------------------------------------------- population
@pytest.fixture(scope="module")
def small_book():
    from overdue_risk.datasets import make_microloan_portfolio

    return make_microloan_portfolio(n_loans=1500, n_months=12, random_state=3)


def test_book_population_is_the_performing_book(small_book):
    pop = book_population(small_book, horizon=2)
    perf = small_book.performance
    assert not pop.duplicated(["loan_id", "month"]).any()
    # every row: booked before the month, open and below 90 DPD at the end of the last one
    prev = perf.assign(month=perf["month"] + pd.offsets.MonthBegin(1))
    merged = pop.merge(prev[["loan_id", "month", "dpd", "status"]], on=["loan_id", "month"])
    assert (merged["status"] == "active").all()
    assert (merged["dpd"] < 90).all()
    assert (merged["dpd"] == merged["dpd_start"]).all()
    new = pop[pop["mob"] == 0]
    assert (new["dpd_start"] == 0).all()
    assert len(merged) + len(new) == len(pop)


def test_book_population_has_no_look_ahead(small_book):
    import dataclasses

    pop = book_population(small_book, horizon=2)
    perf = small_book.performance.copy()
    cut = pd.Timestamp("2023-08-01")
    late = perf["month"] >= cut
    perf.loc[late, "dpd"] = 150  # the future changes completely
    changed = book_population(dataclasses.replace(small_book, performance=perf), horizon=2)
    cols = [c for c in pop.columns if c not in ("bad_next", "bad_next_observed")]
    before = pop["month"] <= cut  # features at the start of a month use earlier rows only
    pd.testing.assert_frame_equal(
        pop.loc[before, cols].reset_index(drop=True),
        changed.loc[changed["month"] <= cut, cols].reset_index(drop=True),
    )


def test_book_population_never_counts_unknown_outcomes_good(small_book):
    pop = book_population(small_book, horizon=3)
    last = pop["month"].max()
    tail = pop[pop["month"] > last - pd.offsets.MonthBegin(2)]
    unknown = tail[~tail["bad_next_observed"]]
    assert len(unknown) > 0
    assert (unknown["bad_next"] == 0).all()
    assert pop.loc[pop["bad_next"] == 1, "bad_next_observed"].all()


@pytest.mark.parametrize("month", ["2023-05", "2023-08", "2023-11"])
def test_book_population_agrees_with_behaviour_panel_features(small_book, month):
    """Two implementations, one answer: the book at the start of ``month`` is the loans
    open at the end of the month before (overdue_risk.behaviour.panel_features) that are
    not in default, plus the loans booked that month."""
    from overdue_risk.behaviour import panel_features

    pop = book_population(small_book, horizon=2)
    rows = pop[pop["month"] == month]
    prev = str(pd.Period(month, "M") - 1)
    feats = panel_features(small_book.performance, prev, windows=(6,))
    both = rows.merge(feats, on="loan_id", suffixes=("", "_panel"))
    assert (both["dpd_start"] == both["dpd_now"]).all()
    assert (both["worst_dpd_6m"] == both["worst_dpd_6m_panel"]).all()
    assert (both["mob"] == both["months_on_book"]).all()
    assert set(rows["loan_id"]) - set(feats["loan_id"]) == set(
        rows.loc[rows["mob"] == 0, "loan_id"]
    )
    assert set(feats["loan_id"]) - set(rows["loan_id"]) == set(
        feats.loc[feats["dpd_now"] >= 90, "loan_id"]
    )
