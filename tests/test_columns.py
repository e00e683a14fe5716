"""The one column adapter (overdue_risk._columns): every table type, the same meaning."""

from __future__ import annotations

import numpy as np
import pytest

from overdue_risk._columns import as_columns
from overdue_risk.exceptions import DataError
from overdue_risk.runtime import Spec, example_spec_dict, seal

pd = pytest.importorskip("pandas")


def _frames() -> dict[str, object]:
    base = {"age": [22.0, None, 41.0], "purpose": ["cash", None, "car"]}
    out: dict[str, object] = {
        "dict": base,
        "matrix": np.array([[22.0, "cash"], [None, None], [41.0, "car"]], dtype=object),
        "pandas": pd.DataFrame(base),
        "pandas_nullable": pd.DataFrame(
            {
                "age": pd.array([22, None, 41], dtype="Int64"),
                "purpose": pd.Series(["cash", None, "car"], dtype="string"),
            }
        ),
        "pandas_str": pd.DataFrame(
            {"age": base["age"], "purpose": pd.Series(base["purpose"], dtype="str")}
        ),
        "pandas_category": pd.DataFrame(
            {"age": base["age"], "purpose": pd.Categorical(base["purpose"])}
        ),
    }
    pa = pytest.importorskip("pyarrow")
    out["pandas_arrow"] = pd.DataFrame(base).convert_dtypes(dtype_backend="pyarrow")
    out["arrow_table"] = pa.table(base)
    out["arrow_batch"] = pa.record_batch(base)
    out["arrow_dictionary"] = pa.table(
        {"age": base["age"], "purpose": pa.array(base["purpose"]).dictionary_encode()}
    )
    try:
        import polars as pl
    except ImportError:
        return out
    out["polars"] = pl.DataFrame(base)
    return out


FRAMES = _frames()


@pytest.mark.parametrize("kind", sorted(FRAMES))
def test_every_table_type_reads_the_same(kind: str) -> None:
    cols = as_columns(FRAMES[kind], names=["age", "purpose"])
    assert cols.n_rows == 3
    np.testing.assert_array_equal(cols.numeric("age"), [22.0, np.nan, 41.0])
    values, codes = cols.categorical("purpose")
    got = [values[c] for c in codes]
    assert got[0] == "cash"
    assert got[2] == "car"
    from overdue_risk._missing import is_missing_scalar

    assert is_missing_scalar(got[1])  # missing stays missing


@pytest.mark.parametrize("kind", sorted(FRAMES))
def test_runtime_scores_every_table_type_alike(kind: str) -> None:
    spec = Spec.from_dict(seal(example_spec_dict()))
    want = spec.score({"age": [22.0, None, 41.0], "purpose": ["cash", None, "car"]})
    np.testing.assert_array_equal(spec.score(FRAMES[kind]), want)


def test_duplicated_column_names_are_refused_not_scored_with_wrong_rows() -> None:
    # known defect 3: the runtime scored a frame with a duplicated column from the wrong rows
    spec = Spec.from_dict(seal(example_spec_dict()))
    frame = pd.DataFrame([[22.0, 60.0, "cash"]], columns=["age", "age", "purpose"])
    with pytest.raises(DataError, match="'age' appears more than once"):
        spec.score(frame)
    pa = pytest.importorskip("pyarrow")
    table = pa.Table.from_arrays(
        [pa.array([1.0]), pa.array([2.0]), pa.array(["cash"])], names=["age", "age", "purpose"]
    )
    with pytest.raises(DataError, match="'age' appears more than once"):
        spec.score(table)
    with pytest.raises(DataError, match="appears more than once"):
        as_columns({1: [1.0], "1": [2.0]})


@pytest.mark.parametrize(
    ("values", "match"),
    [
        (np.array(["2024-01-01"], dtype="datetime64[D]"), "dates or durations"),
        (np.array([5], dtype="timedelta64[D]"), "dates or durations"),
        (np.array([1 + 2j]), "complex"),
        ([[1.0, 2.0]], "2-D block"),
        (np.array([[1.0], [2.0]]), "2-D block"),
    ],
)
def test_unusable_numeric_columns_are_refused_naming_the_column(values: object, match: str) -> None:
    with pytest.raises(DataError, match=match) as err:
        as_columns({"age": values}).numeric("age")
    assert "'age'" in str(err.value)


def test_containers_in_cells_are_refused_as_numbers_and_as_categories() -> None:
    cols = as_columns({"x": np.array([[1], [2, 3]], dtype=object)})
    with pytest.raises(DataError, match="'x' holds a container"):
        cols.numeric("x")
    with pytest.raises(DataError, match="'x' holds a container"):
        cols.categorical("x")
    ts = pd.Series([pd.Timestamp("2024-01-01"), None], dtype=object)
    with pytest.raises(DataError, match="'t' holds a date or duration"):
        as_columns({"t": ts}).numeric("t")


def test_pandas_frame_with_duplicated_column_selected_gives_block_error_or_dup() -> None:
    frame = pd.DataFrame([[1.0, 2.0]], columns=["a", "a"])
    with pytest.raises(DataError, match="more than once"):
        as_columns(frame, names=["a"])


def test_lazy_frames_are_refused_with_the_fix() -> None:
    pl = pytest.importorskip("polars")
    with pytest.raises(DataError, match=r"collect\(\)"):
        as_columns(pl.LazyFrame({"a": [1.0]}))


def test_one_record_and_selection() -> None:
    cols = as_columns({"a": 1.0, "b": "x", "c": None}, names=["b", "a"])
    assert cols.record == {"b": "x", "a": 1.0}
    assert cols.names == ("b", "a")
    assert cols.n_rows == 1
    sub = as_columns(np.array([[1.0, 2.0, 3.0]]), names=["a", "b", "c"]).select(["c", "a"])
    np.testing.assert_array_equal(sub.numeric("c"), [3.0])
    assert sub.matrix is not None
    assert sub.matrix.tolist() == [[3.0, 1.0]]


def test_text_numbers_parse_and_bad_text_is_named_with_rows() -> None:
    cols = as_columns({"x": ["1", " 2.5 ", None, "nan"]})
    np.testing.assert_array_equal(cols.numeric("x"), [1.0, 2.5, np.nan, np.nan])
    with pytest.raises(DataError, match=r"'x'.*\['abc'\] at row\(s\) \[1\]"):
        as_columns({"x": ["1", "abc"]}).numeric("x")


def test_column_is_float_for_numbers_and_object_for_text() -> None:
    cols = as_columns({"n": [1, None, 3], "t": ["a", 1, None], "b": [True, False, None]})
    assert cols.column("n").dtype == np.float64
    assert cols.column("t").dtype == object
    assert cols.column("b").dtype == object


def test_empty_and_shapes() -> None:
    assert as_columns({"a": []}).n_rows == 0
    assert as_columns(np.empty((0, 2))).names == ("x0", "x1")
    with pytest.raises(DataError, match="Expected 2D array"):
        as_columns(np.zeros(3))
    with pytest.raises(DataError, match="different lengths"):
        as_columns({"a": [1, 2], "b": [1]})
    with pytest.raises(DataError, match="cannot read columns"):
        as_columns("age")
