"""Point-in-time behavioural features, targets and snapshots (overdue_risk.behaviour)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from overdue_risk.behaviour import behaviour_target, feature_plan, panel_features, snapshots
from overdue_risk.datasets import make_microloan_portfolio
from overdue_risk.exceptions import DataError


@pytest.fixture(scope="module")
def book() -> object:
    return make_microloan_portfolio(3_000, 24, random_state=11, distress=True)


@pytest.fixture(scope="module")
def panel(book: object) -> pd.DataFrame:
    return book.performance.merge(book.bureau, on=["loan_id", "month"])


def _hand_panel() -> pd.DataFrame:
    # loan 1: current, late 40 days in month 3, cured in 4, missed again in 6
    # loan 2: paid short in month 5 and 6; loan 3: closed (PO) at month 5
    return pd.DataFrame(
        {
            "loan_id": [1] * 6 + [2] * 6 + [3] * 5,
            "month": [*range(1, 7), *range(1, 7), *range(1, 6)],
            "dpd": [0, 0, 40, 0, 0, 10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
            "bucket": ["M0", "M0", "M2", "M0", "M0", "M1", *["M0"] * 6, *["M0"] * 4, "PO"],
            "scheduled_payment": [100.0] * 17,
            "paid_amount": np.array(
                [100, 100, 0, 300, 100, 0, 100, 100, 100, 100, 60, 50, *[100] * 5], dtype=float
            ),
            "balance": np.array(
                [900, 800, 800, 500, 400, 400, 600, 500, 400, 300, 240, 190, *[0] * 5], dtype=float
            ),
        }
    )


def test_hand_computed_features() -> None:
    f = panel_features(_hand_panel(), 6, windows=(3, 6)).set_index("loan_id")
    assert list(f.index) == [1, 2]  # loan 3 closed before as_of
    one, two = f.loc[1], f.loc[2]
    assert (one["dpd_now"], one["bucket_now"], one["worst_dpd_3m"], one["worst_dpd_6m"]) == (
        10,
        "M1",
        10,
        40,
    )
    assert (one["months_1plus_6m"], one["months_30plus_6m"], one["months_60plus_6m"]) == (2, 1, 0)
    assert one["months_since_delinquent"] == 0
    assert one["cures_to_date"] == 1
    assert one["redefaults_to_date"] == 1
    assert one["months_since_full_payment"] == 1
    assert one["consecutive_on_time_months"] == 0
    assert two["months_since_delinquent"] != two["months_since_delinquent"]  # NaN: never
    assert two["consecutive_on_time_months"] == 0  # month 6 was paid short
    assert f.loc[2, "months_since_full_payment"] == 2  # month 4
    assert two["months_partial_payment_3m"] == 2
    assert two["paid_to_scheduled_3m"] == pytest.approx(210 / 300)
    assert two["paid_to_scheduled_change_3m"] == pytest.approx(210 / 300 - 1.0)
    assert two["balance_paid_down_share"] == pytest.approx(1 - 190 / 600)
    assert two["months_on_book"] == 6


def test_target_marks_incomplete_windows_and_first_miss() -> None:
    panel = _hand_panel()
    t = behaviour_target(panel, 2, horizon=3, bad="M2+").set_index("loan_id")
    assert t.loc[1, "bad"] == 1
    assert t.loc[1, "months_to_first_miss"] == 1
    assert t.loc[2, "bad"] == 0  # seen until month 5 = 2 + 3
    assert t.loc[3, "window_complete"]  # paid off inside the window
    late = behaviour_target(panel, 4, horizon=3).set_index("loan_id")
    assert late.loc[[1, 2], "bad"].isna().all()  # panel ends at 6 < 4 + 3
    assert not late.loc[[1, 2], "window_complete"].any()
    assert late.loc[3, "bad"] == 0  # paid off at 5: complete and good


def test_unsorted_and_renamed_panels_give_the_same_features(panel: pd.DataFrame) -> None:
    a = panel_features(panel, "2024-03", counts=("inquiries",))
    shuffled = panel.sample(frac=1.0, random_state=0).rename(columns={"loan_id": "id"})
    b = panel_features(shuffled, "2024-03", id="id", counts=("inquiries",))
    a = a.sort_values("loan_id").reset_index(drop=True)
    b = b.sort_values("id").reset_index(drop=True).rename(columns={"id": "loan_id"})
    pd.testing.assert_frame_equal(a, b)


def test_bucket_only_panel_uses_bucket_lower_bounds() -> None:
    panel = _hand_panel().drop(columns=["dpd"])
    f = panel_features(panel, 6, windows=(6,)).set_index("loan_id")
    assert f.loc[1, "worst_dpd_6m"] == 31  # M2 -> 31 days
    assert f.loc[1, "dpd_now"] == 1


@settings(max_examples=25, deadline=None)
@given(
    as_of=st.integers(2, 5),
    row=st.integers(0, 16),
    dpd=st.integers(0, 200),
    paid=st.floats(0, 500, allow_nan=False),
    drop=st.booleans(),
)
def test_no_look_ahead(as_of: int, row: int, dpd: int, paid: float, drop: bool) -> None:
    """Perturbing (or deleting) any row after as_of changes no feature."""
    panel = _hand_panel()
    before = panel_features(panel, as_of, windows=(1, 3))
    future = panel.index[panel["month"] > as_of]
    target = future[row % len(future)]
    changed = panel.copy()
    if drop:
        changed = changed.drop(index=target)
    else:
        changed.loc[target, ["dpd", "paid_amount", "balance"]] = [dpd, paid, paid * 3]
        changed.loc[target, "bucket"] = "CO" if dpd > 180 else "M0"
    pd.testing.assert_frame_equal(before, panel_features(changed, as_of, windows=(1, 3)))


def test_no_look_ahead_on_the_built_in_book(panel: pd.DataFrame) -> None:
    as_of = pd.Timestamp("2024-02-01")
    before = panel_features(panel, "2024-02", counts=("new_loans",))
    rng = np.random.default_rng(0)
    changed = panel.copy()
    later = changed["month"] > as_of
    changed.loc[later, "dpd"] = rng.integers(0, 200, int(later.sum()))
    changed.loc[later, "new_loans"] = rng.integers(0, 9, int(later.sum()))
    changed.loc[later, "paid_amount"] = 0.0
    pd.testing.assert_frame_equal(before, panel_features(changed, "2024-02", counts=("new_loans",)))


def test_snapshots_stack_features_and_target(panel: pd.DataFrame) -> None:
    dev = snapshots(panel, ["2023-10", "2024-01"], horizon=6, windows=(3,))
    one = panel_features(panel, "2024-01", windows=(3,))
    part = dev[dev["as_of"] == pd.Timestamp("2024-01-01")].drop(columns="as_of")
    pd.testing.assert_frame_equal(
        part[one.columns].reset_index(drop=True), one.reset_index(drop=True)
    )
    assert dev.loc[~dev["window_complete"], "bad"].isna().all()
    assert dev.loc[dev["window_complete"], "bad"].notna().all()
    # the 6-month window after 2024-01 ends in 2024-07, inside the 24-month panel
    assert dev.loc[dev["as_of"] == pd.Timestamp("2023-10-01"), "window_complete"].mean() > 0.9


def test_target_agrees_with_panel_truth(book: object, panel: pd.DataFrame) -> None:
    t = behaviour_target(panel, "2023-12", horizon=6)
    later = panel[(panel["month"] > "2023-12-01") & (panel["month"] <= "2024-06-01")]
    worst = later[later["bucket"].isin(["M3", "M4", "M5", "M6+", "CO"])]["loan_id"].unique()
    complete = t[t["window_complete"]]
    assert set(complete.loc[complete["bad"] == 1, "loan_id"]) == set(worst) & set(t["loan_id"])


def test_plan_depends_on_columns() -> None:
    names = [f.name for f in feature_plan(["dpd", "balance", "credit_limit"], windows=(3,))]
    assert "utilisation_change_3m" in names
    assert "paid_to_scheduled_3m" not in names


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda p: p.drop(columns=["dpd", "bucket"]), "dpd \\(or bucket\\)"),
        (lambda p: pd.concat([p, p.iloc[:1]]), "more than one row"),
        (lambda p: p.assign(dpd=-p["dpd"] - 1), "dpd must be"),
        (lambda p: p.assign(bucket="late"), "bucket must hold"),
    ],
)
def test_bad_panels_are_refused(change: object, message: str) -> None:
    with pytest.raises(DataError, match=message):
        panel_features(change(_hand_panel()), 6)


def test_bad_arguments_are_refused() -> None:
    panel = _hand_panel()
    with pytest.raises(DataError, match="windows"):
        panel_features(panel, 6, windows=(0,))
    with pytest.raises(DataError, match="as_of must be an integer"):
        panel_features(panel, "2024-01")
    with pytest.raises(DataError, match="bad must be"):
        behaviour_target(panel, 3, bad="M9+")
    with pytest.raises(DataError, match="horizon"):
        behaviour_target(panel, 3, horizon=0)
    with pytest.raises(DataError, match="list of observation months"):
        snapshots(panel, 3)


def test_dict_of_arrays_reads_like_a_dataframe() -> None:
    panel = _hand_panel()
    as_dict = {c: panel[c].to_numpy() for c in panel.columns}
    pd.testing.assert_frame_equal(panel_features(panel, 6), panel_features(as_dict, 6))
