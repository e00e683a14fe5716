"""Points scaling: PDO / base score / base odds (Siddiqi 2006, ch. 6)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from overdue_risk.exceptions import DataError
from overdue_risk.scorecard import PointsScaling

pdos = st.floats(0.5, 500.0)
base_scores = st.floats(-1000.0, 5000.0)
odds = st.floats(1e-4, 1e4)


def test_siddiqi_worked_example() -> None:
    # Siddiqi (2006), Credit Risk Scorecards, ch. 6: 600 points at 50:1 odds, pdo 20
    # gives Factor = 20 / ln 2 = 28.8539 and Offset = 600 - 28.8539 ln 50 = 487.123.
    s = PointsScaling(pdo=20, base_score=600, base_odds=50)
    assert s.factor == pytest.approx(28.8539, abs=1e-4)
    assert s.offset == pytest.approx(487.123, abs=1e-3)


@settings(max_examples=200, deadline=None)
@given(pdo=pdos, base=base_scores, base_odds=odds, o=odds)
def test_odds_double_every_pdo_points(pdo: float, base: float, base_odds: float, o: float) -> None:
    s = PointsScaling(pdo=pdo, base_score=base, base_odds=base_odds)
    lo = s.score_from_log_odds(math.log(o))
    hi = s.score_from_log_odds(math.log(2 * o))
    assert hi - lo == pytest.approx(pdo, rel=1e-9, abs=1e-9)
    assert s.score_from_log_odds(math.log(base_odds)) == pytest.approx(base, rel=1e-12, abs=1e-9)


@settings(max_examples=200, deadline=None)
@given(pdo=pdos, base=base_scores, base_odds=odds, pd=st.floats(1e-6, 1 - 1e-6))
def test_pd_and_score_are_inverse(pdo: float, base: float, base_odds: float, pd: float) -> None:
    s = PointsScaling(pdo=pdo, base_score=base, base_odds=base_odds)
    score = s.score_from_pd(pd)
    assert s.pd_from_score(score) == pytest.approx(pd, rel=1e-7)
    # higher points mean lower risk
    assert s.pd_from_score(score + pdo) < pd


def test_base_odds_map_to_base_pd() -> None:
    s = PointsScaling(pdo=40, base_score=500, base_odds=20)
    assert s.pd_from_score(500) == pytest.approx(1 / 21)
    arr = s.score_from_log_odds(np.log([20.0, 40.0]))
    np.testing.assert_allclose(arr, [500.0, 540.0])


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"pdo": 0}, "pdo must be a finite positive"),
        ({"pdo": -20}, "pdo must be a finite positive"),
        ({"base_odds": 0}, "base_odds must be a finite positive"),
        ({"base_score": float("nan")}, "base_score must be finite"),
        ({"base_score": "high"}, "base_score must be a number"),
    ],
)
def test_bad_parameters_raise(kwargs: dict[str, object], match: str) -> None:
    with pytest.raises(DataError, match=match):
        PointsScaling(**kwargs)  # type: ignore[arg-type]


def test_spec_dict_round_trip() -> None:
    s = PointsScaling(pdo=25, base_score=650, base_odds=30)
    d = s.to_spec_dict(intercept_mode="separate", rounded=True)
    assert d["factor"] == pytest.approx(25 / math.log(2))
    assert d["odds"] == "good:bad"
    assert PointsScaling.from_spec_dict(d) == s
    with pytest.raises(DataError, match="lacks keys"):
        PointsScaling.from_spec_dict({"pdo": 20})
