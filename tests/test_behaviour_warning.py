"""Watchlists (EarlyWarning) and their backtest, by hand and on the built-in book."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from overdue_risk.behaviour import (
    EarlyWarning,
    WarningTrigger,
    snapshots,
    warning_backtest,
)
from overdue_risk.exceptions import DataError
from overdue_risk.strategy import PolicyRule

POLICY = {
    "triggers": [
        {"reason": "low score", "when": [{"column": "score", "op": "<", "value": 500}]},
        {
            "reason": "partial and inquiries",
            "when": [
                {"column": "months_partial_payment_3m", "op": ">=", "value": 1},
                {"column": "inquiries_3m", "op": ">=", "value": 2},
            ],
        },
    ]
}


def _accounts() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "loan_id": [10, 11, 12, 13, 14],
            "dpd_now": [0, 0, 0, 0, 40],
            "score": [450, 600, 480, np.nan, 300],
            "months_partial_payment_3m": [0, 1, 1, 1, 1],
            "inquiries_3m": [0, 5, 3, 1, 9],
        }
    )


def test_watchlist_lists_every_reason_in_trigger_order() -> None:
    watch = EarlyWarning.from_dict(POLICY).apply(_accounts())
    assert watch["loan_id"].tolist() == [10, 11, 12]  # 13: NaN score, 14: already late
    assert watch["reasons"].tolist() == [
        "low score",
        "partial and inquiries",
        "low score; partial and inquiries",
    ]
    assert watch["n_reasons"].tolist() == [1, 1, 2]


def test_scores_passed_separately_and_all_accounts_watched() -> None:
    policy = EarlyWarning(
        [WarningTrigger("low score", [PolicyRule("pd_score", "<", 500)])], current_column=None
    )
    accounts = _accounts().drop(columns="score")
    flags = policy.flags(accounts, scores={"pd_score": [450, 600, 480, 700, 300]})
    assert flags.tolist() == [True, False, True, False, True]


def test_missing_value_can_fire_when_asked() -> None:
    policy = EarlyWarning(
        [
            {
                "reason": "no score",
                "when": [{"column": "score", "op": "<", "value": 0, "if_missing": "decline"}],
            }
        ]
    )
    assert policy.flags(_accounts()).tolist() == [False, False, False, True, False]


@pytest.mark.parametrize(
    ("policy", "message"),
    [
        ({"triggers": []}, "non-empty list of triggers"),
        ({"triggers": [{"reason": "x", "when": []}]}, "non-empty list of conditions"),
        ({"triggers": [{"reason": "x", "when": [{"col": "a"}]}]}, "'column', 'op'"),
        ({"triggers": [{"why": "x"}]}, "'reason' and 'when'"),
        ({"rules": []}, "unknown keys"),
    ],
)
def test_bad_policies_are_refused(policy: dict, message: str) -> None:
    with pytest.raises(DataError, match=message):
        EarlyWarning.from_dict(policy).flags(_accounts())


def test_missing_columns_are_named() -> None:
    policy = EarlyWarning.from_dict(POLICY)
    with pytest.raises(DataError, match="score"):
        policy.flags(_accounts().drop(columns="score"))
    with pytest.raises(DataError, match="dpd_now"):
        policy.flags(_accounts().drop(columns="dpd_now"))


def test_backtest_by_hand() -> None:
    # two months; loan 1 goes bad with its first miss 1 month after the first snapshot
    snaps = pd.DataFrame(
        {
            "as_of": [1, 1, 1, 1, 2, 2, 2],
            "loan_id": [1, 2, 3, 4, 2, 3, 4],
            "dpd_now": [0, 0, 0, 0, 0, 0, 0],
            "score": [400, 400, 600, 600, 600, 400, 600],
            "bad": pd.array([1, 0, 0, 1, 0, 1, pd.NA], dtype="Int64"),
            "window_complete": [True, True, True, True, True, True, False],
            "months_to_first_miss": [1.0, np.nan, np.nan, 2.0, np.nan, 1.0, np.nan],
        }
    )
    policy = EarlyWarning(
        [{"reason": "low", "when": [{"column": "score", "op": "<", "value": 500}]}]
    )
    bt = warning_backtest(snaps, policy)
    assert bt.n_current == 6  # the incomplete window is left out, never counted good
    assert bt.lead_recall == {1: 1.0, 2: 0.0, 3: bt.lead_recall[3]}
    assert np.isnan(bt.lead_recall[3])
    assert bt.n_events == {1: 2, 2: 1, 3: 0}
    assert bt.watchlist_share == pytest.approx(3 / 6)
    assert bt.precision == pytest.approx(2 / 3)
    assert bt.base_rate == pytest.approx(3 / 6)
    assert bt.lift == pytest.approx(4 / 3)
    assert bt.false_alarms == 1
    assert bt.false_alarm_rate == pytest.approx(1 / 3)
    assert bt.recall_before_miss == pytest.approx(1.0)  # both episodes seen a month before
    frame = bt.to_frame()
    assert frame["n_current"].tolist() == [4, 2]
    assert "lift" in bt.summary()


def test_backtest_needs_snapshot_columns() -> None:
    policy = EarlyWarning.from_dict(POLICY)
    with pytest.raises(DataError, match=r"output of behaviour\.snapshots"):
        warning_backtest(_accounts(), policy)


@pytest.mark.slow
def test_done_when_on_the_built_in_book() -> None:
    """Issue 14: <= 5% watchlist flags >= 50% of later M3+ a month before the first miss,
    precision >= 3x base rate, out of time (seed 0; benchmarks/bench_behaviour.py runs more)."""
    from bench_smoke import load_bench

    bench = load_bench("behaviour")
    result = bench.warning_run(seed=0, n_loans=20_000)
    bt = result["backtest"]
    assert bt.watchlist_share <= 0.05
    assert bt.lead_recall[1] >= 0.5
    assert bt.lift >= 3.0
    # against the simulator's truth: distressed defaulters are caught far more often
    assert result["recall_with_signs"] > 2 * result["recall_without_signs"]


def test_snapshots_feed_the_backtest_end_to_end() -> None:
    from overdue_risk.datasets import make_microloan_portfolio

    book = make_microloan_portfolio(2_000, 24, random_state=1, distress=True)
    panel = book.performance.merge(book.bureau, on=["loan_id", "month"])
    snaps = snapshots(panel, [f"2023-{m:02d}" for m in range(7, 13)], counts=("inquiries",))
    policy = EarlyWarning.from_dict(
        {
            "triggers": [
                {
                    "reason": "partial payment",
                    "when": [{"column": "months_partial_payment_3m", "op": ">=", "value": 1}],
                }
            ]
        }
    )
    bt = warning_backtest(snaps, policy)
    assert 0 < bt.watchlist_share < 0.2
    assert bt.lift > 2


@pytest.mark.slow
def test_done_when_on_the_uci_panel(uci_path: object) -> None:
    """Issue 14: a behavioural scorecard built only from panel_features is within 0.01 AUC
    of a HistGradientBoostingClassifier on all raw columns of the same hold-out split."""
    from bench_smoke import load_bench

    result = load_bench("behaviour").uci_run(uci_path, splits=(0,))
    (split,) = result["splits"]
    assert split["auc_behavioural_scorecard"] > 0.76
    assert split["gap"] <= 0.01
