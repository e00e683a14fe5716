"""``overdue-risk demo``: simulate the built-in micro-loan book, summarise it, write it out.

Thin by design: the steps live in :mod:`overdue_risk._demo`.
"""

from __future__ import annotations

import argparse

__all__ = ["add_arguments", "run"]


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number; got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a number >= 1; got {value}")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the command's arguments."""
    parser.add_argument(
        "--n-loans", type=_positive_int, default=20_000, help="loans to simulate (default 20000)"
    )
    parser.add_argument(
        "--n-months",
        type=_positive_int,
        default=24,
        help="calendar months of the panel (default 24)",
    )
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument(
        "--out",
        default="overdue_risk_demo",
        help="directory for the output files (default ./overdue_risk_demo)",
    )
    parser.add_argument("--quiet", action="store_true", help="print only the final summary")


def run(args: argparse.Namespace) -> int:
    """Run the demo steps, printing progress and the summary."""
    from overdue_risk._demo import run_demo

    result = run_demo(
        n_loans=args.n_loans,
        n_months=args.n_months,
        seed=args.seed,
        out=args.out,
        progress=None if args.quiet else lambda line: print(line, flush=True),
    )
    print(result.summary())
    return 0
