"""Backtests refuse what they cannot mean (known defect 8 of issue 12)."""

from __future__ import annotations

import numpy as np
import pytest

from overdue_risk.backtest import (
    binomial_test,
    hosmer_lemeshow_test,
    jeffreys_test,
    normal_test,
    spiegelhalter_test,
    traffic_light,
)
from overdue_risk.exceptions import DataError
from overdue_risk.metrics import auc_change_test

TESTS = [binomial_test, jeffreys_test, hosmer_lemeshow_test, spiegelhalter_test]


@pytest.mark.parametrize("test", TESTS, ids=lambda f: f.__name__)
def test_one_entry_list_is_not_broadcast_against_several_grades(test: object) -> None:
    with pytest.raises(DataError, match="one entry per grade"):
        test([1000, 800, 500], [10, 12, 9], [0.01])  # type: ignore[operator]
    with pytest.raises(DataError, match="one entry per grade"):
        test([1000], [10, 12], [0.01, 0.02])  # type: ignore[operator]
    a = test([1000, 800], [10, 12], 0.012)  # type: ignore[operator]
    b = test([1000, 800], [10, 12], [0.012, 0.012])  # type: ignore[operator]
    assert a.pvalue == b.pvalue  # a true scalar still applies to every grade


def test_normal_test_refuses_mismatched_lists_too() -> None:
    with pytest.raises(DataError, match="one entry per grade"):
        normal_test([[1000, 800], [900, 700]], [[10, 12], [9, 8]], [0.01])


@pytest.mark.parametrize("bad", [-1.0, 1.5, [0.2, -0.01], np.inf])
def test_traffic_light_refuses_values_that_are_not_pvalues(bad: object) -> None:
    with pytest.raises(DataError, match=r"pvalue must lie in \[0, 1\]"):
        traffic_light(bad)  # type: ignore[arg-type]
    assert traffic_light([0.0, 1.0, np.nan]).tolist() == ["red", "green", "n/a"]


def test_auc_change_test_with_all_scores_tied_is_not_p_zero() -> None:
    y = np.array([0, 1] * 50)
    with pytest.raises(DataError, match="every score is tied"):
        auc_change_test(0.8, y, np.full(100, 3.0))
    perfect = auc_change_test(0.8, y, y.astype(float))  # AUC 1: se 0 but well defined
    assert perfect.pvalue == 1.0
