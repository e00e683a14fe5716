"""The behavioural features as one SQL query equal the in-memory ones (DuckDB, Spark SQL)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
import pandas as pd
import pytest

from conftest import local_spark
from overdue_risk.behaviour import panel_features, panel_features_sql
from overdue_risk.behaviour._panel import OPTIONAL_COLUMNS
from overdue_risk.datasets import make_microloan_portfolio
from overdue_risk.exceptions import DataError

duckdb = pytest.importorskip("duckdb")

PANEL_COLUMNS = ("dpd", "bucket", *OPTIONAL_COLUMNS)


def hostile_panel(seed: int, *, dated: bool, with_dpd: bool = True) -> pd.DataFrame:
    """Gaps, unsorted rows, jumps in DPD, NaN money, loans closing (CO / PO) mid-window."""
    rng = np.random.default_rng(seed)
    n = 400
    start = rng.integers(0, 12, n)
    length = rng.integers(1, 20, n)
    loan = np.repeat(np.arange(n), length)
    offset = np.arange(loan.size) - np.repeat(np.cumsum(length) - length, length)
    period = start[loan] + offset
    dpd = np.where(rng.random(loan.size) < 0.75, 0, rng.integers(1, 220, loan.size))
    bucket = np.searchsorted([0, 30, 60, 90, 120, 150], dpd).astype(object)
    bucket = np.asarray(["M0", "M1", "M2", "M3", "M4", "M5", "M6+"], dtype=object)[
        bucket.astype(int)
    ]
    last = np.r_[loan[1:] != loan[:-1], True]
    close = last & (rng.random(loan.size) < 0.5)
    bucket[close] = np.where(rng.random(int(close.sum())) < 0.5, "CO", "PO")
    sched = np.round(rng.uniform(50, 150, loan.size), 2)
    paid = np.round(sched * rng.choice([0.0, 0.5, 1.0, 1.0, 1.0, 2.0], loan.size), 2)
    frame = pd.DataFrame(
        {
            "loan_id": (loan * 7 + 3).astype(np.int64),
            "month": period.astype(np.int64),
            "dpd": dpd.astype(np.int64),
            "bucket": bucket,
            "balance": np.round(rng.uniform(0, 1000, loan.size), 2),
            "scheduled_payment": sched,
            "paid_amount": paid,
            "credit_limit": rng.choice([0.0, 500.0, 1000.0, np.nan], loan.size),
            "mob": (offset + 1).astype(np.float64),
            "days_late": np.where(rng.random(loan.size) < 0.3, rng.integers(0, 15, loan.size), 0.0),
            "inquiries": rng.poisson(0.5, loan.size).astype(np.float64),
        }
    )
    for col in ("balance", "paid_amount", "scheduled_payment", "days_late", "inquiries"):
        frame.loc[rng.random(loan.size) < 0.05, col] = np.nan
    frame = frame.loc[rng.random(loan.size) > 0.1]  # gaps
    frame = frame.sample(frac=1.0, random_state=seed)  # unsorted
    if dated:
        frame["month"] = (np.datetime64("2022-01", "M") + frame["month"].to_numpy()).astype(
            "datetime64[ns]"
        )
    if not with_dpd:
        frame = frame.drop(columns=["dpd"])
    return frame.reset_index(drop=True)


def assert_same(memory: pd.DataFrame, sql: pd.DataFrame, id: str = "loan_id") -> None:
    memory = memory.sort_values(id).reset_index(drop=True)
    sql = sql.sort_values(id).reset_index(drop=True)
    assert list(memory.columns) == list(sql.columns)
    assert len(memory) == len(sql)
    for col in memory.columns:
        a, b = memory[col].to_numpy(), sql[col].to_numpy()
        if col == "bucket_now":
            assert a.astype(str).tolist() == b.astype(str).tolist()
            continue
        a = np.asarray(pd.to_numeric(pd.Series(a)), dtype=float)
        b = np.asarray(pd.to_numeric(pd.Series(b)), dtype=float)
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-9, equal_nan=True, err_msg=col)


def run_duckdb(
    frame: pd.DataFrame, as_of: object, *, period_type: str, **kw: object
) -> pd.DataFrame:
    con = duckdb.connect()
    con.register("panel_view", frame)
    columns = [c for c in frame.columns if c in PANEL_COLUMNS]
    sql = panel_features_sql(
        as_of, table="panel_view", columns=columns, period_type=period_type, **kw
    )
    out = con.sql(sql).df()
    con.close()
    return out


@pytest.fixture(scope="module")
def book_panel() -> pd.DataFrame:
    book = make_microloan_portfolio(4_000, 24, random_state=5, distress=True)
    return book.performance.merge(book.bureau, on=["loan_id", "month"])


@pytest.mark.parametrize("as_of", ["2023-04", "2023-12", "2024-12"])
def test_duckdb_equals_memory_on_the_built_in_book(book_panel: pd.DataFrame, as_of: str) -> None:
    kw = {"counts": ("inquiries", "new_loans"), "windows": (1, 3, 12)}
    assert_same(
        panel_features(book_panel, as_of, **kw),
        run_duckdb(book_panel, as_of, period_type="date", **kw),
    )


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("dated", [False, True])
def test_duckdb_equals_memory_on_hostile_panels(seed: int, dated: bool) -> None:
    frame = hostile_panel(seed, dated=dated)
    for as_of in (5, 11, 17):
        when = str(np.datetime64("2022-01", "M") + as_of) if dated else as_of
        kw = {"counts": ("inquiries",), "windows": (2, 6)}
        memory = panel_features(frame, when, **kw)
        assert len(memory) > 20
        assert_same(memory, run_duckdb(frame, when, period_type="date" if dated else "int", **kw))


def test_duckdb_equals_memory_without_dpd_column() -> None:
    frame = hostile_panel(3, dated=False, with_dpd=False).drop(columns=["credit_limit"])
    assert_same(panel_features(frame, 9), run_duckdb(frame, 9, period_type="int"))


def test_sql_reads_no_row_after_as_of() -> None:
    frame = hostile_panel(4, dated=False)
    changed = frame.copy()
    later = changed["month"] > 8
    changed.loc[later, "dpd"] = 999
    changed.loc[later, "paid_amount"] = 0.0
    assert_same(run_duckdb(frame, 8, period_type="int"), run_duckdb(changed, 8, period_type="int"))


def test_sql_arguments_are_checked() -> None:
    with pytest.raises(DataError, match="dialect"):
        panel_features_sql("2024-01", dialect="oracle")
    with pytest.raises(DataError, match="'dpd' or 'bucket'"):
        panel_features_sql("2024-01", columns=["balance"])
    with pytest.raises(DataError, match="not panel columns"):
        panel_features_sql("2024-01", columns=["dpd", "inquiries"])


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    pytest.importorskip("pyspark")
    pytest.importorskip("pyarrow")
    yield from local_spark(
        "overdue_risk-behaviour-sql", cores=1, **{"spark.sql.session.timeZone": "UTC"}
    )


def _spark_run(
    spark: Any, frame: pd.DataFrame, as_of: object, cols: Sequence[str], **kw: Any
) -> pd.DataFrame:
    import pyarrow as pa

    table = pa.Table.from_pandas(frame, preserve_index=False)
    spark.createDataFrame(table).createOrReplaceTempView("panel_view")
    sql = panel_features_sql(as_of, table="panel_view", columns=cols, dialect="spark", **kw)
    out: pd.DataFrame = spark.sql(sql).toArrow().to_pandas()
    return out


@pytest.mark.slow
@pytest.mark.spark
@pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning")
def test_spark_sql_equals_memory(spark: Any, book_panel: pd.DataFrame) -> None:
    small = book_panel[book_panel["loan_id"] <= 800].copy()
    small["bucket"] = small["bucket"].astype(object)
    cols = [c for c in small.columns if c in PANEL_COLUMNS]
    kw: dict[str, Any] = {"counts": ("inquiries",), "windows": (3, 6)}
    assert_same(
        panel_features(small, "2024-01", **kw),
        _spark_run(spark, small, "2024-01", cols, period_type="date", **kw),
    )
    frame = hostile_panel(7, dated=False)
    cols = [c for c in frame.columns if c in PANEL_COLUMNS]
    assert_same(
        panel_features(frame, 11, **kw), _spark_run(spark, frame, 11, cols, period_type="int", **kw)
    )
