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
        (
            [0, 1, 2],
            r"Only binary classification is supported. y must contain only 0 and 1 .* "
            r"got 3 labels \[0, 1, 2\]",
        ),
        ([1, 1, 1], "single class"),
        ([0, np.nan, 1], "missing values"),
        (["good", "bad"], r"y has labels \['bad', 'good'\]; pass pos_label='bad'"),
        ([1, 2, 2], r"y has labels \[1, 2\]; pass pos_label=2"),
        (["0", "1"], r"y has labels \['0', '1'\]; pass pos_label='1'"),
        ([0.0, 0.3, 1.0], r"only 0 and 1; got continuous values \[0.0, 0.3, 1.0\]"),
        (["bad"], "single class"),
        ([], "empty"),
        (None, "requires y to be passed"),
        ([[0, 1], [1, 0]], "one-dimensional"),
    ],
)
def test_binary_target_errors(y: list[object], match: str) -> None:
    with pytest.raises(DataError, match=match) as info:
        v.check_binary_target(y)
    assert isinstance(info.value, ValueError)
    assert isinstance(info.value, OverdueRiskError)


def test_binary_target_pos_label_and_classes() -> None:
    """The one target rule: any two labels with pos_label; classes_ is [non-event, event]."""
    flag, classes = v.check_binary_target(
        np.array(["good", "bad", "good"]), pos_label="bad", return_classes=True
    )
    np.testing.assert_array_equal(flag, [0, 1, 0])
    assert classes.tolist() == ["good", "bad"]
    flag, classes = v.check_binary_target([1, 2, 2], pos_label=1, return_classes=True)
    np.testing.assert_array_equal(flag, [1, 0, 0])
    assert classes.tolist() == [2, 1]
    flag, classes = v.check_binary_target([True, False], return_classes=True)
    assert classes.tolist() == [False, True]
    with pytest.raises(DataError, match="pos_label='BAD' is not a label of y"):
        v.check_binary_target(["bad", "good"], pos_label="BAD")
    with pytest.raises(DataError, match="3 labels"):
        v.check_binary_target(["a", "b", "c"], pos_label="a")
    np.testing.assert_array_equal(v.check_binary_target([0, 0], allow_single_class=True), [0, 0])
    np.testing.assert_array_equal(v.check_binary_target(np.array([[0], [1]])), [0, 1])


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


@pytest.mark.parametrize(
    "dtype", ["bool", "int8", "int16", "int32", "int64", "uint8", "uint32", "uint64", "float64"]
)
@pytest.mark.parametrize(
    "values",
    [
        [0, 1, 1, 0],
        [1, 1, 1],
        [1, 2, 2, 1],
        [0, 0],
        [0, 1, 0, 3],
        [5, 9, 7, 5, 200],
        [0, 1, 0, 1, 2],
    ],
)
def test_distinct_labels_without_a_sort_equal_np_unique(dtype: str, values: list[int]) -> None:
    # the min/max (and one bincount) path of _labels gives np.unique's values and types
    arr = np.asarray(values).astype(dtype)
    expected = [x.item() for x in np.unique(arr)]
    got = v._labels(arr)
    assert got == expected
    assert [type(x) for x in got] == [type(x) for x in expected]


@pytest.mark.parametrize(
    "arr",
    [
        np.array([0.0, 0.5, 1.0]),  # a value strictly between the two whole numbers
        np.array([0.0, 1.0, 2.0]),
        np.array([-0.0, 1.0]),
        np.array([np.iinfo(np.int64).min, np.iinfo(np.int64).min + 3, 0]),
        np.array([np.iinfo(np.int64).min, np.iinfo(np.int64).min + 3]),
        np.array([np.iinfo(np.uint64).max, np.iinfo(np.uint64).max - 2], dtype=np.uint64),
        np.array([np.iinfo(np.int64).max, np.iinfo(np.int64).max - 5]),
    ],
)
def test_distinct_labels_at_the_edges_equal_np_unique(arr: np.ndarray) -> None:
    assert v._labels(arr) == [x.item() for x in np.unique(arr)]


@pytest.mark.parametrize("dtype", ["int8", "int16", "uint8", "int64", "bool", "all_true"])
def test_categorical_codes_direct_table_spans_the_whole_dtype(dtype: str) -> None:
    # the direct table of a small integer range widens before subtracting the minimum: an
    # int8 column holding -128 and 127 once made the shift wrap and bincount refuse it
    from overdue_risk._columns import categorical_codes

    if dtype == "bool":
        arr = np.array([True, False, True])
    elif dtype == "all_true":  # the minimum is 1: the table starts at True
        arr = np.array([True, True])
    else:
        info = np.iinfo(dtype)
        arr = np.array([info.max, info.min, info.max, 0], dtype=dtype)
    values, codes = categorical_codes(arr)
    expected = [x.item() for x in np.unique(arr)]
    assert values == expected
    assert [values[c] for c in codes] == arr.tolist()


def test_offsets_refuse_values_beyond_the_index_type() -> None:
    big = np.array([2**64 - 1, 2**64 - 2], dtype=np.uint64)
    assert v.offsets(big, 2**64 - 2, 2**64 - 1) is None
