"""Speed of the strategy tools: cut-off analysis and the decision table.

    python benchmarks/bench_strategy.py          # 100k and 1M applicants
    python benchmarks/bench_strategy.py --quick  # 10k applicants (smoke test)

RATIOS measured in the same run:

- ``cutoff_analysis`` (100 cut-offs) against a floor of one ``np.argsort`` of the scores
  (the one sort it needs) and against the naive approach, a boolean mask and sums per
  cut-off (what a loop over cut-offs in pandas / NumPy does);
- ``DecisionTable.apply`` (4 knock-out rules, 3 bands, risk-based pricing) against a floor
  of one vectorised comparison per rule and band.

Writes ``benchmarks/results/strategy.json``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from _common import bench_parser, best_of, print_table, save_result
from overdue_risk.strategy import (
    DecisionBand,
    DecisionTable,
    PolicyRule,
    RiskBasedPricing,
    cutoff_analysis,
)


def naive_cutoffs(score: np.ndarray, pd_: np.ndarray, y: np.ndarray, cuts: np.ndarray) -> None:
    for c in cuts:
        approved = score >= c
        n = approved.sum()
        if n:
            _ = pd_[approved].mean(), y[approved].mean(), (pd_[approved] * 0.7).sum()


def data(n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, pd.DataFrame]:
    rng = np.random.default_rng(0)
    score = rng.normal(600, 50, n)
    pd_ = 1 / (1 + np.exp((score - 500) / 30))
    y = (rng.uniform(size=n) < pd_).astype(np.int64)
    frame = pd.DataFrame(
        {
            "age": rng.integers(16, 80, n),
            "debt_to_income": rng.uniform(0, 1, n),
            "employment_type": rng.choice(["salaried", "gig_worker", "unemployed"], n),
            "monthly_income": np.where(rng.uniform(size=n) < 0.08, np.nan, 800.0),
            "score": score,
            "pd": pd_,
        }
    )
    return score, pd_, y, frame


def bench(n: int, repeat: int) -> list[dict[str, Any]]:
    score, pd_, y, frame = data(n)
    cuts = np.quantile(score, np.linspace(0, 1, 100))
    floor_sort = best_of(lambda: np.argsort(-score, kind="stable"), repeat)
    ours = best_of(lambda: cutoff_analysis(score, pd_, y, cutoffs=cuts, lgd=0.7, apr=0.4), repeat)
    naive = best_of(lambda: naive_cutoffs(score, pd_, y, cuts), repeat)
    table = DecisionTable(
        bands=[
            DecisionBand("A", min_score=620, limit=3000, apr=0.28, max_term=24),
            DecisionBand("B", min_score=580, limit=2000, max_term=12),
            DecisionBand("C", min_score=540, limit=600, max_term=6),
        ],
        rules=[
            PolicyRule("age", "<", 18),
            PolicyRule("debt_to_income", ">", 0.6),
            PolicyRule("employment_type", "in", ["unemployed"]),
            PolicyRule("monthly_income", "missing"),
        ],
        pricing=RiskBasedPricing(lgd=0.7, funding_rate=0.08, operating_cost=0.06, apr_cap=0.6),
    )
    apply_t = best_of(lambda: table.apply(frame), repeat)
    cols = {c: frame[c].to_numpy() for c in frame.columns}

    def floor_rules() -> None:
        _ = cols["age"] < 18
        _ = cols["debt_to_income"] > 0.6
        _ = cols["employment_type"] == "unemployed"
        _ = np.isnan(cols["monthly_income"])
        _ = np.searchsorted([540.0, 580.0, 620.0], cols["score"])

    floor_apply = best_of(floor_rules, repeat)
    return [
        {
            "name": "cutoff_analysis (100 cut-offs)",
            "n": n,
            "seconds": ours,
            "vs": "one argsort",
            "ratio_vs_floor": ours / floor_sort,
            "speedup_vs_naive_loop": naive / ours,
        },
        {
            "name": "DecisionTable.apply (4 rules, 3 bands, pricing)",
            "n": n,
            "seconds": apply_t,
            "vs": "one comparison per rule and band",
            "ratio_vs_floor": apply_t / floor_apply,
        },
    ]


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = bench_parser(__doc__, "strategy", quick_help="smallest size only")
    args = parser.parse_args(argv)
    sizes = [10_000] if args.quick else [100_000, 1_000_000]
    repeat = 1 if args.quick else 3
    rows = [row for n in sizes for row in bench(n, repeat)]
    columns = [
        ("benchmark", "<48"),
        ("n", ">10,"),
        ("seconds", ">9.4f"),
        ("vs floor", ">9"),
        ("vs naive", ">9"),
    ]
    table = []
    for r in rows:
        naive = r.get("speedup_vs_naive_loop")
        times_naive = None if naive is None else f"{naive:.1f}x"
        table.append([r["name"], r["n"], r["seconds"], f"{r['ratio_vs_floor']:.1f}x", times_naive])
    print_table(columns, table, rule=False)
    return save_result(args, "strategy", rows=rows)


if __name__ == "__main__":
    main()
