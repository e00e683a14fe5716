"""PDCalibrator, central-tendency and prior corrections, MasterScale."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from overdue_risk.calibration import (
    MasterScale,
    PDCalibrator,
    calibrate_to_central_tendency,
    central_tendency_shift,
    prior_correction,
)
from overdue_risk.exceptions import DataError, OverdueRiskWarning, SpecError


def _points_and_target(rng: np.random.Generator, n: int = 4000) -> tuple[np.ndarray, np.ndarray]:
    points = rng.normal(600.0, 50.0, n)
    pd = 1.0 / (1.0 + np.exp(-(5.0 - 0.0125 * points)))
    y = (rng.random(n) < pd).astype(int)
    return points.reshape(-1, 1), y


class TestLogistic:
    def test_matches_statsmodels_logit(self, rng: np.random.Generator) -> None:
        import statsmodels.api as sm

        X, y = _points_and_target(rng)
        cal = PDCalibrator().fit(X, y)
        ref = sm.Logit(y, sm.add_constant(X[:, 0])).fit(disp=0)
        assert cal.intercept_ == pytest.approx(ref.params[0], rel=1e-6)
        assert cal.slope_ == pytest.approx(ref.params[1], rel=1e-6)
        assert cal.slope_ < 0  # higher points, lower risk

    def test_weights_equal_repeated_rows(self, rng: np.random.Generator) -> None:
        X, y = _points_and_target(rng, 600)
        w = rng.integers(1, 4, 600)
        a = PDCalibrator().fit(X, y, sample_weight=w)
        b = PDCalibrator().fit(np.repeat(X, w, axis=0), np.repeat(y, w))
        assert a.intercept_ == pytest.approx(b.intercept_, rel=1e-8)
        assert a.slope_ == pytest.approx(b.slope_, rel=1e-8)

    def test_on_real_uci_data(self, uci_path: object) -> None:
        # Real data (Yeh & Lien 2009): calibrate a crude delinquency score and check that the
        # logistic fit's mean PD reproduces the sample default rate (a property of the MLE
        # with an intercept: sum of fitted PDs = number of defaults).
        import pandas as pd

        df = pd.read_csv(uci_path, usecols=["PAY_0", "PAY_2", "LIMIT_BAL", "next_payment"])
        score = -(df["PAY_0"].to_numpy() + df["PAY_2"].to_numpy()) * 10.0 + np.log(
            df["LIMIT_BAL"].to_numpy()
        )
        y = df["next_payment"].to_numpy()
        cal = PDCalibrator().fit(score.reshape(-1, 1), y)
        p = cal.predict_pd(score)
        assert p.mean() == pytest.approx(y.mean(), rel=1e-6)
        from overdue_risk.metrics import roc_auc

        assert roc_auc(y, p).statistic > 0.65

    def test_probability_input_is_intercept_slope_recalibration(
        self, rng: np.random.Generator
    ) -> None:
        # Cox (1958): regress the outcome on logit(p); a well calibrated p gives
        # intercept ~ 0 and slope ~ 1.
        p = rng.uniform(0.01, 0.6, 20000)
        y = (rng.random(20000) < p).astype(int)
        cal = PDCalibrator(input_type="probability").fit(p.reshape(-1, 1), y)
        assert cal.intercept_ == pytest.approx(0.0, abs=0.08)
        assert cal.slope_ == pytest.approx(1.0, abs=0.06)
        with pytest.raises(SpecError, match="total points"):
            cal.to_spec_dict()
        with pytest.raises(DataError, match=r"\[0, 1\]"):
            PDCalibrator(input_type="probability").fit([[1.5], [0.2]], [0, 1])


class TestIsotonicAndBinned:
    def test_isotonic_matches_sklearn(self, rng: np.random.Generator) -> None:
        from sklearn.isotonic import IsotonicRegression

        X, y = _points_and_target(rng, 1500)
        cal = PDCalibrator(method="isotonic").fit(X, y)
        ref = IsotonicRegression(
            increasing=False, out_of_bounds="clip", y_min=1e-4, y_max=1 - 1e-4
        ).fit(X[:, 0], y)
        grid = np.linspace(400, 800, 101)
        assert cal.predict_pd(grid) == pytest.approx(ref.predict(grid), abs=1e-12)
        assert np.all(np.diff(cal.predict_pd(grid)) <= 0)

    def test_binned_is_band_default_rate(self) -> None:
        x = np.arange(100.0).reshape(-1, 1)
        y = np.r_[np.ones(10), np.zeros(40), np.ones(5), np.zeros(45)].astype(int)
        cal = PDCalibrator(method="binned", n_bins=2).fit(x, y)
        assert cal.bin_edges_.tolist() == [49.5]
        assert cal.bin_pd_ == pytest.approx([10 / 50, 5 / 50])
        assert cal.predict_pd([[10.0], [80.0]]) == pytest.approx([0.2, 0.1])

    def test_pd_floor(self) -> None:
        cal = PDCalibrator(method="binned", n_bins=2, pd_floor=0.001)
        cal.fit([[1], [2], [3], [4]], [0, 0, 1, 1])
        assert cal.bin_pd_.tolist() == [0.001, 0.999]

    @settings(max_examples=40, deadline=None)
    @given(
        st.lists(st.tuples(st.floats(300, 900), st.booleans()), min_size=4, max_size=120),
        st.sampled_from(["isotonic", "binned"]),
    )
    def test_table_pds_in_open_unit_interval_and_isotonic_monotone(
        self, rows: list[tuple[float, bool]], method: str
    ) -> None:
        # Any data, even perfectly separated: the pd_floor keeps table PDs inside (0, 1).
        x = np.array([r[0] for r in rows]).reshape(-1, 1)
        y = np.array([int(r[1]) for r in rows])
        if y.min() == y.max():
            y[0] = 1 - y[0]
        cal = PDCalibrator(method=method).fit(x, y)
        p = cal.predict_pd(np.linspace(250, 950, 57))
        assert np.all((p > 0) & (p < 1))
        if method == "isotonic":
            d = np.diff(p)
            assert np.all(d >= -1e-15) or np.all(d <= 1e-15)

    @settings(max_examples=40, deadline=None)
    @given(
        st.integers(0, 2**32 - 1),
        st.floats(-8.0, 2.0),
        st.floats(-0.05, 0.05).filter(lambda b: abs(b) > 1e-3),
    )
    def test_logistic_pds_in_open_unit_interval(self, seed: int, a: float, b: float) -> None:
        # The logistic map is inside (0, 1) by construction; it can only round to 0 or 1 in
        # float64 when a (near-)separated sample drives the slope to infinity, so the
        # property is stated on samples where both classes overlap, as PD data do.
        rng = np.random.default_rng(seed)
        x = rng.normal(0.0, 100.0, 400)
        y = (rng.random(400) < 1 / (1 + np.exp(-(a + b * x)))).astype(int)
        assume(y.min() < y.max())
        cal = PDCalibrator().fit(x.reshape(-1, 1), y)
        p = cal.predict_pd(np.linspace(-500, 500, 41))
        assert np.all((p > 0) & (p < 1))


class TestCentralTendencyAndPrior:
    @settings(max_examples=60, deadline=None)
    @given(
        st.lists(st.floats(1e-4, 0.9), min_size=1, max_size=50),
        st.floats(0.001, 0.5),
    )
    def test_central_tendency_hits_target(self, pds: list[float], target: float) -> None:
        out = calibrate_to_central_tendency(pds, target)
        assert float(np.mean(out)) == pytest.approx(target, rel=1e-9, abs=1e-12)
        assert np.all((out > 0) & (out < 1))
        # ranking is preserved
        order = np.argsort(pds, kind="stable")
        assert np.all(np.diff(out[order]) >= -1e-15)

    def test_weighted_target(self) -> None:
        delta = central_tendency_shift([0.01, 0.1], 0.05, sample_weight=[3, 1])
        p = 1 / (1 + np.exp(-(np.log(np.array([0.01, 0.1]) / (1 - np.array([0.01, 0.1]))) + delta)))
        assert np.average(p, weights=[3, 1]) == pytest.approx(0.05, rel=1e-10)

    @pytest.mark.parametrize("method", ["logistic", "isotonic", "binned"])
    def test_calibrator_central_tendency(self, rng: np.random.Generator, method: str) -> None:
        X, y = _points_and_target(rng, 3000)
        cal = PDCalibrator(method=method, central_tendency=0.04).fit(X, y)
        assert cal.predict_pd(X).mean() == pytest.approx(0.04, rel=1e-9)
        base = PDCalibrator(method=method).fit(X, y)
        assert cal.shift_ < 0  # the sample default rate is above 4%
        # the exported table carries the shift, so the runtime reproduces the target
        spec = cal.to_spec_dict()
        assert spec["method"] == method
        assert base.predict_pd(X).mean() > 0.04

    @settings(max_examples=25, deadline=None)
    @given(
        st.sampled_from(["logistic", "isotonic", "binned"]),
        st.floats(0.005, 0.4),
        st.floats(-60.0, 60.0),
    )
    def test_shift_on_current_scores_hits_target(
        self, method: str, target: float, drift: float
    ) -> None:
        # The central-tendency calibration: solve the shift on the CURRENT score
        # distribution (here the development scores moved by `drift` points).
        rng = np.random.default_rng(17)
        X, y = _points_and_target(rng, 800)
        cal = PDCalibrator(method=method).fit(X, y)
        today = X[:, 0] + drift
        new = cal.shifted_to_central_tendency(today, target)
        assert new.predict_pd(today).mean() == pytest.approx(target, rel=1e-8)
        assert cal.predict_pd(today) == pytest.approx(
            PDCalibrator(method=method).fit(X, y).predict_pd(today)
        )  # the original is untouched
        from overdue_risk.runtime import Spec, example_spec_dict, seal

        doc = example_spec_dict()
        doc["calibration"] = new.to_spec_dict()
        spec = Spec.from_dict(seal(doc))
        assert spec.pd_from_points(today) == pytest.approx(new.predict_pd(today), abs=1e-15)

    def test_prior_correction_equals_elkan_and_king_zeng(self) -> None:
        # Elkan (2001), Theorem 2: p' = pi p (1 - s) / (pi p (1 - s) + (1 - pi)(1 - p) s)
        p = np.array([0.05, 0.3, 0.7])
        s, pi = 0.4, 0.05
        elkan = pi * p * (1 - s) / (pi * p * (1 - s) + (1 - pi) * (1 - p) * s)
        assert prior_correction(p, sample_default_rate=s, population_default_rate=pi) == (
            pytest.approx(elkan, rel=1e-12)
        )
        # King & Zeng (2001), eq. (7): the intercept correction
        # b0 - ln[((1 - tau) / tau) (ybar / (1 - ybar))] is the same log-odds shift.
        shift = -math.log(((1 - pi) / pi) * (s / (1 - s)))
        logit = np.log(p / (1 - p)) + shift
        assert prior_correction(p, sample_default_rate=s, population_default_rate=pi) == (
            pytest.approx(1 / (1 + np.exp(-logit)), rel=1e-12)
        )

    def test_prior_correction_undoes_undersampling(self) -> None:
        # Develop on a sample with all bads and 1 in 10 goods; the corrected calibrator must
        # give back the population's PDs (the population model is logistic in the score).
        rng = np.random.default_rng(5)
        n = 200_000
        x = rng.normal(0, 1, n)
        y = (rng.random(n) < 1 / (1 + np.exp(-(-3.5 + 1.2 * x)))).astype(int)
        keep = (y == 1) | (rng.random(n) < 0.1)
        cal = PDCalibrator(population_default_rate=float(y.mean()))
        cal.fit(x[keep].reshape(-1, 1), y[keep])
        assert cal.slope_ == pytest.approx(1.2, abs=0.05)
        assert cal.intercept_ == pytest.approx(-3.5, abs=0.06)

    def test_bad_parameters(self) -> None:
        with pytest.raises(DataError, match="either"):
            PDCalibrator(central_tendency=0.1, population_default_rate=0.1).fit([[1], [2]], [0, 1])
        with pytest.raises(DataError, match="method"):
            PDCalibrator(method="platt").fit([[1], [2]], [0, 1])
        with pytest.raises(DataError, match="percentage"):
            PDCalibrator(central_tendency=5).fit([[1], [2]], [0, 1])
        with pytest.raises(DataError, match="Only binary"):
            PDCalibrator().fit([[1], [2], [3]], [0, 1, 2])
        with pytest.raises(DataError, match="single class"):
            PDCalibrator().fit([[1], [2]], [1, 1])
        with pytest.raises(DataError, match="requires y"):
            PDCalibrator().fit([[1], [2]], None)
        with pytest.raises(DataError, match="numeric scores"):
            PDCalibrator().fit([["a"], ["b"]], [0, 1])
        with pytest.raises(DataError, match=r"\(0, 1\)"):
            calibrate_to_central_tendency([0.0, 0.1], 0.05)


class TestSpecExport:
    @pytest.mark.parametrize("method", ["logistic", "isotonic", "binned"])
    def test_runtime_reproduces_calibrator(self, rng: np.random.Generator, method: str) -> None:
        from overdue_risk.runtime import Spec, example_spec_dict, seal

        X, y = _points_and_target(rng, 2000)
        cal = PDCalibrator(method=method, central_tendency=0.05).fit(X, y)
        ms = MasterScale.geometric(6, floor=0.005, cap=0.3)
        doc = example_spec_dict()
        doc["calibration"] = cal.to_spec_dict()
        doc["master_scale"] = ms.to_spec_dict()
        spec = Spec.from_dict(seal(doc))
        pts = np.linspace(350, 850, 201)
        # one implementation of each formula: bit for bit, not approximately
        np.testing.assert_array_equal(spec.pd_from_points(pts), cal.predict_pd(pts))
        pds = cal.predict_pd(pts)
        assert spec.grade_from_pd(pds).tolist() == ms.assign(pds).tolist()

    def test_multi_column_cannot_be_exported(self) -> None:
        cal = PDCalibrator().fit([[1, 2], [2, 2], [3, 1], [4, 4]], [0, 1, 0, 1])
        with pytest.raises(SpecError, match="one total score"):
            cal.to_spec_dict()

    def test_not_fitted(self) -> None:
        from sklearn.exceptions import NotFittedError

        with pytest.raises(NotFittedError):
            PDCalibrator().predict_pd([1.0])


class TestMasterScale:
    def test_boundaries_follow_the_spec_rule(self) -> None:
        # docs/spec_format.md: grade i holds upper_pd[i-1] < pd <= upper_pd[i].
        ms = MasterScale.from_boundaries([0.01, 0.03, 0.08], grades=["A", "B", "C", "D"])
        got = ms.assign([0.0, 0.01, 0.0100001, 0.03, 0.08, 0.0800001, 1.0]).tolist()
        assert got == ["A", "A", "B", "B", "C", "D", "D"]
        assert ms.upper_pd[-1] == 1.0

    def test_geometric(self) -> None:
        ms = MasterScale.geometric(7, floor=0.001, cap=0.729)
        ratios = np.diff(np.log(ms.pd))
        assert ratios == pytest.approx(np.full(6, math.log(3.0)))
        inner = np.asarray(ms.upper_pd[:-1])
        assert inner == pytest.approx(np.sqrt(np.asarray(ms.pd[:-1]) * np.asarray(ms.pd[1:])))
        # each grade's PD lies inside its own bounds
        assert ms.assign(ms.pd).tolist() == list(ms.grades)
        assert ms.n_grades == 7

    def test_calibrate_pooled_and_long_run(self) -> None:
        ms = MasterScale.from_boundaries([0.02, 0.1])
        pd = np.array([0.01] * 4 + [0.05] * 4 + [0.2] * 4)
        y = np.array([0, 0, 0, 1, 0, 1, 1, 0, 1, 1, 0, 1])
        year = np.array([1, 1, 2, 2] * 3)
        pooled = ms.calibrate(pd, y)
        assert pooled.pd == pytest.approx((0.25, 0.5, 0.75))
        # long-run average of one-year rates: grade A: (0/2 + 1/2)/2 -> 0.25 with flooring
        lr = ms.calibrate(pd, y, periods=year)
        assert lr.pd == pytest.approx((0.25, 0.5, 0.75))
        year2 = np.array([1, 2, 2, 2] * 3)
        lr2 = ms.calibrate(pd, y, periods=year2)
        assert lr2.pd[0] == pytest.approx((0 / 1 + 1 / 3) / 2)
        assert lr.grades == ms.grades
        assert lr.upper_pd == ms.upper_pd

    def test_calibrate_floor_empty_grade_and_warning(self) -> None:
        ms = MasterScale.from_boundaries([0.02, 0.1], pd=[0.01, 0.05, 0.6])
        out = ms.calibrate([0.01, 0.01, 0.05, 0.05], [0, 0, 0, 1])
        assert out.pd == pytest.approx((0.0003, 0.5, 0.6))  # floor; empty grade keeps PD
        with pytest.warns(OverdueRiskWarning, match="non-decreasing"):
            bad = ms.calibrate([0.01, 0.01, 0.05, 0.05, 0.5], [1, 1, 0, 0, 0])
        # grade A: 2 defaults out of 2. Before the cap this gave PD 1.0, which
        # hosmer_lemeshow_test refuses; a performing grade is capped at 1 - pd_floor.
        assert bad.pd == pytest.approx((0.9997, 0.0003, 0.0003))

    @pytest.mark.parametrize("estimator", ["rate", "jeffreys"])
    @pytest.mark.parametrize("with_periods", [False, True])
    def test_small_sample_scale_passes_the_backtests(
        self, estimator: str, with_periods: bool
    ) -> None:
        from overdue_risk.backtest import binomial_test, hosmer_lemeshow_test, jeffreys_test

        ms = MasterScale.from_boundaries([0.02, 0.1], pd=[0.01, 0.05, 0.3])
        pd = np.array([0.01, 0.01, 0.01, 0.05, 0.05, 0.5, 0.5])
        y = np.array([0, 0, 0, 0, 1, 1, 1])  # grade A: no default; grade C: all default
        periods = np.array([1, 2, 2, 1, 2, 1, 2]) if with_periods else None
        out = ms.calibrate(pd, y, periods=periods, estimator=estimator)
        p = np.asarray(out.pd)
        assert (p > 0).all()
        assert (p < 1).all()
        n, d = out.grade_counts(pd, y)
        hl = hosmer_lemeshow_test(n, d, out.pd, labels=out.grades)
        jt = jeffreys_test(n, d, out.pd, labels=out.grades)
        bt = binomial_test(n, d, out.pd, labels=out.grades)
        for res in (hl, jt, bt):
            assert 0.0 <= res.pvalue <= 1.0
            assert np.isfinite(res.statistic)

    def test_jeffreys_estimator_is_the_posterior_mean(self) -> None:
        # Jeffreys prior Beta(1/2, 1/2): posterior mean (D + 1/2) / (N + 1)
        # (Brown, Cai & DasGupta 2001; the prior of the ECB 2019 Jeffreys test).
        ms = MasterScale.from_boundaries([0.02, 0.1])
        pd = np.array([0.01] * 4 + [0.05] * 4 + [0.2] * 4)
        y = np.array([0, 0, 0, 0, 0, 1, 1, 0, 1, 1, 1, 1])
        out = ms.calibrate(pd, y, estimator="jeffreys")
        assert out.pd == pytest.approx((0.5 / 5, 2.5 / 5, 4.5 / 5))
        # per period: mean of the per-period posterior means (Basel II para. 447)
        year = np.array([1, 1, 2, 2] * 3)
        lr = ms.calibrate(pd, y, periods=year, estimator="jeffreys")
        assert lr.pd[1] == pytest.approx((1.5 / 3 + 1.5 / 3) / 2)
        assert lr.pd[0] == pytest.approx(0.5 / 3)
        # large grades: the estimators agree to O(1/N)
        big_pd = np.repeat([0.01, 0.05], 10_000)
        big_y = np.zeros(20_000, dtype=int)
        big_y[:150] = 1
        big_y[10_000:10_600] = 1
        a = ms.calibrate(big_pd, big_y).pd
        b = ms.calibrate(big_pd, big_y, estimator="jeffreys").pd
        assert np.asarray(b[:2]) == pytest.approx(np.asarray(a[:2]), abs=0.5 / 10_001)

    def test_floor_cap_parameters(self) -> None:
        ms = MasterScale.from_boundaries([0.02])
        out = ms.calibrate([0.01, 0.3], [0, 1], pd_floor=0.0005, pd_cap=0.5)
        assert out.pd == pytest.approx((0.0005, 0.5))
        with pytest.raises(DataError, match="pd_cap must be above pd_floor"):
            ms.calibrate([0.01, 0.3], [0, 1], pd_floor=0.2, pd_cap=0.1)
        with pytest.raises(DataError, match="pd_cap must lie in"):
            ms.calibrate([0.01, 0.3], [0, 1], pd_cap=1.0)
        with pytest.raises(DataError, match="estimator must be"):
            ms.calibrate([0.01, 0.3], [0, 1], estimator="laplace")

    def test_grade_counts_feed_backtests(self) -> None:
        from overdue_risk.backtest import jeffreys_test

        ms = MasterScale.from_boundaries([0.02, 0.1], pd=[0.01, 0.05, 0.3])
        n, d = ms.grade_counts([0.01, 0.01, 0.05, 0.5, 0.5], [0, 1, 0, 1, 1])
        assert n.tolist() == [2.0, 1.0, 2.0]
        assert d.tolist() == [1.0, 0.0, 2.0]
        res = jeffreys_test(n, d, ms.pd, labels=ms.grades)
        assert res.labels == ("A", "B", "C")

    def test_spec_round_trip_and_runtime_parser(self) -> None:
        from overdue_risk.runtime._format import parse_master_scale

        ms = MasterScale.geometric(5)
        d = ms.to_spec_dict()
        assert MasterScale.from_spec_dict(d) == ms
        parsed = parse_master_scale(d)
        assert parsed is not None
        assert parsed.upper_pd == ms.upper_pd
        assert "Master scale" in ms.summary()
        assert list(ms.to_frame()["grade"]) == list(ms.grades)

    @pytest.mark.parametrize(
        ("kwargs", "match"),
        [
            ({"grades": ("A",), "upper_pd": (0.5,), "pd": (0.1,)}, "close the scale"),
            ({"grades": ("A", "B"), "upper_pd": (0.5, 0.4), "pd": (0.1, 0.2)}, "increasing"),
            ({"grades": ("A", "A"), "upper_pd": (0.5, 1.0), "pd": (0.1, 0.7)}, "unique"),
            ({"grades": ("A", "B"), "upper_pd": (0.5, 1.0), "pd": (0.0, 0.7)}, r"\(0, 1\]"),
            ({"grades": ("A",), "upper_pd": (1.0,), "pd": ()}, "one entry per grade"),
        ],
    )
    def test_invalid(self, kwargs: dict[str, tuple], match: str) -> None:
        with pytest.raises(DataError, match=match):
            MasterScale(**kwargs)

    def test_invalid_constructors(self) -> None:
        with pytest.raises(DataError, match="n_grades"):
            MasterScale.geometric(1)
        with pytest.raises(DataError, match="below cap"):
            MasterScale.geometric(3, floor=0.2, cap=0.1)
        with pytest.raises(SpecError, match="master_scale needs"):
            MasterScale.from_spec_dict({"grades": ["A"]})
        with pytest.raises(DataError, match="pd must lie"):
            MasterScale.geometric(3).assign([1.5])


def test_public_names_resolve() -> None:
    import overdue_risk

    assert overdue_risk.PDCalibrator is PDCalibrator
    assert overdue_risk.MasterScale is MasterScale


def test_scorecard_to_spec_end_to_end() -> None:
    """A fitted scorecard, its calibrator and master scale in one spec: the NumPy runtime
    gives the same PDs and grades as the estimators (contract D of CONTRACTS.md)."""
    from overdue_risk import Scorecard
    from overdue_risk.datasets import make_microloan_portfolio
    from overdue_risk.runtime import Spec

    book = make_microloan_portfolio(n_loans=4000, random_state=1)
    apps = book.applications[book.applications["bad_observed"]]
    X = apps[["age", "debt_to_income", "n_past_overdue", "monthly_income", "employment_type"]]
    y = apps["bad"].to_numpy()
    card = Scorecard().fit(X, y)
    points = card.predict_points(X)
    cal = PDCalibrator(method="isotonic", central_tendency=0.08).fit(points.reshape(-1, 1), y)
    ms = MasterScale.geometric(5, floor=0.01, cap=0.4)
    spec = Spec.from_dict(card.to_spec(calibrator=cal, master_scale=ms))
    pd_ = cal.predict_pd(points)
    np.testing.assert_array_equal(spec.predict_pd(X), pd_)
    assert spec.grade(X).tolist() == ms.assign(pd_).tolist()
    assert pd_.mean() == pytest.approx(0.08, rel=1e-9)
