"""``overdue-risk report``: one self-contained HTML report of a scorecard and its book."""

from __future__ import annotations

import argparse

from overdue_risk.cli._common import add_sample_arguments
from overdue_risk.reporting import build_report

__all__ = ["add_arguments", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the command's arguments."""
    add_sample_arguments(
        parser,
        spec="scoring spec (JSON)",
        data="applications / validation sample (.csv, .parquet)",
        baseline="development sample, for PSI/CSI",
        config="gate thresholds TOML file",
    )
    parser.add_argument(
        "--performance", help="loan-month panel (.csv, .parquet), for roll rates, vintages, ECL"
    )
    parser.add_argument(
        "--lgd", type=float, default=0.8, help="loss given default for ECL and profit (0.8)"
    )
    parser.add_argument("--title", default="Credit risk report", help="page title")
    parser.add_argument(
        "-o", "--output", default="report.html", help="HTML file to write (default: report.html)"
    )


def run(args: argparse.Namespace) -> int:
    """Build the report and write it; print what it holds."""
    import sys

    if args.spec is None and args.data is None and args.performance is None:
        print(
            "overdue-risk report: error: nothing to report on; pass SPEC DATA --target COL "
            "and/or --performance PANEL",
            file=sys.stderr,
        )
        return 2
    if not str(args.output).lower().endswith((".html", ".htm")):
        print(
            f"overdue-risk report: error: the report is one HTML file; --output must end in "
            f".html, got {args.output!r}",
            file=sys.stderr,
        )
        return 2
    if not 0.0 <= args.lgd <= 1.0:
        print(
            f"overdue-risk report: error: --lgd must lie in [0, 1]; got {args.lgd}", file=sys.stderr
        )
        return 2
    report = build_report(
        args.output,
        spec=args.spec,
        data=args.data,
        target=args.target,
        baseline=args.baseline,
        performance=args.performance,
        thresholds=args.config,
        title=args.title,
        lgd=args.lgd,
    )
    print(f"wrote {report.path} ({len(report.html) / 1e6:.1f} MB, self-contained)")
    print("sections: " + ", ".join(report.included))
    for title, needs in report.skipped.items():
        print(f"  not included: {title} (needs {', '.join(needs)})")
    return 0
