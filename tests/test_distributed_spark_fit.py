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


def sample(n: int = 4000, seed: int = 0):
    rng = np.random.default_rng(seed)
    a = rng.normal(size=n)
    b = rng.uniform(0, 10, n)
    b[rng.uniform(size=n) < 0.05] = np.nan
    b[rng.uniform(size=n) < 0.03] = -1.0  # a special code
    c = rng.choice(["x", "y", "z"], n)
    noise = rng.normal(size=n)
    eta = -1.5 + 0.8 * a - 0.2 * np.nan_to_num(b) + 0.5 * (c == "x")
    y = (rng.uniform(size=n) < 1 / (1 + np.exp(-eta))).astype(int)
    frame = pd.DataFrame({"a": a, "b": b, "c": c, "noise": noise, "bad": y})
    frame["w"] = rng.uniform(0.5, 2.0, n)
    regular = b[(b != -1.0) & ~np.isnan(b)]
    edges = {
        "a": [float(v) for v in np.quantile(a, np.linspace(0.05, 0.95, 19))],
        "b": [float(v) for v in np.quantile(regular, np.linspace(0.05, 0.95, 19))],
        "noise": [float(v) for v in np.quantile(noise, np.linspace(0.1, 0.9, 9))],
    }
    return frame, edges


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
    assert card.features_ == mem.features_
    assert card.dropped_features_ == mem.dropped_features_  # noise: IV below min_iv
    assert "noise" in card.dropped_features_
    for got, want in zip(card.card_, mem.card_, strict=True):
        assert got.splits == want.splits
        assert got.categories == want.categories
        np.testing.assert_allclose(got.points, want.points, rtol=0, atol=1e-6)
    np.testing.assert_allclose(card.coef_, mem.coef_, rtol=0, atol=1e-8)
    assert card.n_iter_ == mem.n_iter_
    np.testing.assert_allclose(
        card.predict_points(frame[features]), mem.predict_points(frame[features]), atol=1e-6
    )
    # the fitted card exports and scores like any other
    assert card.to_spec()["features"][0]["name"] == card.features_[0]


def test_calibration_from_score_counts_equals_row_fit(spark):
    from overdue_risk.calibration import PDCalibrator
    from overdue_risk.distributed._spark_fit import score_counts_spark

    frame, edges = sample(n=3000, seed=5)
    card = Scorecard(binner=WOEBinner(user_splits={"a": edges["a"]}), rounding=True).fit(
        frame[["a", "c"]], frame["bad"]
    )
    spec = card.to_spec()
    s, y, n = score_counts_spark(spec, spark.createDataFrame(frame[["a", "c", "bad"]]), "bad")
    assert n.sum() == len(frame)
    assert s.size < len(frame) / 10  # counts, not rows
    rows = np.asarray(card.predict_points(frame[["a", "c"]]), dtype=float)
    want = PDCalibrator().fit(rows.reshape(-1, 1), frame["bad"])
    got = PDCalibrator().fit(s.reshape(-1, 1), y, sample_weight=n)
    grid = np.linspace(rows.min(), rows.max(), 50).reshape(-1, 1)
    np.testing.assert_allclose(
        got.predict_proba(grid)[:, 1], want.predict_proba(grid)[:, 1], rtol=1e-6
    )


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
