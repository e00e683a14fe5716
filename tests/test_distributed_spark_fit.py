"""Development run on Spark: fit_scorecard_spark equals Scorecard.fit on the same rows.

Same pre-bin edges on both sides (the in-memory binner gets them as ``user_splits``), so
the binning, the WOE, the Newton fit and the points must agree; points to 1e-6.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

from conftest import local_spark
from engine_fit_cases import (
    assert_calibration_from_cells,
    assert_same_card,
    calibration_case,
    sample,
)
from overdue_risk.binning import WOEBinner
from overdue_risk.exceptions import DataError
from overdue_risk.scorecard import Scorecard
from overdue_risk.selection import WOESelector

pytest.importorskip("pyspark")
pd = pytest.importorskip("pandas")

pytestmark = [
    pytest.mark.spark,
    pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning"),
]


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    yield from local_spark(
        "overdue_risk-spark-fit-tests",
        **{"spark.sql.execution.arrow.pyspark.enabled": "true"},
    )


def test_spark_fit_equals_in_memory_fit(spark):
    from overdue_risk.distributed import fit_scorecard_spark

    frame, edges = sample()
    features = ["a", "b", "c", "noise"]

    def template():
        binner = WOEBinner(user_splits=edges, special_codes={"b": [-1.0]})
        return Scorecard(binner=binner, rounding=False, min_iv=0.02, C=50.0)

    mem = template().fit(frame[features], frame["bad"], sample_weight=frame["w"].to_numpy())
    sdf = spark.createDataFrame(frame)
    card = fit_scorecard_spark(sdf, "bad", features, scorecard=template(), splits=edges, weight="w")
    assert "noise" in card.dropped_features_  # IV below min_iv, on both sides
    assert_same_card(card, mem, frame, features)
    # the fitted card exports and scores like any other
    assert card.to_spec()["features"][0]["name"] == card.features_[0]


def test_calibration_from_score_counts_equals_row_fit(spark):
    from overdue_risk.distributed import score_counts_spark

    frame, card = calibration_case()
    cells = score_counts_spark(card.to_spec(), spark.createDataFrame(frame), "bad")
    assert_calibration_from_cells(card, frame, cells)


def test_woe_expressions_equal_bin_index(spark):
    from overdue_risk.distributed._spark_fit import woe_columns_spark

    frame, edges = sample(n=1500, seed=3)
    binner = WOEBinner(user_splits=edges, special_codes={"b": [-1.0]}).fit(
        frame[["a", "b", "c", "noise"]], frame["bad"]
    )
    woe = woe_columns_spark(binner)
    got = spark.createDataFrame(frame).select(*[woe[n].alias(n) for n in woe]).toPandas()
    want = np.asarray(binner.transform(frame[["a", "b", "c", "noise"]]), dtype=float)
    for j, n in enumerate(["a", "b", "c", "noise"]):
        np.testing.assert_array_equal(got[n].to_numpy(), want[:, j])


def test_selector_refused(spark):
    from overdue_risk.distributed import fit_scorecard_spark

    frame, _ = sample(n=200)
    with pytest.raises(DataError, match="selector"):
        fit_scorecard_spark(
            spark.createDataFrame(frame), "bad", ["a"], scorecard=Scorecard(selector=WOESelector())
        )
