"""Effects of collection actions (IPW, DR) and off-policy values, checked against the truth."""

from __future__ import annotations

import numpy as np
import pytest

from overdue_risk.collection import ACTIONS, estimate_effects, evaluate_policy, optimise_actions
from overdue_risk.datasets import make_microloan_portfolio, simulate_collections
from overdue_risk.exceptions import DataError


@pytest.fixture(scope="module")
def sim():
    book = make_microloan_portfolio(n_loans=12_000, n_months=24, random_state=5)
    return simulate_collections(book, random_state=5)


@pytest.mark.slow
@pytest.mark.parametrize("method", ["dr", "ipw"])
@pytest.mark.parametrize("outcome", ["cured", "recovered"])
def test_intervals_cover_the_true_segment_effects(sim, method: str, outcome: str) -> None:
    eff = estimate_effects(sim.logged, outcome=outcome, method=method)
    truth = eff.aggregate(sim.true_outcomes(sim.logged, outcome))
    ok = np.isfinite(eff.effect)
    covered = (eff.ci_low <= truth) & (truth <= eff.ci_high)
    # nominal 95% over ~90 intervals. IPW's normal intervals under-cover skewed recoveries
    # in small segments (about 93% over 20 seeds, benchmarks/bench_collections.py)
    assert covered[ok].mean() >= (0.85 if method == "dr" else 0.75)
    # and the overall effects are right in sign where the truth is clearly non-zero
    overall = (eff.variable == "all") & (np.abs(truth) > 3 * eff.std_error)
    assert (np.sign(eff.effect[overall]) == np.sign(truth[overall])).all()


def test_dr_is_tighter_than_ipw(sim) -> None:
    dr = estimate_effects(sim.logged, outcome="recovered", method="dr", segments=())
    ipw = estimate_effects(sim.logged, outcome="recovered", method="ipw", segments=())
    assert np.median(dr.std_error) < np.median(ipw.std_error)
    assert dr.predicted.shape == (len(sim.logged), len(ACTIONS))
    with pytest.raises(DataError, match="method='dr'"):
        ipw.predict_recovery(sim.logged.head(3))


def test_segments_are_cut_from_the_data(sim) -> None:
    eff = estimate_effects(sim.logged, outcome="cured", segments=("balance", "contactable"))
    tab = eff.to_frame()
    bands = sorted(set(tab.loc[tab["variable"] == "balance", "segment"]))
    assert len(bands) == 3
    assert set(tab.loc[tab["variable"] == "contactable", "segment"]) == {"True", "False"}
    # legal action is impossible before 90 DPD: its effect uses only the rows where it was
    legal = tab[(tab["action"] == "legal") & (tab["variable"] == "all")]
    assert int(legal["n"].iloc[0]) == int((sim.logged["dpd"] >= 90).sum())
    assert "Effects on cured" in eff.summary()


@pytest.mark.slow
def test_off_policy_value_covers_the_truth(sim) -> None:
    lg = sim.logged
    for acts in (np.full(len(lg), "call", dtype=object), np.full(len(lg), "sms", dtype=object)):
        truth = sim.true_net(lg, acts) / len(lg)
        pv = evaluate_policy(acts, lg)
        assert pv.ci_low <= truth <= pv.ci_high
        lo, hi = pv.estimates["snipw"][2:]
        assert lo <= truth <= hi
    # a learned policy, evaluated on months it was not learned from
    months = np.sort(lg["month"].unique())
    held = lg["month"].isin(months[-6:]).to_numpy()
    train, test = lg.loc[~held], lg.loc[held].reset_index(drop=True)
    eff = estimate_effects(train, outcome="recovered", segments=())
    plan = optimise_actions(test, eff.predict_recovery(test), sim.costs, None, sim.rules)
    pv = evaluate_policy(plan, test)
    truth = sim.true_net(test, plan.action) / len(test)
    assert pv.ci_low <= truth <= pv.ci_high
    assert pv.value > pv.logged_value  # the plan is worth more than what was done
    assert list(pv.to_frame()["method"]) == ["ipw", "snipw", "dr"]


def test_errors(sim) -> None:
    lg = sim.logged.head(50)
    with pytest.raises(DataError, match="outcome"):
        estimate_effects(lg, outcome="profit")
    with pytest.raises(DataError, match="baseline"):
        estimate_effects(lg, baseline="prayer")
    with pytest.raises(DataError, match="lacks required columns"):
        estimate_effects(lg.drop(columns=["propensity_sms"]))
    bad = lg.copy()
    bad.loc[bad.index[0], "propensity_" + bad["action"].iloc[0]] = 0.0
    with pytest.raises(DataError, match="propensity 0"):
        estimate_effects(bad)
    with pytest.raises(DataError, match="one per row"):
        evaluate_policy(["sms"] * 3, lg)
    with pytest.raises(DataError, match="not in"):
        evaluate_policy(["pray"] * len(lg), lg)
    with pytest.raises(DataError, match="method"):
        evaluate_policy(["sms"] * len(lg), lg, method="magic")
