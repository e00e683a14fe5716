"""Spark export: the kernel on Arrow batches, the Spark SQL query, and count tables.

One local SparkSession (``local[2]``, 2 shuffle partitions, no UI) is shared by the
module. Every score equals the kernel's on the boundary harness; every count table equals
the NumPy count table of the same rows (and, for transitions, the library's own
``transition_pairs``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

from conftest import local_spark
from export_harness import SPEC_FIXTURES, assert_same_as_kernel, cases, load, warehouse_columns
from overdue_risk.binning import CountTable, WOEBinner
from overdue_risk.distributed._counts import band_counts_numpy
from overdue_risk.distributed.spark import (
    band_counts_spark,
    prebin_counts_spark,
    score_spark,
    score_spark_sql,
    transition_counts_spark,
)
from overdue_risk.exceptions import DataError

pytest.importorskip("pyspark")
pa = pytest.importorskip("pyarrow")

pytestmark = [
    pytest.mark.spark,
    # pyspark 4.3 warns on every pandas-backed call that it does not fully support pandas 3
    pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning"),
]

K = 3


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    yield from local_spark(
        "overdue_risk-export-tests",
        **{
            "spark.sql.execution.arrow.pyspark.enabled": "true",
            # several Arrow batches per partition, so batch boundaries are exercised
            "spark.sql.execution.arrow.maxRecordsPerBatch": "700",
        },
    )


def frame(spark: Any, cols: dict[str, Any]) -> Any:
    """A Spark DataFrame built from Arrow (numeric double with null, categorical string)."""
    arrays = {}
    for name, col in cols.items():
        col = np.asarray(col)
        if col.dtype.kind == "f":
            arrays[name] = pa.array(col, mask=np.isnan(col), type=pa.float64())
        elif col.dtype.kind in "iu":
            arrays[name] = pa.array(col, type=pa.int64())
        else:
            arrays[name] = pa.array(list(col), type=pa.string())
    return spark.createDataFrame(pa.table(arrays))


def collect(df: Any, order: str = "row_id") -> dict[str, Any]:
    table = df.toArrow().sort_by(order)
    return {c: np.asarray(table.column(c).to_pylist(), dtype=object) for c in table.column_names}


@pytest.mark.parametrize("spec_name", sorted(SPEC_FIXTURES))
def test_score_spark_equals_kernel(spark, spec_name):
    # the same DataFrame scored by the kernel on Arrow batches and by the Spark SQL query
    spec = load(spec_name)
    data = cases(spec, n_random=2000)
    df = frame(spark, warehouse_columns(spec, data)).cache()
    got = collect(score_spark(spec, df, reason_codes=K))
    assert got["row_id"].tolist() == list(range(len(data["row_id"])))
    assert_same_as_kernel(spec, data, got, reason_codes=K, engine="Spark mapInArrow")
    got = collect(score_spark_sql(spec, df, keep=["row_id"], reason_codes=K))
    assert_same_as_kernel(spec, data, got, reason_codes=K, engine="Spark SQL")
    df.unpersist()


def test_spark_sql_keeps_nan_as_missing(spark):
    # Spark keeps NaN distinct from null (and NaN = NaN is true there): still missing.
    spec = load("example")
    df = spark.createDataFrame([(1, float("nan"), None)], "row_id long, age double, purpose string")
    got = collect(score_spark_sql(spec, df, keep=["row_id"]))
    assert got["score"][0] == spec.score({"age": [np.nan], "purpose": [None]})[0]
    got = collect(score_spark(spec, df))
    assert got["score"][0] == spec.score({"age": [np.nan], "purpose": [None]})[0]


def test_score_spark_refuses_missing_columns_and_clashes(spark):
    spec = load("example")
    df = spark.createDataFrame([(1.0,)], "age double")
    with pytest.raises(DataError, match="purpose"):
        score_spark(spec, df)
    df = spark.createDataFrame([(1.0, "cash", 2.0)], "age double, purpose string, score double")
    with pytest.raises(DataError, match="prefix"):
        score_spark(spec, df)
    assert "new_score" in score_spark(spec, df, prefix="new_").columns


def _book(rng: np.random.Generator, n: int) -> dict[str, Any]:
    age = rng.normal(40, 12, n).round(1)
    age[rng.random(n) < 0.05] = np.nan
    age[rng.random(n) < 0.03] = -1.0
    purpose = rng.choice(np.array(["cash", "travel", "education", "rent", None], dtype=object), n)
    bad = (rng.random(n) < 0.15).astype(np.int64)
    weight = rng.uniform(0.5, 2.0, n)
    return {"row_id": np.arange(n), "age": age, "purpose": purpose, "bad": bad, "w": weight}


def test_prebin_counts_spark_equal_numpy_counts(spark, rng):
    book = _book(rng, 3000)
    df = frame(spark, book)
    specials = {"age": [-1.0]}
    splits = {"age": [25.0, 30.5, 40.0, 55.0]}
    tables = prebin_counts_spark(
        df, "bad", ["age", "purpose"], splits=splits, special_codes=specials, weight="w"
    )
    want_age = CountTable.from_data(
        "age",
        book["age"],
        book["bad"],
        book["w"],
        splits=splits["age"],
        special_codes=specials["age"],
    )
    np.testing.assert_allclose(tables["age"].event, want_age.event, rtol=1e-12)
    np.testing.assert_allclose(tables["age"].nonevent, want_age.nonevent, rtol=1e-12)
    want_purpose = CountTable.from_data(
        "purpose", book["purpose"], book["bad"], book["w"], kind="categorical"
    )
    assert tables["purpose"].categories == want_purpose.categories
    np.testing.assert_allclose(tables["purpose"].event, want_purpose.event, rtol=1e-12)
    assert tables["age"].total == pytest.approx(book["w"].sum())
    # weighted counts carry the row count, so the WOE smoothing equals the in-memory one
    assert tables["age"].n_obs == want_age.n_obs == 3000
    assert tables["purpose"].weight_unit == pytest.approx(want_purpose.weight_unit, rel=1e-12)
    # the tables are what the binner consumes
    binner = WOEBinner(max_n_bins=4).fit_from_counts(tables)
    assert set(binner.bins_["age"].splits) <= set(splits["age"])


def test_prebin_counts_spark_quantile_splits(spark, rng):
    book = _book(rng, 4000)
    tables = prebin_counts_spark(
        frame(spark, book), "bad", ["age"], special_codes={"age": [-1.0]}, max_n_prebins=10
    )
    t = tables["age"]
    assert 5 <= len(t.splits) <= 9
    # quantile pre-bins: each regular pre-bin holds roughly a tenth of the regular rows
    sizes = (t.event + t.nonevent)[: t.n_prebins]
    assert sizes.sum() == np.sum(~np.isnan(book["age"]) & (book["age"] != -1.0))
    assert sizes.max() < 0.25 * sizes.sum()
    want = CountTable.from_data(
        "age", book["age"], book["bad"], splits=t.splits, special_codes=(-1.0,)
    )
    np.testing.assert_array_equal(t.event, want.event)
    np.testing.assert_array_equal(t.nonevent, want.nonevent)


def test_count_tables_take_column_names_literally(spark):
    # dots and spaces in names are not struct paths
    df = spark.createDataFrame(
        [(1.5, "a", 1), (3.0, "b", 0), (None, "a", 0)],
        "`age.years` double, `the purpose` string, `is bad` long",
    )
    tables = prebin_counts_spark(df, "is bad", splits={"age.years": [2.0]})
    assert tables["age.years"].event.tolist() == [1.0, 0.0, 0.0]
    assert tables["the purpose"].categories == ("a", "b")


def test_prebin_counts_spark_refuses_a_non_binary_target(spark):
    df = spark.createDataFrame([(1.0, 2), (2.0, 0)], "x double, bad long")
    with pytest.raises(DataError, match="bad"):
        prebin_counts_spark(df, "bad")


def test_band_counts_spark_feed_psi(spark):
    spec = load("awkward")
    data = cases(spec, n_random=3000)
    scored = score_spark(spec, frame(spark, warehouse_columns(spec, data)))
    edges = [490.0, 500.0, 510.5, 530.0]
    got = band_counts_spark(scored, edges)
    want = band_counts_numpy(spec.score({f: data[f] for f in spec.feature_names}), edges)
    np.testing.assert_array_equal(got, want)
    from overdue_risk.metrics import psi_from_counts

    assert psi_from_counts(got, want).statistic == 0.0


def test_transition_counts_spark_equal_the_library_pairs(spark):
    from overdue_risk.datasets import make_microloan_portfolio
    from overdue_risk.transitions import transition_pairs

    perf = make_microloan_portfolio(n_loans=400, n_months=12, random_state=3).performance
    panel = perf[["loan_id", "month", "bucket"]]
    df = spark.createDataFrame(pa.Table.from_pandas(panel, preserve_index=False))
    for step in (1, 3):
        counts, states = transition_counts_spark(df, step=step)
        pairs = transition_pairs(panel, states=states, step=step)
        want = np.zeros((len(states), len(states)))
        np.add.at(want, (pairs.from_code, pairs.to_code), 1.0)
        np.testing.assert_array_equal(counts, want)
        assert counts.sum() > 500
