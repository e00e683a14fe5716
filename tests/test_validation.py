"""The one home of input checks: messages name the problem and the fix."""

from __future__ import annotations

import numpy as np
import pytest

from overdue_risk import _validation as v
from overdue_risk._missing import canonical_categories, is_missing
from overdue_risk.exceptions import DataError, OverdueRiskError


def test_binary_target_accepts_bools_and_floats() -> None:
    np.testing.assert_array_equal(v.check_binary_target([True, False]), [1, 0])
    np.testing.assert_array_equal(v.check_binary_target(np.array([0.0, 1.0])), [0, 1])


@pytest.mark.parametrize(
    ("y", "match"),
    [
        ([0, 1, 2], r"only 0 and 1; got values \[0.0, 1.0, 2.0\]"),
        ([1, 1, 1], "single class"),
        ([0, np.nan, 1], "missing values"),
        (["good", "bad"], "only 0 and 1"),
        ([], "empty"),
    ],
)
def test_binary_target_errors(y: list[object], match: str) -> None:
    with pytest.raises(DataError, match=match) as info:
        v.check_binary_target(y)
    assert isinstance(info.value, ValueError)
    assert isinstance(info.value, OverdueRiskError)


def test_sample_weight_errors() -> None:
    with pytest.raises(DataError, match="3 entries but the data has 2 rows"):
        v.check_sample_weight([1, 2, 3], 2)
    with pytest.raises(DataError, match="non-negative; row 1"):
        v.check_sample_weight([1, -2], 2)
    with pytest.raises(DataError, match="all zero"):
        v.check_sample_weight([0, 0], 2)
    with pytest.raises(DataError, match="finite; row 0"):
        v.check_sample_weight([np.inf, 1], 2)


def test_columns_and_finite_name_the_column() -> None:
    with pytest.raises(DataError, match=r"lacks required columns \['income'\]"):
        v.check_columns(["age"], ["age", "income"])
    with pytest.raises(DataError, match=r"Column 'income' holds 1 non-finite values .*row 1"):
        v.check_finite([1.0, np.inf], "income")


def test_missing_policy_is_one_policy() -> None:
    pd = pytest.importorskip("pandas")
    values = np.array([1.0, None, float("nan"), pd.NA, pd.NaT, "x"], dtype=object)
    np.testing.assert_array_equal(is_missing(values), [False, True, True, True, True, False])
    assert list(canonical_categories(np.array([1, 1.0, "1", 2.5, None], dtype=object))) == [
        "1",
        "1",
        "1",
        "2.5",
        None,
    ]
