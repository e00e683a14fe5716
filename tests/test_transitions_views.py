"""Lender views: roll, flow and cure rates, the roll-rate table, vintages, mobility.

Golden values are hand-computed from the definitions (Thomas 2009 roll and flow rates;
Siddiqi 2017 roll-rate table; Shorrocks 1978; Jafry and Schuermann 2004), and the
built-in portfolio's own target (ever 90+ DPD within 12 months on book).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from overdue_risk.exceptions import DataError
from overdue_risk.transitions import (
    TransitionMatrix,
    cure_rates,
    flow_rates,
    mobility_indices,
    roll_rate_table,
    roll_rates,
    vintage_curves,
)


@pytest.fixture
def small_panel() -> dict[str, list[object]]:
    # five loans over three months
    return {
        "loan_id": [1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 5, 5],
        "month": [0, 1, 2] * 4 + [0, 1],
        "bucket": [
            "M0",
            "M1",
            "M2",
            "M0",
            "M0",
            "M1",
            "M1",
            "M0",
            "M0",
            "M1",
            "M2",
            "CO",
            "M2",
            "M0",
        ],
        "balance": [
            100.0,
            100.0,
            100.0,
            200.0,
            190.0,
            190.0,
            50.0,
            40.0,
            30.0,
            80.0,
            80.0,
            0.0,
            60.0,
            50.0,
        ],
        "charge_off_amount": [0.0] * 11 + [80.0, 0.0, 0.0],
    }


def test_roll_rates_hand_counted(small_panel: dict[str, list[object]]) -> None:
    rr = roll_rates(small_panel, order=["M0", "M1", "M2", "CO"])
    # month 0 -> 1: M0 {1: M1, 2: M0}; M1 {3: M0, 4: M2}; M2 {5: M0}
    assert rr.periods == ("0", "1")
    assert rr.forward[0].tolist() == [0.5, 0.5, 0.0]
    assert rr.cure[0, 1:].tolist() == [0.5, 1.0]
    # month 1 -> 2: M0 {2: M1, 3: M0, 5 censored}; M1 {1: M2}; M2 {4: CO}
    assert rr.forward[1].tolist() == [0.5, 1.0, 1.0]
    assert rr.pooled_forward.tolist() == [0.5, 2 / 3, 0.5]
    assert rr.pooled_n.tolist() == [4.0, 3.0, 2.0]
    assert list(rr.to_frame().columns) == ["M0->M1", "M1->M2", "M2->CO"]
    assert "Roll rates" in rr.summary()


def test_balance_roll_rates(small_panel: dict[str, list[object]]) -> None:
    rr = roll_rates(small_panel, order=["M0", "M1", "M2", "CO"], weight="balance")
    # month 0: M0 balances 100 (rolls) and 200 (stays)
    assert rr.forward[0, 0] == pytest.approx(100 / 300)


def test_flow_rates_hand_computed(small_panel: dict[str, list[object]]) -> None:
    fr = flow_rates(small_panel, order=["M0", "M1", "M2", "CO"])
    # balances by month: M0 300, 280, 30; M1 130, 100, 190; M2 60, 80, 100; CO -, -, 80
    assert fr.balances[:, :3].tolist() == [[300, 130, 60], [280, 100, 80], [30, 190, 100]]
    assert fr.balances[:, 3].tolist() == [0.0, 0.0, 80.0]
    assert fr.rates[0] == pytest.approx([100 / 300, 80 / 130, 0 / 60])
    assert fr.rates[1] == pytest.approx([190 / 280, 100 / 100, 80 / 80])
    assert fr.flow_to_loss == pytest.approx(np.prod(fr.rates, axis=1))
    assert fr.periods == ("1", "2")


def test_flow_rates_skip_gaps_between_periods() -> None:
    panel = {"month": [0, 2, 3], "bucket": ["M0", "M0", "M1"], "balance": [1.0, 10.0, 2.0]}
    fr = flow_rates(panel, order=["M0", "M1"], charge_off_col=None)
    assert fr.periods == ("3",)
    assert fr.rates.tolist() == [[0.2]]


def test_cure_rates_counts_closed_loans_in_their_closing_state() -> None:
    panel = {
        "loan_id": [1, 1, 1, 2, 2, 3, 3, 3],
        "month": [0, 1, 2, 0, 1, 0, 1, 2],
        "bucket": ["M1", "M0", "M0", "M1", "PO", "M1", "M2", "M3"],
    }
    states = ["M0", "M1", "M2", "M3", "PO"]
    cr = cure_rates(panel, horizon=2, states=states, from_states=["M1"])
    assert cr.n.tolist() == [3.0]
    assert cr.rate.tolist() == [1 / 3]
    with_po = cure_rates(
        panel, horizon=2, states=states, from_states=["M1"], cure_states=["M0", "PO"]
    )
    assert with_po.rate.tolist() == [2 / 3]
    with pytest.raises(DataError, match="cure_states"):
        cure_rates(panel, states=states, cure_states=["XX"])


def test_roll_rate_table_worst_before_vs_after() -> None:
    panel = {
        "loan_id": [1] * 5 + [2] * 5 + [3] * 5,
        "month": list(range(5)) * 3,
        "bucket": [
            "M0",
            "M1",
            "M1",
            "M2",
            "M3",  # obs worst M1 -> perf worst M3 (worse)
            "M1",
            "M0",
            "M0",
            "M0",
            "M0",  # obs worst M1 -> perf worst M0 (better)
            "M0",
            "M0",
            "M0",
            "M0",
            "M0",  # M0 -> M0
        ],
    }
    t = roll_rate_table(
        panel,
        snapshot=2,
        observation_months=3,
        performance_months=2,
        order=["M0", "M1", "M2", "M3"],
    )
    assert t.counts.tolist() == [[1, 0, 0, 0], [1, 0, 0, 1], [0, 0, 0, 0], [0, 0, 0, 0]]
    assert t.worse[1] == 0.5
    assert t.better[1] == 0.5
    assert t.to_frame().loc["M1", "accounts"] == 2
    with pytest.raises(DataError, match="performance window"):
        roll_rate_table(panel, snapshot=3, performance_months=2, order=["M0", "M1", "M2", "M3"])


def test_vintage_triangle_is_nan_where_not_observed() -> None:
    panel = {
        "loan_id": [1, 1, 1, 2, 2, 2, 3, 3],
        "month": [1, 2, 3, 1, 2, 3, 2, 3],
        "mob": [1, 2, 3, 1, 2, 3, 1, 2],
        "bucket": ["M0", "M4", "M5", "M0", "M0", "PO", "M4", "CO"],
        "balance": [100.0, 90.0, 90.0, 200.0, 150.0, 0.0, 300.0, 0.0],
        "charge_off_amount": [0.0] * 7 + [300.0],
    }
    vc = vintage_curves(panel, states=["M0", "M4", "M5", "CO", "PO"])
    assert vc.cohorts == ("0", "1")
    assert vc.count_rate[0].tolist() == [0.0, 0.5, 0.5]
    # cohort 1 (loan 3, originated in month 1) is seen to mob 2 only: mob 3 is NaN
    assert vc.count_rate[1, :2].tolist() == [1.0, 1.0]
    assert np.isnan(vc.count_rate[1, 2])
    # balance: first-bad exposure 90 over first balances 100 + 200
    assert vc.balance_rate[0].tolist() == pytest.approx([0.0, 0.3, 0.3])
    assert vc.balance_rate[1, 0] == pytest.approx(1.0)
    assert vc.to_frame().shape == (2, 3)
    assert "not yet observed" in vc.summary()


def test_vintage_matches_the_portfolio_target() -> None:
    datasets = pytest.importorskip("overdue_risk.datasets")
    pf = datasets.make_microloan_portfolio(n_loans=3000, n_months=24, random_state=3)
    vc = vintage_curves(pf.performance, bad_dpd=90, bad_states=["CO"], max_mob=12)
    app = pf.applications
    observed = app[app["bad_observed"]]
    target = observed.groupby(observed["origination_month"].dt.strftime("%Y-%m"))["bad"].mean()
    ours = pd.Series(vc.count_rate[:, 11], index=list(vc.cohorts))
    common = target.index.intersection(ours.dropna().index)
    assert len(common) >= 6
    assert ours[common].to_numpy() == pytest.approx(target[common].to_numpy())


def test_mobility_indices() -> None:
    p = np.array([[0.9, 0.1], [0.2, 0.8]])
    m = mobility_indices(p)
    assert m.shorrocks_trace == pytest.approx((2 - 1.7) / 1)
    assert m.shorrocks_determinant == pytest.approx(1 - 0.70)
    # P - I = [[-.1, .1], [.2, -.2]] has rank one: singular value sqrt(.1) -> mean / 2
    assert m.singular_value == pytest.approx(np.sqrt(0.1) / 2)
    assert mobility_indices(np.eye(4)).singular_value == 0.0
    tm = TransitionMatrix.from_probabilities(
        [[0.9, 0.05, 0.05], [0.1, 0.8, 0.1], [0, 0, 1]], ["M0", "M1", "CO"]
    )
    assert mobility_indices(tm, exclude_absorbing=True).shorrocks_trace == pytest.approx(0.3)


def test_result_plot_methods_return_axes(small_panel: dict[str, list[object]]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from overdue_risk.plotting import plot_flow_rates, plot_roll_rates
    from overdue_risk.transitions import cohort_matrix, lifetime_pd

    order = ["M0", "M1", "M2", "CO"]
    tm = cohort_matrix(small_panel, states=order, empty_rows="identity")
    try:
        ax = tm.plot()
        assert ax.get_title().startswith("Transition matrix")
        assert len(ax.texts) == 16  # every cell annotated
        ax = lifetime_pd(tm, ["CO"], horizon=6).plot(kind="marginal")
        assert ax.get_ylabel() == "marginal PD"
        panel = {**small_panel, "mob": [1, 2, 3] * 4 + [1, 2]}
        ax = vintage_curves(panel, states=order, bad_states=["CO"]).plot(kind="balance")
        assert "CO" in ax.get_title()
        assert len(plot_roll_rates(roll_rates(small_panel, order=order)).lines) == 3
        assert len(plot_flow_rates(flow_rates(small_panel, order=order)).lines) == 3
    finally:
        plt.close("all")
