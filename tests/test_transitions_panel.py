"""One panel check for every transitions function (known defect 4 of issue 12)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from overdue_risk.exceptions import DataError
from overdue_risk.transitions import (
    cohort_matrix,
    cure_rates,
    flow_rates,
    roll_rate_table,
    roll_rates,
    tier_migration,
    transition_pairs,
    vintage_curves,
)

pd = pytest.importorskip("pandas")


def _panel() -> dict[str, list[Any]]:
    return {
        "loan_id": [1, 1, 1, 2, 2, 2, 3, 3, 3],
        "month": [0, 1, 2] * 3,
        "mob": [1, 2, 3] * 3,
        "bucket": ["M0", "M1", "M2", "M0", "M0", "M1", "M1", "M0", "CO"],
        "dpd": [0, 35, 65, 0, 0, 31, 40, 0, 200],
        "balance": [100.0, 95.0, 90.0, 200.0, 190.0, 180.0, 50.0, 45.0, 0.0],
        "charge_off_amount": [0.0] * 8 + [45.0],
    }


CALLS: dict[str, Callable[[Any], object]] = {
    "cohort_matrix": lambda p: cohort_matrix(p),
    "transition_pairs": lambda p: transition_pairs(p),
    "roll_rates": lambda p: roll_rates(p),
    "cure_rates": lambda p: cure_rates(p, horizon=1),
    "flow_rates": lambda p: flow_rates(p),
    "vintage_curves": lambda p: vintage_curves(p, bad_dpd=60, bad_states=["CO"]),
    "roll_rate_table": lambda p: roll_rate_table(
        p, snapshot=1, observation_months=1, performance_months=1
    ),
    "tier_migration": lambda p: tier_migration(p, start=0, end=2),
}


@pytest.mark.parametrize("name", sorted(CALLS))
def test_every_function_accepts_the_clean_panel(name: str) -> None:
    CALLS[name](_panel())
    CALLS[name](pd.DataFrame(_panel()))


@pytest.mark.parametrize("name", sorted(CALLS))
def test_duplicated_loan_month_rows_are_refused_everywhere(name: str) -> None:
    panel = pd.DataFrame(_panel())
    doubled = pd.concat([panel, panel.iloc[[4]]], ignore_index=True)  # loan 2, month 1 twice
    with pytest.raises(DataError, match=r"duplicate \(loan, period\) rows"):
        CALLS[name](doubled)


@pytest.mark.parametrize("name", sorted(CALLS))
def test_states_outside_the_bucket_list_are_refused_not_dropped(name: str) -> None:
    panel = _panel()
    panel["bucket"] = [*panel["bucket"][:-1], "M7"]  # a typo for M6+ or CO
    with pytest.raises(DataError, match=r"'M7'"):
        CALLS[name](panel)


def test_no_alphabetical_reordering_of_custom_states() -> None:
    panel = {
        "loan_id": [1, 1, 2, 2],
        "month": [0, 1, 0, 1],
        "bucket": ["current", "late", "late", "default"],
    }
    with pytest.raises(DataError, match=r"states=\[\.\.\.\]"):
        cohort_matrix(panel)
    tm = cohort_matrix(panel, states=["current", "late", "default"])
    assert tm.states == ("current", "late", "default")
    np.testing.assert_array_equal(
        np.asarray(tm.counts), [[0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [0.0, 0.0, 0.0]]
    )


@pytest.mark.parametrize("name", ["vintage_curves", "tier_migration"])
def test_negative_days_past_due_are_refused(name: str) -> None:
    panel = _panel()
    panel["dpd"][3] = -5
    with pytest.raises(DataError, match=r"'dpd' holds 1 negative days past due.*row 3"):
        CALLS[name](panel)


def test_polars_pyarrow_and_duplicated_column_names() -> None:
    pa = pytest.importorskip("pyarrow")
    want = np.asarray(cohort_matrix(_panel()).counts)
    np.testing.assert_array_equal(np.asarray(cohort_matrix(pa.table(_panel())).counts), want)
    try:
        import polars as pl
    except ImportError:
        pl = None
    if pl is not None:
        got = cohort_matrix(pl.DataFrame(_panel()))
        np.testing.assert_array_equal(np.asarray(got.counts), want)
    frame = pd.DataFrame(_panel())
    frame.columns = [*frame.columns[:-1], "bucket"]  # two columns named 'bucket'
    with pytest.raises(DataError, match="'bucket' appears more than once"):
        roll_rates(frame)
