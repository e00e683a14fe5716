"""``overdue-risk fit CONFIG [--out DIR]``: develop a scorecard on your data from a config.

One progress line per step on stderr; the hold-out summary on stdout. Exit codes as
``validate``: 0 the gate passed, 1 a gate check failed, 2 usage, config or data error.
"""

from __future__ import annotations

import argparse
import sys

from overdue_risk.pipeline import fit_scorecard

__all__ = ["add_arguments", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the command's arguments."""
    parser.add_argument("config", metavar="CONFIG", help="TOML config (overdue-risk init)")
    parser.add_argument(
        "--out", metavar="DIR", help="output folder (default: the config's output.dir)"
    )
    parser.add_argument("--quiet", action="store_true", help="no progress lines")


def _progress(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def run(args: argparse.Namespace) -> int:
    """Run the pipeline; print the summary and the files written; return the gate's code."""
    result = fit_scorecard(args.config, out=args.out, progress=None if args.quiet else _progress)
    print(result.summary())
    for name, path in result.files.items():
        print(f"wrote {path} ({name})")
    return result.exit_code
