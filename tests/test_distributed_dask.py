"""Dask export: the kernel on every pandas partition, and mergeable count tables.

Runs with Dask's synchronous scheduler (and once with threads). Every score equals the
kernel's on the boundary harness; every count table equals the NumPy table of the same
rows, and transition counts equal the library's own ``transition_pairs``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from export_harness import SPEC_FIXTURES, assert_same_as_kernel, cases, load, warehouse_columns
from overdue_risk.binning import CountTable, WOEBinner
from overdue_risk.distributed._counts import band_counts_numpy
from overdue_risk.distributed.dask import (
    band_counts_dask,
    prebin_counts_dask,
    score_dask,
    transition_counts_dask,
)
from overdue_risk.exceptions import DataError

dd = pytest.importorskip("dask.dataframe")
dask = pytest.importorskip("dask")
pd = pytest.importorskip("pandas")

pytestmark = pytest.mark.dask

K = 3


@pytest.fixture(autouse=True)
def _synchronous():
    with dask.config.set(scheduler="synchronous"):
        yield


def ddf_of(cols: dict[str, Any], npartitions: int = 4) -> Any:
    return dd.from_pandas(pd.DataFrame(cols), npartitions=npartitions)


@pytest.mark.parametrize("spec_name", sorted(SPEC_FIXTURES))
def test_score_dask_equals_kernel(spec_name):
    # Categorical columns hold canonical text: dask.dataframe turns object columns into
    # strings (its "dataframe.convert-string" default), so a float -1.0 in an object column
    # would arrive as "-1.0" -- a different category, for the kernel as for any engine.
    spec = load(spec_name)
    data = cases(spec, n_random=2000)
    out = score_dask(spec, ddf_of(warehouse_columns(spec, data)), reason_codes=K).compute()
    got = {c: out[c].to_numpy() for c in out.columns}
    assert got["row_id"].tolist() == list(range(len(data["row_id"])))
    assert_same_as_kernel(spec, data, got, reason_codes=K, engine="Dask")


def test_score_dask_integer_coded_categories():
    spec = load("binned")
    cols = {
        "n_inquiries_6m": [0.0, 3.0, 99.0],
        "channel": np.array([1, 2, 3], dtype=np.int64),
        "apr": [0.1, 0.2, 0.5],
    }
    out = score_dask(spec, ddf_of(cols, 2)).compute()
    np.testing.assert_array_equal(out["score"].to_numpy(), spec.score(cols))


def test_score_dask_with_threads_and_empty_partitions():
    spec = load("example")
    data = cases(spec, n_random=500)
    ddf = ddf_of(dict(data), npartitions=3)
    ddf = ddf[ddf["row_id"] < 200]  # later partitions become empty
    with dask.config.set(scheduler="threads", num_workers=2):
        out = score_dask(spec, ddf).compute()
    assert len(out) == 200
    want = spec.score({f: data[f][:200] for f in spec.feature_names})
    np.testing.assert_array_equal(out["score"].to_numpy(), want)


def test_score_dask_errors():
    spec = load("example")
    with pytest.raises(DataError, match="purpose"):
        score_dask(spec, ddf_of({"age": [1.0]}, 1))
    with pytest.raises(DataError, match="prefix"):
        score_dask(spec, ddf_of({"age": [1.0], "purpose": ["cash"], "score": [1.0]}, 1))


def test_prebin_counts_dask_equal_numpy_counts(rng):
    n = 5000
    age = rng.normal(40, 12, n).round(1)
    age[rng.random(n) < 0.05] = np.nan
    age[rng.random(n) < 0.03] = -1.0
    purpose = rng.choice(np.array(["cash", "travel", "rent", None], dtype=object), n)
    bad = (rng.random(n) < 0.2).astype(np.int64)
    w = rng.uniform(0.5, 2.0, n)
    ddf = ddf_of({"age": age, "purpose": purpose, "bad": bad, "w": w}, 5)
    tables = prebin_counts_dask(
        ddf, "bad", splits={"age": [30.0, 45.5]}, special_codes={"age": [-1.0]}, weight="w"
    )
    want = CountTable.from_data("age", age, bad, w, splits=[30.0, 45.5], special_codes=[-1.0])
    np.testing.assert_allclose(tables["age"].event, want.event, rtol=1e-12)
    np.testing.assert_allclose(tables["age"].nonevent, want.nonevent, rtol=1e-12)
    want_p = CountTable.from_data("purpose", purpose, bad, w, kind="categorical")
    assert tables["purpose"].categories == want_p.categories == ("cash", "rent", "travel")
    np.testing.assert_allclose(tables["purpose"].event, want_p.event, rtol=1e-12)
    # quantile pre-bins when no splits are given
    q = prebin_counts_dask(ddf, "bad", ["age"], special_codes={"age": [-1.0]}, max_n_prebins=8)
    sizes = (q["age"].event + q["age"].nonevent)[: q["age"].n_prebins]
    assert 4 <= len(q["age"].splits) <= 7
    assert sizes.max() < 0.3 * sizes.sum()
    binner = WOEBinner(max_n_bins=4).fit_from_counts(q)
    assert set(binner.bins_["age"].splits) <= set(q["age"].splits)


def test_prebin_counts_dask_refuses_a_non_binary_target():
    with pytest.raises(DataError, match="bad"):
        prebin_counts_dask(ddf_of({"x": [1.0, 2.0], "bad": [0, 3]}, 1), "bad", splits={"x": []})


def test_band_counts_dask():
    spec = load("binned")
    data = cases(spec, n_random=2000)
    scored = score_dask(spec, ddf_of(warehouse_columns(spec, data)))
    edges = [40.0, 60.0, 80.0, 95.0]
    want = band_counts_numpy(spec.score({f: data[f] for f in spec.feature_names}), edges)
    np.testing.assert_array_equal(band_counts_dask(scored, edges), want)
    with pytest.raises(DataError, match="increasing"):
        band_counts_dask(scored, [2.0, 1.0])


def test_transition_counts_dask_equal_the_library_pairs():
    from overdue_risk.datasets import make_microloan_portfolio
    from overdue_risk.transitions import transition_pairs

    perf = make_microloan_portfolio(n_loans=400, n_months=12, random_state=5).performance
    panel = perf[["loan_id", "month", "bucket"]].reset_index(drop=True)
    for step in (1, 2):
        counts, states = transition_counts_dask(ddf_of(panel, 4), step=step)
        pairs = transition_pairs(panel, states=states, step=step)
        want = np.zeros((len(states), len(states)))
        np.add.at(want, (pairs.from_code, pairs.to_code), 1.0)
        np.testing.assert_array_equal(counts, want)
