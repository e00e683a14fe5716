"""The collections simulator: logged data without truth, propensities, and exact truth."""

from __future__ import annotations

import numpy as np
import pytest

from overdue_risk.collection import ACTIONS, ConductRules, conduct_breaches
from overdue_risk.datasets import make_microloan_portfolio, simulate_collections
from overdue_risk.exceptions import DataError


@pytest.fixture(scope="module")
def book():
    return make_microloan_portfolio(n_loans=4_000, n_months=18, random_state=3)


@pytest.fixture(scope="module")
def sim(book):
    return simulate_collections(book, random_state=11)


def test_logged_table_holds_no_truth_and_book_is_untouched(book, sim) -> None:
    assert "hidden_type" not in sim.logged.columns
    assert not any(c.startswith(("recovered_", "cured_")) for c in sim.logged.columns)
    again = make_microloan_portfolio(n_loans=4_000, n_months=18, random_state=3)
    assert again.performance.equals(book.performance)
    assert set(sim.logged["bucket"]) <= {"M1", "M2", "M3", "M4", "M5", "M6+"}
    assert (sim.truth["row_id"].to_numpy() == sim.logged["row_id"].to_numpy()).all()
    assert set(sim.truth["hidden_type"]) == {"recovering", "unable", "unwilling"}


def test_same_seed_same_log(book, sim) -> None:
    other = simulate_collections(book, random_state=11)
    assert other.logged.equals(sim.logged)
    assert (
        not simulate_collections(book, random_state=12)
        .logged["action"]
        .equals(sim.logged["action"])
    )


def test_propensities_are_a_distribution_over_permitted_actions(sim) -> None:
    lg = sim.logged
    p = lg[[f"propensity_{a}" for a in ACTIONS]].to_numpy()
    assert np.allclose(p.sum(axis=1), 1.0)
    taken = np.array([ACTIONS.index(a) for a in lg["action"]])
    assert np.allclose(p[np.arange(len(lg)), taken], lg["propensity"])
    assert (lg["propensity"] >= sim.epsilon / len(ACTIONS) - 1e-12).all()
    # the logging policy kept the conduct rules: no legal before 90 DPD, no night contacts
    log = lg.assign(timestamp=lg["month"] + np.timedelta64(10, "h"), channel=lg["action"])
    breaches = conduct_breaches(
        log.loc[:, ["row_id", "timestamp", "channel", "dpd"]],
        ConductRules(max_contacts_per_day=None, max_contacts_per_week=None),
        account_col="row_id",
    )
    assert breaches.n_breaches == 0
    assert (p[lg["dpd"].to_numpy() < 90, ACTIONS.index("legal")] == 0).all()


def test_truth_is_the_expectation_of_the_simulated_outcomes(sim) -> None:
    """Monte Carlo: mean simulated net of each action within 4 standard errors of the truth."""
    rows = sim.logged.head(400)
    for a in ACTIONS:
        draws = [
            sim.simulate(rows, [a] * len(rows), random_state=s)["net"].sum() for s in range(40)
        ]
        truth = sim.true_net(rows, [a] * len(rows))
        se = np.std(draws, ddof=1) / np.sqrt(len(draws))
        assert abs(np.mean(draws) - truth) < 4 * se + 1e-6, a
    for outcome in ("cured", "rolled"):
        exp = sim.true_outcomes(rows, outcome)
        assert ((exp >= 0) & (exp <= 1)).all()


def test_no_single_action_is_best_and_oracles_are_ordered(sim) -> None:
    net = sim.true_outcomes(sim.logged, "net")
    best = np.bincount(net.argmax(axis=1), minlength=len(ACTIONS)) / len(net)
    assert (best > 0.02).sum() >= 4  # several actions are each best for a real share
    obs = sim.observable_oracle(sim.logged)
    rows = np.arange(len(net))
    # acting on the posterior cannot beat acting on the hidden type
    assert net[rows, obs.argmax(axis=1)].sum() <= net.max(axis=1).sum()
    assert np.allclose(obs.mean(axis=0), net.mean(axis=0), rtol=0.05)


def test_errors(book, sim) -> None:
    with pytest.raises(DataError, match="epsilon"):
        simulate_collections(book, epsilon=0.0)
    with pytest.raises(DataError, match="unknown actions"):
        sim.true_net(sim.logged.head(2), ["none", "pray"])
    with pytest.raises(DataError, match="outcome"):
        sim.true_outcomes(sim.logged.head(2), "profit")
    assert "Simulated collections log" in sim.summary()
    assert len(sim.queue()) > 0
