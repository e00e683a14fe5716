"""Discrimination and stability metrics: golden values from published sources, peers, properties."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy import stats

from overdue_risk.exceptions import DataError
from overdue_risk.metrics import (
    auc_change_test,
    cap_curve,
    csi,
    gains_table,
    gini,
    herfindahl,
    ks_statistic,
    psi,
    psi_from_counts,
    roc_auc,
    roc_auc_compare,
)

# Hanley & McNeil (1982), Radiology 143:29-36, Table 1: a radiologist's five-point ratings
# (1 = definitely normal ... 5 = definitely abnormal) of 109 CT images.
HM_NORMAL = np.repeat([1, 2, 3, 4, 5], [33, 6, 6, 11, 2])  # 58 truly normal
HM_ABNORMAL = np.repeat([1, 2, 3, 4, 5], [3, 2, 2, 11, 33])  # 51 truly abnormal
HM_Y = np.r_[np.zeros(58, dtype=int), np.ones(51, dtype=int)]
HM_SCORE = np.r_[HM_NORMAL, HM_ABNORMAL].astype(float)


def _delong_bruteforce(y: np.ndarray, s: np.ndarray) -> tuple[float, float]:
    """DeLong et al. (1988) eqs. (2)-(5) written out with the O(m n) kernel psi(X, Y)."""
    x, yy = s[y == 1], s[y == 0]
    psi_ = (x[:, None] > yy[None, :]) + 0.5 * (x[:, None] == yy[None, :])
    auc = psi_.mean()
    v10, v01 = psi_.mean(axis=1), psi_.mean(axis=0)
    var = v10.var(ddof=1) / x.size + v01.var(ddof=1) / yy.size
    return float(auc), math.sqrt(var)


class TestRocAuc:
    def test_hanley_mcneil_1982_table1_auc(self) -> None:
        # Hanley & McNeil (1982), p. 32: area 0.893 for the Table 1 ratings.
        res = roc_auc(HM_Y, HM_SCORE)
        assert res.statistic == pytest.approx(0.893, abs=5e-4)
        assert (res.n_events, res.n_nonevents) == (51, 58)

    def test_hanley_mcneil_1982_standard_error(self) -> None:
        # Hanley & McNeil (1982): SE(A) = 0.032, from their eq. (1) with the exponential
        # approximations Q1 = A/(2-A), Q2 = 2A^2/(1+A). Our method="hanley_mcneil" gives
        # 0.0325, which the paper prints rounded to 0.032 (3 decimals, truncated).
        res = roc_auc(HM_Y, HM_SCORE, method="hanley_mcneil")
        assert res.standard_error == pytest.approx(0.032, abs=6e-4)
        assert res.standard_error == pytest.approx(0.03249, abs=5e-5)

    def test_delong_standard_error_differs_from_hanley_mcneil_and_why(self) -> None:
        # DeLong's nonparametric variance uses the empirical structural components instead of
        # the exponential (binormal-like) approximation, so on these heavily tied 5-point
        # ratings it is smaller: 0.0307 vs 0.0325. Both are correct for their estimator; the
        # value 0.032 quoted for this data set is Hanley-McNeil's, not DeLong's.
        res = roc_auc(HM_Y, HM_SCORE)
        auc_bf, se_bf = _delong_bruteforce(HM_Y, HM_SCORE)
        assert res.statistic == pytest.approx(auc_bf, rel=1e-12)
        assert res.standard_error == pytest.approx(se_bf, rel=1e-12)
        assert res.standard_error == pytest.approx(0.0307, abs=1e-4)

    def test_matches_sklearn_and_bruteforce_delong(self, rng: np.random.Generator) -> None:
        from sklearn.metrics import roc_auc_score

        y = rng.integers(0, 2, 400)
        s = np.round(rng.normal(size=400) + 0.8 * y, 1)  # rounding creates ties
        res = roc_auc(y, s)
        assert res.statistic == pytest.approx(roc_auc_score(y, s), rel=1e-12)
        assert res.standard_error == pytest.approx(_delong_bruteforce(y, s)[1], rel=1e-10)

    def test_confidence_interval_and_pvalue(self) -> None:
        res = roc_auc(HM_Y, HM_SCORE)
        lo, hi = res.confidence_interval(0.95)
        z = stats.norm.ppf(0.975)
        assert lo == pytest.approx(res.statistic - z * res.standard_error)
        assert hi == pytest.approx(res.statistic + z * res.standard_error)
        lo90, hi90 = res.confidence_interval(0.90)
        assert lo < lo90 < hi90 < hi
        assert res.pvalue == pytest.approx(
            2 * stats.norm.sf((res.statistic - 0.5) / res.standard_error)
        )
        with pytest.raises(DataError, match="confidence_level"):
            res.confidence_interval(95)

    def test_result_surface(self) -> None:
        res = roc_auc(HM_Y, HM_SCORE)
        text = res.summary()
        assert "AUC" in text
        assert "0.8932" in text
        frame = res.to_frame()
        assert frame.loc[0, "AUC"] == pytest.approx(res.statistic)
        assert "<table>" in res._repr_html_()
        assert "statistic=0.893" in repr(res)
        with pytest.raises(AttributeError):
            res.statistic = 0.5  # type: ignore[misc]

    def test_gini_is_two_auc_minus_one(self) -> None:
        a, g = roc_auc(HM_Y, HM_SCORE), gini(HM_Y, HM_SCORE)
        assert g.statistic == pytest.approx(2 * a.statistic - 1)
        assert g.standard_error == pytest.approx(2 * a.standard_error)
        assert g.measure == "Gini"
        assert g.confidence_interval(0.99)[0] >= -1.0

    @pytest.mark.parametrize(
        ("y", "s", "match"),
        [
            ([0, 1, 2], [0.1, 0.2, 0.3], "only 0 and 1"),
            ([1, 1, 1], [0.1, 0.2, 0.3], "single class"),
            ([0, 1, 1], [0.1, np.nan, 0.3], "non-finite"),
            ([0, 1, 1], [0.1, 0.2], "same number of rows"),
            ([0, 1], ["a", "b"], "numeric"),
        ],
    )
    def test_bad_input(self, y: list[int], s: list[float], match: str) -> None:
        with pytest.raises(DataError, match=match):
            roc_auc(y, s)

    def test_unknown_method(self) -> None:
        with pytest.raises(DataError, match="method"):
            roc_auc(HM_Y, HM_SCORE, method="bootstrap")


class TestCompareAndChange:
    def test_compare_matches_bruteforce_delong_1988(self, rng: np.random.Generator) -> None:
        # DeLong et al. (1988), eq. (5): var(A1 - A2) = L S L' with S = S10/m + S01/n built from
        # the structural components; computed here independently with the O(m n) kernel.
        y = rng.integers(0, 2, 300)
        a = rng.normal(size=300) + 1.0 * y
        b = 0.6 * a + rng.normal(size=300) * 0.8 + 0.3 * y
        res = roc_auc_compare(y, a, b)
        pos, neg = y == 1, y == 0

        def comps(s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            k = (s[pos][:, None] > s[neg][None, :]) + 0.5 * (s[pos][:, None] == s[neg][None, :])
            return k.mean(axis=1), k.mean(axis=0)

        (v10a, v01a), (v10b, v01b) = comps(a), comps(b)
        s10 = np.cov(np.vstack([v10a, v10b]))
        s01 = np.cov(np.vstack([v01a, v01b]))
        cov = s10 / pos.sum() + s01 / neg.sum()
        var = cov[0, 0] + cov[1, 1] - 2 * cov[0, 1]
        diff = v10a.mean() - v10b.mean()
        assert res.difference == pytest.approx(diff, rel=1e-12)
        assert res.standard_error == pytest.approx(math.sqrt(var), rel=1e-10)
        assert res.statistic == pytest.approx(diff / math.sqrt(var), rel=1e-10)
        assert res.pvalue == pytest.approx(2 * stats.norm.sf(abs(diff) / math.sqrt(var)))
        one_sided = roc_auc_compare(y, a, b, alternative="greater")
        assert one_sided.pvalue == pytest.approx(stats.norm.sf(res.statistic))
        lo, hi = res.confidence_interval()
        assert lo < res.difference < hi

    def test_compare_with_itself_is_null(self) -> None:
        res = roc_auc_compare(HM_Y, HM_SCORE, HM_SCORE)
        assert res.difference == 0.0
        assert res.statistic == 0.0
        assert res.pvalue == 1.0

    def test_ecb_auc_change_test_formula(self) -> None:
        # ECB (2019) instructions: S = (AUC_init - AUC_curr) / s_curr, one-sided p = 1 - Phi(S).
        cur = roc_auc(HM_Y, HM_SCORE)
        res = auc_change_test(0.95, HM_Y, HM_SCORE)
        s = (0.95 - cur.statistic) / cur.standard_error
        assert res.statistic == pytest.approx(s)
        assert res.pvalue == pytest.approx(1 - stats.norm.cdf(s))
        assert res.auc_a == 0.95
        assert res.auc_b == pytest.approx(cur.statistic)
        # an improvement is never a rejection
        assert auc_change_test(0.80, HM_Y, HM_SCORE).pvalue > 0.5
        with pytest.raises(DataError, match="auc_initial"):
            auc_change_test(1.5, HM_Y, HM_SCORE)
        assert "ECB" in res.summary()


# pROC's aSAH data (Turck et al. 2010, Intensive Care Med 36:107-115; shipped with R pROC,
# Robin et al. 2011): 113 patients with aneurysmal subarachnoid haemorrhage, outcome
# "Poor" (y = 1, 41 patients) or "Good" (72), in pROC's row order. Columns: outcome, WFNS
# grade (1-5), s100b, ndka. The first six rows equal pROC's printed head(aSAH); the AUCs
# below reproduce pROC's documented 0.7314 (s100b), 0.8237 (wfns), 0.6120 (ndka).
_ASAH = """
G1 .13 3.01  G1 .14 8.54  G1 .10 8.09  G1 .04 10.42 P3 .13 17.40 P2 .10 12.75
G5 .47 6.00  P4 .16 13.20 G1 .18 15.54 G2 .10 6.01  P5 .12 15.96 G2 .10 17.86
P5 .44 5.18  P5 .71 8.90  G1 .04 13.41 G2 .08 20.75 P5 .49 11.60 G2 .04 16.11
P2 .07 32.37 P5 .33 54.82 P2 .09 32.41 G1 .09 49.94 P1 .07 40.34 G1 .11 9.47
G1 .07 6.29  G2 .17 12.53 G1 .07 6.54  G2 .11 6.30  G1 .13 80.30 G1 .19 12.80
G3 .05 9.80  G4 .16 9.81  P2 .41 9.85  G1 .14 18.21 G4 .34 5.03  P5 .35 14.04
P4 .48 21.93 G1 .09 8.02  P4 .96 7.42  P2 .25 8.38  G5 .50 6.59  G5 .46 9.63
G1 .16 13.12 G1 .07 7.96  G2 .43 14.34 G4 .45 41.43 G1 .11 7.63  G1 .08 7.06
G2 .09 12.59 P5 .86 13.56 P5 .52 3.87  G2 .08 9.44  G1 .06 7.66  G2 .13 12.98
P5 2.07 419.19 G1 .10 27.19 G2 .14 22.27 G2 .15 9.95 P2 .07 21.22 G1 .06 11.73
P5 .77 10.40 G1 .05 58.83 G1 .09 6.39  P2 .30 11.09 P5 .03 12.22 P2 .09 13.67
G1 .04 17.21 P4 .23 22.63 P5 .70 12.90 G2 .09 9.70  P4 .27 21.57 P4 .71 8.23
P1 .08 72.57 P4 .26 15.54 G1 .08 10.51 G2 .16 10.60 G1 .09 14.57 P4 .13 5.19
P2 .10 9.63  G1 .08 4.61  P2 .11 21.48 G3 .33 17.30 G2 .11 12.71 G4 .28 9.44
G2 .07 11.07 G1 .10 19.46 G4 .32 10.83 P5 .22 5.37  G1 .07 11.97 G1 .05 7.75
G5 .24 9.83  G4 .38 10.55 G2 .10 28.49 G2 .15 8.53  G1 .08 12.57 G1 .14 12.90
G1 .10 46.83 G3 .07 11.68 G1 .04 12.67 G2 .19 9.01  P5 .56 9.57  P2 .14 34.06
P2 .58 11.72 P5 .32 14.26 P5 .82 47.61 P5 .74 11.67 G2 .15 24.58 G4 .47 10.33
G4 .17 13.87 P5 .44 15.89 G1 .15 22.43 G1 .50 6.79  G1 .48 13.45
"""


def _asah() -> tuple[np.ndarray, dict[str, np.ndarray]]:
    tok = _ASAH.split()
    rows = [tok[i : i + 3] for i in range(0, len(tok), 3)]
    y = np.array([r[0][0] == "P" for r in rows], dtype=int)
    cols = {
        "wfns": np.array([float(r[0][1]) for r in rows]),
        "s100b": np.array([float(r[1]) for r in rows]),
        "ndka": np.array([float(r[2]) for r in rows]),
    }
    return y, cols


class TestPROCaSAH:
    """DeLong's paired test against R pROC's own test suite on its aSAH data.

    Source: pROC (Robin et al. 2011, BMC Bioinformatics 12:77), tests/testthat/test-roc.test.R,
    "roc.test statistic and p are as expected with defaults" (roc.test(r.wfns, r.s100b) etc.,
    method "DeLong's test for two correlated ROC curves"), and pROC's documented AUCs.
    """

    def test_data_is_aSAH(self) -> None:
        y, cols = _asah()
        assert y.size == 113
        assert int(y.sum()) == 41  # 41 "Poor", 72 "Good" (pROC documentation)
        # pROC's printed head(aSAH): rows 29-34 of the data frame
        assert y[:6].tolist() == [0, 0, 0, 0, 1, 1]
        assert cols["wfns"][:6].tolist() == [1, 1, 1, 1, 3, 2]
        assert cols["s100b"][:6].tolist() == [0.13, 0.14, 0.10, 0.04, 0.13, 0.10]
        assert cols["ndka"][:6].tolist() == [3.01, 8.54, 8.09, 10.42, 17.40, 12.75]

    @pytest.mark.parametrize(
        ("name", "auc"),
        [("s100b", 0.7314), ("wfns", 0.8237), ("ndka", 0.6120)],  # pROC print(roc(...)), 4 dp
    )
    def test_aucs(self, name: str, auc: float) -> None:
        y, cols = _asah()
        assert roc_auc(y, cols[name]).statistic == pytest.approx(auc, abs=5e-5)

    @pytest.mark.parametrize(
        ("a", "b", "z", "p", "lo", "hi"),
        [
            ("wfns", "s100b", 2.20898359144091, 0.0271757822291882, 0.0104061769564846,
             0.174214419249478),
            ("wfns", "ndka", 2.79777591868904, 0.00514557970691098, 0.0634011709339876,
             0.3600405634833566),
            ("ndka", "s100b", -1.39077002573558, 0.164295175223054, -0.2876917446341914,
             0.0488706064228094),
        ],
    )  # fmt: skip
    def test_paired_delong_matches_proc(
        self, a: str, b: str, z: float, p: float, lo: float, hi: float
    ) -> None:
        # pROC's expect_equal uses a relative tolerance of 1.5e-8; we hold 1e-9.
        y, cols = _asah()
        res = roc_auc_compare(y, cols[a], cols[b])
        assert res.statistic == pytest.approx(z, rel=1e-9)
        assert res.pvalue == pytest.approx(p, rel=1e-9)
        assert res.confidence_interval(0.95) == pytest.approx((lo, hi), rel=1e-9)
        # reversing the curves flips Z and keeps p (pROC: "identical p values when reversed")
        rev = roc_auc_compare(y, cols[b], cols[a])
        assert rev.statistic == pytest.approx(-z, rel=1e-9)
        assert rev.pvalue == pytest.approx(p, rel=1e-9)

    def test_one_sided_matches_proc(self) -> None:
        # pROC test-roc.test.R, "one-sided roc.test work and produce expected results".
        y, cols = _asah()
        gt = roc_auc_compare(y, cols["wfns"], cols["s100b"], alternative="greater")
        lt = roc_auc_compare(y, cols["wfns"], cols["s100b"], alternative="less")
        assert gt.pvalue == pytest.approx(0.0135878911145941, rel=1e-9)
        assert lt.pvalue == pytest.approx(0.986412108885406, rel=1e-9)


class TestKSCapGains:
    def test_ks_matches_scipy(self, rng: np.random.Generator) -> None:
        y = rng.integers(0, 2, 500)
        s = np.round(rng.normal(size=500) + 0.7 * y, 1)
        res = ks_statistic(y, s)
        ref = stats.ks_2samp(s[y == 1], s[y == 0], method="asymp")
        assert res.statistic == pytest.approx(ref.statistic, rel=1e-12)
        assert res.pvalue == pytest.approx(ref.pvalue, rel=1e-6)
        # the threshold is where the empirical cdfs are farthest apart
        cb = np.mean(s[y == 1] <= res.threshold)
        cg = np.mean(s[y == 0] <= res.threshold)
        assert abs(cb - cg) == pytest.approx(res.statistic)

    def test_cap_accuracy_ratio_equals_gini_with_ties(self) -> None:
        # Engelmann, Hayden & Tasche (2003): AR = 2 AUC - 1 (ties counted one half).
        cap = cap_curve(HM_Y, HM_SCORE)
        assert cap.accuracy_ratio == pytest.approx(gini(HM_Y, HM_SCORE).statistic, rel=1e-12)
        assert cap.fraction_population[0] == 0.0
        assert cap.fraction_population[-1] == 1.0
        assert cap.fraction_events[-1] == pytest.approx(1.0)
        assert np.all(np.diff(cap.fraction_events) >= 0)
        assert cap.statistic == cap.accuracy_ratio
        assert len(cap.to_frame()) == len(cap.fraction_population)

    def test_gains_table(self, rng: np.random.Generator) -> None:
        y = rng.integers(0, 2, 1000)
        s = rng.normal(size=1000) + y
        t = gains_table(y, s, n_bins=10)
        assert sum(t.n) == 1000
        assert sum(t.n_events) == y.sum()
        assert t.band == tuple(range(1, 11))
        frame = t.to_frame()
        assert frame["cum_events_pct"].iloc[-1] == pytest.approx(1.0)
        assert frame["cum_lift"].iloc[-1] == pytest.approx(1.0)
        # the riskiest decile of a working score has lift > 1
        assert frame["lift"].iloc[0] > 1.5
        # max KS over deciles cannot exceed the exact KS
        assert frame["ks"].max() <= ks_statistic(y, s).statistic + 1e-12
        assert "Gains table" in t.summary()

    def test_gains_table_keeps_ties_together(self) -> None:
        t = gains_table([0, 1, 0, 1, 0, 1], [5, 5, 5, 5, 1, 1], n_bins=3)
        assert t.n == (4, 2)
        with pytest.raises(DataError, match="n_bins"):
            gains_table([0, 1], [1, 2], n_bins=0)


# finite samples of one score (property tests of the quantile edges and of PSI)
_FINITE_SAMPLES = st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=1, max_size=200)


class TestPSI:
    def test_hand_computed(self) -> None:
        # PSI = sum (a - e) ln(a / e) (Siddiqi 2006, ch. 8), computed by hand.
        e = np.array([0.1, 0.2, 0.3, 0.4])
        a = np.array([0.12, 0.18, 0.31, 0.39])
        expected = float(np.sum((a - e) * np.log(a / e)))
        res = psi_from_counts(e * 1000, a * 1000)
        assert res.statistic == pytest.approx(expected, rel=1e-12)

    def test_yurdakul_naranjo_critical_value(self) -> None:
        # Yurdakul & Naranjo (2020): critical value (1/N + 1/M) chi2_{B-1}(1 - alpha).
        # With B = 10 bins, N = M = 1000, alpha = 0.05: 0.002 * 16.919 = 0.0338.
        res = psi_from_counts(np.full(10, 100.0), np.full(10, 100.0))
        assert res.critical_value == pytest.approx(0.002 * stats.chi2.ppf(0.95, 9), rel=1e-12)
        assert res.critical_value == pytest.approx(0.0338, abs=1e-4)
        assert res.critical_value_at(0.01) > res.critical_value
        assert res.pvalue == pytest.approx(1.0)

    def test_critical_value_has_its_nominal_size(self) -> None:
        # Under H0 (same population) PSI exceeds its 5% critical value about 5% of the time
        # (Yurdakul & Naranjo 2020, simulation section). 2000 seeded replications.
        rng = np.random.default_rng(7)
        probs = np.full(10, 0.1)
        rejections = 0
        for _ in range(2000):
            e = rng.multinomial(2000, probs)
            a = rng.multinomial(3000, probs)
            rejections += psi_from_counts(e, a).reject
        assert 0.035 < rejections / 2000 < 0.065

    def test_rule_of_thumb(self) -> None:
        base = np.full(4, 250.0)
        assert psi_from_counts(base, base).rule_of_thumb == "stable"
        assert psi_from_counts(base, [400, 300, 200, 100]).rule_of_thumb == "moderate shift"
        assert psi_from_counts(base, [700, 200, 80, 20]).rule_of_thumb == "major shift"

    def test_empty_bins_are_safe(self) -> None:
        res = psi_from_counts([100, 0, 100], [50, 50, 100])
        assert math.isfinite(res.statistic)
        # the empty reference bin uses the documented epsilon floor
        pe = np.array([0.5, 1e-4, 0.5])
        pa = np.array([0.25, 0.25, 0.5])
        assert res.statistic == pytest.approx(float(np.sum((pa - pe) * np.log(pa / pe))))
        both_empty = psi_from_counts([100, 0, 100], [100, 0, 100])
        assert both_empty.statistic == 0.0

    def test_quantile_and_explicit_edges(self, rng: np.random.Generator) -> None:
        x = rng.normal(size=2000)
        res = psi(x, x + 0.3, bins=5)
        assert len(res.labels) == 5
        assert sum(res.expected_counts) == 2000
        assert res.expected_counts == pytest.approx((400.0,) * 5)
        edges = [-1.0, 0.0, 1.0]
        res_e = psi(x, x, bins=edges)
        assert res_e.labels[0] == "[-inf, -1)"
        assert len(res_e.labels) == 4
        assert res_e.statistic == 0.0
        with pytest.raises(DataError, match="strictly increasing"):
            psi(x, x, bins=[1.0, 0.0])

    def test_missing_and_categorical(self) -> None:
        e = np.array([1.0, 2.0, np.nan, 4.0, 5.0, np.nan])
        a = np.array([1.0, np.nan, np.nan, np.nan, 5.0, 3.0])
        res = psi(e, a, bins=2)
        assert res.labels[-1] == "Missing"
        assert res.expected_counts[-1] == 2
        assert res.actual_counts[-1] == 3
        cat = psi(
            np.array(["a", "b", None, "b"], dtype=object),
            np.array(["a", "c", "c", 1.0], dtype=object),
        )
        assert cat.labels == ("1", "a", "b", "c", "Missing")

    def test_bad_input(self) -> None:
        with pytest.raises(DataError, match="bins"):
            psi_from_counts([1, 2], [1, 2, 3])
        with pytest.raises(DataError, match="non-negative"):
            psi_from_counts([1, -2], [1, 2])
        with pytest.raises(DataError, match="sums to zero"):
            psi_from_counts([0, 0], [1, 2])
        with pytest.raises(DataError, match="csi"):
            psi(np.ones((3, 2)), np.ones((3, 2)))
        with pytest.raises(DataError, match="infinite"):
            psi([1.0, np.inf], [1.0, 2.0])

    def test_summary_and_frame(self) -> None:
        res = psi_from_counts([10, 20, 30], [12, 18, 30], labels=["lo", "mid", "hi"])
        frame = res.to_frame()
        assert list(frame["bin"]) == ["lo", "mid", "hi"]
        assert frame["psi"].sum() == pytest.approx(res.statistic)
        assert "Yurdakul" in res.summary()

    @settings(max_examples=60, deadline=None)
    @given(_FINITE_SAMPLES, st.integers(1, 60))
    def test_fast_binning_equals_numpy(self, values: list[float], bins: int) -> None:
        from overdue_risk.metrics._stability import _bin_codes, _quantile_edges

        x = np.asarray(values)
        edges = _quantile_edges(x, bins)
        ref = np.quantile(x, np.linspace(0, 1, bins + 1)[1:-1])
        # numpy interpolates with another lerp formula: the edges agree to a few ulps of the
        # data's magnitude (not to an absolute 1e-12), and two edges that one formula makes
        # equal the other may keep apart, so compare the sets up to that tolerance
        tol = 8 * np.finfo(np.float64).eps * float(np.max(np.abs(x)))
        assert np.all(np.diff(edges) > 0)
        assert all(np.min(np.abs(ref - e)) <= tol for e in edges)
        assert all(np.min(np.abs(edges - r)) <= tol for r in ref)
        assert np.array_equal(_bin_codes(x, edges), np.searchsorted(edges, x, side="right"))

    @settings(max_examples=80, deadline=None)
    @given(
        st.sampled_from(["int8", "int16", "int32", "int64", "uint8", "uint16", "uint64"]),
        st.integers(0, 3),
        st.lists(st.integers(0, 60), min_size=1, max_size=200),
        st.lists(st.floats(-2, 62, allow_nan=False), min_size=1, max_size=8, unique=True),
    )
    def test_integer_counts_equal_the_comparison_counts(
        self, dtype: str, where: int, offsets: list[int], edge_list: list[float]
    ) -> None:
        # integers of a small range are counted per distinct value, then per bin: the same
        # counts as binning each value (searchsorted on the float value), at either end of
        # the type's range (no overflow when shifting by the minimum)
        from overdue_risk.metrics._stability import _numeric_counts

        info = np.iinfo(dtype)
        base = [info.min, 0, -20, info.max - 60][where]
        base = max(int(info.min), min(base, int(info.max) - 60))
        x = np.asarray([base + o for o in offsets], dtype=dtype)
        edges = np.sort(np.asarray(edge_list)) + base
        got = _numeric_counts(x, np.zeros(x.size, bool), edges, None)
        binned = np.searchsorted(edges, x.astype(np.float64), side="right")
        assert np.array_equal(got, np.bincount(binned, minlength=edges.size + 1).astype(float))

    @settings(max_examples=60, deadline=None)
    @given(_FINITE_SAMPLES, st.integers(1, 20))
    def test_psi_of_a_sample_with_itself_is_zero(self, values: list[float], bins: int) -> None:
        x = np.asarray(values)
        assert psi(x, x, bins=bins).statistic == 0.0

    @settings(max_examples=60, deadline=None)
    @given(
        st.lists(st.integers(0, 1000), min_size=2, max_size=12).flatmap(
            lambda e: st.tuples(
                st.just(e), st.lists(st.integers(0, 1000), min_size=len(e), max_size=len(e))
            )
        )
    )
    def test_psi_is_non_negative_and_symmetric(self, pair: tuple[list[int], list[int]]) -> None:
        e, a = pair
        assume(sum(e) > 0 and sum(a) > 0)
        r1, r2 = psi_from_counts(e, a), psi_from_counts(a, e)
        assert r1.statistic >= -1e-12
        assert r1.statistic == pytest.approx(r2.statistic, rel=1e-9, abs=1e-12)


class TestCSIAndConcentration:
    def test_csi_dict_and_frame(self) -> None:
        pd = pytest.importorskip("pandas")
        ref = pd.DataFrame({"age": np.arange(100.0), "region": ["n", "s"] * 50})
        cur = pd.DataFrame({"age": np.arange(100.0) + 30, "region": ["n"] * 70 + ["s"] * 30})
        res = csi(ref, cur, bins={"age": [25.0, 50.0, 75.0]})
        assert res.names == ("age", "region")
        assert res["age"].labels == ("[-inf, 25)", "[25, 50)", "[50, 75)", "[75, inf)")
        expected_region = float((0.7 - 0.5) * np.log(0.7 / 0.5) + (0.3 - 0.5) * np.log(0.3 / 0.5))
        assert res["region"].statistic == pytest.approx(expected_region)
        assert set(res.statistic) == {"age", "region"}
        assert list(res.to_frame()["characteristic"]) == ["age", "region"]
        with pytest.raises(KeyError):
            res["nope"]
        with pytest.raises(DataError, match="not in both"):
            csi(ref, cur, columns=["age", "income"])

    def test_herfindahl(self) -> None:
        # HHI = sum of squared shares; CV = sqrt(K * HHI - 1) (ECB 2019 instructions).
        res = herfindahl([50, 30, 20])
        assert res.statistic == pytest.approx(0.25 + 0.09 + 0.04)
        assert res.coefficient_of_variation == pytest.approx(math.sqrt(3 * 0.38 - 1))
        assert res.normalized == pytest.approx((0.38 - 1 / 3) / (2 / 3))
        assert herfindahl([1, 1, 1, 1]).normalized == 0.0
        assert herfindahl([0, 5, 0]).normalized == 1.0
        with pytest.raises(DataError, match="non-negative"):
            herfindahl([1, -1])
        assert "Herfindahl" in res.summary()


# --------------------------------------------------------------------- sample weights
# Rows of (default flag, score, whole-number weight); scores on a small grid so ties occur.
_WEIGHTED_ROWS = st.lists(
    st.tuples(st.integers(0, 1), st.integers(-5, 5), st.integers(0, 4)), min_size=2, max_size=60
).filter(
    lambda rows: (
        any(y == 1 and w > 0 for y, _, w in rows) and any(y == 0 and w > 0 for y, _, w in rows)
    )
)


def _unpack(rows: list[tuple[int, int, int]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    arr = np.asarray(rows)
    return arr[:, 0], arr[:, 1].astype(float), arr[:, 2]


class TestSampleWeight:
    """Whole-number weights must give exactly the result of the repeated rows."""

    @settings(max_examples=80, deadline=None)
    @given(_WEIGHTED_ROWS)
    def test_auc_and_gini_equal_row_repetition(self, rows: list[tuple[int, int, int]]) -> None:
        from sklearn.metrics import roc_auc_score

        y, s, w = _unpack(rows)
        yr, sr = np.repeat(y, w), np.repeat(s, w)
        weighted = roc_auc(y, s, sample_weight=w)
        assert weighted.statistic == pytest.approx(roc_auc(yr, sr).statistic, rel=1e-12, abs=1e-12)
        assert weighted.statistic == pytest.approx(
            roc_auc_score(y, s, sample_weight=w), rel=1e-12, abs=1e-12
        )
        assert gini(y, s, sample_weight=w).statistic == pytest.approx(
            gini(yr, sr).statistic, rel=1e-12, abs=1e-12
        )
        # rows of zero weight are dropped
        assert weighted.n_events == int(((y == 1) & (w > 0)).sum())

    @settings(max_examples=80, deadline=None)
    @given(_WEIGHTED_ROWS)
    def test_ks_cap_gains_equal_row_repetition(self, rows: list[tuple[int, int, int]]) -> None:
        y, s, w = _unpack(rows)
        yr, sr = np.repeat(y, w), np.repeat(s, w)
        k_w, k_r = ks_statistic(y, s, sample_weight=w), ks_statistic(yr, sr)
        assert k_w.statistic == k_r.statistic
        assert k_w.threshold == k_r.threshold
        assert cap_curve(y, s, sample_weight=w) == cap_curve(yr, sr)
        for n_bins in (1, 3, 10):
            assert gains_table(y, s, n_bins=n_bins, sample_weight=w) == gains_table(
                yr, sr, n_bins=n_bins
            )

    @settings(max_examples=80, deadline=None)
    @given(
        st.lists(st.tuples(st.integers(-20, 20), st.integers(0, 4)), min_size=1, max_size=80),
        st.lists(st.tuples(st.integers(-20, 20), st.integers(0, 4)), min_size=1, max_size=80),
        st.integers(1, 12),
    )
    def test_psi_equals_row_repetition(
        self, ref: list[tuple[int, int]], cur: list[tuple[int, int]], bins: int
    ) -> None:
        e, ew = (np.asarray(v) for v in zip(*ref, strict=True))
        a, aw = (np.asarray(v) for v in zip(*cur, strict=True))
        assume(ew.sum() > 0 and aw.sum() > 0)
        e, a = e.astype(float), a.astype(float)
        e[::7] = np.nan  # a Missing bin, weighted too
        er, ar = np.repeat(e, ew), np.repeat(a, aw)
        assume(not np.isnan(er).all())
        w_res = psi(e, a, bins=bins, expected_weight=ew, actual_weight=aw)
        r_res = psi(er, ar, bins=bins)
        assert w_res.labels == r_res.labels
        assert w_res.expected_counts == r_res.expected_counts
        assert w_res.actual_counts == r_res.actual_counts
        assert w_res.statistic == r_res.statistic

    def test_csi_categorical_weights_equal_repetition(self) -> None:
        ref = {"region": np.array(["n", "s", "e", None], dtype=object), "x": np.arange(4.0)}
        cur = {"region": np.array(["n", "s", "s", "e"], dtype=object), "x": np.arange(4.0) + 1}
        ew, aw = np.array([3, 1, 2, 1]), np.array([1, 2, 0, 4])
        rep_ref = {k: np.repeat(v, ew) for k, v in ref.items()}
        rep_cur = {k: np.repeat(v, aw) for k, v in cur.items()}
        got = csi(ref, cur, bins=2, expected_weight=ew, actual_weight=aw)
        want = csi(rep_ref, rep_cur, bins=2)
        assert got.statistic == want.statistic
        assert got["region"].labels == ("e", "n", "s", "Missing")

    def test_against_sklearn_with_fractional_weights(self, rng: np.random.Generator) -> None:
        from sklearn.metrics import roc_auc_score

        y = rng.integers(0, 2, 2000)
        s = np.round(rng.normal(y * 0.8, 1.0), 1)  # rounded: many ties
        w = rng.uniform(0.0, 5.0, 2000)
        assert roc_auc(y, s, sample_weight=w).statistic == pytest.approx(
            roc_auc_score(y, s, sample_weight=w), rel=1e-12
        )
        assert gini(y, s, sample_weight=w).statistic == pytest.approx(
            2 * roc_auc_score(y, s, sample_weight=w) - 1, rel=1e-12
        )

    @pytest.mark.parametrize("method", ["delong", "hanley_mcneil"])
    def test_standard_error_from_effective_sizes(
        self, rng: np.random.Generator, method: str
    ) -> None:
        y = rng.integers(0, 2, 300)
        s = rng.normal(y * 0.5, 1.0)
        plain = roc_auc(y, s, method=method)
        # equal weights (any constant): DeLong / Hanley-McNeil unchanged
        for c in (1.0, 0.25, 7.0):
            same = roc_auc(y, s, method=method, sample_weight=np.full(300, c))
            assert same.standard_error == pytest.approx(plain.standard_error, rel=1e-12)
        # scale invariance (sampling weights): multiplying all weights leaves the SE alone
        w = rng.uniform(0.5, 3.0, 300)
        a = roc_auc(y, s, method=method, sample_weight=w)
        b = roc_auc(y, s, method=method, sample_weight=20.0 * w)
        assert a.standard_error == pytest.approx(b.standard_error, rel=1e-10)
        # frequency weights are NOT the repeated rows' SE (documented): repetition shrinks it
        wi = np.full(300, 4)
        rep = roc_auc(np.repeat(y, wi), np.repeat(s, wi), method=method)
        got = roc_auc(y, s, method=method, sample_weight=wi)
        assert rep.standard_error < 0.6 * got.standard_error

    def test_delong_weighted_variance_matches_the_bruteforce_kernel(
        self, rng: np.random.Generator
    ) -> None:
        # The weighted DeLong variance written out with the O(m n) kernel: weighted
        # placements V10_i = sum_j w_j psi(x_i, y_j) / W0, reliability-weighted variances,
        # Kish effective sizes.
        y = rng.integers(0, 2, 120)
        s = np.round(rng.normal(y * 0.7, 1.0), 1)
        w = rng.uniform(0.1, 4.0, 120)
        x, yy, wx, wy = s[y == 1], s[y == 0], w[y == 1], w[y == 0]
        k = (x[:, None] > yy[None, :]) + 0.5 * (x[:, None] == yy[None, :])
        auc = float(wx @ k @ wy / (wx.sum() * wy.sum()))
        v10, v01 = k @ wy / wy.sum(), wx @ k / wx.sum()

        def wvar(v: np.ndarray, ww: np.ndarray) -> float:
            v1, v2 = ww.sum(), (ww**2).sum()
            return float(ww @ (v - auc) ** 2 / (v1 - v2 / v1))

        def kish(ww: np.ndarray) -> float:
            return float(ww.sum() ** 2 / (ww**2).sum())

        se = math.sqrt(wvar(v10, wx) / kish(wx) + wvar(v01, wy) / kish(wy))
        res = roc_auc(y, s, sample_weight=w)
        assert res.statistic == pytest.approx(auc, rel=1e-12)
        assert res.standard_error == pytest.approx(se, rel=1e-10)

    def test_psi_weights_use_effective_sample_sizes(self, rng: np.random.Generator) -> None:
        x, z = rng.normal(size=1000), rng.normal(size=800)
        plain = psi(x, z)
        scaled = psi(x, z, expected_weight=np.full(1000, 5.0), actual_weight=np.full(800, 0.5))
        assert scaled.statistic == pytest.approx(plain.statistic, rel=1e-12)
        assert (scaled.n_expected, scaled.n_actual) == (1000, 800)
        assert scaled.critical_value == pytest.approx(plain.critical_value, rel=1e-12)
        w = np.r_[np.full(500, 1.0), np.full(500, 3.0)]  # Kish: 2000^2 / 5000 = 800
        assert psi(x, z, expected_weight=w).n_expected == 800

    def test_bad_weights(self) -> None:
        y, s = [0, 1, 0, 1], [0.1, 0.2, 0.3, 0.4]
        with pytest.raises(DataError, match="zero on every one of the defaults"):
            roc_auc(y, s, sample_weight=[1, 0, 1, 0])
        with pytest.raises(DataError, match="non-negative"):
            ks_statistic(y, s, sample_weight=[1, -1, 1, 1])
        with pytest.raises(DataError, match="has 3 entries"):
            gains_table(y, s, sample_weight=[1, 1, 1])
        with pytest.raises(DataError, match="actual_weight"):
            psi([1.0, 2.0], [1.0, 2.0], actual_weight=[1.0, np.nan])


@pytest.mark.peer
def test_real_data_against_peers(uci_path: object) -> None:
    # Real data (Yeh & Lien 2009, UCI default of credit card clients): AUC against sklearn,
    # KS against scipy, PSI between the two halves of the file against toad's PSI on the
    # same bins.
    import pandas as pd
    from scipy.stats import ks_2samp
    from sklearn.metrics import roc_auc_score
    from toad.metrics import PSI as toad_psi

    df = pd.read_csv(uci_path, usecols=["PAY_0", "LIMIT_BAL", "next_payment"])
    y = df["next_payment"].to_numpy()
    risk = df["PAY_0"].to_numpy() - np.log(df["LIMIT_BAL"].to_numpy()) / 10
    res = roc_auc(y, risk)
    assert res.statistic == pytest.approx(roc_auc_score(y, risk), rel=1e-12)
    assert 0.0 < res.standard_error < 0.01
    ks = ks_statistic(y, risk)
    assert ks.statistic == pytest.approx(ks_2samp(risk[y == 1], risk[y == 0]).statistic)
    limit = df["LIMIT_BAL"].to_numpy().astype(float)
    first, second = limit[:15000], limit[15000:]
    ours = psi(first, second, bins=10)
    edges = np.quantile(first, np.linspace(0, 1, 11)[1:-1])
    codes_1 = pd.Series(np.searchsorted(np.unique(edges), first, side="right"))
    codes_2 = pd.Series(np.searchsorted(np.unique(edges), second, side="right"))
    assert ours.statistic == pytest.approx(float(toad_psi(codes_2, codes_1)), rel=1e-9)


def test_plot_gains(rng: np.random.Generator) -> None:
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from overdue_risk.plotting import plot_gains

    y = rng.integers(0, 2, 400)
    s = rng.normal(size=400) + y
    table = gains_table(y, s, n_bins=5)
    ax = plot_gains(table)
    heights = [p.get_height() for p in ax.patches]
    assert heights == pytest.approx(table.to_frame()["lift"].tolist())
    _, ax2 = plt.subplots()
    assert plot_gains(y, s, ax2, n_bins=5) is ax2
    with pytest.raises(DataError, match="y_score"):
        plot_gains(y)
    plt.close("all")
