"""Speed of the synthetic micro-loan book generator.

    python benchmarks/bench_datasets.py          # 10k, 100k loans x 24 months
    python benchmarks/bench_datasets.py --quick  # 2k loans x 12 months (smoke test)

Reports, for each size, the best of a few runs of ``make_microloan_portfolio`` and the
RATIO to a floor measured in the same run: one ``numpy`` uniform draw of the same number
of loan-month cells (``n_loans * n_months``), i.e. the cost of touching every cell once.
The generator draws several numbers per cell, builds two DataFrames and derives the
target, so a ratio of about 100 is roughly what a fully vectorised design costs; a Python
loop over loans would be thousands of times the floor. Writes ``benchmarks/results/datasets.json``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from _common import bench_parser, best_of, print_table, save_result
from overdue_risk.datasets import make_microloan_portfolio


def bench(n_loans: int, n_months: int, repeat: int) -> dict[str, Any]:
    rng = np.random.default_rng(0)
    floor = best_of(lambda: rng.random(n_loans * n_months), max(repeat, 3))
    ours = best_of(
        lambda: make_microloan_portfolio(n_loans=n_loans, n_months=n_months, random_state=0),
        repeat,
    )
    pf = make_microloan_portfolio(n_loans=n_loans, n_months=n_months, random_state=0)
    return {
        "name": "make_microloan_portfolio",
        "n_loans": n_loans,
        "n_months": n_months,
        "n_loan_months": len(pf.performance),
        "seconds": ours,
        "floor_seconds": floor,
        "ratio_vs_floor": ours / floor,
        "loan_months_per_second": len(pf.performance) / ours,
    }


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = bench_parser(__doc__, "datasets", quick_help="smallest size only")
    args = parser.parse_args(argv)
    sizes = [(2_000, 12)] if args.quick else [(10_000, 24), (100_000, 24)]
    repeat = 1 if args.quick else 3
    rows = [bench(n, m, repeat) for n, m in sizes]
    columns = [
        ("loans", ">8,"),
        ("months", ">6"),
        ("rows", ">9,"),
        ("ours (s)", ">9.3f"),
        ("floor (s)", ">10.4f"),
        ("ratio", ">7.1f"),
    ]
    keys = ("n_loans", "n_months", "n_loan_months", "seconds", "floor_seconds", "ratio_vs_floor")
    print_table(columns, [[r[k] for k in keys] for r in rows])
    return save_result(
        args,
        "datasets",
        floor="one np.random.Generator.random draw of n_loans * n_months cells",
        rows=rows,
    )


if __name__ == "__main__":
    main()
