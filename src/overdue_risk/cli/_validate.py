"""``overdue-risk validate SPEC DATA --target COL``: the CI gate.

Exit codes: 0 every check passed, 1 a check failed, 2 usage or data error.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from overdue_risk.cli._common import add_sample_arguments
from overdue_risk.gate import default_thresholds_toml, validate
from overdue_risk.reporting import build_report

__all__ = ["add_arguments", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the command's arguments."""
    add_sample_arguments(
        parser,
        spec="scoring spec (JSON) to validate",
        data="validation sample (.csv, .tsv or .parquet)",
        baseline="development (or last accepted) sample, for PSI/CSI and AUC drift",
        config="thresholds TOML file (see --print-config)",
    )
    parser.add_argument(
        "--json",
        default="gate.json",
        metavar="PATH",
        help="write the verdict as JSON here (default: gate.json; '-' to skip)",
    )
    parser.add_argument(
        "--junit",
        default="gate-junit.xml",
        metavar="PATH",
        help="write the verdict as JUnit XML here (default: gate-junit.xml; '-' to skip)",
    )
    parser.add_argument(
        "--report",
        metavar="PATH",
        help="also write the self-contained HTML report (gate verdict, ROC, calibration ...)",
    )
    parser.add_argument(
        "--print-config",
        action="store_true",
        help="print the default thresholds (TOML, documented) and exit",
    )


def run(args: argparse.Namespace) -> int:
    """Run the gate; print the verdict table; write JSON and JUnit; return the exit code."""
    if args.print_config:
        print(default_thresholds_toml(), end="")
        return 0
    missing = [n for n in ("spec", "data", "target") if getattr(args, n) is None]
    if missing:
        print(
            "overdue-risk validate: error: missing "
            + ", ".join("--target" if n == "target" else n.upper() for n in missing)
            + "\nusage: overdue-risk validate SPEC DATA --target COL [--baseline DATA] "
            "[--config thresholds.toml]",
            file=sys.stderr,
        )
        return 2
    if args.report and not str(args.report).lower().endswith((".html", ".htm")):
        print(
            "overdue-risk validate: error: the report is one HTML file; --report must end in "
            f".html, got {args.report!r}",
            file=sys.stderr,
        )
        return 2
    result = validate(
        args.spec, args.data, target=args.target, baseline=args.baseline, thresholds=args.config
    )
    print(result.summary())
    for path, write in ((args.json, result.to_json), (args.junit, result.to_junit_xml)):
        if path and path != "-":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            write(path)
            print(f"wrote {path}")
    if args.report:
        Path(args.report).parent.mkdir(parents=True, exist_ok=True)
        build_report(
            args.report,
            spec=args.spec,
            data=args.data,
            target=args.target,
            baseline=args.baseline,
            gate=result,
            title=f"Validation of {result.spec_name}",
        )
        print(f"wrote {args.report}")
    return result.exit_code
