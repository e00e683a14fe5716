"""Monitoring a book PD card through a downturn: alert months per seed, and monitor's cost.

    python benchmarks/bench_monitoring.py            # 5 seeds, 20,000 loans, 24 months
    python benchmarks/bench_monitoring.py --quick    # 1 seed, smoke test

The card (a WOE scorecard with a logistic PD) is fitted on the performing book of
May-October 2023 (:func:`overdue_risk.monitoring.book_population`: application features,
DPD at the start of the month and worst DPD over the last 6 months; target: default,
90+ DPD or charge-off, within the next 3 months). It is monitored month by month from May
2023 against that development sample while a downturn (``downturn=(14, 20)``: March to
August 2024) raises miss and roll rates. Reported per seed: the months in which PSI /
CSI / calibration / discrimination alerts are raised, and any alert raised before the
downturn. Cost: ``monitor`` against a floor of scoring the same rows once with the spec
(the least any monitor must do).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

import pandas as pd

from _common import bench_parser, print_table, save_result, time_best

#: Development (and baseline) months of the card.
DEV = ("2023-05", "2023-10")
#: Months of the downturn as offsets from January 2023 (stop exclusive): 2024-03 .. 2024-08.
DOWNTURN = (14, 20)
HORIZON = 3
#: Materiality (see docs/guide/monitoring.md): PSI 0.05 (the book score is dominated by
#: static application features, so a downturn that moves a tenth of the book into
#: arrears gives PSI ~0.1, the seasoning of a young book up to ~0.035); PDs within 10% and
#: AUC within 0.01 of the baseline pass (the book's seasonality moves monthly default
#: rates by about 12% on the log-odds scale).
THRESHOLDS = {"psi_yellow": 0.05, "pd_tolerance": 0.1, "auc_tolerance": 0.01}
SERIES = ("psi", "csi:*", "calibration", "discrimination")


def build(seed: int, *, n_loans: int = 20_000, downturn: Any = DOWNTURN) -> dict[str, Any]:
    """Simulate the book, fit the card on DEV, and return book, population and spec."""
    from overdue_risk.binning import WOEBinner
    from overdue_risk.calibration import PDCalibrator
    from overdue_risk.datasets import make_microloan_portfolio
    from overdue_risk.monitoring import book_population
    from overdue_risk.scorecard import Scorecard

    book = make_microloan_portfolio(
        n_loans=n_loans, n_months=24, random_state=seed, downturn=downturn
    )
    pop = book_population(book, horizon=HORIZON)
    features = [*book.feature_names, "dpd_start", "worst_dpd_6m"]
    dev = pop[(pop["month"] >= DEV[0]) & (pop["month"] <= DEV[1])]
    binner = WOEBinner(
        special_codes={"credit_history_months": [-1], "worst_past_dpd": [-1]},
        min_bin_frac=0.01,  # arrears are ~5% of the book: let them have their own bins
    )
    card = Scorecard(binner=binner).fit(dev[features], dev["bad_next"])
    points = card.predict_points(dev[card.features_])
    cal = PDCalibrator(method="logistic").fit(points.reshape(-1, 1), dev["bad_next"].to_numpy())
    spec = card.to_spec(calibrator=cal, name="book_pd_3m")
    data = pop[pop["month"] >= DEV[0]].reset_index(drop=True)
    return {"book": book, "population": data, "spec": spec}


def run_monitor(spec: Any, data: pd.DataFrame, thresholds: Any = THRESHOLDS) -> Any:
    """The monitoring run of the benchmark (and of tests/test_monitoring_downturn.py)."""
    from overdue_risk.monitoring import monitor

    return monitor(
        spec,
        data,
        period="month",
        target="bad_next",
        observed="bad_next_observed",
        horizon=HORIZON,
        baseline=DEV,
        thresholds=thresholds,
    )


def downturn_months(downturn: Any = DOWNTURN) -> tuple[str, str]:
    """First and last month of the downturn as 'YYYY-MM'."""
    start = pd.Period("2023-01", "M")
    return str(start + downturn[0]), str(start + downturn[1] - 1)


def measure(seed: int, n_loans: int, thresholds: Any = THRESHOLDS) -> dict[str, Any]:
    """Alert months of one seed, and the pre-downturn margins."""
    built = build(seed, n_loans=n_loans)
    res = run_monitor(built["spec"], built["population"], thresholds)
    first, last = downturn_months()
    frame = res.to_frame()
    pre = frame[frame["period"] < first]
    known_pre = frame[frame["known_at"] < first]
    row: dict[str, Any] = {"seed": seed, "n_loans": n_loans, "downturn": f"{first}..{last}"}
    for s in SERIES:
        row[s] = list(res.alert_periods(s))
    row["alerts_before_downturn"] = sum(a.raised_at < first for a in res.alerts)
    row["before"] = sorted(
        {f"{a.series}@{a.raised_at[2:]}" for a in res.alerts if a.raised_at < first}
    )
    row["max_psi_before"] = float(pre["psi"].max())
    row["max_psi_during"] = float(frame[frame["period"].between(first, last)]["psi"].max())
    row["min_calibration_p_before"] = float(known_pre["calibration_pvalue"].min())
    return row


def main(argv: Sequence[str] | None = None) -> int:
    parser = bench_parser(__doc__, "monitoring")
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument(
        "--default-thresholds",
        action="store_true",
        help="monitor with MonitoringThresholds() (PSI floor 0.10, no tolerances)",
    )
    args = parser.parse_args(argv)
    seeds = 1 if args.quick else args.seeds
    n_loans = 4_000 if args.quick else 20_000
    th = None if args.default_thresholds else THRESHOLDS
    rows = [measure(seed, n_loans, th) for seed in range(seeds)]

    def short(months: list[str]) -> str:
        return " ".join(m[2:] for m in months) or "-"

    print_table(
        [
            ("seed", ">4d"),
            ("PSI alerts (raised)", "<44"),
            ("alerts before (series@month)", "<34"),
            ("calibration alerts (raised)", "<44"),
            ("before", ">6d"),
            ("psi pre", ">7.3f"),
            ("psi in", ">7.3f"),
            ("cal p pre", ">9.3g"),
        ],
        [
            [
                r["seed"],
                short(r["psi"]),
                " ".join(r["before"]) or "-",
                short(r["calibration"]),
                r["alerts_before_downturn"],
                r["max_psi_before"],
                r["max_psi_during"],
                r["min_calibration_p_before"],
            ]
            for r in rows
        ],
    )
    # cost: monitor against scoring the same rows once
    built = build(0, n_loans=n_loans)
    from overdue_risk.runtime import Spec

    spec = Spec.from_dict(built["spec"])
    data = built["population"]
    repeat = 1 if args.quick else 3
    t_floor, _ = time_best(lambda: spec.score(data), repeat)
    t_ours, _ = time_best(lambda: run_monitor(spec, data), repeat)
    timing = {
        "name": "monitor",
        "against": "spec.score once",
        "n_rows": len(data),
        "n_periods": int(data["month"].nunique()),
        "ours_s": t_ours,
        "floor_s": t_floor,
        "ratio_vs_floor": t_ours / t_floor,
    }
    print(
        f"monitor {len(data):,} account-months over {timing['n_periods']} months: "
        f"{t_ours:.2f} s = {timing['ratio_vs_floor']:.1f} x scoring them once"
    )
    save_result(args, "monitoring", seeds=rows, rows=[timing])
    return 0


if __name__ == "__main__":
    sys.exit(main())
