"""Collections: priority by expected loss avoided and the treatment policy as data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from overdue_risk.collection import TREATMENTS, TreatmentPolicy, prioritise
from overdue_risk.exceptions import DataError
from overdue_risk.transitions import TransitionMatrix


@pytest.fixture
def matrix() -> TransitionMatrix:
    return TransitionMatrix.from_probabilities(
        [
            [0.90, 0.08, 0.00, 0.00, 0.02],
            [0.50, 0.20, 0.30, 0.00, 0.00],
            [0.10, 0.05, 0.25, 0.60, 0.00],
            [0, 0, 0, 1, 0],
            [0, 0, 0, 0, 1],
        ],
        ["M0", "M1", "M2", "CO", "PO"],
    )


def test_priority_is_roll_probability_times_balance(matrix: TransitionMatrix) -> None:
    book = pd.DataFrame(
        {
            "loan_id": [10, 11, 12, 13, 14],
            "bucket": ["M1", "M2", "M0", "M1", "CO"],
            "balance": [1000.0, 300.0, 5000.0, 200.0, 900.0],
        }
    )
    plan = prioritise(book, matrix, lgd=0.5)
    # only delinquent open accounts: M1 roll 0.3, M2 roll 0.6
    assert plan.account_id.tolist() == [10, 11, 13]
    assert plan.expected_loss_avoided.tolist() == pytest.approx([150.0, 90.0, 30.0])
    assert plan.segment.tolist() == ["low", "high", "low"]
    assert plan.treatment.tolist() == ["sms_reminder", "letter", "sms_reminder"]
    two = prioritise(book, matrix, horizon=2, capacity=1)
    # two months from M1: worse = M2 or CO in P^2
    p2 = np.linalg.matrix_power(np.asarray(matrix.probabilities), 2)
    assert two.roll_probability[two.account_id == 10][0] == pytest.approx(p2[1, 2] + p2[1, 3])
    assert two.selected.tolist() == [True, False, False]
    assert "Collection plan" in plan.summary()


def test_policy_from_a_frame_and_custom_segments(matrix: TransitionMatrix) -> None:
    policy = TreatmentPolicy.from_records(
        pd.DataFrame(
            {
                "bucket": ["M1", "M1", "M2", "M2"],
                "segment": ["A", "B", "A", "B"],
                "treatment": ["sms_reminder", "call", "field_visit", "legal_action"],
            }
        )
    )
    book = {"loan_id": [1, 2], "bucket": ["M2", "M1"], "balance": [10.0, 10.0], "seg": ["B", "A"]}
    plan = prioritise(book, matrix, segment_col="seg", policy=policy)
    assert plan.treatment.tolist() == ["legal_action", "sms_reminder"]
    assert policy.to_frame().loc["M2", "A"] == "field_visit"
    with pytest.raises(DataError, match="not in the policy"):
        prioritise({**book, "seg": ["C", "A"]}, matrix, segment_col="seg", policy=policy)


def test_policy_validation() -> None:
    with pytest.raises(DataError, match="not on the ladder"):
        TreatmentPolicy.from_records([("M1", "low", "prayer")])
    with pytest.raises(DataError, match="lacks treatments"):
        TreatmentPolicy.from_records([("M1", "low", "call"), ("M2", "high", "call")])
    with pytest.raises(DataError, match="twice"):
        TreatmentPolicy.from_records([("M1", "low", "call"), ("M1", "low", "letter")])
    default = TreatmentPolicy.default()
    # the default policy escalates with the bucket within each segment
    rank = {t: i for i, t in enumerate(TREATMENTS)}
    for j in range(len(default.segments)):
        steps = [rank[row[j]] for row in default.table]
        assert steps == sorted(steps)
    assert default.assign(["M0"], ["low"]).tolist() == ["none"]
