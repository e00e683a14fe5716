"""The fast paths of the panel views give the results of the general path, bit for bit.

A panel sorted by (loan, month) takes the sort-free paths (move cells counted at once,
loans as runs of rows); a shuffled copy of the same panel takes the general path
(pairing by search, loans by factorizing, a lexsort). A :class:`CodedPanel` reuses its
codes. Every view must give identical numbers on all of them, on several seeds, with text
and with categorical buckets, with dates at any resolution and with integer periods.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from overdue_risk.buckets import STATES
from overdue_risk.datasets import make_microloan_portfolio
from overdue_risk.exceptions import DataError
from overdue_risk.transitions import (
    CodedPanel,
    code_panel,
    cohort_matrix,
    roll_rates,
    vintage_curves,
)
from overdue_risk.transitions._panel import period_groups, period_index


def _views(panel: Any) -> dict[str, Any]:
    cm = cohort_matrix(panel)
    cp = cohort_matrix(panel, by="period")
    rr = roll_rates(panel)
    rw = roll_rates(panel, weight="balance")
    vc = vintage_curves(panel)
    vd = vintage_curves(panel, bad_dpd=90, bad_states=("CO",))
    return {
        "cohort": (cm.counts, cm.probabilities, cm.lower, cm.upper),
        "by_period": (cp.labels, cp.counts),
        "roll": (rr.periods, rr.forward, rr.worse, rr.cure, rr.stay, rr.n),
        "roll_balance": (rw.periods, rw.forward, rw.n),
        "vintage": (vc.cohorts, vc.count_rate, vc.balance_rate, vc.n_loans, vc.amount),
        "vintage_dpd": (vd.cohorts, vd.count_rate, vd.balance_rate),
    }


def _assert_same(a: dict[str, Any], b: dict[str, Any], *, exact: bool = True) -> None:
    """Equal results; ``exact=False`` allows the last bits of sums of balances, which
    are added in another order when the rows are in another order."""
    assert a.keys() == b.keys()
    for key in a:
        for x, y in zip(a[key], b[key], strict=True):
            if isinstance(x, tuple):
                assert x == y, key
            elif exact:
                np.testing.assert_array_equal(np.asarray(x), np.asarray(y), err_msg=key)
            else:
                np.testing.assert_allclose(x, y, rtol=1e-12, atol=0, err_msg=key)


@pytest.fixture(scope="module", params=[0, 1, 2])
def panel(request: pytest.FixtureRequest) -> pd.DataFrame:
    return make_microloan_portfolio(1500, 15, random_state=request.param).performance


def test_sorted_shuffled_and_coded_panels_agree(panel: pd.DataFrame) -> None:
    shuffled = panel.sample(frac=1.0, random_state=3)
    ref = _views(panel)
    _assert_same(_views(shuffled), ref, exact=False)  # the general (unsorted) path
    coded = code_panel(panel)
    _assert_same(_views(coded), ref)
    _assert_same(_views(coded), ref)  # second use: from what the coded panel kept
    _assert_same(_views(code_panel(shuffled)), _views(shuffled))


def test_column_types_agree(panel: pd.DataFrame) -> None:
    ref = _views(panel)
    as_objects = panel.assign(bucket=panel["bucket"].astype(object))
    as_categories = panel.assign(bucket=pd.Categorical(panel["bucket"], categories=STATES))
    in_seconds = panel.assign(month=panel["month"].to_numpy().astype("datetime64[s]"))
    for variant in (as_objects, as_categories, in_seconds):
        _assert_same(_views(variant), ref)


def test_months_on_book_out_of_order_takes_the_sorting_path() -> None:
    panel = {
        "loan_id": [1, 1, 1, 2, 2],
        "month": [0, 1, 2, 1, 2],
        "mob": [2, 1, 3, 1, 2],  # loan 1: months on book fall once
        "bucket": ["M0", "M4", "CO", "M0", "M0"],
        "balance": [90.0, 100.0, 0.0, 50.0, 40.0],
        "charge_off_amount": [0.0, 0.0, 95.0, 0.0, 0.0],
    }
    shuffled = {k: [v[i] for i in (4, 2, 0, 3, 1)] for k, v in panel.items()}
    a = vintage_curves(panel, states=["M0", "M4", "CO"])
    b = vintage_curves(shuffled, states=["M0", "M4", "CO"])
    np.testing.assert_array_equal(a.count_rate, b.count_rate)
    np.testing.assert_array_equal(a.balance_rate, b.balance_rate)
    np.testing.assert_array_equal(a.amount, [100.0, 50.0])  # the balance at mob 1


def test_coded_panel_keeps_its_states_and_recodes_on_request() -> None:
    panel = {"loan_id": [1, 1, 2, 2], "month": [0, 1, 0, 1], "bucket": ["M0", "M1", "M0", "M0"]}
    coded = code_panel(panel, states=["M0", "M1"])
    assert isinstance(coded, CodedPanel)
    assert len(coded) == 4
    assert cohort_matrix(coded).states == ("M0", "M1")
    wider = cohort_matrix(coded, states=["M0", "M1", "M2"])  # other states: coded afresh
    assert wider.states == ("M0", "M1", "M2")
    assert wider.counts[0].tolist() == [1.0, 1.0, 0.0]
    with pytest.raises(DataError, match="not in states"):
        code_panel(panel, states=["M0"])
    with pytest.raises(DataError, match="duplicate"):
        code_panel({"loan_id": [1, 1], "month": [0, 0], "bucket": ["M0", "M0"]})


@pytest.mark.parametrize("unit", ["ns", "us", "ms", "s", "D"])
def test_month_numbers_equal_numpy_calendar(unit: str) -> None:
    rng = np.random.default_rng(5)
    dates = rng.integers(-3_000_000_000, 4_000_000_000, 5000).astype("datetime64[s]")
    dates = dates.astype(f"datetime64[{unit}]")
    expected = dates.astype("datetime64[M]").astype(np.int64)
    np.testing.assert_array_equal(period_index(dates, "month"), expected)
    with pytest.raises(DataError, match="NaT"):
        period_index(np.r_[dates, np.datetime64("NaT", unit)], "month")


def test_period_groups_equal_unique() -> None:
    rng = np.random.default_rng(0)
    for values in (rng.integers(600, 640, 3000), rng.integers(-5, 10**9, 300), np.array([7])):
        uniq, inverse = np.unique(values, return_inverse=True)
        got_u, got_i = period_groups(values)
        np.testing.assert_array_equal(got_u, uniq)
        np.testing.assert_array_equal(got_i, inverse)
