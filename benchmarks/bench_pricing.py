"""Speed of the annualised rate: the IRR of a million loans at once.

    python benchmarks/bench_pricing.py          # 100k and 1M loans
    python benchmarks/bench_pricing.py --quick  # 10k loans (smoke test)

The loans mix the five repayment methods, terms of 3 to 24 months and upfront and
monthly fees (cash flows padded to 25 columns). RATIOS measured in the same run:

- ``annualised_rate`` (vectorised Newton with a bisection safeguard, Horner's rule over
  the periods) against a floor of one ``np.sum`` over the same cash-flow matrix (a root
  search must read every flow at least once per iteration);
- against the per-loan approach, ``scipy.optimize.brentq`` on each loan's NPV in a Python
  loop, timed on 2,000 loans and scaled per loan (the loop is linear in the loans).

Writes ``benchmarks/results/pricing.json``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from _common import bench_parser, best_of, floor_sum, print_table, save_result
from overdue_risk.pricing import METHODS, annualised_rate, repayment_schedule

LOOP_LOANS = 2_000


def cash_flows(n: int, seed: int = 0) -> np.ndarray:
    """Cash flows of ``n`` mixed loans, padded to 25 columns (built in chunks)."""
    rng = np.random.default_rng(seed)
    out = np.zeros((n, 25))
    chunk = 100_000
    for lo in range(0, n, chunk):
        m = min(chunk, n - lo)
        term = rng.choice([3, 6, 9, 12, 18, 24], m)
        s = repayment_schedule(
            rng.uniform(100, 5000, m),
            rng.uniform(0.1, 0.8, m),
            term,
            method=rng.choice(METHODS, m),
            fee_upfront=np.where(rng.random(m) < 0.3, rng.uniform(0.01, 0.06, m), 0.0),
            fee_per_period=np.where(rng.random(m) < 0.25, rng.uniform(0.003, 0.01, m), 0.0),
        )
        out[lo : lo + m, : s.cash_flows.shape[1]] = s.cash_flows
    return out


def loop_brentq(cf: np.ndarray) -> np.ndarray:
    from scipy.optimize import brentq

    t = np.arange(cf.shape[1], dtype=np.float64)
    out = np.empty(cf.shape[0])
    for i, row in enumerate(cf):
        out[i] = 12 * brentq(lambda r, row=row: float(np.sum(row * (1 + r) ** -t)), -0.9, 10.0)
    return out


def bench(n: int, repeat: int) -> dict[str, Any]:
    cf = cash_flows(n)
    floor = floor_sum(cf, repeat=max(repeat, 3))
    ours = best_of(lambda: annualised_rate(cf), repeat)
    sub = cf[:LOOP_LOANS]
    loop = best_of(lambda: loop_brentq(sub), 1) * n / sub.shape[0]
    # the two agree (the loop is the reference)
    diff = float(np.max(np.abs(annualised_rate(sub) - loop_brentq(sub))))
    return {
        "name": "annualised_rate (mixed methods, fees)",
        "n": n,
        "flows": int(cf.size),
        "seconds": ours,
        "floor_seconds": floor,
        "vs": "one np.sum over the cash flows",
        "ratio_vs_floor": ours / floor,
        "speedup_vs_brentq_loop": loop / ours,
        "max_abs_diff_vs_brentq": diff,
    }


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = bench_parser(__doc__, "pricing", quick_help="10k loans only")
    args = parser.parse_args(argv)
    sizes = [10_000] if args.quick else [100_000, 1_000_000]
    repeat = 1 if args.quick else 3
    rows = [bench(n, repeat) for n in sizes]
    columns = [
        ("benchmark", "<40"),
        ("loans", ">10,"),
        ("seconds", ">9.4f"),
        ("vs np.sum", ">10"),
        ("vs brentq loop", ">15"),
    ]
    table = [
        [
            r["name"],
            r["n"],
            r["seconds"],
            f"{r['ratio_vs_floor']:.1f}x",
            f"{r['speedup_vs_brentq_loop']:.0f}x faster",
        ]
        for r in rows
    ]
    print_table(columns, table, rule=False)
    return save_result(args, "pricing", rows=rows)


if __name__ == "__main__":
    main()
