"""partial_fit: chunked counting, lazy solving, equal to fit when the edges are fixed."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from overdue_risk.binning import WOEBinner
from overdue_risk.exceptions import DataError

EDGES = list(np.round(np.linspace(-2.0, 2.0, 21), 6))


def _frame(rng, n: int = 6000) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    x = rng.normal(size=n)
    x[rng.random(n) < 0.04] = np.nan
    x[rng.random(n) < 0.02] = -1.0e6  # a special code
    cat = rng.choice(
        ["cash", "car", "home", "edu", "rare"], p=[0.4, 0.3, 0.2, 0.095, 0.005], size=n
    )
    logit = -2.0 + 0.9 * np.nan_to_num(np.clip(x, -3, 3)) + (cat == "cash") * 0.7
    y = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    w = rng.uniform(0.5, 2.0, n)
    return pd.DataFrame({"x": x, "purpose": cat}), y, w


def _params() -> dict:
    return {"max_n_bins": 5, "user_splits": {"x": EDGES}, "special_codes": {"x": [-1.0e6]}}


@pytest.mark.parametrize("n_chunks", [2, 5])
def test_chunked_partial_fit_equals_fit_on_the_concatenation(rng, n_chunks) -> None:
    X, y, w = _frame(rng)
    whole = WOEBinner(**_params()).fit(X, y, sample_weight=w)
    chunked = WOEBinner(**_params())
    for part in np.array_split(np.arange(len(y)), n_chunks):
        chunked.partial_fit(X.iloc[part], y[part], sample_weight=w[part])
    for name in ("x", "purpose"):
        a, b = whole.bins_[name], chunked.bins_[name]
        assert a.splits == b.splits
        assert a.categories == b.categories
        assert a.trend == b.trend
        np.testing.assert_allclose(b.event_count, a.event_count, rtol=1e-12)
        np.testing.assert_allclose(b.woe, a.woe, rtol=1e-10, atol=1e-12)
        assert b.smoothing == pytest.approx(a.smoothing, rel=1e-12)
    assert chunked.iv_ == pytest.approx(whole.iv_, rel=1e-10)
    np.testing.assert_allclose(chunked.transform(X), whole.transform(X), rtol=1e-10)
    assert list(chunked.feature_names_in_) == ["x", "purpose"]


def test_every_call_ends_with_an_explicit_solve(rng) -> None:
    """Issue 13: no __getattr__ that computes; partial_fit solves, and solve() is public."""
    X, y, _ = _frame(rng)
    b = WOEBinner(**_params())
    b.partial_fit(X.iloc[:500], y[:500])
    first = b.transform(X.iloc[:10])
    assert np.isfinite(first).all()
    b.partial_fit(X.iloc[500:], y[500:])
    solved = dict(vars(b)["bins_"])  # solved by the call itself, not on first access
    assert b.count_tables_["x"].total == pytest.approx(len(y))
    later = b.transform(X.iloc[:10])
    assert not np.allclose(first, later)  # the bins follow the accumulated counts
    assert "__getattr__" not in vars(WOEBinner)
    assert all(type(c).__dict__.get("__getattr__") is None for c in WOEBinner.__mro__[:-1])
    b.count_tables_ = dict(b.count_tables_)  # solve() rebuilds from the counts alone
    again = b.solve()
    assert again is b
    assert b.bins_["x"].splits == solved["x"].splits


def test_first_chunk_fixes_the_edges_later_categories_are_added(rng) -> None:
    X, y, _ = _frame(rng)
    b = WOEBinner(max_n_bins=4)  # edges from the first chunk's tree pre-binning
    first = X["purpose"].to_numpy() != "rare"
    b.partial_fit(X[first].iloc[:2000], y[first][:2000])
    edges = b.count_tables_["x"].splits
    assert "rare" not in b.count_tables_["purpose"].categories
    b.partial_fit(X.iloc[2000:], y[2000:])
    assert b.count_tables_["x"].splits == edges
    assert "rare" in b.count_tables_["purpose"].categories
    assert any("rare" in g for g in b.bins_["purpose"].categories)


def test_partial_fit_after_fit_adds_and_fit_restarts(rng) -> None:
    X, y, _ = _frame(rng)
    b = WOEBinner(**_params()).fit(X.iloc[:3000], y[:3000])
    b.partial_fit(X.iloc[3000:], y[3000:])
    assert b.count_tables_["x"].total == pytest.approx(len(y))
    b.fit(X.iloc[:100], y[:100])
    assert b.count_tables_["x"].total == pytest.approx(100)


def test_later_chunks_are_checked(rng) -> None:
    X, y, _ = _frame(rng)
    b = WOEBinner(**_params()).partial_fit(X.iloc[:1000], y[:1000])
    with pytest.raises(ValueError, match="purpose"):  # scikit-learn's feature-name check
        b.partial_fit(X[["x"]].iloc[1000:], y[1000:])
    arrays = WOEBinner(max_n_bins=3).partial_fit(np.c_[X["x"].to_numpy()[:1000]], y[:1000])
    with pytest.raises(DataError, match="expecting 1 features"):
        arrays.partial_fit(np.zeros((10, 2)), y[:10])
    with pytest.raises(DataError, match="single label 2; pass pos_label"):
        b.partial_fit(X.iloc[1000:1010], np.full(10, 2))
    bad = X.iloc[1000:1010].copy()
    bad.loc[bad.index[0], "x"] = np.inf
    with pytest.raises(DataError, match="'x'"):
        b.partial_fit(bad, y[1000:1010])
    # a chunk with one class only is fine after the first
    b.partial_fit(X.iloc[1000:1010], np.zeros(10, dtype=int))
    assert np.isfinite(b.transform(X.iloc[:5])).all()
