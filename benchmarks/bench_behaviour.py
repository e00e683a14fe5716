"""Early warning: feature speed (memory, DuckDB) and the issue-14 measurements.

    python benchmarks/bench_behaviour.py          # 10M loan-months; 3 seeds; UCI
    python benchmarks/bench_behaviour.py --quick  # 100k loan-months; 1 small book (smoke)

1. Speed. ``panel_features`` on a loan-month panel of ``--rows`` rows (sorted by loan and
   month, as warehouses export them), in memory from a pandas DataFrame and in DuckDB (the
   one SQL query of ``panel_features_sql`` on the same DataFrame), each as a RATIO to one
   ``np.bincount`` pass over the same number of rows, measured in the same run.
2. Watchlist on the built-in book (``distress=True``, 30 months), per seed: a behavioural
   scorecard (WOEBinner + Scorecard on monthly snapshots 2023-09 ... 2024-05, current
   accounts), exported to a spec and scored monthly through the runtime; the watchlist is
   "score in the riskiest 3% of development" OR "2+ new loans elsewhere in 3 months" OR
   "a partial payment and 3+ inquiries in 3 months"; backtested out of time on the
   snapshots 2024-06 ... 2024-12 (outcome: M3+ within 6 months). Issue 14 asks for a
   watchlist <= 5% of current accounts flagging >= 50% of the later M3+ accounts a month
   before their first missed payment, with precision >= 3x the base rate.
3. UCI credit-card panel (../shared/data): a behavioural scorecard from ``panel_features``
   only (segmented as behavioural cards usually are: one WOEBinner + Scorecard for current
   accounts, one for delinquent ones) vs a HistGradientBoostingClassifier on all raw
   columns, hold-out AUC on the same 70/30 splits (three split seeds).

Writes ``benchmarks/results/behaviour.json``.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from _common import bench_parser, best_of, floor_bincount, print_table, save_result
from overdue_risk.behaviour import (
    EarlyWarning,
    panel_features,
    panel_features_sql,
    snapshots,
    warning_backtest,
)

SHARED = Path(
    os.environ.get(
        "OVERDUE_RISK_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"
    )
)
META = {"as_of", "loan_id", "worst_bucket", "bad", "window_complete", "months_to_first_miss"}


# --------------------------------------------------------------------------- speed
def make_panel(n_rows: int, seed: int = 0) -> pd.DataFrame:
    """A sorted loan-month panel with DPD, payments and balances (~18 months per loan)."""
    rng = np.random.default_rng(seed)
    n_loans = max(n_rows // 18, 1)
    length = np.full(n_loans, 18)
    length[: n_rows - 18 * n_loans] += 1
    loan = np.repeat(np.arange(n_loans, dtype=np.int64), length)
    month = np.arange(loan.size) - np.repeat(np.cumsum(length) - length, length)
    late = rng.random(loan.size) < 0.06
    dpd = np.where(late, rng.integers(1, 200, loan.size), 0)
    sched = np.full(loan.size, 100.0)
    paid = np.where(late, 0.0, np.where(rng.random(loan.size) < 0.05, 60.0, 100.0))
    return pd.DataFrame(
        {
            "loan_id": loan,
            "month": month.astype(np.int64),
            "dpd": dpd.astype(np.int64),
            "balance": np.maximum(1800.0 - 100.0 * month, 0.0),
            "scheduled_payment": sched,
            "paid_amount": paid,
        }
    )


def bench_speed(n_rows: int, repeat: int) -> dict[str, Any]:
    panel = make_panel(n_rows)
    as_of = 17
    floor = floor_bincount(panel["loan_id"].to_numpy(), 0, repeat)
    memory = best_of(lambda: panel_features(panel, as_of), repeat)
    row: dict[str, Any] = {
        "n_rows": len(panel),
        "floor_bincount_s": floor,
        "memory_s": memory,
        "memory_ratio": memory / floor,
    }
    try:
        import duckdb
    except ImportError:  # pragma: no cover - duckdb is in the test extra
        return row
    con = duckdb.connect()
    con.register("panel", panel)
    sql = panel_features_sql(
        as_of,
        columns=["dpd", "balance", "scheduled_payment", "paid_amount"],
        period_type="int",
    )
    duck = best_of(lambda: con.sql(sql).df(), repeat)
    con.close()
    row.update({"duckdb_s": duck, "duckdb_ratio": duck / floor})
    return row


# --------------------------------------------------------------------------- watchlist
def warning_run(seed: int, n_loans: int = 30_000, n_months: int = 30) -> dict[str, Any]:
    """The issue-14 watchlist measurement on one seeded book (see the module docstring)."""
    from overdue_risk import Scorecard, WOEBinner
    from overdue_risk.datasets import make_microloan_portfolio
    from overdue_risk.runtime import Spec

    book = make_microloan_portfolio(n_loans, n_months, random_state=seed, distress=True)
    panel = book.performance.merge(book.bureau, on=["loan_id", "month"])
    months = [str(m)[:7] for m in pd.date_range("2023-01-01", periods=n_months, freq="MS")]
    kw: dict[str, Any] = {
        "horizon": 6,
        "windows": (1, 3, 6, 12),
        "counts": ("inquiries", "new_loans"),
    }
    dev = snapshots(panel, months[8:17], **kw)
    oot = snapshots(panel, months[17 : n_months - 6], **kw)
    feats = [c for c in dev.columns if c not in META]
    fit = dev[dev["window_complete"] & (dev["dpd_now"] == 0)]
    card = Scorecard(WOEBinner(), min_iv=0.02).fit(fit[feats], fit["bad"].astype(int))
    spec = Spec.from_dict(card.to_spec())  # monthly scoring goes through the runtime
    cut = float(np.quantile(spec.score(fit[feats]), 0.03))
    policy = EarlyWarning.from_dict(
        {
            "triggers": [
                {
                    "reason": "behavioural score in the riskiest 3%",
                    "when": [{"column": "score", "op": "<=", "value": cut}],
                },
                {
                    "reason": "loan stacking: 2+ new loans elsewhere in 3 months",
                    "when": [{"column": "new_loans_3m", "op": ">=", "value": 2}],
                },
                {
                    "reason": "partial payment with rising inquiries",
                    "when": [
                        {"column": "months_partial_payment_3m", "op": ">=", "value": 1},
                        {"column": "inquiries_3m", "op": ">=", "value": 3},
                    ],
                },
            ]
        }
    )
    score = spec.score(oot[feats])
    bt = warning_backtest(oot, policy, scores={"score": score})
    # judged against the simulator's truth: which of the later M3+ accounts had signs?
    truth = book.truth["distress"]
    with_signs = set(truth.loc[~truth["recovered"], "loan_id"])
    flags = policy.flags(oot, scores={"score": score})
    events = (
        (oot["bad"] == 1).fillna(False).to_numpy()
        & (oot["months_to_first_miss"] == 1).to_numpy()
        & (oot["dpd_now"] == 0).to_numpy()
    )
    signs = oot["loan_id"].isin(with_signs).to_numpy()
    return {
        "backtest": bt,
        "card_features": list(card.features_),
        "recall_with_signs": float(flags[events & signs].mean()),
        "recall_without_signs": float(flags[events & ~signs].mean()),
        "share_of_events_with_signs": float(signs[events].mean()),
    }


# --------------------------------------------------------------------------- UCI
def uci_panel(raw: pd.DataFrame) -> pd.DataFrame:
    """The UCI card data as a loan-month panel (April ... September 2005)."""
    months = pd.date_range("2005-04-01", periods=6, freq="MS")
    status = ["PAY_6", "PAY_5", "PAY_4", "PAY_3", "PAY_2", "PAY_0"]
    bills = [f"BILL_AMT{k}" for k in range(6, 0, -1)]
    paid = [f"PAY_AMT{k}" for k in range(6, 0, -1)]
    n = len(raw)
    bill = raw[bills].to_numpy(dtype=float)
    due = np.column_stack([np.full(n, np.nan), np.maximum(bill[:, :-1], 0.0)])  # last bill
    return pd.DataFrame(
        {
            "loan_id": np.repeat(raw["ID"].to_numpy(), 6),
            "month": np.tile(months.to_numpy(), n),
            "dpd": 30 * np.maximum(raw[status].to_numpy(), 0).ravel(),
            "balance": bill.ravel(),
            "scheduled_payment": due.ravel(),
            "paid_amount": raw[paid].to_numpy(dtype=float).ravel(),
            "credit_limit": np.repeat(raw["LIMIT_BAL"].to_numpy(dtype=float), 6),
        }
    )


def _segmented_card(feats: pd.DataFrame, y: np.ndarray, train: np.ndarray, test: np.ndarray) -> Any:
    """Two WOE scorecards, one for current and one for delinquent accounts (the usual
    segmentation of behavioural cards); returns the test PDs."""
    from overdue_risk import Scorecard, WOEBinner

    late = feats["dpd_now"].to_numpy() > 0
    pd_test = np.zeros(test.size)
    for segment in (False, True):
        rows_train, rows_test = train[late[train] == segment], test[late[test] == segment]
        card = Scorecard(WOEBinner()).fit(feats.iloc[rows_train], y[rows_train])
        pd_test[late[test] == segment] = card.predict_proba(feats.iloc[rows_test])[:, 1]
    return pd_test


def uci_run(path: Path, splits: tuple[int, ...] = (0, 1, 2)) -> dict[str, Any]:
    """Behavioural scorecard (panel_features only) vs HGB on all raw columns, per split."""
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import train_test_split

    from overdue_risk import Scorecard, WOEBinner

    raw = pd.read_csv(path)
    feats = panel_features(uci_panel(raw), "2005-09", windows=(1, 2, 3, 6))
    feats = feats.set_index("loan_id").loc[raw["ID"]].reset_index(drop=True)
    y = raw["next_payment"].to_numpy()
    raw_x = raw.drop(columns=["ID", "next_payment"])
    rows = []
    for split in splits:
        train, test = train_test_split(
            np.arange(len(raw)), test_size=0.3, random_state=split, stratify=y
        )
        segmented = roc_auc_score(y[test], _segmented_card(feats, y, train, test))
        one = Scorecard(WOEBinner()).fit(feats.iloc[train], y[train])
        single = roc_auc_score(y[test], one.predict_proba(feats.iloc[test])[:, 1])
        hgb = HistGradientBoostingClassifier(random_state=0).fit(raw_x.iloc[train], y[train])
        auc_hgb = roc_auc_score(y[test], hgb.predict_proba(raw_x.iloc[test])[:, 1])
        rows.append(
            {
                "split": split,
                "n_test": int(test.size),
                "auc_behavioural_scorecard": float(segmented),
                "auc_single_card": float(single),
                "auc_hgb_raw_columns": float(auc_hgb),
                "gap": float(auc_hgb - segmented),
            }
        )
    return {"splits": rows, "max_gap": max(r["gap"] for r in rows)}


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = bench_parser(__doc__, "behaviour")
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--seeds", type=int, nargs="*", default=[0, 1, 2])
    parser.add_argument("--skip-uci", action="store_true")
    args = parser.parse_args(argv)
    n_rows = 100_000 if args.quick else args.rows
    repeat = 3 if args.quick else 2
    speed = bench_speed(n_rows, repeat)
    print_table(
        [("rows", ">11,d"), ("bincount s", ">11.4f"), ("memory s", ">9.3f"),
         ("x floor", ">8.1f"), ("duckdb s", ">9.3f"), ("x floor", ">8.1f")],
        [[speed["n_rows"], speed["floor_bincount_s"], speed["memory_s"],
          speed["memory_ratio"], speed.get("duckdb_s"), speed.get("duckdb_ratio")]],
    )  # fmt: skip
    seeds = args.seeds[:1] if args.quick else args.seeds
    n_loans = 5_000 if args.quick else 30_000
    runs = []
    for seed in seeds:
        t0 = time.perf_counter()
        r = warning_run(seed, n_loans=n_loans)
        bt = r["backtest"]
        runs.append(
            {
                "seed": seed,
                "n_loans": n_loans,
                "lead_recall": {str(k): v for k, v in bt.lead_recall.items()},
                "n_events": {str(k): v for k, v in bt.n_events.items()},
                "recall_before_miss": bt.recall_before_miss,
                "watchlist_share": bt.watchlist_share,
                "precision": bt.precision,
                "base_rate": bt.base_rate,
                "lift": bt.lift,
                "false_alarm_rate": bt.false_alarm_rate,
                "recall_with_signs": r["recall_with_signs"],
                "recall_without_signs": r["recall_without_signs"],
                "share_of_events_with_signs": r["share_of_events_with_signs"],
                "seconds": time.perf_counter() - t0,
            }
        )
    print_table(
        [("seed", ">4d"), ("watch %", ">8.2%"), ("k=1", ">6.1%"), ("k=2", ">6.1%"),
         ("k=3", ">6.1%"), ("precision", ">9.1%"), ("base", ">6.1%"), ("lift", ">5.1f"),
         ("signs k=1", ">9.1%"), ("no signs", ">8.1%")],
        [[r["seed"], r["watchlist_share"], r["lead_recall"]["1"], r["lead_recall"]["2"],
          r["lead_recall"]["3"], r["precision"], r["base_rate"], r["lift"],
          r["recall_with_signs"], r["recall_without_signs"]] for r in runs],
    )  # fmt: skip
    uci: dict[str, Any] | None = None
    path = SHARED / "uci_default_credit_card_clients.csv"
    if not args.quick and not args.skip_uci and path.exists():
        uci = uci_run(path)
        print_table(
            [("split", ">5d"), ("segmented card", ">14.4f"), ("one card", ">9.4f"),
             ("HGB raw", ">8.4f"), ("gap", ">7.4f")],
            [[r["split"], r["auc_behavioural_scorecard"], r["auc_single_card"],
              r["auc_hgb_raw_columns"], r["gap"]] for r in uci["splits"]],
        )  # fmt: skip
    command = " ".join([sys.executable, *sys.argv])
    return save_result(args, "behaviour", command=command, speed=speed, watchlist=runs, uci=uci)


if __name__ == "__main__":
    main()
