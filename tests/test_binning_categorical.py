"""Categorical columns: event-rate order by default, user category groups on request."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from overdue_risk.binning import CountTable, WOEBinner, solve_binning, woe_iv
from overdue_risk.exceptions import DataError

LEVELS = ["none", "primary", "secondary", "bachelor", "master", "phd"]
RISK = [0.30, 0.22, 0.16, 0.10, 0.08, 0.05]  # ordinal: risk falls with education


@pytest.fixture
def edu(rng) -> tuple[pd.DataFrame, np.ndarray]:
    n = 6000
    level = rng.integers(0, len(LEVELS), n)
    y = (rng.random(n) < np.asarray(RISK)[level]).astype(int)
    x = np.asarray(LEVELS, dtype=object)[level]
    x[rng.random(n) < 0.03] = None
    return pd.DataFrame({"edu": x}), y


def _rates(fb) -> np.ndarray:
    e, n = fb.event_count[: fb.n_bins], fb.nonevent_count[: fb.n_bins]
    return e / (e + n)


def test_without_groups_the_trend_is_ascending_by_construction(edu) -> None:
    X, y = edu
    fb = WOEBinner(monotonic_trend="descending").fit(X, y).bins_["edu"]
    assert fb.trend == "ascending"
    assert "by construction" in fb.trend_reason
    assert (np.diff(_rates(fb)) >= 0).all()


@pytest.mark.parametrize("trend", ["descending", "auto", None])
def test_user_groups_keep_their_order_and_take_the_trend(edu, trend) -> None:
    X, y = edu
    groups = [["none"], ["primary"], ["secondary"], ["bachelor"], ["master", "phd"]]
    b = WOEBinner(max_n_bins=3, monotonic_trend=trend, user_splits={"edu": groups}).fit(X, y)
    fb = b.bins_["edu"]
    # every bin is a run of adjacent groups, in the given order
    order = {c: i for i, g in enumerate(groups) for c in g}
    runs = [sorted({order[c] for c in cats}) for cats in fb.categories]
    flat = [i for r in runs for i in r]
    assert flat == list(range(len(groups)))
    assert all(r == list(range(r[0], r[-1] + 1)) for r in runs)
    if trend is not None:
        assert fb.trend == "descending"  # risk falls with education: a real monotone shape
        assert (np.diff(_rates(fb)) <= 0).all()
    # the IV is the exact optimum over merges of adjacent groups in that order
    t = b.count_tables_["edu"]
    pos = {c: i for i, c in enumerate(t.categories)}
    ev = np.array([sum(t.event[pos[c]] for c in g) for g in groups])
    ne = np.array([sum(t.nonevent[pos[c]] for c in g) for g in groups])
    res = solve_binning(
        ev,
        ne,
        total_events=float(t.event.sum()),
        total_nonevents=float(t.nonevent.sum()),
        trend=trend,
        max_n_bins=3,
        min_size=0.05 * float(ev.sum() + ne.sum()),
        min_events=1,
        min_nonevents=1,
        auto_min_iv_gain=0.05,
        auto_alpha=0.01,
    )
    e_all, n_all = fb.event_count[:-1], fb.nonevent_count[:-1]
    iv_bins = woe_iv(e_all, n_all, float(e_all.sum()), float(n_all.sum()))[1]
    regular_iv = float(iv_bins[: fb.n_bins].sum())
    assert regular_iv == pytest.approx(res.iv, rel=1e-9)


def test_user_groups_with_a_non_monotone_order(edu) -> None:
    X, y = edu
    # an order unrelated to risk: ascending cannot hold unless groups merge into one bin
    groups = [["phd"], ["none"], ["master"], ["primary", "secondary", "bachelor"]]
    fb = WOEBinner(monotonic_trend="ascending", user_splits={"edu": groups}).fit(X, y)
    fb = fb.bins_["edu"]
    assert (np.diff(_rates(fb)) >= 0).all()
    free = WOEBinner(monotonic_trend=None, user_splits={"edu": groups}).fit(X, y).bins_["edu"]
    assert free.n_bins == 4  # unconstrained: every group keeps its bin
    assert free.categories == (
        ("phd",),
        ("none",),
        ("master",),
        ("bachelor", "primary", "secondary"),
    )


def test_listed_but_unseen_category_maps_to_its_group(edu) -> None:
    X, y = edu
    groups = [["none", "primary"], ["secondary", "vocational"], ["bachelor", "master", "phd"]]
    b = WOEBinner(monotonic_trend=None, user_splits={"edu": groups}).fit(X, y)
    fb = b.bins_["edu"]
    idx = fb.bin_index(["vocational", "secondary", "astronaut"])
    assert idx[0] == idx[1] < fb.n_bins
    assert idx[2] == fb.unseen_index


def test_fit_from_counts_uses_the_groups_too(edu) -> None:
    X, y = edu
    groups = [["none"], ["primary", "secondary"], ["bachelor"], ["master", "phd"]]
    kw = {"monotonic_trend": "descending", "user_splits": {"edu": groups}}
    a = WOEBinner(**kw).fit(X, y)
    half = len(y) // 2
    tables = [
        CountTable.from_data("edu", X["edu"][:half], y[:half], kind="categorical"),
        CountTable.from_data("edu", X["edu"][half:], y[half:], kind="categorical"),
    ]
    b = WOEBinner(**kw).fit_from_counts([sum(tables)])
    assert a.bins_["edu"].categories == b.bins_["edu"].categories
    np.testing.assert_allclose(a.bins_["edu"].woe, b.bins_["edu"].woe, rtol=1e-12)


@pytest.mark.parametrize(
    ("groups", "match"),
    [
        ([["none", "primary"], ["secondary"]], "leaves out categories seen in training"),
        ([["none", "primary"], ["primary"], LEVELS[2:]], "'primary' is in groups 0 and 1"),
        ("none", "list of category groups"),
        ([["none"], [], LEVELS[1:]], "group 1"),
        ([["none", None], LEVELS[1:]], "missing value"),
    ],
)
def test_bad_groups_raise_clear_errors(edu, groups, match) -> None:
    X, y = edu
    with pytest.raises(DataError, match=match):
        WOEBinner(user_splits={"edu": groups}).fit(X, y)


def test_groups_for_a_numeric_column_are_refused(rng) -> None:
    x = rng.normal(size=(200, 1))
    y = (rng.random(200) < 0.3).astype(int)
    with pytest.raises(DataError, match="apply only to categorical columns"):
        WOEBinner(user_splits={"x0": [[0.0, 1.0], [2.0]]}).fit(x, y)
