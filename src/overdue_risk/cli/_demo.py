"""``overdue-risk demo``: the main job end to end on the built-in micro-loan portfolio.

Generate the book, split it out of time, bin, select, fit the scorecard, calibrate it to a
master scale, validate on the hold-out, cut-offs and a decision table, the CI gate, roll
rates, vintages and ECL; write the spec, the scorecard table, the gate's JSON/JUnit and an
HTML report; print a summary. Thin by design: the steps live in :mod:`overdue_risk._demo`.
Progress (one line per step) goes to stderr, the summary to stdout.
"""

from __future__ import annotations

import argparse
import sys

from overdue_risk._demo import run_demo
from overdue_risk.cli._common import positive_int

__all__ = ["add_arguments", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the command's arguments."""
    parser.add_argument(
        "--n-loans", type=positive_int, default=50_000, help="loans to simulate (default 50000)"
    )
    parser.add_argument(
        "--n-months",
        type=positive_int,
        default=24,
        help="calendar months of the panel (default 24; at least 14 for the out-of-time split)",
    )
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument(
        "--out",
        default="overdue_risk_demo",
        help="directory for the output files (default ./overdue_risk_demo)",
    )
    parser.add_argument(
        "--quiet", action="store_true", help="no progress lines; print only the final summary"
    )
    parser.add_argument(
        "--no-report", action="store_true", help="skip the HTML report (the slowest step)"
    )


def run(args: argparse.Namespace) -> int:
    """Run the demo steps, printing progress (stderr) and the summary (stdout)."""
    result = run_demo(
        n_loans=args.n_loans,
        n_months=args.n_months,
        seed=args.seed,
        out=args.out,
        report=not args.no_report,
        progress=None if args.quiet else lambda line: print(line, file=sys.stderr, flush=True),
    )
    print(result.summary())
    return 0
