"""Workout options (continue, restructure, settle, litigate) by expected present value."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from overdue_risk.collection import ConductRules, WorkoutAssumptions, value_workout_options
from overdue_risk.exceptions import DataError

CERTAIN = float("inf")


def test_plan_at_the_discount_rate_without_redefault_is_worth_the_balance() -> None:
    """Annuity identity (Brealey-Myers ch. 2): instalments at rate r discounted at r = principal."""
    acc = {"balance": [1000.0], "dpd": [40]}
    s = WorkoutAssumptions(
        0.0, 0.0, 1.0, 0.0, 0.0, 0.0, concentration=CERTAIN, plan_rate=0.18, discount_rate=0.18
    )
    val = value_workout_options(acc, s)
    assert val.expected_pv[0, 1] == pytest.approx(1000.0, rel=1e-12)
    # continue: d * (p * cure_value + (1 - p) q) per unit, here zero
    assert val.expected_pv[0, 0] == pytest.approx(0.0)


def test_settlement_and_continue_closed_forms() -> None:
    acc = {"balance": [500.0], "dpd": [60]}
    s = WorkoutAssumptions(
        0.4, 0.2, 0.0, 0.0, 0.5, 0.0, concentration=CERTAIN, settlement_discount=0.2
    )
    val = value_workout_options(acc, s)
    d = 1 / (1 + 0.15 / 12)
    cont = d * (0.4 * 0.9 + 0.6 * 0.2) * 500
    assert val.expected_pv[0, 0] == pytest.approx(cont)
    assert val.expected_pv[0, 2] == pytest.approx(0.5 * d * 0.8 * 500 + 0.5 * cont)
    assert val.expected_pv[0, 3] == pytest.approx(-(150 + 0.05 * 500))
    assert val.recommended.tolist() == ["settle"]


def test_uncertainty_is_reported() -> None:
    acc = {"row_id": [7], "balance": [3000.0], "dpd": [150]}
    s = WorkoutAssumptions(0.05, 0.1, 0.3, 0.1, 0.2, 0.5, concentration=20.0)
    val = value_workout_options(acc, s, n_draws=4_000, random_state=1)
    assert (val.std_pv[0] > 0).all()
    assert (val.pv_low[0] <= val.expected_pv[0]).all()
    assert (val.expected_pv[0] <= val.pv_high[0]).all()
    assert 0.0 < val.p_litigation_best[0] < 1.0
    frame = val.to_frame()
    assert frame["account_id"].tolist() == [7]
    assert "Workout options" in val.summary()


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.floats(50, 5000),
            st.integers(1, 200),
            st.floats(0, 1),
            st.floats(0, 1),
            st.floats(0, 1),
        ),
        min_size=1,
        max_size=12,
    ),
    st.floats(-200, 500),
)
def test_litigation_only_when_permitted_and_best(rows: list, npv_floor: float) -> None:
    bal = np.array([r[0] for r in rows])
    dpd = np.array([r[1] for r in rows])
    s = WorkoutAssumptions(
        np.array([r[2] for r in rows]) * 0.5,
        0.1,
        np.array([r[3] for r in rows]),
        0.1,
        0.2,
        np.array([r[4] for r in rows]),
        concentration=CERTAIN,
    )
    rules = ConductRules(legal_min_npv=npv_floor)
    val = value_workout_options({"balance": bal, "dpd": dpd}, s, rules=rules, n_draws=2)
    lit = val.recommended == "litigate"
    pv = val.expected_pv
    assert (dpd[lit] >= 90).all()
    assert (pv[lit, 3] >= npv_floor).all()
    assert (pv[lit, 3] > pv[lit, :3].max(axis=1)).all()
    # otherwise the best non-litigation option is recommended
    chosen = np.array([val.options.index(o) for o in val.recommended])
    assert np.allclose(pv[~lit, chosen[~lit]], pv[~lit, :3].max(axis=1))


def test_errors() -> None:
    s = WorkoutAssumptions(1.5, 0.1, 0.5, 0.1, 0.2, 0.5)
    with pytest.raises(DataError, match="cure_probability"):
        value_workout_options({"balance": [1.0], "dpd": [1]}, s)
    with pytest.raises(DataError, match="lacks required columns"):
        value_workout_options({"balance": [1.0]}, s)
    with pytest.raises(DataError, match="balance"):
        value_workout_options({"balance": [-1.0], "dpd": [1]}, s)
