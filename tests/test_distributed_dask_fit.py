"""Development run on Dask: fit_scorecard_dask equals Scorecard.fit on the same rows.

Same pre-bin edges on both sides (the in-memory binner gets them as ``user_splits``), so
the binning, the WOE, the Newton fit and the points must agree; points to 1e-6. The
engine-independent part (drop rule, Newton method, sign check, record) is the code the
Spark fit runs too (``distributed._engine_fit``).
"""

from __future__ import annotations

import numpy as np
import pytest

from engine_fit_cases import (
    assert_calibration_from_cells,
    assert_same_card,
    calibration_case,
    sample,
)
from overdue_risk.binning import WOEBinner
from overdue_risk.exceptions import DataError, OverdueRiskWarning
from overdue_risk.scorecard import Scorecard
from overdue_risk.selection import WOESelector

dd = pytest.importorskip("dask.dataframe")
dask = pytest.importorskip("dask")
pd = pytest.importorskip("pandas")

pytestmark = pytest.mark.dask


def test_dask_fit_equals_in_memory_fit_weighted() -> None:
    from overdue_risk.distributed import fit_scorecard_dask

    frame, edges = sample()
    features = ["a", "b", "c", "noise"]

    def template() -> Scorecard:
        binner = WOEBinner(user_splits=edges, special_codes={"b": [-1.0]})
        return Scorecard(binner=binner, rounding=False, min_iv=0.02, C=50.0)

    mem = template().fit(frame[features], frame["bad"], sample_weight=frame["w"].to_numpy())
    ddf = dd.from_pandas(frame, npartitions=5)
    with dask.config.set(scheduler="synchronous"):
        card = fit_scorecard_dask(
            ddf, "bad", features, scorecard=template(), splits=edges, weight="w"
        )
    assert "noise" in card.dropped_features_  # IV below min_iv, on both sides
    assert_same_card(card, mem, frame, features)
    assert card.summary_ is None
    assert card.to_spec()["features"][0]["name"] == card.features_[0]


@pytest.mark.slow
def test_dask_fit_equals_in_memory_fit_on_300k_rows_with_two_threads() -> None:
    from overdue_risk.distributed import fit_scorecard_dask

    frame, edges = sample(n=300_000, seed=7)
    features = ["a", "b", "c", "noise"]

    def template() -> Scorecard:
        binner = WOEBinner(user_splits=edges, special_codes={"b": [-1.0]})
        return Scorecard(binner=binner, rounding=False)

    mem = template().fit(frame[features], frame["bad"])
    ddf = dd.from_pandas(frame.drop(columns="w"), npartitions=8)
    with dask.config.set(scheduler="threads", num_workers=2):
        card = fit_scorecard_dask(ddf, "bad", features, scorecard=template(), splits=edges)
    assert_same_card(card, mem, frame, features)


def test_sign_check_drop_refits_without_the_wrong_signed_feature() -> None:
    from overdue_risk.distributed import fit_scorecard_dask

    rng = np.random.default_rng(3)
    n = 3000
    a = rng.normal(size=n)
    b = a + 0.5 * rng.normal(size=n)  # risky through a, protective given a: a wrong sign
    c = rng.normal(size=n)
    eta = -1 + 2 * a - 0.7 * b + 0.8 * c
    y = (rng.uniform(size=n) < 1 / (1 + np.exp(-eta))).astype(int)
    frame = pd.DataFrame({"a": a, "b": b, "c": c, "bad": y})
    edges = {k: [float(v) for v in np.quantile(frame[k], np.linspace(0.1, 0.9, 9))] for k in "abc"}

    def template() -> Scorecard:
        return Scorecard(binner=WOEBinner(user_splits=edges), sign_check="drop")

    mem = template().fit(frame[["a", "b", "c"]], frame["bad"])
    with dask.config.set(scheduler="synchronous"):
        card = fit_scorecard_dask(
            dd.from_pandas(frame, npartitions=3), "bad", scorecard=template(), splits=edges
        )
    assert mem.wrong_sign_features_  # the case is exercised
    assert card.features_ == mem.features_
    assert card.dropped_features_ == mem.dropped_features_
    assert card.wrong_sign_features_ == mem.wrong_sign_features_


def test_calibration_from_score_counts_equals_row_fit() -> None:
    from overdue_risk.distributed import score_counts_dask

    frame, card = calibration_case()
    with dask.config.set(scheduler="synchronous"):
        cells = score_counts_dask(card.to_spec(), dd.from_pandas(frame, npartitions=3), "bad")
    assert_calibration_from_cells(card, frame, cells)


def test_errors() -> None:
    from overdue_risk.distributed import fit_scorecard_dask

    frame, _ = sample(n=200)
    ddf = dd.from_pandas(frame, npartitions=2)
    with pytest.raises(DataError, match="selector"):
        fit_scorecard_dask(ddf, "bad", ["a"], scorecard=Scorecard(selector=WOESelector()))
    with pytest.raises(DataError, match="does not have"):
        fit_scorecard_dask(ddf, "bad", ["a", "nope"])
    one_class = dd.from_pandas(frame.assign(bad=0), npartitions=2)
    with pytest.raises(DataError, match="single class"):
        fit_scorecard_dask(one_class, "bad", ["a"], splits={"a": [0.0]})
    with pytest.raises(DataError, match="no feature is left"):
        fit_scorecard_dask(ddf, "bad", ["noise"], scorecard=Scorecard(min_iv=5.0))


def test_non_convergence_warns() -> None:
    from overdue_risk.distributed import fit_scorecard_dask

    frame, edges = sample(n=2000, seed=2)
    template = Scorecard(binner=WOEBinner(user_splits={"a": edges["a"]}), max_iter=1)
    with pytest.warns(OverdueRiskWarning, match="did not converge"):
        fit_scorecard_dask(
            dd.from_pandas(frame, npartitions=2),
            "bad",
            ["a"],
            scorecard=template,
            splits={"a": edges["a"]},
        )
