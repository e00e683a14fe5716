"""Reason codes: top-k points lost, vectorised, with the documented tie rule."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from overdue_risk.exceptions import DataError
from overdue_risk.scorecard._reasons import ReasonCodes, rank_reasons


def _reference(points: np.ndarray, max_points: np.ndarray, k: int) -> list[list[int]]:
    """Row-by-row reference: sort by (-loss, card position), drop zero losses."""
    out = []
    for row in points:
        loss = max_points - row
        order = sorted(range(len(row)), key=lambda j: (-loss[j], j))
        picked = [j for j in order if loss[j] > 0][:k]
        out.append(picked + [-1] * (k - len(picked)))
    return out


@settings(max_examples=80, deadline=None)
@given(
    data=st.data(),
    n=st.integers(1, 20),
    p=st.integers(1, 8),
    k=st.integers(1, 10),
)
def test_matches_row_by_row_reference(data: st.DataObject, n: int, p: int, k: int) -> None:
    # small integer points make ties frequent, which is what the tie rule is about
    points = data.draw(hnp.arrays(np.float64, (n, p), elements=st.integers(0, 4).map(float)))
    max_points = points.max(axis=0) + data.draw(
        hnp.arrays(np.float64, (p,), elements=st.integers(0, 2).map(float))
    )
    idx, lost = rank_reasons(points, max_points, k)
    assert idx.tolist() == _reference(points, max_points, k)
    expected_lost = np.where(
        idx >= 0,
        max_points[np.maximum(idx, 0)] - np.take_along_axis(points, np.maximum(idx, 0), 1),
        0,
    )
    np.testing.assert_array_equal(lost, expected_lost)
    assert np.all(np.diff(lost, axis=1) <= 0)  # most points lost first


def test_ties_follow_card_order_and_zero_losses_are_never_listed() -> None:
    points = np.array([[5.0, 5.0, 10.0, 0.0], [10.0, 10.0, 10.0, 10.0]])
    max_points = np.array([10.0, 10.0, 10.0, 5.0])
    r = ReasonCodes.from_points(
        points, max_points, ["a", "b", "c", "d"], ["A", "B", "C", "D"], k=4, score=[0.0, 0.0]
    )
    # a, b and d each lose 5: card order a, b, d; c loses nothing and is not listed
    assert r.codes.tolist() == [["A", "B", "D", None], [None, None, None, None]]
    assert r.points_lost.tolist() == [[5.0, 5.0, 5.0, 0.0], [0.0, 0.0, 0.0, 0.0]]
    frame = r.to_frame()
    assert list(frame.columns[:3]) == ["score", "reason_1", "reason_2"]
    assert "A" in r.summary()


@pytest.mark.parametrize("k", [0, -1, 1.5, True])
def test_bad_k_raises(k: object) -> None:
    with pytest.raises(DataError, match="k must be a positive integer"):
        ReasonCodes.from_points([[1.0]], [2.0], ["a"], ["A"], k=k, score=[0.0])  # type: ignore[arg-type]
