"""optimise_actions: exact against a brute-force MILP, every documented constraint respected."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from overdue_risk.collection import ConductRules, eligible_actions, optimise_actions
from overdue_risk.exceptions import ConstraintError, DataError

ACTS = ("none", "sms", "call", "field_visit", "repayment_plan", "legal")


def _brute_force(value: np.ndarray, allowed: np.ndarray, cap: dict, budget, cost) -> float:
    n, k = value.shape
    c = -value.ravel()
    a_eq = sparse.kron(sparse.eye(n), np.ones((1, k)))
    rows, rhs = [], []
    for a, cp in cap.items():
        rows.append(np.tile(np.array(ACTS) == a, n).astype(float))
        rhs.append(cp)
    if budget is not None:
        rows.append(cost.ravel())
        rhs.append(budget)
    cons = [LinearConstraint(a_eq, 1, 1)]
    if rows:
        cons.append(LinearConstraint(np.array(rows), -np.inf, rhs))
    res = milp(c, constraints=cons, integrality=np.ones(n * k), bounds=Bounds(0, allowed.ravel()))
    assert res.status == 0
    return -float(res.fun)


def _accounts(rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    return {
        "row_id": np.arange(n),
        "dpd": rng.integers(1, 181, n),
        "contacts_7d": rng.integers(0, 8, n),
        "reachable_from": np.where(rng.random(n) < 0.1, 22, 8),
        "reachable_to": np.where(rng.random(n) < 0.1, 24, 20),
        "balance": rng.uniform(100, 3000, n),
    }


@settings(max_examples=40, deadline=None)
@given(
    st.integers(0, 10_000),
    st.integers(5, 40),
    st.integers(0, 6),
    st.integers(0, 4),
    st.booleans(),
    st.booleans(),
)
def test_plan_is_optimal_and_respects_every_constraint(
    seed: int, n: int, call_cap: int, legal_cap: int, with_budget: bool, with_must: bool
) -> None:
    rng = np.random.default_rng(seed)
    acc = _accounts(rng, n)
    rules = ConductRules(max_contacts_per_week=7, legal_min_npv=50.0)
    value = rng.gamma(2.0, 60.0, (n, len(ACTS)))
    value[:, 0] = rng.uniform(0, 30, n)
    cost = np.tile([0.0, 0.3, 6.0, 45.0, 20.0, 150.0], (n, 1))
    cap = {"call": call_cap, "legal": legal_cap, "field_visit": 2}
    allowed, _ = eligible_actions(acc, rules, actions=ACTS, net_value=value - cost)
    budget = float(0.5 * np.where(allowed, cost, 0).max(axis=1).sum()) if with_budget else None
    contact_cols = np.isin(ACTS, rules.contact_channels)
    must = None
    if with_must:  # accounts that must be contacted (only those a rule lets us contact)
        must = (rng.random(n) < 0.3) & allowed[:, contact_cols & (np.array(ACTS) == "sms")][:, 0]
        allowed = allowed & ~(must[:, None] & ~contact_cols[None, :])
        if budget is not None:
            budget = max(budget, float(np.where(allowed, cost, np.inf).min(axis=1).sum()))
    plan = optimise_actions(
        acc, value, cost, cap, rules, actions=ACTS, budget=budget, must_contact=must
    )
    idx = np.array([ACTS.index(a) for a in plan.action])
    rows = np.arange(n)
    # every documented constraint
    assert allowed[rows, idx].all()
    dpd = acc["dpd"]
    assert (dpd[plan.action == "legal"] >= 90).all()
    assert (dpd[plan.action == "field_visit"] >= 31).all()
    contact = np.isin(plan.action, rules.contact_channels)
    assert (acc["reachable_from"][contact] < 21).all()
    assert (acc["reachable_to"][contact] > 8).all()
    extra = np.array(
        [
            {"sms": 1, "call": 2, "field_visit": 1, "repayment_plan": 1}.get(a, 0)
            for a in plan.action
        ]
    )
    assert (acc["contacts_7d"] + extra <= 7)[contact].all()
    legal = plan.action == "legal"
    assert ((value - cost)[rows, idx][legal] >= 50.0).all()
    for a, c in cap.items():
        assert (plan.action == a).sum() <= c
    if must is not None:
        assert np.isin(plan.action[must], rules.contact_channels).all()
    if budget is not None:
        assert cost[rows, idx].sum() <= budget + 1e-6
    # optimality: equal to the brute-force MILP, and the certificate is honest
    best = _brute_force(value - cost, allowed, cap, budget, cost)
    assert plan.objective == pytest.approx(best, rel=1e-6, abs=1e-6)
    assert plan.bound >= plan.objective - 1e-6
    assert plan.gap <= 1e-6 * max(abs(plan.bound), 1.0) + 1e-9


def test_capacity_prices_and_reasons() -> None:
    acc = {"row_id": [10, 11, 12], "dpd": [40, 40, 40]}
    value = np.array([[0, 100, 0], [0, 90, 0], [0, 80, 70]], dtype=float)
    plan = optimise_actions(acc, value, None, {"call": 1}, actions=("none", "call", "letter"))
    assert plan.action.tolist() == ["call", "none", "letter"]
    assert plan.shadow_price["call"] == pytest.approx(90.0, abs=10.0)
    assert "capacity" in plan.reason[1]
    frame = plan.to_frame()
    assert frame["account_id"].tolist()[0] == 10
    assert plan.action_mix()["call"] == 1
    assert "Collection action plan" in plan.summary()


def test_milp_method_agrees_with_default() -> None:
    rng = np.random.default_rng(3)
    acc = _accounts(rng, 60)
    value = rng.gamma(2.0, 60.0, (60, len(ACTS)))
    cap = {"call": 5, "repayment_plan": 3}
    a = optimise_actions(acc, value, None, cap, actions=ACTS)
    b = optimise_actions(acc, value, None, cap, actions=ACTS, method="milp")
    assert a.objective == pytest.approx(b.objective, rel=1e-9)


def test_infeasible_constraints_are_named() -> None:
    acc = {"row_id": [1, 2], "dpd": [10, 10], "reachable_from": [22, 8], "reachable_to": [24, 20]}
    value = np.ones((2, 3))
    acts = ("none", "call", "letter")
    with pytest.raises(ConstraintError, match=r"must_contact.*permitted_hours"):
        optimise_actions(acc, value, actions=acts, must_contact=[True, False])
    with pytest.raises(ConstraintError, match=r"capacity\['call'\]"):
        optimise_actions(acc, value, capacity={"call": 0}, actions=acts, must_contact=[False, True])
    with pytest.raises(ConstraintError, match="budget"):
        optimise_actions(
            acc, value, {"call": 5.0}, actions=acts, must_contact=[False, True], budget=1.0
        )
    with pytest.raises(ConstraintError, match="capacity"):
        optimise_actions(acc, value, capacity={"call": -1}, actions=acts)
    with pytest.raises(DataError, match="one column per action"):
        optimise_actions(acc, np.ones((2, 2)), actions=acts)
    with pytest.raises(DataError, match="'none'"):
        optimise_actions(acc, np.ones((2, 2)), actions=("call", "letter"))
