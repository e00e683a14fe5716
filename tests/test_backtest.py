"""Calibration backtests: golden values from regulators, reference implementations, peers."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from overdue_risk.backtest import (
    binomial_test,
    brier_score,
    expected_calibration_error,
    hosmer_lemeshow_test,
    jeffreys_test,
    normal_test,
    spiegelhalter_test,
    traffic_light,
)
from overdue_risk.exceptions import DataError


class TestJeffreys:
    def test_ecb_definition(self) -> None:
        # ECB (2019) instructions for reporting validation results: the p-value is the cdf of
        # Beta(D + 1/2, N - D + 1/2) evaluated at the PD of the grade.
        res = jeffreys_test([1000, 500, 80], [12, 15, 9], [0.01, 0.02, 0.08])
        for n, d, p, got in zip(
            res.grade_n_obligors, res.grade_n_defaults, res.grade_pd, res.grade_pvalue, strict=True
        ):
            assert got == pytest.approx(stats.beta.cdf(p, d + 0.5, n - d + 0.5), rel=1e-12)
        pd_port = (1000 * 0.01 + 500 * 0.02 + 80 * 0.08) / 1580
        assert res.pd == pytest.approx(pd_port)
        assert res.pvalue == pytest.approx(stats.beta.cdf(pd_port, 36.5, 1580 - 36 + 0.5))

    @pytest.mark.parametrize(
        ("x", "n", "lower", "upper"),
        [
            # RSurveillance::binom.jeffreys documented example output (Sergeant, CRAN):
            # binom.jeffreys(25, 200) and binom.jeffreys(seq(10, 100, 10), 200).
            (25, 200, 0.08462743, 0.176126),
            (10, 200, 0.02599340, 0.08687509),
            (50, 200, 0.19387268, 0.31330266),
            (90, 200, 0.38218245, 0.51925306),
        ],
    )
    def test_against_rsurveillance_jeffreys_limits(
        self, x: int, n: int, lower: float, upper: float
    ) -> None:
        # The Jeffreys p-value at the published 2.5% / 97.5% posterior quantiles must be
        # 0.025 / 0.975, and the result's interval must reproduce the published limits.
        assert jeffreys_test(n, x, lower).pvalue == pytest.approx(0.025, abs=2e-7)
        assert jeffreys_test(n, x, upper).pvalue == pytest.approx(0.975, abs=2e-7)
        lo, hi = jeffreys_test(n, x, 0.1).confidence_interval(0.95)
        assert lo == pytest.approx(lower, abs=1e-7)
        assert hi == pytest.approx(upper, abs=1e-6)

    def test_zero_defaults_and_empty_grade(self) -> None:
        res = jeffreys_test([100, 0], [0, 0], [0.01, 0.02])
        assert math.isnan(res.grade_pvalue[1])
        assert res.grade_pvalue[0] == pytest.approx(stats.beta.cdf(0.01, 0.5, 100.5))
        lo, hi = res.grade_confidence_intervals()
        assert lo[0] == 0.0
        assert math.isnan(hi[1])

    def test_result_surface(self) -> None:
        res = jeffreys_test([1000, 500], [12, 15], [0.01, 0.02], labels=["A", "B"])
        frame = res.to_frame()
        assert list(frame["grade"]) == ["A", "B", "portfolio"]
        assert frame["n_defaults"].iloc[-1] == 27
        assert res.default_rate == pytest.approx(27 / 1500)
        assert res.grade_default_rate == pytest.approx((0.012, 0.03))
        assert "Jeffreys" in res.summary()
        assert "<table>" in res._repr_html_()


class TestBinomial:
    def test_octave_binotest_documented_outputs(self) -> None:
        # GNU Octave statistics package, binotest documentation, demonstration 2:
        # 65 heads in 100 tosses, p0 = 0.5 -> p-value 1.7588e-03. Octave labels this
        # tail "left" in its comment, but the printed value is P(X >= 65), the upper tail,
        # i.e. our alternative="greater" (more events than the null predicts).
        assert binomial_test(100, 65, 0.5).pvalue == pytest.approx(1.7588e-03, rel=1e-4)
        # Demonstration 1: 475 of 1000, two-sided -> 0.1212.
        two = binomial_test(1000, 475, 0.5, alternative="two-sided")
        assert two.pvalue == pytest.approx(0.1212, abs=5e-5)

    def test_against_scipy_binomtest(self) -> None:
        n, d, p = [500, 1200, 300], [9, 14, 20], [0.01, 0.015, 0.04]
        res = binomial_test(n, d, p)
        for i in range(3):
            ref = stats.binomtest(d[i], n[i], p[i], alternative="greater").pvalue
            assert res.grade_pvalue[i] == pytest.approx(ref, rel=1e-10)
        less = binomial_test(n, d, p, alternative="less")
        assert less.grade_pvalue[0] == pytest.approx(
            stats.binomtest(9, 500, 0.01, alternative="less").pvalue, rel=1e-10
        )

    def test_vasicek_large_portfolio_limit(self) -> None:
        # BCBS WP14 (2005), binomial test with asset correlation: for N -> infinity the
        # default rate follows Vasicek's distribution
        # P(DR <= x) = Phi((sqrt(1 - rho) Phi^-1(x) - Phi^-1(PD)) / sqrt(rho)).
        pd_, rho, dr = 0.02, 0.12, 0.035
        vasicek_sf = 1 - stats.norm.cdf(
            (math.sqrt(1 - rho) * stats.norm.ppf(dr) - stats.norm.ppf(pd_)) / math.sqrt(rho)
        )
        n = 200_000
        got = binomial_test(n, int(dr * n), pd_, rho=rho).pvalue
        assert got == pytest.approx(vasicek_sf, abs=2e-3)

    def test_pluto_tasche_upper_bound_with_correlation(self) -> None:
        # Pluto & Tasche (2005), "Estimating probabilities of default for low default
        # portfolios": the most prudent 95% PD bound p solves P(X <= D | p, rho) = 5% in the
        # one-factor model. Documented example of P. Windridge's Pluto-Tasche calculator
        # (peter.windridge.org.uk, "Fast Pluto-Tasche PD calculator"): 9,810 obligors, 35
        # defaults, rho = 0.15 -> PD 0.0334 (its R simulation check gives 0.95002 for
        # P(X > 35)). The PD is printed to 3 significant digits, which moves the
        # probability by at most 0.0002 (0.03335 -> 0.05017, 0.03345 -> 0.04982).
        res = binomial_test(9810, 35, 0.0334, rho=0.15, alternative="less")
        assert res.pvalue == pytest.approx(0.05, abs=2e-4)

    def test_vasicek_against_monte_carlo(self) -> None:
        # Independent check of the one-factor mixture at a small N by simulation.
        rng = np.random.default_rng(11)
        n, pd_, rho, d = 500, 0.02, 0.15, 20
        z = rng.standard_normal(200_000)
        pz = stats.norm.cdf((stats.norm.ppf(pd_) - math.sqrt(rho) * z) / math.sqrt(1 - rho))
        sims = rng.binomial(n, pz)
        mc = float(np.mean(sims >= d))
        got = binomial_test(n, d, pd_, rho=rho).pvalue
        assert got == pytest.approx(mc, abs=4 * math.sqrt(mc * (1 - mc) / z.size) + 1e-3)

    def test_correlation_widens_acceptance(self) -> None:
        base = binomial_test(1000, 25, 0.015).pvalue
        corr = [binomial_test(1000, 25, 0.015, rho=r).pvalue for r in (0.01, 0.05, 0.15)]
        assert base < corr[0] < corr[1] < corr[2]
        assert binomial_test(1000, 25, 0.015, rho=1e-9).pvalue == pytest.approx(base, rel=1e-4)

    def test_bad_input(self) -> None:
        with pytest.raises(DataError, match="rho"):
            binomial_test(100, 2, 0.01, rho=1.0)
        with pytest.raises(DataError, match="two-sided"):
            binomial_test(100, 2, 0.01, rho=0.1, alternative="two-sided")
        with pytest.raises(DataError, match="more defaults"):
            binomial_test([10], [11], [0.1])
        with pytest.raises(DataError, match="whole numbers"):
            binomial_test(10.5, 1, 0.1)
        with pytest.raises(DataError, match="pd must lie"):
            binomial_test(10, 1, 1.5)
        with pytest.raises(DataError, match="one entry per grade"):
            binomial_test([10, 20], [1, 2, 3], 0.1)
        with pytest.raises(DataError, match="numeric probabilities"):
            jeffreys_test(10, 1, "a")


class TestTrafficLight:
    def test_oenb_levels(self) -> None:
        # OeNB (2004), Rating Models and Validation, p. 121 ("traffic lights approach"):
        # below 95% green, from 99.9% red, in between yellow.
        got = traffic_light([0.06, 0.05, 0.002, 0.001, 0.0001]).tolist()
        assert got == ["green", "yellow", "yellow", "red", "red"]
        assert traffic_light([float("nan")]).tolist() == ["n/a"]  # an empty grade
        custom = traffic_light([0.05], levels=(0.9, 0.975)).tolist()
        assert custom == ["yellow"]
        with pytest.raises(DataError, match="levels"):
            traffic_light([0.1], levels=(0.99, 0.95))

    def test_tasche_quantile_equivalence(self) -> None:
        # Tasche (2003): green if D < q_0.95 of the default count, red if D >= q_0.999.
        n, p = 2000, 0.01
        q95 = int(stats.binom.ppf(0.95, n, p))
        q999 = int(stats.binom.ppf(0.999, n, p))
        res = binomial_test([n] * 4, [q95 - 1, q95 + 1, q999 - 1, q999 + 1], [p] * 4)
        assert res.traffic_light() == ("green", "yellow", "yellow", "red")

    def test_needs_one_sided(self) -> None:
        res = binomial_test(100, 5, 0.05, alternative="two-sided")
        with pytest.raises(DataError, match="one-sided"):
            res.traffic_light()


class TestHosmerLemeshow:
    def test_equals_pearson_form_of_reference_implementation(self) -> None:
        # ResourceSelection::hoslem.test (Lele, Keim & Solymos) computes
        # sum((observed - expected)^2 / expected) over the 2 x g table of events and
        # non-events, with g - 2 degrees of freedom; algebraically the same statistic.
        n = np.array([50, 60, 55, 40, 45])
        d = np.array([1, 3, 5, 6, 11])
        p = np.array([0.02, 0.05, 0.08, 0.12, 0.2])
        obs = np.column_stack([n - d, d])
        exp = np.column_stack([n * (1 - p), n * p])
        chisq = float(np.sum((obs - exp) ** 2 / exp))
        res = hosmer_lemeshow_test(n, d, p, dof=len(n) - 2)
        assert res.statistic == pytest.approx(chisq, rel=1e-12)
        assert res.pvalue == pytest.approx(1 - stats.chi2.cdf(chisq, 3), rel=1e-10)
        assert sum(res.grade_statistic) == pytest.approx(res.statistic)

    def test_blorr_documented_output_hsb2(self) -> None:
        # R package blorr, blr_test_hosmer_lemeshow(glm(honcomp ~ race + read + science,
        # data = hsb2, family = binomial)), documented output (tests/testthat/_snaps/
        # hosmer-lemeshow.md): Chi-Square 5.8839, DF 8, Pr > ChiSq 0.6602. The partition
        # table prints the expected events rounded to 2 decimals; recomputing from those
        # rounded values moves the statistic by up to +-0.025 (checked by perturbing each
        # expected count within +-0.005), hence the tolerance. This is the in-sample fit of
        # a logistic model, so the right degrees of freedom here are g - 2 = 8.
        n = np.array([20, 21, 19, 22, 18, 20, 20, 21, 19, 20])
        d = np.array([0, 1, 0, 2, 2, 4, 9, 9, 13, 13])
        expected = np.array([0.29, 0.74, 1.05, 2.04, 2.93, 4.47, 6.17, 8.93, 11.16, 15.22])
        res = hosmer_lemeshow_test(n, d, expected / n, dof=8)
        assert res.statistic == pytest.approx(5.8839, abs=0.025)
        assert res.pvalue == pytest.approx(0.6602, abs=0.003)
        assert res.dof == 8.0

    def test_degrees_of_freedom_default_is_k(self) -> None:
        # Sources disagree on the degrees of freedom: Hosmer & Lemeshow (2013, section 5.2.2)
        # use g - 2 because the PDs were FITTED on the same data; for a backtest of PDs fixed
        # in advance nothing is estimated and the statistic is chi-square with k degrees of
        # freedom (BCBS WP14, 2005). Our default is k; pass dof=k-2 for the in-sample test.
        n, d, p = [100, 100, 100, 100], [1, 4, 6, 12], [0.02, 0.04, 0.07, 0.10]
        res_k = hosmer_lemeshow_test(n, d, p)
        res_k2 = hosmer_lemeshow_test(n, d, p, dof=2)
        assert res_k.dof == 4.0
        assert res_k2.dof == 2.0
        assert res_k.statistic == res_k2.statistic
        assert res_k.pvalue > res_k2.pvalue
        assert res_k.pvalue == pytest.approx(stats.chi2.sf(res_k.statistic, 4))

    def test_bad_input(self) -> None:
        with pytest.raises(DataError, match=r"\(0, 1\)"):
            hosmer_lemeshow_test([10], [1], [0.0])
        with pytest.raises(DataError, match="dof"):
            hosmer_lemeshow_test([10, 10], [1, 2], [0.1, 0.2], dof=0)


class TestSpiegelhalterAndNormal:
    @pytest.mark.parametrize(
        ("p", "brier", "z"), [((0.2, 0.2), 0.34, 1.06), ((0.4, 0.5), 0.305, 1.22)]
    )
    def test_rufibach_2010_table1(self, p: tuple[float, float], brier: float, z: float) -> None:
        # Rufibach, K. (2010). Use of Brier score to assess binary predictions. J. Clin.
        # Epidemiol. 63(8), 938-939, Table 1: outcomes x = (1, 0); model 1 p = (0.2, 0.2) has
        # Brier 0.34 and Spiegelhalter Z 1.06, model 2 p = (0.4, 0.5) has Brier "0.30" and
        # Z 1.22 (the lower Brier score but the worse calibration: his point). Model 2's
        # Brier score is exactly (0.6^2 + 0.5^2) / 2 = 0.305, which the table prints rounded
        # down to 0.30 (round-half-even, or 0.305 held as 0.30499... in binary); 0.305 is the
        # right value and is what we assert. Z is printed to 2 decimals: 1.0607 and 1.2247.
        res = spiegelhalter_test([1, 1], [1, 0], list(p))
        assert res.statistic == pytest.approx(z, abs=5e-3)
        assert brier_score([1, 0], list(p)).statistic == pytest.approx(brier, abs=1e-12)
        assert res.pvalue == pytest.approx(2 * stats.norm.sf(res.statistic), rel=1e-12)

    def test_spiegelhalter_formula(self, rng: np.random.Generator) -> None:
        # Spiegelhalter (1986), eq. for Z(B): sum (y - p)(1 - 2p) / sqrt(sum (1-2p)^2 p (1-p)).
        p = rng.uniform(0.01, 0.4, 300)
        y = (rng.random(300) < p).astype(int)
        z = np.sum((y - p) * (1 - 2 * p)) / np.sqrt(np.sum((1 - 2 * p) ** 2 * p * (1 - p)))
        res = spiegelhalter_test(np.ones(300, dtype=int), y, p)
        assert res.statistic == pytest.approx(z, rel=1e-12)
        assert res.pvalue == pytest.approx(2 * stats.norm.sf(abs(z)), rel=1e-10)

    def test_spiegelhalter_grouped_equals_obligor_level(self) -> None:
        n, d, p = np.array([40, 30, 30]), np.array([2, 3, 6]), np.array([0.05, 0.1, 0.2])
        y = np.concatenate([np.r_[np.ones(k), np.zeros(m - k)] for m, k in zip(n, d, strict=True)])
        pp = np.repeat(p, n)
        grouped = spiegelhalter_test(n, d, p)
        single = spiegelhalter_test(np.ones(y.size, dtype=int), y.astype(int), pp)
        assert grouped.statistic == pytest.approx(single.statistic, rel=1e-12)

    def test_spiegelhalter_is_standard_normal_under_h0(self) -> None:
        rng = np.random.default_rng(3)
        zs = []
        for _ in range(400):
            p = rng.uniform(0.02, 0.3, 500)
            y = (rng.random(500) < p).astype(int)
            zs.append(spiegelhalter_test(np.ones(500, dtype=int), y, p).statistic)
        assert abs(np.mean(zs)) < 0.15
        assert 0.85 < np.std(zs) < 1.15

    def test_normal_test_formula(self) -> None:
        # BCBS WP14 (2005) normal test: Z = sum(d_t - PD_t) / (sqrt(T) tau),
        # tau^2 = (sum (d_t - PD_t)^2 - (sum (d_t - PD_t))^2 / T) / (T - 1).
        n = np.array([1000, 1100, 1200, 1050])
        d = np.array([15, 30, 12, 22])
        p = np.array([0.015, 0.018, 0.016, 0.017])
        e = d / n - p
        tau = math.sqrt((np.sum(e**2) - np.sum(e) ** 2 / 4) / 3)
        z = np.sum(e) / (2 * tau)
        res = normal_test(n, d, p)
        assert res.statistic == pytest.approx(z, rel=1e-12)
        assert res.pvalue == pytest.approx(stats.norm.sf(z), rel=1e-10)
        assert res.labels[0] == "period 1"
        with pytest.raises(DataError, match="two periods"):
            normal_test([100], [1], [0.01])


class TestScores:
    def test_brier_matches_sklearn(self, rng: np.random.Generator) -> None:
        from sklearn.metrics import brier_score_loss

        p = rng.uniform(0, 0.5, 1000)
        y = (rng.random(1000) < p).astype(int)
        r = brier_score(y, p)
        assert r.statistic == pytest.approx(brier_score_loss(y, p), rel=1e-12)
        # Bradley, Schwartz & Hashino (2008): SE of the mean of e_i = (p_i - y_i)^2
        e = (p - y) ** 2
        assert r.standard_error == pytest.approx(np.std(e, ddof=1) / np.sqrt(1000))
        lo, hi = r.confidence_interval(0.9)
        assert hi - lo == pytest.approx(2 * stats.norm.ppf(0.95) * r.standard_error)
        # its p-value is Spiegelhalter's test on the same PDs
        sp = spiegelhalter_test(np.ones(1000, dtype=int), y, p)
        assert r.pvalue == pytest.approx(sp.pvalue, rel=1e-12)

    def test_murphy_decomposition_is_exact_on_grades(self, rng: np.random.Generator) -> None:
        # Murphy (1973): BS = reliability - resolution + uncertainty when forecasts take
        # finitely many values (grades).
        grades = np.array([0.01, 0.03, 0.08, 0.2])
        p = rng.choice(grades, 3000)
        y = (rng.random(3000) < p * 1.3).astype(int)
        r = brier_score(y, p)
        assert r.within_bin == 0.0
        assert r.statistic == pytest.approx(r.reliability - r.resolution + r.uncertainty, abs=1e-14)
        assert r.uncertainty == pytest.approx(y.mean() * (1 - y.mean()))
        assert r.n_groups == 4
        binned = brier_score(y, p + rng.uniform(-0.005, 0.005, 3000), n_bins=5)
        assert binned.statistic == pytest.approx(
            binned.reliability - binned.resolution + binned.uncertainty + binned.within_bin
        )
        assert "Murphy" in r.summary()

    def test_ece(self) -> None:
        y = np.array([0, 0, 1, 1, 0, 1])
        p = np.array([0.1, 0.1, 0.1, 0.9, 0.9, 0.9])
        r = expected_calibration_error(y, p, n_bins=2, strategy="uniform")
        gap = abs(1 / 3 - 0.1) * 0.5 + abs(2 / 3 - 0.9) * 0.5
        assert r.statistic == pytest.approx(gap)
        assert r.max_error == pytest.approx(abs(1 / 3 - 0.1))
        assert r.bin_count == (3, 3)
        assert len(r.to_frame()) == 2

    def test_single_class_sample_is_allowed_for_scores(self) -> None:
        assert brier_score([0, 0, 0], [0.1, 0.2, 0.3]).statistic == pytest.approx(0.14 / 3)


@settings(max_examples=80, deadline=None)
@given(
    st.integers(1, 5000).flatmap(lambda n: st.tuples(st.just(n), st.integers(0, n))),
    st.floats(1e-4, 0.5),
)
def test_jeffreys_pvalue_decreases_with_defaults(nd: tuple[int, int], pd: float) -> None:
    n, d = nd
    p0 = jeffreys_test(n, d, pd).pvalue
    assert 0.0 <= p0 <= 1.0
    if d < n:
        assert jeffreys_test(n, d + 1, pd).pvalue <= p0 + 1e-12
