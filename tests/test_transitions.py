"""Transition matrices: the cohort estimator, the TransitionMatrix result, projections.

Golden values: the CreditMetrics Technical Document (J.P. Morgan 1997) Table 6.1 one-year
matrix; statsmodels' Goodman intervals; pandas crosstabs of the UCI repayment panel
(Yeh and Lien 2009); hand-computed absorbing-chain quantities (Kemeny and Snell 1960).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from overdue_risk.exceptions import DataError
from overdue_risk.transitions import (
    PeriodMatrices,
    TransitionMatrix,
    chain_product,
    cohort_matrix,
    lifetime_pd,
    multinomial_intervals,
    project,
)
from published_tables import CREDITMETRICS_61

RATINGS = ["AAA", "AA", "A", "BBB", "BB", "B", "CCC", "D"]


@pytest.fixture
def creditmetrics() -> TransitionMatrix:
    return TransitionMatrix.from_probabilities(
        np.array(CREDITMETRICS_61) / 100.0, RATINGS, normalize=True
    )


def _uci_panel(path: object) -> pd.DataFrame:
    """PAY_6 (April 2005) ... PAY_0 (September 2005) as a loan-month panel of buckets."""
    raw = pd.read_csv(path)
    cols = ["PAY_6", "PAY_5", "PAY_4", "PAY_3", "PAY_2", "PAY_0"]
    status = raw[cols].to_numpy()
    months = np.tile(np.arange(6), len(raw))
    code = np.clip(status, 0, 6).ravel()  # -2, -1, 0 are current; 1..8 months late
    labels = np.array(["M0", "M1", "M2", "M3", "M4", "M5", "M6+"], dtype=object)
    return pd.DataFrame(
        {
            "loan_id": np.repeat(raw["ID"].to_numpy(), 6),
            "month": months,
            "bucket": labels[code],
            "limit": np.repeat(raw["LIMIT_BAL"].to_numpy(dtype=float), 6),
        }
    )


# --------------------------------------------------------------------------- published matrix
def test_creditmetrics_rows_need_normalising_and_keep_published_one_year_pd(
    creditmetrics: TransitionMatrix,
) -> None:
    # the published B and CCC rows sum to 99.99% and 100.01% (rounding)
    with pytest.raises(DataError, match="normalize=True"):
        TransitionMatrix.from_probabilities(np.array(CREDITMETRICS_61) / 100, RATINGS)
    pd_1y = creditmetrics.probabilities[:, -1]
    published = [0.0, 0.0, 0.0006, 0.0018, 0.0106, 0.0520, 0.1979, 1.0]
    assert pd_1y == pytest.approx(published, abs=2e-5)
    assert creditmetrics.absorbing == ("D",)


def test_creditmetrics_multi_year_cumulative_pd_is_p_to_the_n(
    creditmetrics: TransitionMatrix,
) -> None:
    p = np.asarray(creditmetrics.probabilities)
    curves = lifetime_pd(creditmetrics, ["D"], horizon=10)
    for n in (1, 2, 5, 10):
        expected = np.linalg.matrix_power(p, n)[:7, 7]
        assert curves.cumulative[:, n - 1] == pytest.approx(expected, rel=1e-12)
        assert creditmetrics.power(n).probabilities[:7, 7] == pytest.approx(expected)
    # two-year BBB default probability, summed by hand from Table 6.1 (%):
    # sum_j P[BBB, j] * P[j, D] = 0.0595*0.0006 + 0.8693*0.0018 + 0.0530*0.0106
    #   + 0.0117*0.0520 + 0.0012*0.1979 + 0.0018*1
    by_hand = (
        0.0595 * 0.0006
        + 0.8693 * 0.0018
        + 0.0530 * 0.0106
        + 0.0117 * 0.0520
        + 0.0012 * 0.1979
        + 0.0018
    )
    assert curves.cumulative[3, 1] == pytest.approx(by_hand, rel=1e-3)
    # worse ratings default more at every horizon; cumulative PD never falls
    assert np.all(np.diff(curves.cumulative[1:], axis=0) > 0)
    assert np.all(np.diff(curves.cumulative, axis=1) >= 0)
    assert curves.marginal.sum(axis=1) == pytest.approx(curves.cumulative[:, -1])
    # everyone defaults eventually in a chain whose only absorbing state is D
    assert creditmetrics.absorption_probabilities() == pytest.approx(np.ones((7, 1)))


def test_fundamental_matrix_hand_computed() -> None:
    # Kemeny-Snell style chain: M0 -> (M0 .5, M1 .3, PO .2); M1 -> (M0 .4, M1 .2, CO .4)
    tm = TransitionMatrix.from_probabilities(
        [[0.5, 0.3, 0.0, 0.2], [0.4, 0.2, 0.4, 0.0], [0, 0, 1, 0], [0, 0, 0, 1]],
        ["M0", "M1", "CO", "PO"],
    )
    # I - Q = [[.5, -.3], [-.4, .8]], det = .28; N = [[.8, .3], [.4, .5]] / .28
    n = tm.fundamental_matrix()
    assert n == pytest.approx(np.array([[0.8, 0.3], [0.4, 0.5]]) / 0.28)
    b = tm.absorption_probabilities()
    assert b[0] == pytest.approx([0.3 * 0.4 / 0.28, 0.8 * 0.2 / 0.28])
    assert tm.expected_time_to_absorption() == pytest.approx([1.1 / 0.28, 0.9 / 0.28])


# --------------------------------------------------------------------------- intervals
def test_goodman_intervals_match_statsmodels() -> None:
    from statsmodels.stats.proportion import multinomial_proportions_confint

    counts = np.array([35, 74, 22, 69])
    lo, hi = multinomial_intervals(counts[None, :], 0.95, "goodman")
    ref = multinomial_proportions_confint(counts, alpha=0.05, method="goodman")
    assert lo[0] == pytest.approx(ref[:, 0])
    assert hi[0] == pytest.approx(ref[:, 1])


def test_quesenberry_hurst_is_the_score_interval_with_chi2_k_minus_1() -> None:
    from scipy.stats import chi2

    counts = np.array([50.0, 30.0, 20.0])
    lo, hi = multinomial_intervals(counts[None, :], 0.90, "quesenberry-hurst")
    a, n = chi2.ppf(0.90, 2), counts.sum()
    p = counts / n
    centre = (p + a / (2 * n)) / (1 + a / n)
    half = np.sqrt(a * p * (1 - p) / n + a * a / (4 * n * n)) / (1 + a / n)
    assert lo[0] == pytest.approx(centre - half)
    assert hi[0] == pytest.approx(centre + half)
    glo, ghi = multinomial_intervals(counts[None, :], 0.90, "goodman")
    assert np.all(ghi - glo < hi - lo)  # Bonferroni is tighter for k = 3 at 90%


# --------------------------------------------------------------------------- cohort
def test_cohort_hand_counts_absorbing_and_censoring() -> None:
    panel = {
        "loan_id": [1, 1, 1, 1, 2, 2, 2, 3, 3, 4, 4],
        # loan 4 skips month 1: its 0 -> 2 pair is not a one-month move
        "month": [0, 1, 2, 3, 0, 1, 2, 0, 1, 0, 2],
        "bucket": ["M0", "M1", "M2", "CO", "M0", "M0", "PO", "M1", "M0", "M0", "M1"],
    }
    tm = cohort_matrix(panel, states=["M0", "M1", "M2", "CO", "PO"])
    assert tm.counts.tolist() == [
        [1, 1, 0, 0, 1],
        [1, 0, 1, 0, 0],
        [0, 0, 0, 1, 0],
        [0, 0, 0, 0, 0],
        [0, 0, 0, 0, 0],
    ]
    assert tm.probabilities[0] == pytest.approx([1 / 3, 1 / 3, 0, 0, 1 / 3])
    assert tm.probabilities[3].tolist() == [0, 0, 0, 1, 0]  # absorbing: identity
    assert tm.absorbing == ("CO", "PO")
    assert np.all(tm.lower <= tm.probabilities)
    assert np.all(tm.probabilities <= tm.upper)


def test_cohort_step_carries_closed_loans_forward() -> None:
    panel = {
        "loan_id": [1, 1, 2, 2, 2, 3, 3, 3],
        "month": [0, 1, 0, 1, 2, 0, 1, 2],
        "bucket": ["M0", "PO", "M0", "M1", "M1", "M0", "M0", "M0"],
    }
    tm = cohort_matrix(panel, states=["M0", "M1", "PO"], step=2)
    # loan 1 paid off at month 1 and is still paid off at month 2
    assert tm.counts[0].tolist() == [1.0, 1.0, 1.0]
    assert tm.horizon == 2.0


def test_cohort_balance_weighted_uses_kish_effective_size() -> None:
    panel = {
        "loan_id": [1, 1, 2, 2],
        "month": [0, 1, 0, 1],
        "bucket": ["M0", "M1", "M0", "M0"],
        "balance": [300.0, 290.0, 100.0, 95.0],
    }
    tm = cohort_matrix(panel, states=["M0", "M1"], weight="balance")
    assert tm.probabilities[0].tolist() == [0.25, 0.75]
    assert tm.exposure[0] == pytest.approx(400.0**2 / (300.0**2 + 100.0**2))


def test_cohort_unsorted_input_gives_same_counts(rng: np.random.Generator) -> None:
    panel = _random_panel(rng, n_loans=300, n_months=6)
    order = rng.permutation(len(panel["loan_id"]))
    shuffled = {k: np.asarray(v)[order] for k, v in panel.items()}
    a = cohort_matrix(panel)
    b = cohort_matrix(shuffled)
    assert np.array_equal(a.counts, b.counts)


def test_cohort_errors_name_the_problem() -> None:
    base = {"loan_id": [1, 1], "month": [0, 1], "bucket": ["M0", "M9"]}
    with pytest.raises(DataError, match=r"'M9'.*not in states"):
        cohort_matrix(base, states=["M0", "M1"])
    with pytest.raises(DataError, match="lacks required columns"):
        cohort_matrix({"loan_id": [1], "bucket": ["M0"]})
    with pytest.raises(DataError, match="duplicate"):
        cohort_matrix({"loan_id": [1, 1, 1], "month": [1, 0, 1], "bucket": ["M0"] * 3})
    with pytest.raises(DataError, match="missing states"):
        cohort_matrix({"loan_id": [1, 1], "month": [0, 1], "bucket": ["M0", None]})
    with pytest.raises(DataError, match="empty_rows='identity'"):
        cohort_matrix(base, states=["M0", "M1", "M9"]).power(2)


def test_empty_rows_policy() -> None:
    panel = {"loan_id": [1, 1], "month": [0, 1], "bucket": ["M0", "M0"]}
    nan_tm = cohort_matrix(panel, states=["M0", "M1"])
    assert np.isnan(nan_tm.probabilities[1]).all()
    id_tm = cohort_matrix(panel, states=["M0", "M1"], empty_rows="identity")
    assert id_tm.probabilities[1].tolist() == [0.0, 1.0]


def test_by_period_and_mob_and_merge(rng: np.random.Generator) -> None:
    panel = _random_panel(rng, n_loans=400, n_months=5)
    pooled = cohort_matrix(panel)
    by_month = cohort_matrix(panel, by="period", empty_rows="identity")
    assert isinstance(by_month, PeriodMatrices)
    assert by_month.labels == ("0", "1", "2", "3")
    assert np.array_equal(by_month.counts.sum(axis=0), pooled.counts)
    assert np.array_equal(by_month.pooled().counts, pooled.counts)
    by_mob = cohort_matrix(panel, by="mob")
    assert np.array_equal(by_mob.counts.sum(axis=0), pooled.counts)
    # mergeable sufficient statistics: two halves of the loans add up to the whole
    ids = np.asarray(panel["loan_id"])
    half = ids < 200
    a = cohort_matrix({k: np.asarray(v)[half] for k, v in panel.items()})
    b = cohort_matrix({k: np.asarray(v)[~half] for k, v in panel.items()})
    assert np.array_equal(a.merge(b).counts, pooled.counts)
    x0 = np.eye(len(pooled.states))[0]
    assert project(x0, by_month)[-1] == pytest.approx(by_month.product().probabilities[0])
    frame = by_month.to_frame()
    assert set(frame.columns) >= {"period", "from", "to", "count", "probability"}


def test_result_outputs() -> None:
    tm = TransitionMatrix.from_counts([[8, 2], [0, 5]], ["M0", "CO"], absorbing=["CO"])
    assert "Transition matrix" in tm.summary()
    assert "<table>" in tm._repr_html_()
    assert tm.to_frame("counts").loc["M0", "CO"] == 2
    assert len(tm.to_frame("long")) == 4
    assert "TransitionMatrix(" in repr(tm)
    with pytest.raises(ValueError, match="read-only"):
        tm.probabilities[0, 0] = 1.0


# --------------------------------------------------------------------------- projection
def test_inhomogeneous_projection_multiplies_in_calendar_order() -> None:
    states = ["A", "B", "D"]
    p1 = TransitionMatrix.from_probabilities([[0, 1, 0], [0, 1, 0], [0, 0, 1]], states)
    p2 = TransitionMatrix.from_probabilities([[1, 0, 0], [0, 0, 1], [0, 0, 1]], states)
    # month 1 moves A to B, month 2 moves B to D: an A loan is in D after two months
    assert chain_product([p1, p2]).probabilities[0].tolist() == [0.0, 0.0, 1.0]
    # the reverse order (a known bug elsewhere) would leave it in B
    assert chain_product([p2, p1]).probabilities[0].tolist() == [0.0, 1.0, 0.0]
    path = project([1.0, 0.0, 0.0], [p1, p2])
    assert path[-1].tolist() == [0.0, 0.0, 1.0]
    pd_curve = lifetime_pd([p1, p2], ["D"])
    assert pd_curve.cumulative[0].tolist() == [0.0, 1.0]


def test_project_errors() -> None:
    p = np.array([[0.9, 0.1], [0.0, 1.0]])
    with pytest.raises(DataError, match="n_periods is required"):
        project([1.0, 0.0], p)
    with pytest.raises(DataError, match="initial has 3 states"):
        project([1.0, 0.0, 0.0], p, n_periods=1)


# --------------------------------------------------------------------------- properties
@st.composite
def count_tables(draw: st.DrawFn) -> np.ndarray:
    k = draw(st.integers(2, 6))
    vals = draw(st.lists(st.integers(0, 50), min_size=k * k, max_size=k * k))
    table = np.array(vals, dtype=float).reshape(k, k)
    table[:, 0] += 1  # every row observed
    return table


@settings(max_examples=60, deadline=None)
@given(count_tables(), st.integers(1, 6))
def test_rows_stochastic_absorbing_stay_absorbing(table: np.ndarray, n: int) -> None:
    k = table.shape[0]
    states = [f"S{i}" for i in range(k - 1)] + ["CO"]
    tm = TransitionMatrix.from_counts(table, states, absorbing=["CO"])
    p = tm.probabilities
    assert np.all(p >= 0)
    assert p.sum(axis=1) == pytest.approx(np.ones(k))
    assert np.all(tm.lower <= p + 1e-12)
    assert np.all(p <= tm.upper + 1e-12)
    pn = tm.power(n).probabilities
    assert pn[-1].tolist() == [0.0] * (k - 1) + [1.0]
    assert pn.sum(axis=1) == pytest.approx(np.ones(k))


@settings(max_examples=40, deadline=None)
@given(st.lists(count_tables(), min_size=1, max_size=5))
def test_projection_equals_product_of_period_matrices(tables: list[np.ndarray]) -> None:
    k = tables[0].shape[0]
    mats = [t for t in tables if t.shape[0] == k]
    states = [f"S{i}" for i in range(k)]
    tms = [TransitionMatrix.from_counts(t, states) for t in mats]
    x0 = np.full(k, 1.0 / k)
    path = project(x0, tms)
    expected = x0.copy()
    for t in mats:
        expected = expected @ (t / t.sum(axis=1, keepdims=True))
    assert path[-1] == pytest.approx(expected)
    assert chain_product(tms).probabilities.sum(axis=1) == pytest.approx(np.ones(k))


# --------------------------------------------------------------------------- real data
def test_uci_panel_counts_match_pandas_crosstab(uci_path: object) -> None:
    panel = _uci_panel(uci_path)
    tm = cohort_matrix(panel, states=["M0", "M1", "M2", "M3", "M4", "M5", "M6+"])
    assert tm.counts.sum() == 30_000 * 5
    wide = panel.pivot(index="loan_id", columns="month", values="bucket")
    frm = wide[[0, 1, 2, 3, 4]].to_numpy().ravel()
    to = wide[[1, 2, 3, 4, 5]].to_numpy().ravel()
    ref = pd.crosstab(frm, to).reindex(index=tm.states, columns=tm.states, fill_value=0)
    assert np.array_equal(tm.counts, ref.to_numpy(dtype=float))
    # the documented quirk: thousands of jumps from current straight to two months late,
    # while one month late rarely rolls to two
    assert tm.counts[0, 2] > 1000
    assert tm.probabilities[1, 2] < 0.05
    weighted = cohort_matrix(panel, weight="limit", states=tm.states)
    assert weighted.probabilities.sum(axis=1) == pytest.approx(np.ones(7))


def test_portfolio_panel_if_available() -> None:
    datasets = pytest.importorskip("overdue_risk.datasets")
    pf = datasets.make_microloan_portfolio(n_loans=800, n_months=12, random_state=1)
    tm = cohort_matrix(pf.performance)
    assert tm.states == ("M0", "M1", "M2", "M3", "M4", "M5", "M6+", "CO", "PO")
    assert tm.probabilities[-2:].tolist() == np.eye(9)[-2:].tolist()
    # delinquency only worsens one bucket a month: no M0 -> M2 jumps
    assert tm.counts[0, 2:7].sum() == 0


def _random_panel(rng: np.random.Generator, n_loans: int, n_months: int) -> dict[str, np.ndarray]:
    states = np.array(["M0", "M1", "M2", "CO", "PO"], dtype=object)
    p = np.array(
        [
            [0.85, 0.10, 0.00, 0.00, 0.05],
            [0.50, 0.20, 0.30, 0.00, 0.00],
            [0.20, 0.10, 0.30, 0.40, 0.00],
            [0.0, 0.0, 0.0, 1.0, 0.0],
            [0.0, 0.0, 0.0, 0.0, 1.0],
        ]
    )
    ids, months, buckets, mobs = [], [], [], []
    for loan in range(n_loans):
        start = int(rng.integers(0, 2))
        s = 0
        for t in range(start, n_months):
            ids.append(loan)
            months.append(t)
            buckets.append(states[s])
            mobs.append(t - start + 1)
            if s >= 3:
                break
            s = int(rng.choice(5, p=p[s]))
    return {
        "loan_id": np.array(ids),
        "month": np.array(months),
        "bucket": np.array(buckets, dtype=object),
        "mob": np.array(mobs),
    }


def test_confidence_interval_recomputes_from_counts() -> None:
    tm = TransitionMatrix.from_counts(
        [[70, 20, 10], [30, 60, 10], [0, 0, 5]], ["M0", "M1", "CO"], absorbing=["CO"]
    )
    lo, hi = tm.confidence_interval(0.95)
    assert lo == pytest.approx(tm.lower)
    assert hi == pytest.approx(tm.upper)
    lo99, hi99 = tm.confidence_interval(0.99, "quesenberry-hurst")
    assert np.all((hi99 - lo99)[:2] > (hi - lo)[:2])
    assert lo99[2].tolist() == [0.0, 0.0, 1.0]
    given = TransitionMatrix.from_probabilities([[0.5, 0.5], [0, 1]], ["A", "D"])
    with pytest.raises(DataError, match="cohort counts"):
        given.confidence_interval()


def test_no_moves_is_an_error() -> None:
    with pytest.raises(DataError, match="panel has no rows"):
        cohort_matrix({"loan_id": [], "month": [], "bucket": []})
    with pytest.raises(DataError, match="no moves to count"):
        cohort_matrix({"loan_id": [1, 2], "month": [0, 0], "bucket": ["M0", "M1"]}, by="period")


def test_drunkards_walk_grinstead_snell() -> None:
    """Grinstead and Snell, Introduction to Probability, ch. 11 (absorbing chains):
    the Drunkard's walk on 0..4 with absorbing ends has N = [[1.5, 1, .5], [1, 2, 1],
    [.5, 1, 1.5]], times to absorption t = (3, 4, 3) and B = [[.75, .25], [.5, .5],
    [.25, .75]]."""
    p = np.zeros((5, 5))
    p[0, 0] = p[4, 4] = 1.0
    for i in (1, 2, 3):
        p[i, i - 1] = p[i, i + 1] = 0.5
    # order the states transient first, as the textbook's canonical form does
    order = [1, 2, 3, 0, 4]
    tm = TransitionMatrix.from_probabilities(p[np.ix_(order, order)], ["1", "2", "3", "0", "4"])
    assert tm.absorbing == ("0", "4")
    assert tm.fundamental_matrix() == pytest.approx(
        np.array([[1.5, 1.0, 0.5], [1.0, 2.0, 1.0], [0.5, 1.0, 1.5]])
    )
    assert tm.expected_time_to_absorption() == pytest.approx([3.0, 4.0, 3.0])
    assert tm.absorption_probabilities() == pytest.approx(
        np.array([[0.75, 0.25], [0.5, 0.5], [0.25, 0.75]])
    )
